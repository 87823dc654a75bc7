import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rfc3339 } from '../../machinery/clock.js';
import { canonicalJson, computeHash, fnv32a, safeEncodeString } from './hash.js';
import { requeueStuckDeployment } from './progress.js';
import { calculateStatus } from './sync.js';
import {
  deploymentTimedOut,
  equalIgnoreHash,
  findActiveOrLatest,
  findNewReplicaSet,
  getProportion,
  lastRevision,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  resolveFenceposts,
  scaledValue,
  setCondition,
  setNewReplicaSetAnnotations,
  type Deployment,
  type DeploymentStatus,
  type ReplicaSet,
} from './util.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');

function dep(replicas: number, strategy: Deployment['spec']['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: 1, annotations: {} },
    spec: { replicas, strategy, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } }, ...extra },
  };
}

function rs(name: string, replicas: number, o: { created?: number; revision?: string; image?: string; available?: number; annotations?: Record<string, string> } = {}): ReplicaSet {
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      creationTimestamp: rfc3339(o.created ?? t0),
      annotations: { ...(o.revision ? { 'deployment.kubernetes.io/revision': o.revision } : {}), ...(o.annotations ?? {}) },
    },
    spec: { replicas, template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'c', image: o.image ?? 'nginx:1' }] } } },
    status: { replicas, availableReplicas: o.available ?? replicas },
  };
}

test('FNV-32a and the safe encoding of the hash', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(fnv32a(enc('')), 0x811c9dc5);
  assert.equal(fnv32a(enc('a')), 0xe40c292c);
  assert.equal(fnv32a(enc('foobar')), 0xbf9cf968);
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
});

test('the pod-template-hash: stable, insensitive to key order and empty fields, changed by the collision count', () => {
  const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
  const h = computeHash(t);
  assert.match(h, /^[456789bcdf]{1,10}$/);
  assert.equal(computeHash({ spec: { containers: [{ image: 'nginx:1', name: 'c' }] }, metadata: { labels: { app: 'web' }, annotations: {} } }), h);
  assert.notEqual(computeHash({ ...t, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }), h);
  assert.notEqual(computeHash(t, 1), h);
  assert.notEqual(computeHash(t, 1), computeHash(t, 2));
  assert.equal(computeHash(t, 0) === h, false);
  assert.equal(canonicalJson({ b: 1, a: [null, {}], c: {} }), '{"a":[null,null],"b":1}');
});

test('maxSurge rounds up, maxUnavailable down; both zero means one unavailable', () => {
  const cases: [number | string, number | string, number, number, number][] = [
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 3, 1, 0],
    ['25%', '25%', 10, 3, 2],
    ['25%', '25%', 1, 1, 0],
    [1, 0, 3, 1, 0],
    [0, 1, 3, 0, 1],
    ['0%', '1%', 2, 0, 1],
    ['1%', '25%', 2, 1, 0],
    ['100%', 0, 5, 5, 0],
  ];
  for (const [surge, unavailable, desired, s, u] of cases) {
    assert.deepEqual(resolveFenceposts(surge, unavailable, desired), { maxSurge: s, maxUnavailable: u }, `${surge}/${unavailable} of ${desired}`);
  }
  assert.throws(() => scaledValue('3', 10, true), /string is not a percentage/);
  assert.equal(maxUnavailable(dep(0)), 0);
  assert.equal(maxUnavailable(dep(2, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 5 } })), 2);
  assert.equal(maxSurge(dep(4, { type: 'Recreate' })), 0);
  assert.equal(maxUnavailable(dep(4, { type: 'Recreate' })), 0);
});

test('the new ReplicaSet grows to replicas + maxSurge in total, never past replicas', () => {
  const d = dep(10, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } });
  const newRS = rs('new', 0);
  assert.equal(newRSNewReplicas(d, [rs('old', 10), newRS], newRS), 3);
  assert.equal(newRSNewReplicas(d, [rs('old', 8), rs('new', 3)], rs('new', 3)), 5);
  assert.equal(newRSNewReplicas(d, [rs('old', 10), rs('new', 3)], rs('new', 3)), 3);
  assert.equal(newRSNewReplicas(d, [rs('new', 9)], rs('new', 9)), 10);
  assert.equal(newRSNewReplicas(dep(4, { type: 'Recreate' }), [newRS], newRS), 4);
});

test('proportional scaling: 10 → 15 with maxSurge 3 over ReplicaSets of 8 and 5 adds 3 and 2', () => {
  const d = dep(15, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } });
  const max = { 'deployment.kubernetes.io/max-replicas': '13' };
  const old = rs('old', 8, { annotations: max });
  const newer = rs('new', 5, { annotations: max });
  const toAdd = 18 - 13;
  const p1 = getProportion(old, d, toAdd, 0);
  const p2 = getProportion(newer, d, toAdd, p1);
  assert.deepEqual([p1, p2], [3, 2]);
  // Scaling down to zero takes everything.
  assert.equal(getProportion(old, dep(0), -13, 0), -8);
});

