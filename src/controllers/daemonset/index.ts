// The DaemonSet controller (pkg/controller/daemon, Kubernetes 1.32): one pod per eligible
// node — nodeSelector, required node affinity and taints decide — pinned to its node by a
// required node affinity term `metadata.name In [node]` for the default scheduler to honour.
// Node label and taint changes add and remove pods; template changes roll out within
// maxUnavailable or maxSurge (RollingUpdate) or wait for users to delete pods (OnDelete);
// ControllerRevisions `<ds>-<hash>` record the templates for `kubectl rollout`.
//
//   daemonSetController(ctx)   // controllerFor(DaemonSet).owns(Pod).owns(ControllerRevision), plus nodes

import type { KubeObject } from '../../api/object.js';
import { controllerOf, deepCopy, objectKey, splitKey } from '../../api/object.js';
import type { Clock } from '../../machinery/clock.js';
import { selectorFromLabelSelector, type Selector } from '../../machinery/labels.js';
import { R } from '../../client/resources.js';
import { controllerFor, type Controller, type ControllerContext, type Reconciler, type Result } from '../controller.js';
import { ClientEventRecorder, type EventRecorder } from '../events.js';
import { claimObjects, recheckNotDeleted, sortControllerRevisions, type ControllerRevision } from '../history.js';
import { isPodAvailable, isPodReady, podReadyCondition, slowStartBatch } from '../replicaset.js';
import { daemonSetRevision, excessPodsOnNode, planRollingUpdate, splitHistory } from './update.js';
import {
  allowsSurge,
  byCreationTimestampAndPhase,
  createPodTemplate,
  DaemonSetRevisionLabel,
  isPodUpdated,
  nodeShouldRunDaemonPod,
  normalizeDaemonSetStatus,
  pinToNode,
  surgeCount,
  targetNodeName,
  templateGeneration,
  unavailableCount,
  type DaemonSet,
  type DaemonSetStatus,
  type Node,
} from './util.js';

export * from './util.js';
export { daemonSetRevision, matchesRevision, planRollingUpdate, splitHistory, updatedPodsOnNode } from './update.js';

const daemonSetKind = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
/** BurstReplicas: at most this many creates (and deletes) per sync. */
const burstReplicas = 250;
const expectationsTimeoutMs = 5 * 60_000;

export interface DaemonSetControllerOptions {
  /** Defaults to a recorder whose events come from `daemonset-controller`, as upstream's. */
  recorder?: EventRecorder;
  /** ConcurrentDaemonSetSyncs (default 2). */
  workers?: number;
}

