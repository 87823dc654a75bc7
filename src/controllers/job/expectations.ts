// Expectations (client-go's ControllerExpectations): after creating or deleting Pods a
// controller waits to see them in its informer before acting again on the same owner, so a
// stale cache never makes it create twice. Expectations expire after five minutes, in case an
// event was lost. UID expectations remember Pods whose tracking finalizer the Job controller
// removed but has not yet seen removed.

import type { Clock } from '../../machinery/clock.js';

export const expectationsTimeoutMs = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  at: number;
}

export class ControllerExpectations {
  private items = new Map<string, Expectation>();

  constructor(private readonly clock: Clock) {}

  /** True when nothing is pending for this key (or what is pending has expired). */
  satisfied(key: string): boolean {
    const e = this.items.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.at > expectationsTimeoutMs;
  }

  expectCreations(key: string, n: number): void {
    this.items.set(key, { add: n, del: 0, at: this.clock.now() });
  }

  expectDeletions(key: string, n: number): void {
    this.items.set(key, { add: 0, del: n, at: this.clock.now() });
  }

  creationObserved(key: string): void {
    const e = this.items.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.items.get(key);
    if (e) e.del--;
  }

  delete(key: string): void {
    this.items.delete(key);
  }
}

export class UIDTrackingExpectations {
  private items = new Map<string, Set<string>>();

  expectedUIDs(key: string): ReadonlySet<string> {
    return new Set(this.items.get(key) ?? []);
  }

  expectFinalizersRemoved(key: string, uids: string[]): void {
    let set = this.items.get(key);
    if (!set) this.items.set(key, (set = new Set()));
    for (const u of uids) set.add(u);
  }

  finalizerRemovalObserved(key: string, uid: string): void {
    this.items.get(key)?.delete(uid);
  }

  delete(key: string): void {
    this.items.delete(key);
  }
}
