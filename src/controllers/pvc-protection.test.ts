import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { R } from '../client/resources.js';
import { until } from '../testing/control-plane.js';
import { startControllers } from './controller-test-harness.js';
import { claimsOfPod, podUsesClaim, pvcProtectionController } from './pvc-protection.js';
import { serviceAccountController } from './serviceaccount.js';

const claim = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
});

test('a claim in use by a scheduled pod is deleted only once the pod is gone', async () => {
  const h = await startControllers((ctx) => [serviceAccountController(ctx), pvcProtectionController(ctx)]);
  try {
    const client = h.cp.client;
    await until(() => client.get(R.serviceaccounts, 'default', 'default'), 5000, 'the default account');
    const created = await client.create(R.persistentvolumeclaims, 'default', claim('data'));
    assert.deepEqual(created.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    await client.create(R.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db' },
      spec: { nodeName: 'node-1', containers: [{ name: 'db', image: 'postgres' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
    });
    await client.delete(R.persistentvolumeclaims, 'default', 'data');
    await new Promise((r) => setTimeout(r, 300));
    const held = await client.get(R.persistentvolumeclaims, 'default', 'data');
    assert.ok(held?.metadata.deletionTimestamp, 'the claim is Terminating while the pod uses it');
    assert.deepEqual(held.metadata.finalizers, ['kubernetes.io/pvc-protection']);

    await client.delete(R.pods, 'default', 'db', { gracePeriodSeconds: 0 });
    await until(async () => !(await client.get(R.persistentvolumeclaims, 'default', 'data')), 5000, 'the claim to go with its pod');
  } finally {
    await h.stop();
  }
});

test('an unused claim goes at once; a claim without the finalizer gets it', async () => {
  const h = await startControllers((ctx) => [pvcProtectionController(ctx)]);
  try {
    const client = h.cp.client;
    await client.create(R.persistentvolumeclaims, 'default', claim('scratch'));
    await client.delete(R.persistentvolumeclaims, 'default', 'scratch');
    await until(async () => !(await client.get(R.persistentvolumeclaims, 'default', 'scratch')), 5000, 'the unused claim to go');

    const c = await client.create(R.persistentvolumeclaims, 'default', claim('old'));
    await client.update(R.persistentvolumeclaims, 'default', { ...c, metadata: { ...c.metadata, finalizers: [] } });
    await until(async () => (await client.get(R.persistentvolumeclaims, 'default', 'old'))?.metadata.finalizers?.includes('kubernetes.io/pvc-protection'), 5000, 'the finalizer to be added back');
  } finally {
    await h.stop();
  }
});

test('who uses a claim: scheduled pods naming it; ephemeral claims of their own pod until it shuts down', () => {
  const c = (name: string, ownerUid?: string): KubeObject => ({
    metadata: { name, namespace: 'ns', ownerReferences: ownerUid ? [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: ownerUid, controller: true }] : undefined },
  });
  const pod = (nodeName: string | undefined, meta: Record<string, unknown> = {}): KubeObject => ({
    metadata: { name: 'p', namespace: 'ns', uid: 'u1', ...meta },
    spec: { nodeName, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'scratch', ephemeral: { volumeClaimTemplate: {} } }] },
    status: { phase: 'Succeeded' },
  });
  assert.deepEqual(claimsOfPod(pod('n')), ['data', 'p-scratch']);
  assert.equal(podUsesClaim(pod('n'), c('data')), true, 'a finished pod still holds its claim');
  assert.equal(podUsesClaim(pod(undefined), c('data')), false, 'an unscheduled pod does not');
  assert.equal(podUsesClaim(pod('n'), c('p-scratch', 'u1')), true);
  assert.equal(podUsesClaim(pod('n'), c('p-scratch', 'other')), false);
  assert.equal(podUsesClaim(pod('n', { deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 }), c('p-scratch', 'u1')), false);
});
