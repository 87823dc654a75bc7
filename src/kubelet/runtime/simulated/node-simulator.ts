// Simulated nodes, in the manner of kubernetes-sigs/kwok: one Runnable registers N Nodes, keeps
// each one's Lease renewed and status heart-beaten as a kubelet does, and moves the pods bound
// to them through the stages of stages.ts on an injectable clock. No container runs anywhere.
//
// Built to scale: one pod informer and one node informer for all nodes, every deadline (pod
// stages, lease renewals, status reports) in one timer heap rather than a timer each, a bounded
// number of writes in flight, and lease renewals spread evenly over the renewal interval.
//
//   const sim = new NodeSimulator({ client, clock, nodes: 3, timings: interactiveTimings });
//   void sim.start(signal);
//   sim.pauseNode('kubelite-sim-1');   // the kubelet stops posting: the node goes Unknown

import type { KubeObject } from '../../../api/object.js';
import { objectKey } from '../../../api/object.js';
import { realClock, type Clock } from '../../../machinery/clock.js';
import type { Client } from '../../../client/interface.js';
import { InformerFactory, type Informer } from '../../../client/informer.js';
import { R } from '../../../client/resources.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Runnable } from '../../../controllers/controller.js';
import { defaultNodeIPRange, defaultPodRanges, nodeCIDRMaskSize, nodeIP, nodePodCIDR, PodIPAllocator } from './ipam.js';
import { KubeletEventRecorder, type KubeletEvent } from './kubelet-events.js';
import {
  defaultCapacity,
  healthyConditions,
  leaseNamespace,
  leaseObject,
  nodeConditions,
  nodeLabels,
  nodeObject,
  nodeStatus,
  notReadyCondition,
  type NodeCondition,
  type SimNodeSpec,
} from './node-object.js';
import { isTerminalPhase, type Pod } from './pod-status.js';
import { TimerQueue } from '../../../machinery/timer-queue.js';
import { defaultPodStages, interactiveTimings, nextStage, type PodStage, type SimTimings, type StageContext } from './stages.js';
import { SimulateAnnotations } from './stages.js';

export interface NodeSimulatorOptions {
  client: Client;
  clock?: Clock;
  log?: (msg: string) => void;
  /** How many nodes (named `${namePrefix}0` … `${namePrefix}N-1`), or their names. */
  nodes: number | string[];
  /** Default `kubelite-sim-`. */
  namePrefix?: string;
  /** Node capacity (allocatable is this less the kubelet's eviction thresholds). */
  capacity?: Record<string, string>;
  /** Labels added to every node's own (hostname, os, arch and `kubelite.io/simulated=true`). */
  labels?: Record<string, string>;
  /** Taints every node registers with (kubelet --register-with-taints). */
  taints?: { key: string; value?: string; effect: string }[];
  /** Default amd64. */
  arch?: string;
  /** Stage delays; default `interactiveTimings`. */
  timings?: Partial<SimTimings>;
  /** The pod lifecycle; default `defaultPodStages`. */
  stages?: readonly PodStage[];
  /** Pod addresses, split into one range per node; default 198.19.0.0/16 (240.0.0.0/4 beyond 512 nodes). */
  clusterCIDR?: string;
  /** The per-node range's mask; default /24 (/25 for 257 to 512 nodes), or the largest that fits a given clusterCIDR. */
  nodeCIDRMaskSize?: number;
  /** Node InternalIPs; default 198.18.128.0/17. */
  nodeIPRange?: string;
  /** Lease renewal interval (the kubelet's 10 s). */
  leaseRenewIntervalMs?: number;
  /** How often the node status is posted when nothing changes (about a minute). */
  nodeStatusReportMs?: number;
  /** Record kubelet events (Pulled, Created, Started, BackOff, Killing, node events). Default true. */
  events?: boolean;
  /** Pod writes in flight at once. Default 32. */
  podWorkers?: number;
}

interface SimNode {
  index: number;
  spec: SimNodeSpec;
  uid?: string;
  ipam: PodIPAllocator;
  paused: boolean;
  /** Posting Ready=False (a runtime failure), as setNodeReady(name, false) asks. */
  notReady: boolean;
  /** The Node object was deleted: nothing more is done for it. */
  gone: boolean;
  registered: boolean;
  /** Paused by the kubelite.io/simulate-node-down annotation (resumed when it goes). */
  pausedByAnnotation?: boolean;
}

