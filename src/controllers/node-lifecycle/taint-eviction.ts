// The taint eviction controller (pkg/controller/tainteviction, "taint-eviction-controller"):
// pods on a node with NoExecute taints they do not tolerate are deleted at once; those that
// tolerate them for tolerationSeconds are deleted when the shortest of those runs out (300 s
// for not-ready and unreachable, by the DefaultTolerationSeconds admission); a toleration
// without seconds keeps the pod for good. Before deleting, the pod gets the DisruptionTarget
// condition. Taints lifted (or the pod's tolerations changed) cancel the scheduled deletion.
// Events: TaintManagerEviction "Marking for deletion Pod ns/name" and "Cancelling deletion of
// Pod ns/name".

import type { KubeObject } from '../../api/object.js';
import { deepCopy, objectKey } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { R } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { TimerQueue } from '../../machinery/timer-queue.js';
import type { ControllerContext, Runnable } from '../controller.js';
import { ClientEventRecorder, type EventRecorder } from '../events.js';
import { getMatchingTolerations, minTolerationMs, taintsOf, tolerationsOf, updatePodCondition, writePodStatus, type PodCondition, type Taint } from './taints.js';

export interface TaintEvictionOptions {
  /** Events (component taint-eviction-controller); default a recorder of its own. */
  recorder?: EventRecorder;
}

interface ScheduledEviction {
  createdAt: number;
  fireAt: number;
  /** Done: the key stays, so the pod is not scheduled again until cancelled (as upstream). */
  fired: boolean;
}

