// The delay before a Job replaces a failed Pod: 10 s after the first failure since the last
// success, doubling with each further one, capped (Kubernetes' DefaultJobPodFailureBackOff and
// MaxJobPodFailureBackOff). Failures are remembered per Job in memory, as upstream does.

import { podFinishedTime } from './util.js';
import type { Pod } from './types.js';

export const defaultPodFailureBackoffMs = 10_000;
export const maxPodFailureBackoffMs = 10 * 60_000;

export interface BackoffRecord {
  key: string;
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

export class BackoffStore {
  private records = new Map<string, BackoffRecord>();

  get(key: string): BackoffRecord | undefined {
    return this.records.get(key);
  }

  update(record: BackoffRecord): void {
    this.records.set(record.key, { ...record });
  }

  remove(key: string): void {
    this.records.delete(key);
  }

  /**
   * The record after these newly finished Pods: failures since the last new success are
   * added; a new success resets the count to the failures that finished after it.
   */
  next(key: string, newSucceeded: Pod[], newFailed: Pod[]): BackoffRecord {
    const old = this.records.get(key);
    const record: BackoffRecord = { key, failuresAfterLastSuccess: old?.failuresAfterLastSuccess ?? 0, lastFailureTime: old?.lastFailureTime };
    const succeeded = newSucceeded.map(podFinishedTime).sort((a, b) => a - b);
    const failed = newFailed.map(podFinishedTime).sort((a, b) => a - b);
    if (succeeded.length === 0) {
      if (failed.length === 0) return record;
      record.failuresAfterLastSuccess += failed.length;
      record.lastFailureTime = failed[failed.length - 1];
      return record;
    }
    record.failuresAfterLastSuccess = 0;
    record.lastFailureTime = undefined;
    const lastSuccess = succeeded[succeeded.length - 1];
    for (let i = failed.length - 1; i >= 0; i--) {
      if (failed[i] <= lastSuccess) break;
      record.lastFailureTime ??= failed[i];
      record.failuresAfterLastSuccess++;
    }
    return record;
  }
}

/** The back-off for this many consecutive failures: base × 2^(n-1), capped. */
export function backoffDuration(failures: number, baseMs = defaultPodFailureBackoffMs, maxMs = maxPodFailureBackoffMs): number {
  if (failures <= 0) return 0;
  let d = baseMs;
  for (let i = 1; i < failures; i++) {
    d *= 2;
    if (d >= maxMs) return maxMs;
  }
  return Math.min(d, maxMs);
}

/** How long until a replacement may be created; 0 when it may be now. */
export function remainingBackoff(now: number, failures: number, lastFailureTime: number | undefined, baseMs = defaultPodFailureBackoffMs, maxMs = maxPodFailureBackoffMs): number {
  if (failures === 0 || lastFailureTime === undefined) return 0;
  const d = backoffDuration(failures, baseMs, maxMs);
  const elapsed = now - lastFailureTime;
  return d < elapsed ? 0 : d - elapsed;
}
