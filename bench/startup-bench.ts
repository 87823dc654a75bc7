// Cold start of `kubelite up`, from exec to its ready line: on a fresh data directory (PKI,
// schema and bootstrap objects made from scratch) and on an existing one (all reloaded).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubelite, type KubeliteLaunch } from './kubelite-process.js';
import { median } from './stats.js';

export interface StartupFigures {
  kind: 'fresh' | 'existing';
  runsMs: number[];
  medianMs: number;
  /** What the process itself reports (from startCluster to ready, without node's own start). */
  reportedMedianMs: number;
}

type LaunchBase = Omit<KubeliteLaunch, 'dataDir'>;

/** Starts and stops kubelite `runs` times on a new data directory each time. */
export async function measureFreshStarts(launch: LaunchBase, runs: number): Promise<StartupFigures> {
  const wall: number[] = [];
  const reported: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'kubelite-bench-fresh-'));
    try {
      const k = await startKubelite({ ...launch, dataDir });
      wall.push(k.readyWallMs);
      reported.push(k.readyReportedMs);
      await k.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { kind: 'fresh', runsMs: wall, medianMs: median(wall), reportedMedianMs: median(reported) };
}

/** Starts kubelite once to make a data directory, then `runs` restarts on it. */
export async function measureRestarts(launch: LaunchBase, runs: number): Promise<StartupFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelite-bench-existing-'));
  try {
    await (await startKubelite({ ...launch, dataDir })).stop();
    const wall: number[] = [];
    const reported: number[] = [];
    for (let i = 0; i < runs; i++) {
      const k = await startKubelite({ ...launch, dataDir });
      wall.push(k.readyWallMs);
      reported.push(k.readyReportedMs);
      await k.stop();
    }
    return { kind: 'existing', runsMs: wall, medianMs: median(wall), reportedMedianMs: median(reported) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
