// The node lifecycle controller's per-zone tainting queue (its RateLimitedTimedQueue): nodes
// wait in order for a NoExecute taint, and a token bucket (0.1 per second, burst 1, by default)
// paces how fast a zone's nodes get tainted. A node stays in the queue's set after it is
// processed, so it is not queued twice, until it is removed.

import type { Clock } from '../../machinery/clock.js';

/** A token bucket of burst 1; qps 0 never accepts (evictions stopped). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    private readonly clock: Clock,
    full = true,
  ) {
    this.tokens = full ? 1 : 0;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    if (this.qps > 0) this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }

  tryAccept(): boolean {
    if (this.qps <= 0) return false;
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** When the next token is there (Infinity if never). */
  nextTokenAt(): number {
    if (this.qps <= 0) return Infinity;
    this.refill();
    return this.tokens >= 1 ? this.clock.now() : this.clock.now() + Math.ceil(((1 - this.tokens) / this.qps) * 1000);
  }

  get saturated(): boolean {
    this.refill();
    return this.tokens < 1;
  }
}

export interface TimedValue {
  value: string;
  uid: string;
  addedAt: number;
  processAt: number;
}

export class RateLimitedTimedQueue {
  private queue: TimedValue[] = [];
  private set = new Set<string>();

  constructor(
    private limiter: TokenBucket,
    private readonly clock: Clock,
  ) {}

  get qps(): number {
    return this.limiter.qps;
  }

  get length(): number {
    return this.queue.length;
  }

  /** Adds a value unless it is in the set already; true if added. */
  add(value: string, uid: string): boolean {
    if (this.set.has(value)) return false;
    const now = this.clock.now();
    this.set.add(value);
    this.queue.push({ value, uid, addedAt: now, processAt: now });
    this.queue.sort((a, b) => a.processAt - b.processAt);
    return true;
  }

  /** Removes a value from the queue and the set; true if it was there. */
  remove(value: string): boolean {
    const had = this.set.delete(value);
    this.queue = this.queue.filter((v) => v.value !== value);
    return had;
  }

  /** Processes due values in order while the limiter allows; fn returns [done, retry after ms]. */
  async try(fn: (v: TimedValue) => Promise<[boolean, number]>): Promise<void> {
    for (let head = this.queue[0]; head; head = this.queue[0]) {
      if (!this.limiter.tryAccept()) return;
      const now = this.clock.now();
      if (now < head.processAt) return;
      const [done, wait] = await fn(head);
      if (!this.queue.includes(head)) continue;
      if (done) {
        // Out of the queue, but still in the set: it is not queued again until removed.
        this.queue = this.queue.filter((v) => v !== head);
      } else {
        head.processAt = now + wait + 1;
        this.queue.sort((a, b) => a.processAt - b.processAt);
      }
    }
  }

  /** When try() can next make progress (Infinity if nothing waits or evictions are stopped). */
  nextWorkAt(): number {
    const head = this.queue[0];
    if (!head) return Infinity;
    return Math.max(head.processAt, this.limiter.nextTokenAt());
  }

  /** A new rate; a saturated limiter stays saturated so a burst is not granted twice. */
  swapLimiter(qps: number): void {
    if (this.limiter.qps === qps) return;
    this.limiter = new TokenBucket(qps, this.clock, !this.limiter.saturated);
  }
}
