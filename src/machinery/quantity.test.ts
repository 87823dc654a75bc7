import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  quantityMilliValue,
  quantityValue,
  subtractQuantities,
  tryParseQuantity,
} from './quantity.js';

test('quantities print the way the API server serialises them', () => {
  const cases: [string | number, string][] = [
    ['1000m', '1'],
    ['1024Mi', '1Gi'],
    ['0.5', '500m'],
    ['100m', '100m'],
    ['1.5Gi', '1536Mi'],
    ['2.5Gi', '2560Mi'],
    ['2000', '2k'],
    ['1000000', '1M'],
    ['1.5', '1500m'],
    ['1.5k', '1500'],
    ['0.1', '100m'],
    ['128Mi', '128Mi'],
    ['1536Ki', '1536Ki'],
    ['1025', '1025'],
    ['0.5Ki', '512'],
    ['0.000001', '1u'],
    ['12e-1', '1200e-3'],
    ['1.0', '1'],
    ['0.0', '0'],
    ['100000000000000000000', '100E'],
    [1, '1'],
    [0.5, '500m'],
    [2048, '2048'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, `canonical of ${input}`);
});

test('text that is already canonical is echoed as written, as resource.Quantity caches it', () => {
  assert.equal(canonicalQuantity('1e3'), '1e3');
  assert.equal(canonicalQuantity('1E3'), '1E3');
  assert.equal(canonicalQuantity('+1'), '+1');
  assert.equal(canonicalQuantity('100Mi'), '100Mi');
});

test('values finer than a nanounit round up; binary values saturate at int64', () => {
  assert.equal(canonicalQuantity('0.0000000001'), '1n');
  assert.equal(canonicalQuantity('5e-10'), '1e-9');
  assert.equal(canonicalQuantity('8Ei'), '9223372036854775807');
  assert.equal(canonicalQuantity('1Ei'), '1Ei');
});

test('bad input throws the messages the decoder shows', () => {
  const formatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  assert.throws(() => parseQuantity('abc'), { message: formatWrong });
  assert.throws(() => parseQuantity(''), { message: formatWrong });
  assert.throws(() => parseQuantity('1.2.3'), { message: formatWrong });
  assert.throws(() => parseQuantity('1Mb'), { message: formatWrong });
  assert.throws(() => parseQuantity('1Ki5'), { message: "unable to parse quantity's suffix" });
  assert.equal(tryParseQuantity('abc'), undefined);
  assert.equal(tryParseQuantity({}), undefined);
  assert.equal(tryParseQuantity(null), undefined);
});

test('milli and whole values are exact and round up', () => {
  assert.equal(quantityMilliValue(parseQuantity('100m')), 100);
  assert.equal(quantityMilliValue(parseQuantity('1n')), 1);
  assert.equal(quantityMilliValue(parseQuantity('0.1')), 100);
  assert.equal(quantityValue(parseQuantity('500m')), 1);
  assert.equal(quantityValue(parseQuantity('1Gi')), 1073741824);
  assert.equal(quantityMilliValue(parseQuantity('-1n')), -1);
});

test('comparison and arithmetic work across suffixes without float error', () => {
  assert.equal(compareQuantities(parseQuantity('1Gi'), parseQuantity('1024Mi')), 0);
  assert.equal(compareQuantities(parseQuantity('100m'), parseQuantity('0.1')), 0);
  assert.equal(compareQuantities(parseQuantity('1'), parseQuantity('999m')), 1);
  assert.equal(compareQuantities(parseQuantity('1k'), parseQuantity('1Ki')), -1);
  let sum = parseQuantity('0');
  for (let i = 0; i < 10; i++) sum = addQuantities(sum, parseQuantity('100m'));
  assert.equal(formatQuantity(sum), '1');
  assert.equal(formatQuantity(addQuantities(parseQuantity('1Gi'), parseQuantity('512Mi'))), '1536Mi');
  assert.equal(formatQuantity(subtractQuantities(parseQuantity('1'), parseQuantity('250m'))), '750m');
});
