// The CRI runtime on a real containerd that the test starts (its own root, socket, bridge and
// pod range): the ContainerRuntime conformance suite, then what is particular to containerd —
// pulls from a local registry with credentials and mirrors, image import and untagging, the
// WebSocket transport, two nodes side by side, cleanup on stop, and pod start latency.
// Skipped, with the reason, where containerd, runc, the CNI plugins or root are missing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { runRuntimeSuite, httpGetOver } from '../../src/kubelet/runtime/runtime.case.js';
import { CriRuntime } from '../../src/kubelet/runtime/cri/cri-runtime.js';
import { Containerd, importImageArchive, mountsUnder } from '../../src/kubelet/runtime/cri/containerd.js';
import { cgroupMounts, removeCgroup } from '../../src/kubelet/runtime/cri/cgroups.js';
import { ensureTestImages, startLocalRegistry, whyNoContainers, type LocalRegistry, type TestImages } from '../../src/kubelet/runtime/cri/testing.js';
import { freeLoopbackPort } from '../../src/kubelet/runtime/cri/containerd.js';
import type { ContainerConfig, PodSandboxConfig } from '../../src/kubelet/runtime/interface.js';

const noContainers = await whyNoContainers();
const cgroupRoot = `/kubelite-cri-test-${process.pid}`;

/** A /24 for pods in 198.19.128.0/17 that no route on this machine uses yet. */
function freePodCIDR(taken: string[] = []): string {
  const routes = execFileSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  for (let i = 0; i < 200; i++) {
    const octet = 128 + Math.floor(Math.random() * 127);
    const cidr = `198.19.${octet}.0/24`;
    if (!routes.includes(`198.19.${octet}.`) && !taken.includes(cidr)) return cidr;
  }
  throw new Error('no free /24 in 198.19.128.0/17');
}

let images: TestImages;
let registry: LocalRegistry;
let image: string;
const workDir = mkdtempSync(join(tmpdir(), 'kubelite-cri-'));

