import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, parseTimestamp, shortHumanDuration, translateTimestampSince, translateTimestampUntil } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

test('humanDuration keeps two or three significant figures', () => {
  const cases: [number, string][] = [
    [1 * s, '1s'],
    [45 * s, '45s'],
    [70 * s, '70s'],
    [190 * s, '3m10s'],
    [5 * m, '5m'],
    [70 * m, '70m'],
    [3 * h + 2 * m, '3h2m'],
    [47 * h, '47h'],
    [49 * h, '2d1h'],
    [8 * d + 2 * h, '8d'],
    [367 * d, '367d'],
    [2 * y + 25 * h, '2y1d'],
    [8 * y + 2 * h, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('humanDuration switches units exactly at the Kubernetes boundaries', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-2 * s + 1, '0s'],
    [0, '0s'],
    [s - 1, '0s'],
    [2 * m - 1, '119s'],
    [2 * m, '2m'],
    [2 * m + s, '2m1s'],
    [10 * m - 1, '9m59s'],
    [10 * m + s, '10m'],
    [3 * h - 1, '179m'],
    [3 * h, '3h'],
    [3 * h + m, '3h1m'],
    [8 * h - 1, '7h59m'],
    [8 * h + 59 * m, '8h'],
    [2 * d - 1, '47h'],
    [2 * d, '2d'],
    [8 * d - 1, '7d23h'],
    [8 * d + 23 * h, '8d'],
    [2 * y - 1, '729d'],
    [2 * y, '2y'],
    [2 * y + d - 1, '2y'],
    [2 * y + d, '2y1d'],
    [8 * y - 1, '7y364d'],
    [8 * y + 364 * d, '8y'],
    [9 * y, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('shortHumanDuration shows a single unit', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-1 * s, '0s'],
    [s, '1s'],
    [m - 1, '59s'],
    [2 * m - 1, '1m'],
    [h - 1, '59m'],
    [2 * h - 1, '1h'],
    [d - 1, '23h'],
    [2 * d - 1, '1d'],
    [y - 1, '364d'],
    [2 * y - 1, '1y'],
    [2 * y, '2y'],
  ];
  for (const [ms, want] of cases) assert.equal(shortHumanDuration(ms), want, `${ms}ms`);
});

test('translateTimestampSince measures from now and reports unset times as <unknown>', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  assert.equal(translateTimestampSince('2026-01-01T11:55:00Z', now), '5m');
  assert.equal(translateTimestampSince('2026-01-01T08:58:00Z', now), '3h2m');
  assert.equal(translateTimestampSince('2026-01-01T11:59:15.123456Z', now), '44s');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince(null, now), '<unknown>');
  assert.equal(translateTimestampSince('0001-01-01T00:00:00Z', now), '<unknown>');
  assert.equal(translateTimestampSince('not a time', now), '<unknown>');
  assert.equal(translateTimestampSince('2026-01-01T12:00:10Z', now), '<invalid>');
  assert.equal(translateTimestampUntil('2026-01-01T12:10:00Z', now), '10m');
});

test('parseTimestamp treats Go zero time as unset', () => {
  assert.equal(parseTimestamp('0001-01-01T00:00:00Z'), undefined);
  assert.equal(parseTimestamp(''), undefined);
  assert.equal(parseTimestamp(42), undefined);
  assert.equal(parseTimestamp('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'));
});
