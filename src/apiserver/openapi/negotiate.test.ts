import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiate, parseAccept } from './negotiate.js';

const offers = ['application/json', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'];

test('kubectl’s protobuf request gets protobuf; JSON, wildcards and no header get JSON', () => {
  assert.equal(negotiate('application/com.github.proto-openapi.spec.v2@v1.0+protobuf', offers), offers[1]);
  assert.equal(negotiate('application/com.github.proto-openapi.spec.v2.v1.0+protobuf', offers), offers[2]);
  assert.equal(negotiate('application/json, */*', offers), 'application/json');
  assert.equal(negotiate('*/*', offers), 'application/json');
  assert.equal(negotiate('application/*', offers), 'application/json');
  assert.equal(negotiate(undefined, offers), 'application/json');
  assert.equal(negotiate('', offers), 'application/json');
});

test('q values order the clauses, and an unmatched header is refused', () => {
  assert.equal(negotiate('application/json;q=0.5, application/com.github.proto-openapi.spec.v2@v1.0+protobuf', offers), offers[1]);
  assert.equal(negotiate('*/*;q=0.1, application/com.github.proto-openapi.spec.v2.v1.0+protobuf;q=0.9', offers), offers[2]);
  assert.equal(negotiate('application/vnd.kubernetes.protobuf', offers), undefined);
  assert.equal(negotiate('text/html, image/png', offers), undefined);
});

test('clauses: concrete types before wildcards at equal q; malformed ranges skipped', () => {
  assert.deepEqual(parseAccept('*/*, text/*, text/plain;charset=utf-8, bogus, a/b/c, application/json;q=0.2'), [
    { type: 'text', subtype: 'plain', q: 1 },
    { type: 'text', subtype: '*', q: 1 },
    { type: '*', subtype: '*', q: 1 },
    { type: 'application', subtype: 'json', q: 0.2 },
  ]);
  assert.deepEqual(parseAccept('*'), [{ type: '*', subtype: '*', q: 1 }]);
});
