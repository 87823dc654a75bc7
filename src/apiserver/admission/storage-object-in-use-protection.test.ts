import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { FakeLookup, request } from './fake-lookup.js';
import { storageObjectInUseProtection } from './storage-object-in-use-protection.js';

test('claims and volumes are created with their protection finalizer', async () => {
  const claim: KubeObject = { metadata: { name: 'c', namespace: 'default', finalizers: ['example.com/keep'] } };
  await storageObjectInUseProtection.admit!(request('CREATE', 'persistentvolumeclaims', claim), new FakeLookup());
  assert.deepEqual(claim.metadata.finalizers, ['example.com/keep', 'kubernetes.io/pvc-protection']);
  const pv: KubeObject = { metadata: { name: 'v' } };
  await storageObjectInUseProtection.admit!(request('CREATE', 'persistentvolumes', pv), new FakeLookup());
  assert.deepEqual(pv.metadata.finalizers, ['kubernetes.io/pv-protection']);
});

test('not twice, and not on update', async () => {
  const claim: KubeObject = { metadata: { name: 'c', namespace: 'default', finalizers: ['kubernetes.io/pvc-protection'] } };
  await storageObjectInUseProtection.admit!(request('CREATE', 'persistentvolumeclaims', claim), new FakeLookup());
  assert.deepEqual(claim.metadata.finalizers, ['kubernetes.io/pvc-protection']);
  const bare: KubeObject = { metadata: { name: 'c', namespace: 'default' } };
  await storageObjectInUseProtection.admit!(request('UPDATE', 'persistentvolumeclaims', bare, { oldObject: bare }), new FakeLookup());
  assert.equal(bare.metadata.finalizers, undefined);
});