test('revisions: the new ReplicaSet gets max+1, copied annotations, and a reused one remembers its old revision', () => {
  const d = dep(3);
  d.metadata.annotations = { 'kubernetes.io/change-cause': 'kubectl set image', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '7' };
  const fresh: ReplicaSet = { metadata: { name: 'web-1' }, spec: { replicas: 0 } };
  assert.equal(setNewReplicaSetAnnotations(d, fresh, '3', false), true);
  assert.deepEqual(fresh.metadata.annotations, {
    'kubernetes.io/change-cause': 'kubectl set image',
    'deployment.kubernetes.io/revision': '3',
    'deployment.kubernetes.io/desired-replicas': '3',
    'deployment.kubernetes.io/max-replicas': '4',
  });
  const reused = rs('web-old', 0, { revision: '1', annotations: { 'deployment.kubernetes.io/revision-history': '' } });
  setNewReplicaSetAnnotations(d, reused, '4', true);
  assert.equal(reused.metadata.annotations!['deployment.kubernetes.io/revision'], '4');
  assert.equal(reused.metadata.annotations!['deployment.kubernetes.io/revision-history'], '1');
  setNewReplicaSetAnnotations(d, reused, '6', true);
  assert.equal(reused.metadata.annotations!['deployment.kubernetes.io/revision-history'], '1,4');
  assert.equal(setNewReplicaSetAnnotations(d, reused, '5', true), false);
  assert.equal(maxRevision([rs('a', 0, { revision: '2' }), rs('b', 0, { revision: 'x' }), rs('c', 0, { revision: '9' })]), 9);
  assert.equal(lastRevision([rs('a', 0, { revision: '2' }), rs('c', 0, { revision: '9' }), rs('b', 0, { revision: '5' })]), 5);
});

test('the new ReplicaSet is the oldest whose template equals the Deployment’s but for the hash label', () => {
  const d = dep(3);
  const a = rs('a', 1, { created: t0 + 2000 });
  const b = rs('b', 1, { created: t0 + 1000 });
  const other = rs('other', 1, { image: 'nginx:2' });
  assert.equal(equalIgnoreHash(a.spec.template, d.spec.template), true);
  assert.equal(findNewReplicaSet(d, [other, a, b])?.metadata.name, 'b');
  assert.equal(findNewReplicaSet(d, [other]), undefined);
});

test('the only active ReplicaSet, or the newest when none is active', () => {
  const newRS = rs('new', 0, { created: t0 + 3000 });
  assert.equal(findActiveOrLatest(newRS, [rs('old', 3)])?.metadata.name, 'old');
  assert.equal(findActiveOrLatest(newRS, [rs('old', 0)])?.metadata.name, 'new');
  assert.equal(findActiveOrLatest(undefined, [rs('o1', 0, { created: t0 }), rs('o2', 0, { created: t0 + 1000 })])?.metadata.name, 'o2');
  assert.equal(findActiveOrLatest(rs('new', 1), [rs('old', 3)]), undefined);
});

test('conditions: same status and reason keep everything; same status keeps the transition time', () => {
  const status: DeploymentStatus = {};
  setCondition(status, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: 'a', lastUpdateTime: '1', lastTransitionTime: '1' });
  setCondition(status, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: 'b', lastUpdateTime: '2', lastTransitionTime: '2' });
  assert.equal(status.conditions![0].message, 'a');
  setCondition(status, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'c', lastUpdateTime: '3', lastTransitionTime: '3' });
  assert.deepEqual([status.conditions![0].lastUpdateTime, status.conditions![0].lastTransitionTime], ['3', '1']);
});

test('status: counts from the ReplicaSets and the Available condition against replicas − maxUnavailable', () => {
  const d = dep(4);
  const st = calculateStatus([rs('old', 1, { available: 1 }), rs('new', 4, { available: 2 })], rs('new', 4, { available: 2 }), d, t0);
  assert.deepEqual([st.replicas, st.updatedReplicas, st.availableReplicas, st.unavailableReplicas], [5, 4, 3, 2]);
  assert.deepEqual(st.conditions!.map((c) => [c.type, c.status, c.reason]), [['Available', 'True', 'MinimumReplicasAvailable']]);
  const low = calculateStatus([rs('new', 4, { available: 2 })], rs('new', 4, { available: 2 }), d, t0);
  assert.deepEqual(low.conditions!.map((c) => [c.status, c.reason, c.message]), [['False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.']]);
});

test('progress deadline: timed out only after progressDeadlineSeconds without progress; requeued for then', () => {
  const d = dep(2, undefined, { progressDeadlineSeconds: 30 });
  const cond = { type: 'Progressing', status: 'True' as const, reason: 'ReplicaSetUpdated', message: '', lastUpdateTime: rfc3339(t0), lastTransitionTime: rfc3339(t0) };
  d.status = { conditions: [cond] };
  assert.equal(deploymentTimedOut(d, d.status, t0 + 30_000), false);
  assert.equal(deploymentTimedOut(d, d.status, t0 + 30_001), true);
  assert.equal(deploymentTimedOut(d, { conditions: [{ ...cond, reason: 'NewReplicaSetAvailable' }] }, t0 + 99_000), false);
  assert.deepEqual(requeueStuckDeployment(d, { replicas: 2, updatedReplicas: 1 }, t0 + 10_000), { requeueAfter: 21_000 });
  assert.equal(requeueStuckDeployment(d, { replicas: 2, updatedReplicas: 2, availableReplicas: 2, observedGeneration: 1 }, t0 + 10_000), undefined);
});
