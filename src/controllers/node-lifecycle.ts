// The node lifecycle controller (pkg/controller/nodelifecycle): it watches each node's health
// signals — the kubelet's Lease renewals and status heartbeats — and when neither has come for
// the grace period it posts the node's conditions as Unknown ("Kubelet stopped posting node
// status."), marks its pods not ready, and taints it node.kubernetes.io/unreachable (NoExecute,
// paced per zone; the taint eviction controller then evicts what does not tolerate it). A node
// that is back gets the taints lifted. Independently, NoSchedule taints follow the node's
// conditions and spec.unschedulable (cordon). When every node of every zone is down, evictions
// stop ("master disruption mode"), as they do upstream.
//
//   new NodeLifecycleController(ctx)                       // upstream defaults
//   new NodeLifecycleController(ctx, { gracePeriodMs: 10_000 })   // tests

import type { KubeObject } from '../api/object.js';
import { deepCopy, objectKey } from '../api/object.js';
import { rfc3339 } from '../machinery/clock.js';
import type { Informer } from '../client/informer.js';
import { R } from '../client/resources.js';
import { Controller, type ControllerContext, type Reconciler, type Result, type Runnable } from './controller.js';
import { ClientEventRecorder, type EventRecorder } from './events.js';
import { RateLimitedTimedQueue, TokenBucket } from './node-lifecycle/rate-limited-queue.js';
import { TaintKey, taintExists, taintSetDiff, taintsOf, updateNodeTaints, updatePodCondition, writePodStatus, type Taint, type PodCondition } from './node-lifecycle/taints.js';

export interface NodeLifecycleOptions {
  /** How often node health is checked (--node-monitor-period, 5 s). */
  monitorPeriodMs?: number;
  /** No lease or status for this long: the node is Unknown (--node-monitor-grace-period, 50 s in 1.32). */
  gracePeriodMs?: number;
  /** The same for a node that never posted a Ready condition (--node-startup-grace-period, 60 s). */
  startupGracePeriodMs?: number;
  /** Nodes tainted NoExecute per second per zone (--node-eviction-rate, 0.1). */
  evictionQPS?: number;
  /** The same in a large, mostly unhealthy zone (--secondary-node-eviction-rate, 0.01). */
  secondaryEvictionQPS?: number;
  /** Zones with at most this many nodes stop evicting when mostly unhealthy (--large-cluster-size-threshold, 50). */
  largeClusterThreshold?: number;
  /** The share of not-ready nodes (of more than 2) that makes a zone partially disrupted (--unhealthy-zone-threshold, 0.55). */
  unhealthyZoneThreshold?: number;
  /** Events (component node-controller); default a recorder of its own. */
  recorder?: EventRecorder;
}

export const nodeLifecycleDefaults = {
  monitorPeriodMs: 5_000,
  gracePeriodMs: 50_000,
  startupGracePeriodMs: 60_000,
  evictionQPS: 0.1,
  secondaryEvictionQPS: 0.01,
  largeClusterThreshold: 50,
  unhealthyZoneThreshold: 0.55,
} satisfies Required<Omit<NodeLifecycleOptions, 'recorder'>>;

const unreachableNoExecute: Taint = { key: TaintKey.Unreachable, effect: 'NoExecute' };
const notReadyNoExecute: Taint = { key: TaintKey.NotReady, effect: 'NoExecute' };

/** Which NoSchedule taint a condition in a given status brings. */
const conditionTaints: Record<string, Record<string, string>> = {
  Ready: { False: TaintKey.NotReady, Unknown: TaintKey.Unreachable },
  MemoryPressure: { True: TaintKey.MemoryPressure },
  DiskPressure: { True: TaintKey.DiskPressure },
  NetworkUnavailable: { True: TaintKey.NetworkUnavailable },
  PIDPressure: { True: TaintKey.PIDPressure },
};
const conditionTaintKeys = new Set<string>([TaintKey.NotReady, TaintKey.Unreachable, TaintKey.MemoryPressure, TaintKey.DiskPressure, TaintKey.NetworkUnavailable, TaintKey.PIDPressure]);

interface NodeCondition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

interface NodeHealth {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  /** The Ready condition as last observed. */
  ready: NodeCondition | undefined;
  leaseRenewTime: number | undefined;
}

type ZoneState = 'Initial' | 'Normal' | 'FullDisruption' | 'PartialDisruption';

