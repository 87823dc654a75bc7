// The TTL-after-finished controller (pkg/controller/ttlafterfinished): a finished Job with
// spec.ttlSecondsAfterFinished is deleted that many seconds after its Complete or Failed
// condition appeared, with its Pods (foreground propagation, as upstream, guarded by a uid
// precondition). The wait runs on the controller's clock.

import { splitKey, objectKey } from '../api/object.js';
import type { Informer } from '../client/informer.js';
import { R } from '../client/resources.js';
import { Controller, type ControllerContext, type Result, type Runnable } from './controller.js';
import type { Job } from './job/types.js';
import { finishedCondition } from './job/util.js';

/** A finished Job with a TTL. */
export function needsCleanup(job: Job): boolean {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  return ttl !== undefined && ttl !== null && finishedCondition(job) !== undefined;
}

/** When a finished Job with a TTL expires (ms), from its terminal condition. */
export function expiresAt(job: Job): number | undefined {
  if (!needsCleanup(job)) return undefined;
  const t = finishedCondition(job)!.lastTransitionTime;
  const finished = t ? Date.parse(t) : NaN;
  if (Number.isNaN(finished)) return undefined;
  return finished + job.spec.ttlSecondsAfterFinished! * 1000;
}

export interface TTLAfterFinishedOptions {
  /** --concurrent-ttl-after-finished-syncs (5). */
  workers?: number;
}

export class TTLAfterFinishedController implements Runnable {
  private readonly jobs: Informer;
  private readonly controller: Controller;

  constructor(
    private readonly ctx: ControllerContext,
    opts: TTLAfterFinishedOptions = {},
  ) {
    this.jobs = ctx.informers.informerFor(R.jobs);
    this.controller = new Controller('ttl-after-finished-controller', ctx, { reconcile: (key) => this.processJob(key) }, opts.workers ?? 5);
    const consider = (j: Job) => {
      if (!j.metadata.deletionTimestamp && needsCleanup(j)) this.controller.enqueue(objectKey(j));
    };
    this.jobs.addEventHandler({ onAdd: (j) => consider(j as Job), onUpdate: (_o, n) => consider(n as Job) });
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.controller.start(signal);
  }

  /** Whether the Job is due for deletion, or how long until it is. */
  private processTTL(job: Job): { due: boolean; requeueAfter?: number } {
    if (job.metadata.deletionTimestamp || !needsCleanup(job)) return { due: false };
    const at = expiresAt(job);
    if (at === undefined) throw new Error(`unable to find the time when the Job ${job.metadata.namespace}/${job.metadata.name} finished`);
    const left = at - this.ctx.clock.now();
    return left <= 0 ? { due: true } : { due: false, requeueAfter: left };
  }

  private async processJob(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const cached = this.jobs.get(namespace, name) as Job | undefined;
    if (!cached) return;
    const first = this.processTTL(cached);
    if (!first.due) return first.requeueAfter !== undefined ? { requeueAfter: first.requeueAfter } : undefined;
    // The cache may be stale (the TTL changed): decide again on a fresh read.
    const fresh = (await this.ctx.client.get(R.jobs, namespace, name)) as Job | undefined;
    if (!fresh) return;
    const again = this.processTTL(fresh);
    if (!again.due) return again.requeueAfter !== undefined ? { requeueAfter: again.requeueAfter } : undefined;
    try {
      await this.ctx.client.delete(R.jobs, namespace, name, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata.uid } });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }
}

export function ttlAfterFinishedController(ctx: ControllerContext, opts: TTLAfterFinishedOptions = {}): TTLAfterFinishedController {
  return new TTLAfterFinishedController(ctx, opts);
}
