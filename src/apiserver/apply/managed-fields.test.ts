import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagedFieldsEntry } from '../../api/object.js';
import { fieldErrorMessage } from '../../machinery/errors.js';
import { FieldSet } from './field-set.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  isResetManagedFields,
  managerIdentifier,
  managerOrUserAgent,
  validateFieldManager,
  validateManagedFields,
} from './managed-fields.js';
import { fieldElement as f } from './path-element.js';
import { printManager } from './conflict-error.js';
import { capUpdateManagers } from './cap-managers.js';

const entry = (e: Partial<ManagedFieldsEntry>): ManagedFieldsEntry => ({
  apiVersion: 'v1',
  fieldsType: 'FieldsV1',
  fieldsV1: { 'f:data': { 'f:a': {} } },
  ...e,
});

describe('manager identifiers', () => {
  it('are the entry as Go marshals it, without the API version for appliers', () => {
    assert.equal(managerIdentifier({ manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1' }), '{"manager":"kubectl","operation":"Update","apiVersion":"apps/v1"}');
    assert.equal(managerIdentifier({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1' }), '{"manager":"kubectl","operation":"Apply"}');
    assert.equal(
      managerIdentifier({ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', subresource: 'status' }),
      '{"manager":"kubelet","operation":"Update","apiVersion":"v1","subresource":"status"}',
    );
  });

  it('print in conflicts with their subresource and, for updaters, their version', () => {
    assert.equal(printManager(managerIdentifier({ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', subresource: 'status' })), '"kubelet" with subresource "status" using v1');
    assert.equal(printManager(managerIdentifier({ manager: 'argo', operation: 'Apply' })), '"argo"');
    assert.equal(printManager('not json'), '"not json"');
  });
});

describe('decoding and encoding', () => {
  it('round-trips entries, keeping each manager apart by operation, version and subresource', () => {
    const entries = [
      entry({ manager: 'a', operation: 'Apply', time: '2024-01-01T00:00:03Z' }),
      entry({ manager: 'a', operation: 'Update', time: '2024-01-01T00:00:02Z' }),
      entry({ manager: 'a', operation: 'Update', subresource: 'status', time: '2024-01-01T00:00:02Z' }),
      entry({ manager: 'a', operation: 'Update', apiVersion: 'v2', time: '2024-01-01T00:00:02Z' }),
    ];
    const managed = decodeManagedFields(entries);
    assert.equal(managed.fields.size, 4);
    assert.deepEqual(encodeManagedFields(managed), entries);
  });

  it('sorts Apply before Update, then by time, manager, version and subresource; entries without time first', () => {
    const managed = decodeManagedFields([
      entry({ manager: 'b', operation: 'Update', time: '2024-01-01T00:00:01Z' }),
      entry({ manager: 'a', operation: 'Update', time: '2024-01-01T00:00:01Z' }),
      entry({ manager: 'z', operation: 'Update' }),
      entry({ manager: 'c', operation: 'Update', time: '2024-01-01T00:00:00Z' }),
      entry({ manager: 'y', operation: 'Apply', time: '2030-01-01T00:00:00Z' }),
    ]);
    assert.deepEqual(
      encodeManagedFields(managed)!.map((e) => e.manager),
      ['y', 'z', 'c', 'a', 'b'],
    );
  });

  it('rejects entries upstream cannot read, with its messages', () => {
    assert.throws(() => decodeManagedFields([entry({ manager: 'a', operation: undefined })]), /operation must be `Apply` or `Update`/);
    assert.throws(() => decodeManagedFields([entry({ manager: 'a', operation: 'Update', apiVersion: '' })]), /apiVersion must not be empty/);
    assert.throws(() => decodeManagedFields([entry({ manager: 'a', operation: 'Update', fieldsType: undefined })]), /missing fieldsType in managed fields entry 0/);
    assert.throws(() => decodeManagedFields([entry({ manager: 'a', operation: 'Update', fieldsType: 'FieldsV2' as 'FieldsV1' })]), /invalid fieldsType "FieldsV2"/);
  });

  it('writes back untouched sets as they were stored and re-encodes changed ones', () => {
    const stored = entry({ manager: 'a', operation: 'Update', fieldsV1: { 'f:data': { 'f:a': {} } } });
    const managed = decodeManagedFields([stored]);
    assert.equal(encodeManagedFields(managed)![0].fieldsV1, stored.fieldsV1);
    const vs = managed.fields.values().next().value!;
    managed.fields.set([...managed.fields.keys()][0], { ...vs, set: vs.set.union(FieldSet.of([f('data'), f('b')])) });
    assert.deepEqual(encodeManagedFields(managed)![0].fieldsV1, { 'f:data': { 'f:a': {}, 'f:b': {} } });
  });

  it('treats [] and [{}] as a request to clear, and anything else not', () => {
    assert.ok(isResetManagedFields([]));
    assert.ok(isResetManagedFields([{}]));
    assert.ok(isResetManagedFields([{ manager: '' }]));
    assert.ok(!isResetManagedFields(undefined));
    assert.ok(!isResetManagedFields([{ manager: 'x' }]));
    assert.ok(!isResetManagedFields([{}, {}]));
  });
});

describe('capping update entries', () => {
  it('folds the oldest updates of each version into one ancient-changes entry per version', () => {
    const entries: ManagedFieldsEntry[] = [];
    for (let i = 0; i < 12; i++) {
      entries.push(
        entry({
          manager: `m${String(i).padStart(2, '0')}`,
          operation: 'Update',
          apiVersion: i < 6 ? 'v1' : 'v2',
          time: `2024-01-01T00:00:${String(i).padStart(2, '0')}Z`,
          fieldsV1: { 'f:data': { [`f:k${i}`]: {} } },
        }),
      );
    }
    entries.push(entry({ manager: 'applier', operation: 'Apply', fieldsV1: { 'f:data': { 'f:x': {} } } }));
    const out = encodeManagedFields(capUpdateManagers(decodeManagedFields(entries)))!;
    assert.deepEqual(
      out.map((e) => `${e.manager}/${e.apiVersion}/${e.time ?? '-'}`),
      [
        'applier/v1/-',
        'ancient-changes/v1/2024-01-01T00:00:02Z',
        'm03/v1/2024-01-01T00:00:03Z',
        'm04/v1/2024-01-01T00:00:04Z',
        'm05/v1/2024-01-01T00:00:05Z',
        'm06/v2/2024-01-01T00:00:06Z',
        'm07/v2/2024-01-01T00:00:07Z',
        'm08/v2/2024-01-01T00:00:08Z',
        'm09/v2/2024-01-01T00:00:09Z',
        'm10/v2/2024-01-01T00:00:10Z',
        'm11/v2/2024-01-01T00:00:11Z',
      ],
    );
    assert.deepEqual(out[1].fieldsV1, { 'f:data': { 'f:k0': {}, 'f:k1': {}, 'f:k2': {} } });
  });
});

describe('validation', () => {
  it('checks operations, fields types, manager names and subresources', () => {
    const errors = validateManagedFields([
      { manager: 'ok', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1' },
      { manager: 'bad\u0007', operation: 'Patch' as 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV2' as 'FieldsV1', subresource: 'x'.repeat(257) },
    ]);
    assert.deepEqual(errors.map(fieldErrorMessage).slice(0, 3), [
      'metadata.managedFields[1].operation: Invalid value: "Patch": must be `Apply` or `Update`',
      'metadata.managedFields[1].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
      'metadata.managedFields[1].manager: Invalid value: "bad\\u0007": invalid character U+0007 (at position 3)',
    ]);
    assert.equal(errors.length, 4);
    assert.equal(errors[3].field, 'metadata.managedFields[1].subresource');
    assert.equal(errors[3].type, 'FieldValueTooLong');
  });

  it('limits field managers to 128 bytes', () => {
    assert.equal(validateFieldManager('x'.repeat(128)).length, 0);
    assert.equal(validateFieldManager('x'.repeat(129))[0].type, 'FieldValueTooLong');
  });

  it('derives the manager from the user agent when no fieldManager is given', () => {
    assert.equal(managerOrUserAgent(undefined, 'kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9'), 'kubectl');
    assert.equal(managerOrUserAgent('kubectl-edit', 'kubectl/v1.32.0'), 'kubectl-edit');
    assert.equal(managerOrUserAgent('', undefined), '');
  });
});
