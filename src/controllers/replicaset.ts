// The ReplicaSet controller, which also runs ReplicationControllers (one reconciler, two kinds,
// as upstream's pkg/controller/replicaset does): it keeps `spec.replicas` pods from the template,
// adopts matching orphans and releases pods that stopped matching, never double-creates while
// its own creates are in flight (expectations), deletes the least valuable pods first, and
// reports replicas, fullyLabeledReplicas, readyReplicas, availableReplicas and ReplicaFailure.

import type { KubeObject, OwnerReference } from '../api/object.js';
import { controllerOf, deepCopy, objectKey, splitKey } from '../api/object.js';
import { rfc3339, type Clock } from '../machinery/clock.js';
import { selectorFromLabelSelector, selectorFromMap, type LabelSelector, type Selector } from '../machinery/labels.js';
import type { ResourceRef } from '../client/interface.js';
import { R } from '../client/resources.js';
import { controllerFor, type Controller, type ControllerContext, type Reconciler, type Result } from './controller.js';
import { ClientEventRecorder, type EventRecorder } from './events.js';

// ---- pods: activity, readiness, availability ----

interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

interface PodLike {
  metadata: KubeObject['metadata'];
  spec?: unknown;
  status?: unknown;
}

function podStatus(pod: PodLike): { phase?: string; conditions?: PodCondition[]; containerStatuses?: { restartCount?: number }[] } {
  return (pod.status ?? {}) as never;
}

function podNodeName(pod: PodLike): string {
  return ((pod.spec ?? {}) as { nodeName?: string }).nodeName ?? '';
}

/** A pod that still counts: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: PodLike): boolean {
  const phase = podStatus(pod).phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function podReadyCondition(pod: PodLike): PodCondition | undefined {
  return (podStatus(pod).conditions ?? []).find((c) => c.type === 'Ready');
}

export function isPodReady(pod: PodLike): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** Ready for longer than minReadySeconds (strictly), as podutil.IsPodAvailable. */
export function isPodAvailable(pod: PodLike, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(podReadyCondition(pod)?.lastTransitionTime ?? '');
  return !Number.isNaN(since) && since + minReadySeconds * 1000 < nowMs;
}

/** When a ready pod becomes available (ms), or undefined if it is not ready or has no time. */
function availableAt(pod: PodLike, minReadySeconds: number): number | undefined {
  if (!isPodReady(pod) || !minReadySeconds) return undefined;
  const since = Date.parse(podReadyCondition(pod)?.lastTransitionTime ?? '');
  return Number.isNaN(since) ? undefined : since + minReadySeconds * 1000;
}

