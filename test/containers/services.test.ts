// Issue 5's acceptance on a containerd node, the way seed 000 looks at its `versions` app: the
// Deployment `versions` (busybox httpd answering its version string, gated by a readiness
// probe) behind the Service `ver` is served at the `kubectl proxy` URL
// /api/v1/namespaces/default/services/ver/proxy/ and by `kubectl port-forward svc/ver` on
// 127.0.0.1; a rolling update from v1 to v2 (maxSurge 1, maxUnavailable 0), watched by a pod
// that asks http://ver every ~100 ms, never gets an error and ends answering only v2;
// `kubectl run web --port=80 --expose` makes a pod and a Service that another pod reaches by
// name; ClientIP affinity keeps a client on one pod; a deleted Service frees its ClusterIP and
// NodePort for the next one, which then answers on them.
// Skipped, with the reason, where containerd, the CNI plugins, iptables or root are missing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestImages, whyNoContainers } from '../../src/kubelet/runtime/cri/testing.js';
import { eventually, kubeliteEntry, kubectlPath, startKubelite, type RunningCluster } from '../e2e/harness.js';

const skip = process.getuid?.() !== 0 ? 'needs root (iptables, containerd)' : await whyNoContainers();
const clusterCIDR = '198.19.208.0/20';
const serviceCIDR = '198.18.208.0/24';

/**
 * Seed 000's `versions` app: each pod answers its version at / and its name at /host. The
 * server starts listening only 2 s after the container starts, so a pod that received traffic
 * before its readiness probe passed would refuse it. The preStop sleep is what real clusters
 * need too: a terminating pod leaves the Service's rules while it is told to stop, and the
 * sleep keeps it answering until the rules have followed.
 */
const versionsApp = (version: string) => `
apiVersion: v1
kind: Service
metadata: {name: ver}
spec:
  selector: {app: ver}
  ports: [{protocol: TCP, port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: versions, labels: {app: ver}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ver}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata: {labels: {app: ver}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: version-server
        image: busybox
        imagePullPolicy: IfNotPresent
        env: [{name: VERSION, value: ${version}}]
        command: [sh, -c, 'mkdir -p /www && echo "$VERSION" > /www/index.html && hostname > /www/host && sleep 2 && exec httpd -f -p 3000 -h /www']
        ports: [{name: http, containerPort: 3000}]
        readinessProbe:
          httpGet: {path: /, port: http}
          initialDelaySeconds: 1
          periodSeconds: 1
        lifecycle:
          preStop:
            exec: {command: [sleep, '1']}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - {name: c, image: busybox, imagePullPolicy: IfNotPresent, command: [sleep, '3600']}
`;

function hostGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

