// Small pure helpers shared by the Job, CronJob and TTL-after-finished controllers: whether a
// Job has finished, what state a Pod is in, the order in which surplus Pods are deleted, and
// when a Pod finished.

import { JobConditionType, JobTrackingFinalizer, type Job, type JobCondition, type Pod } from './types.js';

/** The terminal condition (Complete or Failed) of a finished Job, if any. */
export function finishedCondition(job: Job): JobCondition | undefined {
  return (job.status?.conditions ?? []).find((c) => (c.type === JobConditionType.Complete || c.type === JobConditionType.Failed) && c.status === 'True');
}

export function isJobFinished(job: Job): boolean {
  return finishedCondition(job) !== undefined;
}

export function isJobSucceeded(job: Job): boolean {
  return (job.status?.conditions ?? []).some((c) => c.type === JobConditionType.Complete && c.status === 'True');
}

export function findCondition(conditions: JobCondition[] | undefined, type: string): JobCondition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return (pod.metadata.finalizers ?? []).includes(JobTrackingFinalizer);
}

export function podPhase(pod: Pod): string {
  return pod.status?.phase ?? '';
}

/** FilterActivePods: neither finished nor being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** Being deleted but not yet in a terminal phase (CountTerminatingPods). */
export function isPodTerminating(pod: Pod): boolean {
  const phase = podPhase(pod);
  return !!pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function readyTime(pod: Pod): number | undefined {
  const c = (pod.status?.conditions ?? []).find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

function maxContainerRestarts(pod: Pod): number {
  let max = 0;
  for (const s of pod.status?.containerStatuses ?? []) max = Math.max(max, s.restartCount ?? 0);
  return max;
}

function time(v: string | null | undefined): number | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** afterOrZero: an unset time sorts first, then later before earlier. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * controller.ActivePods ordering: the Pods to delete first come first — unscheduled before
 * scheduled, Pending before Unknown before Running, not ready before ready, ready for less
 * time before more, more restarts before fewer, newer before older.
 */
export function compareActivePods(a: Pod, b: Pod): number {
  const less = (x: Pod, y: Pod): boolean => {
    const nx = x.spec?.nodeName ?? '';
    const ny = y.spec?.nodeName ?? '';
    if (nx !== ny && (nx === '' || ny === '')) return nx === '';
    const px = phaseOrdinal[podPhase(x)] ?? 0;
    const py = phaseOrdinal[podPhase(y)] ?? 0;
    if (px !== py) return px < py;
    const rx = isPodReady(x);
    const ry = isPodReady(y);
    if (rx !== ry) return !rx;
    if (rx && ry) {
      const tx = readyTime(x);
      const ty = readyTime(y);
      if (tx !== ty) return afterOrZero(tx, ty);
    }
    const cx = maxContainerRestarts(x);
    const cy = maxContainerRestarts(y);
    if (cx !== cy) return cx > cy;
    const ox = time(x.metadata.creationTimestamp);
    const oy = time(y.metadata.creationTimestamp);
    if (ox !== oy) return afterOrZero(ox, oy);
    return false;
  };
  if (less(a, b)) return -1;
  if (less(b, a)) return 1;
  return 0;
}

/**
 * When a Pod finished (getFinishedTime): the last container to terminate, else when it turned
 * not ready, else its deletion time less the grace period, else its creation.
 */
export function podFinishedTime(pod: Pod): number {
  const statuses = pod.status?.containerStatuses ?? [];
  if (statuses.length > 0) {
    let latest: number | undefined;
    let complete = true;
    for (const s of statuses) {
      const at = time(s.state?.terminated?.finishedAt);
      if (at === undefined) {
        complete = false;
        break;
      }
      if (latest === undefined || at > latest) latest = at;
    }
    if (complete && latest !== undefined) return latest;
  }
  const notReady = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready' && c.status === 'False');
  const notReadyAt = time(notReady?.lastTransitionTime);
  if (notReadyAt !== undefined) return notReadyAt;
  const deletedAt = time(pod.metadata.deletionTimestamp);
  if (deletedAt !== undefined) return deletedAt - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return time(pod.metadata.creationTimestamp) ?? 0;
}

/** Restarts of every (init) container of a Pod still Pending or Running. */
export function podRestarts(pod: Pod): number {
  let n = 0;
  for (const s of pod.status?.initContainerStatuses ?? []) n += s.restartCount ?? 0;
  for (const s of pod.status?.containerStatuses ?? []) n += s.restartCount ?? 0;
  return n;
}

/** Status fields that may be absent count as zero. */
export function int(v: number | undefined | null): number {
  return typeof v === 'number' ? v : 0;
}

const rfc1123Days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const rfc1123Months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${rfc1123Days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${rfc1123Months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
