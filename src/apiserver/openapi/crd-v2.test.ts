import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StructuralSchema } from '../../api/schema/structural.js';
import { customResourceSchemaV2 } from './crd-v2.js';

test('a schema that keeps unknown fields at its root, or none, is published as a bare object', () => {
  assert.equal(customResourceSchemaV2(undefined), undefined);
  assert.equal(customResourceSchemaV2({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } }), undefined);
});

test('junctors go, nullable and unknown-field-preserving nodes lose their type and shape', () => {
  const schema: StructuralSchema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['cronSpec', 'maybe', 'missing'],
        properties: {
          cronSpec: { type: 'string', pattern: '^\\S+$', anyOf: [{ minLength: 1 }], not: { enum: ['x'] } },
          port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
          maybe: { type: 'object', nullable: true, properties: { a: { type: 'string' } } },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
          anything: { type: 'array', 'x-kubernetes-preserve-unknown-fields': true, items: { type: 'string' } },
          tags: { type: 'array', items: { type: 'string', nullable: true }, 'x-kubernetes-list-type': 'set' },
          labels: { type: 'object', additionalProperties: { type: 'string', nullable: true }, required: ['x'] },
        },
      },
    },
  };
  const v2 = customResourceSchemaV2(schema)!;
  const spec = v2.properties!.spec;
  assert.deepEqual(spec.required, ['cronSpec', 'missing']);
  assert.deepEqual(spec.properties!.cronSpec, { type: 'string', pattern: '^\\S+$' });
  assert.deepEqual(spec.properties!.port, { 'x-kubernetes-int-or-string': true });
  assert.deepEqual(spec.properties!.maybe, {});
  assert.deepEqual(spec.properties!.free, { 'x-kubernetes-preserve-unknown-fields': true });
  assert.deepEqual(spec.properties!.anything, { 'x-kubernetes-preserve-unknown-fields': true });
  assert.deepEqual(spec.properties!.tags, { type: 'array', items: {}, 'x-kubernetes-list-type': 'set' });
  assert.deepEqual(spec.properties!.labels, { type: 'object', additionalProperties: {} });
  // The input is left as it was: the v3 document is written from the same schema.
  assert.deepEqual(schema.properties!.spec.required, ['cronSpec', 'maybe', 'missing']);
  assert.equal(schema.properties!.spec.properties!.maybe.nullable, true);
});