function conditionsOf(node: KubeObject): NodeCondition[] {
  return ((node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []) as NodeCondition[];
}

function readyOf(node: KubeObject): NodeCondition | undefined {
  return conditionsOf(node).find((c) => c.type === 'Ready');
}

/** topology.GetZoneKey: region and zone labels (or their failure-domain.beta forms). */
export function zoneKey(node: KubeObject): string {
  const l = node.metadata.labels ?? {};
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  if (!region && !zone) return '';
  return `${region}:\u0000:${zone}`;
}

function ms(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
}

function code(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

function sameCondition(a: NodeCondition | undefined, b: NodeCondition | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export class NodeLifecycleController implements Runnable, Reconciler {
  private readonly o: typeof nodeLifecycleDefaults;
  private readonly recorder: EventRecorder;
  private readonly controller: Controller;
  private nodes!: Informer;
  private leases!: Informer;
  private pods!: Informer;
  private readonly podsByNode = new Map<string, Set<string>>();
  private readonly health = new Map<string, NodeHealth>();
  private readonly known = new Map<string, KubeObject>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly zoneTainters = new Map<string, RateLimitedTimedQueue>();
  private readonly nodesToRetry = new Set<string>();
  private monitoring = false;
  private tainting = false;
  private taintTimer: { at: number; cancel: () => void } | undefined;
  private signal: AbortSignal | undefined;
  private cancelMonitor: (() => void) | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    opts: NodeLifecycleOptions = {},
  ) {
    const { recorder, ...rest } = opts;
    this.o = { ...nodeLifecycleDefaults, ...rest };
    this.recorder = recorder ?? new ClientEventRecorder(ctx.client, 'node-controller', ctx.clock, ctx.log);
    this.controller = new Controller('node-lifecycle-controller', ctx, this, 8);
  }

  async start(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    const inf = this.ctx.informers;
    this.nodes = inf.informerFor(R.nodes);
    this.leases = inf.informerFor(R.leases, { namespace: 'kube-node-lease' });
    this.pods = inf.informerFor(R.pods);
    this.nodes.addEventHandler({
      onAdd: (n) => this.controller.enqueue(n.metadata.name!),
      onUpdate: (_o, n) => this.controller.enqueue(n.metadata.name!),
      onDelete: (n) => this.nodesToRetry.delete(n.metadata.name!),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.podUpdated(undefined, p),
      onUpdate: (o, p) => this.podUpdated(o, p),
      onDelete: (p) => this.podRemoved(p),
    });
    await inf.waitForSync();
    signal.addEventListener(
      'abort',
      () => {
        this.taintTimer?.cancel();
        this.cancelMonitor?.();
      },
      { once: true },
    );
    const run = this.controller.start(signal);
    this.scheduleMonitor();
    await run;
  }

  // ---- pods by node ----

  private podUpdated(old: KubeObject | undefined, pod: KubeObject): void {
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const oldNode = old ? ((old.spec as { nodeName?: string } | undefined)?.nodeName ?? '') : '';
    if (old && oldNode && oldNode !== nodeName) this.podsByNode.get(oldNode)?.delete(objectKey(pod));
    if (!nodeName) return;
    let set = this.podsByNode.get(nodeName);
    if (!set) this.podsByNode.set(nodeName, (set = new Set()));
    set.add(objectKey(pod));
    // A pod newly assigned to a node that is not ready is marked not ready at once.
    if (!old || oldNode !== nodeName) this.controller.enqueue(`pod:${objectKey(pod)}`);
  }

  private podRemoved(pod: KubeObject): void {
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const set = this.podsByNode.get(nodeName);
    set?.delete(objectKey(pod));
    if (set && set.size === 0) this.podsByNode.delete(nodeName);
  }

  private podsOn(nodeName: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const key of this.podsByNode.get(nodeName) ?? []) {
      const slash = key.indexOf('/');
      const pod = this.pods.get(key.slice(0, slash), key.slice(slash + 1));
      if (pod && (pod.spec as { nodeName?: string }).nodeName === nodeName) out.push(pod);
    }
    return out;
  }

  // ---- the per-node work queue: NoSchedule taints, labels, and pods newly assigned ----

  async reconcile(key: string): Promise<Result | void> {
    if (key.startsWith('pod:')) return this.processPod(key.slice(4));
    await this.noScheduleTaintingPass(key);
    await this.reconcileNodeLabels(key);
  }

  private async noScheduleTaintingPass(name: string): Promise<void> {
    const node = this.nodes.get('', name);
    if (!node) return;
    const want: Taint[] = [];
    for (const c of conditionsOf(node)) {
      const key = conditionTaints[c.type]?.[c.status];
      if (key) want.push({ key, effect: 'NoSchedule' });
    }
    if ((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable) want.push({ key: TaintKey.Unschedulable, effect: 'NoSchedule' });
    const have = taintsOf(node).filter((t) => t.effect === 'NoSchedule' && (t.key === TaintKey.Unschedulable || conditionTaintKeys.has(t.key)));
    const { add, remove } = taintSetDiff(want, have);
    if (add.length === 0 && remove.length === 0) return;
    const now = rfc3339(this.ctx.clock.now());
    await updateNodeTaints(this.ctx.client, name, add.map((t) => ({ ...t, timeAdded: now })), remove);
  }

  /** The beta os and arch labels follow the stable ones. */
  private async reconcileNodeLabels(name: string): Promise<void> {
    const node = this.nodes.get('', name);
    const labels = node?.metadata.labels;
    if (!node || !labels) return;
    const update: Record<string, string> = {};
    for (const [primary, secondary] of [
      ['kubernetes.io/os', 'beta.kubernetes.io/os'],
      ['kubernetes.io/arch', 'beta.kubernetes.io/arch'],
    ]) {
      if (labels[primary] === undefined) continue;
      if (labels[secondary] !== labels[primary]) update[secondary] = labels[primary];
    }
    if (Object.keys(update).length === 0) return;
    await this.ctx.client.patch(R.nodes, '', name, 'merge', { metadata: { labels: update } });
  }

  private async processPod(key: string): Promise<Result | void> {
    const slash = key.indexOf('/');
    const pod = this.pods.get(key.slice(0, slash), key.slice(slash + 1));
    if (!pod) return;
    const nodeName = (pod.spec as { nodeName?: string }).nodeName ?? '';
    const health = this.health.get(nodeName);
    if (!health || !this.nodes.get('', nodeName) || !health.ready) return;
    if (health.ready.status !== 'True') await this.markPodsNotReady([pod], nodeName);
  }

  // ---- health monitoring ----

  private scheduleMonitor(): void {
    if (this.signal?.aborted) return;
    this.cancelMonitor = this.ctx.clock.setTimeout(() => {
      this.scheduleMonitor();
      if (this.monitoring) return;
      this.monitoring = true;
      this.monitorNodeHealth()
        .catch((e) => this.ctx.log(`node-lifecycle-controller: monitoring node health: ${(e as Error).message}`))
        .finally(() => (this.monitoring = false));
    }, this.o.monitorPeriodMs);
  }

  /** One pass over every node: health, taints for eviction, pods not ready, zone disruption. */
  async monitorNodeHealth(): Promise<void> {
    const nodes = this.nodes.list();
    const names = new Set(nodes.map((n) => n.metadata.name!));
    for (const node of nodes) {
      const name = node.metadata.name!;
      if (this.known.has(name)) {
        this.ensureZone(node);
        continue;
      }
      this.nodeEvent(node, 'RegisteredNode', `Registered Node ${name} in Controller`);
      this.known.set(name, node);
      this.ensureZone(node);
      await this.markNodeAsReachable(node);
    }
    for (const [name, node] of this.known) {
      if (names.has(name)) continue;
      this.nodeEvent(node, 'RemovingNode', `Removing Node ${name} from Controller`);
      this.known.delete(name);
      this.health.delete(name);
    }

    const zoneConditions = new Map<string, (NodeCondition | undefined)[]>();
    const queue = [...nodes];
    const worker = async () => {
      for (let node = queue.shift(); node; node = queue.shift()) {
        try {
          await this.updateNode(node, zoneConditions);
        } catch (e) {
          this.ctx.log(`node-lifecycle-controller: node ${node.metadata.name}: ${(e as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await this.handleDisruption(zoneConditions, nodes);
    this.scheduleTaintingPass();
  }

  private async updateNode(cached: KubeObject, zoneConditions: Map<string, (NodeCondition | undefined)[]>): Promise<void> {
    // The cached object is only read; tryUpdateNodeHealth copies what it writes.
    let node = cached;
    let result: { observed: NodeCondition; current: NodeCondition | undefined } | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        result = await this.tryUpdateNodeHealth(node);
        break;
      } catch (e) {
        const fresh = await this.ctx.client.get(R.nodes, '', node.metadata.name!);
        if (!fresh) return;
        node = fresh;
        if (attempt === 4) throw e;
      }
    }
    if (!result) return;
    const { observed, current } = result;
    const name = node.metadata.name!;
    if (!(node.metadata.labels ?? {})['node.kubernetes.io/exclude-disruption']) {
      const zone = zoneKey(node);
      zoneConditions.set(zone, [...(zoneConditions.get(zone) ?? []), current]);
    }
    if (!current) return;
    await this.processTaintBasedEviction(node, observed);
    const needsRetry = this.nodesToRetry.has(name);
    const becameNotReady = current.status !== 'True' && observed.status === 'True';
    if (becameNotReady) this.nodeEvent(node, 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    if (becameNotReady || (needsRetry && observed.status !== 'True')) {
      try {
        await this.markPodsNotReady(this.podsOn(name), name);
      } catch (e) {
        this.nodesToRetry.add(name);
        throw e;
      }
    }
    this.nodesToRetry.delete(name);
  }

  /**
   * Brings the node's health record up to date from its Ready heartbeat and its Lease; past the
   * grace period, posts its conditions Unknown. Returns the Ready condition as observed and as
   * it is now.
   */
  private async tryUpdateNodeHealth(node: KubeObject): Promise<{ observed: NodeCondition; current: NodeCondition | undefined }> {
    const name = node.metadata.name!;
    const now = this.ctx.clock.now();
    const created = ms(node.metadata.creationTimestamp ?? undefined) ?? now;
    let health = this.health.get(name);
    let current = readyOf(node);
    let observed: NodeCondition;
    let grace: number;
    if (!current) {
      observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: node.metadata.creationTimestamp ?? undefined, lastTransitionTime: node.metadata.creationTimestamp ?? undefined };
      grace = this.o.startupGracePeriodMs;
      if (health) health = { ...health, ready: undefined };
      else health = { probeTimestamp: created, readyTransitionTimestamp: created, ready: undefined, leaseRenewTime: undefined };
    } else {
      observed = { ...current };
      grace = this.o.gracePeriodMs;
    }
    const saved = health?.ready;
    const savedLease = health?.leaseRenewTime;
    if (!health) {
      health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: current, leaseRenewTime: undefined };
    } else if (!saved && current) {
      health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: current, leaseRenewTime: savedLease };
    } else if (saved && current && saved.lastHeartbeatTime !== current.lastHeartbeatTime) {
      const transition = saved.lastTransitionTime !== current.lastTransitionTime ? now : health.readyTransitionTimestamp;
      health = { probeTimestamp: now, readyTransitionTimestamp: transition, ready: current, leaseRenewTime: savedLease };
    }
    // A renewed lease is a heartbeat too.
    const lease = this.leases.get('kube-node-lease', name);
    const renew = ms((lease?.spec as { renewTime?: string } | undefined)?.renewTime);
    if (renew !== undefined && (savedLease === undefined || savedLease < renew)) {
      health = { ...health, leaseRenewTime: renew, probeTimestamp: now };
    }
    this.health.set(name, health);

    if (now > health.probeTimestamp + grace) {
      const status = (node.status ?? {}) as { conditions?: NodeCondition[] };
      const conditions = [...(status.conditions ?? [])].map((c) => ({ ...c }));
      for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
        const c = conditions.find((x) => x.type === type);
        if (!c) {
          conditions.push({
            type,
            status: 'Unknown',
            lastHeartbeatTime: node.metadata.creationTimestamp ?? undefined,
            lastTransitionTime: rfc3339(now),
            reason: 'NodeStatusNeverUpdated',
            message: 'Kubelet never posted node status.',
          });
        } else if (c.status !== 'Unknown') {
          c.status = 'Unknown';
          c.reason = 'NodeStatusUnknown';
          c.message = 'Kubelet stopped posting node status.';
          c.lastTransitionTime = rfc3339(now);
        }
      }
      current = conditions.find((c) => c.type === 'Ready');
      if (!sameCondition(current, observed)) {
        const { managedFields: _mf, ...metadata } = node.metadata;
        await this.ctx.client.update(R.nodes, '', { apiVersion: 'v1', kind: 'Node', metadata, status: { ...status, conditions } }, { subresource: 'status' });
        this.health.set(name, { probeTimestamp: health.probeTimestamp, readyTransitionTimestamp: now, ready: current, leaseRenewTime: health.leaseRenewTime });
      }
    }
    return { observed, current };
  }

  private async processTaintBasedEviction(node: KubeObject, observed: NodeCondition): Promise<void> {
    const name = node.metadata.name!;
    const taints = taintsOf(node);
    switch (observed.status) {
      case 'False':
        if (taintExists(taints, unreachableNoExecute)) {
          await this.swapTaints(name, notReadyNoExecute, unreachableNoExecute);
        } else this.markNodeForTainting(node, 'False');
        break;
      case 'Unknown':
        if (taintExists(taints, notReadyNoExecute)) {
          await this.swapTaints(name, unreachableNoExecute, notReadyNoExecute);
        } else this.markNodeForTainting(node, 'Unknown');
        break;
      case 'True':
        await this.markNodeAsReachable(node);
        break;
    }
  }

  private swapTaints(name: string, add: Taint, remove: Taint): Promise<boolean> {
    return updateNodeTaints(this.ctx.client, name, [{ ...add, timeAdded: rfc3339(this.ctx.clock.now()) }], [remove]);
  }

  private ensureZone(node: KubeObject): RateLimitedTimedQueue {
    const zone = zoneKey(node);
    let q = this.zoneTainters.get(zone);
    if (!q) {
      this.zoneStates.set(zone, 'Initial');
      q = new RateLimitedTimedQueue(new TokenBucket(this.o.evictionQPS, this.ctx.clock), this.ctx.clock);
      this.zoneTainters.set(zone, q);
    }
    return q;
  }

  private markNodeForTainting(node: KubeObject, status: 'False' | 'Unknown'): void {
    const q = this.ensureZone(node);
    const name = node.metadata.name!;
    const taints = taintsOf(node);
    if (status === 'False' && !taintExists(taints, notReadyNoExecute)) q.remove(name);
    if (status === 'Unknown' && !taintExists(taints, unreachableNoExecute)) q.remove(name);
    q.add(name, node.metadata.uid ?? '');
  }

  private async markNodeAsReachable(node: KubeObject): Promise<void> {
    const name = node.metadata.name!;
    const taints = taintsOf(node);
    if (taintExists(taints, unreachableNoExecute) || taintExists(taints, notReadyNoExecute)) {
      await updateNodeTaints(this.ctx.client, name, [], [unreachableNoExecute, notReadyNoExecute]);
    }
    this.zoneTainters.get(zoneKey(node))?.remove(name);
  }

  /** Taints queued nodes NoExecute, as fast as each zone's limiter allows. */
  private async noExecuteTaintingPass(): Promise<void> {
    for (const q of this.zoneTainters.values()) {
      await q.try(async (v) => {
        const node = this.nodes.get('', v.value);
        if (!node) return [true, 0];
        const ready = readyOf(node);
        if (!ready) return [false, 50];
        let add: Taint;
        let opposite: Taint;
        if (ready.status === 'False') [add, opposite] = [notReadyNoExecute, unreachableNoExecute];
        else if (ready.status === 'Unknown') [add, opposite] = [unreachableNoExecute, notReadyNoExecute];
        else return [true, 0];
        try {
          return [await this.swapTaints(v.value, add, opposite), 0];
        } catch (e) {
          this.ctx.log(`node-lifecycle-controller: tainting ${v.value}: ${(e as Error).message}`);
          return [false, 0];
        }
      });
    }
  }

  /** Runs the tainting pass when some zone can make progress (upstream polls every 100 ms). */
  private scheduleTaintingPass(): void {
    if (this.signal?.aborted) return;
    let at = Infinity;
    for (const q of this.zoneTainters.values()) at = Math.min(at, q.nextWorkAt());
    if (at === Infinity) return;
    const now = this.ctx.clock.now();
    at = Math.max(at, now);
    if (this.taintTimer && this.taintTimer.at <= at) return;
    this.taintTimer?.cancel();
    const pass = () => {
      this.taintTimer = undefined;
      if (this.tainting) return;
      this.tainting = true;
      this.noExecuteTaintingPass()
        .catch((e) => this.ctx.log(`node-lifecycle-controller: tainting pass: ${(e as Error).message}`))
        .finally(() => {
          this.tainting = false;
          this.scheduleTaintingPass();
        });
    };
    if (at <= now) {
      // Due now: run on the next turn rather than when a fake clock next moves.
      const handle = setImmediate(pass);
      this.taintTimer = { at, cancel: () => clearImmediate(handle) };
    } else {
      this.taintTimer = { at, cancel: this.ctx.clock.setTimeout(pass, at - now) };
    }
  }

  // ---- zones ----

  private computeZoneState(conditions: (NodeCondition | undefined)[]): ZoneState {
    let ready = 0;
    let notReady = 0;
    for (const c of conditions) {
      if (c?.status === 'True') ready++;
      else notReady++;
    }
    if (ready === 0 && notReady > 0) return 'FullDisruption';
    if (notReady > 2 && notReady / (notReady + ready) >= this.o.unhealthyZoneThreshold) return 'PartialDisruption';
    return 'Normal';
  }

  private setLimiterInZone(zone: string, size: number, state: ZoneState): void {
    const q = this.zoneTainters.get(zone);
    if (!q) return;
    if (state === 'Normal' || state === 'FullDisruption') q.swapLimiter(this.o.evictionQPS);
    else if (state === 'PartialDisruption') q.swapLimiter(size > this.o.largeClusterThreshold ? this.o.secondaryEvictionQPS : 0);
  }

  private async handleDisruption(zoneConditions: Map<string, (NodeCondition | undefined)[]>, nodes: KubeObject[]): Promise<void> {
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, conds] of zoneConditions) {
      const state = this.computeZoneState(conds);
      if (state !== 'FullDisruption') allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    let allWasFullyDisrupted = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneConditions.has(zone)) {
        this.zoneStates.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') {
        allWasFullyDisrupted = false;
        break;
      }
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      this.ctx.log('node-lifecycle-controller: all nodes are not ready; entering master disruption mode (no evictions)');
      for (const node of nodes) await this.markNodeAsReachable(node);
      for (const zone of this.zoneStates.keys()) this.zoneTainters.get(zone)?.swapLimiter(0);
      for (const zone of this.zoneStates.keys()) this.zoneStates.set(zone, 'FullDisruption');
      return;
    }
    if (allWasFullyDisrupted) {
      this.ctx.log('node-lifecycle-controller: some nodes are ready; exiting master disruption mode');
      const now = this.ctx.clock.now();
      for (const node of nodes) {
        const h = this.health.get(node.metadata.name!);
        if (h) this.health.set(node.metadata.name!, { ...h, probeTimestamp: now, readyTransitionTimestamp: now });
      }
      for (const zone of this.zoneStates.keys()) {
        const state = newStates.get(zone) ?? 'Normal';
        this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, state);
        this.zoneStates.set(zone, state);
      }
      return;
    }
    for (const [zone, state] of this.zoneStates) {
      const next = newStates.get(zone);
      if (!next || next === state) continue;
      this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, next);
      this.zoneStates.set(zone, next);
    }
  }

  // ---- pods and events ----

  /** Ready=False on each pod of the node (its transition time now), with a NodeNotReady event. */
  private async markPodsNotReady(pods: KubeObject[], nodeName: string): Promise<void> {
    const errors: string[] = [];
    for (const cached of pods) {
      if ((cached.spec as { nodeName?: string }).nodeName !== nodeName) continue;
      const status = deepCopy((cached.status ?? {}) as { conditions?: PodCondition[] });
      const ready = status.conditions?.find((c) => c.type === 'Ready');
      if (!ready) continue;
      if (!updatePodCondition(status, { ...ready, status: 'False' }, this.ctx.clock.now())) continue;
      try {
        await writePodStatus(this.ctx.client, cached, status);
      } catch (e) {
        if (code(e) === 404) continue;
        errors.push(`${objectKey(cached)}: ${(e as Error).message}`);
        continue;
      }
      this.recorder.event(cached, 'Warning', 'NodeNotReady', 'Node is not ready');
    }
    if (errors.length) throw new Error(`marking pods not ready: ${errors.join('; ')}`);
  }

  private nodeEvent(node: KubeObject, reason: string, event: string): void {
    const ref: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, uid: node.metadata.uid } };
    const message = reason === 'NodeNotReady' ? event : `Node ${node.metadata.name} event: ${event}`;
    this.recorder.event(ref, 'Normal', reason, message);
  }
}
