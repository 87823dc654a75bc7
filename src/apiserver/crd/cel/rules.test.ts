import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StructuralSchema } from '../../../api/schema/structural.js';
import { fieldErrorMessage } from '../../../machinery/errors.js';
import { celValidatorFor, normalizeFieldPath } from './rules.js';

function schema(rules: NonNullable<StructuralSchema['x-kubernetes-validations']>, rootRules: StructuralSchema['x-kubernetes-validations'] = undefined): StructuralSchema {
  return {
    type: 'object',
    'x-kubernetes-validations': rootRules,
    properties: {
      spec: {
        type: 'object',
        'x-kubernetes-validations': rules,
        properties: {
          replicas: { type: 'integer' },
          maxReplicas: { type: 'integer' },
          image: { type: 'string' },
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: {
              type: 'object',
              'x-kubernetes-validations': [{ rule: 'self.port > 0', message: 'port must be positive' }],
              properties: { name: { type: 'string' }, port: { type: 'integer' } },
            },
          },
          labels: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 5' }] } },
        },
      },
    },
  };
}

const obj = (spec: Record<string, unknown>) => ({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n' }, spec });

function errors(s: StructuralSchema, value: unknown, old?: unknown): string[] {
  return celValidatorFor(s)!.validate(value, old).errors.map(fieldErrorMessage);
}

test('a failed rule reports its message, or the rule itself, with the schema type as value', () => {
  const s = schema([{ rule: 'self.replicas <= self.maxReplicas', message: 'replicas must not exceed maxReplicas' }, { rule: 'self.replicas >= 1' }]);
  assert.deepEqual(errors(s, obj({ replicas: 0, maxReplicas: -1 })), [
    'spec: Invalid value: "object": replicas must not exceed maxReplicas',
    'spec: Invalid value: "object": failed rule: self.replicas >= 1',
  ]);
  assert.deepEqual(errors(s, obj({ replicas: 1, maxReplicas: 2 })), []);
});

test('rules on the root report at <nil>, as the API server does', () => {
  const s = schema([], [{ rule: "self.metadata.name.startsWith('x')" }]);
  assert.deepEqual(errors(s, obj({})), ['<nil>: Invalid value: "object": failed rule: self.metadata.name.startsWith(\'x\')']);
});

test('messageExpression, fieldPath and reason shape the error', () => {
  const s = schema([
    { rule: 'self.replicas < 10', messageExpression: "'replicas ' + string(self.replicas) + ' is too many'", fieldPath: '.replicas', reason: 'FieldValueForbidden' },
    { rule: 'has(self.image)', message: 'image is required', fieldPath: '.image', reason: 'FieldValueRequired' },
  ]);
  assert.deepEqual(errors(s, obj({ replicas: 12 })), ['spec.replicas: Forbidden: replicas 12 is too many', 'spec.image: Required value: image is required']);
});

test('runtime errors name the rule', () => {
  const s = schema([{ rule: 'self.image.startsWith("r/")' }]);
  assert.deepEqual(errors(s, obj({})), ['spec: Invalid value: "object": no such key: image evaluating rule: self.image.startsWith("r/")']);
});

test('rules apply to every list item and map value, at their paths', () => {
  const s = schema([]);
  assert.deepEqual(errors(s, obj({ ports: [{ name: 'a', port: 1 }, { name: 'b', port: 0 }], labels: { ok: 'x', bad: 'toolong' } })), [
    'spec.ports[1]: Invalid value: "object": port must be positive',
    'spec.labels[bad]: Invalid value: "string": failed rule: self.size() < 5',
  ]);
});

test('transition rules run only on update, against the correlated old value', () => {
  const s = schema([{ rule: 'self.image == oldSelf.image', message: 'image is immutable' }]);
  assert.deepEqual(errors(s, obj({ image: 'a' })), [], 'no old value on create');
  assert.deepEqual(errors(s, obj({ image: 'b' }), obj({ image: 'a' })), ['spec: Invalid value: "object": image is immutable']);
  const optional = schema([{ rule: 'oldSelf.hasValue() || self.image == "first"', optionalOldSelf: true } as never]);
  assert.deepEqual(errors(optional, obj({ image: 'other' })), ['spec: Invalid value: "object": failed rule: oldSelf.hasValue() || self.image == "first"']);
});

test('failures on unchanged values are ratcheted into warnings', () => {
  const s = schema([]);
  const old = obj({ ports: [{ name: 'a', port: 0 }] });
  const result = celValidatorFor(s)!.validate(obj({ ports: [{ name: 'a', port: 0 }], image: 'new' }), old);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, ['spec.ports[0]: Invalid value: "object": port must be positive']);
  assert.deepEqual(errors(s, obj({ ports: [{ name: 'a', port: -1 }] }), old), ['spec.ports[0]: Invalid value: "object": port must be positive']);
});

test('fieldPaths are normalized against the schema', () => {
  const s = schema([]).properties!.spec;
  assert.equal(normalizeFieldPath('.replicas', s), 'replicas');
  assert.equal(normalizeFieldPath(".labels['app.kubernetes.io/name']", s), 'labels[app.kubernetes.io/name]');
  assert.equal(normalizeFieldPath('.nope', s), undefined);
});
