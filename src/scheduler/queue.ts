// The scheduling queue (internal/queue.PriorityQueue): pending pods wait in one of three places.
//
//  - activeQ: ready to be tried in the QueueSort plugin's order (PrioritySort: highest
//    priority first, then the longest waiting).
//  - backoffQ: failed recently; each pod waits 1 s, 2 s, 4 s … up to 10 s after its last
//    attempt (per attempt count), and is flushed to activeQ every second once the wait is over.
//  - unschedulable pods: rejected by plugins and waiting for a cluster change that may help. A
//    node added or changed, a pod deleted and so on (a ClusterEvent) moves the pods whose
//    rejecting plugins care about that event (their queueing hints say so) to activeQ or,
//    when still backing off, to backoffQ; pods left there for 5 minutes are moved anyway.
//
// Events that arrive while a pod is being scheduled ("in flight") are kept, so a pod rejected
// by a cycle that missed a helpful change goes to backoffQ instead of waiting for the next one.
// All timers run on the injected clock.

import type { KubeObject } from '../api/object.js';
import type { Clock } from '../machinery/clock.js';
import { KeyedHeap } from './heap.js';
import { prioritySortLess } from './plugins/priority-sort.js';
import type { PodInfo } from './pod-info.js';
import { termMatches } from './pod-info.js';
import type { ClusterEvent, Status } from './types.js';

export interface QueuedPodInfo {
  info: PodInfo;
  /** When the pod was last added to or put back into the queue. */
  timestamp: number;
  initialAttemptTimestamp: number | undefined;
  /** Scheduling attempts so far: the backoff grows with them. */
  attempts: number;
  /** Plugins that rejected the pod in its last attempt. */
  unschedulablePlugins: Set<string>;
  pendingPlugins: Set<string>;
  /** Held back by a PreEnqueue plugin (scheduling gates). */
  gated: boolean;
  /** Insertion order: the tie-break after priority and timestamp. */
  seq: number;
}

export interface QueueOptions {
  clock: Clock;
  /** The QueueSort plugin's order (PrioritySort by default). */
  less?: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  podMaxInUnschedulableMs?: number;
  /** PreEnqueue plugins: a non-success status keeps the pod out of activeQ. */
  preEnqueue?: (pod: PodInfo) => Status | null;
  /** Queueing hints: may this event make the pod schedulable? */
  isWorthRequeuing?: (pod: QueuedPodInfo, event: ClusterEvent) => boolean;
  /** Namespace labels, for matching affinity terms with a namespaceSelector. */
  namespaceLabels?: (namespace: string) => Record<string, string> | undefined;
}

/** Upstream's defaults: DefaultPodInitialBackoffDuration, DefaultPodMaxBackoffDuration, DefaultPodMaxInUnschedulablePodsDuration. */
export const queueDefaults = {
  podInitialBackoffMs: 1000,
  podMaxBackoffMs: 10_000,
  podMaxInUnschedulableMs: 5 * 60_000,
  backoffFlushIntervalMs: 1000,
  unschedulableFlushIntervalMs: 30_000,
} as const;

export type QueueName = 'activeQ' | 'backoffQ' | 'unschedulable';

let seq = 0;

export class SchedulingQueue {
  private readonly opts: Required<Omit<QueueOptions, 'less'>>;
  private readonly activeQ: KeyedHeap<QueuedPodInfo>;
  private readonly backoffQ: KeyedHeap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** Events seen while each popped pod was being scheduled. */
  private readonly inFlight = new Map<string, ClusterEvent[]>();
  private waiters: ((p: QueuedPodInfo | undefined) => void)[] = [];
  private closed = false;
  private cancelTimers: (() => void)[] = [];
  /** Pods nominated to nodes by preemption: node → pods, pod uid → node. */
  private readonly nominatedPods = new Map<string, PodInfo[]>();
  private readonly nominatedNode = new Map<string, string>();
  schedulingCycle = 0;