// ---- which pods to delete first (controller.ActivePodsWithRanks) ----

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: PodLike): number {
  const v = pod.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'];
  // strconv.ParseInt(v, 10, 32); anything unparsable costs 0.
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function maxRestarts(pod: PodLike): number {
  return Math.max(0, ...(podStatus(pod).containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

function timeOf(s: string | null | undefined): number {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** afterOrZero: t1 after t2, where a zero time counts as after everything. */
function afterOrZero(t1: number, t2: number): boolean {
  if (t1 === 0 || t2 === 0) return t1 === 0;
  return t1 > t2;
}

/** Base-2 logarithmic buckets of age in nanoseconds (LogarithmicScaleDown, on by default). */
function logarithmicRankDiff(t1: number, t2: number, nowMs: number): number {
  const rank = (t: number) => {
    const d = (nowMs - t) * 1e6;
    return d > 0 ? Math.floor(Math.log2(d)) : -1;
  };
  return rank(t1) - rank(t2);
}

function compareTimes(t1: number, t2: number, nowMs: number, uid1: string, uid2: string): boolean {
  if (nowMs === 0 || t1 === 0 || t2 === 0) return afterOrZero(t1, t2);
  const diff = logarithmicRankDiff(t1, t2, nowMs);
  if (diff === 0) return uid1 < uid2;
  return diff < 0;
}

/**
 * Whether pod a should be deleted before pod b: unscheduled before scheduled, Pending before
 * Unknown before Running, not ready before ready, lower pod-deletion-cost first, more colocated
 * siblings (rank) first, ready for less time first, more restarts first, newer first.
 */
export function deleteBefore(a: PodLike, b: PodLike, rankA: number, rankB: number, nowMs: number): boolean {
  const na = podNodeName(a);
  const nb = podNodeName(b);
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const pa = phaseOrdinal[podStatus(a).phase ?? ''] ?? 0;
  const pb = phaseOrdinal[podStatus(b).phase ?? ''] ?? 0;
  if (pa !== pb) return pa < pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return !ra;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca < cb;
  if (rankA !== rankB) return rankA > rankB;
  if (ra && rb) {
    const ta = timeOf(podReadyCondition(a)?.lastTransitionTime);
    const tb = timeOf(podReadyCondition(b)?.lastTransitionTime);
    if (ta !== tb) return compareTimes(ta, tb, nowMs, a.metadata.uid ?? '', b.metadata.uid ?? '');
  }
  const restartsA = maxRestarts(a);
  const restartsB = maxRestarts(b);
  if (restartsA !== restartsB) return restartsA > restartsB;
  const ctA = timeOf(a.metadata.creationTimestamp);
  const ctB = timeOf(b.metadata.creationTimestamp);
  if (ctA !== ctB) return compareTimes(ctA, ctB, nowMs, a.metadata.uid ?? '', b.metadata.uid ?? '');
  return false;
}

/**
 * The `diff` pods to delete, preferring those in earlier phases of startup. A pod's rank is the
 * number of active related pods (of the owner's sibling sets) on its node.
 */
export function podsToDelete<T extends PodLike>(pods: T[], related: PodLike[], diff: number, nowMs: number): T[] {
  if (diff >= pods.length) return pods.slice(0, diff);
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(podNodeName(p), (onNode.get(podNodeName(p)) ?? 0) + 1);
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(podNodeName(pod)) ?? 0 }));
  ranked.sort((x, y) => (deleteBefore(x.pod, y.pod, x.rank, y.rank, nowMs) ? -1 : deleteBefore(y.pod, x.pod, y.rank, x.rank, nowMs) ? 1 : 0));
  return ranked.slice(0, diff).map((r) => r.pod);
}

// ---- slow start and expectations ----

/**
 * Calls fn `count` times in batches that start at `initialBatchSize` and double while every call
 * succeeds; the first failing batch stops the rest. Returns the successes and the first error.
 */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length > 0) return { successes, error: failed[0].reason };
    remaining -= batch;
  }
  return { successes };
}

export const slowStartInitialBatchSize = 1;
const burstReplicas = 500;
const expectationsTimeoutMs = 5 * 60_000;

/**
 * What a controller still expects to see from its own writes: creates (a count) and deletes
 * (pod keys, so a graceful delete and the final delete count once). A controller with pending
 * expectations does not create or delete more until they are met or five minutes pass.
 */
export class ControllerExpectations {
  private entries = new Map<string, { add: number; del: number; at: number; deleting: Set<string> }>();

  constructor(private readonly clock: Clock) {}

  satisfied(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.at > expectationsTimeoutMs;
  }

