import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../machinery/errors.js';
import type { StructuralSchema } from '../../api/schema/structural.js';
import { validateAgainstSchema } from './schema-validation.js';

const messages = (s: StructuralSchema, v: unknown, old?: unknown) => validateAgainstSchema(s, v, old).map(fieldErrorMessage);

const root = (spec: StructuralSchema): StructuralSchema => ({ type: 'object', properties: { spec } });

test('a value of the wrong type names the type it has', () => {
  const s = root({ type: 'object', properties: { replicas: { type: 'integer' }, image: { type: 'string' }, ok: { type: 'boolean' } } });
  assert.deepEqual(messages(s, { spec: { replicas: 'string', image: 5, ok: 'yes' } }), [
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    'spec.image: Invalid value: "integer": spec.image in body must be of type string: "integer"',
    'spec.ok: Invalid value: "string": spec.ok in body must be of type boolean: "string"',
  ]);
  assert.deepEqual(messages(s, { spec: { replicas: 1.5 } }), ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"']);
  assert.deepEqual(messages(root({ type: 'number' }), { spec: 3 }), [], 'an integer is a number');
});

test('required fields are reported with their full path', () => {
  const s: StructuralSchema = { type: 'object', required: ['spec'], properties: { spec: { type: 'object', required: ['cronSpec', 'image'], properties: { cronSpec: { type: 'string' }, image: { type: 'string' } } } } };
  assert.deepEqual(messages(s, {}), ['spec: Required value']);
  assert.deepEqual(messages(s, { spec: {} }), ['spec.cronSpec: Required value', 'spec.image: Required value']);
});

test('enums are unsupported values with the allowed ones quoted', () => {
  const s = root({ type: 'object', properties: { mode: { type: 'string', enum: ['Fast', 'Slow'] }, level: { type: 'integer', enum: [1, 2] } } });
  assert.deepEqual(messages(s, { spec: { mode: 'Medium', level: 3 } }), [
    'spec.mode: Unsupported value: "Medium": supported values: "Fast", "Slow"',
    'spec.level: Unsupported value: 3: supported values: "1", "2"',
  ]);
  assert.deepEqual(messages(s, { spec: { mode: 'Fast', level: 2 } }), []);
});

test('numeric bounds print as Go prints them', () => {
  const s = root({
    type: 'object',
    properties: {
      a: { type: 'integer', minimum: 1, maximum: 10 },
      b: { type: 'number', minimum: 0, exclusiveMinimum: true },
      c: { type: 'integer', multipleOf: 5 },
      d: { type: 'number', maximum: 1000000 },
    },
  });
  assert.deepEqual(messages(s, { spec: { a: 0, b: 0, c: 7, d: 1000000.5 } }), [
    'spec.a: Invalid value: 0: spec.a in body should be greater than or equal to 1',
    'spec.b: Invalid value: 0: spec.b in body should be greater than 0',
    'spec.c: Invalid value: 7: spec.c in body should be a multiple of 5',
    'spec.d: Invalid value: 1000000.5: spec.d in body should be less than or equal to 1e+06',
  ]);
  assert.deepEqual(messages(s, { spec: { a: 11 } }), ['spec.a: Invalid value: 11: spec.a in body should be less than or equal to 10']);
});

test('string length, pattern and format', () => {
  const s = root({
    type: 'object',
    properties: {
      name: { type: 'string', maxLength: 3 },
      code: { type: 'string', minLength: 2 },
      cron: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
      when: { type: 'string', format: 'date-time' },
      ip: { type: 'string', format: 'ipv4' },
      anything: { type: 'string', format: 'int-or-whatever' },
    },
  });
  assert.deepEqual(messages(s, { spec: { name: 'abcd', code: 'a', cron: 'often', when: 'yesterday', ip: '1.2.3', anything: 'x' } }), [
    'spec.name: Too long: may not be more than 3 bytes',
    'spec.code: Invalid value: "a": spec.code in body should be at least 2 chars long',
    "spec.cron: Invalid value: \"often\": spec.cron in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'",
    'spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"',
    'spec.ip: Invalid value: "1.2.3": spec.ip in body must be of type ipv4: "1.2.3"',
  ]);
  assert.deepEqual(messages(s, { spec: { name: 'äöü', cron: '*/5 * * * *', when: '2024-01-02T03:04:05Z', ip: '10.0.0.1' } }), [], 'length counts characters');
});

test('arrays: item errors carry their index; size limits', () => {
  const s = root({ type: 'object', properties: { ports: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'integer' } } } });
  assert.deepEqual(messages(s, { spec: { ports: [1, 'x', 3] } }), [
    'spec.ports[1]: Invalid value: "string": spec.ports[1] in body must be of type integer: "string"',
    'spec.ports: Too many: 3: must have at most 2 items',
  ]);
  assert.deepEqual(messages(s, { spec: { ports: [] } }), ['spec.ports: Invalid value: 0: spec.ports in body should have at least 1 items']);
});

