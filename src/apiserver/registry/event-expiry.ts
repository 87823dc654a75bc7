// Events expire an hour after they were last written, as kube-apiserver's `--event-ttl` (1h by
// default) has them: it stores each write of an Event under an etcd lease of that TTL, and etcd
// deletes the key when the lease runs out. Without it every Event ever recorded stays in the
// store and in memory: a cluster that churns pods (a CI runner) grows by ~7 Events a pod.
//
// Here a sweep deletes, straight from storage as an expiring lease does (no admission, no
// finalizers), each Event whose last write is older than the TTL; watchers see it DELETED. The
// time of the last write is the newest time the object records: its managedFields entries'
// times (the field manager stamps every write), its creation and its own event timestamps.
// The delete names the revision it judged, so an Event updated meanwhile stays.

import type { KubeObject } from '../../api/object.js';
import type { Clock } from '../../machinery/clock.js';
import { isStorageError, type Storage } from '../../storage/interface.js';

export interface EventExpiryOptions {
  /** How long an Event lives after its last write (kube-apiserver: --event-ttl, 1h). */
  ttlMs: number;
  /** How often expired Events are looked for. */
  intervalMs: number;
}

export const defaultEventExpiry: EventExpiryOptions = { ttlMs: 60 * 60_000, intervalMs: 60_000 };

/** Deletes issued together, so they share one commit. */
const deleteBatch = 256;

/** Where Events of both API groups are stored. */
export const eventsPrefix = '/registry/events/';

/** The newest time an Event records of being written, in ms (NaN when it records none). */
export function lastWriteOf(event: KubeObject): number {
  const e = event as KubeObject & { lastTimestamp?: string; eventTime?: string; series?: { lastObservedTime?: string } };
  const times = [
    event.metadata.creationTimestamp,
    ...(event.metadata.managedFields ?? []).map((f) => f.time),
    e.lastTimestamp,
    e.eventTime,
    e.series?.lastObservedTime,
  ];
  let newest = NaN;
  for (const t of times) {
    if (typeof t !== 'string') continue;
    const ms = Date.parse(t);
    if (Number.isFinite(ms) && (Number.isNaN(newest) || ms > newest)) newest = ms;
  }
  return newest;
}

export class EventExpiry {
  private readonly options: EventExpiryOptions;
  private cancel: (() => void) | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly log: (msg: string) => void,
    options?: Partial<EventExpiryOptions>,
  ) {
    this.options = { ...defaultEventExpiry, ...options };
  }

  start(): void {
    if (this.cancel) return;
    const next = () => {
      this.cancel = this.clock.setTimeout(() => {
        void this.sweep().finally(() => {
          if (this.cancel) next();
        });
      }, this.options.intervalMs);
    };
    next();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Deletes the Events whose last write is older than the TTL; returns how many went. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    const cutoff = this.clock.now() - this.options.ttlMs;
    let deleted = 0;
    try {
      const { items } = await this.storage.list(eventsPrefix, { filter: (o) => lastWriteOf(o) < cutoff });
      // A batch's deletes share the store's commit (one per event-loop turn).
      for (let i = 0; i < items.length; i += deleteBatch) {
        const gone = await Promise.all(
          items.slice(i, i + deleteBatch).map((item) =>
            this.storage.delete(item.key, item.revision).then(
              () => 1,
              (e) => {
                // Written again since the list (it lives on) or already gone: not ours to delete.
                if (isStorageError(e, 'Conflict') || isStorageError(e, 'NotFound')) return 0;
                throw e;
              },
            ),
          ),
        );
        deleted += gone.reduce((a: number, b) => a + b, 0);
      }
    } catch (e) {
      this.log(`expiring events failed: ${(e as Error).message}`);
    }
    return deleted;
  }
}
