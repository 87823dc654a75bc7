import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../machinery/errors.js';
import type { StructuralSchema } from '../../api/schema/structural.js';
import { validateListSetsAndMaps } from './list-types.js';
import { validateEmbeddedResources } from './embedded.js';

const schema: StructuralSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port'],
          items: { type: 'object', properties: { port: { type: 'integer' }, name: { type: 'string' } } },
        },
        routes: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['host', 'path'],
          items: { type: 'object', properties: { host: { type: 'string' }, path: { type: 'string' } } },
        },
      },
    },
  },
};

const check = (obj: Record<string, unknown>) => validateListSetsAndMaps('', schema, obj).map(fieldErrorMessage);

test('a set may not hold an element twice', () => {
  assert.deepEqual(check({ spec: { tags: ['a', 'b', 'a', 'a'] } }), ['spec.tags[2]: Duplicate value: "a"']);
  assert.deepEqual(check({ spec: { tags: ['a', 'b'] } }), []);
});

test('a map list may not repeat its keys', () => {
  assert.deepEqual(check({ spec: { ports: [{ port: 80, name: 'a' }, { port: 80, name: 'b' }] } }), ['spec.ports[1]: Duplicate value: map[string]interface {}{"port":80}']);
  assert.deepEqual(check({ spec: { routes: [{ host: 'a', path: '/' }, { host: 'a', path: '/x' }, { host: 'a', path: '/' }] } }), [
    'spec.routes[2]: Duplicate value: map[string]interface {}{"host":"a", "path":"/"}',
  ]);
  assert.deepEqual(check({ spec: { ports: [{ port: 80 }, 'x'] } }), ['spec.ports[1]: Invalid value: "x": must be an object for an array of list-type map']);
});

test('embedded resources need apiVersion and kind, and valid metadata', () => {
  const s: StructuralSchema = {
    type: 'object',
    properties: { template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } },
  };
  assert.deepEqual(validateEmbeddedResources('', { template: { metadata: { name: 'a/b' } } }, s).map(fieldErrorMessage), [
    'template.apiVersion: Required value',
    'template.kind: Required value',
    'template.metadata.name: Invalid value: "a/b": may not contain \'/\'',
  ]);
  assert.deepEqual(validateEmbeddedResources('', { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ok' } } }, s), []);
  assert.deepEqual(validateEmbeddedResources('', { template: { apiVersion: 'a/b/c', kind: 'my_kind' } }, s).map(fieldErrorMessage), [
    'template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
    'template.kind: Invalid value: "my_kind": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')',
  ]);
});