if (noContainers) {
  describe('CRI runtime on containerd', () => {
    it('needs containerd', { skip: noContainers }, () => {});
  });
} else {
  const hostPort = await freeLoopbackPort();
  // One suite around everything, so that its before() (images, registry) runs first.
  describe('CRI runtime on containerd', { timeout: 900_000 }, () => {
    before(async () => {
      images = await ensureTestImages();
      registry = await startLocalRegistry();
      image = await registry.push(images.busyboxLayout, 'busybox:test');
    });

    after(async () => {
      await registry?.stop();
      removeCgroup(cgroupRoot);
      // A test that failed part-way may leave network namespaces mounted under the directory.
      for (const m of mountsUnder(workDir).reverse()) spawnSync('umount', ['-l', m]);
      try {
        rmSync(workDir, { recursive: true, force: true });
      } catch (e) {
        console.error(`leaving ${workDir}: ${(e as Error).message}`);
      }
    });

    runRuntimeSuite(
      'cri',
      () => CriRuntime.start({ dir: join(workDir, 'suite'), podCIDR: freePodCIDR(), log: () => {} }),
      {
        get image() {
          return image;
        },
        get missingImage() {
          // Read when the suite is declared too, before the registry runs: a stand-in then.
          return `${registry?.host ?? '127.0.0.1:1'}/missing:v1`;
        },
        hostPort,
        cgroupParent: (uid) => `${cgroupRoot}/pod${uid}`,
        timeoutMs: 20_000,
      },
    );

    describe('CRI runtime: containerd specifics', { timeout: 300_000 }, () => {
      let rt: CriRuntime;
      let dir: string;
      const sandboxes: string[] = [];

      /** A runtime on a containerd of its own, holding the test image (the kubelet pulls before creating). */
      const startWithImage = async (o: Parameters<typeof CriRuntime.start>[0]): Promise<CriRuntime> => {
        const started = await CriRuntime.start(o);
        await started.pullImage(image);
        return started;
      };

      before(async () => {
        dir = join(workDir, 'specifics');
        rt = await startWithImage({ dir, podCIDR: freePodCIDR(), log: () => {} });
      });

      after(async () => {
        await rt?.close();
      });

      const sandbox = (label: string, more: Partial<PodSandboxConfig> = {}): PodSandboxConfig => {
        const uid = randomUUID();
        return {
          name: label,
          namespace: 'default',
          uid,
          attempt: 0,
          hostname: label,
          logDirectory: join(dir, 'logs', uid),
          portMappings: [],
          labels: { 'io.kubernetes.pod.uid': uid },
          annotations: {},
          linux: { cgroupParent: `${cgroupRoot}/pod${uid}`, namespaces: { network: 'pod', pid: 'container', ipc: 'pod' } },
          ...more,
        };
      };
      const container = (name: string, command: string[], more: Partial<ContainerConfig> = {}): ContainerConfig => ({
        name,
        attempt: 0,
        image,
        command,
        args: [],
        env: [],
        mounts: [],
        labels: {},
        annotations: {},
        logPath: `${name}/0.log`,
        linux: { resources: {}, securityContext: {} },
        ...more,
      });
      const waitRunning = async (runtime: CriRuntime, id: string): Promise<void> => {
        const until = Date.now() + 15_000;
        while ((await runtime.containerStatus(id))?.state !== 'running') {
          if (Date.now() > until) throw new Error(`container ${id} did not run`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };

      it('pulls with credentials from a registry that demands them', async () => {
        const secured = await startLocalRegistry({ auth: { username: 'kube', password: 'lite' } });
        try {
          const ref = await secured.push(images.busyboxLayout, 'private/busybox:v1');
          await assert.rejects(rt.pullImage(ref), /401|unauthorized|authoriz/i);
          const imageRef = await rt.pullImage(ref, { username: 'kube', password: 'lite' });
          assert.match(imageRef, /^sha256:/);
          assert.ok(await rt.imageStatus(ref));
          const withAuthField = await rt.pullImage(ref, { auth: Buffer.from('kube:lite').toString('base64') });
          assert.equal(withAuthField, imageRef);
        } finally {
          await secured.stop();
        }
      });

      it('pulls through registries.yaml: a mirror with plain HTTP and credentials', async () => {
        const secured = await startLocalRegistry({ auth: { username: 'mirror', password: 'secret' } });
        const mirrored = new Containerd({
          dir: join(workDir, 'mirrored'),
          podCIDR: freePodCIDR(),
          registries: {
            mirrors: { 'registry.kubelite.test': { endpoint: [`http://${secured.host}`] } },
            configs: { [secured.host]: { auth: { username: 'mirror', password: 'secret' } } },
          },
        });
        try {
          await secured.push(images.busyboxLayout, 'tools/busybox:v2');
          await mirrored.start();
          const mrt = new CriRuntime({ socket: mirrored.socket, containerd: mirrored });
          try {
            const ref = await mrt.pullImage('registry.kubelite.test/tools/busybox:v2');
            assert.match(ref, /^sha256:/);
            assert.deepEqual((await mrt.imageStatus('registry.kubelite.test/tools/busybox:v2'))?.repoTags, ['registry.kubelite.test/tools/busybox:v2']);
          } finally {
            await mrt.close();
          }
        } finally {
          await mirrored.stop();
          await secured.stop();
        }
      });

      it('imports an archive, names a tag-only OCI archive, and untags one name of several', async () => {
        await assert.rejects(importImageArchive({ socket: rt.containerd!.socket, file: images.busyboxTar }), /only by tag/);
        const names = await importImageArchive({ socket: rt.containerd!.socket, file: images.busyboxTar, baseName: 'docker.io/library/imported' });
        assert.deepEqual(names, ['docker.io/library/imported:latest']);
        await importImageArchive({ socket: rt.containerd!.socket, file: images.busyboxTar, baseName: 'example.test/other' });
        const info = await rt.imageStatus('imported');
        assert.ok(info);
        assert.ok(info.repoTags.includes('docker.io/library/imported:latest') && info.repoTags.includes('example.test/other:latest'), info.repoTags.join(','));
        await rt.removeImage('imported');
        assert.equal(await rt.imageStatus('imported'), undefined, 'the tag is gone');
        assert.ok(await rt.imageStatus('example.test/other:latest'), 'the other name of the same image stays');
        await rt.removeImage('example.test/other:latest');
        assert.equal(await rt.imageStatus('example.test/other:latest'), undefined);
      });

      it('mounts the pod /etc/hosts the kubelet prepared into every container', async () => {
        const hostsFile = join(dir, 'hosts-file');
        const { writeFileSync, mkdirSync } = await import('node:fs');
        mkdirSync(dir, { recursive: true });
        writeFileSync(hostsFile, '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n198.19.0.9\thosted\n');
        const config = sandbox('hosts', { hostsFile });
        const id = await rt.runPodSandbox(config);
        sandboxes.push(id);
        const c = await rt.createContainer(id, container('app', ['sleep', '3600']), config);
        await rt.startContainer(c);
        await waitRunning(rt, c);
        const r = await rt.execSync(c, ['cat', '/etc/hosts'], 5);
        assert.match(r.stdout.toString(), /198\.19\.0\.9\thosted/);
      });

      it('streams over WebSocket (v4.channel.k8s.io) too', async () => {
        const ws = new CriRuntime({ socket: rt.containerd!.socket, streamTransport: 'websocket' });
        try {
          const config = sandbox('ws');
          const id = await rt.runPodSandbox(config);
          sandboxes.push(id);
          const c = await rt.createContainer(id, container('app', ['httpd', '-f', '-p', '8080', '-h', '/etc']), config);
          await rt.startContainer(c);
          await waitRunning(rt, c);
          const session = await ws.exec(c, ['sh', '-c', 'echo out; echo err >&2; exit 5'], { stdin: false, stdout: true, stderr: true, tty: false });
          let out = '';
          let err = '';
          session.stdout!.on('data', (d: Buffer) => (out += d));
          session.stderr!.on('data', (d: Buffer) => (err += d));
          assert.equal((await session.exit).exitCode, 5);
          assert.equal(out, 'out\n');
          assert.equal(err, 'err\n');
          let body = '';
          for (let i = 0; i < 50 && !body.includes('200 OK'); i++) {
            body = await httpGetOver(await ws.portForward(id, 8080), '/hostname').catch(() => '');
            if (!body) await new Promise((r) => setTimeout(r, 100));
          }
          assert.match(body, /200 OK/);
          assert.match(body, /\bws\b/);
        } finally {
          ws.client.close();
        }
      });

      it('runs two nodes side by side whose pods reach each other', async () => {
        const other = await startWithImage({ dir: join(workDir, 'second'), podCIDR: freePodCIDR(), log: () => {} });
        try {
          assert.notEqual(other.containerd!.network.bridge, rt.containerd!.network.bridge);
          assert.notEqual(other.containerd!.streamPort, rt.containerd!.streamPort);
          const a = sandbox('node-a');
          const aId = await rt.runPodSandbox(a);
          sandboxes.push(aId);
          const aC = await rt.createContainer(aId, container('web', ['httpd', '-f', '-p', '8080', '-h', '/etc']), a);
          await rt.startContainer(aC);
          const b = sandbox('node-b');
          const bId = await other.runPodSandbox(b);
          const bC = await other.createContainer(bId, container('client', ['sleep', '3600']), b);
          await other.startContainer(bC);
          await waitRunning(other, bC);
          await waitRunning(rt, aC);
          const aIP = (await rt.podSandboxStatus(aId))!.ip;
          const bIP = (await other.podSandboxStatus(bId))!.ip;
          assert.notEqual(aIP.split('.').slice(0, 3).join('.'), bIP.split('.').slice(0, 3).join('.'), 'different node ranges');
          let got = '';
          for (let i = 0; i < 50 && !got.includes('node-a'); i++) {
            got = (await other.execSync(bC, ['wget', '-q', '-O', '-', `http://${aIP}:8080/hostname`], 5)).stdout.toString();
            if (!got) await new Promise((r) => setTimeout(r, 100));
          }
          assert.equal(got.trim(), 'node-a');
        } finally {
          await other.close();
        }
      });

      it('measures pod start: RunPodSandbox to container running', async () => {
        const samples: number[] = [];
        for (let i = 0; i < 10; i++) {
          const config = sandbox(`latency-${i}`);
          const t0 = performance.now();
          const id = await rt.runPodSandbox(config);
          const c = await rt.createContainer(id, container('app', ['sleep', '3600']), config);
          await rt.startContainer(c);
          await waitRunning(rt, c);
          samples.push(performance.now() - t0);
          sandboxes.push(id);
        }
        samples.sort((x, y) => x - y);
        const p50 = samples[Math.floor(samples.length / 2)]!;
        const max = samples[samples.length - 1]!;
        console.log(`# pod start (RunPodSandbox → running), ${samples.length} pods: p50 ${p50.toFixed(0)} ms, max ${max.toFixed(0)} ms`);
        assert.ok(p50 < 2000, `p50 ${p50} ms`);
      });

      it('leaves nothing behind on stop: pods, bridge, mounts, hostPort rules, pod cgroups', async () => {
        const node = await startWithImage({ dir: join(workDir, 'cleanup'), podCIDR: freePodCIDR(), log: () => {} });
        const containerd = node.containerd!;
        const config = sandbox('cleanup', { portMappings: [{ protocol: 'TCP', containerPort: 8080, hostPort: await freeLoopbackPort() }] });
        const id = await node.runPodSandbox(config);
        const c = await node.createContainer(id, container('app', ['sleep', '3600']), config);
        await node.startContainer(c);
        await waitRunning(node, c);
        const bridge = containerd.network.bridge;
        assert.ok(existsSync(`/sys/class/net/${bridge}`), 'the bridge exists while pods run');
        assert.match(execFileSync('iptables', ['-w', '-t', 'nat', '-S'], { encoding: 'utf8' }), new RegExp(containerd.network.name));
        await node.close();
        assert.equal(containerd.running, false);
        assert.ok(!existsSync(`/sys/class/net/${bridge}`), 'bridge removed');
        assert.deepEqual(mountsUnder(containerd.paths.dir), [], 'no mounts left');
        assert.doesNotMatch(execFileSync('iptables', ['-w', '-t', 'nat', '-S'], { encoding: 'utf8' }), new RegExp(containerd.network.name));
        for (const m of cgroupMounts()) assert.ok(!existsSync(join(m, cgroupRoot, `pod${config.uid}`)), `pod cgroup removed from ${m}`);
        assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').includes(containerd.paths.state), false);
      });

      it('keeps pods running across a containerd restart when asked', async () => {
        const dirK = join(workDir, 'keep');
        const podCIDR = freePodCIDR();
        const first = await startWithImage({ dir: dirK, podCIDR, stopOptions: { keepPods: true }, log: () => {} });
        const config = sandbox('keep');
        const id = await first.runPodSandbox(config);
        const c = await first.createContainer(id, container('app', ['sleep', '3600']), config);
        await first.startContainer(c);
        await waitRunning(first, c);
        await first.close();
        const second = await startWithImage({ dir: dirK, podCIDR, log: () => {} });
        try {
          assert.equal((await second.containerStatus(c))?.state, 'running');
          assert.equal((await second.podSandboxStatus(id))?.state, 'ready');
        } finally {
          await second.close();
        }
      });
    });

  });
}
