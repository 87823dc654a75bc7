import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsStorageClass } from '../defaults/storage.js';
import type { KubeObject } from '../object.js';
import { validateStorageClass, validateStorageClassUpdate } from './storageclass.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const sc = (fields: Record<string, unknown>): KubeObject => {
  const o: KubeObject = { metadata: { name: 'fast' }, provisioner: 'rancher.io/local-path', ...fields };
  setDefaultsStorageClass(o);
  return o;
};

test('a defaulted StorageClass deletes volumes and binds immediately', () => {
  const o = sc({ parameters: { type: 'pd-ssd' } });
  assert.deepEqual(validateStorageClass(o), []);
  assert.equal(o.reclaimPolicy, 'Delete');
  assert.equal(o.volumeBindingMode, 'Immediate');
});

test('provisioner, reclaim policy and binding mode', () => {
  const o = sc({ provisioner: '', reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' });
  assert.deepEqual(messages(validateStorageClass(o)), [
    'provisioner: Required value',
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
  ]);
});

test('allowed topologies: values given and unique, keys unique', () => {
  const o = sc({
    allowedTopologies: [
      { matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['a', 'a'] }, { key: 'topology.kubernetes.io/zone', values: [] }] },
    ],
  });
  assert.deepEqual(messages(validateStorageClass(o)), [
    'allowedTopologies[0].matchLabelExpressions[0].values[1]: Duplicate value: "a"',
    'allowedTopologies[0].matchLabelExpressions[1].values: Required value',
    'allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: "topology.kubernetes.io/zone"',
  ]);
});

test('provisioner, parameters, reclaimPolicy and volumeBindingMode never change', () => {
  const old = sc({ parameters: { type: 'pd-ssd' } });
  const d = sc({ provisioner: 'example.com/other', parameters: { type: 'pd-standard' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' });
  assert.deepEqual(messages(validateStorageClassUpdate(d, old)), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
    'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
  ]);
  assert.deepEqual(validateStorageClassUpdate({ ...old, allowVolumeExpansion: true }, old), []);
});
