// Crash-loop back-off as a user sees it in the pod's status, on the fake runtime and a fake
// clock: the first exit restarts at once, then 10 s, doubling to a 5 min cap; a failure after
// ten minutes of running starts over (restart at once, then 10 s), since client-go's Backoff
// forgets a key after 2 × max without failures.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../machinery/clock.js';
import { startKubeletHarness, type KubeletHarness } from './testkit.js';
import { FakeRuntime } from './runtime/fake/index.js';
import type { Pod } from './types.js';

describe('kubelet: crash-loop back-off', () => {
  const clock = new FakeClock(Date.now());
  let h: KubeletHarness;
  let flagDir: string;

  before(async () => {
    flagDir = mkdtempSync(join(tmpdir(), 'crash-backoff-'));
    h = await startKubeletHarness({ clock, runtime: new FakeRuntime({ clock, images: ['busybox'] }) });
  });
  after(async () => {
    await h?.stop();
    rmSync(flagDir, { recursive: true, force: true });
  });

  const app = (p: Pod | undefined) => p?.status?.containerStatuses?.find((c) => c.name === 'app');
  /** Moves the clock a second at a time (the kubelet relists every second) until pred holds; returns the seconds it took. */
  const advanceUntil = async (what: string, pred: (p: Pod | undefined) => unknown, limitSeconds: number): Promise<{ pod: Pod; seconds: number }> => {
    for (let seconds = 0; seconds <= limitSeconds; seconds++) {
      for (let polls = 0; polls < 3; polls++) {
        const pod = await h.getPod('crasher');
        if (pred(pod)) return { pod: pod!, seconds };
        await new Promise((r) => setTimeout(r, 3));
      }
      clock.advance(1000);
    }
    throw new Error(`${what}: not within ${limitSeconds} s on the clock; the container's status: ${JSON.stringify(app(await h.getPod('crasher')))}`);
  };
  const backingOff = (restarts: number) => (p: Pod | undefined) => app(p)?.restartCount === restarts && app(p)?.state?.waiting?.reason === 'CrashLoopBackOff';

  it('restarts at once, then after 10 s, doubling to a 5 min cap, and starts over after ten minutes of running', async () => {
    // The container fails at once, unless the flag file asks it to run for 11 minutes first.
    await h.createPod('crasher', {
      restartPolicy: 'Always',
      containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'if [ -f /flag/long ]; then sleep 660; fi; exit 1'], volumeMounts: [{ name: 'flag', mountPath: '/flag' }] }],
      volumes: [{ name: 'flag', hostPath: { path: flagDir } }],
    } as Partial<Pod['spec']>);
    const backoffs = [
      ['10s', 10],
      ['20s', 20],
      ['40s', 40],
      ['1m20s', 80],
      ['2m40s', 160],
      ['5m0s', 300],
      ['5m0s', 300],
    ] as const;
    for (let i = 0; i < backoffs.length; i++) {
      const [text, seconds] = backoffs[i];
      const restarts = i + 1;
      const { pod } = await advanceUntil(`CrashLoopBackOff after ${restarts} restarts`, backingOff(restarts), 5);
      assert.match(app(pod)!.state!.waiting!.message ?? '', new RegExp(`^back-off ${text} restarting failed container=app pod=crasher_default\\(`));
      if (i === backoffs.length - 1) writeFileSync(join(flagDir, 'long'), ''); // the next run lasts 11 minutes
      const restarted = await advanceUntil(`restart ${restarts + 1}`, (p) => (app(p)?.restartCount ?? 0) > restarts, seconds + 3);
      assert.ok(restarted.seconds >= seconds - 2, `restarted ${restarted.seconds} s into a ${text} back-off`);
    }
    const n = backoffs.length + 1;
    await advanceUntil('the long run', (p) => app(p)?.restartCount === n && app(p)?.state?.running, 5);
    rmSync(join(flagDir, 'long'));
    // Its failure comes more than 10 min after the last back-off began: the container restarts
    // at once, as after its first failure, and the next back-off is 10 s again.
    const afterLong = await advanceUntil('the restart after the long run', (p) => app(p)?.restartCount === n + 1, 700);
    assert.ok(afterLong.seconds >= 659, `the long run ended after ${afterLong.seconds} s`);
    const { pod } = await advanceUntil('the back-off after that', backingOff(n + 1), 5);
    assert.match(app(pod)!.state!.waiting!.message ?? '', /^back-off 10s restarting failed container=app /);
  });
});
