// Closed-loop load: N clients, each issuing its next operation as soon as the last one
// answers, until a number of operations or a deadline is reached. Every operation's latency
// is kept so percentiles are exact.

/** Milliseconds on the system-wide monotonic clock: comparable across processes on one host. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface ClosedLoopOptions {
  clients: number;
  /** Stop issuing after this many operations in total. */
  operations?: number;
  /** Stop issuing after this long. */
  durationMs?: number;
  /** The operation; `i` numbers operations from 0 across all clients. */
  op: (i: number, client: number) => Promise<void>;
}

export interface ClosedLoopResult {
  operations: number;
  elapsedMs: number;
  latencies: number[];
  errors: number;
  firstError?: unknown;
}

export async function closedLoop(opts: ClosedLoopOptions): Promise<ClosedLoopResult> {
  if (opts.operations === undefined && opts.durationMs === undefined) throw new Error('closedLoop needs operations or durationMs');
  const limit = opts.operations ?? Infinity;
  const start = nowMs();
  const deadline = opts.durationMs === undefined ? Infinity : start + opts.durationMs;
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: unknown;
  const client = async (c: number) => {
    while (issued < limit && nowMs() < deadline) {
      const i = issued++;
      const t0 = nowMs();
      try {
        await opts.op(i, c);
        latencies.push(nowMs() - t0);
      } catch (e) {
        errors++;
        firstError ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, (_, c) => client(c)));
  return { operations: latencies.length, elapsedMs: nowMs() - start, latencies, errors, firstError };
}
