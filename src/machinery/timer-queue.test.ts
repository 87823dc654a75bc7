import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './clock.js';
import { TimerQueue } from './timer-queue.js';

test('fires keys in time order with one clock timer armed', () => {
  const clock = new FakeClock(0);
  const fired: string[] = [];
  const q = new TimerQueue(clock, (k) => fired.push(`${k}@${clock.now()}`));
  for (let i = 0; i < 1000; i++) q.schedule(`k${i}`, 1000 + ((i * 7919) % 1000));
  assert.equal(clock.pendingTimers(), 1);
  clock.advance(2000);
  assert.equal(fired.length, 1000);
  const times = fired.map((f) => Number(f.split('@')[1]));
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  assert.equal(q.size, 0);
});

test('rescheduling replaces the deadline; cancel drops it; callbacks may schedule again', () => {
  const clock = new FakeClock(0);
  const fired: string[] = [];
  const q = new TimerQueue(clock, (k) => {
    fired.push(`${k}@${clock.now()}`);
    if (k === 'again') q.schedule('later', clock.now() + 50);
  });
  q.schedule('a', 100);
  q.schedule('a', 300);
  q.schedule('b', 200);
  q.cancel('b');
  q.schedule('again', 150);
  clock.advance(1000);
  assert.deepEqual(fired, ['again@150', 'later@200', 'a@300']);
});

test('a deadline already past fires on the next turn, without the clock moving', async () => {
  const clock = new FakeClock(1000);
  const fired: string[] = [];
  const q = new TimerQueue(clock, (k) => fired.push(k));
  q.schedule('now', 1000);
  q.schedule('past', 10);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(fired.sort(), ['now', 'past']);
});

test('stale entries are compacted', () => {
  const clock = new FakeClock(0);
  const q = new TimerQueue(clock, () => {});
  for (let i = 0; i < 10_000; i++) q.schedule('same', 10_000 - i);
  assert.equal(q.size, 1);
  assert.ok((q as unknown as { heap: unknown[] }).heap.length < 3000);
});
