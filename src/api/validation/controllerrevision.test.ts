import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../machinery/errors.js';
import { validateControllerRevision, validateControllerRevisionUpdate } from './controllerrevision.js';

test('a revision needs data and a non-negative number', () => {
  assert.deepEqual(validateControllerRevision({ metadata: { name: 'web-7b8f' }, data: { spec: {} }, revision: 2 }), []);
  assert.deepEqual(validateControllerRevision({ metadata: { name: 'web-7b8f' }, revision: -1 }).map(fieldErrorMessage), [
    'data: Required value: data is mandatory',
    'revision: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

test('data never changes', () => {
  const old = { metadata: { name: 'r' }, data: { spec: { a: 1 } }, revision: 1 };
  assert.deepEqual(validateControllerRevisionUpdate({ ...old, revision: 2 }, old), []);
  assert.deepEqual(validateControllerRevisionUpdate({ ...old, data: { spec: { a: 2 } } }, old).map(fieldErrorMessage), [
    'data: Invalid value: {"spec":{"a":2}}: field is immutable',
  ]);
});
