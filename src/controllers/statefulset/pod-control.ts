// StatefulPodControl (stateful_pod_control.go): the StatefulSet controller's writes — claims
// before their pod, pods, identity and retention fixes, deletions — each recorded as the Event
// `kubectl describe statefulset` shows (`create Pod web-0 in StatefulSet web successful`).
//
// Reads come from the informers through a WriteOverlay, so a sync that runs before the
// informer has seen this controller's own create or delete does not repeat it.

import type { KubeObject } from '../../api/object.js';
import { deepCopy, objectKey } from '../../api/object.js';
import type { Clock } from '../../machinery/clock.js';
import type { Client } from '../../client/interface.js';
import type { Lister } from '../../client/informer.js';
import { R } from '../../client/resources.js';
import type { EventRecorder } from '../events.js';
import {
  getOrdinal,
  hasStaleOwnerRef,
  identityMatches,
  isClaimOwnerUpToDate,
  persistentVolumeClaims,
  podKind,
  claimName,
  retentionPolicy,
  storageMatches,
  updateClaimOwnerRefs,
  updateIdentity,
  updateStorage,
  type Pod,
  type StatefulSet,
} from './utils.js';

function rvOf(obj: KubeObject | undefined): number {
  const n = Number(obj?.metadata.resourceVersion);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Read-your-writes over an informer cache: what this controller created, changed or deleted,
 * kept until the informer shows that version (or something newer), or a minute passes.
 */
export class WriteOverlay {
  private entries = new Map<string, { rv: number; obj?: KubeObject; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
  ) {}

  /** The object as the API returned it after a create or update. */
  wrote(obj: KubeObject): void {
    this.entries.set(objectKey(obj), { rv: rvOf(obj), obj, at: this.clock.now() });
  }

  /** A delete of `before` (as cached): `after` is the object still being deleted, or undefined if gone. */
  deleted(before: KubeObject, after: KubeObject | undefined): void {
    if (after) this.wrote(after);
    else this.entries.set(objectKey(before), { rv: rvOf(before) + 0.5, at: this.clock.now() });
  }

  /** The informer saw this version: entries it supersedes are dropped. */
  observed(obj: KubeObject): void {
    const key = objectKey(obj);
    const e = this.entries.get(key);
    if (e && rvOf(obj) >= e.rv) this.entries.delete(key);
  }

  /** The informer saw the object go: a pending tombstone (or older write) is settled. */
  observedDelete(obj: KubeObject): void {
    const key = objectKey(obj);
    const e = this.entries.get(key);
    if (e && (!e.obj || rvOf(e.obj) <= rvOf(obj))) this.entries.delete(key);
  }

  /** The freshest known state of one object, given the cached one. */
  get(key: string, cached: KubeObject | undefined): KubeObject | undefined {
    const e = this.entries.get(key);
    if (!e) return cached;
    if (this.clock.now() - e.at > this.ttlMs) {
      this.entries.delete(key);
      return cached;
    }
    if (e.obj) return !cached || rvOf(cached) < e.rv ? e.obj : cached;
    return cached && rvOf(cached) > e.rv ? cached : undefined;
  }

  /** The cached objects of a namespace with this controller's writes applied. */
  list(cached: KubeObject[], namespace: string | undefined): KubeObject[] {
    const byKey = new Map(cached.map((o) => [objectKey(o), o]));
    for (const key of this.entries.keys()) {
      if (namespace && !key.startsWith(`${namespace}/`)) continue;
      if (!byKey.has(key)) byKey.set(key, undefined as unknown as KubeObject);
    }
    const out: KubeObject[] = [];
    for (const [key, obj] of byKey) {
      const v = this.get(key, obj);
      if (v) out.push(v);
    }
    return out;
  }
}

/** Go's text of an error: an API error's message; several joined as `[a, b]`. */
export function errorText(e: unknown): string {
  if (e instanceof AggregateError) return e.errors.length === 1 ? errorText(e.errors[0]) : `[${e.errors.map(errorText).join(', ')}]`;
  return (e as Error)?.message ?? String(e);
}

function aggregate(errors: Error[]): Error | undefined {
  if (errors.length === 0) return undefined;
  if (errors.length === 1) return errors[0];
  const agg = new AggregateError(errors);
  agg.message = errorText(agg);
  return agg;
}

function errorCode(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

function isAlreadyExists(e: unknown): boolean {
  return errorCode(e) === 409 && (e as { reason?: string }).reason === 'AlreadyExists';
}

function capitalize(verb: string): string {
  return verb.charAt(0).toUpperCase() + verb.slice(1);
}

export class StatefulPodControl {
  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
    private readonly claimLister: Lister,
    readonly pods: WriteOverlay,
    readonly claims: WriteOverlay,
  ) {}

  getClaim(namespace: string, name: string): KubeObject | undefined {
    return this.claims.get(`${namespace}/${name}`, this.claimLister.get(namespace, name));
  }

  /** CreateStatefulPod: the pod's claims first, then the pod, then the claims' retention owners. */
  async createStatefulPod(set: StatefulSet, pod: Pod): Promise<Pod> {
    try {
      await this.createPersistentVolumeClaims(set, pod);
    } catch (e) {
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    let created: Pod;
    try {
      created = (await this.client.create(R.pods, set.metadata.namespace!, pod)) as Pod;
    } catch (e) {
      // A pod of that name exists (the cache was behind): the next sync sees it. Not an event.
      if (isAlreadyExists(e)) throw e;
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    this.pods.wrote(created);
    try {
      await this.updatePodClaimForRetentionPolicy(set, created);
    } catch (e) {
      this.recordPodEvent('update', set, created, e);
      throw e;
    }
    this.recordPodEvent('create', set, created);
    return created;
  }

  /** UpdateStatefulPod: restores identity, storage and claim ownership; retried on conflicts. */
  async updateStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    let attempted = false;
    let current = deepCopy(pod);
    let error: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      let consistent = true;
      if (!identityMatches(set, current)) {
        updateIdentity(set, current);
        consistent = false;
      }
      if (!storageMatches(set, current)) {
        updateStorage(set, current);
        consistent = false;
        try {
          await this.createPersistentVolumeClaims(set, current);
        } catch (e) {
          this.recordPodEvent('update', set, current, e);
          throw e;
        }
      }
      if (!this.claimsMatchRetentionPolicy(set, current)) {
        try {
          await this.updatePodClaimForRetentionPolicy(set, current);
        } catch (e) {
          this.recordPodEvent('update', set, current, e);
          throw e;
        }
        consistent = false;
      }
      if (consistent) return;
      attempted = true;
      try {
        this.pods.wrote(await this.client.update(R.pods, set.metadata.namespace!, current));
        error = undefined;
        break;
      } catch (e) {
        error = e;
        if ((e as { reason?: string }).reason !== 'Conflict') break;
        const fresh = (await this.client.get(R.pods, set.metadata.namespace!, current.metadata.name!)) as Pod | undefined;
        if (!fresh) break;
        current = fresh;
      }
    }
    if (attempted) this.recordPodEvent('update', set, current, error);
    if (error) throw error;
  }

  async deleteStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      const after = await this.client.delete(R.pods, pod.metadata.namespace!, pod.metadata.name!);
      this.pods.deleted(pod, after);
    } catch (e) {
      this.recordPodEvent('delete', set, pod, e);
      throw e;
    }
    this.recordPodEvent('delete', set, pod);
  }

  /** ClaimsMatchRetentionPolicy: every existing claim of the pod has the owners the policy wants. */
  claimsMatchRetentionPolicy(set: StatefulSet, pod: Pod): boolean {
    const ordinal = getOrdinal(pod);
    for (const template of set.spec.volumeClaimTemplates ?? []) {
      const claim = this.getClaim(set.metadata.namespace!, claimName(set, template, ordinal));
      if (claim && !isClaimOwnerUpToDate(claim, set, pod)) return false;
    }
    return true;
  }

  /** UpdatePodClaimForRetentionPolicy: rewrites the ownerReferences of claims that are out of date. */
  async updatePodClaimForRetentionPolicy(set: StatefulSet, pod: Pod): Promise<void> {
    const ordinal = getOrdinal(pod);
    for (const template of set.spec.volumeClaimTemplates ?? []) {
      const name = claimName(set, template, ordinal);
      const cached = this.getClaim(set.metadata.namespace!, name);
      if (!cached || isClaimOwnerUpToDate(cached, set, pod)) continue;
      const claim = deepCopy(cached);
      updateClaimOwnerRefs(claim, set, pod);
      try {
        this.claims.wrote(await this.client.update(R.persistentvolumeclaims, set.metadata.namespace!, claim));
      } catch (e) {
        throw new Error(`Could not update claim ${name} for delete policy ownerRefs: ${errorText(e)}`);
      }
    }
  }

  /**
   * PodClaimIsStale: when scaled-down claims are deleted, a claim still owned by an earlier pod
   * of this name must go before the pod is created again (it would get the old data).
   */
  podClaimIsStale(set: StatefulSet, pod: Pod): boolean {
    if (retentionPolicy(set).whenScaled === 'Retain') return false;
    for (const claim of persistentVolumeClaims(set, pod).values()) {
      const pvc = this.getClaim(claim.metadata.namespace!, claim.metadata.name!);
      if (pvc && hasStaleOwnerRef(pvc, pod, podKind)) return true;
    }
    return false;
  }

  /** For a Pending pod: any claim deleted meanwhile is created again. */
  async createMissingPersistentVolumeClaims(set: StatefulSet, pod: Pod): Promise<void> {
    await this.createPersistentVolumeClaims(set, pod);
    try {
      await this.updatePodClaimForRetentionPolicy(set, pod);
    } catch (e) {
      this.recordPodEvent('update', set, pod, e);
      throw e;
    }
  }

  /** createPersistentVolumeClaims: each missing claim created (and recorded); one being deleted is an error. */
  private async createPersistentVolumeClaims(set: StatefulSet, pod: Pod): Promise<void> {
    const errors: Error[] = [];
    for (const claim of persistentVolumeClaims(set, pod).values()) {
      const existing = this.getClaim(claim.metadata.namespace!, claim.metadata.name!);
      if (existing) {
        if (existing.metadata.deletionTimestamp) errors.push(new Error(`pvc ${claim.metadata.name} is being deleted`));
        continue;
      }
      const body = deepCopy(claim);
      delete body.status;
      delete body.metadata.creationTimestamp;
      body.apiVersion = 'v1';
      body.kind = 'PersistentVolumeClaim';
      try {
        this.claims.wrote(await this.client.create(R.persistentvolumeclaims, claim.metadata.namespace!, body));
        this.recordClaimEvent('create', set, pod, claim);
      } catch (e) {
        if (isAlreadyExists(e)) {
          // Our cache was behind: the claim is there, as wanted, unless it is on its way out.
          const fresh = await this.client.get(R.persistentvolumeclaims, claim.metadata.namespace!, claim.metadata.name!).catch(() => undefined);
          if (fresh) {
            this.claims.wrote(fresh);
            if (fresh.metadata.deletionTimestamp) errors.push(new Error(`pvc ${claim.metadata.name} is being deleted`));
            continue;
          }
        }
        errors.push(new Error(`failed to create PVC ${claim.metadata.name}: ${errorText(e)}`));
        if (!isAlreadyExists(e)) this.recordClaimEvent('create', set, pod, claim, e);
      }
    }
    const err = aggregate(errors);
    if (err) throw err;
  }

  /** recordPodEvent: SuccessfulCreate `create Pod web-0 in StatefulSet web successful`, or FailedCreate with the error. */
  recordPodEvent(verb: 'create' | 'update' | 'delete', set: StatefulSet, pod: KubeObject, err?: unknown): void {
    if (err === undefined) {
      this.recorder.event(set, 'Normal', `Successful${capitalize(verb)}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } else {
      this.recorder.event(set, 'Warning', `Failed${capitalize(verb)}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorText(err)}`);
    }
  }

  recordClaimEvent(verb: 'create', set: StatefulSet, pod: KubeObject, claim: KubeObject, err?: unknown): void {
    if (err === undefined) {
      this.recorder.event(set, 'Normal', `Successful${capitalize(verb)}`, `${verb} Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    } else {
      this.recorder.event(set, 'Warning', `Failed${capitalize(verb)}`, `${verb} Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorText(err)}`);
    }
  }
}
