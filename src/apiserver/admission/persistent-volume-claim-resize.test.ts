import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { StatusError } from '../../machinery/errors.js';
import { FakeLookup, request } from './fake-lookup.js';
import { persistentVolumeClaimResize } from './persistent-volume-claim-resize.js';

const sc = (name: string, allowVolumeExpansion?: boolean) => ({
  group: 'storage.k8s.io',
  plural: 'storageclasses',
  obj: { metadata: { name }, provisioner: 'p', ...(allowVolumeExpansion === undefined ? {} : { allowVolumeExpansion }) } as KubeObject,
});

const claim = (size: string, phase = 'Bound', cls = 'fast'): KubeObject => ({
  metadata: { name: 'data', namespace: 'default', resourceVersion: '5' },
  spec: { storageClassName: cls, resources: { requests: { storage: size } } },
  status: { phase },
});

async function message(lookup: FakeLookup, obj: KubeObject, old: KubeObject): Promise<string | undefined> {
  try {
    await persistentVolumeClaimResize.validate!(request('UPDATE', 'persistentvolumeclaims', obj, { oldObject: old }), lookup);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 403);
    return e.message;
  }
}

test('growing a bound claim of an expandable class is allowed', async () => {
  assert.equal(await message(new FakeLookup([sc('fast', true)]), claim('2Gi'), claim('1Gi')), undefined);
});

test('an unbound claim cannot grow', async () => {
  assert.equal(await message(new FakeLookup([sc('fast', true)]), claim('2Gi', 'Pending'), claim('1Gi', 'Pending')), 'persistentvolumeclaims "data" is forbidden: Only bound persistent volume claims can be expanded');
});

test('a class that does not allow expansion (or no class) refuses growth', async () => {
  const want = 'persistentvolumeclaims "data" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize';
  assert.equal(await message(new FakeLookup([sc('fast')]), claim('2Gi'), claim('1Gi')), want);
  assert.equal(await message(new FakeLookup([sc('fast', false)]), claim('2Gi'), claim('1Gi')), want);
  assert.equal(await message(new FakeLookup(), claim('2Gi', 'Bound', ''), claim('1Gi', 'Bound', '')), want);
});

test('keeping or shrinking the size is not this plugin’s concern', async () => {
  assert.equal(await message(new FakeLookup(), claim('1Gi', 'Pending'), claim('1Gi', 'Pending')), undefined);
  assert.equal(await message(new FakeLookup(), claim('500Mi', 'Pending'), claim('1Gi', 'Pending')), undefined);
});
