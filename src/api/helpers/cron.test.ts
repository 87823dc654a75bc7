import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLocationError, nextScheduleTime, parseCronSchedule, parseGoDuration } from './cron.js';

function error(schedule: string): string | undefined {
  const r = parseCronSchedule(schedule);
  return r.ok ? undefined : r.error;
}

const next = (schedule: string, after: string, tz?: string) => nextScheduleTime(schedule, new Date(after), tz)?.toISOString();

test('the seed schedules parse: wildcards, steps, ranges, lists, names, descriptors, @every', () => {
  for (const s of [
    '* * * * *',
    '0 * * * *',
    '15 * * * *',
    '0 0 * * *',
    '30 5 1 * *',
    '30 17 * * 1',
    '0/15 * * * *',
    '15/15 * * * *',
    '0 9-17 * * *',
    '0 0 1-15/2 * *',
    '0 0 * * 6,0',
    '0 9,12,17 * * 1-5',
    '0 0 * * SUN',
    '0 6 * MAR-MAY *',
    '0,15,30,45 * * * *',
    '@every 15m',
    '@every 1h30m',
    '@every 12h',
    '@hourly',
    '@daily',
    '@midnight',
    '@weekly',
    '@monthly',
    '@yearly',
    '@annually',
    '? * * * *',
    '*/61 * * * *',
  ]) {
    assert.equal(error(s), undefined, s);
  }
});

test('robfig rejects day-of-month 0, so the seed example "0 0 0/10 * *" is invalid as in Kubernetes', () => {
  assert.equal(error('0 0 0/10 * *'), 'beginning of range (0) below minimum (1): 0/10');
});

