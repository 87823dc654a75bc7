import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../machinery/clock.js';
import { ConcurrentEventRecorder, seriesFinishMs } from './event-recorder.js';
import { makePod, RecordingClient } from './testkit.js';

describe('ConcurrentEventRecorder', () => {
  it('writes core/v1 Events from default-scheduler and bumps the count of repeats', async () => {
    const client = new RecordingClient();
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const r = new ConcurrentEventRecorder(client, 'default-scheduler', clock);
    const pod = makePod('web');
    r.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    await r.flush();
    clock.advance(5000);
    r.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    r.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    await r.flush();
    const [create, ...rest] = client.actions;
    assert.equal(create.verb, 'create');
    const ev = create.body as Record<string, unknown>;
    assert.deepEqual(ev.involvedObject, { kind: 'Pod', namespace: 'default', name: 'web', uid: 'uid-default-web', apiVersion: 'v1', resourceVersion: undefined });
    assert.deepEqual(ev.source, { component: 'default-scheduler' });
    assert.equal(ev.count, 1);
    assert.equal(ev.firstTimestamp, '2026-01-01T00:00:00Z');
    assert.match(String((ev.metadata as { name: string }).name), /^web\.[0-9a-f]+$/);
    // The first repeat makes it a series (count 2, written at once); the next is only counted,
    // to be written when the series is refreshed or ends (see the next test).
    assert.equal(rest.length, 1);
    assert.equal(rest[0].verb, 'patch');
    assert.deepEqual(rest[0].body, { count: 2, lastTimestamp: '2026-01-01T00:00:05Z' });
  });

  it('writes a repeating event as a series: the second occurrence, then only refreshes and the end', async () => {
    const client = new RecordingClient();
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const r = new ConcurrentEventRecorder(client, 'default-scheduler', clock);
    const pod = makePod('stuck');
    const retry = async (afterMs: number) => {
      clock.advance(afterMs);
      r.event(pod, 'Warning', 'FailedScheduling', 'no nodes available to schedule pods');
      await r.flush();
    };
    // Retried with the scheduler's backoff: 1 s, 2 s, 4 s, 8 s, then every 10 s.
    await retry(0);
    await retry(1000);
    assert.deepEqual(client.actions.map((a) => a.verb), ['create', 'patch']);
    assert.deepEqual(client.actions[1].body, { count: 2, lastTimestamp: '2026-01-01T00:00:01Z' });
    for (const ms of [2000, 4000, 8000]) await retry(ms);
    for (let i = 0; i < 60; i++) await retry(10_000);
    // 65 occurrences over ~10 minutes, and no write after the second but the 30-minute-style
    // refresh has not come yet (sweeps run every 6 minutes; the first two only look).
    assert.equal(client.actions.length, 2);
    // Scheduled at last: no more occurrences; 6 minutes later the series ends with its count.
    clock.advance(seriesFinishMs * 2);
    await r.flush();
    assert.equal(client.actions.length, 3);
    assert.deepEqual(client.actions[2], { verb: 'patch', namespace: 'default', name: client.actions[0].name, body: { count: 65, lastTimestamp: '2026-01-01T00:10:15Z' } });
    // A new occurrence after the end starts a new event.
    await retry(1000);
    assert.equal(client.actions[3].verb, 'create');
    assert.notEqual(client.actions[3].name, client.actions[0].name);
  });

  it('refreshes a running series every 30 minutes', async () => {
    const client = new RecordingClient();
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const r = new ConcurrentEventRecorder(client, 'default-scheduler', clock);
    const pod = makePod('stuck');
    for (let i = 0; i < 185; i++) {
      r.event(pod, 'Warning', 'FailedScheduling', 'no nodes available to schedule pods');
      await r.flush();
      clock.advance(10_000);
    }
    // Occurrences every 10 s for 30 minutes and 40 s: create, count 2, and one refresh at 30
    // minutes with the 180 occurrences before it.
    assert.deepEqual(client.actions.map((a) => a.verb), ['create', 'patch', 'patch']);
    assert.deepEqual(client.actions[2].body, { count: 180, lastTimestamp: '2026-01-01T00:29:50Z' });
  });

  it('writes many events at once and drops beyond its backlog', async () => {
    const client = new RecordingClient();
    const r = new ConcurrentEventRecorder(client, 'default-scheduler', new FakeClock(), () => {}, { maxInFlight: 4, maxQueued: 10 });
    for (let i = 0; i < 20; i++) r.event(makePod(`p${i}`), 'Normal', 'Scheduled', `Successfully assigned default/p${i} to n1`);
    await r.flush();
    assert.equal(client.actions.length + r.dropped, 20);
    assert.ok(r.dropped > 0 && client.actions.length >= 10, `${client.actions.length} written, ${r.dropped} dropped`);
  });
});
