// Helpers for tests that run real containers: the local busybox test images (no registry on
// the internet is reachable), a docker-registry on 127.0.0.1 to pull them from (optionally
// behind HTTP basic auth), and a check that says why containers can't run here.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { containerdAvailable, freeLoopbackPort } from './containerd.js';

const run = promisify(execFile);

export interface TestImages {
  dir: string;
  /** OCI archives (tag "latest"), for `importImageArchive(..., baseName)`. */
  busyboxTar: string;
  pauseTar: string;
  /** OCI layouts, for skopeo (oci:DIR:latest). */
  busyboxLayout: string;
  pauseLayout: string;
}

/** Builds the test images once (scripts/build-test-images.sh) and says where they are. */
export async function ensureTestImages(outDir = process.env.KUBELITE_TEST_IMAGES ?? join(tmpdir(), 'kubelite-test-images')): Promise<TestImages> {
  const script = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../scripts/build-test-images.sh');
  await run('bash', [script, outDir], { maxBuffer: 4 * 1024 * 1024 });
  return {
    dir: outDir,
    busyboxTar: join(outDir, 'busybox.tar'),
    pauseTar: join(outDir, 'pause.tar'),
    busyboxLayout: join(outDir, 'busybox'),
    pauseLayout: join(outDir, 'pause'),
  };
}

/** Why real containers can't run on this machine, or undefined when they can. */
export async function whyNoContainers(): Promise<string | undefined> {
  const a = await containerdAvailable();
  if (!a.ok) return a.reason;
  for (const tool of ['umoci', 'ctr']) {
    try {
      await run(tool, ['--version']);
    } catch {
      return `${tool} is not installed`;
    }
  }
  if (!existsSync('/bin/busybox')) return 'busybox-static is not installed';
  return undefined;
}

export interface LocalRegistry {
  /** host:port, e.g. 127.0.0.1:41234 (containerd pulls from it over plain HTTP). */
  host: string;
  /** Copies an OCI layout's image to host/name:tag with skopeo. */
  push(layout: string, nameAndTag: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A docker-registry (Debian's package) on 127.0.0.1 with its storage in a temporary directory.
 * With `auth`, a small proxy in front of it demands those credentials (HTTP basic), the way a
 * private registry does; pushes go to the registry directly.
 */
export async function startLocalRegistry(opts: { auth?: { username: string; password: string } } = {}): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelite-registry-'));
  const registryPort = await freeLoopbackPort();
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${registryPort}
`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const until = Date.now() + 10_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${registryPort}/v2/`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > until || child.exitCode !== null) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let proxy: Server | undefined;
  let host = `127.0.0.1:${registryPort}`;
  if (opts.auth) {
    const expected = 'Basic ' + Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64');
    proxy = createServer((req, res) => {
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="kubelite-test"', 'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0' });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return;
      }
      const upstream = httpRequest({ host: '127.0.0.1', port: registryPort, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${registryPort}` } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', () => r()));
    const addr = proxy.address();
    host = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }
  return {
    host,
    async push(layout: string, nameAndTag: string) {
      await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://127.0.0.1:${registryPort}/${nameAndTag}`]);
      return `${host}/${nameAndTag}`;
    },
    async stop() {
      if (proxy) await new Promise<void>((r) => proxy!.close(() => r()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