test('parse errors read as robfig/cron words them', () => {
  const cases: [string, string][] = [
    ['', 'empty spec string'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
    ['0 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['0 0 32 * *', 'end of range (32) above maximum (31): 32'],
    ['0 0 * 13 *', 'end of range (13) above maximum (12): 13'],
    ['0 0 * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['1/2/3 * * * *', 'too many slashes: 1/2/3'],
    ['5/0 * * * *', 'step of range should be a positive number: 5/0'],
    ['*/-1 * * * *', 'negative number (-1) not allowed: -1'],
    ['a * * * *', 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'],
    ['0 0 * FOO *', 'failed to parse int from FOO: strconv.Atoi: parsing "FOO": invalid syntax'],
    ['@every 1x', 'failed to parse duration @every 1x: time: unknown unit "x" in duration "1x"'],
    ['@every 90', 'failed to parse duration @every 90: time: missing unit in duration "90"'],
    ['@every', 'unrecognized descriptor: @every'],
    ['@often', 'unrecognized descriptor: @often'],
    ['TZ=Mars/Olympus * * * * *', 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus'],
  ];
  for (const [schedule, message] of cases) assert.equal(error(schedule), message, schedule);
});

test('month and weekday names are case-insensitive and only valid in their fields', () => {
  assert.equal(error('0 0 * jan,Feb,MAR *'), undefined);
  assert.equal(error('0 0 * * mon-FRI'), undefined);
  assert.equal(error('0 0 * * JAN'), 'failed to parse int from JAN: strconv.Atoi: parsing "JAN": invalid syntax');
});

test('TZ= and CRON_TZ= prefixes parse (validation rejects them separately)', () => {
  const r = parseCronSchedule('CRON_TZ=Asia/Tokyo 0 9 * * *');
  assert.ok(r.ok);
  assert.equal(r.schedule.location, 'Asia/Tokyo');
});

test('Go durations: sums of units, fractions, and their errors', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000_000_000n);
  assert.equal(parseGoDuration('1.5h'), 5_400_000_000_000n);
  assert.equal(parseGoDuration('300ms'), 300_000_000n);
  assert.equal(parseGoDuration('0'), 0n);
  assert.equal(parseGoDuration('-2s'), -2_000_000_000n);
  assert.equal(parseGoDuration('.s'), 'time: invalid duration ".s"');
  assert.equal(parseGoDuration(''), 'time: invalid duration ""');
});

test('next activation: minute steps, strictly after the given time', () => {
  assert.equal(next('*/15 * * * *', '2024-03-09T10:07:31Z', 'UTC'), '2024-03-09T10:15:00.000Z');
  assert.equal(next('*/15 * * * *', '2024-03-09T10:15:00Z', 'UTC'), '2024-03-09T10:30:00.000Z');
  assert.equal(next('* * * * *', '2018-08-05T13:26:08Z', 'UTC'), '2018-08-05T13:27:00.000Z');
  assert.equal(next('0 9-17 * * *', '2024-03-09T17:30:00Z', 'UTC'), '2024-03-10T09:00:00.000Z');
});

test('next activation: descriptors', () => {
  assert.equal(next('@hourly', '2024-03-09T10:07:31Z', 'UTC'), '2024-03-09T11:00:00.000Z');
  assert.equal(next('@daily', '2024-03-09T10:07:31Z', 'UTC'), '2024-03-10T00:00:00.000Z');
  assert.equal(next('@weekly', '2024-03-09T10:07:31Z', 'UTC'), '2024-03-10T00:00:00.000Z');
  assert.equal(next('@monthly', '2024-03-09T10:07:31Z', 'UTC'), '2024-04-01T00:00:00.000Z');
  assert.equal(next('@yearly', '2024-03-09T10:07:31Z', 'UTC'), '2025-01-01T00:00:00.000Z');
});

test('@every is a fixed delay from the given time, truncated to whole seconds', () => {
  assert.equal(next('@every 1h30m', '2024-03-09T10:07:31.750Z'), '2024-03-09T11:37:31.000Z');
  assert.equal(next('@every 100ms', '2024-03-09T10:07:31.750Z'), '2024-03-09T10:07:32.000Z');
});

test('day-of-month and day-of-week combine with OR, but with AND when either is a star', () => {
  // 2024-03-09 is a Saturday.
  assert.equal(next('0 0 * * MON', '2024-03-09T10:00:00Z', 'UTC'), '2024-03-11T00:00:00.000Z');
  assert.equal(next('0 0 13 * MON', '2024-03-09T10:00:00Z', 'UTC'), '2024-03-11T00:00:00.000Z');
  assert.equal(next('0 0 10 * MON', '2024-03-09T10:00:00Z', 'UTC'), '2024-03-10T00:00:00.000Z');
  // A stepped star is no longer a star (robfig): odd days OR Mondays.
  assert.equal(next('0 0 */2 * 1', '2024-03-09T10:00:00Z', 'UTC'), '2024-03-11T00:00:00.000Z');
  assert.equal(next('0 0 1-31 * 1', '2024-03-09T10:00:00Z', 'UTC'), '2024-03-10T00:00:00.000Z');
});

test('rare and impossible dates', () => {
  assert.equal(next('0 0 29 2 *', '2024-03-09T00:00:00Z', 'UTC'), '2028-02-29T00:00:00.000Z');
  assert.equal(next('0 0 31 2 *', '2024-03-09T00:00:00Z', 'UTC'), undefined);
});

test('time zones: wall-clock schedules across daylight saving changes', () => {
  assert.equal(next('0 9 * * 1-5', '2024-03-09T10:07:31Z', 'Asia/Kolkata'), '2024-03-11T03:30:00.000Z');
  // 02:30 does not exist in New York on 2024-03-10; the next one is on the 11th (EDT).
  assert.equal(next('30 2 * * *', '2024-03-09T10:07:31Z', 'America/New_York'), '2024-03-11T06:30:00.000Z');
  // 01:30 happens twice on 2024-11-03: first in EDT, then in EST.
  assert.equal(next('30 1 * * *', '2024-11-03T04:00:00Z', 'America/New_York'), '2024-11-03T05:30:00.000Z');
  assert.equal(next('30 1 * * *', '2024-11-03T05:30:00Z', 'America/New_York'), '2024-11-03T06:30:00.000Z');
});

test('a TZ= in the schedule wins over the timeZone argument', () => {
  assert.equal(next('TZ=Asia/Tokyo 0 9 * * *', '2024-03-09T10:00:00Z', 'UTC'), '2024-03-10T00:00:00.000Z');
});

test('without a zone the process local zone applies', () => {
  const saved = process.env.TZ;
  process.env.TZ = 'Asia/Kolkata';
  try {
    assert.equal(next('0 9 * * *', '2024-03-09T10:00:00Z'), '2024-03-10T03:30:00.000Z');
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test('zone names load as Go loads them: exact IANA names, case-sensitive', () => {
  assert.equal(loadLocationError('Europe/Paris'), undefined);
  assert.equal(loadLocationError('UTC'), undefined);
  assert.equal(loadLocationError('US/Eastern'), undefined);
  assert.equal(loadLocationError('europe/paris'), 'unknown time zone europe/paris');
  assert.equal(loadLocationError('Europe/Pariss'), 'unknown time zone Europe/Pariss');
  assert.equal(loadLocationError('../etc/passwd'), 'time: invalid location name');
});

test('a schedule string that does not parse has no next time', () => {
  assert.equal(next('61 * * * *', '2024-03-09T10:00:00Z'), undefined);
});
