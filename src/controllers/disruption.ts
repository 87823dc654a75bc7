// The disruption controller (upstream pkg/controller/disruption): keeps every
// PodDisruptionBudget's status current — how many selected pods are healthy (ready, not being
// deleted, not just evicted), how many must be, how many the budget expects, and so how many
// disruptions it allows — with the DisruptionAllowed condition (SufficientPods /
// InsufficientPods / SyncFailed). minAvailable and maxUnavailable may be numbers or
// percentages; percentages (and maxUnavailable) count from the scale of the pods' controllers
// (Deployment, ReplicaSet, StatefulSet, ReplicationController, or any kind with a scale
// subresource). The eviction subresource reads this status and spends disruptionsAllowed,
// recording evicted pods in disruptedPods; this controller forgets those once the pod is
// gone, or after two minutes if it never went.
//
// It also resets a stale DisruptionTarget=True pod condition (set by an eviction whose delete
// never happened) to False after two minutes.

import type { KubeObject, OwnerReference } from '../api/object.js';
import { controllerOf, deepCopy, objectKey, splitApiVersion, splitKey } from '../api/object.js';
import { rfc3339 } from '../machinery/clock.js';
import { selectorFromLabelSelector, type LabelSelector } from '../machinery/labels.js';
import type { ResourceRef } from '../client/interface.js';
import type { Lister } from '../client/informer.js';
import { R } from '../client/resources.js';
import { Controller, type ControllerContext, type Reconciler, type Result, type Runnable } from './controller.js';
import { ClientEventRecorder, type EventRecorder } from './events.js';
import { isPodReady } from './endpoints.js';

/** How long an evicted pod may take to go before the budget stops counting it as disrupted. */
export const deletionTimeoutMs = 2 * 60_000;
/** How long a DisruptionTarget condition may stay on a pod that is not being deleted. */
export const stalePodDisruptionTimeoutMs = 2 * 60_000;

export const DisruptionAllowed = 'DisruptionAllowed';
export const PdbReason = { SufficientPods: 'SufficientPods', InsufficientPods: 'InsufficientPods', SyncFailed: 'SyncFailed' } as const;

export interface PdbCondition {
  type: string;
  status: 'True' | 'False';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: PdbCondition[];
}

interface PdbSpec {
  selector?: LabelSelector | null;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  unhealthyPodEvictionPolicy?: string;
}

const specOf = (pdb: KubeObject): PdbSpec => (pdb.spec ?? {}) as PdbSpec;

// ---- pure helpers ----

/** intstr.GetScaledValueFromIntOrPercent: a number as is, "N%" of total (rounded up or down). */
export function scaledValue(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) {
    if (/^-?\d+$/.test(v)) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
    throw new Error(`invalid value for IntOrString: invalid value "${v}": strconv.Atoi: parsing "${v.replace(/%$/, '')}": invalid syntax`);
  }
  const pct = Number(m[1]);
  return roundUp ? Math.ceil((pct * total) / 100) : Math.floor((pct * total) / 100);
}

/** countHealthyPods: ready, not being deleted, and not evicted within the deletion timeout. */
export function countHealthyPods(pods: KubeObject[], disrupted: Record<string, string>, now: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const t = disrupted[pod.metadata.name!];
    if (t !== undefined && Date.parse(t) + deletionTimeoutMs > now) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/**
 * buildDisruptedPodMap: the evictions still pending — pods that exist, are not yet being
 * deleted, and were evicted less than the deletion timeout ago — and when to look again.
 */
export function buildDisruptedPodMap(pods: KubeObject[], pdb: KubeObject, now: number): { disrupted: Record<string, string>; recheckAt?: number; expired: KubeObject[] } {
  const previous = ((pdb.status ?? {}) as PdbStatus).disruptedPods ?? {};
  const disrupted: Record<string, string> = {};
  const expired: KubeObject[] = [];
  let recheckAt: number | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const t = previous[pod.metadata.name!];
    if (t === undefined) continue;
    const expectedDeletion = Date.parse(t) + deletionTimeoutMs;
    if (expectedDeletion < now) expired.push(pod);
    else {
      disrupted[pod.metadata.name!] = t;
      if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
    }
  }
  return { disrupted, recheckAt, expired };
}

