import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { customResourceDefinitionDeletionHooks, markForDeletion } from './deletion.js';
import { FakeClock } from '../../machinery/clock.js';

const crd = (): KubeObject => ({
  metadata: { name: 'crontabs.stable.example.com', finalizers: ['example.com/keep'] },
  status: { storedVersions: ['v1'], conditions: [{ type: 'Established', status: 'True', lastTransitionTime: 't0', reason: 'InitialNamesAccepted', message: 'm' }] },
});

test('the first delete adds the cleanup finalizer and marks the CRD Terminating', () => {
  const obj = crd();
  markForDeletion(obj, 't1');
  assert.deepEqual(obj.metadata.finalizers, ['example.com/keep', 'customresourcecleanup.apiextensions.k8s.io']);
  const status = obj.status as { storedVersions: string[]; conditions: Record<string, string>[] };
  assert.deepEqual(status.storedVersions, ['v1']);
  assert.deepEqual(status.conditions[1], {
    type: 'Terminating',
    status: 'True',
    lastTransitionTime: 't1',
    reason: 'InstanceDeletionPending',
    message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
  });
  markForDeletion(obj, 't2');
  assert.equal((obj.status as { conditions: unknown[] }).conditions.length, 2, 'a repeated delete changes nothing');
});

test('the hooks hold a CRD that is not yet being deleted, and only that', () => {
  const hooks = customResourceDefinitionDeletionHooks(new FakeClock());
  assert.equal(hooks.holdsDeletion!(crd()), true);
  assert.equal(hooks.holdsDeletion!({ ...crd(), metadata: { name: 'x', deletionTimestamp: '2026-01-01T00:00:00Z' } }), false);
});
