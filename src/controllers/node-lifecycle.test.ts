// The node lifecycle and taint eviction controllers against the real API server, with
// simulated nodes, on a FakeClock: a node whose kubelet stops goes Unknown after the grace
// period and is tainted; its pods are marked not ready and evicted as their tolerations allow;
// a node that comes back is untainted. Also cordon/uncordon and `kubectl drain` with the real
// kubectl.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { FakeClock } from '../machinery/clock.js';
import { R } from '../client/resources.js';
import { renderKubeconfig } from '../cluster/kubeconfig.js';
import { startTestControlPlane, until, type TestControlPlane } from '../testing/control-plane.js';
import { controllerHarness, type ControllerHarness } from '../testing/controllers.js';
import { NodeSimulator } from '../kubelet/runtime/simulated/node-simulator.js';
import { fastTimings } from '../kubelet/runtime/simulated/stages.js';
import { NodeLifecycleController } from './node-lifecycle.js';
import { TaintEvictionController } from './node-lifecycle/taint-eviction.js';

let cp: TestControlPlane;
const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'));
let sim: NodeSimulator;
let harness: ControllerHarness;
let eviction: TaintEvictionController;
const simStop = new AbortController();
let simRun: Promise<void>;
let tmp: string;

interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}
interface Taint {
  key: string;
  effect: string;
  value?: string;
  timeAdded?: string;
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'kubelite-nlc-'));
  cp = await startTestControlPlane({ controllers: false, clock });
  const kubelet = cp.inProcessClient('kubelet');
  await kubelet.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }).catch(() => {});
  sim = new NodeSimulator({ client: kubelet, clock, nodes: 3, timings: fastTimings });
  simRun = sim.start(simStop.signal);
  await sim.ready;
  harness = controllerHarness(cp, { clock, component: 'kube-controller-manager' });
  eviction = new TaintEvictionController(harness.ctx);
  harness.run(new NodeLifecycleController(harness.ctx), eviction);
  await harness.ctx.informers.waitForSync();
});

after(async () => {
  await harness.stop();
  simStop.abort();
  await simRun;
  await cp.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Advances the fake clock in steps, giving the simulator and the controllers time to act. */
async function advance(ms: number, stepMs = 5000): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    clock.advance(Math.min(stepMs, ms - t));
    await sim.settled();
    await sleep(15);
    await sim.settled();
  }
}

async function node(name: string): Promise<KubeObject & { spec: { taints?: Taint[]; unschedulable?: boolean }; status: { conditions: Cond[] } }> {
  return (await cp.client.get(R.nodes, '', name)) as never;
}

async function pod(name: string): Promise<(KubeObject & { status: { phase: string; conditions: Cond[] } }) | undefined> {
  return (await cp.client.get(R.pods, 'default', name)) as never;
}

function cond(obj: { status: { conditions: Cond[] } } | undefined, type: string): Cond | undefined {
  return obj?.status.conditions.find((c) => c.type === type);
}

function toleration(key: string, seconds?: number) {
  return { key, operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) };
}

async function createPod(name: string, nodeName: string, tolerations: unknown[] = [], annotations?: Record<string, string>): Promise<void> {
  await cp.client.create(R.pods, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { nodeName, containers: [{ name: 'app', image: 'nginx:1.27' }], tolerations },
  });
}

async function events(reason: string): Promise<KubeObject[]> {
  await harness.recorder.flush();
  await sleep(20);
  return (await cp.client.list(R.events, 'default')).items.filter((e) => e.reason === reason);
}

test('nodes are registered with the controller and stay Ready while their kubelets post', async () => {
  await advance(60_000);
  for (const name of sim.nodeNames()) {
    assert.equal(cond(await node(name), 'Ready')?.status, 'True');
    assert.deepEqual((await node(name)).spec.taints ?? [], []);
  }
  await until(async () => (await events('RegisteredNode')).length === 3, 5000, 'RegisteredNode events');
  const registered = await events('RegisteredNode');
  assert.deepEqual(
    registered.map((e) => e.message).sort(),
    sim.nodeNames().map((n) => `Node ${n} event: Registered Node ${n} in Controller`),
  );
  assert.deepEqual(registered[0].source, { component: 'node-controller' });
});

