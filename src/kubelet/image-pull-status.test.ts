// A failed pull shows ErrImagePull before the next sync turns it into ImagePullBackOff, even
// when the node's status writes lag behind (a busy node): status writes coalesce to the latest
// status, so the kubelet lets the API have ErrImagePull before it moves on. On a fake clock,
// with the kubelet's status writes held back by the test.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '../client/interface.js';
import { FakeClock } from '../machinery/clock.js';
import { until } from '../testing/control-plane.js';
import { startKubeletHarness, type KubeletHarness } from './testkit.js';
import type { Pod } from './types.js';

describe('kubelet: ErrImagePull, then ImagePullBackOff', () => {
  const clock = new FakeClock(Date.now());
  let h: KubeletHarness;
  /** The waiting reason of each status write that reached the API, in order. */
  const written: string[] = [];
  let held = false;
  let release: () => void = () => {};
  let released = Promise.resolve();

  before(async () => {
    h = await startKubeletHarness({
      clock,
      kubeletClient: (c: Client) =>
        new Proxy(c, {
          get(target, prop, receiver) {
            if (prop !== 'patch') return Reflect.get(target, prop, receiver);
            return async (...args: Parameters<Client['patch']>) => {
              const [, , name, , body, options] = args;
              if (name === 'missing' && options?.subresource === 'status') {
                if (held) await released;
                const out = await target.patch(...args);
                const statuses = (body as { status?: Pod['status'] }).status?.containerStatuses;
                written.push(statuses?.[0]?.state?.waiting?.reason ?? '-');
                return out;
              }
              return target.patch(...args);
            };
          },
        }),
    });
  });
  after(() => h?.stop());

  it('writes ErrImagePull even when the write is slower than the next sync would be', async () => {
    held = true;
    released = new Promise<void>((r) => (release = r));
    await h.createPod('missing', { containers: [{ name: 'app', image: 'example.test/missing:v1' }] } as Partial<Pod['spec']>);
    await until(async () => (await h.events('missing')).some((e) => e.reason === 'Failed' && /Failed to pull image/.test(e.message)), 10_000, 'the failed pull');
    // Seconds pass on the node while its writes are stuck; then the API answers again.
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      await new Promise((r) => setTimeout(r, 20));
    }
    held = false;
    release();
    // The next sync shows the back-off: a second later, or at once when the node's relist
    // noticed the new sandbox meanwhile (as upstream's PLEG would).
    await until(async () => written.includes('ErrImagePull'), 10_000, 'ErrImagePull written');
    clock.advance(1000);
    await until(async () => written.includes('ImagePullBackOff'), 10_000, 'ImagePullBackOff written');
    // Each write is kept, in order: what a watch of the pod (kubectl get -w) prints.
    assert.deepEqual(written, ['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff']);
    const pod = await h.getPod('missing');
    assert.equal(pod?.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'ImagePullBackOff');
    assert.match(pod?.status?.containerStatuses?.[0]?.state?.waiting?.message ?? '', /^Back-off pulling image "example\.test\/missing:v1"/);
  });
});
