// The StatefulSet rules without I/O: ordinals, identity, storage, revisions of new pods, claim
// retention as ownerReferences, and status arithmetic.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import {
  completeRollingUpdate,
  identityMatches,
  inconsistentStatus,
  isClaimOwnerUpToDate,
  newStatefulSetPod,
  newVersionedStatefulSetPod,
  normalizeStatus,
  parentNameAndOrdinal,
  persistentVolumeClaims,
  podInOrdinalRange,
  storageMatches,
  updateClaimOwnerRefs,
  type StatefulSet,
  type StatefulSetStatus,
} from './utils.js';

function set(spec: Partial<StatefulSet['spec']> = {}, status?: Partial<StatefulSetStatus>): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'ns', uid: 'set-uid' },
    spec: {
      replicas: 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }], volumes: [{ name: 'www', emptyDir: {} }, { name: 'cfg', configMap: { name: 'x' } }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www', labels: { tier: 'data' } }, spec: { accessModes: ['ReadWriteOnce'] } }],
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

describe('ordinals and identity', () => {
  it('parses <parent>-<ordinal> from the pod name', () => {
    assert.deepEqual(parentNameAndOrdinal('web-12'), { parent: 'web', ordinal: 12 });
    assert.deepEqual(parentNameAndOrdinal('my-app-web-0'), { parent: 'my-app-web', ordinal: 0 });
    assert.deepEqual(parentNameAndOrdinal('web'), { parent: '', ordinal: -1 });
    assert.deepEqual(parentNameAndOrdinal('web-x'), { parent: '', ordinal: -1 });
    assert.deepEqual(parentNameAndOrdinal('web-99999999999'), { parent: 'web', ordinal: -1 }, 'beyond int32');
  });
  it('puts ordinals in range from spec.ordinals.start', () => {
    const s = set({ replicas: 2, ordinals: { start: 3 } });
    const p = (n: string): KubeObject => ({ metadata: { name: n } });
    assert.deepEqual(['web-2', 'web-3', 'web-4', 'web-5'].map((n) => podInOrdinalRange(p(n), s)), [false, true, true, false]);
  });
  it('builds pods named <set>-N with hostname, subdomain, labels, claims and the template', () => {
    const pod = newStatefulSetPod(set(), 2);
    assert.equal(pod.metadata.name, 'web-2');
    assert.equal(pod.metadata.generateName, 'web-');
    assert.equal(pod.metadata.namespace, 'ns');
    assert.deepEqual(pod.metadata.labels, { app: 'nginx', 'statefulset.kubernetes.io/pod-name': 'web-2', 'apps.kubernetes.io/pod-index': '2' });
    assert.deepEqual(pod.metadata.annotations, { a: 'b' });
    assert.deepEqual([pod.spec!.hostname, pod.spec!.subdomain], ['web-2', 'nginx']);
    // The claim replaces the template's same-named volume; other volumes stay, after it.
    assert.deepEqual(pod.spec!.volumes, [
      { name: 'www', persistentVolumeClaim: { claimName: 'www-web-2' } },
      { name: 'cfg', configMap: { name: 'x' } },
    ]);
    assert.ok(identityMatches(set(), pod));
    assert.ok(storageMatches(set(), pod));
    assert.ok(!identityMatches(set(), { ...pod, metadata: { ...pod.metadata, labels: { app: 'nginx' } } }));
    assert.ok(!storageMatches(set(), { ...pod, spec: { ...pod.spec, volumes: [] } }));
  });
  it('labels claims with the template labels and the selector', () => {
    const claims = persistentVolumeClaims(set(), { metadata: { name: 'web-1' } });
    assert.deepEqual([...claims.keys()], ['www']);
    assert.deepEqual(claims.get('www')!.metadata, { name: 'www-web-1', namespace: 'ns', labels: { tier: 'data', app: 'nginx' } });
  });
});

describe('revisions of new pods', () => {
  const current = set({ template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'c', image: 'old' }] } } });
  const update = set({ template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'c', image: 'new' }] } } });
  const image = (p: KubeObject) => ((p.spec as any).containers[0].image as string);
  it('creates ordinals below the partition from the current revision', () => {
    const c = set({ ...current.spec, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    const pods = [0, 1, 2].map((o) => newVersionedStatefulSetPod(c, update, 'web-cur', 'web-upd', o));
    assert.deepEqual(pods.map(image), ['old', 'old', 'new']);
    assert.deepEqual(pods.map((p) => p.metadata.labels!['controller-revision-hash']), ['web-cur', 'web-cur', 'web-upd']);
  });
  it('creates every pod from the update revision under OnDelete', () => {
    const c = set({ ...current.spec, updateStrategy: { type: 'OnDelete' } }, { currentReplicas: 3 });
    assert.equal(image(newVersionedStatefulSetPod(c, update, 'a', 'b', 0)), 'new');
  });
});

