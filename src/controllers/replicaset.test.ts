import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { FakeClock, rfc3339 } from '../machinery/clock.js';
import { forbidden } from '../machinery/errors.js';
import { R } from '../client/resources.js';
import type { AdmissionPlugin } from '../apiserver/admission/types.js';
import { ControllerExpectations, calculateReplicaSetStatus, deleteBefore, isPodAvailable, podsToDelete, slowStartBatch } from './replicaset.js';
import { startWorkloads } from './deployment/testkit.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: number; created?: number; restarts?: number; cost?: string; labels?: Record<string, string> } = {}): KubeObject {
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      labels: o.labels,
      creationTimestamp: rfc3339(o.created ?? t0),
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}),
    },
    spec: o.node ? { nodeName: o.node } : {},
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: rfc3339(o.readySince ?? t0) }],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  };
}

test('scale-down victims: unscheduled, then pending, then not ready, then cheaper, then doubled up, then newer', () => {
  const now = t0 + 3600_000;
  const order = (pods: KubeObject[], ranks?: number[]) =>
    podsToDelete(pods, pods.flatMap((p, i) => Array.from({ length: ranks?.[i] ?? 1 }, () => p)), pods.length - 1, now).map((p) => p.metadata.name);
  // Each pair: the first is deleted before the second.
  assert.deepEqual(order([pod('scheduled', { node: 'n1', phase: 'Pending' }), pod('unscheduled', { phase: 'Running', ready: true })]), ['unscheduled']);
  assert.deepEqual(order([pod('running', { node: 'n1' }), pod('pending', { node: 'n1', phase: 'Pending' })]), ['pending']);
  assert.deepEqual(order([pod('unknown', { node: 'n1', phase: 'Unknown' }), pod('pending', { node: 'n1', phase: 'Pending' })]), ['pending']);
  assert.deepEqual(order([pod('ready', { node: 'n1', ready: true }), pod('not-ready', { node: 'n1' })]), ['not-ready']);
  assert.deepEqual(order([pod('dear', { node: 'n1', ready: true, cost: '100' }), pod('cheap', { node: 'n1', ready: true, cost: '-5' })]), ['cheap']);
  assert.equal(deleteBefore(pod('a', { node: 'n1', ready: true }), pod('b', { node: 'n2', ready: true }), 3, 1, now), true);
  // Ready for a shorter time first; the comparison is in log2 buckets of age.
  assert.deepEqual(order([pod('old-ready', { node: 'n1', ready: true, readySince: t0 }), pod('new-ready', { node: 'n1', ready: true, readySince: now - 1000 })]), ['new-ready']);
  assert.deepEqual(order([pod('calm', { node: 'n1', ready: true }), pod('crashy', { node: 'n1', ready: true, restarts: 4 })]), ['crashy']);
  assert.deepEqual(order([pod('older', { node: 'n1', created: t0 }), pod('newer', { node: 'n1', created: now - 1000 })]), ['newer']);
  // A full ordering.
  const pods = [pod('r-old', { node: 'n1', ready: true, created: t0 }), pod('pending', { node: 'n1', phase: 'Pending' }), pod('nowhere', { phase: 'Pending' }), pod('not-ready', { node: 'n1' }), pod('r-new', { node: 'n1', ready: true, readySince: now - 5000, created: now - 5000 })];
  assert.deepEqual(podsToDelete(pods, pods, 4, now).map((p) => p.metadata.name), ['nowhere', 'pending', 'not-ready', 'r-new']);
});

test('availability waits minReadySeconds from the Ready transition, strictly', () => {
  const p = pod('p', { ready: true, readySince: t0 });
  assert.equal(isPodAvailable(p, 0, t0), true);
  assert.equal(isPodAvailable(p, 10, t0 + 10_000), false);
  assert.equal(isPodAvailable(p, 10, t0 + 10_001), true);
  assert.equal(isPodAvailable(pod('q'), 0, t0), false);
});

test('slow start: batches of 1, 2, 4, ... stop at the first failing batch', async () => {
  let calls = 0;
  const ok = await slowStartBatch(10, 1, async () => void calls++);
  assert.deepEqual([ok, calls], [{ successes: 10 }, 10]);
  calls = 0;
  const failing = await slowStartBatch(10, 1, async () => {
    calls++;
    if (calls >= 3) throw new Error('quota');
  });
  // Batches of 1 and 2 were tried: the third call (in the second batch) failed.
  assert.equal(calls, 3);
  assert.equal(failing.successes, 2);
  assert.equal((failing.error as Error).message, 'quota');
});

test('expectations: creates and deletes in flight hold the next sync back until seen or expired', () => {
  const clock = new FakeClock(t0);
  const e = new ControllerExpectations(clock);
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectCreations('ns/rs', 2);
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
  e.deletionObserved('ns/rs', 'ns/a');
  e.deletionObserved('ns/rs', 'ns/a'); // a graceful delete then the final one count once
  assert.equal(e.satisfied('ns/rs'), false);
  clock.advance(5 * 60_000 + 1);
  assert.equal(e.satisfied('ns/rs'), true);
});

