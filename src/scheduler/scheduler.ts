// kube-scheduler as a Runnable: while this process holds the kube-system/kube-scheduler Lease,
// informers feed the cache (nodes, assigned pods) and the scheduling queue (pending pods of
// spec.schedulerName default-scheduler), and one loop takes pods from the queue and runs a
// scheduling cycle for each. A chosen node is assumed in the cache at once and the binding
// (POST pods/NAME/binding) goes out asynchronously; a pod that fits nowhere gets
// PodScheduled=False (reason Unschedulable and the "0/N nodes are available: …" message), a
// FailedScheduling event and a place in the queue until the cluster changes.
//
//   new Scheduler({ client, clock }).start(signal)

import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { KubeObject } from '../api/object.js';
import { realClock, rfc3339, type Clock } from '../machinery/clock.js';
import type { Client } from '../client/interface.js';
import { InformerFactory, type Informer } from '../client/informer.js';
import { R } from '../client/resources.js';
import type { Runnable } from '../controllers/controller.js';
import type { EventRecorder } from '../controllers/events.js';
import { LeaderElector, defaultLeaderElection } from '../controllers/leader-election.js';
import { SchedulerCache } from './cache.js';
import { ConcurrentEventRecorder } from './event-recorder.js';
import { NoNodesAvailable, PluginError, SchedulingAlgorithm } from './cycle.js';
import { Framework, type PluginEntry } from './framework.js';
import { array, record, str } from './helpers.js';
import { PodInfo } from './pod-info.js';
import { defaultPlugins } from './plugins/registry.js';
import { SchedulingQueue, type QueuedPodInfo } from './queue.js';
import { Code, CycleState, FitError, Status, type ClusterEvent, type Handle, type ListedKind, type UpdateKind } from './types.js';

export const defaultSchedulerName = 'default-scheduler';

export interface SchedulerOptions {
  client: Client;
  clock?: Clock;
  log?: (msg: string) => void;
  /** Defaults to events written through the client as component default-scheduler. */
  recorder?: EventRecorder;
  /** Hold the kube-system/kube-scheduler Lease while scheduling (default true). */
  leaderElection?: boolean;
  identity?: string;
  /** 0 (default) is upstream's adaptive share. */
  percentageOfNodesToScore?: number;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  podMaxInUnschedulableMs?: number;
  /** Tie-breaks between equal scores and the preemption offset (tests pass a fixed one). */
  random?: () => number;
  /** Replaces the default profile's plugins (tests). */
  plugins?: (deps: { handle: Handle; client: Client; recorder: EventRecorder; framework: () => Framework }) => PluginEntry[];
  /** Called after each successful binding (benchmarks, tests). */
  onBound?: (pod: PodInfo, nodeName: string) => void;
  /** Bindings in flight before the next cycle waits for one (default 128). */
  maxBindingsInFlight?: number;
}

/** validation.NoteLengthLimit: events longer than this are cut. */
const noteLengthLimit = 1024;

export function truncateMessage(message: string): string {
  if (message.length <= noteLengthLimit) return message;
  const suffix = ' ...';
  return message.slice(0, noteLengthLimit - suffix.length) + suffix;
}

function assigned(pod: KubeObject): boolean {
  return !!str(record(pod.spec).nodeName);
}

function asPod(pod: KubeObject): KubeObject {
  return pod.kind === 'Pod' ? pod : { ...pod, apiVersion: 'v1', kind: 'Pod' };
}

function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** What changed between two versions of a node, as the plugins' events name it (NodeSchedulingPropertiesChange). */
export function nodeUpdateKinds(oldNode: KubeObject, newNode: KubeObject): Set<UpdateKind> {
  const out = new Set<UpdateKind>();
  const os = record(oldNode.spec);
  const ns = record(newNode.spec);
  const ost = record(oldNode.status);
  const nst = record(newNode.status);
  if (!sameJSON(ost.allocatable, nst.allocatable)) out.add('allocatable');
  if (!sameJSON(oldNode.metadata.labels, newNode.metadata.labels)) out.add('label');
  if (!sameJSON(os.taints, ns.taints) || os.unschedulable !== ns.unschedulable) out.add('taint');
  const conds = (s: Record<string, unknown>) => array<Record<string, unknown>>(s.conditions).map((c) => `${c.type}=${c.status}`).join(',');
  if (conds(ost) !== conds(nst)) out.add('condition');
  if (!sameJSON(oldNode.metadata.annotations, newNode.metadata.annotations)) out.add('annotation');
  return out;
}

