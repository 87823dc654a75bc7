// Leader election through a coordination.k8s.io Lease, as client-go's leaderelection does it:
// take the lease when it is free or expired, renew it while leading, and stop leading when a
// renewal fails for longer than the renew deadline. A second server can stand by on the same
// lease.

import { setMaxListeners } from 'node:events';
import type { KubeObject } from '../api/object.js';
import { sleep } from '../machinery/abort.js';
import { rfc3339Micro, type Clock } from '../machinery/clock.js';
import type { Client } from '../client/interface.js';
import { R } from '../client/resources.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const defaultLeaderElection = { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export class LeaderElector {
  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
    private readonly opts: LeaderElectionOptions,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  /** Tries once to acquire or renew; true while this identity holds the lease. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const { namespace, name, identity, leaseDurationSeconds } = this.opts;
    const existing = await this.client.get(R.leases, namespace, name);
    if (!existing) {
      const lease: KubeObject = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: rfc3339Micro(now), renewTime: rfc3339Micro(now), leaseTransitions: 0 },
      };
      try {
        await this.client.create(R.leases, namespace, lease);
        return true;
      } catch {
        return false;
      }
    }
    const spec = (existing.spec ?? {}) as LeaseSpec;
    const renewed = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    const expired = renewed + (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000 < now;
    const mine = spec.holderIdentity === identity;
    if (!mine && !expired && spec.holderIdentity) return false;
    const next: LeaseSpec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds,
      renewTime: rfc3339Micro(now),
    };
    if (!mine) {
      next.acquireTime = rfc3339Micro(now);
      next.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
    }
    try {
      await this.client.update(R.leases, namespace, { ...existing, spec: next });
      return true;
    } catch {
      return false;
    }
  }

  /** Runs `lead` while leading; returns when the signal aborts. */
  async run(signal: AbortSignal, lead: (signal: AbortSignal) => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.tryAcquireOrRenew().catch(() => false))) {
        await sleep(this.opts.retryPeriodMs, signal);
        continue;
      }
      this.log(`${this.opts.identity} became leader of ${this.opts.namespace}/${this.opts.name}`);
      const leading = new AbortController();
      setMaxListeners(0, leading.signal);
      const stopLeading = () => leading.abort();
      signal.addEventListener('abort', stopLeading, { once: true });
      const work = lead(leading.signal);
      let lastRenew = this.clock.now();
      while (!leading.signal.aborted) {
        await sleep(this.opts.retryPeriodMs, leading.signal);
        if (leading.signal.aborted) break;
        if (await this.tryAcquireOrRenew().catch(() => false)) lastRenew = this.clock.now();
        else if (this.clock.now() - lastRenew > this.opts.renewDeadlineMs) {
          this.log(`${this.opts.identity} lost the lease ${this.opts.namespace}/${this.opts.name}`);
          leading.abort();
        }
      }
      signal.removeEventListener('abort', stopLeading);
      await work.catch(() => {});
    }
  }
}
