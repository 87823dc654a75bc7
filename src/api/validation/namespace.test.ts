import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../machinery/errors.js';
import { setDefaultsNamespace } from '../defaults/core-kinds.js';
import { namespaceValidation, validateNamespaceFinalizeUpdate } from './namespace.js';

test('defaults: the metadata.name label and phase Active', () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', labels: { team: 'a' } } } as Record<string, any>;
  setDefaultsNamespace(ns as any);
  assert.deepEqual(ns.metadata.labels, { team: 'a', 'kubernetes.io/metadata.name': 'dev' });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.equal(namespaceValidation.nameRule, 'label');
});

test('spec.finalizers must be standard or qualified', () => {
  const ns = { metadata: { name: 'dev' }, spec: { finalizers: ['kubernetes', 'custom'] } };
  assert.deepEqual(namespaceValidation.validate(ns).map(fieldErrorMessage), [
    'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  assert.deepEqual(validateNamespaceFinalizeUpdate(ns).map(fieldErrorMessage), [
    'spec.finalizers[1]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
});

test('status phase follows deletion', () => {
  const ns = { metadata: { name: 'dev' }, status: { phase: 'Terminating' } };
  assert.deepEqual(namespaceValidation.validateStatusUpdate!(ns, ns).map(fieldErrorMessage), [
    `status.Phase: Invalid value: "Terminating": may only be 'Active' if \`deletionTimestamp\` is empty`,
  ]);
  const deleting = { metadata: { name: 'dev', deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Terminating' } };
  assert.deepEqual(namespaceValidation.validateStatusUpdate!(deleting, deleting), []);
});
