import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPrinter } from './default.js';
import { cells, headers } from './testing.js';

test('the default table is NAME and CREATED AT (an RFC 3339 date)', () => {
  assert.deepEqual(headers(defaultPrinter), ['NAME', 'CREATED AT']);
  assert.equal(defaultPrinter.columns[1].type, 'date');
  assert.equal(defaultPrinter.columns[0].format, 'name');
  assert.deepEqual(cells(defaultPrinter, { metadata: { name: 'pod-reader', creationTimestamp: '2025-11-02T08:15:30Z' } }), ['pod-reader', '2025-11-02T08:15:30Z']);
  assert.deepEqual(cells(defaultPrinter, { metadata: { name: 'x', creationTimestamp: '2025-11-02T10:15:30.750+02:00' } }), ['x', '2025-11-02T08:15:30Z']);
  assert.deepEqual(cells(defaultPrinter, { metadata: { name: 'unset' } }), ['unset', '0001-01-01T00:00:00Z']);
});