const registerRetryMs = 10_000;
const registerKey = (n: string) => `register:${n}`;
const leaseKey = (n: string) => `lease:${n}`;
const statusKey = (n: string) => `status:${n}`;
const podTimerKey = (k: string) => `pod:${k}`;

function code(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

function archOf(): string {
  return 'amd64';
}

export class NodeSimulator implements Runnable {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly log: (msg: string) => void;
  private readonly timings: SimTimings;
  private readonly stages: readonly PodStage[];
  private readonly nodes = new Map<string, SimNode>();
  private readonly podsByNode = new Map<string, Set<string>>();
  private readonly ipOwner = new Map<string, string>();
  private readonly announced = new Map<string, string>();
  /** Keys written whose watch echo has not arrived yet (resourceVersion, or '' for a delete). */
  private readonly awaitingEcho = new Map<string, string>();
  private readonly podQueue: WorkQueue;
  private readonly nodeQueue: WorkQueue;
  private readonly timers: TimerQueue;
  private readonly recorder: KubeletEventRecorder | undefined;
  private readonly bootSeed: string;
  private informers!: InformerFactory;
  private pods!: Informer;
  private nodeInformer!: Informer;
  private active = 0;
  private readyResolve!: () => void;
  /** Resolves once every node is registered and the pod cache is synced. */
  readonly ready: Promise<void> = new Promise((r) => (this.readyResolve = r));

  constructor(private readonly opts: NodeSimulatorOptions) {
    this.client = opts.client;
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? (() => {});
    this.timings = { ...interactiveTimings, ...opts.timings };
    this.stages = opts.stages ?? defaultPodStages;
    this.podQueue = new WorkQueue(this.clock);
    this.nodeQueue = new WorkQueue(this.clock);
    this.timers = new TimerQueue(this.clock, (key) => this.onTimer(key));
    this.recorder = opts.events === false ? undefined : new KubeletEventRecorder(this.client, this.clock, this.log);
    this.bootSeed = String(this.clock.now());
    const names = typeof opts.nodes === 'number' ? Array.from({ length: opts.nodes }, (_, i) => `${opts.namePrefix ?? 'kubelite-sim-'}${i}`) : [...opts.nodes];
    const ranges = defaultPodRanges(names.length);
    const clusterCIDR = opts.clusterCIDR ?? ranges.clusterCIDR;
    const mask = opts.nodeCIDRMaskSize ?? (opts.clusterCIDR ? nodeCIDRMaskSize(clusterCIDR, names.length) : ranges.maskSize);
    const capacity = opts.capacity ?? defaultCapacity;
    names.forEach((name, index) => {
      const podCIDR = nodePodCIDR(index, clusterCIDR, mask);
      this.nodes.set(name, {
        index,
        spec: { name, ip: nodeIP(index, opts.nodeIPRange ?? defaultNodeIPRange), podCIDR, capacity, labels: opts.labels ?? {}, taints: opts.taints, arch: opts.arch ?? archOf() },
        ipam: new PodIPAllocator(podCIDR),
        paused: false,
        notReady: false,
        gone: false,
        registered: false,
      });
    });
  }

  /** The simulated nodes' names, in order. */
  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** The node's InternalIP and pod CIDR. */
  nodeAddresses(name: string): { ip: string; podCIDR: string } | undefined {
    const n = this.nodes.get(name);
    return n && { ip: n.spec.ip, podCIDR: n.spec.podCIDR };
  }

  async start(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    this.informers = new InformerFactory(this.client, this.log);
    this.pods = this.informers.informerFor(R.pods, { fieldSelector: 'spec.nodeName!=' });
    this.nodeInformer = this.informers.informerFor(R.nodes);
    this.pods.addEventHandler({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (_o, p) => this.podChanged(p),
      onDelete: (p) => this.podDeleted(p),
    });
    this.nodeInformer.addEventHandler({
      onAdd: (n) => this.nodeSeen(n),
      onUpdate: (_o, n) => this.nodeSeen(n),
      onDelete: (n) => this.nodeDeleted(n),
    });
    const stop = () => {
      this.timers.stop();
      this.podQueue.shutDown();
      this.nodeQueue.shutDown();
    };
    signal.addEventListener('abort', stop, { once: true });
    await this.registerAll(signal);
    if (signal.aborted) return;
    this.informers.start(signal);
    await this.informers.waitForSync();
    this.readyResolve();
    const podWorkers = Array.from({ length: this.opts.podWorkers ?? 32 }, () => this.worker(this.podQueue, (k) => this.processPod(k)));
    const nodeWorkers = Array.from({ length: 16 }, () => this.worker(this.nodeQueue, (k) => this.processNode(k)));
    await Promise.all([...podWorkers, ...nodeWorkers]);
  }

  // ---- test and operator hooks ----

  /** The kubelet stops: no lease renewals, no status, no pod updates, until resumeNode. */
  pauseNode(name: string): void {
    const n = this.mustNode(name);
    n.paused = true;
    this.timers.cancel(leaseKey(name));
    this.timers.cancel(statusKey(name));
    for (const key of this.podsByNode.get(name) ?? []) this.timers.cancel(podTimerKey(key));
  }

  /** The kubelet is back: lease and status at once, then its pods catch up. */
  resumeNode(name: string): void {
    const n = this.mustNode(name);
    if (!n.paused) return;
    n.paused = false;
    this.nodeQueue.add(leaseKey(name));
    this.nodeQueue.add(statusKey(name));
    for (const key of this.podsByNode.get(name) ?? []) this.podQueue.add(key);
  }

  /** The kubelet keeps posting, but Ready=False (KubeletNotReady) while `ready` is false. */
  setNodeReady(name: string, ready: boolean): void {
    const n = this.mustNode(name);
    if (n.notReady === !ready) return;
    n.notReady = !ready;
    if (!n.paused) this.nodeQueue.add(statusKey(name));
  }

  isPaused(name: string): boolean {
    return this.mustNode(name).paused;
  }

  /** Resolves when nothing is queued, in flight or awaiting its watch echo (for tests). */
  async settled(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 3) {
      if (Date.now() > deadline) throw new Error(`simulator not settled: ${JSON.stringify(this.stats())}`);
      await new Promise((r) => setTimeout(r, 2));
      quiet = this.busy() ? 0 : quiet + 1;
    }
    await this.recorder?.flush();
  }

  stats(): { nodes: number; pods: number; queued: number; active: number; timers: number; awaitingEcho: number } {
    return { nodes: this.nodes.size, pods: this.pods?.size ?? 0, queued: this.podQueue.length + this.nodeQueue.length, active: this.active, timers: this.timers.size, awaitingEcho: this.awaitingEcho.size };
  }

  private busy(): boolean {
    return this.podQueue.length > 0 || this.nodeQueue.length > 0 || this.active > 0 || this.awaitingEcho.size > 0;
  }

  private mustNode(name: string): SimNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no simulated node ${name}`);
    return n;
  }

  // ---- nodes ----

  private async registerAll(signal: AbortSignal): Promise<void> {
    const pending = [...this.nodes.values()];
    const total = pending.length;
    const runOne = async (): Promise<void> => {
      for (let n = pending.shift(); n && !signal.aborted; n = pending.shift()) {
        try {
          await this.register(n, total);
        } catch (e) {
          this.log(`simulated node ${n.spec.name}: registration failed (retrying): ${(e as Error).message}`);
          this.timers.schedule(registerKey(n.spec.name), this.clock.now() + registerRetryMs);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(64, total) }, runOne));
  }

  private conditionsFor(n: SimNode, old: NodeCondition[] | undefined): NodeCondition[] {
    const wanted = healthyConditions().map((c) => (c.type === 'Ready' && n.notReady ? notReadyCondition() : c));
    return nodeConditions(old, wanted, this.clock.now());
  }

  private async register(n: SimNode, total: number): Promise<void> {
    const name = n.spec.name;
    let node: KubeObject | undefined;
    try {
      node = await this.client.create(R.nodes, '', nodeObject(n.spec, this.conditionsFor(n, undefined), this.bootSeed));
      this.nodeEvents(n, true);
    } catch (e) {
      if (code(e) !== 409) throw e;
      // Registered before (kubelite restarted): keep its pod CIDR, refresh labels and status.
      let existing: KubeObject | undefined;
      for (let attempt = 0; ; attempt++) {
        existing = await this.client.get(R.nodes, '', name);
        if (!existing) throw e;
        const cidr = (existing.spec as { podCIDR?: string } | undefined)?.podCIDR;
        if (cidr && cidr !== n.spec.podCIDR) {
          n.spec = { ...n.spec, podCIDR: cidr };
          n.ipam = new PodIPAllocator(cidr);
        }
        const labels = { ...existing.metadata.labels, ...nodeLabels(n.spec) };
        const spec = { ...(existing.spec as object), podCIDR: n.spec.podCIDR, podCIDRs: [n.spec.podCIDR] };
        try {
          existing = await this.client.update(R.nodes, '', { ...existing, metadata: { ...existing.metadata, labels }, spec });
          break;
        } catch (err) {
          if (code(err) !== 409 || attempt >= 5) throw err;
        }
      }
      const oldConditions = ((existing.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []) as NodeCondition[];
      node = await this.client.patch(R.nodes, '', name, 'merge', { status: nodeStatus(n.spec, this.conditionsFor(n, oldConditions), this.bootSeed) }, { subresource: 'status' });
      this.nodeEvents(n, false);
    }
    n.uid = node.metadata.uid;
    n.registered = true;
    await this.renewLease(n);
    // Spread renewals and reports over their intervals so 5,000 nodes do not renew at once.
    const now = this.clock.now();
    const share = (n.index + 1) / Math.max(1, total);
    this.timers.schedule(leaseKey(name), now + Math.round(this.leaseInterval * share));
    this.timers.schedule(statusKey(name), now + Math.round(this.statusInterval * share));
  }

  private nodeEvents(n: SimNode, registered: boolean): void {
    if (!this.recorder) return;
    const ref: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: n.spec.name, uid: n.spec.name } };
    const name = n.spec.name;
    const events: KubeletEvent[] = [
      { type: 'Normal', reason: 'Starting', message: 'Starting kubelet.' },
      { type: 'Normal', reason: 'NodeHasSufficientMemory', message: `Node ${name} status is now: NodeHasSufficientMemory` },
      { type: 'Normal', reason: 'NodeHasNoDiskPressure', message: `Node ${name} status is now: NodeHasNoDiskPressure` },
      { type: 'Normal', reason: 'NodeHasSufficientPID', message: `Node ${name} status is now: NodeHasSufficientPID` },
      { type: 'Normal', reason: 'NodeAllocatableEnforced', message: 'Updated Node Allocatable limit across pods' },
    ];
    if (registered) events.push({ type: 'Normal', reason: 'NodeReady', message: `Node ${name} status is now: NodeReady` });
    for (const e of events) this.recorder.record(ref, name, e);
  }

  private get leaseInterval(): number {
    return this.opts.leaseRenewIntervalMs ?? 10_000;
  }

  private get statusInterval(): number {
    return this.opts.nodeStatusReportMs ?? 60_000;
  }

  private async renewLease(n: SimNode): Promise<void> {
    const lease = leaseObject(n.spec.name, n.uid, this.clock.now());
    try {
      await this.client.update(R.leases, leaseNamespace, lease);
    } catch (e) {
      if (code(e) !== 404) throw e;
      await this.client.create(R.leases, leaseNamespace, lease);
    }
  }

  private async postStatus(n: SimNode): Promise<void> {
    const cached = this.nodeInformer?.get('', n.spec.name);
    const old = ((cached?.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []) as NodeCondition[];
    try {
      // A patch of status alone, as the kubelet sends: metadata others write is left alone.
      await this.client.patch(R.nodes, '', n.spec.name, 'merge', { status: nodeStatus(n.spec, this.conditionsFor(n, old), this.bootSeed) }, { subresource: 'status' });
    } catch (e) {
      if (code(e) !== 404) throw e;
      this.markGone(n);
    }
  }

  private nodeSeen(obj: KubeObject): void {
    const n = this.nodes.get(obj.metadata.name ?? '');
    if (!n || !n.registered) return;
    if (n.gone && obj.metadata.uid !== n.uid) return;
    n.uid = obj.metadata.uid;
    // An operator (or an e2e test) can fail a node from kubectl: annotate it down, or back up.
    const down = obj.metadata.annotations?.[SimulateAnnotations.nodeDown] === 'true';
    if (down && !n.paused) {
      this.log(`simulated node ${n.spec.name}: ${SimulateAnnotations.nodeDown}=true, the kubelet stops`);
      this.pauseNode(n.spec.name);
    } else if (!down && n.paused && n.pausedByAnnotation) {
      this.resumeNode(n.spec.name);
    }
    n.pausedByAnnotation = down;
  }

  private nodeDeleted(obj: KubeObject): void {
    const n = this.nodes.get(obj.metadata.name ?? '');
    if (n && n.registered && obj.metadata.uid === n.uid) this.markGone(n);
  }

  /** Its Node was deleted: like a kubelet whose node object is gone, it stops; pod GC takes the pods. */
  private markGone(n: SimNode): void {
    if (n.gone) return;
    n.gone = true;
    this.log(`simulated node ${n.spec.name}: the Node was deleted; it no longer runs pods`);
    this.timers.cancel(leaseKey(n.spec.name));
    this.timers.cancel(statusKey(n.spec.name));
    for (const key of this.podsByNode.get(n.spec.name) ?? []) this.timers.cancel(podTimerKey(key));
  }

  private async processNode(key: string): Promise<void> {
    const [kind, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    const n = this.nodes.get(name);
    if (n && kind === 'register' && !n.registered) {
      try {
        await this.register(n, this.nodes.size);
        for (const podKey of this.podsByNode.get(name) ?? []) this.podQueue.add(podKey);
      } catch (e) {
        this.log(`simulated node ${name}: registration failed (retrying): ${(e as Error).message}`);
        this.timers.schedule(key, this.clock.now() + registerRetryMs);
      }
      return;
    }
    if (!n || n.paused || n.gone || !n.registered) return;
    try {
      if (kind === 'lease') await this.renewLease(n);
      else await this.postStatus(n);
    } catch (e) {
      this.log(`simulated node ${name}: ${kind} update failed: ${(e as Error).message}`);
    }
    if (n.paused || n.gone) return;
    const now = this.clock.now();
    this.timers.schedule(key, now + (kind === 'lease' ? this.leaseInterval : this.statusInterval));
  }

  // ---- pods ----

  private podChanged(pod: KubeObject): void {
    const key = objectKey(pod);
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const n = this.nodes.get(nodeName);
    if (!n) return;
    this.echoed(key, pod.metadata.resourceVersion);
    let set = this.podsByNode.get(nodeName);
    if (!set) this.podsByNode.set(nodeName, (set = new Set()));
    set.add(key);
    const status = (pod as Pod).status;
    const uid = pod.metadata.uid ?? '';
    if (status?.podIP && !isTerminalPhase(status.phase) && !(pod.spec as { hostNetwork?: boolean }).hostNetwork) {
      n.ipam.claim(uid, status.podIP);
      this.ipOwner.set(uid, nodeName);
    } else if (isTerminalPhase(status?.phase)) {
      this.releaseIP(uid);
    }
    this.podQueue.add(key);
  }

  private podDeleted(pod: KubeObject): void {
    const key = objectKey(pod);
    this.awaitingEcho.delete(key);
    this.timers.cancel(podTimerKey(key));
    this.announced.delete(key);
    this.releaseIP(pod.metadata.uid ?? '');
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const set = this.podsByNode.get(nodeName);
    set?.delete(key);
    if (set && set.size === 0) this.podsByNode.delete(nodeName);
  }

  private echoed(key: string, rv: string | undefined): void {
    const want = this.awaitingEcho.get(key);
    if (want === undefined) return;
    if (want !== '' && Number(rv) >= Number(want)) this.awaitingEcho.delete(key);
  }

  private releaseIP(uid: string): void {
    const nodeName = this.ipOwner.get(uid);
    if (nodeName === undefined) return;
    this.ipOwner.delete(uid);
    this.nodes.get(nodeName)?.ipam.release(uid);
  }

  private onTimer(key: string): void {
    if (key.startsWith('pod:')) this.podQueue.add(key.slice(4));
    else this.nodeQueue.add(key);
  }

  private async worker(queue: WorkQueue, process: (key: string) => Promise<void>): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      this.active++;
      try {
        await process(key);
      } catch (e) {
        this.log(`simulator: ${key}: ${(e as Error).message}`);
      } finally {
        this.active--;
        queue.done(key);
      }
    }
  }

  private context(n: SimNode): StageContext {
    return {
      now: this.clock.now(),
      timings: this.timings,
      hostIP: n.spec.ip,
      podIPRange: n.ipam.rangeText,
      allocatePodIP: (pod) => {
        const uid = pod.metadata.uid ?? '';
        const ip = n.ipam.allocate(uid);
        if (ip) this.ipOwner.set(uid, n.spec.name);
        return ip;
      },
    };
  }

  private async processPod(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const pod = this.pods.get(key.slice(0, slash), key.slice(slash + 1)) as Pod | undefined;
    if (!pod) return;
    const n = this.nodes.get(pod.spec?.nodeName ?? '');
    if (!n || n.paused || n.gone || !n.registered) return;
    const ctx = this.context(n);
    const next = nextStage(pod, ctx, this.stages);
    if (!next) {
      this.timers.cancel(podTimerKey(key));
      this.announced.delete(key);
      return;
    }
    if (this.announced.get(key) !== next.stage.name) {
      this.announced.set(key, next.stage.name);
      for (const e of next.stage.announce?.(pod, ctx) ?? []) this.recorder?.record(pod, n.spec.name, e);
    }
    if (next.at > ctx.now) {
      this.timers.schedule(podTimerKey(key), next.at);
      return;
    }
    this.timers.cancel(podTimerKey(key));
    let result = next.stage.next(pod, ctx);
    const pending: KubeletEvent[] = [...(result.events ?? [])];
    const record = () => {
      if (this.recorder) for (const e of pending) this.recorder.record(pod, n.spec.name, e);
    };
    // Stages due at the same instant are one kubelet sync: chain them into one write.
    for (let chained = 0; chained < 8 && 'status' in result; chained++) {
      const ahead: Pod = { ...pod, status: result.status };
      const then = nextStage(ahead, ctx, this.stages);
      if (!then || then.at > ctx.now) break;
      const more = then.stage.next(ahead, ctx);
      if (!('status' in more)) break;
      for (const e of then.stage.announce?.(ahead, ctx) ?? []) pending.push(e);
      pending.push(...(more.events ?? []));
      result = more;
    }
    if ('retryAfterMs' in result) {
      record();
      this.timers.schedule(podTimerKey(key), ctx.now + result.retryAfterMs);
      return;
    }
    const { namespace, name, uid } = pod.metadata;
    try {
      if ('delete' in result) {
        this.awaitingEcho.set(key, '');
        await this.client.delete(R.pods, namespace ?? '', name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
        record();
        return;
      }
      // The status subresource takes metadata (annotations) from the request too: send it as read.
      const { managedFields: _mf, ...metadata } = pod.metadata;
      const written = await this.client.update(R.pods, namespace ?? '', { apiVersion: 'v1', kind: 'Pod', metadata, status: result.status }, { subresource: 'status' });
      // The next stage is evaluated when the watch brings this version back.
      const cached = this.pods.get(namespace ?? '', name ?? '');
      if (!cached || Number(cached.metadata.resourceVersion) < Number(written.metadata.resourceVersion)) this.awaitingEcho.set(key, written.metadata.resourceVersion ?? '');
      record();
      if (isTerminalPhase(result.status.phase)) this.releaseIP(uid ?? '');
    } catch (e) {
      if (this.awaitingEcho.get(key) === '') this.awaitingEcho.delete(key);
      // 409: a newer version is on its way and will be evaluated; 404: the pod is gone.
      if (code(e) === 409 || code(e) === 404) return;
      throw e;
    }
  }
}