/** apimeta.SetStatusCondition: the transition time moves only when the status does. */
export function setCondition(conditions: PdbCondition[] | undefined, c: Omit<PdbCondition, 'lastTransitionTime'>, now: number): PdbCondition[] {
  const list = (conditions ?? []).map((x) => ({ ...x }));
  const existing = list.find((x) => x.type === c.type);
  if (!existing) return [...list, { ...c, lastTransitionTime: rfc3339(now) }];
  if (existing.status !== c.status) existing.lastTransitionTime = rfc3339(now);
  existing.status = c.status;
  existing.reason = c.reason;
  existing.message = c.message;
  existing.observedGeneration = c.observedGeneration;
  return list;
}

/** pdbhelper.ConditionsAreUpToDate. */
export function conditionsUpToDate(pdb: KubeObject): boolean {
  const status = (pdb.status ?? {}) as PdbStatus;
  const cond = (status.conditions ?? []).find((c) => c.type === DisruptionAllowed);
  if (!cond) return false;
  if ((status.observedGeneration ?? 0) !== (pdb.metadata.generation ?? 0)) return false;
  if ((status.disruptionsAllowed ?? 0) > 0) return cond.status === 'True' && cond.reason === PdbReason.SufficientPods;
  return cond.status === 'False' && (cond.reason === PdbReason.InsufficientPods || cond.reason === PdbReason.SyncFailed);
}

