// One timer for many deadlines: a binary heap of (time, key) on an injectable clock. Simulating
// 100,000 pods and 5,000 node leases must not mean 100,000 clock timers (a FakeClock sorts its
// timers on every advance, and real timers cost memory each); this keeps exactly one armed.
// A key has at most one deadline: scheduling it again replaces the old one (stale heap entries
// are skipped when they surface).

import type { Clock } from './clock.js';

interface Entry {
  at: number;
  seq: number;
  key: string;
}

export class TimerQueue {
  private heap: Entry[] = [];
  private deadlines = new Map<string, number>();
  private seq = 0;
  private armed: { at: number; cancel: () => void } | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly fire: (key: string) => void,
  ) {}

  get size(): number {
    return this.deadlines.size;
  }

  /** When the key is due, if it is scheduled. */
  deadline(key: string): number | undefined {
    return this.deadlines.get(key);
  }

  /** Fires `key` at clock time `at` (replacing an earlier schedule of the same key). */
  schedule(key: string, at: number): void {
    if (this.stopped) return;
    if (this.deadlines.get(key) === at) return;
    this.deadlines.set(key, at);
    this.push({ at, seq: this.seq++, key });
    // Rescheduled keys leave stale entries behind; rebuild before they dominate the heap.
    if (this.heap.length > 2 * this.deadlines.size + 1024) this.rebuild();
    this.arm();
  }

  cancel(key: string): void {
    this.deadlines.delete(key);
  }

  stop(): void {
    this.stopped = true;
    this.armed?.cancel();
    this.armed = undefined;
    this.heap = [];
    this.deadlines.clear();
  }

  private rebuild(): void {
    const entries = [...this.deadlines].map(([key, at]) => ({ at, seq: this.seq++, key }));
    this.heap = [];
    for (const e of entries) this.push(e);
  }

  private arm(): void {
    this.dropStale();
    const top = this.heap[0];
    if (!top) {
      this.armed?.cancel();
      this.armed = undefined;
      return;
    }
    if (this.armed && this.armed.at <= top.at) return;
    this.armed?.cancel();
    const at = top.at;
    const fire = () => {
      if (this.armed?.at === at) this.armed = undefined;
      this.run();
    };
    const delay = at - this.clock.now();
    if (delay <= 0) {
      // Due already: fire on the next turn, not when a fake clock next moves.
      const handle = setImmediate(fire);
      this.armed = { at, cancel: () => clearImmediate(handle) };
    } else {
      this.armed = { at, cancel: this.clock.setTimeout(fire, delay) };
    }
  }

  private run(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const due: string[] = [];
    for (;;) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.at > now) break;
      this.pop();
      this.deadlines.delete(top.key);
      due.push(top.key);
    }
    // Re-arm before firing: a callback may schedule again.
    this.armed = undefined;
    this.arm();
    for (const key of due) this.fire(key);
  }

  private dropStale(): void {
    while (this.heap.length > 0) {
      const top = this.heap[0];
      if (this.deadlines.get(top.key) === top.at) return;
      this.pop();
    }
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
