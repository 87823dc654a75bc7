// The ContainerRuntime conformance suite: everything the kubelet relies on, run against every
// implementation (fake, containerd over CRI, host processes), in the manner of hono's shared
// `*.case.test.ts` suites:
//
//   runRuntimeSuite('cri', () => CriRuntime.start({...}), { image: 'docker.io/library/busybox:test' });
//
// Test containers run busybox commands (sh, echo, sleep, cat, httpd, tail, trap), so `image`
// must provide them (the fake runtime interprets them). Capabilities a runtime lacks are
// skipped through `skip`, each with its reason printed.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { ContainerConfig, ContainerRuntime, ContainerStatus, Mount, PodSandboxConfig, StreamSession } from './interface.js';
import { criLogText, parseCriLine } from '../cri-log.js';
import { poll } from '../../testing/poll.js';

export interface RuntimeSuiteOptions {
  /** An image with busybox's sh, echo, sleep, cat, httpd, tail (present, or pullable). */
  image: string;
  /** Pull `image` before the tests (default true). */
  pullFirst?: boolean;
  /** An image whose pull must fail (not found); the failure test is skipped without one. */
  missingImage?: string;
  /** Pods get their own network and IP (default true); false: the node's network. */
  podNetwork?: boolean;
  /** Connect to the pod IP from the host (default: same as podNetwork). */
  podIPReachable?: boolean;
  /** A free host port to test a hostPort mapping with (skipped without one). */
  hostPort?: number;
  /** Capabilities this runtime lacks: name → the reason, printed as the skip message. */
  skip?: Partial<Record<'oom' | 'hostNetwork' | 'attach' | 'portForward' | 'exec' | 'stats' | 'dns' | 'readonlyMount' | 'cpuStats', string>>;
  /** A cgroup parent for sandboxes (e.g. `/kubepods/besteffort/pod<uid>`), when the runtime needs one. */
  cgroupParent?: (uid: string) => string | undefined;
  /** How long to wait for a container to reach a state (default 15 s). */
  timeoutMs?: number;
}

function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  return poll(fn, { timeoutMs, what, intervalMs: 50 }) as Promise<T>;
}

function collect(stream: NodeJS.ReadableStream | undefined): { text: () => string; ended: Promise<void> } {
  let text = '';
  const ended = new Promise<void>((resolve) => {
    if (!stream) return resolve();
    stream.on('data', (d: Buffer | string) => (text += d.toString()));
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', () => resolve());
  });
  return { text: () => text, ended };
}

