import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DecodeError,
  checkQuantity,
  formatGoDuration,
  formatMicroTime,
  formatTime,
  goZeroTimeSeconds,
  int64ToBigInt,
  int64ToNumber,
} from './go-values.js';

test('metav1.Time renders UTC RFC 3339 in whole seconds, and null for the zero time', () => {
  assert.equal(formatTime(0), '1970-01-01T00:00:00Z');
  assert.equal(formatTime(1704067205), '2024-01-01T00:00:05Z');
  assert.equal(formatTime(-1), '1969-12-31T23:59:59Z');
  assert.equal(formatTime(goZeroTimeSeconds), null);
  assert.equal(formatTime(goZeroTimeSeconds + 1), '0001-01-01T00:00:01Z');
  assert.equal(formatTime(253402300800), '10000-01-01T00:00:00Z');
});

test('metav1.Time outside what a date can hold is a decode error', () => {
  assert.throws(() => formatTime(1e15), DecodeError);
});

test('metav1.MicroTime keeps six fraction digits, truncating nanoseconds', () => {
  assert.equal(formatMicroTime(1704067200, 123456789), '2024-01-01T00:00:00.123456Z');
  assert.equal(formatMicroTime(1704067200, 0), '2024-01-01T00:00:00.000000Z');
  assert.equal(formatMicroTime(1704067200, 999), '2024-01-01T00:00:00.000000Z');
  assert.equal(formatMicroTime(goZeroTimeSeconds, 0), null);
});

test('metav1.Duration renders as Go time.Duration.String()', () => {
  const second = 1_000_000_000n;
  assert.equal(formatGoDuration(0n), '0s');
  assert.equal(formatGoDuration(1n), '1ns');
  assert.equal(formatGoDuration(1500n), '1.5µs');
  assert.equal(formatGoDuration(1_500_000n), '1.5ms');
  assert.equal(formatGoDuration(second), '1s');
  assert.equal(formatGoDuration(90n * second), '1m30s');
  assert.equal(formatGoDuration(3600n * second), '1h0m0s');
  assert.equal(formatGoDuration(3720n * second + 300_000_000n), '1h2m0.3s');
  assert.equal(formatGoDuration(-5n * second), '-5s');
  assert.equal(formatGoDuration(9223372036854775807n), '2562047h47m16.854775807s');
  assert.equal(formatGoDuration(-9223372036854775808n), '-2562047h47m16.854775808s');
});

test('int64 values read from both Long halves without losing precision where JSON would not', () => {
  assert.equal(int64ToNumber(42), 42);
  assert.equal(int64ToNumber({ low: 5, high: 1, unsigned: false }), 2 ** 32 + 5);
  assert.equal(int64ToNumber({ low: -1, high: -1, unsigned: false }), -1);
  assert.equal(int64ToNumber({ low: 0, high: -2147483648, unsigned: false }), -(2 ** 63));
  assert.equal(int64ToBigInt({ low: -1, high: 2147483647, unsigned: false }), 9223372036854775807n);
  assert.equal(int64ToBigInt({ low: 0, high: -2147483648, unsigned: false }), -9223372036854775808n);
  // The JSON path gives the same nearest double for digits beyond 2^53.
  assert.equal(int64ToNumber({ low: -1, high: 2147483647, unsigned: false }), JSON.parse('9223372036854775807'));
});

test('quantities are checked as ParseQuantity does and kept as written', () => {
  for (const ok of ['1', '100m', '1.5Gi', '2e3', '+1', '-1', '.5', '1E-3', '0']) assert.equal(checkQuantity(ok), ok);
  assert.throws(() => checkQuantity(''), /quantities must match the regular expression/);
  assert.throws(() => checkQuantity('abc'), /quantities must match the regular expression/);
  assert.throws(() => checkQuantity('1..2'), /unable to parse quantity's numeric part/);
  assert.throws(() => checkQuantity('1Qi'), /quantities must match/);
  assert.throws(() => checkQuantity('1iK'), /unable to parse quantity's suffix/);
});