/** ControllerExpectations by count: a DaemonSet waits for its own creates and deletes to be seen. */
class Expectations {
  private entries = new Map<string, { add: number; del: number; at: number }>();
  constructor(private readonly clock: Clock) {}
  satisfied(key: string): boolean {
    const e = this.entries.get(key);
    if (!e || (e.add <= 0 && e.del <= 0)) return true;
    return this.clock.now() - e.at > expectationsTimeoutMs;
  }
  set(key: string, add: number, del: number): void {
    this.entries.set(key, { add, del, at: this.clock.now() });
  }
  lower(key: string, add: number, del: number): void {
    const e = this.entries.get(key);
    if (e) {
      e.add -= add;
      e.del -= del;
    }
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
}

/** flowcontrol.Backoff (1 s doubling to 15 min): how often a failed daemon pod on a node is replaced. */
class Backoff {
  private entries = new Map<string, { delay: number; last: number }>();
  constructor(
    private readonly initialMs = 1000,
    private readonly maxMs = 15 * 60_000,
  ) {}
  inBackoffSinceUpdate(key: string, now: number): boolean {
    const e = this.entries.get(key);
    return !!e && now - e.last < e.delay;
  }
  next(key: string, now: number): void {
    const e = this.entries.get(key);
    if (!e || now - e.last > 2 * this.maxMs) this.entries.set(key, { delay: this.initialMs, last: now });
    else this.entries.set(key, { delay: Math.min(e.delay * 2, this.maxMs), last: now });
  }
  get(key: string): number {
    return this.entries.get(key)?.delay ?? 0;
  }
}

function errorCode(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

function namespaceTerminating(e: unknown): boolean {
  return ((e as { details?: { causes?: { reason?: string }[] } }).details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

function selectsAll(ds: DaemonSet): boolean {
  const s = ds.spec.selector;
  return !!s && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

export class DaemonSetReconciler implements Reconciler {
  private readonly recorder: EventRecorder;
  private readonly expectations: Expectations;
  private readonly failedPodsBackoff = new Backoff();
  /** Set by daemonSetController: delayed requeues for the failed-pod back-off. */
  enqueueAfter: (key: string, ms: number) => void = () => {};

  constructor(
    private readonly ctx: ControllerContext,
    options: DaemonSetControllerOptions = {},
  ) {
    this.recorder = options.recorder ?? new ClientEventRecorder(ctx.client, 'daemonset-controller', ctx.clock, ctx.log);
    this.expectations = new Expectations(ctx.clock);
    // Expectations are lowered by what the pod informer sees, before the DaemonSet is synced.
    this.pods.addEventHandler({
      onAdd: (pod) => {
        const ds = this.resolveOwner(pod);
        if (!ds) return;
        if (pod.metadata.deletionTimestamp) this.expectations.lower(objectKey(ds), 0, 1);
        else this.expectations.lower(objectKey(ds), 1, 0);
      },
      onUpdate: (old, pod) => {
        if (old.metadata.resourceVersion === pod.metadata.resourceVersion || !pod.metadata.deletionTimestamp) return;
        const ds = this.resolveOwner(pod);
        if (ds) this.expectations.lower(objectKey(ds), 0, 1);
      },
      onDelete: (pod) => {
        const ds = this.resolveOwner(pod);
        if (ds) this.expectations.lower(objectKey(ds), 0, 1);
      },
    });
    this.daemonSets.addEventHandler({ onDelete: (ds) => this.expectations.delete(objectKey(ds)) });
  }

  private get daemonSets() {
    return this.ctx.informers.informerFor(R.daemonsets);
  }
  private get pods() {
    return this.ctx.informers.informerFor(R.pods);
  }
  private get nodes() {
    return this.ctx.informers.informerFor(R.nodes);
  }
  private get revisions() {
    return this.ctx.informers.informerFor(R.controllerrevisions);
  }

  private resolveOwner(obj: KubeObject): DaemonSet | undefined {
    const ref = controllerOf(obj);
    if (!ref || ref.kind !== 'DaemonSet') return undefined;
    const ds = this.daemonSets.get(obj.metadata.namespace ?? '', ref.name);
    return ds && ds.metadata.uid === ref.uid ? (ds as DaemonSet) : undefined;
  }

  /** Keys of the DaemonSets an orphan (pod or revision) might belong to. */
  daemonSetsForOrphan(obj: KubeObject): string[] {
    if (controllerOf(obj)) return [];
    const keys: string[] = [];
    for (const ds of this.daemonSets.list(obj.metadata.namespace) as DaemonSet[]) {
      let selector: Selector;
      try {
        selector = selectorFromLabelSelector(ds.spec?.selector);
      } catch {
        continue;
      }
      if (!selector.isEmpty() && selector.matches(obj.metadata.labels)) keys.push(objectKey(ds));
    }
    return keys;
  }

  /** A new node: the DaemonSets that should run there. */
  daemonSetsForNewNode(node: Node): string[] {
    return (this.daemonSets.list() as DaemonSet[]).filter((ds) => nodeShouldRunDaemonPod(node, ds).shouldRun).map((ds) => objectKey(ds));
  }

  /** A node whose labels or taints changed: the DaemonSets whose verdict on it changed. */
  daemonSetsForChangedNode(old: Node, node: Node): string[] {
    const same = JSON.stringify(old.metadata.labels ?? {}) === JSON.stringify(node.metadata.labels ?? {}) && JSON.stringify(old.spec?.taints ?? []) === JSON.stringify(node.spec?.taints ?? []);
    if (same) return [];
    return (this.daemonSets.list() as DaemonSet[])
      .filter((ds) => {
        const a = nodeShouldRunDaemonPod(old, ds);
        const b = nodeShouldRunDaemonPod(node, ds);
        return a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning;
      })
      .map((ds) => objectKey(ds));
  }

  allDaemonSets(): string[] {
    return this.daemonSets.list().map((ds) => objectKey(ds));
  }

  async reconcile(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const cached = this.daemonSets.get(namespace, name) as DaemonSet | undefined;
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const ds = deepCopy(cached);
    ds.spec ??= {};
    const nodes = this.nodes.list() as Node[];
    if (selectsAll(ds)) {
      this.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    // Being deleted: its revisions may be gone already, so its status cannot be trusted.
    if (ds.metadata.deletionTimestamp) return;
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(ds.spec.selector);
    } catch (e) {
      this.ctx.log(`daemonset-controller: ${key}: invalid selector: ${(e as Error).message}`);
      return;
    }

    const { cur, old } = await this.constructHistory(ds, selector);
    const hash = cur.metadata.labels?.[DaemonSetRevisionLabel] ?? '';

    if (!this.expectations.satisfied(key)) {
      // Only status: the DaemonSet at this generation was not processed.
      return this.updateStatus(ds, nodes, hash, selector, false);
    }
    let error: unknown;
    try {
      await this.manage(ds, nodes, hash, selector);
      if (this.expectations.satisfied(key) && ds.spec.updateStrategy?.type === 'RollingUpdate') await this.rollingUpdate(ds, nodes, hash, selector);
      try {
        await this.cleanupHistory(ds, old, selector);
      } catch (e) {
        throw new Error(`failed to clean up revisions of DaemonSet: ${(e as Error).message}`);
      }
    } catch (e) {
      error = e;
    }
    let result: Result | void = undefined;
    try {
      result = await this.updateStatus(ds, nodes, hash, selector, true);
    } catch (e) {
      if (!error) throw e;
      this.ctx.log(`daemonset-controller: ${key}: failed to update status: ${(e as Error).message}`);
    }
    if (error) throw error;
    return result;
  }

  // ---- pods by node ----

  /** getDaemonPods: the DaemonSet's pods, after adopting matching orphans and releasing strays. */
  private async daemonPods(ds: DaemonSet, selector: Selector): Promise<KubeObject[]> {
    return claimObjects(this.pods.list(ds.metadata.namespace), {
      client: this.ctx.client,
      ref: R.pods,
      parent: ds,
      parentKind: daemonSetKind,
      selector,
      canAdopt: recheckNotDeleted(this.ctx.client, R.daemonsets, ds),
    });
  }

  /** getNodesToDaemonPods: claimed pods by the node they run on (or are pinned to). */
  private async nodesToDaemonPods(ds: DaemonSet, selector: Selector, includeDeletedTerminal: boolean): Promise<Map<string, KubeObject[]>> {
    const out = new Map<string, KubeObject[]>();
    for (const pod of await this.daemonPods(ds, selector)) {
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      if (!includeDeletedTerminal && (phase === 'Succeeded' || phase === 'Failed') && pod.metadata.deletionTimestamp) continue;
      const node = targetNodeName(pod);
      if (node === undefined) continue;
      const list = out.get(node) ?? [];
      list.push(pod);
      out.set(node, list);
    }
    return out;
  }

  // ---- manage: the right pods on the right nodes ----

  private async manage(ds: DaemonSet, nodes: Node[], hash: string, selector: Selector): Promise<void> {
    const nodeToDaemonPods = await this.nodesToDaemonPods(ds, selector, false);
    const nodesNeedingDaemonPods: string[] = [];
    const podsToDelete: string[] = [];
    for (const node of nodes) {
      const r = this.podsShouldBeOnNode(node, nodeToDaemonPods, ds, hash);
      nodesNeedingDaemonPods.push(...r.create);
      podsToDelete.push(...r.delete);
    }
    // Unscheduled pods pinned to nodes that no longer exist: nothing else removes them.
    const existing = new Set(nodes.map((n) => n.metadata.name));
    for (const [nodeName, pods] of nodeToDaemonPods) {
      if (existing.has(nodeName)) continue;
      for (const pod of pods) if (!(pod.spec as { nodeName?: string }).nodeName) podsToDelete.push(pod.metadata.name!);
    }
    await this.syncNodes(ds, podsToDelete, nodesNeedingDaemonPods, hash);
  }

  /** podsShouldBeOnNode: create where a pod belongs and none runs; delete failed, excess and misplaced pods. */
  private podsShouldBeOnNode(node: Node, nodeToDaemonPods: Map<string, KubeObject[]>, ds: DaemonSet, hash: string): { create: string[]; delete: string[] } {
    const create: string[] = [];
    const del: string[] = [];
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const nodeName = node.metadata.name!;
    const daemonPods = nodeToDaemonPods.get(nodeName);
    const now = this.ctx.clock.now();
    if (shouldRun && !daemonPods) {
      create.push(nodeName);
    } else if (shouldContinueRunning && daemonPods) {
      const running: KubeObject[] = [];
      for (const pod of daemonPods) {
        if (pod.metadata.deletionTimestamp) continue;
        const phase = (pod.status as { phase?: string } | undefined)?.phase;
        if (phase === 'Failed') {
          // The kubelet may keep rejecting the pod: replace it at a backed-off pace.
          const backoffKey = `${ds.metadata.uid}/${ds.status?.observedGeneration ?? 0}/${nodeName}`;
          if (this.failedPodsBackoff.inBackoffSinceUpdate(backoffKey, now)) {
            this.enqueueAfter(objectKey(ds), this.failedPodsBackoff.get(backoffKey));
            continue;
          }
          this.failedPodsBackoff.next(backoffKey, now);
          this.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`);
          del.push(pod.metadata.name!);
        } else if (phase === 'Succeeded') {
          this.recorder.event(ds, 'Normal', 'SucceededDaemonPod', `Found succeeded daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to delete it`);
          del.push(pod.metadata.name!);
        } else {
          running.push(pod);
        }
      }
      const surge = allowsSurge(ds);
      if (!surge || running.length > 1) {
        del.push(...excessPodsOnNode(ds, running, hash, surge, now, byCreationTimestampAndPhase));
      } else if (running.length === 0 && shouldRun) {
        // Surging needs at least one pod that is not being deleted.
        create.push(nodeName);
      }
    } else if (!shouldContinueRunning && daemonPods) {
      for (const pod of daemonPods) if (!pod.metadata.deletionTimestamp) del.push(pod.metadata.name!);
    }
    return { create, delete: del };
  }

  /** syncNodes: creates pods pinned to the nodes (slow start), deletes the named pods, with expectations. */
  private async syncNodes(ds: DaemonSet, podsToDelete: string[], nodesNeedingDaemonPods: string[], hash: string): Promise<void> {
    const key = objectKey(ds);
    const createDiff = Math.min(nodesNeedingDaemonPods.length, burstReplicas);
    const deleteDiff = Math.min(podsToDelete.length, burstReplicas);
    this.expectations.set(key, createDiff, deleteDiff);
    const errors: unknown[] = [];
    const template = createPodTemplate(ds.spec.template, templateGeneration(ds), hash);

    let next = 0;
    const { successes, error } = await slowStartBatch(createDiff, 1, async () => {
      const nodeName = nodesNeedingDaemonPods[next++];
      try {
        await this.createPod(ds, template, nodeName);
      } catch (e) {
        // A namespace being deleted refuses every create: nothing to report or retry.
        if (namespaceTerminating(e)) return;
        this.expectations.lower(key, 1, 0);
        throw e;
      }
    });
    if (error) {
      errors.push(error);
      // Pods never attempted will not be observed.
      const attempted = next;
      if (createDiff - attempted > 0) this.expectations.lower(key, createDiff - attempted, 0);
    }
    void successes;

    await Promise.all(
      podsToDelete.slice(0, deleteDiff).map(async (podName) => {
        try {
          await this.deletePod(ds, podName);
        } catch (e) {
          this.expectations.lower(key, 0, 1);
          if (errorCode(e) !== 404) errors.push(e);
        }
      }),
    );
    if (errors.length) throw errors[0];
  }

  /** RealPodControl.CreatePods for a daemon pod: `<ds>-xxxxx`, pinned to its node. */
  private async createPod(ds: DaemonSet, template: ReturnType<typeof createPodTemplate>, nodeName: string): Promise<void> {
    const spec = deepCopy(template.spec ?? {});
    spec.affinity = pinToNode(spec.affinity, nodeName);
    const name = ds.metadata.name!;
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${name}-`,
        labels: { ...(template.metadata?.labels ?? {}) },
        ownerReferences: [{ apiVersion: daemonSetKind.apiVersion, kind: daemonSetKind.kind, name, uid: ds.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec,
    };
    if (template.metadata?.annotations && Object.keys(template.metadata.annotations).length) pod.metadata.annotations = { ...template.metadata.annotations };
    if (template.metadata?.finalizers?.length) pod.metadata.finalizers = [...template.metadata.finalizers];
    let created: KubeObject;
    try {
      if (Object.keys(pod.metadata.labels ?? {}).length === 0) throw new Error('unable to create pods, no labels');
      created = await this.ctx.client.create(R.pods, ds.metadata.namespace!, pod);
    } catch (e) {
      if (!namespaceTerminating(e)) this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
      throw e;
    }
    this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  }

  private async deletePod(ds: DaemonSet, podName: string): Promise<void> {
    try {
      await this.ctx.client.delete(R.pods, ds.metadata.namespace!, podName);
    } catch (e) {
      if (errorCode(e) !== 404) this.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
      throw e;
    }
    this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${podName}`);
  }

  // ---- rolling update ----

  private async rollingUpdate(ds: DaemonSet, nodes: Node[], hash: string, selector: Selector): Promise<void> {
    const nodeToDaemonPods = await this.nodesToDaemonPods(ds, selector, false);
    let desired = 0;
    const runs = new Map<string, boolean>();
    for (const node of nodes) {
      const shouldRun = nodeShouldRunDaemonPod(node, ds).shouldRun;
      runs.set(node.metadata.name!, shouldRun);
      if (!shouldRun) continue;
      desired++;
      if (!nodeToDaemonPods.has(node.metadata.name!)) nodeToDaemonPods.set(node.metadata.name!, []);
    }
    let maxUnavailable: number;
    let maxSurge: number;
    try {
      maxUnavailable = unavailableCount(ds, desired);
    } catch (e) {
      throw new Error(`couldn't get unavailable numbers: invalid value for MaxUnavailable: ${(e as Error).message}`);
    }
    try {
      maxSurge = surgeCount(ds, desired);
    } catch (e) {
      throw new Error(`couldn't get unavailable numbers: invalid value for MaxSurge: ${(e as Error).message}`);
    }
    // An impossible configuration (both zero) accepts one unavailable pod.
    if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
    const plan = planRollingUpdate(ds, nodeToDaemonPods, hash, { maxSurge, maxUnavailable, desiredNumberScheduled: desired }, (n) => runs.get(n) ?? false, this.ctx.clock.now());
    await this.syncNodes(ds, plan.deletePods, plan.createOn, hash);
  }

  // ---- history ----

  /** controlledHistories: the DaemonSet's revisions, after adopting matching orphans and releasing strays. */
  private async controlledHistories(ds: DaemonSet, selector: Selector): Promise<ControllerRevision[]> {
    return claimObjects(this.revisions.list(ds.metadata.namespace) as ControllerRevision[], {
      client: this.ctx.client,
      ref: R.controllerrevisions,
      parent: ds,
      parentKind: daemonSetKind,
      selector,
      canAdopt: recheckNotDeleted(this.ctx.client, R.daemonsets, ds),
    });
  }

  /**
   * constructHistory: the revision holding the current template (created when new, deduplicated,
   * renumbered to the newest when an older template is back) and the other revisions.
   */
  private async constructHistory(ds: DaemonSet, selector: Selector): Promise<{ cur: ControllerRevision; old: ControllerRevision[] }> {
    const histories: ControllerRevision[] = [];
    for (let h of await this.controlledHistories(ds, selector)) {
      // Older revisions may lack the hash label: their name stands in for it.
      if (!h.metadata.labels?.[DaemonSetRevisionLabel]) {
        const toUpdate = deepCopy(h);
        toUpdate.metadata.labels = { ...(toUpdate.metadata.labels ?? {}), [DaemonSetRevisionLabel]: toUpdate.metadata.name! };
        h = (await this.ctx.client.update(R.controllerrevisions, ds.metadata.namespace!, toUpdate)) as ControllerRevision;
      }
      histories.push(h);
    }
    const { current, old, nextRevision } = splitHistory(ds, histories);
    let cur: ControllerRevision;
    if (current.length === 0) {
      cur = await this.snapshot(ds, nextRevision);
    } else {
      cur = await this.dedupCurHistories(ds, current, selector);
      if (cur.revision < nextRevision) {
        const toUpdate = deepCopy(cur);
        toUpdate.revision = nextRevision;
        cur = (await this.ctx.client.update(R.controllerrevisions, ds.metadata.namespace!, toUpdate)) as ControllerRevision;
      }
    }
    return { cur, old };
  }

  /** snapshot: creates the revision; a name taken by a different template bumps collisionCount. */
  private async snapshot(ds: DaemonSet, revision: number): Promise<ControllerRevision> {
    const history = daemonSetRevision(ds, revision);
    try {
      return (await this.ctx.client.create(R.controllerrevisions, ds.metadata.namespace!, history)) as ControllerRevision;
    } catch (outer) {
      if ((outer as { reason?: string }).reason !== 'AlreadyExists') throw outer;
      const existing = (await this.ctx.client.get(R.controllerrevisions, ds.metadata.namespace!, history.metadata.name!)) as ControllerRevision | undefined;
      if (!existing) throw outer;
      if (splitHistory(ds, [existing]).current.length === 1) return existing;
      const currDS = (await this.ctx.client.get(R.daemonsets, ds.metadata.namespace!, ds.metadata.name!)) as DaemonSet | undefined;
      if (!currDS) throw outer;
      if ((currDS.status?.collisionCount ?? null) !== (ds.status?.collisionCount ?? null)) {
        throw new Error(
          `found a stale collision count (${ds.status?.collisionCount ?? 0}, expected ${currDS.status?.collisionCount ?? 0}) of DaemonSet "${ds.metadata.name}" while processing; will retry until it is updated`,
        );
      }
      const status = normalizeDaemonSetStatus({ ...(currDS.status ?? {}), collisionCount: (currDS.status?.collisionCount ?? 0) + 1 });
      await this.ctx.client.update(R.daemonsets, ds.metadata.namespace!, { ...currDS, status }, { subresource: 'status' });
      throw outer;
    }
  }

  /** dedupCurHistories: of several revisions with the current template, keep the newest; relabel its pods. */
  private async dedupCurHistories(ds: DaemonSet, current: ControllerRevision[], selector: Selector): Promise<ControllerRevision> {
    if (current.length === 1) return current[0];
    let keep = current[0];
    for (const h of current) if (h.revision >= keep.revision) keep = h;
    const keepHash = keep.metadata.labels?.[DaemonSetRevisionLabel] ?? '';
    for (const pod of await this.daemonPods(ds, selector)) {
      if (pod.metadata.labels?.[DaemonSetRevisionLabel] === keepHash) continue;
      await this.ctx.client.patch(R.pods, ds.metadata.namespace!, pod.metadata.name!, 'merge', { metadata: { labels: { [DaemonSetRevisionLabel]: keepHash } } });
    }
    for (const h of current) {
      if (h.metadata.name === keep.metadata.name) continue;
      await this.ctx.client.delete(R.controllerrevisions, ds.metadata.namespace!, h.metadata.name!);
    }
    return keep;
  }

  /** cleanupHistory: the oldest revisions no pod runs go, until revisionHistoryLimit old ones remain. */
  private async cleanupHistory(ds: DaemonSet, old: ControllerRevision[], selector: Selector): Promise<void> {
    const toKeep = ds.spec.revisionHistoryLimit ?? 10;
    let toKill = old.length - toKeep;
    if (toKill <= 0) return;
    const liveHashes = new Set<string>();
    for (const pods of (await this.nodesToDaemonPods(ds, selector, true)).values()) {
      for (const pod of pods) {
        const h = pod.metadata.labels?.[DaemonSetRevisionLabel];
        if (h) liveHashes.add(h);
      }
    }
    for (const h of sortControllerRevisions(old)) {
      if (toKill <= 0) break;
      if (liveHashes.has(h.metadata.labels?.[DaemonSetRevisionLabel] ?? '')) continue;
      await this.ctx.client.delete(R.controllerrevisions, ds.metadata.namespace!, h.metadata.name!);
      toKill--;
    }
  }

  // ---- status ----

  /** updateDaemonSetStatus: the counts over nodes that should run the pod, written when changed. */
  private async updateStatus(ds: DaemonSet, nodes: Node[], hash: string, selector: Selector, updateObservedGen: boolean): Promise<Result | void> {
    const nodeToDaemonPods = await this.nodesToDaemonPods(ds, selector, false);
    const now = this.ctx.clock.now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    const generation = templateGeneration(ds);
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let updated = 0;
    let available = 0;
    let nextAvailable: number | undefined;
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      const pods = nodeToDaemonPods.get(node.metadata.name!) ?? [];
      const scheduled = pods.length > 0;
      if (!shouldRun) {
        if (scheduled) misscheduled++;
        continue;
      }
      desired++;
      if (!scheduled) continue;
      current++;
      const pod = [...pods].sort(byCreationTimestampAndPhase)[0];
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
        else {
          const since = Date.parse(podReadyCondition(pod)?.lastTransitionTime ?? '');
          const at = Number.isNaN(since) ? undefined : since + minReady * 1000;
          if (at !== undefined && (nextAvailable === undefined || at < nextAvailable)) nextAvailable = at;
        }
      }
      if (isPodUpdated(pod, hash, generation)) updated++;
    }
    const next: DaemonSetStatus = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: updateObservedGen ? ds.metadata.generation : ds.status?.observedGeneration,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: desired - available,
    };
    await this.storeStatus(ds, next);
    // Ready pods become available minReadySeconds later: look again then.
    if (minReady > 0 && ready !== available) {
      return { requeueAfter: nextAvailable !== undefined && nextAvailable >= now ? nextAvailable - now + 1000 : minReady * 1000 };
    }
  }

  /** storeDaemonSetStatus: skipped when nothing changed and the generation was observed; one retry on conflict. */
  private async storeStatus(ds: DaemonSet, s: DaemonSetStatus): Promise<void> {
    const old = normalizeDaemonSetStatus(ds.status);
    const unchanged =
      old.desiredNumberScheduled === s.desiredNumberScheduled &&
      old.currentNumberScheduled === s.currentNumberScheduled &&
      old.numberMisscheduled === s.numberMisscheduled &&
      old.numberReady === s.numberReady &&
      (old.updatedNumberScheduled ?? 0) === (s.updatedNumberScheduled ?? 0) &&
      (old.numberAvailable ?? 0) === (s.numberAvailable ?? 0) &&
      (old.numberUnavailable ?? 0) === (s.numberUnavailable ?? 0) &&
      (old.observedGeneration ?? 0) >= (ds.metadata.generation ?? 0);
    if (unchanged) return;
    let target: DaemonSet = ds;
    for (let attempt = 0; ; attempt++) {
      const merged = normalizeDaemonSetStatus({
        ...(target.status ?? {}),
        ...s,
        observedGeneration: s.observedGeneration ?? target.status?.observedGeneration,
      });
      try {
        await this.ctx.client.update(R.daemonsets, ds.metadata.namespace!, { ...target, status: merged }, { subresource: 'status' });
        return;
      } catch (e) {
        if (attempt >= 1) throw e;
        const fresh = (await this.ctx.client.get(R.daemonsets, ds.metadata.namespace!, ds.metadata.name!)) as DaemonSet | undefined;
        if (!fresh) throw e;
        target = fresh;
      }
    }
  }
}

/**
 * `controllerFor(DaemonSet).owns(Pod).owns(ControllerRevision)`; orphan pods and revisions go to
 * the DaemonSets that select them, and node changes to the DaemonSets they concern.
 */
export function daemonSetController(ctx: ControllerContext, options: DaemonSetControllerOptions = {}): Controller {
  const reconciler = new DaemonSetReconciler(ctx, options);
  const controller = controllerFor(ctx, R.daemonsets)
    .owns(R.pods)
    .watches(R.pods, (pod) => reconciler.daemonSetsForOrphan(pod))
    .owns(R.controllerrevisions)
    .watches(R.controllerrevisions, (rev) => reconciler.daemonSetsForOrphan(rev))
    .named('daemonset-controller')
    .withWorkers(options.workers ?? 2)
    .complete(reconciler);
  reconciler.enqueueAfter = (key, ms) => controller.queue.addAfter(key, ms);
  ctx.informers.informerFor(R.nodes).addEventHandler({
    onAdd: (node) => reconciler.daemonSetsForNewNode(node as Node).forEach((k) => controller.enqueue(k)),
    onUpdate: (old, node) => reconciler.daemonSetsForChangedNode(old as Node, node as Node).forEach((k) => controller.enqueue(k)),
    // Not upstream: a node gone changes the counts at once, not at the next resync.
    onDelete: () => reconciler.allDaemonSets().forEach((k) => controller.enqueue(k)),
  });
  return controller;
}