test('nullable and int-or-string', () => {
  const s = root({
    type: 'object',
    properties: {
      port: { 'x-kubernetes-int-or-string': true },
      tags: { type: 'array', items: { type: 'string' } },
      maybe: { type: 'string', nullable: true },
    },
  });
  assert.deepEqual(messages(s, { spec: { port: 'http', maybe: null, tags: ['a'] } }), []);
  assert.deepEqual(messages(s, { spec: { port: true, tags: [null] } }), [
    'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
    'spec.tags[0]: Invalid value: "null": spec.tags[0] in body must be of type string: "null"',
  ]);
});

test('maps validate every value with additionalProperties', () => {
  const s = root({ type: 'object', properties: { limits: { type: 'object', additionalProperties: { type: 'integer' } } } });
  assert.deepEqual(messages(s, { spec: { limits: { cpu: 1, memory: 'lots' } } }), [
    'spec.limits.memory: Invalid value: "string": spec.limits.memory in body must be of type integer: "string"',
  ]);
});

test('oneOf, anyOf and not report the composite failure without a field', () => {
  const s = root({
    type: 'object',
    properties: { a: { type: 'string' }, b: { type: 'string' } },
    oneOf: [{ required: ['a'] }, { required: ['b'] }],
  });
  assert.deepEqual(messages(s, { spec: { a: 'x' } }), []);
  assert.deepEqual(messages(s, { spec: { a: 'x', b: 'y' } }), ['<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found 2 valid alternatives']);
  assert.deepEqual(messages(s, { spec: {} }), [
    '<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found none valid',
    'spec.a: Required value',
  ]);
  const any = root({ type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ required: ['a'] }] });
  assert.deepEqual(messages(any, { spec: {} }), ['<nil>: Invalid value: "": "spec" must validate at least one schema (anyOf)', 'spec.a: Required value']);
  const not = root({ type: 'object', properties: { a: { type: 'string' } }, not: { required: ['a'] } });
  assert.deepEqual(messages(not, { spec: { a: 'x' } }), ['<nil>: Invalid value: "": "spec" must not validate the schema (not)']);
});

test('on update, values that did not change keep their old errors (ratcheting)', () => {
  const s = root({ type: 'object', properties: { name: { type: 'string', maxLength: 3 }, other: { type: 'string', maxLength: 3 } } });
  const old = { spec: { name: 'toolong', other: 'ok' } };
  assert.deepEqual(messages(s, { spec: { name: 'toolong', other: 'fine' } }, old), ['spec.other: Too long: may not be more than 3 bytes']);
  assert.deepEqual(messages(s, { spec: { name: 'toolong', other: 'ab' } }, old), []);
  assert.deepEqual(messages(s, { spec: { name: 'toolonger', other: 'ab' } }, old), ['spec.name: Too long: may not be more than 3 bytes']);
});
