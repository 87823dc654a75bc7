// The controller pattern as sample-controller and controller-runtime shape it: informers
// feed keys into a work queue, workers reconcile one key at a time, retries live in the queue.
//
//   controllerFor(ctx, R.replicasets).owns(R.pods).complete(new ReplicaSetReconciler(ctx))

import type { KubeObject } from '../api/object.js';
import { controllerOf, objectKey } from '../api/object.js';
import type { Clock } from '../machinery/clock.js';
import type { Client, ResourceRef } from '../client/interface.js';
import type { InformerFactory } from '../client/informer.js';
import { WorkQueue } from '../client/workqueue.js';
import type { EventRecorder } from './events.js';

export interface Result {
  /** Reconcile this key again after this many ms (e.g. a deadline to check). */
  requeueAfter?: number;
}

export interface Reconciler {
  reconcile(key: string, signal: AbortSignal): Promise<Result | void>;
}

/** A failure that retrying cannot fix: logged, not requeued. */
export class TerminalError extends Error {}

/** Everything long-running: started with a signal, finished when it aborts. */
export interface Runnable {
  start(signal: AbortSignal): Promise<void>;
}

export interface ControllerContext {
  client: Client;
  informers: InformerFactory;
  clock: Clock;
  recorder: EventRecorder;
  log: (msg: string) => void;
}

export class Controller implements Runnable {
  readonly queue: WorkQueue;

  constructor(
    readonly name: string,
    private readonly ctx: ControllerContext,
    private readonly reconciler: Reconciler,
    private readonly workers: number,
  ) {
    this.queue = new WorkQueue(ctx.clock);
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.ctx.informers.waitForSync();
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true });
    await Promise.all(Array.from({ length: this.workers }, () => this.worker(signal)));
  }

  private async worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        const result = await this.reconciler.reconcile(key, signal);
        this.queue.forget(key);
        if (result?.requeueAfter !== undefined) this.queue.addAfter(key, result.requeueAfter);
      } catch (e) {
        if (signal.aborted) {
          this.queue.done(key);
          return;
        }
        if (e instanceof TerminalError) {
          this.ctx.log(`${this.name}: ${key}: ${e.message}`);
          this.queue.forget(key);
        } else {
          const conflict = (e as { reason?: string }).reason === 'Conflict';
          if (!conflict) this.ctx.log(`${this.name}: reconcile ${key} failed: ${(e as Error).message}`);
          this.queue.addRateLimited(key);
        }
      } finally {
        this.queue.done(key);
      }
    }
  }
}

export class ControllerBuilder {
  private ownedRefs: ResourceRef[] = [];
  private watched: { ref: ResourceRef; map: (obj: KubeObject) => string[] }[] = [];
  private controllerName: string;
  private workerCount = 2;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly primary: ResourceRef,
  ) {
    this.controllerName = `${primary.kind.toLowerCase()}-controller`;
  }

  /** Events on children map to their controller owner of the primary kind. */
  owns(child: ResourceRef): this {
    this.ownedRefs.push(child);
    return this;
  }

  /** Events on another resource map to keys by a function. */
  watches(ref: ResourceRef, map: (obj: KubeObject) => string[]): this {
    this.watched.push({ ref, map });
    return this;
  }

  named(name: string): this {
    this.controllerName = name;
    return this;
  }

  withWorkers(n: number): this {
    this.workerCount = n;
    return this;
  }

  complete(reconciler: Reconciler): Controller {
    const c = new Controller(this.controllerName, this.ctx, reconciler, this.workerCount);
    const enqueue = (obj: KubeObject) => c.enqueue(objectKey(obj));
    this.ctx.informers.informerFor(this.primary).addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
    const kind = this.primary.kind;
    const group = this.primary.group;
    for (const child of this.ownedRefs) {
      const toOwner = (obj: KubeObject) => {
        const ref = controllerOf(obj);
        if (!ref || ref.kind !== kind || (ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '') !== group) return;
        c.enqueue(this.primary.namespaced ? `${obj.metadata.namespace}/${ref.name}` : ref.name);
      };
      this.ctx.informers.informerFor(child).addEventHandler({
        onAdd: toOwner,
        onUpdate: (oldObj, newObj) => {
          toOwner(newObj);
          const a = controllerOf(oldObj);
          const b = controllerOf(newObj);
          if (a && (!b || a.uid !== b.uid)) toOwner(oldObj);
        },
        onDelete: toOwner,
      });
    }
    for (const w of this.watched) {
      const map = (obj: KubeObject) => w.map(obj).forEach((k) => c.enqueue(k));
      this.ctx.informers.informerFor(w.ref).addEventHandler({
        onAdd: map,
        onUpdate: (o, n) => {
          map(o);
          map(n);
        },
        onDelete: map,
      });
    }
    return c;
  }
}

export function controllerFor(ctx: ControllerContext, primary: ResourceRef): ControllerBuilder {
  return new ControllerBuilder(ctx, primary);
}