  constructor(opts: QueueOptions) {
    this.opts = {
      clock: opts.clock,
      podInitialBackoffMs: opts.podInitialBackoffMs ?? queueDefaults.podInitialBackoffMs,
      podMaxBackoffMs: opts.podMaxBackoffMs ?? queueDefaults.podMaxBackoffMs,
      podMaxInUnschedulableMs: opts.podMaxInUnschedulableMs ?? queueDefaults.podMaxInUnschedulableMs,
      preEnqueue: opts.preEnqueue ?? (() => null),
      isWorthRequeuing: opts.isWorthRequeuing ?? (() => true),
      namespaceLabels: opts.namespaceLabels ?? (() => undefined),
    };
    this.activeQ = new KeyedHeap((p) => p.info.uid, opts.less ?? prioritySortLess);
    this.backoffQ = new KeyedHeap(
      (p) => p.info.uid,
      (a, b) => {
        const ta = this.backoffTime(a);
        const tb = this.backoffTime(b);
        return ta < tb || (ta === tb && a.seq < b.seq);
      },
    );
  }

  /** Starts the periodic flushes (every 1 s from backoffQ, every 30 s from the unschedulable pool). */
  run(): void {
    const every = (ms: number, fn: () => void) => {
      let cancel = () => {};
      const tick = () => {
        if (this.closed) return;
        fn();
        cancel = this.opts.clock.setTimeout(tick, ms);
      };
      cancel = this.opts.clock.setTimeout(tick, ms);
      this.cancelTimers.push(() => cancel());
    };
    every(queueDefaults.backoffFlushIntervalMs, () => this.flushBackoffQCompleted());
    every(queueDefaults.unschedulableFlushIntervalMs, () => this.flushUnschedulableLeftover());
  }

