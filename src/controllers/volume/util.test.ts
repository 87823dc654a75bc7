import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { claimClass, defaultClass, findBestMatchForClaim, volumeUnsatisfiable } from './util.js';

function pv(name: string, size: string, o: { modes?: string[]; cls?: string; labels?: Record<string, string>; phase?: string; claimRef?: Record<string, string>; mode?: string } = {}): KubeObject {
  return {
    metadata: { name, labels: o.labels },
    spec: { capacity: { storage: size }, accessModes: o.modes ?? ['ReadWriteOnce'], storageClassName: o.cls ?? '', ...(o.claimRef ? { claimRef: o.claimRef } : {}), ...(o.mode ? { volumeMode: o.mode } : {}) },
    status: { phase: o.phase ?? 'Available' },
  };
}

function pvc(size: string, o: { modes?: string[]; cls?: string | null; selector?: Record<string, unknown> } = {}): KubeObject {
  return {
    metadata: { name: 'data', namespace: 'default', uid: 'claim-uid' },
    spec: { accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: size } }, ...(o.cls !== null ? { storageClassName: o.cls ?? '' } : {}), ...(o.selector ? { selector: o.selector } : {}) },
  };
}

test('the smallest volume that fits, of the right class, access modes and labels', () => {
  const volumes = [pv('big', '10Gi'), pv('small', '1Gi'), pv('tiny', '500Mi'), pv('fast', '2Gi', { cls: 'fast' }), pv('busy', '1Gi', { claimRef: { namespace: 'x', name: 'y' } }), pv('new', '1Gi', { phase: 'Pending' })];
  assert.equal(findBestMatchForClaim(pvc('1Gi'), volumes, false)?.metadata.name, 'small');
  assert.equal(findBestMatchForClaim(pvc('1Gi', { cls: 'fast' }), volumes, false)?.metadata.name, 'fast');
  assert.equal(findBestMatchForClaim(pvc('20Gi'), volumes, false), undefined);
  assert.equal(findBestMatchForClaim(pvc('1Gi', { modes: ['ReadWriteMany'] }), volumes, false), undefined);
  const labelled = [...volumes, pv('ssd', '5Gi', { labels: { disk: 'ssd' } })];
  assert.equal(findBestMatchForClaim(pvc('1Gi', { selector: { matchLabels: { disk: 'ssd' } } }), labelled, false)?.metadata.name, 'ssd');
  // Waiting for the first consumer: only a volume pre-bound to the claim.
  assert.equal(findBestMatchForClaim(pvc('1Gi'), volumes, true), undefined);
  const prebound = pv('mine', '1Gi', { cls: 'other', claimRef: { namespace: 'default', name: 'data' }, phase: 'Pending' });
  assert.equal(findBestMatchForClaim(pvc('1Gi'), [...volumes, prebound], true)?.metadata.name, 'mine');
  // Fewer access modes first: a RWO claim prefers a RWO volume over a RWO+ROX one of the same size.
  const modes = [pv('rwo-rox', '1Gi', { modes: ['ReadWriteOnce', 'ReadOnlyMany'] }), pv('rwo', '5Gi')];
  assert.equal(findBestMatchForClaim(pvc('1Gi'), modes, false)?.metadata.name, 'rwo');
  // Block claims only take block volumes.
  assert.equal(findBestMatchForClaim({ ...pvc('1Gi'), spec: { ...(pvc('1Gi').spec as object), volumeMode: 'Block' } }, volumes, false), undefined);
});

test('a requested volume that cannot serve the claim says why; classes and defaults', () => {
  assert.equal(volumeUnsatisfiable(pv('v', '1Gi'), pvc('2Gi')), 'requested PV is too small');
  assert.equal(volumeUnsatisfiable(pv('v', '1Gi', { cls: 'a' }), pvc('1Gi')), 'storageClassName does not match');
  assert.equal(volumeUnsatisfiable(pv('v', '1Gi', { modes: ['ReadOnlyMany'] }), pvc('1Gi')), 'incompatible accessMode');
  assert.equal(volumeUnsatisfiable(pv('v', '1Gi'), pvc('1Gi')), undefined);
  assert.equal(claimClass({ metadata: { annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } }, spec: { storageClassName: 'new' } }), 'old');
  const sc = (name: string, ts: string, def: boolean): KubeObject => ({ metadata: { name, creationTimestamp: ts, annotations: def ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {} } });
  assert.equal(defaultClass([sc('a', '2026-01-01T00:00:00Z', true), sc('b', '2026-01-02T00:00:00Z', true), sc('c', '2026-01-03T00:00:00Z', false)])?.metadata.name, 'b');
  assert.equal(defaultClass([sc('c', '2026-01-03T00:00:00Z', false)]), undefined);
});