/** The kube-scheduler: a Runnable the controller manager process starts with a Client and a Clock. */
export class Scheduler implements Runnable {
  private current: SchedulerInstance | undefined;
  private readyResolve!: () => void;
  /** Resolves when the first term's informers have synced and the loop runs. */
  readonly ready: Promise<void> = new Promise((r) => (this.readyResolve = r));

  constructor(private readonly opts: SchedulerOptions) {}

  /** The running term's internals (tests, benchmarks). */
  get instance(): SchedulerInstance | undefined {
    return this.current;
  }

  async start(signal: AbortSignal): Promise<void> {
    const clock = this.opts.clock ?? realClock;
    const log = this.opts.log ?? (() => {});
    const lead = async (leading: AbortSignal) => {
      // Each term of leadership starts from fresh informers, cache and queue.
      const inst = new SchedulerInstance(this.opts);
      this.current = inst;
      await inst.run(leading, () => this.readyResolve());
    };
    if (this.opts.leaderElection === false) return lead(signal);
    const elector = new LeaderElector(
      this.opts.client,
      clock,
      { namespace: 'kube-system', name: 'kube-scheduler', identity: this.opts.identity ?? `${hostname()}_${randomUUID()}`, ...defaultLeaderElection },
      log,
    );
    await elector.run(signal, lead);
  }
}

export interface SchedulerStats {
  /** Pods bound. */
  scheduled: number;
  /** Scheduling cycles run. */
  attempts: number;
  /** Cycles that found no node. */
  unschedulable: number;
  /** Cycles or bindings that failed with an error. */
  errors: number;
}

/** One term of leadership: informers, cache, queue, framework and the scheduling loop. */
export class SchedulerInstance {
  readonly client: Client;
  readonly clock: Clock;
  readonly recorder: EventRecorder;
  readonly informers: InformerFactory;
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  readonly algorithm: SchedulingAlgorithm;
  readonly stats: SchedulerStats = { scheduled: 0, attempts: 0, unschedulable: 0, errors: 0 };
  private readonly log: (msg: string) => void;
  private readonly pods: Informer;
  private readonly namespaces: Informer;
  private readonly listers: Record<ListedKind, Informer>;
  /** Each pod's last status write, so a later binding never lands before it. */
  private readonly statusWrites = new Map<string, Promise<void>>();
  private readonly bindings = new Set<Promise<void>>();
  private readonly onBound: ((pod: PodInfo, nodeName: string) => void) | undefined;
  private readonly maxBindingsInFlight: number;
  private bindingFinished: (() => void) | undefined;