  close(): void {
    this.closed = true;
    for (const c of this.cancelTimers) c();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  // --- where pods are (tests and the scheduler) ---

  where(uid: string): QueueName | undefined {
    if (this.activeQ.has(uid)) return 'activeQ';
    if (this.backoffQ.has(uid)) return 'backoffQ';
    if (this.unschedulable.has(uid)) return 'unschedulable';
    return undefined;
  }

  get lengths(): { activeQ: number; backoffQ: number; unschedulable: number; inFlight: number } {
    return { activeQ: this.activeQ.size, backoffQ: this.backoffQ.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  pendingPods(): QueuedPodInfo[] {
    return [...this.activeQ.values(), ...this.backoffQ.values(), ...this.unschedulable.values()];
  }

  // --- backoff ---

  /** initial × 2^(attempts-1), capped at the max; no penalty before the first attempt. */
  backoffDuration(p: QueuedPodInfo): number {
    if (p.attempts === 0) return 0;
    let d = this.opts.podInitialBackoffMs;
    for (let i = 1; i < p.attempts; i++) {
      if (d > this.opts.podMaxBackoffMs - d) return this.opts.podMaxBackoffMs;
      d += d;
    }
    return d;
  }

  backoffTime(p: QueuedPodInfo): number {
    return p.timestamp + this.backoffDuration(p);
  }

  isBackingOff(p: QueuedPodInfo): boolean {
    return this.backoffTime(p) > this.opts.clock.now();
  }

  // --- adding, updating, removing ---

  private newQueued(info: PodInfo): QueuedPodInfo {
    return { info, timestamp: this.opts.clock.now(), initialAttemptTimestamp: undefined, attempts: 0, unschedulablePlugins: new Set(), pendingPlugins: new Set(), gated: false, seq: seq++ };
  }

  /** A new pending pod (from the informer). */
  add(info: PodInfo): void {
    if (this.where(info.uid) || this.inFlight.has(info.uid)) return this.update(undefined, info);
    const p = this.newQueued(info);
    this.moveToActiveQ(p);
    this.addNominated(info, undefined);
  }

  /** The informer saw a pending pod change. */
  update(oldPod: KubeObject | undefined, info: PodInfo): void {
    const uid = info.uid;
    const events = oldPod ? podUpdateEvents(oldPod, info.pod) : [];
    if (this.inFlight.has(uid)) {
      // Kept for when the cycle puts it back; the cycle itself re-reads the pod then.
      for (const e of events) this.inFlight.get(uid)!.push(e);
      this.addNominated(info, undefined);
      return;
    }
    const active = this.activeQ.get(uid);
    if (active) {
      active.info = info;
      this.activeQ.addOrUpdate(active);
      this.addNominated(info, undefined);
      return;
    }
    const backoff = this.backoffQ.get(uid);
    if (backoff) {
      backoff.info = info;
      this.backoffQ.addOrUpdate(backoff);
      this.addNominated(info, undefined);
      return;
    }
    const u = this.unschedulable.get(uid);
    if (u) {
      u.info = info;
      this.addNominated(info, undefined);
      for (const e of events) {
        if (!this.worthRequeuing(u, e)) continue;
        this.unschedulable.delete(uid);
        this.requeue(u, true);
        break;
      }
      return;
    }
    const p = this.newQueued(info);
    this.moveToActiveQ(p);
    this.addNominated(info, undefined);
  }

  delete(uid: string): void {
    this.activeQ.delete(uid);
    this.backoffQ.delete(uid);
    this.unschedulable.delete(uid);
    this.deleteNominated(uid);
  }

  /** The next pod to schedule, waiting for one; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const p = this.activeQ.pop();
    if (p) return Promise.resolve(this.popped(p));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Pops without waiting (tests, batch loops). */
  tryPop(): QueuedPodInfo | undefined {
    const p = this.activeQ.pop();
    return p ? this.popped(p) : undefined;
  }

  private popped(p: QueuedPodInfo): QueuedPodInfo {
    p.attempts++;
    p.initialAttemptTimestamp ??= this.opts.clock.now();
    this.schedulingCycle++;
    this.inFlight.set(p.info.uid, []);
    return p;
  }

  /** The scheduling cycle for this pod is over (success or failure). */
  done(uid: string): void {
    this.inFlight.delete(uid);
  }

  private wake(): void {
    while (this.waiters.length && this.activeQ.size) {
      const w = this.waiters.shift()!;
      w(this.popped(this.activeQ.pop()!));
    }
  }

  /** Runs PreEnqueue; gated pods go to the unschedulable pool. True when it entered activeQ. */
  private moveToActiveQ(p: QueuedPodInfo): boolean {
    const s = this.opts.preEnqueue(p.info);
    if (s && !s.isSuccess()) {
      p.gated = true;
      p.unschedulablePlugins = new Set(s.plugin ? [s.plugin] : []);
      this.backoffQ.delete(p.info.uid);
      this.unschedulable.set(p.info.uid, p);
      return false;
    }
    p.gated = false;
    this.backoffQ.delete(p.info.uid);
    this.unschedulable.delete(p.info.uid);
    this.activeQ.addOrUpdate(p);
    this.wake();
    return true;
  }

  /** To activeQ, or to backoffQ while still backing off (`afterBackoff`). */
  private requeue(p: QueuedPodInfo, afterBackoff: boolean): QueueName {
    if (afterBackoff && this.isBackingOff(p)) {
      this.backoffQ.addOrUpdate(p);
      return 'backoffQ';
    }
    if (this.moveToActiveQ(p)) return 'activeQ';
    return 'unschedulable';
  }

  /**
   * A failed cycle puts its pod back: to backoffQ when it failed for no plugin's reason (an
   * error) or when an event during the cycle may have helped, else to the unschedulable pool.
   */
  addUnschedulable(p: QueuedPodInfo): QueueName {
    const uid = p.info.uid;
    const events = this.inFlight.get(uid) ?? [];
    this.inFlight.delete(uid);
    if (this.where(uid)) return this.where(uid)!;
    p.timestamp = this.opts.clock.now();
    const rejectors = p.unschedulablePlugins.size + p.pendingPlugins.size;
    const helped = rejectors === 0 || events.some((e) => this.worthRequeuing(p, e));
    if (helped) return this.requeue(p, true);
    this.unschedulable.set(uid, p);
    return 'unschedulable';
  }

  private worthRequeuing(p: QueuedPodInfo, e: ClusterEvent): boolean {
    if (p.gated) {
      // Only a change of the pod itself can lift a PreEnqueue gate.
      return e.kind === 'UnscheduledPodUpdate' && !this.opts.preEnqueue(p.info);
    }
    if (e.kind === 'UnschedulableTimeout' || e.kind === 'ForceActivate') return true;
    return this.opts.isWorthRequeuing(p, e);
  }

  /** A cluster change: moves the unschedulable pods it may help (MoveAllToActiveOrBackoffQueue). */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, preCheck?: (p: QueuedPodInfo) => boolean): void {
    for (const events of this.inFlight.values()) events.push(event);
    const moved: QueuedPodInfo[] = [];
    for (const p of this.unschedulable.values()) {
      if (p.gated) continue;
      if (preCheck && !preCheck(p)) continue;
      if (this.worthRequeuing(p, event)) moved.push(p);
    }
    for (const p of moved) {
      this.unschedulable.delete(p.info.uid);
      this.requeue(p, true);
    }
  }

  /**
   * An assigned pod appeared or changed: only pods it can help by cross-node terms — topology
   * spreading in its namespace, or required affinity matching it — are considered.
   */
  assignedPodAddedOrUpdated(event: ClusterEvent, pod: PodInfo): void {
    const nsLabels = this.opts.namespaceLabels(pod.namespace);
    this.moveAllToActiveOrBackoffQueue(event, (p) => {
      if (p.unschedulablePlugins.has('PodTopologySpread') && p.info.namespace === pod.namespace) return true;
      return p.info.requiredAffinityTerms.some((t) => termMatches(t, pod, nsLabels));
    });
  }

  /** Moves every unschedulable pod (tests; upstream's ForceActivate). */
  activateAll(): void {
    this.moveAllToActiveOrBackoffQueue({ kind: 'ForceActivate' });
  }

  flushBackoffQCompleted(): void {
    const now = this.opts.clock.now();
    for (;;) {
      const p = this.backoffQ.peek();
      if (!p || this.backoffTime(p) > now) break;
      this.backoffQ.pop();
      this.moveToActiveQ(p);
    }
  }

  flushUnschedulableLeftover(): void {
    const now = this.opts.clock.now();
    const stale: QueuedPodInfo[] = [];
    for (const p of this.unschedulable.values()) {
      if (!p.gated && now - p.timestamp > this.opts.podMaxInUnschedulableMs) stale.push(p);
    }
    for (const p of stale) {
      this.unschedulable.delete(p.info.uid);
      this.requeue(p, true);
    }
  }

  // --- nominated pods (the nominator) ---

  /**
   * Records where a pod is nominated: `nodeName` overrides, undefined keeps the pod's own
   * status.nominatedNodeName, '' clears.
   */
  addNominated(info: PodInfo, nodeName: string | undefined): void {
    this.deleteNominated(info.uid);
    const node = nodeName ?? info.nominatedNodeName;
    if (!node || info.nodeName) return;
    this.nominatedNode.set(info.uid, node);
    const list = this.nominatedPods.get(node) ?? [];
    list.push(info);
    this.nominatedPods.set(node, list);
  }

  deleteNominated(uid: string): void {
    const node = this.nominatedNode.get(uid);
    if (node === undefined) return;
    this.nominatedNode.delete(uid);
    const list = (this.nominatedPods.get(node) ?? []).filter((p) => p.uid !== uid);
    if (list.length) this.nominatedPods.set(node, list);
    else this.nominatedPods.delete(node);
  }

  nominatedPodsForNode(node: string): PodInfo[] {
    return this.nominatedPods.get(node) ?? [];
  }

  nominatedNodeOf(uid: string): string | undefined {
    return this.nominatedNode.get(uid);
  }

  /** True when nothing is nominated anywhere (a fast path for filtering). */
  get noNominations(): boolean {
    return this.nominatedPods.size === 0;
  }
}

/** What changed on a pending pod that plugins may care about (PodSchedulingPropertiesChange). */
export function podUpdateEvents(oldPod: KubeObject, newPod: KubeObject): ClusterEvent[] {
  const updates = new Set<'label' | 'tolerations' | 'schedulingGates' | 'scaleDown'>();
  if (JSON.stringify(oldPod.metadata.labels ?? {}) !== JSON.stringify(newPod.metadata.labels ?? {})) updates.add('label');
  const o = (oldPod.spec ?? {}) as Record<string, unknown>;
  const n = (newPod.spec ?? {}) as Record<string, unknown>;
  if (JSON.stringify(o.tolerations ?? []) !== JSON.stringify(n.tolerations ?? [])) updates.add('tolerations');
  const oldGates = Array.isArray(o.schedulingGates) ? o.schedulingGates.length : 0;
  const newGates = Array.isArray(n.schedulingGates) ? n.schedulingGates.length : 0;
  if (oldGates > 0 && newGates === 0) updates.add('schedulingGates');
  if (JSON.stringify(o.containers) !== JSON.stringify(n.containers)) updates.add('scaleDown');
  if (updates.size === 0) return [];
  return [{ kind: 'UnscheduledPodUpdate', updates, oldObj: oldPod, newObj: newPod }];
}
