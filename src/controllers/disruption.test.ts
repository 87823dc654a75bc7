import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { rfc3339 } from '../machinery/clock.js';
import { R } from '../client/resources.js';
import { buildDisruptedPodMap, countHealthyPods, disruptionController, goLabelSelector, nextPdbStatus, scaledValue, type PdbStatus } from './disruption.js';
import { node, pod, runPod, startRig, table, type Rig } from './endpoints.testkit.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');

function p(name: string, ready = true, deleting = false): KubeObject {
  return {
    metadata: { name, ...(deleting ? { deletionTimestamp: rfc3339(t0) } : {}) },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

test('percentages round up; healthy pods are ready, not deleting and not recently evicted', () => {
  assert.equal(scaledValue(2, 10, true), 2);
  assert.equal(scaledValue('50%', 5, true), 3);
  assert.equal(scaledValue('50%', 5, false), 2);
  assert.throws(() => scaledValue('5', 10, true), /string is not a percentage/);
  const pods = [p('a'), p('b'), p('c', false), p('d', true, true), p('e')];
  assert.equal(countHealthyPods(pods, {}, t0), 3);
  assert.equal(countHealthyPods(pods, { e: rfc3339(t0 - 60_000) }, t0), 2);
  assert.equal(countHealthyPods(pods, { e: rfc3339(t0 - 121_000) }, t0), 3);
});

test('disrupted pods: kept for two minutes while they exist and are not yet deleting', () => {
  const pdb: KubeObject = { metadata: { name: 'b' }, status: { disruptedPods: { a: rfc3339(t0 - 30_000), gone: rfc3339(t0), d: rfc3339(t0), old: rfc3339(t0 - 180_000) } } };
  const r = buildDisruptedPodMap([p('a'), p('d', true, true), p('old')], pdb, t0);
  assert.deepEqual(r.disrupted, { a: rfc3339(t0 - 30_000) });
  assert.equal(r.recheckAt, t0 + 90_000);
  assert.deepEqual(r.expired.map((x) => x.metadata.name), ['old']);
});

test('status: disruptions allowed only with expected pods; nothing to write when nothing changed', () => {
  const pdb: KubeObject = { metadata: { name: 'b', generation: 2 }, status: {} };
  const s = nextPdbStatus(pdb, { currentHealthy: 3, desiredHealthy: 2, expectedCount: 3, disrupted: {} }, t0)!;
  assert.deepEqual(s, {
    observedGeneration: 2,
    disruptionsAllowed: 1,
    currentHealthy: 3,
    desiredHealthy: 2,
    expectedPods: 3,
    conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 2, lastTransitionTime: rfc3339(t0) }],
  });
  assert.equal(nextPdbStatus({ ...pdb, status: s }, { currentHealthy: 3, desiredHealthy: 2, expectedCount: 3, disrupted: {} }, t0 + 1000), undefined);
  const none = nextPdbStatus({ ...pdb, status: s }, { currentHealthy: 2, desiredHealthy: 2, expectedCount: 0, disrupted: {} }, t0 + 5000)!;
  assert.equal(none.disruptionsAllowed, 0);
  assert.deepEqual(none.conditions![0], { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: 2, lastTransitionTime: rfc3339(t0 + 5000) });
  assert.equal(goLabelSelector({ matchLabels: { app: 'web', tier: 'x' } }), '&LabelSelector{MatchLabels:map[string]string{app: web,tier: x,},MatchExpressions:[]LabelSelectorRequirement{},}');
});

// ---- against the real API server ----

async function replicaSet(rig: Rig, name: string, replicas: number, owner?: KubeObject): Promise<KubeObject> {
  return rig.client.create(R.replicasets, 'default', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true }] } : {}),
    },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
  });
}

const status = async (rig: Rig, name: string) => ((await rig.client.get(R.poddisruptionbudgets, 'default', name))?.status ?? {}) as PdbStatus;

test('kubectl get pdb: minAvailable counts pods; evictions spend the budget; the evicted pod is forgotten once gone', async () => {
  const rig = await startRig((ctx, r) => [disruptionController(ctx, { recorder: r.recorder('controllermanager') })]);
  try {
    const { client, clock } = rig;
    await client.create(R.nodes, '', node('node-1'));
    const rs = await replicaSet(rig, 'web-rs', 3);
    for (const i of [0, 1, 2]) await runPod(client, clock, pod(`web-${i}`, { owner: rs }), { node: 'node-1', ip: `10.42.0.${i + 2}` });
    await client.create(R.poddisruptionbudgets, 'default', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pdb' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
    const s = await rig.until(async () => {
      const st = await status(rig, 'web-pdb');
      return st.observedGeneration === 1 ? st : undefined;
    }, 'the PDB status');
    assert.deepEqual([s.currentHealthy, s.desiredHealthy, s.expectedPods, s.disruptionsAllowed], [3, 2, 3, 1]);
    assert.equal(s.conditions?.[0].reason, 'SufficientPods');
    const rows = table((await rig.kubectl(['get', 'pdb'])).stdout);
    assert.deepEqual(rows[0].slice(0, 4), ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS']);
    assert.deepEqual(rows[1].slice(0, 4), ['web-pdb', '2', 'N/A', '1']);

    // One eviction spends the one allowed disruption; a second one is refused with 429.
    await rig.cp.client.createSubresource(R.pods, 'default', 'web-0', 'eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-0', namespace: 'default' } });
    await assert.rejects(
      rig.cp.client.createSubresource(R.pods, 'default', 'web-1', 'eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-1', namespace: 'default' } }),
      (e: Error & { code?: number }) => e.code === 429 && /disruption budget/.test(e.message),
    );
    const after = await rig.until(async () => {
      const st = await status(rig, 'web-pdb');
      return st.currentHealthy === 2 ? st : undefined;
    }, 'web-0 no longer healthy');
    assert.equal(after.disruptionsAllowed, 0);
    assert.equal(after.conditions?.[0].reason, 'InsufficientPods');
    // web-0 is terminating (its node must confirm); once gone, it leaves disruptedPods.
    await client.delete(R.pods, 'default', 'web-0', { gracePeriodSeconds: 0 });
    await rig.until(async () => (await status(rig, 'web-pdb')).expectedPods === 2, 'web-0 gone');
    assert.equal((await status(rig, 'web-pdb')).disruptedPods, undefined);
  } finally {
    await rig.stop();
  }
});