test('status: counts, fully labeled pods, and ReplicaFailure added once and removed on success', () => {
  const rs: KubeObject = { metadata: { name: 'rs', generation: 2 }, spec: { replicas: 3, minReadySeconds: 5 }, status: { replicas: 0 } };
  const pods = [pod('a', { ready: true, labels: { app: 'x', tier: 'web' } }), pod('b', { ready: true, readySince: t0 + 10_000, labels: { app: 'x' } })];
  const s = calculateReplicaSetStatus(rs, pods, new Error('pods "rs-" is forbidden: exceeded quota'), t0 + 12_000, { app: 'x', tier: 'web' });
  assert.deepEqual(s, {
    replicas: 2,
    fullyLabeledReplicas: 1,
    readyReplicas: 2,
    availableReplicas: 1,
    conditions: [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(t0 + 12_000), reason: 'FailedCreate', message: 'pods "rs-" is forbidden: exceeded quota' }],
  });
  const again = calculateReplicaSetStatus({ ...rs, status: s }, pods, new Error('other'), t0 + 20_000, {});
  assert.deepEqual(again.conditions, s.conditions);
  const ok = calculateReplicaSetStatus({ ...rs, status: s }, pods, undefined, t0 + 20_000, {});
  assert.equal(ok.conditions, undefined);
  assert.deepEqual(calculateReplicaSetStatus({ metadata: {}, spec: { replicas: 0 } }, [], undefined, t0, {}), { replicas: 0 });
});

// ---- against the real API server ----

const rc = (replicas: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name: 'kubia' },
  spec: { replicas, selector: { app: 'kubia' }, template: { metadata: { labels: { app: 'kubia' } }, spec: { containers: [{ name: 'kubia', image: 'taodaling/kubia', ports: [{ containerPort: 8080 }] }] } } },
});

test('a ReplicationController keeps its pods, releases relabeled ones, and a ReplicaSet adopts its orphans', async () => {
  const w = await startWorkloads({ garbageCollector: true });
  try {
    const created = await w.client.create(R.replicationcontrollers, 'default', rc(3));
    await w.quiesce();
    let pods = (await w.client.list(R.pods, 'default')).items;
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata.name!, /^kubia-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'kubia', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    assert.match((await w.kubectl(['get', 'rc', 'kubia'])).stdout, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nkubia\s+3\s+3\s+3\s/);
    assert.deepEqual((await w.client.get(R.replicationcontrollers, 'default', 'kubia'))!.status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });

    // A pod that stops matching is released and replaced.
    const relabeled = pods[0].metadata.name!;
    await w.kubectl(['label', 'pod', relabeled, 'app=foo', '--overwrite']);
    await w.quiesce();
    const released = (await w.client.get(R.pods, 'default', relabeled))!;
    assert.equal(released.metadata.ownerReferences, undefined);
    pods = (await w.client.list(R.pods, 'default', { labelSelector: 'app=kubia' })).items;
    assert.equal(pods.length, 3);

    // A deleted pod is replaced; scaling adds more.
    await w.client.delete(R.pods, 'default', pods[0].metadata.name!, { gracePeriodSeconds: 0 });
    assert.equal((await w.kubectl(['scale', 'rc', 'kubia', '--replicas=4'])).stdout, 'replicationcontroller/kubia scaled\n');
    await w.quiesce();
    assert.equal((await w.client.list(R.pods, 'default', { labelSelector: 'app=kubia' })).items.length, 4);

    // Deleted with --cascade=orphan, its pods stay; a ReplicaSet selecting them adopts them.
    assert.match((await w.kubectl(['delete', 'rc', 'kubia', '--cascade=orphan'])).stdout, /replicationcontroller "kubia" deleted/);
    await w.until(async () => (await w.client.list(R.pods, 'default', { labelSelector: 'app=kubia' })).items.every((p) => !p.metadata.ownerReferences), 'the pods to be orphaned');
    await w.client.create(R.replicasets, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'kubia' },
      spec: { replicas: 3, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['kubia'] }] }, template: { metadata: { labels: { app: 'kubia' } }, spec: { containers: [{ name: 'kubia', image: 'taodaling/kubia' }] } } },
    });
    await w.quiesce();
    pods = (await w.client.list(R.pods, 'default', { labelSelector: 'app=kubia' })).items;
    assert.equal(pods.length, 3);
    for (const p of pods) assert.equal(p.metadata.ownerReferences![0].kind, 'ReplicaSet');
    assert.equal(w.events.filter((e) => e.kind === 'ReplicaSet' && e.reason === 'SuccessfulDelete').length, 1);
    assert.equal(w.events.filter((e) => e.kind === 'ReplicaSet' && e.reason === 'SuccessfulCreate').length, 0);
    assert.match((await w.kubectl(['get', 'rs', 'kubia'])).stdout, /\nkubia\s+3\s+3\s+3\s/);
  } finally {
    await w.stop();
  }
});

