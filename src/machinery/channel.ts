// An unbounded-by-default push queue consumed as an AsyncIterable: the bridge between
// callbacks (a store commit, a socket) and `for await` consumers (a watch response).

export class Channel<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<T>) => void) | undefined;
  private failer: ((e: unknown) => void) | undefined;
  private closed = false;
  private error: unknown;
  private closers: (() => void)[] = [];

  /** @param capacity when exceeded, the channel fails with an overflow error (slow consumer). */
  constructor(private readonly capacity = Infinity) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(item: T): boolean {
    if (this.closed) return false;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      this.failer = undefined;
      w({ value: item, done: false });
      return true;
    }
    if (this.length >= this.capacity) {
      this.fail(new Error('consumer too slow: channel capacity exceeded'));
      return false;
    }
    this.items.push(item);
    return true;
  }

  /**
   * Runs `fn` once when the channel closes, however it closes: the producer's close() or
   * fail(), or the consumer leaving its `for await` early (return()). Producers release what
   * feeds the channel here.
   */
  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closers.push(fn);
  }

  private runClosers(): void {
    for (const fn of this.closers.splice(0)) fn();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.runClosers();
    if (this.waiter && this.length === 0) {
      const w = this.waiter;
      this.waiter = undefined;
      this.failer = undefined;
      w({ value: undefined, done: true });
    }
  }

  fail(error: unknown): void {
    if (this.closed) return;
    this.error = error;
    this.closed = true;
    this.runClosers();
    this.items = [];
    this.head = 0;
    if (this.failer) {
      const f = this.failer;
      this.waiter = undefined;
      this.failer = undefined;
      f(error);
    }
  }

  private shift(): T {
    const item = this.items[this.head];
    // Let go of it at once: a watch's queue may hold a deleted object's every event long
    // after the consumer has them, until the array is compacted.
    this.items[this.head++] = undefined as T;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.length > 0) return Promise.resolve({ value: this.shift(), done: false });
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failer = reject;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: async () => {
        this.close();
        this.items = [];
        this.head = 0;
        return { value: undefined, done: true };
      },
    };
  }
}
