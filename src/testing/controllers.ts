// Running one controller in a test: a ControllerContext over the in-process client of a
// TestControlPlane, and a way to run runnables until the test ends.

import { setMaxListeners } from 'node:events';
import { InformerFactory } from '../client/informer.js';
import type { Clock } from '../machinery/clock.js';
import { realClock } from '../machinery/clock.js';
import type { ControllerContext, Runnable } from '../controllers/controller.js';
import { ClientEventRecorder } from '../controllers/events.js';
import type { TestControlPlane } from './control-plane.js';

export interface ControllerHarness {
  ctx: ControllerContext;
  recorder: ClientEventRecorder;
  /** Starts the informers and the runnables; they stop with stop(). */
  run(...runnables: Runnable[]): void;
  stop(): Promise<void>;
}

export function controllerHarness(cp: TestControlPlane, opts: { clock?: Clock; component?: string } = {}): ControllerHarness {
  const client = cp.inProcessClient(opts.component ?? 'test-controller');
  const clock = opts.clock ?? realClock;
  const informers = new InformerFactory(client, () => {});
  const recorder = new ClientEventRecorder(client, opts.component ?? 'test-controller', clock);
  const ctx: ControllerContext = { client, informers, clock, recorder, log: () => {} };
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  const running: Promise<void>[] = [];
  return {
    ctx,
    recorder,
    run(...runnables) {
      for (const r of runnables) running.push(r.start(ac.signal).catch(() => {}));
      informers.start(ac.signal);
    },
    async stop() {
      ac.abort();
      await Promise.all(running);
    },
  };
}
