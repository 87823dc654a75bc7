import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { defaultStorageClassAdmission } from './default-storage-class.js';
import { FakeLookup, request } from './fake-lookup.js';

const sc = (name: string, created: string, isDefault?: string) => ({
  group: 'storage.k8s.io',
  plural: 'storageclasses',
  obj: {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, creationTimestamp: created, annotations: isDefault ? { 'storageclass.kubernetes.io/is-default-class': isDefault } : undefined },
    provisioner: 'rancher.io/local-path',
  } as KubeObject,
});

const claim = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject => ({
  metadata: { name: 'data', namespace: 'default', annotations },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});

test('a claim without a class gets the default class', async () => {
  const lookup = new FakeLookup([sc('slow', '2026-01-01T00:00:00Z'), sc('local-path', '2026-01-01T00:00:00Z', 'true')]);
  const c = claim();
  await defaultStorageClassAdmission.admit!(request('CREATE', 'persistentvolumeclaims', c), lookup);
  assert.equal((c.spec as any).storageClassName, 'local-path');
});

test('of several defaults the newest wins, then the first name', async () => {
  const lookup = new FakeLookup([
    sc('old', '2026-01-01T00:00:00Z', 'true'),
    sc('new-b', '2026-01-02T00:00:00Z', 'true'),
    sc('new-a', '2026-01-02T00:00:00Z', 'true'),
    sc('not', '2026-01-03T00:00:00Z', 'false'),
  ]);
  const c = claim();
  await defaultStorageClassAdmission.admit!(request('CREATE', 'persistentvolumeclaims', c), lookup);
  assert.equal((c.spec as any).storageClassName, 'new-a');
});

test('a class already named (even "") or set by the beta annotation is kept; no default, no change', async () => {
  const lookup = new FakeLookup([sc('local-path', '2026-01-01T00:00:00Z', 'true')]);
  const empty = claim({ storageClassName: '' });
  await defaultStorageClassAdmission.admit!(request('CREATE', 'persistentvolumeclaims', empty), lookup);
  assert.equal((empty.spec as any).storageClassName, '');
  const beta = claim({}, { 'volume.beta.kubernetes.io/storage-class': 'fast' });
  await defaultStorageClassAdmission.admit!(request('CREATE', 'persistentvolumeclaims', beta), lookup);
  assert.equal((beta.spec as any).storageClassName, undefined);
  const none = claim();
  await defaultStorageClassAdmission.admit!(request('CREATE', 'persistentvolumeclaims', none), new FakeLookup());
  assert.equal((none.spec as any).storageClassName, undefined);
});
