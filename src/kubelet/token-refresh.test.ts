// The projected service account token a pod reads from its file is replaced before it expires:
// the kubelet asks for a new one once 80 % of its lifetime has passed (on a fake clock here).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../machinery/clock.js';
import { startKubeletHarness, type KubeletHarness } from './testkit.js';
import { FakeRuntime } from './runtime/fake/index.js';
import type { Pod } from './types.js';

describe('kubelet: service account token refresh', () => {
  const clock = new FakeClock(Date.now());
  let h: KubeletHarness;

  before(async () => {
    h = await startKubeletHarness({ clock, runtime: new FakeRuntime({ clock, images: ['busybox'] }) });
  });
  after(() => h?.stop());

  /** The token file of the pod's kube-api-access volume, and the claims it carries. */
  const tokenOf = (pod: Pod) => {
    const dir = join(h.dataDir, 'pods', pod.metadata.uid!, 'volumes', 'kubernetes.io~projected');
    const vol = readdirSync(dir).find((d) => d.startsWith('kube-api-access-'));
    assert.ok(vol, `no kube-api-access volume in ${dir}`);
    const token = readFileSync(join(dir, vol, 'token'), 'utf8');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number; iat: number; jti: string; 'kubernetes.io'?: { warnafter?: number } };
    return { token, claims };
  };

  it('writes a new token once 80 % of the old one\'s lifetime has passed, not before', async () => {
    await h.createPod('reader', { containers: [{ name: 'app', image: 'busybox', command: ['sleep', 'infinity'] }] } as Partial<Pod['spec']>);
    const pod = await h.waitPod('reader', (p) => p.status?.containerStatuses?.[0]?.state?.running, 'running');
    const first = tokenOf(pod);
    // The kubelet asks for 3607 s; the API server extends such tokens to a year and says when
    // the requested lifetime ends (warnafter). The kubelet goes by what it asked for.
    const lifetime = (first.claims['kubernetes.io']?.warnafter ?? first.claims.exp) - first.claims.iat;
    assert.equal(lifetime, 3607);
    // The kubelet looks again at every resync (1 min): advance a minute at a time.
    const advanceMinutes = async (minutes: number) => {
      for (let i = 0; i < minutes; i++) {
        clock.advance(60_000);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await advanceMinutes(Math.floor((lifetime * 0.8) / 60) - 2)
    assert.equal(tokenOf(pod).token, first.token, 'replaced before 80 % of its lifetime');
    await advanceMinutes(4);
    const deadline = Date.now() + 5000;
    while (tokenOf(pod).token === first.token && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const second = tokenOf(pod);
    assert.notEqual(second.token, first.token, 'the token file was not replaced');
    assert.notEqual(second.claims.jti, first.claims.jti);
  });
});