test('matchExpressions In, NotIn, Exists and DoesNotExist decide which orphans a ReplicaSet adopts', async () => {
  const w = await startWorkloads();
  try {
    const orphan = (name: string, labels: Record<string, string>) => w.client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await orphan('match', { app: 'kubia', tier: 'web' });
    await orphan('prod', { app: 'kubia', tier: 'web', env: 'prod' });
    await orphan('canary', { app: 'kubia', tier: 'web', canary: 'yes' });
    await orphan('no-tier', { app: 'kubia' });
    await w.client.create(R.replicasets, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'kubia' },
      spec: {
        replicas: 2,
        selector: {
          matchExpressions: [
            { key: 'app', operator: 'In', values: ['kubia'] },
            { key: 'env', operator: 'NotIn', values: ['prod'] },
            { key: 'tier', operator: 'Exists' },
            { key: 'canary', operator: 'DoesNotExist' },
          ],
        },
        template: { metadata: { labels: { app: 'kubia', tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    });
    await w.quiesce();
    const pods = (await w.client.list(R.pods, 'default')).items;
    const owned = pods.filter((p) => p.metadata.ownerReferences?.length).map((p) => p.metadata.name!);
    assert.equal(owned.length, 2);
    assert.ok(owned.includes('match'));
    assert.ok(owned.find((n) => n.startsWith('kubia-')));
    assert.equal(pods.length, 5);
  } finally {
    await w.stop();
  }
});

test('scaling down deletes the pods that are not ready first', async () => {
  const w = await startWorkloads();
  try {
    w.kubelet.auto = () => false;
    await w.client.create(R.replicasets, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    await w.quiesce();
    const ready = await w.kubelet.ready(2);
    await w.quiesce();
    await w.client.patch(R.replicasets, 'default', 'web', 'merge', { spec: { replicas: 2 } });
    await w.quiesce();
    const left = (await w.client.list(R.pods, 'default')).items.map((p) => p.metadata.name).sort();
    assert.deepEqual(left, [...ready].sort());
    const deleted = w.events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    assert.equal(deleted.length, 2);
    for (const m of deleted) assert.match(m, /^Deleted pod: web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const rs = (await w.client.get(R.replicasets, 'default', 'web'))!;
    assert.deepEqual(rs.status, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 2 });
  } finally {
    await w.stop();
  }
});

/** Refuses pods labeled quota=exceeded, as a ResourceQuota would. */
const quota: AdmissionPlugin = {
  name: 'TestQuota',
  validate(attrs) {
    if (attrs.operation === 'CREATE' && attrs.resource.plural === 'pods' && attrs.object?.metadata.labels?.quota === 'exceeded') {
      throw forbidden({ group: '', resource: 'pods' }, attrs.name, 'exceeded quota: compute-resources, requested: pods=1, used: pods=2, limited: pods=2');
    }
  },
};

test('a refused create is reported as FailedCreate and ReplicaFailure, up to the Deployment, and clears', async () => {
  const w = await startWorkloads({ admissionPlugins: [quota] });
  try {
    await w.client.create(R.deployments, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', quota: 'exceeded' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const failure = await w.until(async () => {
      const d = await w.client.get(R.deployments, 'default', 'web');
      return ((d!.status as any)?.conditions ?? []).find((c: any) => c.type === 'ReplicaFailure');
    }, 'the ReplicaFailure condition');
    assert.equal(failure.status, 'True');
    assert.equal(failure.reason, 'FailedCreate');
    assert.match(failure.message, /^pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: compute-resources/);
    const rs = (await w.client.list(R.replicasets, 'default')).items[0];
    assert.equal(((rs.status as any).conditions[0] as any).reason, 'FailedCreate');
    const failed = w.events.filter((e) => e.reason === 'FailedCreate');
    assert.ok(failed.length >= 1);
    assert.match(failed[0].message, /^Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota/);
    assert.equal(failed[0].type, 'Warning');
    // Slow start: the first batch of one failed, so nothing else was tried in that sync.
    assert.equal(w.events.filter((e) => e.reason === 'SuccessfulCreate').length, 0);

    await w.client.patch(R.deployments, 'default', 'web', 'strategic', { spec: { template: { metadata: { labels: { quota: 'ok' } } } } });
    await w.until(async () => {
      const d = await w.client.get(R.deployments, 'default', 'web');
      const conds = ((d!.status as any)?.conditions ?? []) as any[];
      return (d!.status as any).availableReplicas === 3 && !conds.find((c) => c.type === 'ReplicaFailure');
    }, 'the rollout to succeed and the failure to clear');
  } finally {
    await w.stop();
  }
});