describe('claim retention', () => {
  const pod = (name: string, uid = `uid-${name}`): KubeObject => ({ metadata: { name, namespace: 'ns', uid } });
  const claim = (refs: KubeObject['metadata']['ownerReferences'] = undefined): KubeObject => ({ metadata: { name: 'www-web-1', namespace: 'ns', ...(refs ? { ownerReferences: refs } : {}) } });
  const setRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true };
  const podRef = (name: string, uid = `uid-${name}`) => ({ apiVersion: 'v1', kind: 'Pod', name, uid, controller: true, blockOwnerDeletion: true });
  const policy = (whenDeleted: 'Retain' | 'Delete', whenScaled: 'Retain' | 'Delete') => set({ persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } });
  const want = (s: StatefulSet, p: KubeObject) => {
    const c = claim();
    updateClaimOwnerRefs(c, s, p);
    return c.metadata.ownerReferences;
  };

  it('Retain/Retain: no owners', () => {
    assert.equal(want(policy('Retain', 'Retain'), pod('web-1')), undefined);
    assert.ok(isClaimOwnerUpToDate(claim(), policy('Retain', 'Retain'), pod('web-1')));
    assert.ok(!isClaimOwnerUpToDate(claim([setRef]), policy('Retain', 'Retain'), pod('web-1')));
  });
  it('whenDeleted=Delete: the set controls its claims', () => {
    assert.deepEqual(want(policy('Delete', 'Retain'), pod('web-1')), [setRef]);
    assert.ok(isClaimOwnerUpToDate(claim([setRef]), policy('Delete', 'Retain'), pod('web-1')));
  });
  it('whenScaled=Delete: a pod beyond the replicas controls its claims', () => {
    assert.equal(want(policy('Retain', 'Delete'), pod('web-1')), undefined, 'in range');
    assert.deepEqual(want(policy('Retain', 'Delete'), pod('web-5')), [podRef('web-5')], 'scaled away');
    assert.deepEqual(want(policy('Delete', 'Delete'), pod('web-1')), [setRef]);
    assert.deepEqual(want(policy('Delete', 'Delete'), pod('web-5')), [podRef('web-5')]);
    assert.ok(!isClaimOwnerUpToDate(claim([setRef]), policy('Delete', 'Delete'), pod('web-5')));
  });
  it('leaves claims held by an earlier incarnation of the pod alone', () => {
    assert.ok(isClaimOwnerUpToDate(claim([podRef('web-1', 'old-uid')]), policy('Retain', 'Delete'), pod('web-1')));
  });
  it('keeps foreign owners when rewriting', () => {
    const c = claim([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'x' }]);
    updateClaimOwnerRefs(c, policy('Delete', 'Retain'), pod('web-1'));
    assert.deepEqual(c.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'x' }, setRef]);
  });
});

describe('status', () => {
  it('completes a rolling update when every wanted pod is updated and ready', () => {
    const s = set({ replicas: 2 });
    const status: StatefulSetStatus = { replicas: 2, readyReplicas: 2, updatedReplicas: 2, currentReplicas: 0, currentRevision: 'a', updateRevision: 'b', availableReplicas: 2 };
    completeRollingUpdate(s, status);
    assert.deepEqual([status.currentRevision, status.currentReplicas], ['b', 2]);
    const partial: StatefulSetStatus = { replicas: 2, readyReplicas: 1, updatedReplicas: 2, currentReplicas: 0, currentRevision: 'a', updateRevision: 'b', availableReplicas: 1 };
    completeRollingUpdate(s, partial);
    assert.equal(partial.currentRevision, 'a');
  });
  it('serialises like the API: zeros omitted but replicas, availableReplicas and collisionCount', () => {
    assert.deepEqual(normalizeStatus({ replicas: 0, readyReplicas: 0, currentReplicas: 0, collisionCount: 0, availableReplicas: 0, currentRevision: '' }), { replicas: 0, collisionCount: 0, availableReplicas: 0 });
  });
  it('writes only when a counted field, a revision or the generation changed', () => {
    const s = set({}, { observedGeneration: 2, replicas: 3, readyReplicas: 3, availableReplicas: 3, currentRevision: 'a', updateRevision: 'a', collisionCount: 0 });
    const same: StatefulSetStatus = { observedGeneration: 2, replicas: 3, readyReplicas: 3, availableReplicas: 3, currentRevision: 'a', updateRevision: 'a', collisionCount: 0 };
    assert.ok(!inconsistentStatus(s, same));
    assert.ok(inconsistentStatus(s, { ...same, observedGeneration: 3 }));
    assert.ok(inconsistentStatus(s, { ...same, availableReplicas: 2 }));
  });
});