  expectCreations(key: string, n: number): void {
    this.entries.set(key, { add: n, del: 0, at: this.clock.now(), deleting: new Set() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.entries.set(key, { add: 0, del: podKeys.length, at: this.clock.now(), deleting: new Set(podKeys) });
  }

  creationObserved(key: string): void {
    const e = this.entries.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string, podKey: string): void {
    const e = this.entries.get(key);
    if (e && e.deleting.delete(podKey)) e.del--;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  pending(key: string): { add: number; del: number } | undefined {
    const e = this.entries.get(key);
    return e ? { add: e.add, del: e.del } : undefined;
  }
}

// ---- status ----

export interface ReplicaSetCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaSetCondition[];
}

/** The status as the API serialises it: zero counts and empty lists omitted, replicas always there. */
export function normalizeReplicaSetStatus(s: Partial<ReplicaSetStatus> | undefined): ReplicaSetStatus {
  const out: ReplicaSetStatus = { replicas: s?.replicas ?? 0 };
  if (s?.fullyLabeledReplicas) out.fullyLabeledReplicas = s.fullyLabeledReplicas;
  if (s?.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s?.availableReplicas) out.availableReplicas = s.availableReplicas;
  if (s?.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s?.conditions?.length) out.conditions = s.conditions;
  return out;
}

export const ReplicaFailure = 'ReplicaFailure';

/** calculateStatus: counts over the claimed active pods, and the ReplicaFailure condition. */
export function calculateReplicaSetStatus(rs: KubeObject, pods: PodLike[], manageError: unknown, nowMs: number, templateLabels: Record<string, string>): ReplicaSetStatus {
  const spec = (rs.spec ?? {}) as { replicas?: number; minReadySeconds?: number };
  const old = normalizeReplicaSetStatus(rs.status as ReplicaSetStatus | undefined);
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fully++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, spec.minReadySeconds ?? 0, nowMs)) available++;
    }
  }
  let conditions = old.conditions ?? [];
  const failure = conditions.find((c) => c.type === ReplicaFailure);
  if (manageError && !failure) {
    const diff = pods.length - (spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const message = (manageError as Error).message ?? String(manageError);
    conditions = [...conditions, { type: ReplicaFailure, status: 'True', lastTransitionTime: rfc3339(nowMs), reason, message }];
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== ReplicaFailure);
  }
  return normalizeReplicaSetStatus({
    replicas: pods.length,
    fullyLabeledReplicas: fully,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: old.observedGeneration,
    conditions,
  });
}

// ---- the two kinds ----

export interface ReplicatedKind {
  kind: 'ReplicaSet' | 'ReplicationController';
  apiVersion: string;
  ref: ResourceRef;
  /** The event source component and the controller's name. */
  component: string;
  selector(obj: KubeObject): Selector;
}

export const replicaSetKind: ReplicatedKind = {
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  ref: R.replicasets,
  component: 'replicaset-controller',
  selector: (rs) => selectorFromLabelSelector((rs.spec as { selector?: LabelSelector } | undefined)?.selector),
};

export const replicationControllerKind: ReplicatedKind = {
  kind: 'ReplicationController',
  apiVersion: 'v1',
  ref: R.replicationcontrollers,
  component: 'replication-controller',
  selector: (rc) => {
    const map = (rc.spec as { selector?: Record<string, string> } | undefined)?.selector;
    // An RC without a selector (never stored: defaulting copies the template's labels) matches nothing.
    return map && Object.keys(map).length > 0 ? selectorFromMap(map) : selectorFromLabelSelector(undefined);
  },
};

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec?: unknown;
}

/**
 * Drops the owner's reference, conditional on the version seen (a concurrent change is a
 * conflict, retried). An emptied list is removed, as the API serialises an empty one.
 */
export function releasePatch(obj: KubeObject, ownerUid: string): unknown {
  const kept = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  return { metadata: { resourceVersion: obj.metadata.resourceVersion, ownerReferences: kept.length ? kept : null } };
}

