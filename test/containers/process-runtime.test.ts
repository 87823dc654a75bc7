// The host-process runtime on this machine: the ContainerRuntime conformance suite as root (pod
// network namespaces on a bridge, mount namespaces, cgroups), then what is particular to it —
// copy-on-write root, identities, ttys, start errors, cleanup after kill -9 (the guardian and the
// cleanup at start), pod start latency — and the rootless mode (plain host processes).
// Root-mode tests are skipped, with the reason, where root or the tools are missing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { runRuntimeSuite, httpGetOver } from '../../src/kubelet/runtime/runtime.case.js';
import { ProcessRuntime, runtimeNames } from '../../src/kubelet/runtime/process/index.js';
import type { ContainerConfig, ContainerRuntime, ContainerStatus, PodSandboxConfig } from '../../src/kubelet/runtime/interface.js';
import { criLogText } from '../../src/kubelet/cri-log.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');
const busybox = 'docker.io/library/busybox:latest';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function toolMissing(names: string[]): string | undefined {
  for (const n of names) {
    if (!['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, n)))) return n;
  }
  return undefined;
}

const whyNoRoot = (() => {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, mounts, cgroups)';
  const missing = toolMissing(['ip', 'nsenter', 'unshare', 'mount', 'umount', 'pivot_root', 'setpriv', 'busybox']);
  if (missing) return `${missing} is not installed (iproute2, util-linux, busybox-static)`;
  return false;
})();
const whyNoBusybox = toolMissing(['busybox']) ? 'busybox is not installed (busybox-static)' : false;

/** A /24 for pods in 198.19.64.0/18 that no route on this machine uses yet. */
function freePodCIDR(): string {
  const routes = execFileSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  for (let i = 0; i < 200; i++) {
    const octet = 64 + Math.floor(Math.random() * 64);
    if (!routes.includes(`198.19.${octet}.`)) return `198.19.${octet}.0/24`;
  }
  throw new Error('no free /24 in 198.19.64.0/18');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const workDir = mkdtempSync(join(tmpdir(), 'kubelite-process-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

// ---- the conformance suite ----

if (whyNoRoot) {
  describe('ContainerRuntime conformance: process (root)', () => {
    it('runs as root with util-linux, iproute2 and busybox', { skip: whyNoRoot }, () => {});
  });
} else {
  const hostPort = await freePort();
  runRuntimeSuite('process', () => ProcessRuntime.start({ stateDir: join(workDir, 'suite'), podCIDR: freePodCIDR(), isolation: 'root' }), {
    image: busybox,
    hostPort,
    cgroupParent: (uid) => `/kubepods/besteffort/pod${uid}`,
  });
}

// ---- helpers for the focused tests ----

interface Harness {
  rt: ProcessRuntime;
  dir: string;
  pod(label: string, more?: Partial<PodSandboxConfig>): Promise<{ id: string; config: PodSandboxConfig }>;
  run(pod: { id: string; config: PodSandboxConfig }, name: string, command: string[], more?: Partial<ContainerConfig>): Promise<string>;
  exited(id: string): Promise<ContainerStatus>;
  running(id: string): Promise<ContainerStatus>;
  logs(s: ContainerStatus): string;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function harness(rtOf: () => ProcessRuntime, dirOf: () => string): Harness {
  const h: Harness = {
    get rt() {
      return rtOf();
    },
    get dir() {
      return dirOf();
    },
    async pod(label, more = {}) {
      const uid = randomUUID();
      const logDirectory = join(dirOf(), 'logs', `default_${label}_${uid}`);
      mkdirSync(logDirectory, { recursive: true });
      const config: PodSandboxConfig = {
        name: label,
        namespace: 'default',
        uid,
        attempt: 0,
        hostname: label,
        logDirectory,
        portMappings: [],
        labels: { 'io.kubernetes.pod.uid': uid },
        annotations: {},
        linux: { cgroupParent: `/kubepods/burstable/pod${uid}`, namespaces: { network: 'pod', pid: 'container', ipc: 'pod' } },
        ...more,
      };
      return { id: await rtOf().runPodSandbox(config), config };
    },
    async run(pod, name, command, more = {}) {
      const c: ContainerConfig = {
        name,
        attempt: 0,
        image: busybox,
        command,
        args: [],
        env: [],
        mounts: [],
        labels: { 'io.kubernetes.container.name': name },
        annotations: {},
        logPath: `${name}/0.log`,
        linux: { resources: {}, securityContext: {} },
        ...more,
      };
      const id = await rtOf().createContainer(pod.id, c, pod.config);
      await rtOf().startContainer(id);
      return id;
    },
    exited: (id) => waitFor(`container ${id} to exit`, async () => ((await rtOf().containerStatus(id))?.state === 'exited' ? rtOf().containerStatus(id) : undefined)),
    running: (id) => waitFor(`container ${id} to run`, async () => ((await rtOf().containerStatus(id))?.state === 'running' ? rtOf().containerStatus(id) : undefined)),
    logs: (s) => criLogText(readFileSync(s.logPath, 'utf8')),
  };
  return h;
}

function collect(stream: NodeJS.ReadableStream | undefined): { text: () => string } {
  let text = '';
  stream?.on('data', (d: Buffer) => (text += d.toString()));
  return { text: () => text };
}
