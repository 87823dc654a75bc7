// Automatic compaction, as the Kubernetes API server does it: every interval, history older
// than the revision seen one interval ago is dropped, so watches can resume within that window
// and older resourceVersions get 410 Gone. A floor of retained revisions keeps short bursts
// resumable too.

import type { Storage } from '../../storage/interface.js';

export interface CompactionOptions {
  intervalMs: number;
  minRetainedRevisions: number;
}

export const defaultCompaction: CompactionOptions = { intervalMs: 5 * 60_000, minRetainedRevisions: 1000 };

export class Compactor {
  private timer: NodeJS.Timeout | undefined;
  private lastSeen = 0;
  private readonly options: CompactionOptions;

  constructor(
    private readonly storage: Storage,
    private readonly log: (msg: string) => void,
    options?: Partial<CompactionOptions>,
  ) {
    this.options = { ...defaultCompaction, ...options } satisfies CompactionOptions;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: compact up to the revision the previous round saw. */
  async tick(): Promise<void> {
    try {
      const current = await this.storage.currentRevision();
      const target = Math.min(this.lastSeen, current - this.options.minRetainedRevisions);
      this.lastSeen = current;
      if (target > (await this.storage.compactedRevision())) await this.storage.compact(target);
    } catch (e) {
      this.log(`compaction failed: ${(e as Error).message}`);
    }
  }
}
