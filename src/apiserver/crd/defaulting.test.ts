import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StructuralSchema } from '../../api/schema/structural.js';
import { applyDefaults, normalizeCustomObject } from './defaulting.js';
import { structuralSchemaOf } from './schema.js';

const schema: StructuralSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      default: {},
      properties: {
        replicas: { type: 'integer', default: 1 },
        mode: { type: 'string', default: 'Auto' },
        note: { type: 'string' },
        nested: { type: 'object', default: {}, properties: { depth: { type: 'integer', default: 3 } } },
        ports: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string', default: 'x' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } },
        },
      },
    },
  },
};

test('defaults fill absent fields top-down, including inside a defaulted object', () => {
  const obj: Record<string, unknown> = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' } };
  normalizeCustomObject(obj as never, schema);
  assert.deepEqual(obj.spec, { replicas: 1, mode: 'Auto', nested: { depth: 3 } });
});

test('present values are kept; list items and map values are defaulted too', () => {
  const obj: Record<string, unknown> = {
    metadata: { name: 'a' },
    spec: { replicas: 5, ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }], labels: { a: null } },
  };
  normalizeCustomObject(obj as never, schema);
  const spec = obj.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 5);
  assert.deepEqual(spec.ports, [
    { port: 80, protocol: 'TCP' },
    { port: 53, protocol: 'UDP' },
  ]);
  assert.deepEqual(spec.labels, { a: 'x' }, 'a non-nullable null takes the default');
});

test('unknown fields are pruned except where unknown fields are preserved; metadata is left to its own rules', () => {
  const obj: Record<string, unknown> = {
    apiVersion: 'x/v1',
    kind: 'X',
    metadata: { name: 'a', labels: { k: 'v' }, bogus: 1 },
    spec: { junk: 1, free: { anything: { goes: true } }, nested: { extra: 2 } },
    extra: 'top',
  };
  normalizeCustomObject(obj as never, schema);
  assert.equal(obj.extra, undefined);
  assert.deepEqual(obj.metadata, { name: 'a', labels: { k: 'v' } }, 'ObjectMeta keeps only its own fields');
  const spec = obj.spec as Record<string, unknown>;
  assert.equal(spec.junk, undefined);
  assert.deepEqual(spec.free, { anything: { goes: true } });
  assert.deepEqual(spec.nested, { depth: 3 });
});

test('nulls the schema does not allow are dropped when there is no default', () => {
  const obj: Record<string, unknown> = { metadata: {}, spec: { note: null, replicas: null } };
  normalizeCustomObject(obj as never, schema);
  const spec = obj.spec as Record<string, unknown>;
  assert.equal('note' in spec, false);
  assert.equal(spec.replicas, 1);
});

test('embedded resources keep apiVersion, kind and metadata; their metadata is coerced', () => {
  const obj: Record<string, unknown> = {
    metadata: {},
    spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: null, wat: 1 }, spec: { a: 'b', z: 1 }, other: 1 } },
  };
  normalizeCustomObject(obj as never, schema);
  assert.deepEqual((obj.spec as Record<string, unknown>).template, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { a: 'b' } });
});

test('defaults in the schema are pruned by the schema they sit at', () => {
  const s = structuralSchemaOf({
    type: 'object',
    properties: { spec: { type: 'object', default: { a: 1, unknown: 2 }, properties: { a: { type: 'integer' } } } },
  })!;
  const obj: Record<string, unknown> = {};
  applyDefaults(obj, s);
  assert.deepEqual(obj, { spec: { a: 1 } });
});
