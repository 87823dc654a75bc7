// Waiting that an AbortSignal cuts short. Loops that wait on a long-lived signal (the node's or
// the cluster's stop signal) must not leave a listener behind per wait: `{ once: true }` only
// removes a listener when the signal fires, so a loop that adds one every ten seconds grows
// without bound until shutdown. These helpers remove theirs when the wait ends either way.

import { realClock, type Clock } from './clock.js';

/** Resolves after `ms` of `clock`'s time, or as soon as `signal` aborts (at once if it has). */
export function sleep(ms: number, signal: AbortSignal, clock: Clock = realClock): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Resolves when `signal` aborts (at once if it has). Meant to be awaited once, not in a loop. */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