function errorCode(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

function namespaceTerminating(e: unknown): boolean {
  return ((e as { details?: { causes?: { reason?: string }[] } }).details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

// ---- the reconciler ----

export interface ReplicaSetControllerOptions {
  /** Defaults to a recorder whose events come from the upstream component name. */
  recorder?: EventRecorder;
  workers?: number;
}

export class ReplicaSetReconciler implements Reconciler {
  readonly expectations: ControllerExpectations;
  private readonly recorder: EventRecorder;

  constructor(
    private readonly ctx: ControllerContext,
    readonly kind: ReplicatedKind,
    recorder?: EventRecorder,
  ) {
    this.expectations = new ControllerExpectations(ctx.clock);
    this.recorder = recorder ?? new ClientEventRecorder(ctx.client, kind.component, ctx.clock, ctx.log);
    // Expectations are lowered by what the pod informer sees, before the owner is reconciled.
    this.pods.addEventHandler({
      onAdd: (pod) => {
        if (pod.metadata.deletionTimestamp) return this.podGone(pod);
        const owner = this.resolveOwner(pod);
        if (owner) this.expectations.creationObserved(objectKey(owner));
      },
      onUpdate: (old, pod) => {
        if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
        if (pod.metadata.deletionTimestamp) {
          this.podGone(pod);
          if (JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {})) this.podGone(old);
        }
      },
      onDelete: (pod) => this.podGone(pod),
    });
  }

  private get pods() {
    return this.ctx.informers.informerFor(R.pods);
  }

  private get sets() {
    return this.ctx.informers.informerFor(this.kind.ref);
  }

  private podGone(pod: KubeObject): void {
    const owner = this.resolveOwner(pod);
    if (owner) this.expectations.deletionObserved(objectKey(owner), objectKey(pod));
  }

  /** The set a controllerRef names, if it is of this kind and still the same object. */
  private resolveOwner(obj: KubeObject): KubeObject | undefined {
    const ref = controllerOf(obj);
    if (!ref || ref.kind !== this.kind.kind) return undefined;
    const owner = this.sets.get(obj.metadata.namespace ?? '', ref.name);
    return owner && owner.metadata.uid === ref.uid ? owner : undefined;
  }

  /** Keys of the sets that might adopt an orphan pod (its labels match their selector). */
  ownersFor(pod: KubeObject): string[] {
    if (controllerOf(pod)) return [];
    const keys: string[] = [];
    for (const set of this.sets.list(pod.metadata.namespace)) {
      let selector: Selector;
      try {
        selector = this.kind.selector(set);
      } catch {
        continue;
      }
      if (selector.matches(pod.metadata.labels)) keys.push(objectKey(set));
    }
    return keys;
  }

  async reconcile(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const cached = this.sets.get(namespace, name);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const rs = deepCopy(cached);
    const needsSync = this.expectations.satisfied(key);
    let selector: Selector;
    try {
      selector = this.kind.selector(rs);
    } catch (e) {
      this.ctx.log(`${this.kind.component}: ${key}: invalid selector: ${(e as Error).message}`);
      return;
    }
    // Every active pod in the namespace: owned pods that stopped matching must be seen to be released.
    const active = this.pods.list(namespace).filter(isPodActive);
    const claimed = await this.claimPods(rs, selector, active);
    let manageError: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(claimed, rs, key);
      } catch (e) {
        manageError = e;
      }
    }
    const now = this.ctx.clock.now();
    const template = ((rs.spec ?? {}) as { template?: PodTemplate }).template;
    const status = calculateReplicaSetStatus(rs, claimed, manageError, now, template?.metadata?.labels ?? {});
    await this.updateStatus(rs, status);
    if (manageError) throw manageError;
    // Ready pods become available minReadySeconds later: look again then.
    const minReady = ((rs.spec ?? {}) as { minReadySeconds?: number }).minReadySeconds ?? 0;
    let next: number | undefined;
    for (const pod of claimed) {
      const at = availableAt(pod, minReady);
      if (at !== undefined && at >= now && (next === undefined || at < next)) next = at;
    }
    if (next !== undefined) return { requeueAfter: next - now + 1000 };
  }

  /** Adopts matching orphans, releases owned pods that no longer match; returns the owned, matching ones. */
  private async claimPods(rs: KubeObject, selector: Selector, pods: KubeObject[]): Promise<KubeObject[]> {
    const claimed: KubeObject[] = [];
    const errors: unknown[] = [];
    let canAdopt: Promise<void> | undefined;
    for (const pod of pods) {
      const ref = controllerOf(pod);
      if (ref) {
        if (ref.uid !== rs.metadata.uid) continue;
        if (selector.matches(pod.metadata.labels)) {
          claimed.push(pod);
          continue;
        }
        if (rs.metadata.deletionTimestamp) continue;
        try {
          await this.ctx.client.patch(R.pods, pod.metadata.namespace!, pod.metadata.name!, 'merge', releasePatch(pod, rs.metadata.uid!));
        } catch (e) {
          if (errorCode(e) !== 404 && errorCode(e) !== 422) errors.push(e);
        }
        continue;
      }
      if (rs.metadata.deletionTimestamp || pod.metadata.deletionTimestamp || !selector.matches(pod.metadata.labels)) continue;
      canAdopt ??= this.recheckNotDeleted(rs);
      try {
        await canAdopt;
        const owner: OwnerReference = { apiVersion: this.kind.apiVersion, kind: this.kind.kind, name: rs.metadata.name!, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true };
        const adopted = await this.ctx.client.patch(R.pods, pod.metadata.namespace!, pod.metadata.name!, 'strategic', {
          metadata: { ownerReferences: [owner], uid: pod.metadata.uid },
        });
        claimed.push(adopted);
      } catch (e) {
        if (errorCode(e) !== 404) errors.push(e);
      }
    }
    if (errors.length) throw errors[0];
    return claimed;
  }

  /** Before adopting, a quorum read: a set being deleted must not adopt. */
  private async recheckNotDeleted(rs: KubeObject): Promise<void> {
    const fresh = await this.ctx.client.get(this.kind.ref, rs.metadata.namespace!, rs.metadata.name!);
    if (!fresh || fresh.metadata.uid !== rs.metadata.uid) {
      throw new Error(`original ${this.kind.kind} ${rs.metadata.namespace}/${rs.metadata.name} is gone: got uid ${fresh?.metadata.uid}, wanted ${rs.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) {
      throw new Error(`${rs.metadata.namespace}/${rs.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  }

  private async manageReplicas(pods: KubeObject[], rs: KubeObject, key: string): Promise<void> {
    const replicas = ((rs.spec ?? {}) as { replicas?: number }).replicas ?? 1;
    let diff = pods.length - replicas;
    if (diff < 0) {
      diff = Math.min(-diff, burstReplicas);
      this.expectations.expectCreations(key, diff);
      const { successes, error } = await slowStartBatch(diff, slowStartInitialBatchSize, () => this.createPod(rs));
      // Pods never attempted will not be observed: stop expecting them.
      for (let i = successes; i < diff; i++) this.expectations.creationObserved(key);
      if (error) throw error;
    } else if (diff > 0) {
      diff = Math.min(diff, burstReplicas);
      const victims = podsToDelete(pods, this.relatedPods(rs), diff, this.ctx.clock.now());
      this.expectations.expectDeletions(key, victims.map((p) => objectKey(p)));
      const errors: unknown[] = [];
      await Promise.all(
        victims.map(async (pod) => {
          try {
            await this.deletePod(rs, pod);
          } catch (e) {
            this.expectations.deletionObserved(key, objectKey(pod));
            if (errorCode(e) !== 404) errors.push(e);
          }
        }),
      );
      if (errors.length) throw errors[0];
    }
  }

  /** Pods of every set with the same controller (a Deployment's other ReplicaSets), for ranking. */
  private relatedPods(rs: KubeObject): KubeObject[] {
    const owner = controllerOf(rs);
    if (!owner) return [];
    const seen = new Set<string>();
    const out: KubeObject[] = [];
    for (const sibling of this.sets.list(rs.metadata.namespace)) {
      if (controllerOf(sibling)?.uid !== owner.uid) continue;
      let selector: Selector;
      try {
        selector = this.kind.selector(sibling);
      } catch {
        continue;
      }
      for (const pod of this.pods.list(rs.metadata.namespace, selector)) {
        if (seen.has(pod.metadata.uid!)) continue;
        seen.add(pod.metadata.uid!);
        out.push(pod);
      }
    }
    return out;
  }

  private async createPod(rs: KubeObject): Promise<void> {
    const template = (((rs.spec ?? {}) as { template?: PodTemplate }).template ?? {}) as PodTemplate;
    const labels = { ...(template.metadata?.labels ?? {}) };
    const name = rs.metadata.name!;
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: name.length < 253 ? `${name}-` : name,
        labels,
        ownerReferences: [{ apiVersion: this.kind.apiVersion, kind: this.kind.kind, name, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec: deepCopy(template.spec ?? {}),
    };
    if (template.metadata?.annotations && Object.keys(template.metadata.annotations).length) pod.metadata.annotations = { ...template.metadata.annotations };
    if (template.metadata?.finalizers?.length) pod.metadata.finalizers = [...template.metadata.finalizers];
    if (Object.keys(labels).length === 0) throw new Error('unable to create pods, no labels');
    let created: KubeObject;
    try {
      created = await this.ctx.client.create(R.pods, rs.metadata.namespace!, pod);
    } catch (e) {
      // A namespace being deleted refuses every create: nothing to report or retry.
      if (namespaceTerminating(e)) return;
      this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
      throw e;
    }
    this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  }

  private async deletePod(rs: KubeObject, pod: KubeObject): Promise<void> {
    try {
      await this.ctx.client.delete(R.pods, pod.metadata.namespace!, pod.metadata.name!);
    } catch (e) {
      if (errorCode(e) === 404) throw e;
      this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
      throw e;
    }
    this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
  }

  /** Writes status through the status subresource when anything changed, retrying once on a conflict. */
  private async updateStatus(rs: KubeObject, status: ReplicaSetStatus): Promise<void> {
    const old = normalizeReplicaSetStatus(rs.status as ReplicaSetStatus | undefined);
    const generation = rs.metadata.generation ?? 0;
    const same =
      old.replicas === status.replicas &&
      (old.fullyLabeledReplicas ?? 0) === (status.fullyLabeledReplicas ?? 0) &&
      (old.readyReplicas ?? 0) === (status.readyReplicas ?? 0) &&
      (old.availableReplicas ?? 0) === (status.availableReplicas ?? 0) &&
      (old.observedGeneration ?? 0) === generation &&
      JSON.stringify(old.conditions ?? []) === JSON.stringify(status.conditions ?? []);
    if (same) return;
    const next = normalizeReplicaSetStatus({ ...status, observedGeneration: generation });
    let target = rs;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ctx.client.update(this.kind.ref, target.metadata.namespace!, { ...target, status: next }, { subresource: 'status' });
        return;
      } catch (e) {
        if (attempt >= 1 || (e as { reason?: string }).reason !== 'Conflict') throw e;
        const fresh = await this.ctx.client.get(this.kind.ref, rs.metadata.namespace!, rs.metadata.name!);
        if (!fresh) return;
        target = fresh;
      }
    }
  }
}

function build(ctx: ControllerContext, kind: ReplicatedKind, options: ReplicaSetControllerOptions): Controller {
  const reconciler = new ReplicaSetReconciler(ctx, kind, options.recorder);
  return controllerFor(ctx, kind.ref)
    .owns(R.pods)
    .watches(R.pods, (pod) => reconciler.ownersFor(pod))
    .named(kind.component)
    .withWorkers(options.workers ?? 5)
    .complete(reconciler);
}

/** `controllerFor(ReplicaSet).owns(Pod)`, with orphan pods offered to the sets that select them. */
export function replicaSetController(ctx: ControllerContext, options: ReplicaSetControllerOptions = {}): Controller {
  return build(ctx, replicaSetKind, options);
}

/** The same loop for v1 ReplicationControllers (a map selector, events from replication-controller). */
export function replicationControllerController(ctx: ControllerContext, options: ReplicaSetControllerOptions = {}): Controller {
  return build(ctx, replicationControllerKind, options);
}
