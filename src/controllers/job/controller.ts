// The Job controller (pkg/controller/job as Kubernetes 1.32 runs it, with JobManagedBy,
// JobPodReplacementPolicy, JobSuccessPolicy, JobBackoffLimitPerIndex and PodIndexLabel on):
// it runs a Job's Pods to completion — `completions` successes with at most `parallelism`
// running, replacing failed Pods after an exponential back-off until `backoffLimit` — and
// reports progress in the Job's status.
//
// Pods are counted with the `batch.kubernetes.io/job-tracking` finalizer: a finished Pod is
// first written to status.uncountedTerminatedPods, then its finalizer is removed, then it moves
// into the succeeded/failed counters, so no Pod is counted twice or lost when Pods are deleted.
// A finished Job first gets SuccessCriteriaMet or FailureTarget and, once no Pod is left
// running or terminating, Complete or Failed.

import { controllerOf, deepCopy, objectKey, splitKey, type KubeObject, type OwnerReference } from '../../api/object.js';
import { rfc3339 } from '../../machinery/clock.js';
import { selectorFromLabelSelector, type Selector } from '../../machinery/labels.js';
import type { Informer } from '../../client/informer.js';
import { R } from '../../client/resources.js';
import { Controller, type ControllerContext, type Reconciler, type Result, type Runnable } from '../controller.js';
import { ClientEventRecorder, type EventRecorder } from '../events.js';
import { BackoffStore, defaultPodFailureBackoffMs, maxPodFailureBackoffMs, remainingBackoff, type BackoffRecord } from './backoff.js';
import { ControllerExpectations, UIDTrackingExpectations } from './expectations.js';
import { OrderedIntervals, completionIndexOf } from './intervals.js';
import { matchPodFailurePolicy, matchSuccessPolicy } from './policies.js';
import {
  JobCompletionIndexAnnotation,
  JobConditionType,
  JobControllerName,
  JobIndexFailureCountAnnotation,
  JobIndexIgnoredFailureCountAnnotation,
  JobReason,
  JobTrackingFinalizer,
  type Container,
  type Job,
  type JobCondition,
  type JobStatus,
  type Pod,
  type PodTemplateSpec,
} from './types.js';
import { compareActivePods, findCondition, hasTrackingFinalizer, int, isJobFinished, isPodActive, isPodReady, isPodTerminating, podFinishedTime, podRestarts } from './util.js';

/** Finished Pods counted per status write, keeping uncountedTerminatedPods small. */
export const maxUncountedPods = 500;
/** Pods created or deleted in one sync. */
export const maxPodCreateDeletePerSync = 500;
const completionIndexEnvName = 'JOB_COMPLETION_INDEX';
const maxGeneratedNameLength = 58;

export interface JobControllerOptions {
  /** Concurrent Job syncs (kube-controller-manager's --concurrent-job-syncs, 5). */
  workers?: number;
  /** Pod events and status updates are batched this long before a sync (upstream: 1 s). */
  syncBatchPeriodMs?: number;
  /** Events are recorded as the `job-controller` component unless given a recorder. */
  recorder?: EventRecorder;
}

interface SyncContext {
  key: string;
  job: Job;
  pods: Pod[];
  activePods: Pod[];
  finishedCondition?: JobCondition;
  succeeded: number;
  failed: number;
  prevSucceededIndexes: OrderedIntervals;
  succeededIndexes: OrderedIntervals;
  failedIndexes?: OrderedIntervals;
  newBackoffRecord: BackoffRecord;
  expectedRmFinalizers: ReadonlySet<string>;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  podsWithDelayedDeletionPerIndex: Map<number, Pod>;
  terminating: number;
  ready: number;
}

// ---- small predicates (upstream's helpers of the same names) ----

function isIndexed(job: Job): boolean {
  return job.spec.completionMode === 'Indexed';
}

function hasBackoffLimitPerIndex(job: Job): boolean {
  return job.spec.backoffLimitPerIndex !== undefined && job.spec.backoffLimitPerIndex !== null;
}

function completionsOf(job: Job): number | undefined {
  const c = job.spec.completions;
  return c === undefined || c === null ? undefined : c;
}

function suspended(job: Job): boolean {
  return job.spec.suspend === true;
}

/** PodReplacementPolicy Failed (or a pod failure policy): only Pods that failed are replaced. */
function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec.podReplacementPolicy === 'Failed' || !!job.spec.podFailurePolicy;
}

function isPodFailed(pod: Pod, job: Job): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  // A deleted Pod counts as failed: an orphan may never reach the Failed phase.
  return !!pod.metadata.deletionTimestamp && phase !== 'Succeeded';
}

function indexOf(pod: Pod): number {
  return completionIndexOf(pod.metadata.annotations, JobCompletionIndexAnnotation);
}

function validIndex(job: Job, ix: number): boolean {
  return ix !== -1 && ix < (completionsOf(job) ?? 0);
}

function parseCount(v: string | undefined): number {
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n < 0 || n > 2147483647 ? 0 : n;
}

function indexFailureCount(pod: Pod): number {
  return parseCount(pod.metadata.annotations?.[JobIndexFailureCountAnnotation]);
}

function indexAbsoluteFailureCount(pod: Pod): number {
  return indexFailureCount(pod) + parseCount(pod.metadata.annotations?.[JobIndexIgnoredFailureCountAnnotation]);
}

function managedByExternalController(job: Job): string | undefined {
  const m = job.spec?.managedBy;
  return m && m !== JobControllerName ? m : undefined;
}

function newCondition(type: string, status: 'True' | 'False', reason: string, message: string, now: number): JobCondition {
  const t = rfc3339(now);
  const c: JobCondition = { type, status, lastProbeTime: t, lastTransitionTime: t };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/**
 * Sets a condition to a status (and reason, message), appending it if missing — except that a
 * missing condition is not added as False. Returns whether the list changed.
 */
function ensureCondition(status: JobStatus, type: string, s: 'True' | 'False', reason: string, message: string, now: number): boolean {
  const list = (status.conditions ??= []);
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i];
    if (c.status !== s || (c.reason ?? '') !== reason || (c.message ?? '') !== message) {
      list[i] = newCondition(type, s, reason, message, now);
      return true;
    }
    return false;
  }
  if (s !== 'False') {
    list.push(newCondition(type, s, reason, message, now));
    return true;
  }
  return false;
}

function errorReason(e: unknown): { code?: number; message: string } {
  return { code: (e as { code?: number }).code, message: (e as Error).message ?? String(e) };
}

function isNotFound(e: unknown): boolean {
  return (e as { code?: number }).code === 404;
}

