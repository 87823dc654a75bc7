// The raw store's write rate: SqliteStorage.create of pod-sized objects, with one writer
// awaiting each write (an fsync per write) and with many writers whose writes share a
// group commit. This is the ceiling the API server's create rate is measured against.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { benchPod } from './pod-fixture.js';
import { rate, summarize, type LatencySummary } from './stats.js';
import { closedLoop, nowMs } from './load.js';

export interface StoreWriteFigures {
  /** Concurrent writers; 0 means every write issued at once (one burst). */
  writers: number;
  writes: number;
  elapsedMs: number;
  perSecond: number;
  latency: LatencySummary;
}

/** Writes `writes` pods into a fresh store file with `writers` concurrent writers. */
export async function measureStoreWrites(writers: number, writes: number): Promise<StoreWriteFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelite-bench-store-'));
  const storage = new SqliteStorage({ path: join(dir, 'state.db') });
  try {
    const key = (i: number) => `/registry/pods/default/bench-${writers}-${String(i).padStart(6, '0')}`;
    const pods = Array.from({ length: writes }, (_, i) => benchPod(`bench-${writers}-${i}`));
    if (writers === 0) {
      const latencies: number[] = [];
      const start = nowMs();
      await Promise.all(pods.map((pod, i) => storage.create(key(i), pod).then(() => latencies.push(nowMs() - start))));
      const elapsedMs = nowMs() - start;
      return { writers, writes, elapsedMs, perSecond: rate(writes, elapsedMs), latency: summarize(latencies) };
    }
    const run = await closedLoop({
      clients: writers,
      operations: writes,
      op: async (i) => {
        await storage.create(key(i), pods[i]);
      },
    });
    return { writers, writes: run.operations, elapsedMs: run.elapsedMs, perSecond: rate(run.operations, run.elapsedMs), latency: summarize(run.latencies) };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
