import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { validateCSINode, validateCSINodeUpdate } from './csinode.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const node = (drivers: unknown[]) => ({ metadata: { name: 'node-1' }, spec: { drivers } });

test('what a kubelet registers is valid', () => {
  assert.deepEqual(validateCSINode(node([{ name: 'hostpath.csi.k8s.io', nodeID: 'node-1', topologyKeys: ['topology.hostpath.csi/node'] }])), []);
});

test('driver entries: names, node IDs, counts and topology keys', () => {
  const n = node([
    { name: 'a.csi', nodeID: 'x'.repeat(193), allocatable: { count: -1 }, topologyKeys: ['zone', 'zone', ''] },
    { name: 'a.csi', nodeID: '' },
  ]);
  assert.deepEqual(messages(validateCSINode(n)), [
    `spec.drivers[0].nodeID: Invalid value: "${'x'.repeat(193)}": must be 192 characters or less`,
    'spec.drivers[0].allocatable.count: Invalid value: -1: must be greater than or equal to 0',
    'spec.drivers[0]: Duplicate value: "zone"',
    'spec.drivers[0]: Required value',
    "spec.drivers[0]: Invalid value: \"\": name part must be non-empty",
    "spec.drivers[0]: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    'spec.drivers[1].nodeID: Required value',
    'spec.drivers[1].name: Duplicate value: "a.csi"',
  ]);
});

test('an existing driver entry never changes; new ones may be added', () => {
  const old = node([{ name: 'a.csi', nodeID: 'n1' }]);
  assert.deepEqual(validateCSINodeUpdate(node([{ name: 'a.csi', nodeID: 'n1' }, { name: 'b.csi', nodeID: 'n1' }]), old), []);
  assert.deepEqual(messages(validateCSINodeUpdate(node([{ name: 'a.csi', nodeID: 'n2' }]), old)), [
    'spec.drivers: Invalid value: {"name":"a.csi","nodeID":"n2"}: field is immutable',
  ]);
});
