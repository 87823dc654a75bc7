// The CronJob controller (pkg/controller/cronjob, the v2 controller of Kubernetes 1.32): at
// each time its schedule names, a CronJob creates a Job from its template, named
// `<cronjob>-<scheduled time in minutes since the epoch>` so the same time never runs twice,
// annotated with the scheduled time. concurrencyPolicy says what happens when the previous
// run still goes (Allow, Forbid: skip, Replace: delete it first); startingDeadlineSeconds how
// late a missed time may still start; the history limits how many finished Jobs stay. Each
// CronJob is requeued on the clock for its next scheduled time.

import { controllerOf, deepCopy, objectKey, splitKey, type OwnerReference } from '../api/object.js';
import { loadLocationError, nextScheduleTime as cronNext, parseCronSchedule, type CronSchedule } from '../api/helpers/cron.js';
import { rfc3339 } from '../machinery/clock.js';
import type { Informer } from '../client/informer.js';
import { R } from '../client/resources.js';
import { Controller, type ControllerContext, type Result, type Runnable } from './controller.js';
import { ClientEventRecorder, type EventRecorder } from './events.js';
import { CronJobScheduledTimestampAnnotation, type CronJob, type Job, type ObjectReference } from './job/types.js';
import { finishedCondition, isJobFinished, isJobSucceeded, rfc1123z } from './job/util.js';

/** Requeues land this long after the scheduled time, for clock skew. */
export const nextScheduleDeltaMs = 100;

export type MissedSchedules = 'none' | 'few' | 'many';

/** A parsed schedule in its zone: the first activation after a time (ms), if any. */
export interface Schedule {
  next(afterMs: number): number | undefined;
}

export function scheduleOf(parsed: CronSchedule): Schedule {
  return { next: (after) => cronNext(parsed, new Date(after))?.getTime() };
}

/**
 * formatSchedule: a `TZ=` in the schedule itself wins (and is warned about); otherwise a valid
 * spec.timeZone is prefixed; without either the controller's local zone applies.
 */
