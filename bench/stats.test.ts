import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCount, formatMs, formatNumber, median, percentile, rate, summarize } from './stats.js';

test('percentile uses nearest rank over the sorted samples', () => {
  const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.equal(percentile(samples, 50), 5);
  assert.equal(percentile(samples, 90), 9);
  assert.equal(percentile(samples, 99), 10);
  assert.equal(percentile(samples, 0), 1);
  assert.equal(percentile(samples, 100), 10);
});

test('p99 of 1000 samples ignores only the slowest ten', () => {
  const samples = Array.from({ length: 1000 }, (_, i) => i + 1);
  assert.equal(percentile(samples, 99), 990);
});

test('percentile of nothing is NaN; out-of-range p is an error', () => {
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile([1], 101), RangeError);
});

test('median averages the middle pair of an even count', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('summarize reports count, p50, p99 and max', () => {
  assert.deepEqual(summarize([2, 1, 3]), { count: 3, p50: 2, p99: 3, max: 3 });
});

test('rate is operations per second', () => {
  assert.equal(rate(500, 250), 2000);
  assert.ok(Number.isNaN(rate(1, 0)));
});

test('numbers are formatted for reading', () => {
  assert.equal(formatNumber(12345.6), '12,346');
  assert.equal(formatNumber(42.26), '42.3');
  assert.equal(formatNumber(1.234), '1.23');
  assert.equal(formatNumber(NaN), '–');
  assert.equal(formatMs(0.5), '0.50 ms');
  assert.equal(formatBytes(80 * 1024 * 1024), '80 MiB');
  assert.equal(formatCount(35), '35');
  assert.equal(formatCount(10000), '10,000');
});

test('summarize copes with more samples than a call can take as arguments', () => {
  const samples = Array.from({ length: 300_000 }, (_, i) => i);
  assert.equal(summarize(samples).max, 299_999);
  assert.ok(Number.isNaN(summarize([]).max));
});
