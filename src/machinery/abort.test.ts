import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { FakeClock } from './clock.js';
import { aborted, sleep } from './abort.js';

test('sleep leaves no abort listener behind, however many times a loop waits', async () => {
  const ac = new AbortController();
  const clock = new FakeClock();
  for (let i = 0; i < 50; i++) {
    const waited = sleep(1000, ac.signal, clock);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
    clock.advance(1000);
    await waited;
  }
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  assert.equal(clock.pendingTimers(), 0);
});

test('sleep ends at once when the signal aborts, and cancels its timer', async () => {
  const ac = new AbortController();
  const clock = new FakeClock();
  const waited = sleep(60_000, ac.signal, clock);
  ac.abort();
  await waited;
  assert.equal(clock.pendingTimers(), 0);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  // Already aborted: no timer, no listener.
  await sleep(60_000, ac.signal, clock);
  assert.equal(clock.pendingTimers(), 0);
});

test('aborted resolves when the signal aborts', async () => {
  const ac = new AbortController();
  let done = false;
  const p = aborted(ac.signal).then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false);
  ac.abort();
  await p;
  assert.equal(done, true);
  await aborted(ac.signal);
});