export function runRuntimeSuite(name: string, open: () => Promise<ContainerRuntime>, opts: RuntimeSuiteOptions): void {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const podNetwork = opts.podNetwork ?? true;
  const skip = opts.skip ?? {};
  let rt: ContainerRuntime;
  let dir: string;
  const sandboxes: string[] = [];

  const sandboxConfig = (label: string, more: Partial<PodSandboxConfig> = {}): PodSandboxConfig => {
    const uid = randomUUID();
    const podName = `conf-${label}`.slice(0, 40);
    const logDirectory = join(dir, 'logs', `default_${podName}_${uid}`);
    mkdirSync(logDirectory, { recursive: true });
    return {
      name: podName,
      namespace: 'default',
      uid,
      attempt: 0,
      hostname: podName,
      logDirectory,
      portMappings: [],
      labels: { 'io.kubernetes.pod.uid': uid, 'io.kubernetes.pod.name': podName, 'io.kubernetes.pod.namespace': 'default', suite: name },
      annotations: { 'conformance/test': label },
      linux: { cgroupParent: opts.cgroupParent?.(uid), namespaces: { network: podNetwork ? 'pod' : 'node', pid: 'container', ipc: 'pod' } },
      ...more,
    };
  };

  const containerConfig = (cname: string, script: string | string[], more: Partial<ContainerConfig> = {}): ContainerConfig => ({
    name: cname,
    attempt: 0,
    image: opts.image,
    command: Array.isArray(script) ? script : ['sh', '-c', script],
    args: [],
    env: [],
    mounts: [],
    labels: { 'io.kubernetes.container.name': cname, suite: name },
    annotations: {},
    logPath: `${cname}/0.log`,
    linux: { resources: {}, securityContext: {} },
    ...more,
  });

  const startPod = async (label: string, more: Partial<PodSandboxConfig> = {}) => {
    const config = sandboxConfig(label, more);
    const id = await rt.runPodSandbox(config);
    sandboxes.push(id);
    return { id, config };
  };

  const run = async (pod: { id: string; config: PodSandboxConfig }, c: ContainerConfig) => {
    const id = await rt.createContainer(pod.id, c, pod.config);
    await rt.startContainer(id);
    return id;
  };

  const exited = (id: string): Promise<ContainerStatus> =>
    waitFor(`container ${id} to exit`, async () => {
      const s = await rt.containerStatus(id);
      return s?.state === 'exited' ? s : undefined;
    }, timeoutMs);

  const running = (id: string): Promise<ContainerStatus> =>
    waitFor(`container ${id} to run`, async () => {
      const s = await rt.containerStatus(id);
      return s?.state === 'running' ? s : undefined;
    }, timeoutMs);

  const logText = (s: ContainerStatus) => criLogText(readFileSync(s.logPath, 'utf8'));

  describe(`ContainerRuntime conformance: ${name}`, { timeout: 300_000 }, () => {
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), `runtime-suite-${name}-`));
      rt = await open();
      if (opts.pullFirst !== false) await rt.pullImage(opts.image);
    });

    after(async () => {
      for (const id of sandboxes) {
        try {
          await rt.stopPodSandbox(id);
          await rt.removePodSandbox(id);
        } catch {
          /* cleaned up already */
        }
      }
      await rt?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('reports its version', async () => {
      const v = await rt.version();
      assert.ok(v.runtimeName, 'runtimeName');
      assert.ok(v.runtimeVersion, 'runtimeVersion');
      assert.equal(typeof rt.name, 'string');
    });

    describe('images', () => {
      it('pulls an image, then reports it in imageStatus and listImages', async () => {
        const ref = await rt.pullImage(opts.image);
        assert.ok(ref, 'pullImage returns a reference');
        const info = await rt.imageStatus(opts.image);
        assert.ok(info, 'imageStatus finds the pulled image');
        assert.ok(info.id);
        assert.ok(info.size > 0, 'an image has a size');
        const all = await rt.listImages();
        assert.ok(all.some((i) => i.id === info.id), 'listImages includes it');
      });

      it('reports an image that is not present as undefined', async () => {
        assert.equal(await rt.imageStatus(`kubelite.invalid/not-here-${Date.now()}:v1`), undefined);
      });

      it('fails to pull an image that does not exist', { skip: opts.missingImage ? false : 'no missingImage given' }, async () => {
        await assert.rejects(rt.pullImage(opts.missingImage!));
      });
    });

    describe('sandboxes', () => {
      it('runs, lists, stops and removes a sandbox', async () => {
        const pod = await startPod('sandbox');
        const status = await rt.podSandboxStatus(pod.id);
        assert.ok(status);
        assert.equal(status.state, 'ready');
        assert.equal(status.metadata.uid, pod.config.uid);
        assert.equal(status.metadata.name, pod.config.name);
        assert.equal(status.metadata.namespace, 'default');
        assert.equal(status.metadata.attempt, 0);
        assert.equal(status.labels['io.kubernetes.pod.uid'], pod.config.uid);
        assert.equal(status.annotations['conformance/test'], 'sandbox');
        assert.ok(BigInt(status.createdAt) > 0n, 'createdAt in nanoseconds');
        if (podNetwork) assert.match(status.ip, /^\d+\.\d+\.\d+\.\d+$/, 'a pod IP');
        const listed = await rt.listPodSandboxes({ labels: { 'io.kubernetes.pod.uid': pod.config.uid } });
        assert.deepEqual(listed.map((s) => s.id), [pod.id]);
        await rt.stopPodSandbox(pod.id);
        assert.equal((await rt.podSandboxStatus(pod.id))?.state, 'notready');
        await rt.stopPodSandbox(pod.id); // idempotent
        await rt.removePodSandbox(pod.id);
        assert.equal(await rt.podSandboxStatus(pod.id), undefined);
        await rt.removePodSandbox(pod.id); // idempotent
      });

      it('gives two sandboxes different IPs', { skip: podNetwork ? false : 'pods share the node network' }, async () => {
        const a = await startPod('ip-a');
        const b = await startPod('ip-b');
        const [sa, sb] = [await rt.podSandboxStatus(a.id), await rt.podSandboxStatus(b.id)];
        assert.notEqual(sa?.ip, sb?.ip);
      });

      it('runs a sandbox in the node network with an empty IP', { skip: skip.hostNetwork ?? false }, async () => {
        const pod = await startPod('hostnet', { linux: { namespaces: { network: 'node', pid: 'container', ipc: 'pod' } } });
        const status = await rt.podSandboxStatus(pod.id);
        assert.equal(status?.state, 'ready');
        assert.equal(status?.ip, '');
      });
    });

    describe('containers', () => {
      it('runs a command to completion: exit code, reason, times, CRI logs', async () => {
        const pod = await startPod('exit');
        const id = await run(pod, containerConfig('app', 'echo out; echo err >&2; exit 3'));
        const s = await exited(id);
        assert.equal(s.exitCode, 3);
        assert.equal(s.reason, 'Error');
        assert.equal(s.name, 'app');
        assert.equal(s.attempt, 0);
        // containerd stamps startedAt when the start call returns and finishedAt at the exit: a
        // command that exits at once can finish "before" it started. Both follow the creation.
        const [created, started, finished] = [BigInt(s.createdAt), BigInt(s.startedAt), BigInt(s.finishedAt)];
        assert.ok(created > 0n && started >= created && finished >= created, `createdAt ${created} <= startedAt ${started}, finishedAt ${finished} (nanoseconds)`);
        assert.ok(s.image, 'image');
        assert.ok(s.imageRef, 'imageRef');
        assert.equal(s.labels['io.kubernetes.container.name'], 'app');
        assert.ok(s.logPath.endsWith(join('app', '0.log')), `logPath under the sandbox's log directory: ${s.logPath}`);
        const lines = readFileSync(s.logPath, 'utf8').trim().split('\n').map(parseCriLine);
        assert.ok(lines.every((l) => l !== undefined), 'every line is a CRI log record');
        assert.ok(lines.some((l) => l!.stream === 'stdout' && l!.text === 'out' && !l!.partial));
        assert.ok(lines.some((l) => l!.stream === 'stderr' && l!.text === 'err'));
        assert.ok(!Number.isNaN(Date.parse(lines[0]!.time)), 'RFC 3339 timestamps');
      });

      it('reports a clean exit as Completed', async () => {
        const pod = await startPod('ok');
        const s = await exited(await run(pod, containerConfig('app', 'exit 0')));
        assert.equal(s.exitCode, 0);
        assert.equal(s.reason, 'Completed');
      });

      it('passes env, command and args', async () => {
        const pod = await startPod('env');
        const c = containerConfig('app', ['sh', '-c'], { args: ['echo "$GREETING, $WHO" && echo "$0"', 'zero'], env: [{ key: 'GREETING', value: 'hello' }, { key: 'WHO', value: 'world' }] });
        const s = await exited(await run(pod, c));
        assert.equal(s.exitCode, 0);
        assert.equal(logText(s).split('\n')[0], 'hello, world');
      });

      it('sets the hostname', async () => {
        const pod = await startPod('host', { hostname: 'custom-host' });
        const s = await exited(await run(pod, containerConfig('app', 'hostname')));
        assert.equal(logText(s).trim(), 'custom-host');
      });

      it('writes the sandbox DNS config to /etc/resolv.conf', { skip: skip.dns ?? false }, async () => {
        const pod = await startPod('dns', { dnsConfig: { servers: ['198.18.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] } });
        const s = await exited(await run(pod, containerConfig('app', 'cat /etc/resolv.conf')));
        const text = logText(s);
        assert.match(text, /nameserver 198\.18\.0\.10/);
        assert.match(text, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
        assert.match(text, /options ndots:5/);
      });

      it('mounts directories and single files; writes reach the host', async () => {
        const pod = await startPod('mounts');
        const data = join(dir, `data-${pod.config.uid}`);
        mkdirSync(data, { recursive: true });
        chmodSync(data, 0o777);
        writeFileSync(join(data, 'in.txt'), 'from-host\n');
        const hosts = join(dir, `hosts-${pod.config.uid}`);
        writeFileSync(hosts, '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n');
        const mounts: Mount[] = [
          { containerPath: '/data', hostPath: data },
          { containerPath: '/etc/hosts', hostPath: hosts },
        ];
        const s = await exited(await run(pod, containerConfig('app', 'cat /data/in.txt; echo from-container > /data/out.txt; cat /etc/hosts', { mounts })));
        assert.equal(s.exitCode, 0, logText(s));
        assert.match(logText(s), /from-host/);
        assert.match(logText(s), /Kubernetes-managed hosts file/);
        assert.equal(readFileSync(join(data, 'out.txt'), 'utf8'), 'from-container\n');
      });

      it('refuses writes to a read-only mount', { skip: skip.readonlyMount ?? false }, async () => {
        const pod = await startPod('ro');
        const data = join(dir, `ro-${pod.config.uid}`);
        mkdirSync(data, { recursive: true });
        const s = await exited(await run(pod, containerConfig('app', 'echo x > /ro/file', { mounts: [{ containerPath: '/ro', hostPath: data, readonly: true }] })));
        assert.notEqual(s.exitCode, 0);
      });

      it('stops a container that ignores SIGTERM after the timeout', async () => {
        const pod = await startPod('stop');
        const id = await run(pod, containerConfig('app', ['sleep', '3600']));
        await running(id);
        const started = Date.now();
        await rt.stopContainer(id, 2);
        const s = await exited(id);
        assert.ok(Date.now() - started < 10_000, 'stopped within the timeout and a margin');
        assert.notEqual(s.exitCode, 0);
        await rt.stopContainer(id, 2); // stopping an exited container is fine
      });

      it('lets a container handle SIGTERM', async () => {
        const pod = await startPod('term');
        const id = await run(pod, containerConfig('app', "trap 'echo bye; exit 0' TERM; echo ready; while true; do sleep 0.2; done"));
        await running(id);
        const s0 = await rt.containerStatus(id);
        await waitFor('the trap to be set', async () => /ready/.test(logText(s0!)), timeoutMs);
        const started = Date.now();
        await rt.stopContainer(id, 20);
        const s = await exited(id);
        assert.ok(Date.now() - started < 10_000, 'the handler ended it well before the timeout');
        assert.equal(s.exitCode, 0);
        assert.match(logText(s), /bye/);
      });

      it('kills at once with timeout 0', async () => {
        const pod = await startPod('kill');
        const id = await run(pod, containerConfig('app', "trap 'sleep 60' TERM; while true; do sleep 0.2; done"));
        await running(id);
        const started = Date.now();
        await rt.stopContainer(id, 0);
        const s = await exited(id);
        assert.ok(Date.now() - started < 5_000);
        assert.equal(s.exitCode, 137);
      });

      it('restarts a container under attempt + 1, and refuses a reused attempt while the old one exists', async () => {
        const pod = await startPod('attempt');
        const first = await run(pod, containerConfig('app', 'echo one'));
        await exited(first);
        await assert.rejects(rt.createContainer(pod.id, containerConfig('app', 'echo again'), pod.config));
        const second = await run(pod, containerConfig('app', 'echo two', { attempt: 1, logPath: 'app/1.log' }));
        const s = await exited(second);
        assert.equal(s.attempt, 1);
        assert.equal(logText(s).trim(), 'two');
        assert.equal(logText((await rt.containerStatus(first))!).trim(), 'one', 'the previous run and its log are kept');
      });

      it('lists containers by sandbox and labels, and removes them', async () => {
        const pod = await startPod('list');
        const a = await run(pod, containerConfig('a', ['sleep', '3600'], { labels: { 'io.kubernetes.container.name': 'a', role: 'x' } }));
        const b = await run(pod, containerConfig('b', 'exit 0', { labels: { 'io.kubernetes.container.name': 'b', role: 'y' } }));
        await exited(b);
        const all = await rt.listContainers({ sandboxId: pod.id });
        assert.deepEqual(all.map((c) => c.id).sort(), [a, b].sort());
        assert.ok(all.every((c) => c.sandboxId === pod.id));
        const onlyX = await rt.listContainers({ labels: { role: 'x' } });
        assert.deepEqual(onlyX.map((c) => c.id), [a]);
        assert.equal(onlyX[0].state, 'running');
        assert.equal(onlyX[0].name, 'a');
        await rt.stopContainer(a, 0);
        await rt.removeContainer(a);
        await rt.removeContainer(b);
        assert.deepEqual(await rt.listContainers({ sandboxId: pod.id }), []);
        assert.equal(await rt.containerStatus(a), undefined);
      });

      it('stops running containers when the sandbox stops', async () => {
        const pod = await startPod('stop-sandbox');
        const id = await run(pod, containerConfig('app', ['sleep', '3600']));
        await running(id);
        await rt.stopPodSandbox(pod.id);
        const s = await exited(id);
        assert.notEqual(s.exitCode, 0);
      });

      it('OOM-kills a container over its memory limit', { skip: skip.oom ?? false }, async () => {
        const pod = await startPod('oom');
        const id = await run(pod, containerConfig('app', ['tail', '/dev/zero'], { linux: { resources: { memoryLimitInBytes: 32 * 1024 * 1024 }, securityContext: {} } }));
        const s = await exited(id);
        assert.equal(s.reason, 'OOMKilled');
        assert.equal(s.exitCode, 137);
      });

      it('reports stats for a running container', { skip: skip.stats ?? false }, async () => {
        const pod = await startPod('stats');
        const id = await run(pod, containerConfig('app', ['sleep', '3600']));
        await running(id);
        const stats = await waitFor('stats', () => rt.containerStats(id), timeoutMs);
        assert.match(stats.cpuUsageCoreNanoSeconds, /^\d+$/);
        assert.ok(stats.memoryWorkingSetBytes >= 0);
        assert.match(stats.timestamp, /^\d+$/);
      });
    });

    describe('exec, attach and port-forward', () => {
      let pod: { id: string; config: PodSandboxConfig };
      let app: string;
      let www: string;
      before(async () => {
        pod = await startPod('streams');
        www = join(dir, `www-${pod.config.uid}`);
        mkdirSync(www, { recursive: true });
        writeFileSync(join(www, 'index.html'), 'hello from httpd\n');
        app = await run(pod, containerConfig('app', 'httpd -p 8080 -h /www; while true; do echo tick; sleep 0.3; done', { mounts: [{ containerPath: '/www', hostPath: www, readonly: true }] }));
        await running(app);
      });

      it('execSync: stdout, stderr, exit code', { skip: skip.exec ?? false }, async () => {
        const r = await rt.execSync(app, ['sh', '-c', 'echo hello; echo oops >&2; exit 4'], 10);
        assert.equal(r.stdout.toString(), 'hello\n');
        assert.equal(r.stderr.toString(), 'oops\n');
        assert.equal(r.exitCode, 4);
        const ok = await rt.execSync(app, ['cat', '/www/index.html'], 10);
        assert.equal(ok.exitCode, 0);
        assert.equal(ok.stdout.toString(), 'hello from httpd\n');
      });

      it('execSync: a command outliving its timeout is an error', { skip: skip.exec ?? false }, async () => {
        const started = Date.now();
        await assert.rejects(rt.execSync(app, ['sleep', '30'], 1), (e: Error) => e.name === 'ExecTimeoutError' || /time|deadline/i.test(e.message));
        assert.ok(Date.now() - started < 10_000);
      });

      it('exec: streams stdin, stdout, stderr and the exit code', { skip: skip.exec ?? false }, async () => {
        const session: StreamSession = await rt.exec(app, ['sh', '-c', 'cat; echo done >&2; exit 2'], { stdin: true, stdout: true, stderr: true, tty: false });
        const out = collect(session.stdout);
        const err = collect(session.stderr);
        session.stdin!.write('ping\n');
        session.stdin!.end();
        const { exitCode } = await session.exit;
        await Promise.all([out.ended, err.ended]);
        assert.equal(exitCode, 2);
        assert.equal(out.text(), 'ping\n');
        assert.equal(err.text(), 'done\n');
      });

      it('attach: follows the main process output', { skip: skip.attach ?? false }, async () => {
        const session = await rt.attach(app, { stdin: false, stdout: true, stderr: true, tty: false });
        const out = collect(session.stdout);
        await waitFor('attached output', async () => out.text().includes('tick'), timeoutMs);
        session.close();
      });

      it('portForward: connects to a port inside the pod', { skip: skip.portForward ?? false }, async () => {
        await waitFor('httpd to listen', async () => {
          const conn: Duplex = await rt.portForward(pod.id, 8080);
          const body = await httpGetOver(conn, '/index.html');
          return body.includes('hello from httpd') ? body : undefined;
        }, timeoutMs);
      });

      it('portForward: a closed port is refused', { skip: skip.portForward ?? false }, async () => {
        await assert.rejects(async () => {
          const conn = await rt.portForward(pod.id, 8099);
          await httpGetOver(conn, '/');
        });
      });

      it('the pod IP answers from the host', { skip: (opts.podIPReachable ?? podNetwork) ? false : 'the pod IP is not reachable from the host' }, async () => {
        const ip = (await rt.podSandboxStatus(pod.id))!.ip;
        await waitFor('httpd on the pod IP', async () => {
          const conn = connect(8080, ip);
          await new Promise<void>((resolve, reject) => {
            conn.once('connect', () => resolve());
            conn.once('error', reject);
          });
          return (await httpGetOver(conn, '/index.html')).includes('hello from httpd');
        }, timeoutMs);
      });

      it('maps a hostPort', { skip: opts.hostPort ? false : 'no hostPort given' }, async () => {
        const mapped = await startPod('hostport', { portMappings: [{ protocol: 'TCP', containerPort: 8081, hostPort: opts.hostPort!, hostIp: '127.0.0.1' }] });
        const id = await run(mapped, containerConfig('app', 'httpd -f -p 8081 -h /www', { mounts: [{ containerPath: '/www', hostPath: www, readonly: true }] }));
        await running(id);
        await waitFor('the hostPort', async () => {
          const conn = connect(opts.hostPort!, '127.0.0.1');
          await new Promise<void>((resolve, reject) => {
            conn.once('connect', () => resolve());
            conn.once('error', reject);
          });
          return (await httpGetOver(conn, '/index.html')).includes('hello from httpd');
        }, timeoutMs);
      });
    });
  });
}

/** A minimal HTTP/1.0 GET over any stream; resolves with the whole response. */
export function httpGetOver(conn: Duplex, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new Error('no response'));
    }, 5000);
    conn.on('data', (d: Buffer) => (text += d.toString()));
    conn.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    conn.on('end', () => {
      clearTimeout(timer);
      conn.end();
      if (!text) reject(new Error('connection closed without a response'));
      else resolve(text);
    });
    conn.write(`GET ${path} HTTP/1.0\r\nHost: localhost\r\n\r\n`);
  });
}
