// Test support for controllers: the real control plane in this process, plus the controllers
// under test running against an in-process client with their own informers — the way the
// controller manager runs them.

import { setMaxListeners } from 'node:events';
import { InformerFactory } from '../client/informer.js';
import { InProcessClient } from '../client/in-process.js';
import { realClock } from '../machinery/clock.js';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.js';
import type { ControllerContext, Runnable } from './controller.js';

export interface ControllersUnderTest {
  cp: TestControlPlane;
  ctx: ControllerContext;
  stop(): Promise<void>;
}

export async function startControllers(make: (ctx: ControllerContext, cp: TestControlPlane) => Runnable[]): Promise<ControllersUnderTest> {
  const cp = await startTestControlPlane({ controllers: false });
  const client = new InProcessClient(cp.server.registry, { name: 'system:kube-controller-manager', groups: ['system:authenticated'] }, 'kube-controller-manager');
  const informers = new InformerFactory(client, () => {});
  const ctx: ControllerContext = { client, informers, clock: realClock, recorder: { event() {} }, log: () => {} };
  const runnables = make(ctx, cp);
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  informers.start(abort.signal);
  const done = Promise.all(runnables.map((r) => r.start(abort.signal)));
  return {
    cp,
    ctx,
    async stop() {
      abort.abort();
      await done.catch(() => {});
      await cp.stop();
    },
  };
}
