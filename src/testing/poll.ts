// Polling for tests: call fn until it returns a truthy value or time runs out. A throw counts
// as "not yet" (the thing polled for may not exist yet); the timeout error carries the last
// value or error seen, so a failing test says what it was looking at.

export interface PollOptions {
  timeoutMs: number;
  /** What is awaited, for the timeout message. */
  what: string;
  intervalMs: number;
}

export async function poll<T>(fn: () => T | Promise<T>, o: PollOptions): Promise<NonNullable<T>> {
  const deadline = Date.now() + o.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${o.timeoutMs} ms waiting for ${o.what} (last: ${seen})`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs));
  }
}
