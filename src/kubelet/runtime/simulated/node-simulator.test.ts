// The simulator against the real API server (in-process, real HTTPS), on a FakeClock: nodes
// register and keep their leases, pods bound to them run, complete, crash-loop and go away.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.js';
import { FakeClock } from '../../../machinery/clock.js';
import { R } from '../../../client/resources.js';
import { startTestControlPlane, until, type TestControlPlane } from '../../../testing/control-plane.js';
import { NodeSimulator } from './node-simulator.js';
import { fastTimings, SimulateAnnotations } from './stages.js';
import type { Pod } from './pod-status.js';

let cp: TestControlPlane;
const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'));
let sim: NodeSimulator;
const ac = new AbortController();
let running: Promise<void>;

before(async () => {
  cp = await startTestControlPlane({ controllers: false, clock });
  const client = cp.inProcessClient('kubelet');
  await client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }).catch(() => {});
  sim = new NodeSimulator({ client, clock, nodes: 3, timings: { ...fastTimings, startMs: 1000, jobRunMs: 3000, crashRunMs: 1000, shutdownMs: 2000 } });
  running = sim.start(ac.signal);
  await sim.ready;
});

after(async () => {
  ac.abort();
  await running;
  await cp.stop();
});

/** Moves the clock in steps, letting the simulator finish each step's writes. */
async function advance(ms: number, stepMs = 1000): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    clock.advance(Math.min(stepMs, ms - t));
    await sim.settled();
  }
}

async function getPod(name: string): Promise<Pod | undefined> {
  return (await cp.client.get(R.pods, 'default', name)) as Pod | undefined;
}

function podSpec(name: string, node: string, extra: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'nginx:1.27' }], ...extra },
  };
}