function code(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

function nodeNameOf(pod: KubeObject | undefined): string {
  return (pod?.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
}

function noExecute(taints: Taint[]): Taint[] {
  return taints.filter((t) => t.effect === 'NoExecute');
}

export class TaintEvictionController implements Runnable {
  private readonly recorder: EventRecorder;
  private pods!: Informer;
  private nodes!: Informer;
  /** NoExecute taints of each tainted node. */
  private readonly taintedNodes = new Map<string, Taint[]>();
  private readonly podsByNode = new Map<string, Set<string>>();
  private readonly scheduled = new Map<string, ScheduledEviction>();
  private readonly timers: TimerQueue;
  private readonly deletions: WorkQueue;

  constructor(
    private readonly ctx: ControllerContext,
    opts: TaintEvictionOptions = {},
  ) {
    this.recorder = opts.recorder ?? new ClientEventRecorder(ctx.client, 'taint-eviction-controller', ctx.clock, ctx.log);
    this.deletions = new WorkQueue(ctx.clock);
    this.timers = new TimerQueue(ctx.clock, (key) => this.deletions.add(key));
  }

  async start(signal: AbortSignal): Promise<void> {
    this.pods = this.ctx.informers.informerFor(R.pods);
    this.nodes = this.ctx.informers.informerFor(R.nodes);
    await this.ctx.informers.waitForSync();
    // Handlers after the sync see every cached object as an add, nodes first.
    this.nodes.addEventHandler({
      onAdd: (n) => this.nodeUpdated(undefined, n),
      onUpdate: (o, n) => this.nodeUpdated(o, n),
      onDelete: (n) => this.nodeUpdated(n, undefined),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.podUpdated(undefined, p),
      onUpdate: (o, p) => this.podUpdated(o, p),
      onDelete: (p) => this.podUpdated(p, undefined),
    });
    signal.addEventListener(
      'abort',
      () => {
        this.timers.stop();
        this.deletions.shutDown();
      },
      { once: true },
    );
    await Promise.all(Array.from({ length: 8 }, () => this.worker()));
  }

  /** Pods with a deletion scheduled, and when (for tests and describe-like views). */
  scheduledEvictions(): Map<string, number> {
    return new Map([...this.scheduled].filter(([, v]) => !v.fired).map(([k, v]) => [k, v.fireAt]));
  }

  // ---- events from the informers ----

  private podUpdated(old: KubeObject | undefined, pod: KubeObject | undefined): void {
    const key = objectKey((pod ?? old)!);
    const oldNode = nodeNameOf(old);
    const newNode = nodeNameOf(pod);
    if (oldNode && oldNode !== newNode) this.podsByNode.get(oldNode)?.delete(key);
    if (pod && newNode) {
      let set = this.podsByNode.get(newNode);
      if (!set) this.podsByNode.set(newNode, (set = new Set()));
      set.add(key);
    }
    if (old && pod && oldNode === newNode && JSON.stringify(tolerationsOf(old)) === JSON.stringify(tolerationsOf(pod))) return;
    if (!pod) {
      this.podsByNode.get(oldNode)?.delete(key);
      this.cancel(key);
      return;
    }
    if (!newNode) return;
    const taints = this.taintedNodes.get(newNode);
    if (!taints) return;
    this.processPodOnNode(key, pod, taints, this.ctx.clock.now());
  }

  private nodeUpdated(old: KubeObject | undefined, node: KubeObject | undefined): void {
    const name = (node ?? old)!.metadata.name!;
    const oldTaints = noExecute(taintsOf(old));
    const taints = noExecute(taintsOf(node));
    if (old && node && JSON.stringify(oldTaints) === JSON.stringify(taints)) return;
    if (!node) {
      this.taintedNodes.delete(name);
      return;
    }
    if (taints.length === 0) this.taintedNodes.delete(name);
    else this.taintedNodes.set(name, taints);
    const pods = [...(this.podsByNode.get(name) ?? [])];
    if (pods.length === 0) return;
    if (taints.length === 0) {
      for (const key of pods) this.cancel(key);
      return;
    }
    const now = this.ctx.clock.now();
    for (const key of pods) {
      const slash = key.indexOf('/');
      const pod = this.pods.get(key.slice(0, slash), key.slice(slash + 1));
      if (pod && nodeNameOf(pod) === name) this.processPodOnNode(key, pod, taints, now);
    }
  }

  private processPodOnNode(key: string, pod: KubeObject, taints: Taint[], now: number): void {
    const { allTolerated, used } = getMatchingTolerations(taints, tolerationsOf(pod));
    if (!allTolerated) {
      // Deleted right away: a pending later deletion is cancelled first.
      this.cancel(key);
      this.schedule(key, now, now);
      return;
    }
    const min = minTolerationMs(used);
    if (min < 0) {
      this.cancel(key);
      return;
    }
    let startTime = now;
    const trigger = now + min;
    const existing = this.scheduled.get(key);
    if (existing && !existing.fired) {
      startTime = existing.createdAt;
      if (startTime + min < trigger) return;
      this.cancel(key);
    }
    this.schedule(key, startTime, startTime + min);
  }

  private schedule(key: string, createdAt: number, fireAt: number): void {
    if (this.scheduled.has(key)) return;
    this.scheduled.set(key, { createdAt, fireAt, fired: false });
    this.timers.schedule(key, fireAt);
  }

  private cancel(key: string): void {
    if (!this.scheduled.delete(key)) return;
    this.timers.cancel(key);
    const slash = key.indexOf('/');
    this.recorder.event(this.podRef(key.slice(0, slash), key.slice(slash + 1)), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  private podRef(namespace: string, name: string): KubeObject {
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace } };
  }

  // ---- deleting ----

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.deletions.get();
      if (key === undefined) return;
      try {
        const entry = this.scheduled.get(key);
        if (entry && !entry.fired) {
          entry.fired = true;
          await this.evict(key);
        }
      } catch (e) {
        this.ctx.log(`taint-eviction-controller: deleting ${key}: ${(e as Error).message}`);
      } finally {
        this.deletions.done(key);
      }
    }
  }

  private async evict(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const [namespace, name] = [key.slice(0, slash), key.slice(slash + 1)];
    this.recorder.event(this.podRef(namespace, name), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const pod = await this.ctx.client.get(R.pods, namespace, name);
        if (!pod) return;
        const status = deepCopy((pod.status ?? {}) as { conditions?: PodCondition[] });
        const updated = updatePodCondition(
          status,
          { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' },
          this.ctx.clock.now(),
        );
        if (updated) await writePodStatus(this.ctx.client, pod, status);
        await this.ctx.client.delete(R.pods, namespace, name, { preconditions: { uid: pod.metadata.uid } });
        return;
      } catch (e) {
        if (code(e) === 404) return;
        lastError = e;
      }
    }
    throw lastError;
  }
}