  constructor(opts: SchedulerOptions) {
    this.client = opts.client;
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? (() => {});
    this.recorder = opts.recorder ?? new ConcurrentEventRecorder(opts.client, defaultSchedulerName, this.clock, this.log);
    this.onBound = opts.onBound;
    this.maxBindingsInFlight = opts.maxBindingsInFlight ?? 128;
    this.informers = new InformerFactory(this.client, this.log);
    // Terminal pods free their resources: the scheduler does not see them (as upstream's informer).
    this.pods = this.informers.informerFor(R.pods, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' });
    this.namespaces = this.informers.informerFor(R.namespaces);
    this.listers = {
      services: this.informers.informerFor(R.services),
      replicasets: this.informers.informerFor(R.replicasets),
      statefulsets: this.informers.informerFor(R.statefulsets),
      replicationcontrollers: this.informers.informerFor(R.replicationcontrollers),
      poddisruptionbudgets: this.informers.informerFor(R.poddisruptionbudgets),
      persistentvolumeclaims: this.informers.informerFor(R.persistentvolumeclaims),
    };
    const handle: Handle = {
      nodeInfos: () => this.cache.nodeList(),
      nodeInfosWithAffinity: () => this.cache.nodesWithAffinity(),
      nodeInfosWithRequiredAntiAffinity: () => this.cache.nodesWithRequiredAntiAffinity(),
      nodeInfo: (name) => this.cache.nodeInfo(name),
      namespaceLabels: (ns) => {
        const n = this.namespaces.get('', ns);
        return n ? (n.metadata.labels ?? {}) : undefined;
      },
      namespacesMatching: (matches) => this.namespaces.list().filter((n) => matches(n.metadata.labels ?? {})).map((n) => n.metadata.name ?? ''),
      list: (kind, namespace) => this.listers[kind].list(namespace),
      get: (kind, namespace, name) => this.listers[kind].get(namespace, name),
      nominatedPodsForNode: (node) => this.queue.nominatedPodsForNode(node),
      now: () => this.clock.now(),
    };
    let framework: Framework | undefined;
    const deps = { handle, client: this.client, recorder: this.recorder, framework: () => framework!, random: opts.random };
    framework = new Framework(handle, opts.plugins ? opts.plugins(deps) : defaultPlugins(deps), defaultSchedulerName);
    this.framework = framework;
    this.queue = new SchedulingQueue({
      clock: this.clock,
      podInitialBackoffMs: opts.podInitialBackoffMs,
      podMaxBackoffMs: opts.podMaxBackoffMs,
      podMaxInUnschedulableMs: opts.podMaxInUnschedulableMs,
      preEnqueue: (pod) => framework!.runPreEnqueue(pod),
      isWorthRequeuing: (p, e) => framework!.isWorthRequeuing(p, e),
      namespaceLabels: (ns) => handle.namespaceLabels(ns),
    });
    this.algorithm = new SchedulingAlgorithm(framework, this.cache, {
      percentageOfNodesToScore: opts.percentageOfNodesToScore,
      random: opts.random,
      nominatedPods: () => !this.queue.noNominations,
    });
    this.addEventHandlers();
  }

  private responsibleFor(pod: KubeObject): boolean {
    return (str(record(pod.spec).schedulerName) || defaultSchedulerName) === defaultSchedulerName;
  }

  private addEventHandlers(): void {
    this.informers.informerFor(R.nodes).addEventHandler({
      onAdd: (node) => {
        this.cache.addNode(node);
        this.queue.moveAllToActiveOrBackoffQueue({ kind: 'NodeAdd', newObj: node });
      },
      onUpdate: (oldNode, node) => {
        this.cache.updateNode(node);
        const updates = nodeUpdateKinds(oldNode, node);
        if (updates.size) this.queue.moveAllToActiveOrBackoffQueue({ kind: 'NodeUpdate', updates, oldObj: oldNode, newObj: node });
      },
      onDelete: (node) => {
        this.cache.removeNode(node.metadata.name ?? '');
        this.queue.moveAllToActiveOrBackoffQueue({ kind: 'NodeDelete', oldObj: node });
      },
    });
    this.listers.persistentvolumeclaims.addEventHandler({
      onAdd: (pvc) => this.queue.moveAllToActiveOrBackoffQueue({ kind: 'PersistentVolumeClaimAdd', newObj: pvc }),
      onUpdate: (oldPvc, pvc) => this.queue.moveAllToActiveOrBackoffQueue({ kind: 'PersistentVolumeClaimUpdate', oldObj: oldPvc, newObj: pvc }),
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.onPodAdd(pod),
      onUpdate: (oldPod, pod) => this.onPodUpdate(oldPod, pod),
      onDelete: (pod) => this.onPodDelete(pod),
    });
  }

  private onPodAdd(pod: KubeObject): void {
    if (assigned(pod)) {
      const info = this.cache.addPod(pod);
      this.queue.assignedPodAddedOrUpdated({ kind: 'AssignedPodAdd', newObj: pod }, info);
    } else if (this.responsibleFor(pod)) {
      this.queue.add(new PodInfo(pod));
    }
  }

  private onPodUpdate(oldPod: KubeObject, pod: KubeObject): void {
    const wasAssigned = assigned(oldPod);
    if (assigned(pod)) {
      if (!wasAssigned) {
        // Bound (by us or anyone): it leaves the queue and joins the cache.
        this.queue.delete(pod.metadata.uid ?? '');
        return this.onPodAdd(pod);
      }
      const info = this.cache.updatePod(pod);
      const updates = new Set<UpdateKind>();
      if (!sameJSON(oldPod.metadata.labels, pod.metadata.labels)) updates.add('label');
      if (!sameJSON(record(oldPod.spec).containers, record(pod.spec).containers)) updates.add('scaleDown');
      if (updates.has('scaleDown')) this.queue.moveAllToActiveOrBackoffQueue({ kind: 'AssignedPodUpdate', updates, oldObj: oldPod, newObj: pod });
      else if (updates.size) this.queue.assignedPodAddedOrUpdated({ kind: 'AssignedPodUpdate', updates, oldObj: oldPod, newObj: pod }, info);
      return;
    }
    if (!this.responsibleFor(pod)) return;
    if (oldPod.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    // A pod being bound is the binding's business.
    if (this.cache.isAssumed(pod.metadata.uid ?? '')) return;
    this.queue.update(oldPod, new PodInfo(pod));
  }

  private onPodDelete(pod: KubeObject): void {
    if (assigned(pod)) {
      this.cache.removePod(pod);
      this.queue.moveAllToActiveOrBackoffQueue({ kind: 'AssignedPodDelete', oldObj: pod });
    } else if (this.responsibleFor(pod)) {
      this.queue.delete(pod.metadata.uid ?? '');
    }
  }

  /** Runs until the signal aborts; `ready` is called once informers have synced. */
  async run(signal: AbortSignal, ready: () => void = () => {}): Promise<void> {
    setMaxListeners(0, signal);
    this.informers.start(signal);
    await Promise.race([this.informers.waitForSync(), new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);
    if (signal.aborted) return;
    this.queue.run();
    signal.addEventListener('abort', () => this.queue.close(), { once: true });
    ready();
    let lastYield = Date.now();
    for (;;) {
      const qp = await this.queue.pop();
      if (!qp || signal.aborted) break;
      try {
        await this.scheduleOne(qp);
      } catch (e) {
        this.log(`scheduler: scheduling ${qp.info.key}: ${(e as Error).stack ?? e}`);
        this.queue.done(qp.info.uid);
      }
      // Bindings run in the background, but not unboundedly many: beyond the limit, cycles wait
      // for the API server instead of piling up assumed pods.
      if (this.bindings.size >= this.maxBindingsInFlight) {
        await new Promise<void>((r) => (this.bindingFinished = r));
        lastYield = Date.now();
      } else if (Date.now() - lastYield > 5) {
        // Let informer events and bindings in between cycles.
        await yieldToEventLoop();
        lastYield = Date.now();
      }
    }
    await this.flush();
  }

  /** Settles every binding, status write and event started so far (tests, benchmarks). */
  async flush(): Promise<void> {
    while (this.bindings.size || this.statusWrites.size) await Promise.allSettled([...this.bindings, ...this.statusWrites.values()]);
    await (this.recorder as { flush?: () => Promise<void> }).flush?.();
  }

  /** One pod's scheduling cycle; the binding continues in the background. */
  async scheduleOne(qp: QueuedPodInfo): Promise<void> {
    const pod = qp.info;
    if (pod.deleting) {
      this.recorder.event(asPod(pod.pod), 'Warning', 'FailedScheduling', `skip schedule deleting pod: ${pod.namespace}/${pod.name}`);
      this.queue.done(pod.uid);
      return;
    }
    if (this.cache.isAssumed(pod.uid)) {
      this.queue.done(pod.uid);
      return;
    }
    this.stats.attempts++;
    const state = new CycleState();
    let result: ReturnType<SchedulingAlgorithm['schedulePod']>;
    try {
      result = this.algorithm.schedulePod(state, pod);
    } catch (e) {
      const status = e instanceof PluginError ? e.status : Status.error(e);
      this.stats.errors++;
      this.log(`scheduler: error selecting node for pod ${pod.key}: ${status.message()}`);
      return this.handleSchedulingFailure(qp, status, undefined, '');
    }
    if (result instanceof NoNodesAvailable) {
      this.stats.unschedulable++;
      return this.handleSchedulingFailure(qp, new Status(Code.UnschedulableAndUnresolvable, [result.message]), undefined, '');
    }
    if (result instanceof FitError) {
      this.stats.unschedulable++;
      let nominating: string | undefined = '';
      if (this.framework.hasPostFilterPlugins) {
        const post = await this.framework.runPostFilter(state, pod, result.diagnosis.nodeToStatus);
        result.diagnosis.postFilterMsg = post.status.message();
        if (post.status.code === Code.Error) this.log(`scheduler: PostFilter for pod ${pod.key}: ${post.status.message()}`);
        nominating = post.result?.nominatedNodeName;
      }
      return this.handleSchedulingFailure(qp, new Status(Code.Unschedulable, [result.message]), result, nominating);
    }
    const node = result.suggestedHost;
    let assumed: PodInfo;
    try {
      assumed = this.cache.assumePod(pod, node);
    } catch (e) {
      this.stats.errors++;
      return this.handleSchedulingFailure(qp, Status.error(e), undefined, '');
    }
    this.queue.deleteNominated(pod.uid);
    this.queue.done(pod.uid);
    const binding = this.bindingCycle(qp, assumed, node).finally(() => {
      this.bindings.delete(binding);
      const wake = this.bindingFinished;
      this.bindingFinished = undefined;
      wake?.();
    });
    this.bindings.add(binding);
  }

  private async bindingCycle(qp: QueuedPodInfo, assumed: PodInfo, node: string): Promise<void> {
    const pending = this.statusWrites.get(assumed.uid);
    if (pending) await pending;
    const status = await this.framework.runBind(assumed, node);
    if (!status) {
      this.cache.finishBinding(assumed.uid);
      this.stats.scheduled++;
      this.recorder.event(asPod(assumed.pod), 'Normal', 'Scheduled', `Successfully assigned ${assumed.namespace}/${assumed.name} to ${node}`);
      this.onBound?.(assumed, node);
      return;
    }
    this.stats.errors++;
    this.log(`scheduler: binding ${assumed.key} to ${node}: ${status.message()}`);
    // The assumed pod held resources: its going away may help others.
    this.cache.forgetPod(assumed.uid);
    this.queue.moveAllToActiveOrBackoffQueue({ kind: 'AssignedPodDelete', oldObj: assumed.pod }, (p) => p.info.uid !== assumed.uid);
    this.handleSchedulingFailure(qp, status, undefined, '');
  }

  /**
   * Puts the pod back in the queue, records FailedScheduling and sets PodScheduled=False
   * (reason Unschedulable, or SchedulerError for errors) and the nominated node.
   * `nominating`: undefined keeps the pod's nominated node, '' clears it, a name sets it.
   */
  private handleSchedulingFailure(qp: QueuedPodInfo, status: Status, fit: FitError | undefined, nominating: string | undefined): void {
    const reason = status.isRejected() ? 'Unschedulable' : 'SchedulerError';
    const errMsg = status.message();
    qp.unschedulablePlugins = fit ? fit.diagnosis.unschedulablePlugins : new Set();
    qp.pendingPlugins = fit ? fit.diagnosis.pendingPlugins : new Set();
    const pod = qp.info;
    const cached = this.pods.get(pod.namespace, pod.name);
    let latest = pod;
    if (!cached || cached.metadata.uid !== pod.uid) {
      this.queue.done(pod.uid);
      this.log(`scheduler: pod ${pod.key} doesn't exist in informer cache`);
    } else if (assigned(cached)) {
      this.queue.done(pod.uid);
    } else {
      latest = qp.info = new PodInfo(cached);
      this.queue.addUnschedulable(qp);
    }
    this.queue.addNominated(latest, nominating === undefined ? undefined : nominating);
    this.recorder.event(asPod(latest.pod), 'Warning', 'FailedScheduling', truncateMessage(errMsg));
    if (cached && cached.metadata.uid === pod.uid) this.updatePodStatus(latest, reason, errMsg, nominating);
  }

  /** PodScheduled=False and status.nominatedNodeName, patched only when they change (podutil.UpdatePodCondition). */
  private updatePodStatus(pod: PodInfo, reason: string, message: string, nominating: string | undefined): void {
    const status = pod.status;
    const existing = array<Record<string, unknown>>(status.conditions).find((c) => c.type === 'PodScheduled');
    const sameStatus = existing?.status === 'False';
    const conditionChanged = !existing || !sameStatus || existing.reason !== reason || existing.message !== message || (existing.lastProbeTime ?? null) !== null;
    const nominatedChanged = nominating !== undefined && str(status.nominatedNodeName) !== nominating;
    if (!conditionChanged && !nominatedChanged) return;
    const patchStatus: Record<string, unknown> = {};
    if (conditionChanged) {
      patchStatus.conditions = [
        {
          type: 'PodScheduled',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: sameStatus ? existing!.lastTransitionTime : rfc3339(this.clock.now()),
          reason,
          message,
        },
      ];
    }
    if (nominatedChanged) patchStatus.nominatedNodeName = nominating ? nominating : null;
    const uid = pod.uid;
    const previous = this.statusWrites.get(uid) ?? Promise.resolve();
    const write: Promise<void> = previous
      .then(() => this.client.patch(R.pods, pod.namespace, pod.name, 'strategic', { status: patchStatus }, { subresource: 'status' }))
      .then(
        () => {},
        (e) => {
          if ((e as { code?: number }).code !== 404) this.log(`scheduler: updating pod ${pod.key}: ${(e as Error).message}`);
        },
      )
      .finally(() => {
        if (this.statusWrites.get(uid) === write) this.statusWrites.delete(uid);
      });
    this.statusWrites.set(uid, write);
  }

  /** A change outside the informers' view (tests): moves unschedulable pods it may help. */
  notify(event: ClusterEvent): void {
    this.queue.moveAllToActiveOrBackoffQueue(event);
  }
}