/** The status for these counts, or undefined when the stored one already says it all. */
export function nextPdbStatus(pdb: KubeObject, counts: { currentHealthy: number; desiredHealthy: number; expectedCount: number; disrupted: Record<string, string> }, now: number): PdbStatus | undefined {
  let disruptionsAllowed = counts.currentHealthy - counts.desiredHealthy;
  if (counts.expectedCount <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const old = (pdb.status ?? {}) as PdbStatus;
  const generation = pdb.metadata.generation ?? 0;
  const sameDisrupted = JSON.stringify(Object.entries(old.disruptedPods ?? {}).sort()) === JSON.stringify(Object.entries(counts.disrupted).sort());
  if (
    old.currentHealthy === counts.currentHealthy &&
    old.desiredHealthy === counts.desiredHealthy &&
    old.expectedPods === counts.expectedCount &&
    old.disruptionsAllowed === disruptionsAllowed &&
    sameDisrupted &&
    old.observedGeneration === generation &&
    conditionsUpToDate(pdb)
  ) {
    return undefined;
  }
  const status: PdbStatus = {
    observedGeneration: generation,
    disruptionsAllowed,
    currentHealthy: counts.currentHealthy,
    desiredHealthy: counts.desiredHealthy,
    expectedPods: counts.expectedCount,
  };
  if (Object.keys(counts.disrupted).length) status.disruptedPods = counts.disrupted;
  status.conditions = setCondition(
    old.conditions,
    disruptionsAllowed > 0
      ? { type: DisruptionAllowed, status: 'True', reason: PdbReason.SufficientPods, message: '', observedGeneration: generation }
      : { type: DisruptionAllowed, status: 'False', reason: PdbReason.InsufficientPods, message: '', observedGeneration: generation },
    now,
  );
  return status;
}

/** Go's %v of a *metav1.LabelSelector, as the UnmanagedPods event prints it. */
export function goLabelSelector(sel: LabelSelector | null | undefined): string {
  if (!sel) return '<nil>';
  const labels = Object.keys(sel.matchLabels ?? {})
    .sort()
    .map((k) => `${k}: ${sel.matchLabels![k]},`)
    .join('');
  const exprs = (sel.matchExpressions ?? []).map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

// ---- the controller ----

export interface DisruptionControllerOptions {
  /** Defaults to a recorder whose events come from `controllermanager`, as upstream's. */
  recorder?: EventRecorder;
  /** Resolves other controller kinds (custom resources with a scale subresource). */
  resourceForKind?: (apiVersion: string, kind: string) => ResourceRef | undefined;
  workers?: number;
}

interface ControllerAndScale {
  uid: string;
  scale: number;
}

export class DisruptionReconciler implements Reconciler {
  private readonly recorder: EventRecorder;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly options: DisruptionControllerOptions = {},
  ) {
    this.recorder = options.recorder ?? new ClientEventRecorder(ctx.client, 'controllermanager', ctx.clock, ctx.log);
  }

  private lister(ref: ResourceRef): Lister {
    return this.ctx.informers.informerFor(ref);
  }

  /** The finders, in upstream's order: RC, Deployment (through its ReplicaSet), ReplicaSet, StatefulSet, then any scale subresource. */
  private async findController(ref: OwnerReference, namespace: string): Promise<ControllerAndScale | undefined> {
    const group = splitApiVersion(ref.apiVersion).group;
    const replicasOf = (o: KubeObject) => (o.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    if (ref.kind === 'ReplicationController' && group === '') {
      const rc = this.lister(R.replicationcontrollers).get(namespace, ref.name);
      if (rc && rc.metadata.uid === ref.uid) return { uid: rc.metadata.uid!, scale: replicasOf(rc) };
      return undefined;
    }
    if (ref.kind === 'ReplicaSet' && group === 'apps') {
      const rs = this.lister(R.replicasets).get(namespace, ref.name);
      if (!rs || rs.metadata.uid !== ref.uid) return undefined;
      const owner = controllerOf(rs);
      if (owner && owner.kind === 'Deployment' && splitApiVersion(owner.apiVersion).group === 'apps') {
        const d = this.lister(R.deployments).get(namespace, owner.name);
        if (d && d.metadata.uid === owner.uid) return { uid: d.metadata.uid!, scale: replicasOf(d) };
        return undefined;
      }
      return { uid: rs.metadata.uid!, scale: replicasOf(rs) };
    }
    if (ref.kind === 'StatefulSet' && group === 'apps') {
      const ss = this.lister(R.statefulsets).get(namespace, ref.name);
      if (ss && ss.metadata.uid === ref.uid) return { uid: ss.metadata.uid!, scale: replicasOf(ss) };
      return undefined;
    }
    const resource = this.options.resourceForKind?.(ref.apiVersion, ref.kind);
    if (!resource) return undefined;
    try {
      const scale = await this.ctx.client.get(resource, namespace, ref.name, 'scale');
      if (!scale || scale.metadata.uid !== ref.uid) return undefined;
      return { uid: ref.uid, scale: (scale.spec as { replicas?: number } | undefined)?.replicas ?? 0 };
    } catch (e) {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    }
  }

  private async expectedScale(pods: KubeObject[]): Promise<{ expected: number; unmanaged: string[] }> {
    const scales = new Map<string, number>();
    const seen = new Set<string>();
    const unmanaged: string[] = [];
    for (const pod of pods) {
      const ref = controllerOf(pod);
      if (!ref) {
        unmanaged.push(pod.metadata.name!);
        continue;
      }
      if (seen.has(ref.uid)) continue;
      const found = await this.findController(ref, pod.metadata.namespace!);
      if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
      seen.add(ref.uid);
      scales.set(found.uid, found.scale);
    }
    return { expected: [...scales.values()].reduce((a, b) => a + b, 0), unmanaged };
  }

  /** getExpectedPodCount. */
  async expectedPodCount(pdb: KubeObject, pods: KubeObject[]): Promise<{ expectedCount: number; desiredHealthy: number; unmanaged: string[] }> {
    const spec = specOf(pdb);
    if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
      const { expected, unmanaged } = await this.expectedScale(pods);
      const maxUnavailable = scaledValue(spec.maxUnavailable, expected, true);
      return { expectedCount: expected, desiredHealthy: Math.max(0, expected - maxUnavailable), unmanaged };
    }
    if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
      if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanaged: [] };
      const { expected, unmanaged } = await this.expectedScale(pods);
      return { expectedCount: expected, desiredHealthy: scaledValue(spec.minAvailable, expected, true), unmanaged };
    }
    return { expectedCount: 0, desiredHealthy: 0, unmanaged: [] };
  }

  async reconcile(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const pdb = this.lister(R.poddisruptionbudgets).get(namespace, name);
    if (!pdb) return;
    try {
      return await this.trySync(pdb);
    } catch (e) {
      if ((e as { reason?: string }).reason === 'Conflict') throw e;
      this.ctx.log(`disruption-controller: failed to sync PDB ${key}: ${(e as Error).message}`);
      await this.failSafe(pdb, e as Error);
    }
  }

  private async trySync(pdb: KubeObject): Promise<Result | void> {
    const namespace = pdb.metadata.namespace!;
    let pods: KubeObject[];
    try {
      pods = this.lister(R.pods).list(namespace, selectorFromLabelSelector(specOf(pdb).selector));
    } catch (e) {
      this.recorder.event(pdb, 'Warning', 'NoPods', `Failed to get pods: ${(e as Error).message}`);
      throw e;
    }
    if (pods.length === 0) this.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let counts: { expectedCount: number; desiredHealthy: number; unmanaged: string[] };
    try {
      counts = await this.expectedPodCount(pdb, pods);
    } catch (e) {
      this.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(e as Error).message}`);
      throw e;
    }
    if (counts.unmanaged.length) {
      this.recorder.event(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${goLabelSelector(specOf(pdb).selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    }
    const now = this.ctx.clock.now();
    const { disrupted, recheckAt, expired } = buildDisruptedPodMap(pods, pdb, now);
    for (const pod of expired) {
      // (sic: upstream names the namespace twice.)
      this.recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.namespace} to be deleted but it wasn't`);
    }
    const currentHealthy = countHealthyPods(pods, disrupted, now);
    const status = nextPdbStatus(pdb, { currentHealthy, desiredHealthy: counts.desiredHealthy, expectedCount: counts.expectedCount, disrupted }, now);
    if (status) await this.writeStatus(pdb, status);
    if (recheckAt !== undefined) return { requeueAfter: Math.max(0, recheckAt - now) };
  }

  /** Fails closed: no disruptions allowed, and the condition says why. */
  private async failSafe(pdb: KubeObject, err: Error): Promise<void> {
    const old = (pdb.status ?? {}) as PdbStatus;
    const status: PdbStatus = {
      ...old,
      disruptionsAllowed: 0,
      currentHealthy: old.currentHealthy ?? 0,
      desiredHealthy: old.desiredHealthy ?? 0,
      expectedPods: old.expectedPods ?? 0,
      conditions: setCondition(old.conditions, { type: DisruptionAllowed, status: 'False', reason: PdbReason.SyncFailed, message: err.message, observedGeneration: old.observedGeneration }, this.ctx.clock.now()),
    };
    if (JSON.stringify(status) === JSON.stringify(old)) return;
    await this.writeStatus(pdb, status);
  }

  private async writeStatus(pdb: KubeObject, status: PdbStatus): Promise<void> {
    const next = deepCopy(pdb);
    next.status = status;
    try {
      await this.ctx.client.update(R.poddisruptionbudgets, pdb.metadata.namespace!, next, { subresource: 'status' });
    } catch (e) {
      if ((e as { code?: number }).code === 404) return;
      throw e;
    }
  }
}