function namespaceTerminating(e: unknown): boolean {
  return ((e as { details?: { causes?: { reason?: string }[] } }).details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

/** The status as the API shows it: zero counters and empty lists left out. */
function tidyStatus(status: JobStatus): JobStatus {
  const out: JobStatus = { ...status };
  for (const k of ['active', 'succeeded', 'failed'] as const) if (!out[k]) delete out[k];
  if (!out.completedIndexes) delete out.completedIndexes;
  if (!out.conditions || out.conditions.length === 0) delete out.conditions;
  const u = out.uncountedTerminatedPods ?? {};
  const uncounted: { succeeded?: string[]; failed?: string[] } = {};
  if (u.succeeded?.length) uncounted.succeeded = [...u.succeeded];
  if (u.failed?.length) uncounted.failed = [...u.failed];
  out.uncountedTerminatedPods = uncounted;
  return out;
}

function podGenerateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > maxGeneratedNameLength ? prefix.slice(0, maxGeneratedNameLength - suffix.length) + suffix : prefix;
}

function addCompletionIndexEnv(container: Container): void {
  const env = (container.env ??= []);
  if (env.some((e) => e.name === completionIndexEnvName)) return;
  env.push({ name: completionIndexEnvName, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${JobCompletionIndexAnnotation}']` } } });
}

export class JobController implements Runnable {
  readonly recorder: EventRecorder;
  private readonly jobs: Informer;
  private readonly pods: Informer;
  private readonly main: Controller;
  private readonly orphans: Controller;
  private readonly expectations: ControllerExpectations;
  private readonly finalizerExpectations = new UIDTrackingExpectations();
  private readonly backoff = new BackoffStore();
  private readonly batchMs: number;

  constructor(
    private readonly ctx: ControllerContext,
    opts: JobControllerOptions = {},
  ) {
    this.recorder = opts.recorder ?? new ClientEventRecorder(ctx.client, 'job-controller', ctx.clock, ctx.log);
    this.batchMs = opts.syncBatchPeriodMs ?? 1000;
    this.expectations = new ControllerExpectations(ctx.clock);
    this.jobs = ctx.informers.informerFor(R.jobs);
    this.pods = ctx.informers.informerFor(R.pods);
    const sync: Reconciler = { reconcile: (key) => this.syncJob(key) };
    const orphan: Reconciler = { reconcile: (key) => this.syncOrphanPod(key) };
    this.main = new Controller('job-controller', ctx, sync, opts.workers ?? 5);
    this.orphans = new Controller('job-orphan-pod', ctx, orphan, 1);
    this.jobs.addEventHandler({
      onAdd: (j) => this.main.enqueue(objectKey(j)),
      onUpdate: (o, n) => this.updateJob(o as Job, n as Job),
      onDelete: (j) => {
        this.main.enqueue(objectKey(j));
        this.cleanupPodFinalizers(j as Job);
      },
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.addPod(p as Pod),
      onUpdate: (o, n) => this.updatePod(o as Pod, n as Pod),
      onDelete: (p) => this.deletePod(p as Pod, true),
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    await Promise.all([this.main.start(signal), this.orphans.start(signal)]);
  }

  /** Runs one sync of a Job now (tests). */
  sync(key: string): Promise<Result | void> {
    return this.syncJob(key);
  }

  // ---- event handlers ----

  private enqueueBatched(key: string, delay = this.batchMs): void {
    this.main.queue.addAfter(key, Math.max(delay, this.batchMs));
  }

  private enqueueOrphan(pod: Pod): void {
    this.orphans.enqueue(objectKey(pod));
  }

  private resolveControllerRef(namespace: string, ref: OwnerReference): Job | undefined {
    if (ref.kind !== 'Job') return undefined;
    const job = this.jobs.get(namespace, ref.name) as Job | undefined;
    return job && job.metadata.uid === ref.uid ? job : undefined;
  }

  /** Jobs whose selector matches an orphan Pod's labels (possible adopters). */
  private podJobs(pod: Pod): Job[] {
    if (!pod.metadata.labels || Object.keys(pod.metadata.labels).length === 0) return [];
    return (this.jobs.list(pod.metadata.namespace) as Job[]).filter((j) => {
      let sel: Selector;
      try {
        sel = selectorFromLabelSelector(j.spec?.selector);
      } catch {
        return false;
      }
      return !sel.isEmpty() && sel.matches(pod.metadata.labels);
    });
  }

  private addPod(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) {
      // Seen for the first time already being deleted: not a creation to observe.
      this.deletePod(pod, false);
      return;
    }
    const ref = controllerOf(pod);
    if (ref) {
      const job = this.resolveControllerRef(pod.metadata.namespace ?? '', ref);
      if (!job) return;
      const key = objectKey(job);
      this.expectations.creationObserved(key);
      this.enqueueBatched(key);
      return;
    }
    if (hasTrackingFinalizer(pod)) this.enqueueOrphan(pod);
    for (const job of this.podJobs(pod)) this.enqueueBatched(objectKey(job));
  }

  private updatePod(old: Pod, cur: Pod): void {
    if (cur.metadata.resourceVersion === old.metadata.resourceVersion) return;
    if (cur.metadata.deletionTimestamp) {
      // Replacements are made as soon as a Pod starts terminating, not when it is gone.
      this.deletePod(cur, false);
      return;
    }
    const finalizerRemoved = !hasTrackingFinalizer(cur);
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    const ns = cur.metadata.namespace ?? '';
    if (refChanged && oldRef) {
      const job = this.resolveControllerRef(ns, oldRef);
      if (job) {
        if (finalizerRemoved) this.finalizerExpectations.finalizerRemovalObserved(objectKey(job), cur.metadata.uid!);
        this.enqueueBatched(objectKey(job));
      }
    }
    if (curRef) {
      const job = this.resolveControllerRef(ns, curRef);
      if (!job) return;
      if (finalizerRemoved) this.finalizerExpectations.finalizerRemovalObserved(objectKey(job), cur.metadata.uid!);
      this.enqueueBatched(objectKey(job));
      return;
    }
    if (hasTrackingFinalizer(cur)) this.enqueueOrphan(cur);
    const labelsChanged = JSON.stringify(cur.metadata.labels ?? {}) !== JSON.stringify(old.metadata.labels ?? {});
    if (labelsChanged || refChanged) for (const job of this.podJobs(cur)) this.enqueueBatched(objectKey(job));
  }

  private deletePod(pod: Pod, final: boolean): void {
    const ref = controllerOf(pod);
    const hasFinalizer = hasTrackingFinalizer(pod);
    if (!ref) {
      // Maybe a Job's Pod whose owner reference the garbage collector removed.
      if (hasFinalizer) this.enqueueOrphan(pod);
      return;
    }
    const job = this.resolveControllerRef(pod.metadata.namespace ?? '', ref);
    if (!job || isJobFinished(job)) {
      // syncJob will not remove this finalizer.
      if (hasFinalizer) this.enqueueOrphan(pod);
      return;
    }
    const key = objectKey(job);
    this.expectations.deletionObserved(key);
    if (final || !hasFinalizer) this.finalizerExpectations.finalizerRemovalObserved(key, pod.metadata.uid!);
    this.enqueueBatched(key);
  }

  private updateJob(old: Job, cur: Job): void {
    const key = objectKey(cur);
    if (cur.metadata.generation === old.metadata.generation) this.enqueueBatched(key);
    else this.main.enqueue(key);
    // A finished Job keeps no finalizers on its Pods; this is the backup for any left.
    if (isJobFinished(cur)) this.cleanupPodFinalizers(cur);
    const start = cur.status?.startTime;
    const ads = cur.spec?.activeDeadlineSeconds;
    if (start && ads !== undefined && ads !== null) {
      const oldAds = old.spec?.activeDeadlineSeconds;
      if (oldAds === undefined || oldAds === null || oldAds !== ads) {
        const passed = this.ctx.clock.now() - Date.parse(start);
        this.main.queue.addAfter(key, ads * 1000 - passed);
      }
    }
  }

  private cleanupPodFinalizers(job: Job): void {
    let sel: Selector;
    try {
      sel = selectorFromLabelSelector(job.spec?.selector);
    } catch {
      return;
    }
    for (const pod of this.pods.list(job.metadata.namespace, sel) as Pod[]) {
      if (controllerOf(pod)?.uid === job.metadata.uid && hasTrackingFinalizer(pod)) this.enqueueOrphan(pod);
    }
  }

  // ---- orphan Pods ----

  private async syncOrphanPod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(namespace, name) as Pod | undefined;
    if (!pod) return;
    const ref = controllerOf(pod);
    if (ref) {
      // Owned by something other than a batch/v1 Job: not ours to touch.
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.resolveControllerRef(namespace, ref);
      if (job && managedByExternalController(job)) return;
      // Adopted by a running Job: it keeps its finalizer.
      if (job && !isJobFinished(job)) return;
    }
    await this.removeTrackingFinalizer(pod);
  }

  private async removeTrackingFinalizer(pod: Pod): Promise<void> {
    if (!hasTrackingFinalizer(pod)) return;
    try {
      await this.ctx.client.patch(R.pods, pod.metadata.namespace ?? '', pod.metadata.name!, 'strategic', {
        metadata: { '$deleteFromPrimitiveList/finalizers': [JobTrackingFinalizer] },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  // ---- the sync ----

  private async syncJob(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    if (!namespace || !name) return;
    const shared = this.jobs.get(namespace, name) as Job | undefined;
    if (!shared) {
      this.expectations.delete(key);
      this.finalizerExpectations.delete(key);
      this.backoff.remove(key);
      return;
    }
    // A Job another controller manages (spec.managedBy) is left alone.
    if (managedByExternalController(shared)) return;
    // A finished Job is never touched again.
    if (isJobFinished(shared)) {
      this.backoff.remove(key);
      return;
    }
    const mode = shared.spec.completionMode;
    if (mode !== undefined && mode !== null && mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.recorder.event(shared, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
      return;
    }
    const job = deepCopy(shared);
    const status = (job.status ??= {});
    status.uncountedTerminatedPods ??= {};
    const now = this.ctx.clock.now();

    // Expectations are checked before the Pods are listed, so a Pod created meanwhile cannot
    // slip past them; a sync that sees them unmet only updates status.
    const satisfiedExpectations = this.expectations.satisfied(key);
    const pods = await this.getPodsForJob(job);
    const activePods = pods.filter(isPodActive);
    const uncountedStatus = status.uncountedTerminatedPods;
    const jc: SyncContext = {
      key,
      job,
      pods,
      activePods,
      succeeded: 0,
      failed: 0,
      prevSucceededIndexes: new OrderedIntervals(),
      succeededIndexes: new OrderedIntervals(),
      newBackoffRecord: { key, failuresAfterLastSuccess: 0 },
      expectedRmFinalizers: this.finalizerExpectations.expectedUIDs(key),
      uncounted: { succeeded: new Set(uncountedStatus.succeeded ?? []), failed: new Set(uncountedStatus.failed ?? []) },
      podsWithDelayedDeletionPerIndex: new Map(),
      terminating: pods.filter(isPodTerminating).length,
      ready: activePods.filter(isPodReady).length,
    };
    let active = activePods.length;
    const { succeeded: newSucceededPods, failed: newFailedPods } = this.newFinishedPods(jc);
    jc.succeeded = int(status.succeeded) + newSucceededPods.length + jc.uncounted.succeeded.size;
    jc.failed = int(status.failed) + this.nonIgnoredFailedCount(jc, newFailedPods) + jc.uncounted.failed.size;

    // First start: the clock of activeDeadlineSeconds starts unless the Job is suspended.
    if (!status.startTime && !suspended(job)) status.startTime = rfc3339(now);

    jc.newBackoffRecord = this.backoff.next(key, newSucceededPods, newFailedPods);

    let manageJobErr: unknown;
    const exceedsBackoffLimit = jc.failed > int(job.spec.backoffLimit ?? 6);
    jc.finishedCondition = this.successCriteriaMet(job);
    // Once SuccessCriteriaMet, the pod failure policy no longer matters.
    if (!jc.finishedCondition) {
      const target = findCondition(status.conditions, JobConditionType.FailureTarget);
      if (target && target.status === 'True') {
        jc.finishedCondition = newCondition(JobConditionType.Failed, 'True', target.reason ?? '', target.message ?? '', now);
      } else {
        const message = this.failJobMessage(job, pods);
        if (message !== undefined) jc.finishedCondition = newCondition(JobConditionType.FailureTarget, 'True', JobReason.PodFailurePolicy, message, now);
      }
    }
    if (!jc.finishedCondition) {
      if (exceedsBackoffLimit || this.pastBackoffLimitOnFailure(job, pods)) {
        jc.finishedCondition = newCondition(JobConditionType.FailureTarget, 'True', JobReason.BackoffLimitExceeded, 'Job has reached the specified backoff limit', now);
      } else if (this.pastActiveDeadline(job)) {
        jc.finishedCondition = newCondition(JobConditionType.FailureTarget, 'True', JobReason.DeadlineExceeded, 'Job was active longer than specified deadline', now);
      } else if (job.spec.activeDeadlineSeconds !== undefined && job.spec.activeDeadlineSeconds !== null && !suspended(job)) {
        const remaining = job.spec.activeDeadlineSeconds * 1000 - (now - Date.parse(status.startTime!));
        this.main.queue.addAfter(key, remaining);
      }
    }

    if (isIndexed(job)) {
      const completions = completionsOf(job) ?? 0;
      jc.prevSucceededIndexes = OrderedIntervals.parse(status.completedIndexes, completions);
      const newly = pods.filter((p) => p.status?.phase === 'Succeeded' && validIndex(job, indexOf(p)) && hasTrackingFinalizer(p)).map(indexOf);
      jc.succeededIndexes = jc.prevSucceededIndexes.withIndexes(newly);
      jc.succeeded = jc.succeededIndexes.total();
      if (hasBackoffLimitPerIndex(job)) {
        jc.failedIndexes = this.calculateFailedIndexes(job, pods);
        if (!jc.finishedCondition) {
          const maxFailed = job.spec.maxFailedIndexes;
          if (maxFailed !== undefined && maxFailed !== null && jc.failedIndexes.total() > maxFailed) {
            jc.finishedCondition = newCondition(JobConditionType.FailureTarget, 'True', JobReason.MaxFailedIndexesExceeded, 'Job has exceeded the specified maximal number of failed indexes', now);
          } else if (jc.failedIndexes.total() > 0 && jc.failedIndexes.total() + jc.succeededIndexes.total() >= completions) {
            jc.finishedCondition = newCondition(JobConditionType.FailureTarget, 'True', JobReason.FailedIndexes, 'Job has failed indexes', now);
          }
        }
        jc.podsWithDelayedDeletionPerIndex = this.podsWithDelayedDeletionPerIndex(jc);
      }
      if (!jc.finishedCondition) {
        const msg = matchSuccessPolicy(job.spec.successPolicy, completions, jc.succeededIndexes);
        if (msg !== undefined) jc.finishedCondition = newCondition(JobConditionType.SuccessCriteriaMet, 'True', JobReason.SuccessPolicy, msg, now);
      }
    }

    let suspendCondChanged = false;
    if (jc.finishedCondition) {
      // Finished: whatever still runs is deleted (keeping finalizers, so it is counted).
      const { deletedReady, deleted, error } = await this.deleteActivePods(job, jc.activePods);
      if (deleted !== active || !satisfiedExpectations) {
        // Not final yet: Pods remain, or the cache may not show them all.
        jc.finishedCondition = undefined;
      }
      active -= deleted;
      jc.terminating += deleted;
      jc.ready -= deletedReady;
      manageJobErr = error;
    } else {
      let manageJobCalled = false;
      if (satisfiedExpectations && !job.metadata.deletionTimestamp) {
        try {
          active = await this.manageJob(job, jc);
        } catch (e) {
          manageJobErr = e;
          active = (e as { active?: number }).active ?? active;
        }
        manageJobCalled = true;
      }
      const completions = completionsOf(job);
      // Without completions, any success ends the Job once nothing runs.
      const complete = completions === undefined ? jc.succeeded > 0 && active === 0 : jc.succeeded >= completions && active === 0;
      if (complete) {
        jc.finishedCondition = newCondition(JobConditionType.SuccessCriteriaMet, 'True', JobReason.CompletionsReached, 'Reached expected number of succeeded pods', now);
      } else if (manageJobCalled) {
        if (suspended(job)) {
          if (ensureCondition(status, JobConditionType.Suspended, 'True', 'JobSuspended', 'Job suspended', now)) {
            suspendCondChanged = true;
            this.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else if (ensureCondition(status, JobConditionType.Suspended, 'False', 'JobResumed', 'Job resumed', now)) {
          suspendCondChanged = true;
          this.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts continuous activity: a resumed Job starts afresh.
          status.startTime = rfc3339(now);
        }
      }
    }

    const needsStatusUpdate = suspendCondChanged || active !== int(status.active) || status.ready !== jc.ready || status.terminating !== jc.terminating;
    status.active = active;
    status.ready = jc.ready;
    status.terminating = jc.terminating;
    await this.trackJobStatusAndRemoveFinalizers(jc, needsStatusUpdate);
    if (manageJobErr) throw manageJobErr;
  }

  private successCriteriaMet(job: Job): JobCondition | undefined {
    const c = findCondition(job.status?.conditions, JobConditionType.SuccessCriteriaMet);
    return c && c.status === 'True' ? c : undefined;
  }

  private failJobMessage(job: Job, pods: Pod[]): string | undefined {
    if (!job.spec.podFailurePolicy) return undefined;
    for (const p of pods) {
      if (!isPodFailed(p, job)) continue;
      const m = matchPodFailurePolicy(job.spec.podFailurePolicy, p).failJobMessage;
      if (m !== undefined) return m;
    }
    return undefined;
  }

  /** With restartPolicy OnFailure the kubelet restarts containers; their restarts count. */
  private pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
    if (job.spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
    let restarts = 0;
    for (const p of pods) {
      const phase = p.status?.phase;
      if (phase === 'Running' || phase === 'Pending') restarts += podRestarts(p);
    }
    const limit = int(job.spec.backoffLimit ?? 6);
    return limit === 0 ? restarts > 0 : restarts >= limit;
  }

  private pastActiveDeadline(job: Job): boolean {
    const ads = job.spec.activeDeadlineSeconds;
    const start = job.status?.startTime;
    if (ads === undefined || ads === null || !start || suspended(job)) return false;
    return this.ctx.clock.now() - Date.parse(start) >= ads * 1000;
  }

  /** Pods with the finalizer, not yet counted, (Indexed: with a valid index) passing a filter. */
  private validPods(jc: SyncContext, uncounted: ReadonlySet<string> | undefined, filter: (p: Pod) => boolean): Pod[] {
    return jc.pods.filter((p) => {
      const uid = p.metadata.uid!;
      if (!hasTrackingFinalizer(p) || uncounted?.has(uid) || jc.expectedRmFinalizers.has(uid)) return false;
      if (isIndexed(jc.job) && !validIndex(jc.job, indexOf(p))) return false;
      return filter(p);
    });
  }

  private newFinishedPods(jc: SyncContext): { succeeded: Pod[]; failed: Pod[] } {
    return {
      succeeded: this.validPods(jc, jc.uncounted.succeeded, (p) => p.status?.phase === 'Succeeded'),
      failed: this.validPods(jc, jc.uncounted.failed, (p) => isPodFailed(p, jc.job)),
    };
  }

  private nonIgnoredFailedCount(jc: SyncContext, failed: Pod[]): number {
    const policy = jc.job.spec.podFailurePolicy;
    if (!policy) return failed.length;
    return failed.filter((p) => matchPodFailurePolicy(policy, p).countFailed).length;
  }

  // ---- Indexed Jobs ----

  private isIndexFailed(job: Job, pod: Pod): boolean {
    let counted = false;
    if (isPodFailed(pod, job)) {
      if (job.spec.podFailurePolicy) {
        const m = matchPodFailurePolicy(job.spec.podFailurePolicy, pod);
        if (m.action === 'FailIndex') return true;
        counted = m.countFailed;
      } else {
        counted = true;
      }
    }
    return counted && indexFailureCount(pod) >= int(job.spec.backoffLimitPerIndex);
  }

  private calculateFailedIndexes(job: Job, pods: Pod[]): OrderedIntervals {
    const completions = completionsOf(job) ?? 0;
    const prev = job.status?.failedIndexes !== undefined && job.status.failedIndexes !== null ? OrderedIntervals.parse(job.status.failedIndexes, completions) : new OrderedIntervals();
    const failed = pods.filter((p) => validIndex(job, indexOf(p)) && hasTrackingFinalizer(p) && this.isIndexFailed(job, p)).map(indexOf);
    return prev.withIndexes(failed);
  }

  /**
   * The failed Pod of each index whose finalizer removal waits until its replacement exists, so
   * the replacement can carry the index's failure count.
   */
  private podsWithDelayedDeletionPerIndex(jc: SyncContext): Map<number, Pod> {
    const activeIndexes = new Set(jc.activePods.map(indexOf).filter((i) => i !== -1));
    const out = new Map<number, Pod>();
    this.validPods(jc, undefined, (p) => {
      if (!isPodFailed(p, jc.job)) return false;
      const ix = indexOf(p);
      if (!validIndex(jc.job, ix)) return false;
      if (jc.succeededIndexes.has(ix) || jc.failedIndexes?.has(ix) || activeIndexes.has(ix)) return false;
      const last = out.get(ix);
      if (!last || (indexAbsoluteFailureCount(last) <= indexAbsoluteFailureCount(p) && podFinishedTime(p) >= podFinishedTime(last))) out.set(ix, p);
      return false;
    });
    return out;
  }

  /** The lowest `count` indexes that neither run, succeeded, failed nor (Failed policy) terminate. */
  private firstPendingIndexes(jc: SyncContext, count: number, completions: number): number[] {
    if (count === 0) return [];
    let nonPending = jc.succeededIndexes.withIndexes(jc.activePods.map(indexOf).filter((i) => i !== -1));
    if (onlyReplaceFailedPods(jc.job)) nonPending = nonPending.withIndexes(jc.pods.filter(isPodTerminating).map(indexOf).filter((i) => i !== -1));
    if (jc.failedIndexes) nonPending = nonPending.merge(jc.failedIndexes);
    const out: number[] = [];
    let candidate = 0;
    for (const iv of nonPending.intervals) {
      for (; candidate < completions && out.length < count && candidate < iv.first; candidate++) out.push(candidate);
      if (candidate < iv.last + 1) candidate = iv.last + 1;
    }
    for (; candidate < completions && out.length < count; candidate++) out.push(candidate);
    return out;
  }

  /**
   * Active Pods to delete: for Indexed Jobs every duplicate of an index (keeping the best one),
   * Pods without or beyond a valid index; then, if still short, the first by ActivePods order.
   */
  private activePodsForRemoval(job: Job, pods: Pod[], rmAtLeast: number): Pod[] {
    const rm: Pod[] = [];
    let left: Pod[] = pods;
    if (isIndexed(job)) {
      left = [];
      const completions = completionsOf(job) ?? 0;
      const byIndex = new Map<number, Pod[]>();
      for (const p of pods) {
        const ix = indexOf(p);
        if (ix === -1 || ix >= completions) {
          rm.push(p);
          continue;
        }
        const list = byIndex.get(ix) ?? [];
        list.push(p);
        byIndex.set(ix, list);
      }
      for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
        const same = byIndex.get(ix)!.sort(compareActivePods);
        rm.push(...same.slice(0, -1));
        left.push(same[same.length - 1]);
      }
    }
    if (rm.length < rmAtLeast) {
      const sorted = [...left].sort(compareActivePods);
      rm.push(...sorted.slice(0, rmAtLeast - rm.length));
    }
    return rm;
  }

  // ---- Pods ----

  /**
   * The Pods this Job owns: its own by controller reference (released when they no longer
   * match), plus orphans its selector matches (adopted, with the tracking finalizer).
   */
  private async getPodsForJob(job: Job): Promise<Pod[]> {
    const selector = selectorFromLabelSelector(job.spec.selector);
    const ns = job.metadata.namespace ?? '';
    const out: Pod[] = [];
    let canAdopt: boolean | undefined;
    for (const pod of this.pods.list(ns) as Pod[]) {
      const ref = controllerOf(pod);
      if (ref) {
        if (ref.uid !== job.metadata.uid) continue;
        if (selector.matches(pod.metadata.labels)) {
          out.push(pod);
        } else if (!job.metadata.deletionTimestamp) {
          await this.releasePod(job, pod);
        }
        continue;
      }
      if (job.metadata.deletionTimestamp || pod.metadata.deletionTimestamp || !selector.matches(pod.metadata.labels)) continue;
      canAdopt ??= await this.canAdopt(job);
      if (!canAdopt) continue;
      const adopted = await this.adoptPod(job, pod);
      if (adopted) out.push(adopted);
    }
    return out;
  }

  /** RecheckDeletionTimestamp: adopt only for a live Job, read fresh from the API. */
  private async canAdopt(job: Job): Promise<boolean> {
    const fresh = await this.ctx.client.get(R.jobs, job.metadata.namespace ?? '', job.metadata.name!);
    return !!fresh && fresh.metadata.uid === job.metadata.uid && !fresh.metadata.deletionTimestamp;
  }

  private controllerRef(job: Job): OwnerReference {
    return { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name!, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true };
  }

  private async adoptPod(job: Job, pod: Pod): Promise<Pod | undefined> {
    try {
      await this.ctx.client.patch(R.pods, pod.metadata.namespace ?? '', pod.metadata.name!, 'strategic', {
        metadata: { ownerReferences: [this.controllerRef(job)], uid: pod.metadata.uid, finalizers: [JobTrackingFinalizer] },
      });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
    const copy = deepCopy(pod);
    copy.metadata.ownerReferences = [...(copy.metadata.ownerReferences ?? []), this.controllerRef(job)];
    if (!hasTrackingFinalizer(copy)) copy.metadata.finalizers = [...(copy.metadata.finalizers ?? []), JobTrackingFinalizer];
    return copy;
  }

  private async releasePod(job: Job, pod: Pod): Promise<void> {
    try {
      await this.ctx.client.patch(R.pods, pod.metadata.namespace ?? '', pod.metadata.name!, 'strategic', {
        metadata: { ownerReferences: [{ $patch: 'delete', uid: job.metadata.uid }], uid: pod.metadata.uid },
      });
    } catch (e) {
      if (!isNotFound(e) && (e as { code?: number }).code !== 422) throw e;
    }
  }

  /** A Pod from the Job's template, as GetPodFromTemplate makes it. */
  private podFromTemplate(job: Job, template: PodTemplateSpec, generateName: string): Pod {
    const meta = template.metadata ?? {};
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName, ownerReferences: [this.controllerRef(job)] },
      spec: deepCopy(template.spec),
    };
    if (meta.labels && Object.keys(meta.labels).length) pod.metadata.labels = { ...meta.labels };
    if (meta.annotations && Object.keys(meta.annotations).length) pod.metadata.annotations = { ...meta.annotations };
    if (meta.finalizers?.length) pod.metadata.finalizers = [...meta.finalizers];
    return pod;
  }

  private async createPod(job: Job, template: PodTemplateSpec, generateName: string): Promise<void> {
    const pod = this.podFromTemplate(job, template, generateName);
    if (!pod.metadata.labels) throw new Error('unable to create pods, no labels');
    let created: KubeObject;
    try {
      created = await this.ctx.client.create(R.pods, job.metadata.namespace ?? '', pod);
    } catch (e) {
      if ((e as { code?: number }).code !== 504) this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${errorReason(e).message}`);
      throw e;
    }
    this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  }

  private async deletePodOf(job: Job, pod: Pod): Promise<void> {
    try {
      await this.ctx.client.delete(R.pods, pod.metadata.namespace ?? '', pod.metadata.name!);
    } catch (e) {
      if (isNotFound(e)) throw e;
      this.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errorReason(e).message}`);
      throw new Error(`unable to delete pods: ${errorReason(e).message}`);
    }
    this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
  }

  /** Deletes active Pods of a finished Job, keeping their finalizers so they are counted. */
  private async deleteActivePods(job: Job, pods: Pod[]): Promise<{ deletedReady: number; deleted: number; error?: unknown }> {
    let deleted = pods.length;
    let deletedReady = 0;
    let error: unknown;
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.deletePodOf(job, p);
        } catch (e) {
          if (!isNotFound(e)) {
            deleted--;
            error = e;
          }
        }
        if (isPodReady(p)) deletedReady++;
      }),
    );
    return { deletedReady, deleted, error };
  }

  /** Deletes Pods the Job no longer wants: the finalizer goes first, so they are not counted. */
  private async deleteJobPods(job: Job, key: string, pods: Pod[]): Promise<{ removedReady: number; removed: number; error?: unknown }> {
    let removed = pods.length;
    let removedReady = 0;
    let error: unknown;
    const fail = (e: unknown) => {
      // The informer will not see this deletion.
      this.expectations.deletionObserved(key);
      if (!isNotFound(e)) {
        removed--;
        error = e;
      }
    };
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.removeTrackingFinalizer(p);
        } catch (e) {
          fail(e);
          return;
        }
        try {
          await this.deletePodOf(job, p);
        } catch (e) {
          fail(e);
        }
        if (isPodReady(p)) removedReady++;
      }),
    );
    return { removedReady, removed, error };
  }

  /**
   * Brings the number of running Pods to what the Job wants: none while suspended, otherwise
   * min(parallelism, completions left). Creations wait out the failure back-off. Returns the
   * number of active Pods; an error carries it as `active`.
   */
  private async manageJob(job: Job, jc: SyncContext): Promise<number> {
    let active = jc.activePods.length;
    const parallelism = int(job.spec.parallelism ?? 1);
    const key = jc.key;
    const withActive = (e: unknown) => Object.assign(e as object, { active });

    if (suspended(job)) {
      const toDelete = this.activePodsForRemoval(job, jc.activePods, active);
      this.expectations.expectDeletions(key, toDelete.length);
      const { removedReady, removed, error } = await this.deleteJobPods(job, key, toDelete);
      active -= removed;
      jc.terminating += removed;
      jc.ready -= removedReady;
      if (error) throw withActive(error);
      return active;
    }

    const completions = completionsOf(job);
    let wantActive: number;
    if (completions === undefined) {
      // Without completions: parallelism Pods, until the first success; then leave them be.
      wantActive = jc.succeeded > 0 ? active : parallelism;
    } else {
      wantActive = Math.max(0, Math.min(completions - jc.succeeded, parallelism));
    }

    const rmAtLeast = Math.max(0, active - wantActive);
    let toDelete = this.activePodsForRemoval(job, jc.activePods, rmAtLeast);
    if (toDelete.length > maxPodCreateDeletePerSync) toDelete = toDelete.slice(0, maxPodCreateDeletePerSync);
    if (toDelete.length > 0) {
      this.expectations.expectDeletions(key, toDelete.length);
      const { removedReady, removed, error } = await this.deleteJobPods(job, key, toDelete);
      active -= removed;
      jc.terminating += removed;
      jc.ready -= removedReady;
      // One sync either deletes or creates, deletion first.
      if (error) throw withActive(error);
      return active;
    }

    const terminating = onlyReplaceFailedPods(job) ? jc.terminating : 0;
    let diff = wantActive - terminating - active;
    if (diff <= 0) return active;

    let remaining = 0;
    if (!hasBackoffLimitPerIndex(job)) {
      remaining = remainingBackoff(this.ctx.clock.now(), jc.newBackoffRecord.failuresAfterLastSuccess, jc.newBackoffRecord.lastFailureTime);
    }
    if (remaining > 0) {
      // Replacements wait out the back-off; the running Pods are still active.
      this.enqueueBatched(key, remaining);
      return active;
    }
    diff = Math.min(diff, maxPodCreateDeletePerSync);

    let indexesToAdd: number[] = [];
    if (isIndexed(job)) {
      indexesToAdd = this.firstPendingIndexes(jc, diff, completions ?? 0);
      if (hasBackoffLimitPerIndex(job)) {
        const { now, wait } = this.indexesReadyToCreate(indexesToAdd, jc.podsWithDelayedDeletionPerIndex);
        indexesToAdd = now;
        if (wait > 0) {
          this.enqueueBatched(key, wait);
          return active;
        }
      }
      diff = indexesToAdd.length;
    }

    this.expectations.expectCreations(key, diff);
    active += diff;
    const template = deepCopy(job.spec.template);
    if (isIndexed(job)) {
      for (const c of template.spec.initContainers ?? []) addCompletionIndexEnv(c);
      for (const c of template.spec.containers ?? []) addCompletionIndexEnv(c);
    }
    template.metadata ??= {};
    const finalizers = template.metadata.finalizers ?? [];
    if (!finalizers.includes(JobTrackingFinalizer)) template.metadata.finalizers = [...finalizers, JobTrackingFinalizer];

    let firstError: unknown;
    // Slow start: batches of 1, 2, 4, … so a failing create (quota, admission) stops early.
    for (let batch = Math.min(diff, 1); diff > 0; batch = Math.min(2 * batch, diff)) {
      let errors = 0;
      const batchIndexes = indexesToAdd.splice(0, batch);
      await Promise.all(
        Array.from({ length: batch }, async (_, i) => {
          let podTemplate = template;
          let generateName = `${job.metadata.name}-`;
          const ix = batchIndexes[i];
          if (ix !== undefined) {
            podTemplate = deepCopy(template);
            const meta = (podTemplate.metadata ??= {});
            meta.annotations = { ...(meta.annotations ?? {}), [JobCompletionIndexAnnotation]: String(ix) };
            meta.labels = { ...(meta.labels ?? {}), [JobCompletionIndexAnnotation]: String(ix) };
            podTemplate.spec.hostname = `${job.metadata.name}-${ix}`;
            generateName = podGenerateNameWithIndex(job.metadata.name!, ix);
            if (hasBackoffLimitPerIndex(job)) this.addIndexFailureCountAnnotations(podTemplate, job, jc.podsWithDelayedDeletionPerIndex.get(ix));
          }
          try {
            await this.createPod(job, podTemplate, generateName);
          } catch (e) {
            if (namespaceTerminating(e)) return;
            this.expectations.creationObserved(key);
            active--;
            errors++;
            firstError ??= e;
          }
        }),
      );
      diff -= batch;
      if (errors > 0 && diff > 0) {
        // The rest are retried on a later sync: no longer expected now.
        active -= diff;
        for (let i = 0; i < diff; i++) this.expectations.creationObserved(key);
        break;
      }
    }
    if (firstError) throw withActive(firstError);
    return active;
  }

  private addIndexFailureCountAnnotations(template: PodTemplateSpec, job: Job, replaced: Pod | undefined): void {
    let failures = 0;
    let ignored = 0;
    if (replaced) {
      failures = indexFailureCount(replaced);
      ignored = parseCount(replaced.metadata.annotations?.[JobIndexIgnoredFailureCountAnnotation]);
      if (!job.spec.podFailurePolicy || matchPodFailurePolicy(job.spec.podFailurePolicy, replaced).countFailed) failures++;
      else ignored++;
    }
    const meta = (template.metadata ??= {});
    meta.annotations = { ...(meta.annotations ?? {}), [JobIndexFailureCountAnnotation]: String(failures) };
    if (ignored > 0) meta.annotations[JobIndexIgnoredFailureCountAnnotation] = String(ignored);
  }

  /** backoffLimitPerIndex: the indexes whose own back-off is over, or the shortest wait. */
  private indexesReadyToCreate(indexes: number[], delayed: Map<number, Pod>): { now: number[]; wait: number } {
    const now: number[] = [];
    let min: number | undefined;
    for (const ix of indexes) {
      const last = delayed.get(ix);
      const wait = last ? remainingBackoff(this.ctx.clock.now(), indexAbsoluteFailureCount(last) + 1, podFinishedTime(last), defaultPodFailureBackoffMs, maxPodFailureBackoffMs) : 0;
      if (wait === 0) now.push(ix);
      else if (min === undefined || wait < min) min = wait;
    }
    return now.length > 0 ? { now, wait: 0 } : { now, wait: min ?? 0 };
  }

  // ---- status ----

  private async updateStatus(job: Job): Promise<Job> {
    const body: Job = { ...job, status: tidyStatus(job.status ?? {}) };
    const updated = deepCopy((await this.ctx.client.update(R.jobs, job.metadata.namespace ?? '', body, { subresource: 'status' })) as Job);
    updated.status ??= {};
    updated.status.uncountedTerminatedPods ??= {};
    return updated;
  }

  /**
   * Counts finished Pods: records them in uncountedTerminatedPods, removes their finalizers,
   * moves them into the counters, and declares the Job finished once nothing is left.
   */
  private async trackJobStatusAndRemoveFinalizers(jc: SyncContext, needsFlushIn: boolean): Promise<void> {
    let needsFlush = needsFlushIn;
    const indexed = isIndexed(jc.job);
    const status = jc.job.status!;
    const uncounted = status.uncountedTerminatedPods!;
    const completions = completionsOf(jc.job) ?? 0;
    const newSucceededIndexes: number[] = [];
    const pods = indexed ? [...jc.pods].sort((a, b) => indexOf(a) - indexOf(b)) : jc.pods;
    const uidsWithFinalizer = new Set<string>();
    for (const p of pods) if (hasTrackingFinalizer(p) && !jc.expectedRmFinalizers.has(p.metadata.uid!)) uidsWithFinalizer.add(p.metadata.uid!);

    if (cleanUncountedPodsWithoutFinalizers(status, uidsWithFinalizer)) needsFlush = true;
    const toRemoveFinalizer: Pod[] = [];
    let reachedMaxUncountedPods = false;
    for (const pod of pods) {
      const uid = pod.metadata.uid!;
      if (!hasTrackingFinalizer(pod) || jc.expectedRmFinalizers.has(uid)) continue; // counted before
      const failed = isPodFailed(pod, jc.job);
      if (!this.canRemoveFinalizer(jc, pod, failed)) continue;
      toRemoveFinalizer.push(pod);
      if (pod.status?.phase === 'Succeeded' && !jc.uncounted.failed.has(uid)) {
        if (indexed) {
          // The index is enough to avoid counting a success twice.
          const ix = indexOf(pod);
          if (ix !== -1 && ix < completions && !jc.prevSucceededIndexes.has(ix)) {
            newSucceededIndexes.push(ix);
            needsFlush = true;
          }
        } else if (!jc.uncounted.succeeded.has(uid)) {
          needsFlush = true;
          (uncounted.succeeded ??= []).push(uid);
        }
      } else if (failed || (jc.finishedCondition && !isSuccessCriteriaMet(jc.finishedCondition))) {
        // A Job that failed counts every Pod still running as failed.
        const ix = indexOf(pod);
        if (!jc.uncounted.failed.has(uid) && (!indexed || (ix !== -1 && ix < completions))) {
          if (!jc.job.spec.podFailurePolicy || matchPodFailurePolicy(jc.job.spec.podFailurePolicy, pod).countFailed) {
            needsFlush = true;
            (uncounted.failed ??= []).push(uid);
          }
        }
      }
      if (newSucceededIndexes.length + (uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) >= maxUncountedPods) {
        // The rest wait for the next sync, which the status update triggers.
        reachedMaxUncountedPods = true;
        break;
      }
    }
    if (indexed) {
      jc.succeededIndexes = jc.succeededIndexes.withIndexes(newSucceededIndexes);
      const text = jc.succeededIndexes.toString();
      if (text !== (status.completedIndexes ?? '')) needsFlush = true;
      status.succeeded = jc.succeededIndexes.total();
      status.completedIndexes = text;
      const failedText = jc.failedIndexes ? jc.failedIndexes.toString() : undefined;
      if (failedText !== status.failedIndexes) {
        if (failedText === undefined) delete status.failedIndexes;
        else status.failedIndexes = failedText;
        needsFlush = true;
      }
    }
    const now = this.ctx.clock.now();
    if (jc.finishedCondition && jc.finishedCondition.type === JobConditionType.FailureTarget) {
      // The interim FailureTarget is written before finalizers go; Failed follows.
      (status.conditions ??= []).push(jc.finishedCondition);
      needsFlush = true;
      jc.finishedCondition = newCondition(JobConditionType.Failed, 'True', jc.finishedCondition.reason ?? '', jc.finishedCondition.message ?? '', now);
    }
    if (jc.finishedCondition && isSuccessCriteriaMet(jc.finishedCondition)) {
      if (!this.successCriteriaMet(jc.job)) {
        (status.conditions ??= []).push(jc.finishedCondition);
        needsFlush = true;
      }
      jc.finishedCondition = newCondition(JobConditionType.Complete, 'True', jc.finishedCondition.reason ?? '', jc.finishedCondition.message ?? '', now);
    }
    needsFlush = await this.flushUncountedAndRemoveFinalizers(jc, toRemoveFinalizer, uidsWithFinalizer, needsFlush);
    const finished = !reachedMaxUncountedPods && this.enactJobFinished(jc);
    if (finished) needsFlush = true;
    if (needsFlush) {
      jc.job = await this.updateStatus(jc.job);
      if (finished) this.recordJobFinished(jc.job, jc.finishedCondition!);
    }
  }

  /**
   * A Pod's finalizer may go when the Job is being deleted or has finished, the Pod succeeded,
   * or it failed (unless, with backoffLimitPerIndex, it waits for its replacement).
   */
  private canRemoveFinalizer(jc: SyncContext, pod: Pod, failed: boolean): boolean {
    if (jc.job.metadata.deletionTimestamp || jc.finishedCondition || pod.status?.phase === 'Succeeded') return true;
    if (!failed) return false;
    if (hasBackoffLimitPerIndex(jc.job)) {
      const ix = indexOf(pod);
      if (ix !== -1) {
        const p = jc.podsWithDelayedDeletionPerIndex.get(ix);
        if (p && p.metadata.uid === pod.metadata.uid) return false;
      }
    }
    return true;
  }

  private async flushUncountedAndRemoveFinalizers(jc: SyncContext, pods: Pod[], uidsWithFinalizer: Set<string>, needsFlushIn: boolean): Promise<boolean> {
    let needsFlush = needsFlushIn;
    if (needsFlush) {
      jc.job = await this.updateStatus(jc.job);
      this.backoff.update(jc.newBackoffRecord);
      needsFlush = false;
    }
    let rmError: unknown;
    if (pods.length > 0) {
      this.finalizerExpectations.expectFinalizersRemoved(jc.key, pods.map((p) => p.metadata.uid!));
      await Promise.all(
        pods.map(async (p) => {
          try {
            await this.removeTrackingFinalizer(p);
            uidsWithFinalizer.delete(p.metadata.uid!);
          } catch (e) {
            // No update will show this removal: stop expecting it.
            this.finalizerExpectations.finalizerRemovalObserved(jc.key, p.metadata.uid!);
            rmError ??= e;
          }
        }),
      );
    }
    if (cleanUncountedPodsWithoutFinalizers(jc.job.status!, uidsWithFinalizer)) needsFlush = true;
    if (rmError && needsFlush) jc.job = await this.updateStatus(jc.job);
    if (rmError) throw rmError;
    return needsFlush;
  }

  /** Adds Complete or Failed once every Pod is counted and none is terminating. */
  private enactJobFinished(jc: SyncContext): boolean {
    const cond = jc.finishedCondition;
    if (!cond) return false;
    const status = jc.job.status!;
    const u = status.uncountedTerminatedPods;
    if ((u?.succeeded?.length ?? 0) + (u?.failed?.length ?? 0) > 0) return false;
    if (jc.terminating > 0) return false;
    const now = this.ctx.clock.now();
    ensureCondition(status, cond.type, 'True', cond.reason ?? '', cond.message ?? '', now);
    if (cond.type === JobConditionType.Complete) {
      const c = findCondition(status.conditions, JobConditionType.Complete)!;
      status.completionTime = c.lastTransitionTime;
    }
    return true;
  }

  private recordJobFinished(job: Job, cond: JobCondition): void {
    if (cond.type === JobConditionType.Complete) {
      const completions = completionsOf(job);
      if (completions !== undefined && int(job.status?.succeeded) > completions) {
        this.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
      }
      this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
    } else {
      this.recorder.event(job, 'Warning', cond.reason ?? '', cond.message ?? '');
    }
  }
}

function isSuccessCriteriaMet(c: JobCondition | undefined): boolean {
  return !!c && c.type === JobConditionType.SuccessCriteriaMet && c.status === 'True';
}

/** Moves Pods whose finalizer is gone from uncountedTerminatedPods into the counters. */
function cleanUncountedPodsWithoutFinalizers(status: JobStatus, uidsWithFinalizer: Set<string>): boolean {
  let updated = false;
  const u = (status.uncountedTerminatedPods ??= {});
  const succ = (u.succeeded ?? []).filter((uid) => uidsWithFinalizer.has(uid));
  if (succ.length !== (u.succeeded?.length ?? 0)) {
    updated = true;
    status.succeeded = int(status.succeeded) + (u.succeeded!.length - succ.length);
    u.succeeded = succ;
  }
  const fail = (u.failed ?? []).filter((uid) => uidsWithFinalizer.has(uid));
  if (fail.length !== (u.failed?.length ?? 0)) {
    updated = true;
    status.failed = int(status.failed) + (u.failed!.length - fail.length);
    u.failed = fail;
  }
  return updated;
}

/** The Job controller as the controller manager runs it. */
export function jobController(ctx: ControllerContext, opts: JobControllerOptions = {}): JobController {
  return new JobController(ctx, opts);
}
