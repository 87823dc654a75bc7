import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSupportedFormat, matchesFormat } from './formats.js';
import { goFloat } from './go-format.js';

test('only the formats the API server supports are checked, named with or without dashes', () => {
  assert.equal(isSupportedFormat('date-time'), true);
  assert.equal(isSupportedFormat('datetime'), true);
  assert.equal(isSupportedFormat('int32'), false);
  assert.equal(isSupportedFormat('Date-Time'), false);
  assert.equal(matchesFormat('int32', 'anything'), true);
});

test('format checks accept what strfmt accepts', () => {
  const cases: [string, string, boolean][] = [
    ['date-time', '2024-02-29T23:59:59.123+02:00', true],
    ['date-time', '2023-02-29T00:00:00Z', false],
    ['date-time', '2024-01-01 00:00:00Z', false],
    ['date', '2024-12-31', true],
    ['date', '2024-13-01', false],
    ['duration', '1h30m', true],
    ['duration', '3 days', true],
    ['duration', 'soon', false],
    ['uuid', '123e4567-e89b-12d3-a456-426614174000', true],
    ['uuid4', '123e4567-e89b-12d3-a456-426614174000', false],
    ['ipv4', '192.168.0.1', true],
    ['ipv6', '::1', true],
    ['ipv6', '10.0.0.1', false],
    ['cidr', '10.0.0.0/8', true],
    ['mac', '00:1a:2b:3c:4d:5e', true],
    ['mac', '00:1a:2b', false],
    ['hostname', 'example.com', true],
    ['hostname', '-bad-', false],
    ['email', 'Jane <jane@example.com>', true],
    ['email', 'not an email', false],
    ['uri', 'https://example.com/x?y', true],
    ['uri', 'relative/path', false],
    ['byte', 'aGVsbG8=', true],
    ['byte', 'not base64!', false],
    ['hexcolor', '#fff', true],
    ['isbn10', '0321751043', true],
  ];
  for (const [format, value, ok] of cases) assert.equal(matchesFormat(format, value), ok, `${format} ${value}`);
});

test('floats print as Go prints a float64', () => {
  assert.equal(goFloat(1), '1');
  assert.equal(goFloat(0.5), '0.5');
  assert.equal(goFloat(123456), '123456');
  assert.equal(goFloat(1000000), '1e+06');
  assert.equal(goFloat(1234567), '1.234567e+06');
  assert.equal(goFloat(0.0001), '0.0001');
  assert.equal(goFloat(0.00001), '1e-05');
});
