import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { R } from '../client/resources.js';
import { until } from '../testing/control-plane.js';
import { startControllers } from './controller-test-harness.js';
import { pvProtectionController } from './pv-protection.js';

const volume = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/tmp/${name}` } },
});

test('a bound volume waits to be released before it is deleted', async () => {
  const h = await startControllers((ctx) => [pvProtectionController(ctx)]);
  try {
    const client = h.cp.client;
    const pv = await client.create(R.persistentvolumes, '', volume('pv-bound'));
    assert.deepEqual(pv.metadata.finalizers, ['kubernetes.io/pv-protection']);
    const bound = await client.update(R.persistentvolumes, '', { ...pv, status: { phase: 'Bound' } }, { subresource: 'status' });
    assert.equal((bound.status as any).phase, 'Bound');
    await client.delete(R.persistentvolumes, '', 'pv-bound');
    await new Promise((r) => setTimeout(r, 300));
    const held = await client.get(R.persistentvolumes, '', 'pv-bound');
    assert.ok(held?.metadata.deletionTimestamp);
    await client.update(R.persistentvolumes, '', { ...held, status: { phase: 'Released' } }, { subresource: 'status' });
    await until(async () => !(await client.get(R.persistentvolumes, '', 'pv-bound')), 5000, 'the released volume to go');

    await client.create(R.persistentvolumes, '', volume('pv-free'));
    await client.delete(R.persistentvolumes, '', 'pv-free');
    await until(async () => !(await client.get(R.persistentvolumes, '', 'pv-free')), 5000, 'the unbound volume to go');
  } finally {
    await h.stop();
  }
});
