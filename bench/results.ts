// Everything one benchmark run measures, in one value: what run.ts fills in and report.ts
// turns into the summary table and docs/benchmarks.md.

import type { KubectlFigures } from './kubectl-bench.js';
import type { MachineDescription } from './machine.js';
import type { CreateFigures, ThroughputFigures, WholeListFigures } from './server-bench.js';
import type { StartupFigures } from './startup-bench.js';
import type { StoreWriteFigures } from './store-bench.js';

export interface BenchResults {
  machine: MachineDescription;
  /** What ran the server: the built bundle (bin/kubelite.js) or the sources through tsx. */
  server: 'bundle' | 'source';
  /** Wall time of the whole run. */
  durationMs: number;
  /** The 1-minute load average as the run ended; the run's own kubectl phase accounts for about 2. */
  loadAverageAtEnd: number;
  store: StoreWriteFigures[];
  creates: CreateFigures[];
  gets: ThroughputFigures[];
  pagedLists: ThroughputFigures[];
  pageSize: number;
  wholeLists: WholeListFigures[];
  podCount: number;
  kubectlTable: KubectlFigures;
  kubectlJson: KubectlFigures;
  freshStart: StartupFigures;
  restart: StartupFigures;
  /** Resident memory of the idle server: after start, after loading the pods, after everything. */
  rssAfterStart: number;
  rssAfterPods: number;
  rssAtEnd: number;
  /** Server CPU, in ms per second, in the seconds after the pods were loaded. */
  idleCpuAfterPods: number;
  /** Whether the cluster's scheduler took the pods, or they named a scheduler that does not run. */
  scheduled: boolean;
}
