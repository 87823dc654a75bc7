// The status manager: the kubelet's latest status per pod, written to the API through the
// status subresource (a merge patch carrying metadata.uid, so a pod re-created under the same
// name is never written with another's status), one write at a time per pod, kept
// conditions others own, transition times kept while a condition holds; and the final
// delete (grace period 0, UID precondition) once a deleted pod's containers have all stopped.

import { rfc3339, type Clock } from '../../machinery/clock.js';
import type { Client } from '../../client/interface.js';
import { R } from '../../client/resources.js';
import type { Pod, PodStatus } from '../types.js';
import { kubeletConditionTypes, withTransitionTimes } from './generate.js';

export interface StatusManagerOptions {
  client: Client;
  clock: Clock;
  log: (msg: string) => void;
  /** The pod as the informer has it now. */
  podFromCache(namespace: string, name: string): Pod | undefined;
  /** Whether the pod worker has finished with the pod (containers stopped, volumes cleaned). */
  canBeDeleted(uid: string): boolean;
}

interface Entry {
  namespace: string;
  name: string;
  status: PodStatus;
  /** Bumped on every change; `written` is the version the API has. */
  version: number;
  written: number;
  writing: boolean;
  deleting: boolean;
}

const ownedFields = ['phase', 'conditions', 'message', 'reason', 'hostIP', 'hostIPs', 'podIP', 'podIPs', 'startTime', 'initContainerStatuses', 'containerStatuses'] as const;

/** A write of the entry is pending or in flight. */
function busy(e: Entry): boolean {
  return e.writing || e.written !== e.version;
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
}

export class StatusManager {
  private readonly entries = new Map<string, Entry>();
  private readonly idle = new Set<() => void>();

  constructor(private readonly opts: StatusManagerOptions) {}

  get(uid: string): PodStatus | undefined {
    return this.entries.get(uid)?.status;
  }

  /** Records the kubelet's view of the pod's status; writes it if it changed. */
  set(pod: Pod, generated: PodStatus): void {
    const uid = pod.metadata.uid ?? '';
    const e = this.entries.get(uid);
    const old = e?.status ?? pod.status ?? {};
    const now = this.opts.clock.now();
    const status: PodStatus = { ...generated };
    status.conditions = withTransitionTimes(generated.conditions ?? [], old.conditions, now);
    status.startTime = old.startTime ?? pod.status?.startTime ?? rfc3339(now);
    // A terminal phase is final (the API refuses to leave it; so does the kubelet).
    if ((old.phase === 'Succeeded' || old.phase === 'Failed') && status.phase !== old.phase) status.phase = old.phase;
    if (e && stable(e.status) === stable(status)) return;
    if (e) {
      e.status = status;
      e.version++;
    } else this.entries.set(uid, { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', status, version: 1, written: 0, writing: false, deleting: false });
    void this.sync(uid);
  }

  /** Writes again if the API's copy of a kubelet-owned field drifted from ours (someone else wrote it). */
  reconcile(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    const e = this.entries.get(uid);
    if (!e || busy(e)) return;
    const api = pod.status ?? {};
    const drift = ownedFields.some((f) => {
      if (f === 'conditions') {
        const mine = (e.status.conditions ?? []).filter((c) => kubeletConditionTypes.has(c.type));
        const theirs = (api.conditions ?? []).filter((c) => kubeletConditionTypes.has(c.type));
        return stable(mine.map((c) => [c.type, c.status, c.reason, c.message])) !== stable(theirs.map((c) => [c.type, c.status, c.reason, c.message]));
      }
      return stable(e.status[f] ?? null) !== stable(api[f] ?? null);
    });
    if (drift) {
      e.version++;
      void this.sync(uid);
    }
  }

  /** The pod worker finished: a deleted pod can go now. */
  maybeDelete(uid: string): void {
    void this.sync(uid);
  }

  forget(uid: string): void {
    this.entries.delete(uid);
  }

  /** Resolves when no write is pending or in flight (tests). */
  settled(): Promise<void> {
    return this.whenIdle(() => ![...this.entries.values()].some(busy));
  }

  /**
   * Resolves once the API has the pod's status as last set (or the pod is gone), or after
   * withinMs of the clock: for a state the user should get to see before the next sync
   * replaces it, since writes coalesce to the latest status.
   */
  async written(uid: string, withinMs: number): Promise<void> {
    let late = false;
    const cancel = this.opts.clock.setTimeout(() => {
      late = true;
      this.wake();
    }, withinMs);
    try {
      await this.whenIdle(() => {
        const e = this.entries.get(uid);
        return late || !e || !busy(e);
      });
    } finally {
      cancel();
    }
  }

  /** Waits, from one finished write to the next, until `done` holds. */
  private async whenIdle(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((r) => this.idle.add(r));
  }

  private wake(): void {
    for (const r of this.idle) r();
    this.idle.clear();
  }

  private async sync(uid: string): Promise<void> {
    const e = this.entries.get(uid);
    if (!e || e.writing) return;
    e.writing = true;
    try {
      while (e.written !== e.version) {
        const version = e.version;
        const ok = await this.write(uid, e);
        if (!ok) break;
        e.written = version;
      }
      await this.deleteIfDone(uid, e);
    } catch (err) {
      this.opts.log(`kubelet: status of pod ${e.namespace}/${e.name}: ${(err as Error).message}`);
      // Retried at the next change or reconcile.
      this.opts.clock.setTimeout(() => void this.sync(uid), 1000);
    } finally {
      e.writing = false;
      this.wake();
    }
  }

  /** One merge patch of the status subresource; false when the pod is gone or another pod by that name. */
  private async write(uid: string, e: Entry): Promise<boolean> {
    const cached = this.opts.podFromCache(e.namespace, e.name);
    if (cached && cached.metadata.uid !== uid) return false;
    const api = cached?.status ?? {};
    const status: Record<string, unknown> = {};
    // Conditions others own come from the API's copy as it is now, ours after them.
    const others = (api.conditions ?? []).filter((c) => !kubeletConditionTypes.has(c.type));
    const mine = (e.status.conditions ?? []).filter((c) => kubeletConditionTypes.has(c.type));
    for (const f of ownedFields) {
      const v = f === 'conditions' ? [...others, ...mine] : e.status[f];
      if (v === undefined || v === '') {
        if (api[f] !== undefined) status[f] = null;
      } else status[f] = v;
    }
    try {
      await this.opts.client.patch(R.pods, e.namespace, e.name, 'merge', { metadata: { uid }, status }, { subresource: 'status' });
      return true;
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 404 || code === 409) return false;
      throw err;
    }
  }

  private async deleteIfDone(uid: string, e: Entry): Promise<void> {
    if (e.deleting || !this.opts.canBeDeleted(uid)) return;
    const cached = this.opts.podFromCache(e.namespace, e.name);
    if (!cached || cached.metadata.uid !== uid || !cached.metadata.deletionTimestamp) return;
    if (e.written !== e.version) return;
    e.deleting = true;
    try {
      await this.opts.client.delete(R.pods, e.namespace, e.name, { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== 404 && code !== 409) {
        e.deleting = false;
        throw err;
      }
    }
  }
}
