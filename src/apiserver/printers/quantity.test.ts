import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantityCell, quantityPointerCell } from './quantity.js';

test('canonical quantities print unchanged', () => {
  for (const q of ['0', '1', '100m', '5Gi', '1536Mi', '2k', '1500', '3e3', '1n', '-2Gi', '64Mi', '250m']) {
    assert.equal(quantityCell(q), q);
  }
});

test('binary quantities move to the largest exact power of 1024', () => {
  assert.equal(quantityCell('1024Mi'), '1Gi');
  assert.equal(quantityCell('2048Ki'), '2Mi');
  assert.equal(quantityCell('1.5Gi'), '1536Mi');
  assert.equal(quantityCell('1048576Ki'), '1Gi');
});

test('binary quantities below 1024 or with fractions fall back to decimal form', () => {
  assert.equal(quantityCell('0.5Ki'), '512');
  assert.equal(quantityCell('1.1Ki'), '1126400m');
  assert.equal(quantityCell('0.5Mi'), '512Ki');
});

test('decimal quantities take the exponent that is a multiple of three', () => {
  assert.equal(quantityCell('0.5'), '500m');
  assert.equal(quantityCell('1000'), '1k');
  assert.equal(quantityCell('1000m'), '1');
  assert.equal(quantityCell('1.5'), '1500m');
  assert.equal(quantityCell('2000000'), '2M');
  assert.equal(quantityCell('12e6'), '12e6');
  assert.equal(quantityCell('1e3'), '1e3');
  assert.equal(quantityCell('100e1'), '1e3');
});

test('values smaller than a nano round up to 1n', () => {
  assert.equal(quantityCell('0.0000000001'), '1n');
});

test('absent quantities print as Go prints zero values and nil pointers', () => {
  assert.equal(quantityCell(undefined), '0');
  assert.equal(quantityPointerCell(undefined), '<nil>');
  assert.equal(quantityCell(3), '3');
  assert.equal(quantityCell('not-a-quantity!'), 'not-a-quantity!');
});
