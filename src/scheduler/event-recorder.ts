// The scheduler's event recorder. Events are the same core/v1 Events the controllers' recorder
// writes (a repeat of the same object, type, reason and message bumps count and
// lastTimestamp), but written many at a time: the scheduler records one Scheduled event per pod
// and binds hundreds of pods a second, and one-at-a-time writes would fall minutes behind.
// Writes for one event stay in order; like client-go's broadcaster, a bounded backlog drops
// what does not fit rather than growing without limit.
//
// Repeats are written as kube-scheduler's recorder (client-go's events broadcaster) writes a
// series: the second occurrence at once (count 2), later ones only counted, and the count
// written when the series is refreshed (every 30 minutes) or ends (no occurrence for 6
// minutes, after which the event is forgotten and a new occurrence starts a new one). A pod
// retried every 10 s in a cluster without nodes so costs no write per retry.

import type { KubeObject } from '../api/object.js';
import { rfc3339, type Clock } from '../machinery/clock.js';
import type { Client } from '../client/interface.js';
import { R } from '../client/resources.js';
import type { EventRecorder, EventType } from '../controllers/events.js';

interface Series {
  key: string;
  name: string;
  namespace: string;
  /** Count written (or being written). */
  count: number;
  /** Occurrences recorded but not yet written. */
  pending: number;
  /** Occurrences so far. */
  observed: number;
  /** Pending occurrences are to be written now, not at the next refresh. */
  due: boolean;
  /** The series has ended: forget it once its count is written. */
  finished: boolean;
  firstAt: number;
  lastAt: number;
  created: boolean;
  busy: boolean;
  /** In the ready list. */
  queued: boolean;
  involved: Record<string, unknown>;
  type: EventType;
  reason: string;
  message: string;
}

export interface ConcurrentEventRecorderOptions {
  /** Writes in flight at once (they share the store's group commits). */
  maxInFlight?: number;
  /** Series waiting to be written before new ones are dropped. */
  maxQueued?: number;
  host?: string;
}

/** client-go's events broadcaster: a series with no occurrence for this long has ended. */
export const seriesFinishMs = 6 * 60_000;
/** ... and the counts of running series are written this often. */
export const seriesRefreshMs = 30 * 60_000;
/** Series kept in memory before idle ones (nothing pending) are dropped. */
const maxSeries = 100_000;

export class ConcurrentEventRecorder implements EventRecorder {
  private readonly series = new Map<string, Series>();
  private cancelSweep: (() => void) | undefined;
  private sweeps = 0;
  private readonly ready: Series[] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  /** Events dropped because the backlog was full. */
  dropped = 0;

  constructor(
    private readonly client: Client,
    private readonly component: string,
    private readonly clock: Clock,
    private readonly log: (msg: string) => void = () => {},
    private readonly opts: ConcurrentEventRecorderOptions = {},
  ) {
    this.maxInFlight = opts.maxInFlight ?? 32;
    this.maxQueued = opts.maxQueued ?? 10_000;
  }

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const namespace = obj.metadata.namespace || 'default';
    const key = [obj.kind, namespace, obj.metadata.name, obj.metadata.uid, type, reason, message].join('\u0000');
    const now = this.clock.now();
    let s = this.series.get(key);
    if (s) {
      s.pending++;
      s.observed++;
      s.lastAt = now;
      s.finished = false;
      if (s.observed <= 2) {
        s.due = true;
        this.enqueue(s);
        this.pump();
      }
      return;
    }
    if (this.ready.length >= this.maxQueued) {
      this.dropped++;
      return;
    }
    s = {
      key,
      name: `${obj.metadata.name}.${(now * 1_000_000 + Math.floor(Math.random() * 1_000_000)).toString(16)}`,
      namespace,
      count: 0,
      pending: 1,
      observed: 1,
      due: true,
      finished: false,
      firstAt: now,
      lastAt: now,
      created: false,
      busy: false,
      queued: false,
      involved: {
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        apiVersion: obj.apiVersion,
        resourceVersion: obj.metadata.resourceVersion,
      },
      type,
      reason,
      message,
    };
    if (this.series.size > maxSeries) this.forgetIdle();
    this.series.set(key, s);
    this.enqueue(s);
    this.pump();
    this.scheduleSweep();
  }

  /** Every finishing period while any event is remembered: ends quiet series, refreshes counts. */
  private scheduleSweep(): void {
    if (this.cancelSweep) return;
    this.cancelSweep = this.clock.setTimeout(() => {
      this.cancelSweep = undefined;
      this.sweep();
      if (this.series.size) this.scheduleSweep();
    }, seriesFinishMs);
  }

  private sweep(): void {
    const now = this.clock.now();
    const refresh = ++this.sweeps % Math.round(seriesRefreshMs / seriesFinishMs) === 0;
    for (const s of this.series.values()) {
      if (s.busy || s.queued) continue;
      const ended = now - s.lastAt >= seriesFinishMs;
      if (s.pending > 0 && (ended || refresh)) {
        s.due = true;
        s.finished = ended;
        this.enqueue(s);
      } else if (ended) {
        this.series.delete(s.key);
      }
    }
    this.pump();
  }

  private enqueue(s: Series): void {
    if (s.busy || s.queued) return;
    s.queued = true;
    this.ready.push(s);
  }

  /** Resolves when everything recorded so far is written (tests, shutdown). */
  flush(): Promise<void> {
    if (this.inFlight === 0 && this.ready.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private forgetIdle(): void {
    for (const [k, s] of this.series) if (!s.busy && s.pending === 0) this.series.delete(k);
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.ready.length) {
      const s = this.ready.shift()!;
      s.queued = false;
      if (s.busy || s.pending === 0 || !s.due) continue;
      s.busy = true;
      this.inFlight++;
      void this.write(s).finally(() => {
        s.busy = false;
        this.inFlight--;
        if (s.pending > 0 && s.due) this.enqueue(s);
        else if (s.finished && s.pending === 0 && this.series.get(s.key) === s) this.series.delete(s.key);
        this.pump();
        if (this.inFlight === 0 && this.ready.length === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private async write(s: Series): Promise<void> {
    const adding = s.pending;
    s.pending = 0;
    // Occurrences from here on wait for the refresh, unless they are a series' second.
    s.due = false;
    const count = s.count + adding;
    try {
      if (s.created) {
        await this.client.patch(R.events, s.namespace, s.name, 'merge', { count, lastTimestamp: rfc3339(s.lastAt) });
      } else {
        await this.client.create(R.events, s.namespace, {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: s.name, namespace: s.namespace },
          involvedObject: s.involved,
          reason: s.reason,
          message: s.message,
          type: s.type,
          source: this.opts.host ? { component: this.component, host: this.opts.host } : { component: this.component },
          firstTimestamp: rfc3339(s.firstAt),
          lastTimestamp: rfc3339(s.lastAt),
          count,
          eventTime: null,
          reportingComponent: this.component,
          reportingInstance: this.opts.host ?? '',
        });
        s.created = true;
      }
      s.count = count;
    } catch (e) {
      this.log(`event ${s.reason}: ${(e as Error).message}`);
      // The event went away (or never came): start a new one next time.
      this.series.delete(s.key);
      s.pending = 0;
    }
  }
}