/** Resets DisruptionTarget=True on pods whose eviction (or preemption) never led to deletion. */
export class StalePodDisruptionReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  /** Whether the pod has a stale-able condition, and how long until it is stale. */
  staleIn(pod: KubeObject): number | undefined {
    if (pod.metadata.deletionTimestamp) return undefined;
    const status = (pod.status ?? {}) as { phase?: string; conditions?: { type: string; status: string; reason?: string; lastTransitionTime?: string }[] };
    const cond = (status.conditions ?? []).find((c) => c.type === 'DisruptionTarget');
    if (!cond || cond.status !== 'True' || cond.reason === 'TerminationByKubelet' || status.phase === 'Succeeded' || status.phase === 'Failed') return undefined;
    const since = Date.parse(cond.lastTransitionTime ?? '') || 0;
    return Math.max(0, stalePodDisruptionTimeoutMs - (this.ctx.clock.now() - since));
  }

  async reconcile(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const pod = this.ctx.informers.informerFor(R.pods).get(namespace, name);
    if (!pod) return;
    const wait = this.staleIn(pod);
    if (wait === undefined) return;
    if (wait > 0) return { requeueAfter: wait };
    const next = deepCopy(pod);
    const status = next.status as { conditions: { type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }[] };
    const cond = status.conditions.find((c) => c.type === 'DisruptionTarget')!;
    cond.status = 'False';
    cond.lastTransitionTime = rfc3339(this.ctx.clock.now());
    await this.ctx.client.update(R.pods, namespace, next, { subresource: 'status' });
  }
}

