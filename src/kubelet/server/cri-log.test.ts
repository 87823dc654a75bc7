import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineAssembler, formatLogTime, parseCriLine, parseLogOptions, parseLogTime } from './cri-log.js';

test('CRI log lines parse: time with nanoseconds, stream, partial tag, content', () => {
  const e = parseCriLine(Buffer.from('2016-10-06T00:17:09.669794202Z stdout P log content 1'))!;
  assert.equal(e.stream, 'stdout');
  assert.equal(e.partial, true);
  assert.equal(e.content.toString(), 'log content 1');
  assert.equal(formatLogTime(e.time), '2016-10-06T00:17:09.669794202Z');
  assert.equal(Math.floor(e.time.ms), Date.parse('2016-10-06T00:17:09.669Z'));
  const f = parseCriLine(Buffer.from('2016-10-06T00:17:09.6Z stderr F '))!;
  assert.equal(f.partial, false);
  assert.equal(f.content.length, 0);
  assert.equal(formatLogTime(f.time), '2016-10-06T00:17:09.600000000Z', 'the fraction is printed with 9 digits');
  assert.equal(parseCriLine(Buffer.from('garbage line')), undefined);
  assert.equal(parseCriLine(Buffer.from('2016-10-06T00:17:09Z stdin F x')), undefined);
  assert.equal(formatLogTime(parseLogTime('2024-01-02T03:04:05+02:00')!), '2024-01-02T03:04:05.000000000+02:00');
});

test('partial entries join into whole lines per stream; the first piece dates the line', () => {
  const a = new LineAssembler();
  const p = (s: string) => parseCriLine(Buffer.from(s))!;
  assert.equal(a.push(p('2024-01-01T00:00:01Z stdout P hel')), undefined);
  const err = a.push(p('2024-01-01T00:00:02Z stderr F oops'))!;
  assert.equal(err.text.toString(), 'oops\n');
  const line = a.push(p('2024-01-01T00:00:03Z stdout F lo'))!;
  assert.equal(line.text.toString(), 'hello\n');
  assert.equal(formatLogTime(line.time), '2024-01-01T00:00:01.000000000Z');
  a.push(p('2024-01-01T00:00:04Z stdout P cut short'));
  assert.deepEqual(a.flush().map((l) => l.text.toString()), ['cut short']);
});

test('log options: kubectl flags, the legacy tail parameter, and the validation of PodLogOptions', () => {
  const now = Date.parse('2024-01-01T00:10:00Z');
  const o = parseLogOptions(new URLSearchParams('follow=true&previous=true&timestamps=true&tailLines=5&limitBytes=100&sinceSeconds=60'), now);
  assert.ok(!('error' in o));
  assert.deepEqual(o, { follow: true, previous: true, timestamps: true, tailLines: 5, limitBytes: 100, sinceMs: now - 60_000, stream: 'All' });
  const legacy = parseLogOptions(new URLSearchParams('tail=3'), now);
  assert.equal((legacy as { tailLines: number }).tailLines, 3);
  const since = parseLogOptions(new URLSearchParams('sinceTime=2024-01-01T00:05:00Z'), now);
  assert.equal((since as { sinceMs: number }).sinceMs, Date.parse('2024-01-01T00:05:00Z'));
  assert.deepEqual(parseLogOptions(new URLSearchParams('tailLines=-1'), now), { error: '{"message": "Invalid request."}' });
  assert.deepEqual(parseLogOptions(new URLSearchParams('tailLines=x'), now), { error: '{"message": "Unable to decode query."}' });
  assert.deepEqual(parseLogOptions(new URLSearchParams('sinceSeconds=5&sinceTime=2024-01-01T00:05:00Z'), now), { error: '{"message": "Invalid request."}' });
});