/** A long-running kubectl whose output accumulates. */
function background(cluster: RunningCluster, args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(kubectlPath, ['--kubeconfig', cluster.kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

describe('Services on a containerd node: the versions app, rolling updates, kubectl run --expose, affinity, freed addresses', { skip, timeout: 600_000 }, () => {
  const dir = `/tmp/net5-services-${process.pid}`;
  let cluster: RunningCluster;
  const children: ChildProcess[] = [];
  const inClient = (script: string) => cluster.kubectl(['exec', 'client', '--', 'sh', '-c', script], { timeoutMs: 60_000 });
  const verPods = () => cluster.k(['get', 'pods', '-l', 'app=ver', '-o', 'jsonpath={.items[*].metadata.name}']).split(' ').filter(Boolean).sort();

  before(async () => {
    mkdirSync(dir, { recursive: true });
    const images = await ensureTestImages();
    cluster = await startKubelite({ dataDir: join(dir, 'up'), args: ['--runtime', 'containerd', '--node-name', 'net5-node', '--cluster-cidr', clusterCIDR, '--service-cidr', serviceCIDR] });
    const imported = spawnSync(process.execPath, [...kubeliteEntry(), 'image', 'import', images.busyboxTar, '--name', 'docker.io/library/busybox', '--data-dir', join(dir, 'up')], { encoding: 'utf8' });
    assert.equal(imported.status, 0, imported.stderr);
    try {
      cluster.k(['apply', '-f', '-'], { input: versionsApp('v1') });
      cluster.k(['rollout', 'status', 'deployment/versions', '--timeout=120s']);
      cluster.k(['wait', '--for=condition=Ready', 'pod/client', '--timeout=120s']);
      await eventually(() => cluster.k(['get', 'endpoints', 'ver', '-o', 'jsonpath={.subsets[*].addresses[*].ip}']).split(' ').filter(Boolean).length === 2, 30_000, 'two endpoints of ver');
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${cluster.kubectl(['get', 'pods', '-o', 'wide']).stdout}\nkubelite said:\n${cluster.output().slice(-6000)}`);
    }
  });

  after(async () => {
    for (const c of children) c.kill();
    await cluster?.stop('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl proxy serves the app at /api/v1/namespaces/default/services/ver/proxy/', async () => {
    const proxy = background(cluster, ['proxy', '--port=0']);
    children.push(proxy.child);
    const served = await eventually(() => /Starting to serve on (127\.0\.0\.1:\d+)/.exec(proxy.output())?.[1], 15_000, 'kubectl proxy to listen');
    const page = await hostGet(`http://${served}/api/v1/namespaces/default/services/ver/proxy/`);
    assert.equal(page.status, 200, page.body);
    assert.equal(page.body, 'v1\n');
    proxy.child.kill();
  });

  it('kubectl port-forward svc/ver serves it on 127.0.0.1', async () => {
    const pf = background(cluster, ['port-forward', 'svc/ver', ':80']);
    children.push(pf.child);
    // kubectl resolves the Service's port 80 to the pod's named port http, 3000.
    const local = await eventually(() => /Forwarding from 127\.0\.0\.1:(\d+) -> 3000/.exec(pf.output())?.[1], 15_000, `port-forward to listen:\n${pf.output()}`);
    for (let i = 0; i < 3; i++) assert.deepEqual(await hostGet(`http://127.0.0.1:${local}/`), { status: 200, body: 'v1\n' });
    pf.child.kill();
  });

  it('ClientIP affinity keeps a client on one pod, where the Service without it spreads', () => {
    cluster.k(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: Service
metadata: {name: ver-sticky}
spec:
  selector: {app: ver}
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: http}]
`,
    });
    const pods = verPods();
    const answers = (url: string) => inClient(`for i in $(seq 16); do wget -qO- ${url} || echo FAILED; done`).stdout.split('\n').filter(Boolean);
    const spread = answers('http://ver/host');
    assert.deepEqual([...new Set(spread)].sort(), pods, `ver without affinity: ${spread.join(' ')}`);
    const sticky = answers('http://ver-sticky/host');
    assert.equal(sticky.length, 16, sticky.join(' '));
    assert.equal(new Set(sticky).size, 1, `ver-sticky: ${sticky.join(' ')}`);
    assert.ok(pods.includes(sticky[0]!), sticky[0]);
  });

  it('kubectl run web --port=80 --expose: the pod and its Service answer by name from another pod', async () => {
    const out = cluster.k(['run', 'web', '--image=busybox', '--image-pull-policy=IfNotPresent', '--port=80', '--expose', '--', 'httpd', '-f', '-p', '80']);
    assert.equal(out, 'service/web created\npod/web created\n');
    const svc = JSON.parse(cluster.k(['get', 'svc', 'web', '-o', 'json'])) as { spec: { selector: Record<string, string>; ports: { port: number; targetPort: number }[] } };
    assert.deepEqual(svc.spec.selector, { run: 'web' });
    assert.deepEqual(svc.spec.ports.map((p) => [p.port, p.targetPort]), [[80, 80]]);
    cluster.k(['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s']);
    // httpd serves the container's root: the pod's own /etc/hostname shows which pod answered.
    const answer = await eventually(() => {
      const res = inClient('wget -qO- http://web/etc/hostname && wget -qO- http://web.default.svc.cluster.local/etc/hostname');
      return res.code === 0 ? res.stdout : undefined;
    }, 10_000, 'web to answer by name');
    assert.equal(answer, 'web\nweb\n');
  });

  it('a deleted Service frees its ClusterIP and NodePort: another one asking for them gets them and answers', async () => {
    const service = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  type: NodePort
  clusterIP: 198.18.208.200
  selector: {app: ver}
  ports: [{port: 80, targetPort: http, nodePort: 31208}]
`;
    cluster.k(['apply', '-f', '-'], { input: service('first') });
    const clash = cluster.kubectl(['create', 'service', 'nodeport', 'second', '--tcp=80:3000', '--node-port=31208']);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, /spec\.ports\[0\]\.nodePort: Invalid value: 31208: provided port is already allocated/);
    const ipClash = cluster.kubectl(['create', 'service', 'clusterip', 'second', '--tcp=80:3000', '--clusterip=198.18.208.200']);
    assert.equal(ipClash.code, 1);
    assert.match(ipClash.stderr, /spec\.clusterIPs: Invalid value: \[\]string\{"198\.18\.208\.200"\}: failed to allocate IP 198\.18\.208\.200: provided IP is already allocated/);

    cluster.k(['delete', 'svc', 'first']);
    cluster.k(['apply', '-f', '-'], { input: service('second') });
    const second = JSON.parse(cluster.k(['get', 'svc', 'second', '-o', 'json'])) as { spec: { clusterIP: string; ports: { nodePort: number }[] } };
    assert.equal(second.spec.clusterIP, '198.18.208.200');
    assert.equal(second.spec.ports[0]!.nodePort, 31208);
    const fromHost = await eventually(() => hostGet('http://127.0.0.1:31208/').catch(() => undefined), 10_000, 'the NodePort of second to answer');
    assert.deepEqual(fromHost, { status: 200, body: 'v1\n' });
    assert.equal(inClient('wget -qO- http://198.18.208.200/ && wget -qO- http://second/').stdout, 'v1\nv1\n');
  });

  it('a rolling update to v2, watched through the Service every ~100 ms, never answers with an error and ends on v2', async () => {
    // The watcher runs until /tmp/stop appears; each line is one request: the version, or ERR.
    const watcher = background(cluster, ['exec', 'client', '--', 'sh', '-c', 'rm -f /tmp/stop; while [ ! -f /tmp/stop ]; do out=$(timeout 5 wget -qO- http://ver/ 2>&1) || out="ERR $out"; echo "$out"; sleep 0.1; done']);
    children.push(watcher.child);
    await eventually(() => watcher.output().split('\n').filter(Boolean).length >= 10, 30_000, 'the watcher to answer');
    const before = new Set(cluster.k(['get', 'rs', '-l', 'app=ver', '-o', 'jsonpath={.items[*].metadata.name}']).split(' '));
    cluster.k(['set', 'env', 'deployment/versions', 'VERSION=v2']);
    cluster.k(['rollout', 'status', 'deployment/versions', '--timeout=120s']);
    const newRs = cluster.k(['get', 'rs', '-l', 'app=ver', '-o', 'jsonpath={range .items[?(@.spec.replicas>0)]}{.metadata.name}{" "}{end}']).trim();
    assert.ok(!before.has(newRs), `a new ReplicaSet (${newRs}) runs v2`);
    // Until the old pods are gone; then ten answers more, which must all be v2.
    await eventually(() => verPods().every((p) => p.startsWith(`${newRs}-`)), 30_000, 'the old pods to go');
    const seenAfter = watcher.output().split('\n').filter(Boolean).length;
    await eventually(() => watcher.output().split('\n').filter(Boolean).length >= seenAfter + 10, 30_000, 'ten more answers');
    inClient('touch /tmp/stop');
    await watcher.exited;
    const lines = watcher.output().split('\n').filter(Boolean);
    const errors = lines.filter((l) => l !== 'v1' && l !== 'v2');
    assert.deepEqual(errors, [], `of ${lines.length} requests these failed`);
    assert.ok(lines.includes('v1') && lines.includes('v2'), 'the watcher saw both versions');
    const firstV2 = lines.indexOf('v2');
    const lastV1 = lines.lastIndexOf('v1');
    assert.ok(lines.slice(lastV1 + 1).length >= 10 && lines.slice(lastV1 + 1).every((l) => l === 'v2'), `ends on v2 only (v2 from ${firstV2}, last v1 at ${lastV1} of ${lines.length})`);
  });
});