test('nodes register Ready with capacity, labels, addresses, a pod CIDR and a lease', async () => {
  const nodes = (await cp.client.list(R.nodes, '')).items;
  assert.deepEqual(
    nodes.map((n) => n.metadata.name),
    ['kubelite-sim-0', 'kubelite-sim-1', 'kubelite-sim-2'],
  );
  const n0 = nodes[0] as KubeObject & { spec: Record<string, any>; status: Record<string, any> };
  assert.deepEqual(n0.metadata.labels, {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': 'kubelite-sim-0',
    'kubernetes.io/os': 'linux',
    'kubelite.io/simulated': 'true',
  });
  assert.equal(n0.spec.podCIDR, '198.19.0.0/24');
  assert.deepEqual(n0.spec.podCIDRs, ['198.19.0.0/24']);
  assert.equal(nodes[2].spec && (nodes[2].spec as { podCIDR: string }).podCIDR, '198.19.2.0/24');
  assert.deepEqual(n0.status.addresses, [
    { type: 'InternalIP', address: '198.18.128.1' },
    { type: 'Hostname', address: 'kubelite-sim-0' },
  ]);
  assert.equal(n0.status.capacity.cpu, '32');
  assert.equal(n0.status.capacity.pods, '110');
  assert.equal(n0.status.allocatable.memory, '262044Mi');
  assert.equal(n0.status.allocatable['ephemeral-storage'], '989560464998');
  assert.equal(n0.status.nodeInfo.kubeletVersion.startsWith('v1.32.'), true);
  assert.match(n0.status.nodeInfo.containerRuntimeVersion, /^simulated:\/\//);
  assert.deepEqual(
    n0.status.conditions.map((c: { type: string; status: string; reason: string }) => [c.type, c.status, c.reason]),
    [
      ['NetworkUnavailable', 'False', 'RouteCreated'],
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ],
  );
  const lease = (await cp.client.get(R.leases, 'kube-node-lease', 'kubelite-sim-0')) as KubeObject & { spec: Record<string, unknown> };
  assert.equal(lease.spec.holderIdentity, 'kubelite-sim-0');
  assert.equal(lease.spec.leaseDurationSeconds, 40);
  assert.equal(lease.metadata.ownerReferences?.[0].uid, n0.metadata.uid);
});

test('leases are renewed every 10 s and the status is posted every minute', async () => {
  const renew = async () => ((await cp.client.get(R.leases, 'kube-node-lease', 'kubelite-sim-1'))!.spec as { renewTime: string }).renewTime;
  const heartbeat = async () =>
    ((await cp.client.get(R.nodes, '', 'kubelite-sim-1'))!.status as { conditions: { type: string; lastHeartbeatTime: string }[] }).conditions.find((c) => c.type === 'Ready')!
      .lastHeartbeatTime;
  const r0 = await renew();
  const h0 = await heartbeat();
  await advance(10_000);
  const r1 = await renew();
  assert.ok(Date.parse(r1) > Date.parse(r0), `lease renewed: ${r0} → ${r1}`);
  await advance(50_000);
  const h1 = await heartbeat();
  assert.ok(Date.parse(h1) > Date.parse(h0), `status posted: ${h0} → ${h1}`);
});

test('a bound pod goes ContainerCreating, then Running with an address from its node', async () => {
  await cp.client.create(R.pods, 'default', podSpec('web', 'kubelite-sim-1'));
  await sim.settled();
  let pod = (await getPod('web'))!;
  assert.equal(pod.status!.phase, 'Pending');
  assert.equal(pod.status!.containerStatuses![0].state.waiting!.reason, 'ContainerCreating');
  assert.equal(pod.status!.hostIP, '198.18.128.2');
  await advance(1000);
  pod = (await getPod('web'))!;
  assert.equal(pod.status!.phase, 'Running');
  assert.match(pod.status!.podIP!, /^198\.19\.1\.\d+$/);
  assert.equal(pod.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'True');
  assert.equal(pod.status!.containerStatuses![0].ready, true);
  const events = (await cp.client.list(R.events, 'default')).items.filter((e) => (e.involvedObject as { name: string }).name === 'web');
  assert.deepEqual(
    events.map((e) => e.reason),
    ['Pulled', 'Created', 'Started'],
  );
  assert.deepEqual(events[0].source, { component: 'kubelet', host: 'kubelite-sim-1' });
  assert.equal((events[0].involvedObject as { fieldPath: string }).fieldPath, 'spec.containers{app}');
});

test('deleting a running pod stops its containers after the shutdown time, then removes it', async () => {
  await cp.client.delete(R.pods, 'default', 'web');
  await sim.settled();
  const pod = (await getPod('web'))!;
  assert.ok(pod.metadata.deletionTimestamp, 'terminating for now');
  await advance(2000);
  await until(async () => !(await getPod('web')), 5000, 'pod removed');
  const killing = (await cp.client.list(R.events, 'default')).items.find((e) => e.reason === 'Killing');
  assert.equal(killing?.message, 'Stopping container app');
});

test('a pod with restartPolicy Never completes', async () => {
  await cp.client.create(R.pods, 'default', podSpec('job-pod', 'kubelite-sim-0', { restartPolicy: 'Never' }));
  await sim.settled();
  await advance(1000);
  assert.equal((await getPod('job-pod'))!.status!.phase, 'Running');
  await advance(3000);
  const pod = (await getPod('job-pod'))!;
  assert.equal(pod.status!.phase, 'Succeeded');
  assert.equal(pod.status!.containerStatuses![0].state.terminated!.reason, 'Completed');
  // kubectl shows it Completed.
  const table = await cp.request('GET', '/api/v1/namespaces/default/pods/job-pod', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  const row = table.json<{ rows: { cells: unknown[] }[] }>().rows[0].cells;
  assert.equal(row[2], 'Completed');
});

test('a crash-looping pod restarts with growing back-off and shows CrashLoopBackOff', async () => {
  await cp.client.create(R.pods, 'default', podSpec('crash', 'kubelite-sim-2', {}, { [SimulateAnnotations.crashLoop]: 'true' }));
  await sim.settled();
  await advance(1000); // running
  await advance(1000); // crashed, restarted at once
  let cs = (await getPod('crash'))!.status!.containerStatuses![0];
  assert.equal(cs.restartCount, 1);
  await advance(1000); // crashed again: back-off 10 s
  cs = (await getPod('crash'))!.status!.containerStatuses![0];
  assert.equal(cs.state.waiting?.reason, 'CrashLoopBackOff');
  assert.equal(cs.restartCount, 1);
  await advance(9000);
  assert.equal((await getPod('crash'))!.status!.containerStatuses![0].restartCount, 1, 'still backing off after 9 s');
  await advance(1000);
  cs = (await getPod('crash'))!.status!.containerStatuses![0];
  assert.equal(cs.restartCount, 2, 'restarted after 10 s');
  assert.equal((await getPod('crash'))!.metadata.annotations?.[SimulateAnnotations.crashLoop], 'true', 'status writes keep annotations');
  assert.ok(cs.state.running);
  const table = await cp.request('GET', '/api/v1/namespaces/default/pods/crash', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  assert.equal(table.json<{ rows: { cells: unknown[] }[] }>().rows[0].cells[2], 'Running');
  await advance(1000);
  const row = (await cp.request('GET', '/api/v1/namespaces/default/pods/crash', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).json<{
    rows: { cells: unknown[] }[];
  }>().rows[0].cells;
  assert.equal(row[2], 'CrashLoopBackOff');
  assert.match(String(row[3]), /^2/);
  const backoff = (await cp.client.list(R.events, 'default')).items.find((e) => e.reason === 'BackOff')!;
  assert.equal(backoff.type, 'Warning');
  assert.ok((backoff.count as number) >= 2, 'repeated BackOff events are counted');
  await cp.client.delete(R.pods, 'default', 'crash', { gracePeriodSeconds: 0 });
});

test('a paused node stops renewing its lease; resumed, it renews at once', async () => {
  const renew = async () => ((await cp.client.get(R.leases, 'kube-node-lease', 'kubelite-sim-2'))!.spec as { renewTime: string }).renewTime;
  sim.pauseNode('kubelite-sim-2');
  const r0 = await renew();
  await advance(30_000, 5000);
  assert.equal(await renew(), r0);
  sim.resumeNode('kubelite-sim-2');
  await sim.settled();
  assert.ok(Date.parse(await renew()) > Date.parse(r0));
});

test('a restarted simulator finds its nodes registered and keeps their pod CIDRs', async () => {
  const again = new NodeSimulator({ client: cp.inProcessClient('kubelet'), clock, nodes: ['kubelite-sim-0', 'kubelite-sim-2'], timings: fastTimings, events: false });
  assert.equal(again.nodeAddresses('kubelite-sim-2')!.podCIDR, '198.19.1.0/24', 'by position it would be the second range');
  const ac2 = new AbortController();
  const run2 = again.start(ac2.signal);
  await again.ready;
  assert.equal(again.nodeAddresses('kubelite-sim-2')!.podCIDR, '198.19.2.0/24', 'the registered one is kept');
  ac2.abort();
  await run2;
});

test('a deleted Node is given up: no more leases or pod updates (pod GC takes its pods)', async () => {
  await cp.client.create(R.pods, 'default', podSpec('stranded', 'kubelite-sim-0', {}, { [SimulateAnnotations.runSeconds]: '5' }));
  await advance(1000);
  assert.equal((await getPod('stranded'))!.status!.phase, 'Running');
  await cp.client.delete(R.nodes, '', 'kubelite-sim-0');
  await cp.client.delete(R.leases, 'kube-node-lease', 'kubelite-sim-0');
  await until(() => sim.stats().nodes === 3 && !!(sim as unknown as { nodes: Map<string, { gone: boolean }> }).nodes.get('kubelite-sim-0')?.gone, 5000, 'node given up');
  await advance(20_000, 5000);
  assert.equal(await cp.client.get(R.leases, 'kube-node-lease', 'kubelite-sim-0'), undefined, 'no lease recreated');
  assert.equal((await getPod('stranded'))!.status!.phase, 'Running', 'nobody finishes its pods');
});
