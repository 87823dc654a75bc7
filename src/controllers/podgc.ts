// Pod garbage collection (pkg/controller/podgc), every 20 s: finished pods (Succeeded or
// Failed) beyond --terminated-pod-gc-threshold (12500) go, evicted and oldest first; pods bound
// to a node that no longer exists go after a 40 s quarantine (marked Failed with the
// DisruptionTarget condition "PodGC: node no longer exists"); terminating pods never scheduled
// go, and terminating pods on a not-ready node tainted node.kubernetes.io/out-of-service go.
// Each is first moved to phase Failed if it is not finished, then deleted with grace 0.

import type { KubeObject } from '../api/object.js';
import { deepCopy } from '../api/object.js';
import type { Informer } from '../client/informer.js';
import { R } from '../client/resources.js';
import type { ControllerContext, Runnable } from './controller.js';
import { TaintKey, taintsOf, updatePodCondition, writePodStatus, type PodCondition } from './node-lifecycle/taints.js';

export interface PodGCOptions {
  /** Finished pods kept before the oldest are deleted; 0 disables (--terminated-pod-gc-threshold, 12500). */
  terminatedPodThreshold?: number;
  /** How often it runs (20 s). */
  gcCheckPeriodMs?: number;
  /** How long a missing node is waited for before its pods count as orphaned (40 s). */
  quarantineMs?: number;
}

export const podGCDefaults = { terminatedPodThreshold: 12_500, gcCheckPeriodMs: 20_000, quarantineMs: 40_000 } satisfies Required<PodGCOptions>;

interface PodStatus {
  phase?: string;
  reason?: string;
  conditions?: PodCondition[];
}

function statusOf(pod: KubeObject): PodStatus {
  return (pod.status ?? {}) as PodStatus;
}