test('percentages and maxUnavailable count from the Deployment’s scale; unmanaged pods and stale evictions are reported', async () => {
  const rig = await startRig((ctx, r) => [disruptionController(ctx, { recorder: r.recorder('controllermanager') })]);
  try {
    const { client, clock } = rig;
    await client.create(R.nodes, '', node('node-1'));
    const d = await client.create(R.deployments, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
    });
    const rs = await replicaSet(rig, 'web-7d4b9', 4, d);
    for (const i of [0, 1, 2]) await runPod(client, clock, pod(`web-${i}`, { owner: rs }), { node: 'node-1', ip: `10.42.0.${i + 2}` });
    await client.create(R.poddisruptionbudgets, 'default', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'half' }, spec: { maxUnavailable: '50%', selector: { matchLabels: { app: 'web' } } } });
    let s = await rig.until(async () => {
      const st = await status(rig, 'half');
      return st.observedGeneration === 1 ? st : undefined;
    }, 'the PDB status');
    // Four expected (the Deployment's replicas), half may be unavailable: two must be healthy.
    assert.deepEqual([s.expectedPods, s.desiredHealthy, s.currentHealthy, s.disruptionsAllowed], [4, 2, 3, 1]);

    // The Deployment scales to 10: 5 must be healthy, 3 are.
    await client.patch(R.deployments, 'default', 'web', 'merge', { spec: { replicas: 10 } });
    s = await rig.until(async () => {
      const st = await status(rig, 'half');
      return st.expectedPods === 10 ? st : undefined;
    }, 'the new scale');
    assert.deepEqual([s.desiredHealthy, s.disruptionsAllowed], [5, 0]);

    // An unmanaged pod matching a percentage budget: a warning, and it is not counted as expected.
    await runPod(client, clock, pod('stray'), { node: 'node-1', ip: '10.42.0.9' });
    await rig.until(() => rig.events.find((e) => e.reason === 'UnmanagedPods'), 'the UnmanagedPods event');
    assert.match(rig.events.find((e) => e.reason === 'UnmanagedPods')!.message, /^Pods selected by this PodDisruptionBudget \(selector: &LabelSelector\{MatchLabels:map\[string\]string\{app: web,\},/);

    // An eviction recorded against a pod that never went away expires after two minutes.
    await client.patch(R.deployments, 'default', 'web', 'merge', { spec: { replicas: 4 } });
    const pdb = (await client.get(R.poddisruptionbudgets, 'default', 'half'))!;
    await client.update(R.poddisruptionbudgets, 'default', { ...pdb, status: { ...(pdb.status as object), disruptedPods: { 'web-1': rfc3339(clock.now()) } } }, { subresource: 'status' });
    await rig.until(async () => (await status(rig, 'half')).currentHealthy === 3, 'web-1 counted as disrupted');
    clock.advance(121_000);
    await rig.until(async () => {
      const st = await status(rig, 'half');
      return st.currentHealthy === 4 && st.disruptedPods === undefined;
    }, 'the eviction expired');
    assert.ok(rig.events.some((e) => e.reason === 'NotDeleted' && e.name === 'web-1'));
  } finally {
    await rig.stop();
  }
});

test('a budget over pods whose controller cannot be found fails safe (SyncFailed)', async () => {
  const rig = await startRig((ctx, r) => [disruptionController(ctx, { recorder: r.recorder('controllermanager') })]);
  try {
    const { client, clock } = rig;
    const ghost = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', uid: 'widget-uid' } } as KubeObject;
    await runPod(client, clock, pod('w-0', { owner: ghost }), { ip: '10.42.0.2' });
    await client.create(R.poddisruptionbudgets, 'default', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'w' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } });
    const s = await rig.until(async () => {
      const st = await status(rig, 'w');
      return st.conditions?.length ? st : undefined;
    }, 'a condition');
    assert.deepEqual([s.conditions![0].status, s.conditions![0].reason, s.conditions![0].message], ['False', 'SyncFailed', 'found no controllers for pod "w-0"']);
    assert.equal(s.disruptionsAllowed, 0);
    assert.ok(rig.events.some((e) => e.reason === 'CalculateExpectedPodCountFailed' && e.message === 'Failed to calculate the number of expected pods: found no controllers for pod "w-0"'));
  } finally {
    await rig.stop();
  }
});