export function formatSchedule(cj: CronJob, warn?: (reason: string, message: string) => void): string {
  const schedule = cj.spec.schedule;
  if (schedule.includes('TZ')) {
    warn?.(
      'UnsupportedSchedule',
      `CRON_TZ or TZ used in schedule ${JSON.stringify(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
    );
    return schedule;
  }
  const tz = cj.spec.timeZone;
  if (tz !== undefined && tz !== null) {
    if (loadLocationError(tz) !== undefined) return schedule;
    return `TZ=${tz} ${schedule}`;
  }
  return schedule;
}

export interface MostRecent {
  earliest: number;
  mostRecent?: number;
  missed: MissedSchedules;
  error?: string;
}

/**
 * mostRecentScheduleTime: from the last schedule (or creation, or now less the starting
 * deadline), the latest scheduled time not after now, and whether (many) times were missed.
 */
export function mostRecentScheduleTime(cj: CronJob, now: number, schedule: Schedule, includeStartingDeadline: boolean): MostRecent {
  let earliest = Date.parse(cj.metadata.creationTimestamp ?? '') || 0;
  if (cj.status?.lastScheduleTime) earliest = Date.parse(cj.status.lastScheduleTime);
  const sds = cj.spec.startingDeadlineSeconds;
  if (includeStartingDeadline && sds !== undefined && sds !== null) {
    const deadline = now - sds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = t1 === undefined ? undefined : schedule.next(t1);
  if (t1 !== undefined && now < t1) return { earliest, missed: 'none' };
  if (t1 !== undefined && t2 !== undefined && now < t2) return { earliest, mostRecent: t1, missed: 'none' };
  if (t1 === undefined || t2 === undefined || Math.round((t2 - t1) / 1000) < 1) {
    // A schedule that parses but never fires (the 31st of February).
    return { earliest, missed: 'none', error: 'time difference between two schedules is less than 1 second' };
  }
  const between = Math.round((t2 - t1) / 1000);
  const elapsed = Math.trunc((now - t1) / 1000);
  const missedCount = Math.trunc(elapsed / between) + 1;
  // Start one interval before the estimate and let the schedule find the real times.
  const potentialEarliest = t1 + (missedCount - 2) * between * 1000;
  let mostRecent: number | undefined;
  for (let t = schedule.next(potentialEarliest); t !== undefined && t <= now; t = schedule.next(t)) mostRecent = t;
  const missed: MissedSchedules = missedCount > 100 ? 'many' : missedCount > 0 ? 'few' : 'none';
  return mostRecent === undefined ? { earliest, missed } : { earliest, mostRecent, missed };
}

/** How long until the next scheduled time (plus the skew delta), from now. */
export function nextScheduleTimeDuration(cj: CronJob, now: number, schedule: Schedule): number | undefined {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  let from: number;
  if (r.error) from = now;
  else if (r.mostRecent === undefined) from = r.missed === 'none' ? r.earliest : now;
  else from = r.mostRecent;
  const next = schedule.next(from);
  return next === undefined ? undefined : next + nextScheduleDeltaMs - now;
}

/** Go's Time.Format(time.RFC3339) of an instant in an IANA zone ('' is UTC). */
export function rfc3339InZone(ms: number, zone: string | undefined): string {
  const whole = Math.floor(ms / 1000) * 1000;
  if (!zone || zone === 'UTC') return rfc3339(whole);
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(whole))) parts[p.type] = p.value;
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  const offsetMin = Math.round((wall - whole) / 60_000);
  const local = new Date(wall).toISOString().slice(0, 19);
  if (offsetMin === 0) return `${local}Z`;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The deterministic Job name of a scheduled time: the time in minutes since the epoch. */
export function jobNameFor(cj: CronJob, scheduledMs: number): string {
  return `${cj.metadata.name}-${Math.floor(Math.floor(scheduledMs / 1000) / 60)}`;
}

/** getJobFromTemplate2: the Job a CronJob creates for a scheduled time. */
export function jobFromTemplate(cj: CronJob, scheduledMs: number): Job {
  const meta = cj.spec.jobTemplate.metadata ?? {};
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
  annotations[CronJobScheduledTimestampAnnotation] = rfc3339InZone(scheduledMs, cj.spec.timeZone ?? '');
  const job: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj, scheduledMs),
      annotations,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: deepCopy(cj.spec.jobTemplate.spec),
  };
  if (meta.labels && Object.keys(meta.labels).length) job.metadata.labels = { ...meta.labels };
  return job;
}

function startTimeOf(j: Job): number | undefined {
  const s = j.status?.startTime;
  return s ? Date.parse(s) : undefined;
}

/** byJobStartTime: started before not started, earlier first, then by name. */
function byStartTime(a: Job, b: Job): number {
  const sa = startTimeOf(a);
  const sb = startTimeOf(b);
  if (sa === undefined && sb !== undefined) return 1;
  if (sa !== undefined && sb === undefined) return -1;
  if (sa === sb) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  return sa! - sb!;
}

function namespaceTerminating(e: unknown): boolean {
  return ((e as { details?: { causes?: { reason?: string }[] } }).details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

export interface CronJobControllerOptions {
  /** Concurrent CronJob syncs (--concurrent-cron-job-syncs, 5). */
  workers?: number;
  /** Events are recorded as the `cronjob-controller` component unless given a recorder. */
  recorder?: EventRecorder;
}

interface SyncOutcome {
  requeueAfter?: number;
  updateStatus: boolean;
  error?: unknown;
}

export class CronJobController implements Runnable {
  readonly recorder: EventRecorder;
  private readonly cronJobs: Informer;
  private readonly jobs: Informer;
  private readonly controller: Controller;

  constructor(
    private readonly ctx: ControllerContext,
    opts: CronJobControllerOptions = {},
  ) {
    this.recorder = opts.recorder ?? new ClientEventRecorder(ctx.client, 'cronjob-controller', ctx.clock, ctx.log);
    this.cronJobs = ctx.informers.informerFor(R.cronjobs);
    this.jobs = ctx.informers.informerFor(R.jobs);
    this.controller = new Controller('cronjob-controller', ctx, { reconcile: (key) => this.sync(key) }, opts.workers ?? 5);
    this.cronJobs.addEventHandler({
      onAdd: (cj) => this.controller.enqueue(objectKey(cj)),
      onUpdate: (o, n) => this.updateCronJob(o as CronJob, n as CronJob),
      onDelete: (cj) => this.controller.enqueue(objectKey(cj)),
    });
    this.jobs.addEventHandler({
      onAdd: (j) => this.jobChanged(j as Job),
      onUpdate: (o, n) => {
        if (o.metadata.resourceVersion === n.metadata.resourceVersion) return;
        const before = controllerOf(o);
        const after = controllerOf(n);
        if (before && JSON.stringify(before) !== JSON.stringify(after)) this.enqueueOwner(n.metadata.namespace ?? '', before);
        if (after) this.enqueueOwner(n.metadata.namespace ?? '', after);
      },
      onDelete: (j) => this.jobChanged(j as Job),
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.controller.start(signal);
  }

  private jobChanged(job: Job): void {
    const ref = controllerOf(job);
    if (ref) this.enqueueOwner(job.metadata.namespace ?? '', ref);
  }

  private resolveControllerRef(namespace: string, ref: OwnerReference): CronJob | undefined {
    if (ref.kind !== 'CronJob') return undefined;
    const cj = this.cronJobs.get(namespace, ref.name) as CronJob | undefined;
    return cj && cj.metadata.uid === ref.uid ? cj : undefined;
  }

  private enqueueOwner(namespace: string, ref: OwnerReference): void {
    const cj = this.resolveControllerRef(namespace, ref);
    if (cj) this.controller.enqueue(objectKey(cj));
  }

  /** A changed schedule or zone requeues for the new next time; anything else syncs now. */
  private updateCronJob(old: CronJob, cur: CronJob): void {
    const key = objectKey(cur);
    if (old.spec?.schedule !== cur.spec?.schedule || (old.spec?.timeZone ?? null) !== (cur.spec?.timeZone ?? null)) {
      const parsed = parseCronSchedule(formatSchedule(cur));
      if (!parsed.ok) {
        this.recorder.event(cur, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cur.spec.schedule}`);
        return;
      }
      const d = nextScheduleTimeDuration(cur, this.ctx.clock.now(), scheduleOf(parsed.schedule));
      if (d !== undefined) this.controller.queue.addAfter(key, d);
      return;
    }
    this.controller.enqueue(key);
  }

  private async sync(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const shared = this.cronJobs.get(namespace, name) as CronJob | undefined;
    if (!shared) return;
    // Every Job this CronJob controls, also those whose labels no longer match its template.
    const jobs = (this.jobs.list(namespace) as Job[]).filter((j) => {
      const ref = controllerOf(j);
      return ref && ref.kind === 'CronJob' && ref.name === shared.metadata.name;
    });
    const work = { cj: deepCopy(shared) };
    const cleaned = await this.cleanupFinishedJobs(work.cj, jobs);
    const outcome = await this.syncCronJob(work, jobs);
    if (outcome.error) this.ctx.log(`cronjob-controller: ${key}: ${(outcome.error as Error).message ?? outcome.error}`);
    if (cleaned || outcome.updateStatus) await this.updateStatus(work.cj);
    if (outcome.requeueAfter !== undefined) return { requeueAfter: Math.max(0, outcome.requeueAfter) };
    // No requeue (suspended, or a schedule that cannot run) unless the sync failed.
    if (outcome.error) throw outcome.error;
  }

  private async updateStatus(cj: CronJob): Promise<void> {
    const status = { ...(cj.status ?? {}) };
    if (!status.active || status.active.length === 0) delete status.active;
    await this.ctx.client.update(R.cronjobs, cj.metadata.namespace ?? '', { ...cj, status }, { subresource: 'status' });
  }

  private async getJob(namespace: string, name: string): Promise<Job | undefined> {
    return (await this.ctx.client.get(R.jobs, namespace, name)) as Job | undefined;
  }

  private async syncCronJob(work: { cj: CronJob }, jobs: Job[]): Promise<SyncOutcome> {
    const now = this.ctx.clock.now();
    let updateStatus = false;
    const children = new Set<string>();
    for (const j of jobs) {
      const uid = j.metadata.uid!;
      children.add(uid);
      const found = inActiveList(work.cj, uid);
      if (!found && !isJobFinished(j)) {
        // Perhaps our own status write is not in the cache yet: ask the API server.
        let fresh: CronJob | undefined;
        try {
          fresh = (await this.ctx.client.get(R.cronjobs, work.cj.metadata.namespace ?? '', work.cj.metadata.name!)) as CronJob | undefined;
        } catch (e) {
          return { updateStatus, error: e };
        }
        if (fresh && inActiveList(fresh, uid)) {
          work.cj = deepCopy(fresh);
          continue;
        }
        this.recorder.event(work.cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      } else if (isJobFinished(j)) {
        if (found) {
          deleteFromActiveList(work.cj, uid);
          this.recorder.event(work.cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${finishedCondition(j)!.type}`);
          updateStatus = true;
        }
        if (isJobSucceeded(j)) {
          // A successful Job need not be active to move lastSuccessfulTime.
          const completed = j.status?.completionTime;
          const status = (work.cj.status ??= {});
          if (!status.lastSuccessfulTime) {
            if (completed) status.lastSuccessfulTime = completed;
            updateStatus = true;
          }
          if (completed && status.lastSuccessfulTime && Date.parse(completed) > Date.parse(status.lastSuccessfulTime)) {
            status.lastSuccessfulTime = completed;
            updateStatus = true;
          }
        }
      }
    }

    // Active Jobs that are gone would keep the CronJob active forever.
    for (const ref of [...(work.cj.status?.active ?? [])]) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        const live = await this.getJob(ref.namespace ?? work.cj.metadata.namespace ?? '', ref.name ?? '');
        if (!live) {
          this.recorder.event(work.cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
          deleteFromActiveList(work.cj, ref.uid ?? '');
          updateStatus = true;
        }
      } catch (e) {
        return { updateStatus, error: e };
      }
    }

    const cj = work.cj;
    // Being deleted: only the status is kept current.
    if (cj.metadata.deletionTimestamp) return { updateStatus };

    const tz = cj.spec.timeZone;
    if (tz !== undefined && tz !== null) {
      const problem = loadLocationError(tz);
      if (problem !== undefined) {
        this.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: ${problem}`);
        return { updateStatus };
      }
    }
    if (cj.spec.suspend === true) return { updateStatus };

    const parsed = parseCronSchedule(formatSchedule(cj, (reason, message) => this.recorder.event(cj, 'Warning', reason, message)));
    if (!parsed.ok) {
      this.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${parsed.error}`);
      return { updateStatus };
    }
    const schedule = scheduleOf(parsed.schedule);
    const recent = mostRecentScheduleTime(cj, now, schedule, true);
    if (recent.mostRecent === undefined || recent.mostRecent > now) {
      if (recent.error) {
        this.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec.schedule} : ${recent.error}`);
        return { updateStatus };
      }
      // Nothing due yet: come back at the next time.
      return { updateStatus, requeueAfter: nextScheduleTimeDuration(cj, now, schedule) };
    }
    if (recent.missed === 'many') {
      this.recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
    const scheduled = recent.mostRecent;
    const next = () => nextScheduleTimeDuration(cj, now, schedule);

    const sds = cj.spec.startingDeadlineSeconds;
    if (sds !== undefined && sds !== null && scheduled + sds * 1000 < now) {
      this.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return { updateStatus, requeueAfter: next() };
    }
    const name = jobNameFor(cj, scheduled);
    const lastScheduled = cj.status?.lastScheduleTime ? Date.parse(cj.status.lastScheduleTime) : undefined;
    if ((cj.status?.active ?? []).some((r) => r.name === name && (r.namespace ?? cj.metadata.namespace) === cj.metadata.namespace) || lastScheduled === Math.floor(scheduled / 1000) * 1000) {
      // This time was handled already.
      return { updateStatus, requeueAfter: next() };
    }
    if (cj.spec.concurrencyPolicy === 'Forbid' && (cj.status?.active ?? []).length > 0) {
      // Still running: this time is skipped.
      this.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { updateStatus, requeueAfter: next() };
    }
    if (cj.spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...(cj.status?.active ?? [])]) {
        let job: Job | undefined;
        try {
          job = await this.getJob(ref.namespace ?? cj.metadata.namespace ?? '', ref.name ?? '');
          if (!job) throw Object.assign(new Error(`jobs.batch "${ref.name}" not found`), { code: 404 });
        } catch (e) {
          this.recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${(e as Error).message}`);
          return { updateStatus, error: e };
        }
        if (!(await this.deleteJob(cj, job))) return { updateStatus, error: new Error(`could not replace job ${job.metadata.namespace}/${job.metadata.name}`) };
        updateStatus = true;
      }
    }

    const request = jobFromTemplate(cj, scheduled);
    let created: Job;
    try {
      created = (await this.ctx.client.create(R.jobs, cj.metadata.namespace ?? '', request)) as Job;
      this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    } catch (e) {
      if (namespaceTerminating(e)) return { updateStatus, error: e };
      if ((e as { code?: number }).code === 409 && (e as { reason?: string }).reason === 'AlreadyExists') {
        // Created before, perhaps by us with the status write lost: adopt it into active.
        let existing: Job | undefined;
        try {
          existing = await this.getJob(cj.metadata.namespace ?? '', request.metadata.name!);
        } catch (err) {
          return { updateStatus, error: err };
        }
        if (!existing) return { updateStatus, error: e };
        if (controllerOf(existing)?.uid !== cj.metadata.uid) return { updateStatus };
        if (inActiveList(cj, existing.metadata.uid!)) return { updateStatus };
        created = existing;
      } else {
        this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
        return { updateStatus, error: e };
      }
    }
    const status = (cj.status ??= {});
    status.active = [...(status.active ?? []), jobRef(created)];
    status.lastScheduleTime = rfc3339(scheduled);
    return { updateStatus: true, requeueAfter: next() };
  }

  /** Keeps at most the history limits of finished Jobs, deleting the oldest. */
  private async cleanupFinishedJobs(cj: CronJob, jobs: Job[]): Promise<boolean> {
    const okLimit = cj.spec.successfulJobsHistoryLimit;
    const failLimit = cj.spec.failedJobsHistoryLimit;
    if ((okLimit === undefined || okLimit === null) && (failLimit === undefined || failLimit === null)) return false;
    const succeeded: Job[] = [];
    const failed: Job[] = [];
    for (const j of jobs) {
      const c = finishedCondition(j);
      if (c?.type === 'Complete') succeeded.push(j);
      else if (c?.type === 'Failed') failed.push(j);
    }
    let update = false;
    if (okLimit !== undefined && okLimit !== null && (await this.removeOldestJobs(cj, succeeded, okLimit))) update = true;
    if (failLimit !== undefined && failLimit !== null && (await this.removeOldestJobs(cj, failed, failLimit))) update = true;
    return update;
  }

  private async removeOldestJobs(cj: CronJob, jobs: Job[], max: number): Promise<boolean> {
    const n = jobs.length - max;
    if (n <= 0) return false;
    let update = false;
    for (const j of [...jobs].sort(byStartTime).slice(0, n)) if (await this.deleteJob(cj, j)) update = true;
    return update;
  }

  /** Deletes a Job and its Pods (background propagation) and drops it from active. */
  private async deleteJob(cj: CronJob, job: Job): Promise<boolean> {
    try {
      await this.ctx.client.delete(R.jobs, job.metadata.namespace ?? '', job.metadata.name!, { propagationPolicy: 'Background' });
    } catch (e) {
      this.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(e as Error).message}`);
      return false;
    }
    deleteFromActiveList(cj, job.metadata.uid!);
    this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    return true;
  }
}

function inActiveList(cj: CronJob, uid: string): boolean {
  return (cj.status?.active ?? []).some((r) => r.uid === uid);
}

function deleteFromActiveList(cj: CronJob, uid: string): void {
  if (!cj.status) return;
  cj.status.active = (cj.status.active ?? []).filter((r) => r.uid !== uid);
}

function jobRef(job: Job): ObjectReference {
  return { kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion };
}

/** The CronJob controller as the controller manager runs it. */
export function cronJobController(ctx: ControllerContext, opts: CronJobControllerOptions = {}): CronJobController {
  return new CronJobController(ctx, opts);
}
