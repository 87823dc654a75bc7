import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsCSIDriver } from '../defaults/storage.js';
import type { KubeObject } from '../object.js';
import { validateCSIDriver, validateCSIDriverUpdate } from './csidriver.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const driver = (spec: Record<string, unknown>): KubeObject => {
  const d: KubeObject = { metadata: { name: 'hostpath.csi.k8s.io' }, spec };
  setDefaultsCSIDriver(d);
  return d;
};

test('a defaulted CSIDriver is valid', () => {
  const d = driver({});
  assert.deepEqual(validateCSIDriver(d), []);
  assert.deepEqual(d.spec, {
    attachRequired: true,
    podInfoOnMount: false,
    storageCapacity: false,
    fsGroupPolicy: 'ReadWriteOnceWithFSType',
    volumeLifecycleModes: ['Persistent'],
    requiresRepublish: false,
    seLinuxMount: false,
  });
});

test('fsGroupPolicy, lifecycle modes and token requests', () => {
  const d = driver({
    fsGroupPolicy: 'Always',
    volumeLifecycleModes: ['Ephemeral', 'Temporary'],
    tokenRequests: [{ audience: 'vault', expirationSeconds: 60 }, { audience: 'vault' }],
  });
  assert.deepEqual(messages(validateCSIDriver(d)), [
    'spec.fsGroupPolicy: Unsupported value: "Always": supported values: "File", "None", "ReadWriteOnceWithFSType"',
    'spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    'spec.tokenRequests[1].audience: Duplicate value: "vault"',
    'spec.volumeLifecycleModes: Unsupported value: "Temporary": supported values: "Persistent", "Ephemeral"',
  ]);
});

test('attachRequired and volumeLifecycleModes never change (upstream spells the path attachedRequired)', () => {
  const old = driver({});
  const d = driver({ attachRequired: false, volumeLifecycleModes: ['Ephemeral'] });
  assert.deepEqual(messages(validateCSIDriverUpdate(d, old)), [
    'spec.attachedRequired: Invalid value: false: field is immutable',
    'spec.volumeLifecycleModes: Invalid value: ["Ephemeral"]: field is immutable',
  ]);
});
