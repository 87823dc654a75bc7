// Pod workers (pkg/kubelet/pod_workers.go): each pod on the node gets one serialized loop that
// moves it through syncing → terminating → terminated. Updates only record the latest pod and
// wake the loop; a sync never runs twice at once for a pod. Deletion (or a terminal phase)
// starts termination with the effective grace period, which may only shrink; a shorter one
// arriving mid-kill speeds the kill up.

import type { Clock } from '../machinery/clock.js';
import type { PodSyncer } from './pod-sync.js';
import type { Pod } from './types.js';

export type WorkerState = 'syncing' | 'terminating' | 'terminated' | 'finished';

interface Worker {
  uid: string;
  pod: Pod;
  state: WorkerState;
  /** Removed from the API (or never to be seen again). */
  gone: boolean;
  grace: number | undefined;
  busy: boolean;
  again: boolean;
  timer: { at: number; cancel: () => void } | undefined;
  failures: number;
}

export interface PodWorkersOptions {
  clock: Clock;
  syncer: PodSyncer;
  log: (msg: string) => void;
  /** The pod finished terminating (the status manager may delete it now). */
  onTerminated(uid: string): void;
  /** The worker is gone for good. */
  onForgotten(uid: string): void;
  /** Periodic resync of a running pod (the kubelet's syncFrequency, 1 min). */
  resyncMs?: number;
}

/** calculateEffectiveGracePeriod: the API's deletion grace period, else the spec's; at least 1 s; never growing. */
export function effectiveGracePeriod(previous: number | undefined, pod: Pod): number {
  let grace = previous ?? 0;
  const override = pod.metadata.deletionGracePeriodSeconds;
  if (override !== undefined && (grace === 0 || override < grace)) grace = override;
  if (grace === 0 && pod.spec.terminationGracePeriodSeconds !== undefined) grace = pod.spec.terminationGracePeriodSeconds;
  return Math.max(grace, 1);
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private readonly idle = new Set<() => void>();
  private stopped = false;

  constructor(private readonly o: PodWorkersOptions) {}

  /** A pod was added or changed (`removed`: it is gone from the API). */
  update(pod: Pod, removed = false): void {
    if (this.stopped) return;
    const uid = pod.metadata.uid ?? '';
    let w = this.workers.get(uid);
    if (!w) {
      if (removed) {
        // Never synced here: only leftovers may remain.
        w = { uid, pod, state: 'finished', gone: true, grace: undefined, busy: false, again: false, timer: undefined, failures: 0 };
      } else w = { uid, pod, state: 'syncing', gone: false, grace: undefined, busy: false, again: false, timer: undefined, failures: 0 };
      this.workers.set(uid, w);
    }
    w.pod = pod;
    if (removed) w.gone = true;
    const terminationRequested = removed || !!pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (terminationRequested && w.state === 'syncing') w.state = 'terminating';
    if (w.state === 'terminating' && (removed || pod.metadata.deletionTimestamp)) {
      const grace = effectiveGracePeriod(w.grace, pod);
      if (w.grace !== undefined && grace < w.grace) this.o.syncer.escalate(uid, grace);
      w.grace = grace;
    }
    this.kick(w, 0);
  }

  /**
   * The pod's latest copy without a sync: a change of status only (most often the echo of the
   * kubelet's own status write), which upstream's pod config hands on as a reconcile, not an
   * update. The next sync, whatever wakes it, sees this copy.
   */
  record(pod: Pod): void {
    const w = this.workers.get(pod.metadata.uid ?? '');
    if (w && !w.gone) w.pod = pod;
  }

  /** Something changed in the runtime for this pod (a container exited): sync it. */
  poke(uid: string): void {
    const w = this.workers.get(uid);
    if (w) this.kick(w, 0);
  }

  has(uid: string): boolean {
    return this.workers.has(uid);
  }

  state(uid: string): WorkerState | undefined {
    return this.workers.get(uid)?.state;
  }

  uids(): string[] {
    return [...this.workers.keys()];
  }

  isFinished(uid: string): boolean {
    return this.workers.get(uid)?.state === 'finished';
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.workers.values()) w.timer?.cancel();
  }

  /** Resolves when no worker is running or due (tests). */
  async settled(): Promise<void> {
    while ([...this.workers.values()].some((w) => w.busy || (w.timer && w.timer.at <= this.o.clock.now()))) {
      await new Promise<void>((r) => this.idle.add(r));
    }
  }

  private kick(w: Worker, delayMs: number): void {
    if (this.stopped) return;
    const at = this.o.clock.now() + delayMs;
    if (w.timer && w.timer.at <= at) return;
    w.timer?.cancel();
    const timer = { at, cancel: () => {} };
    w.timer = timer;
    if (delayMs <= 0) {
      const h = setImmediate(() => {
        if (w.timer === timer) w.timer = undefined;
        void this.run(w);
      });
      timer.cancel = () => clearImmediate(h);
    } else {
      timer.cancel = this.o.clock.setTimeout(() => {
        if (w.timer === timer) w.timer = undefined;
        void this.run(w);
      }, delayMs);
    }
  }

  private async run(w: Worker): Promise<void> {
    if (w.busy) {
      w.again = true;
      return;
    }
    w.busy = true;
    try {
      do {
        w.again = false;
        await this.step(w);
      } while (w.again && !this.stopped);
    } finally {
      w.busy = false;
      for (const r of this.idle) r();
      this.idle.clear();
    }
  }

  private async step(w: Worker): Promise<void> {
    const s = this.o.syncer;
    try {
      switch (w.state) {
        case 'syncing': {
          const r = await s.syncPod(w.pod);
          if (r.terminal && w.state === 'syncing') {
            w.state = 'terminating';
            w.again = true;
          } else if (w.state === 'syncing') this.kick(w, r.requeueAfterMs ?? this.o.resyncMs ?? 60_000);
          break;
        }
        case 'terminating':
          await s.syncTerminatingPod(w.pod, w.grace ?? effectiveGracePeriod(undefined, w.pod));
          w.state = 'terminated';
          w.again = true;
          break;
        case 'terminated':
          await s.syncTerminatedPod(w.pod);
          w.state = 'finished';
          this.o.onTerminated(w.uid);
          if (w.gone) w.again = true;
          break;
        case 'finished':
          if (w.gone) {
            await s.cleanupPod(w.uid, w.pod);
            this.workers.delete(w.uid);
            this.o.onForgotten(w.uid);
          }
          break;
      }
      w.failures = 0;
    } catch (e) {
      w.failures++;
      this.o.log(`kubelet: ${w.state} pod ${w.pod.metadata.namespace}/${w.pod.metadata.name}: ${(e as Error).message}`);
      this.kick(w, Math.min(10_000, 500 * 2 ** Math.min(w.failures, 5)));
    }
  }
}
