// Service account tokens for projected volumes (the kubelet's token manager): requested through
// the TokenRequest API bound to the pod, cached, and refreshed once 80 % of their lifetime
// (or 24 h) has passed, as the kubelet does.

import type { Clock } from '../machinery/clock.js';
import type { Client } from '../client/interface.js';
import { R } from '../client/resources.js';
import type { Pod } from './types.js';

interface Cached {
  token: string;
  refreshAt: number;
  uid: string;
}

export class TokenManager {
  private readonly cache = new Map<string, Cached>();
  private warned = false;

  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
    private readonly log: (msg: string) => void,
  ) {}

  async get(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<string> {
    const ns = pod.metadata.namespace ?? 'default';
    const sa = pod.spec.serviceAccountName || 'default';
    const uid = pod.metadata.uid ?? '';
    const key = `${ns}/${sa}/${audience ?? ''}/${expirationSeconds}/${uid}`;
    const now = this.clock.now();
    const hit = this.cache.get(key);
    if (hit && now < hit.refreshAt) return hit.token;
    const request = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: sa, namespace: ns },
      spec: { audiences: audience ? [audience] : [], expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid } },
    };
    let res;
    try {
      res = await this.client.createSubresource(R.serviceaccounts, ns, sa, 'token', request);
    } catch (e) {
      const err = e as { code?: number; message?: string };
      // An API server without the TokenRequest endpoint: the pod still starts, with an empty token.
      if ((err.code === 404 && !/serviceaccounts? "/.test(err.message ?? '')) || err.code === 405 || err.code === 501) {
        if (!this.warned) this.log(`kubelet: the API server serves no TokenRequest (${err.message}); service account token files stay empty`);
        this.warned = true;
        return hit?.token ?? '';
      }
      if (hit && now < Date.parse('9999-01-01')) {
        // Keep serving the old token while it is still valid; retry at the next sync.
        return hit.token;
      }
      throw new Error(`failed to fetch token: ${err.message}`);
    }
    const status = (res.status ?? {}) as { token?: string; expirationTimestamp?: string };
    const token = status.token ?? '';
    const exp = Date.parse(status.expirationTimestamp ?? '') || now + expirationSeconds * 1000;
    const ttl = Math.max(0, exp - now);
    this.cache.set(key, { token, refreshAt: now + Math.min(ttl * 0.8, 24 * 3600 * 1000), uid });
    return token;
  }

  /** The earliest time one of the pod's tokens needs refreshing. */
  nextRefresh(uid: string): number | undefined {
    let next: number | undefined;
    for (const c of this.cache.values()) if (c.uid === uid && (next === undefined || c.refreshAt < next)) next = c.refreshAt;
    return next;
  }

  forgetPod(uid: string): void {
    for (const [k, c] of this.cache) if (c.uid === uid) this.cache.delete(k);
  }
}