test('cordon adds the unschedulable NoSchedule taint; uncordon lifts it', async () => {
  await cp.client.patch(R.nodes, '', 'kubelite-sim-0', 'merge', { spec: { unschedulable: true } });
  await until(async () => (await node('kubelite-sim-0')).spec.taints?.some((t) => t.key === 'node.kubernetes.io/unschedulable'), 5000, 'unschedulable taint');
  const t = (await node('kubelite-sim-0')).spec.taints!.find((x) => x.key === 'node.kubernetes.io/unschedulable')!;
  assert.equal(t.effect, 'NoSchedule');
  assert.match(t.timeAdded!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  await cp.client.patch(R.nodes, '', 'kubelite-sim-0', 'merge', { spec: { unschedulable: null } });
  await until(async () => ((await node('kubelite-sim-0')).spec.taints ?? []).length === 0, 5000, 'taint lifted');
});

test('a node that stops posting goes Unknown after the grace period; its pods are marked not ready and evicted as tolerated', async () => {
  await createPod('short', 'kubelite-sim-1', [toleration('node.kubernetes.io/unreachable', 30)]);
  await createPod('forever', 'kubelite-sim-1', [toleration('node.kubernetes.io/unreachable')]);
  await createPod('default-300', 'kubelite-sim-1', [toleration('node.kubernetes.io/not-ready', 300), toleration('node.kubernetes.io/unreachable', 300)]);
  await advance(5000);
  for (const p of ['short', 'forever', 'default-300']) assert.equal(cond(await pod(p), 'Ready')?.status, 'True', p);

  sim.pauseNode('kubelite-sim-1');
  await advance(45_000);
  assert.equal(cond(await node('kubelite-sim-1'), 'Ready')?.status, 'True', 'still within the 50 s grace period');
  await advance(15_000);
  await until(async () => cond(await node('kubelite-sim-1'), 'Ready')?.status === 'Unknown', 5000, 'Ready Unknown');
  const n = await node('kubelite-sim-1');
  assert.deepEqual(
    n.status.conditions.map((c) => [c.type, c.status, c.reason, c.message]),
    [
      ['NetworkUnavailable', 'False', 'RouteCreated', 'RouteController created a route'],
      ['MemoryPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['DiskPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['PIDPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
    ],
  );
  await until(async () => (await pod('forever')) && cond(await pod('forever'), 'Ready')?.status === 'False', 5000, 'pods not ready');
  await until(
    async () => {
      const taints = (await node('kubelite-sim-1')).spec.taints ?? [];
      return taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') && taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule');
    },
    5000,
    'unreachable taints',
  );
  assert.equal((await events('NodeNotReady')).some((e) => e.message === 'Node kubelite-sim-1 status is now: NodeNotReady'), true);
  assert.equal((await events('NodeNotReady')).some((e) => e.message === 'Node is not ready' && (e.involvedObject as { name: string }).name === 'forever'), true);

  // 30 s toleration: marked for deletion; the kubelet is gone, so it stays Terminating.
  await advance(25_000);
  assert.equal((await pod('short'))?.metadata.deletionTimestamp, undefined, 'not before 30 s');
  await advance(10_000);
  await until(async () => !!(await pod('short'))?.metadata.deletionTimestamp, 5000, 'short evicted');
  const short = (await pod('short'))!;
  assert.deepEqual(
    (({ type, status, reason, message }) => ({ type, status, reason, message }))(cond(short, 'DisruptionTarget')!),
    { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' },
  );
  const marking = (await events('TaintManagerEviction')).find((e) => e.message === 'Marking for deletion Pod default/short');
  assert.ok(marking, 'TaintManagerEviction event');
  assert.deepEqual(marking.source, { component: 'taint-eviction-controller' });
  assert.equal((await pod('default-300'))?.metadata.deletionTimestamp, undefined);
  assert.ok(eviction.scheduledEvictions().has('default/default-300'));

  // The kubelet comes back: Ready again, taints lifted, the evicted pod finishes terminating,
  // the pod that tolerates forever is Ready again, and the 300 s eviction is cancelled.
  sim.resumeNode('kubelite-sim-1');
  await advance(10_000);
  await until(async () => cond(await node('kubelite-sim-1'), 'Ready')?.status === 'True', 5000, 'Ready again');
  await until(async () => ((await node('kubelite-sim-1')).spec.taints ?? []).length === 0, 5000, 'taints lifted');
  await until(async () => !(await pod('short')), 5000, 'evicted pod gone');
  await until(async () => cond(await pod('forever'), 'Ready')?.status === 'True', 5000, 'pod ready again');
  await until(async () => !eviction.scheduledEvictions().has('default/default-300'), 5000, 'eviction cancelled');
  assert.ok((await events('TaintManagerEviction')).some((e) => e.message === 'Cancelling deletion of Pod default/default-300'));
  assert.equal((await pod('default-300'))?.metadata.deletionTimestamp, undefined);
});

test('a NoExecute taint evicts pods that do not tolerate it at once; lifting it cancels pending evictions', async () => {
  await createPod('plain', 'kubelite-sim-2');
  await createPod('patient', 'kubelite-sim-2', [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute', tolerationSeconds: 600 }]);
  await advance(5000);
  await cp.client.patch(R.nodes, '', 'kubelite-sim-2', 'merge', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] } });
  await until(async () => !(await pod('plain')), 5000, 'plain evicted and gone (its kubelet is alive)');
  assert.ok(eviction.scheduledEvictions().has('default/patient'));
  await cp.client.patch(R.nodes, '', 'kubelite-sim-2', 'merge', { spec: { taints: null } });
  await until(async () => !eviction.scheduledEvictions().has('default/patient'), 5000, 'cancelled');
  await advance(600_000, 60_000);
  assert.ok(await pod('patient'), 'still there');
});

test('when every node is down, nothing is evicted (master disruption mode)', async () => {
  await createPod('lonely', 'kubelite-sim-0', [toleration('node.kubernetes.io/unreachable', 5)]);
  await advance(5000);
  for (const name of sim.nodeNames()) sim.pauseNode(name);
  await advance(70_000);
  for (const name of sim.nodeNames()) {
    await until(async () => cond(await node(name), 'Ready')?.status === 'Unknown', 5000, `${name} Unknown`);
  }
  await advance(30_000);
  for (const name of sim.nodeNames()) {
    const taints = (await node(name)).spec.taints ?? [];
    assert.ok(!taints.some((t) => t.effect === 'NoExecute'), `${name} has no NoExecute taint`);
    assert.ok(taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule'), `${name} is unschedulable`);
  }
  assert.equal((await pod('lonely'))?.metadata.deletionTimestamp, undefined);
  for (const name of sim.nodeNames()) sim.resumeNode(name);
  await advance(10_000);
  for (const name of sim.nodeNames()) await until(async () => cond(await node(name), 'Ready')?.status === 'True', 5000, `${name} Ready`);
  await until(async () => cond(await pod('lonely'), 'Ready')?.status === 'True', 5000, 'lonely ready');
});

test('kubectl cordon, drain and uncordon', async () => {
  for (const name of ['drain-a', 'drain-b']) await createPod(name, 'kubelite-sim-0');
  await advance(5000);
  const kubeconfig = join(tmp, 'kubeconfig.yaml');
  writeFileSync(kubeconfig, renderKubeconfig({ server: cp.url, caPem: cp.caPem, token: cp.adminToken }));
  const kubectl = (args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(tmp, 'cache'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });

  const cordon = await kubectl(['cordon', 'kubelite-sim-0']);
  assert.equal(cordon.code, 0, cordon.out);
  assert.equal(cordon.out.trim(), 'node/kubelite-sim-0 cordoned');
  const get = await kubectl(['get', 'node', 'kubelite-sim-0', '--no-headers']);
  assert.match(get.out, /^kubelite-sim-0\s+Ready,SchedulingDisabled\s+<none>/);

  // drain waits for the evicted pods to be gone: the simulated kubelet stops them after its
  // shutdown time (0 here), so no clock needs moving.
  const drain = await kubectl(['drain', 'kubelite-sim-0', '--force', '--ignore-daemonsets', '--timeout=60s']);
  assert.equal(drain.code, 0, drain.out);
  const lines = drain.out.trim().split('\n');
  assert.equal(lines[0], 'node/kubelite-sim-0 already cordoned');
  assert.match(drain.out, /Warning: deleting Pods that declare no controller: default\/drain-a, default\/drain-b, default\/lonely/);
  for (const p of ['drain-a', 'drain-b', 'lonely']) {
    assert.ok(lines.includes(`evicting pod default/${p}`), drain.out);
    assert.ok(lines.includes(`pod/${p} evicted`), drain.out);
  }
  assert.equal(lines.at(-1), 'node/kubelite-sim-0 drained');
  for (const p of ['drain-a', 'drain-b', 'lonely']) assert.equal(await pod(p), undefined);

  const uncordon = await kubectl(['uncordon', 'kubelite-sim-0']);
  assert.equal(uncordon.out.trim(), 'node/kubelite-sim-0 uncordoned');
  await until(async () => !((await node('kubelite-sim-0')).spec.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unschedulable'), 5000, 'uncordoned');
  const after = await kubectl(['get', 'node', 'kubelite-sim-0', '--no-headers']);
  assert.match(after.out, /^kubelite-sim-0\s+Ready\s+<none>/);
});