class Both implements Runnable {
  constructor(private readonly runnables: Runnable[]) {}
  async start(signal: AbortSignal): Promise<void> {
    await Promise.all(this.runnables.map((r) => r.start(signal)));
  }
}

export function disruptionController(ctx: ControllerContext, options: DisruptionControllerOptions = {}): Runnable {
  const reconciler = new DisruptionReconciler(ctx, options);
  const controller = new Controller('disruption-controller', ctx, reconciler, options.workers ?? 2);
  const pdbs = ctx.informers.informerFor(R.poddisruptionbudgets);
  const enqueuePdb = (pdb: KubeObject) => controller.enqueue(objectKey(pdb));
  pdbs.addEventHandler({ onAdd: enqueuePdb, onUpdate: (_o, n) => enqueuePdb(n), onDelete: enqueuePdb });
  // The finders' caches.
  for (const ref of [R.replicasets, R.deployments, R.statefulsets, R.replicationcontrollers]) ctx.informers.informerFor(ref);

  const stale = new StalePodDisruptionReconciler(ctx);
  const staleController = new Controller('disruption-controller-stale-pod-disruption', ctx, stale, 1);
  const forPod = (pod: KubeObject) => {
    for (const pdb of pdbs.list(pod.metadata.namespace)) {
      const sel = (pdb.spec as PdbSpec | undefined)?.selector;
      try {
        if (selectorFromLabelSelector(sel).matches(pod.metadata.labels)) enqueuePdb(pdb);
      } catch {
        // An invalid selector fails its own sync.
      }
    }
    if (stale.staleIn(pod) !== undefined) staleController.enqueue(objectKey(pod));
  };
  ctx.informers.informerFor(R.pods).addEventHandler({
    onAdd: forPod,
    onUpdate: (o, n) => {
      forPod(n);
      if (JSON.stringify(o.metadata.labels ?? {}) !== JSON.stringify(n.metadata.labels ?? {})) forPod(o);
    },
    onDelete: forPod,
  });
  // A controller's scale changing changes what percentages mean: look at the namespace's budgets.
  for (const ref of [R.deployments, R.statefulsets, R.replicationcontrollers, R.replicasets]) {
    ctx.informers.informerFor(ref).addEventHandler({
      onUpdate: (o, n) => {
        if ((o.spec as { replicas?: number })?.replicas !== (n.spec as { replicas?: number })?.replicas) pdbs.list(n.metadata.namespace).forEach(enqueuePdb);
      },
    });
  }
  return new Both([controller, staleController]);
}