function nodeNameOf(pod: KubeObject): string {
  return (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
}

function isTerminated(pod: KubeObject): boolean {
  const phase = statusOf(pod).phase;
  return phase !== 'Pending' && phase !== 'Running' && phase !== 'Unknown';
}

function isEvicted(pod: KubeObject): boolean {
  const s = statusOf(pod);
  return s.phase === 'Failed' && s.reason === 'Evicted';
}

/** Evicted pods first, then by creation time, then name. */
function byEvictionAndCreation(a: KubeObject, b: KubeObject): number {
  const ea = isEvicted(a);
  const eb = isEvicted(b);
  if (ea !== eb) return ea ? -1 : 1;
  const ca = a.metadata.creationTimestamp ?? '';
  const cb = b.metadata.creationTimestamp ?? '';
  if (ca === cb) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  return Date.parse(ca) - Date.parse(cb);
}

function isNodeReady(node: KubeObject): boolean {
  const conditions = ((node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function code(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

export class PodGCController implements Runnable {
  private readonly o: Required<PodGCOptions>;
  private pods!: Informer;
  private nodes!: Informer;
  /** Node names missing from the cache → when their quarantine ends. */
  private readonly quarantine = new Map<string, number>();
  private running = false;
  private signal: AbortSignal | undefined;
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    opts: PodGCOptions = {},
  ) {
    this.o = { ...podGCDefaults, ...opts };
  }

  async start(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    this.pods = this.ctx.informers.informerFor(R.pods);
    this.nodes = this.ctx.informers.informerFor(R.nodes);
    await this.ctx.informers.waitForSync();
    this.schedule();
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else
        signal.addEventListener(
          'abort',
          () => {
            this.cancelTimer?.();
            resolve();
          },
          { once: true },
        );
    });
  }

  private schedule(): void {
    if (this.signal?.aborted) return;
    this.cancelTimer = this.ctx.clock.setTimeout(() => {
      this.schedule();
      if (this.running) return;
      this.running = true;
      this.gc()
        .catch((e) => this.ctx.log(`pod-garbage-collector: ${(e as Error).message}`))
        .finally(() => (this.running = false));
    }, this.o.gcCheckPeriodMs);
  }

  /** One collection pass (the periodic loop calls this; tests may too). */
  async gc(): Promise<void> {
    const pods = this.pods.list();
    const nodes = this.nodes.list();
    if (this.o.terminatedPodThreshold > 0) await this.gcTerminated(pods);
    await this.gcTerminating(pods);
    await this.gcOrphaned(pods, nodes);
    await this.gcUnscheduledTerminating(pods);
  }

  private async gcTerminated(pods: KubeObject[]): Promise<void> {
    const terminated = pods.filter(isTerminated);
    const deleteCount = terminated.length - this.o.terminatedPodThreshold;
    if (deleteCount <= 0) return;
    this.ctx.log(`pod-garbage-collector: garbage collecting ${deleteCount} pods`);
    terminated.sort(byEvictionAndCreation);
    await this.forEach(terminated.slice(0, deleteCount), (pod) => this.markFailedAndDelete(pod));
  }

  private async gcTerminating(pods: KubeObject[]): Promise<void> {
    const victims = pods.filter((pod) => {
      if (!pod.metadata.deletionTimestamp) return false;
      const node = this.nodes.get('', nodeNameOf(pod));
      if (!node) return false;
      return !isNodeReady(node) && taintsOf(node).some((t) => t.key === TaintKey.OutOfService);
    });
    victims.sort(byEvictionAndCreation);
    await this.forEach(victims, (pod) => this.markFailedAndDelete(pod));
  }

  private async gcOrphaned(pods: KubeObject[], nodes: KubeObject[]): Promise<void> {
    const existing = new Set(nodes.map((n) => n.metadata.name!));
    const now = this.ctx.clock.now();
    for (const pod of pods) {
      const nodeName = nodeNameOf(pod);
      if (nodeName && !existing.has(nodeName) && !this.quarantine.has(nodeName)) this.quarantine.set(nodeName, now + this.o.quarantineMs);
    }
    const deleted = new Set<string>();
    for (const [nodeName, until] of [...this.quarantine]) {
      if (until > now) continue;
      this.quarantine.delete(nodeName);
      if (existing.has(nodeName)) continue;
      try {
        if (!(await this.ctx.client.get(R.nodes, '', nodeName))) deleted.add(nodeName);
      } catch (e) {
        this.ctx.log(`pod-garbage-collector: getting node ${nodeName}: ${(e as Error).message}`);
      }
    }
    const orphans = pods.filter((pod) => deleted.has(nodeNameOf(pod)));
    await this.forEach(orphans, async (pod) => {
      await this.markFailedAndDelete(pod, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
      this.ctx.log(`pod-garbage-collector: forced deletion of orphaned pod ${pod.metadata.namespace}/${pod.metadata.name} (node ${nodeNameOf(pod)}) succeeded`);
    });
  }

  private async gcUnscheduledTerminating(pods: KubeObject[]): Promise<void> {
    const victims = pods.filter((pod) => pod.metadata.deletionTimestamp && !nodeNameOf(pod));
    await this.forEach(victims, (pod) => this.markFailedAndDelete(pod));
  }

  private async forEach(pods: KubeObject[], fn: (pod: KubeObject) => Promise<void>): Promise<void> {
    const queue = [...pods];
    const worker = async () => {
      for (let pod = queue.shift(); pod; pod = queue.shift()) {
        try {
          await fn(pod);
        } catch (e) {
          if (code(e) !== 404) this.ctx.log(`pod-garbage-collector: ${pod.metadata.namespace}/${pod.metadata.name}: ${(e as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, queue.length) }, worker));
  }

  /** Phase Failed first (with the condition, if any) unless it is finished, then delete with grace 0. */
  private async markFailedAndDelete(pod: KubeObject, condition?: PodCondition): Promise<void> {
    const phase = statusOf(pod).phase;
    if (phase !== 'Succeeded' && phase !== 'Failed') {
      const status = deepCopy(statusOf(pod));
      status.phase = 'Failed';
      if (condition) updatePodCondition(status, condition, this.ctx.clock.now());
      await writePodStatus(this.ctx.client, pod, status);
    }
    await this.ctx.client.delete(R.pods, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { gracePeriodSeconds: 0 });
  }
}
