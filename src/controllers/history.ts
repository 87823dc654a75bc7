// ControllerRevision history, shared by the StatefulSet and DaemonSet controllers
// (pkg/controller/history): a revision is a snapshot of the owner's pod template, stored as the
// strategic merge patch `{"spec":{"template":{..., "$patch":"replace"}}}` that restores it, named
// `<owner>-<hash>` and numbered 1, 2, 3... `kubectl rollout history|undo` read exactly these.
//
// Also the ownership bookkeeping both controllers share (controller.ControllerRefManager): adopt
// matching orphans, release owned objects that stopped matching.

import type { KubeObject, OwnerReference } from '../api/object.js';
import { controllerOf, deepCopy } from '../api/object.js';
import type { Selector } from '../machinery/labels.js';
import type { Client, ResourceRef } from '../client/interface.js';
import { R } from '../client/resources.js';
import type { Lister } from '../client/informer.js';
import { safeEncodeString } from './deployment/hash.js';

/** The label holding a StatefulSet revision's hash (history.ControllerRevisionHashLabel). */
export const ControllerRevisionHashLabel = 'controller.kubernetes.io/hash';

export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision: number;
}

/** The `apiVersion`/`kind` pair of an owner, as its controller references name it. */
export interface OwnerKind {
  apiVersion: string;
  kind: string;
}

// ---- Go's JSON and hashes ----

/**
 * JSON as Go's encoding/json writes a map[string]interface{}: keys sorted, no spaces, and
 * `<`, `>`, `&`, U+2028, U+2029 escaped. Revision data is compared and hashed in this form,
 * whatever key order the store keeps.
 */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') {
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${goJson(k)}:${goJson(o[k])}`).join(',')}}`;
}

/** FNV-1 (not 1a), 32 bits: hash/fnv.New32, which HashControllerRevision uses. */
export function fnv32(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h ^= b;
  }
  return h >>> 0;
}

/**
 * HashControllerRevision: FNV-1 over the revision's data (as Go's JSON bytes), then the
 * collision count as decimal text when given, safe-encoded as generated names are.
 */
export function hashControllerRevision(data: unknown, probe?: number): string {
  let h = fnv32(Buffer.from(goJson(data), 'utf8'));
  if (probe !== undefined && probe !== null) h = fnv32(Buffer.from(String(probe), 'utf8'), h);
  return safeEncodeString(String(h));
}

/** `<prefix>-<hash>`, the prefix cut to 223 bytes so the name stays within 253. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

// ---- the template patch ----

/**
 * getPatch: the strategic merge patch that restores `obj`'s pod template, which is what a
 * revision stores. Keys are sorted, as Go's marshalling of a map sorts them.
 */
export function templatePatch(obj: KubeObject): { spec: { template: Record<string, unknown> } } {
  const template = deepCopy(((obj.spec ?? {}) as { template?: Record<string, unknown> }).template ?? {});
  template.$patch = 'replace';
  return JSON.parse(goJson({ spec: { template } }));
}

/** Whether two revision payloads are the same (Go compares the raw bytes of its sorted JSON). */
export function sameData(a: unknown, b: unknown): boolean {
  return goJson(a) === goJson(b);
}

/**
 * ApplyRevision: `obj` with the revision's patch applied. Revisions written by these
 * controllers replace spec.template whole (`$patch: replace`); any other top-level spec fields
 * a foreign revision carries are merged in.
 */
export function applyRevision<T extends KubeObject>(obj: T, revision: ControllerRevision): T {
  const out = deepCopy(obj);
  const spec = ((revision.data ?? {}) as { spec?: Record<string, unknown> }).spec ?? {};
  const target = ((out as KubeObject).spec ??= {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'template' && value && typeof value === 'object') {
      const template = deepCopy(value as Record<string, unknown>);
      const replace = template.$patch === 'replace';
      delete template.$patch;
      target.template = replace ? template : mergeJson(target.template, template);
    } else {
      target[key] = mergeJson(target[key], deepCopy(value));
    }
  }
  return out;
}

function mergeJson(base: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergeJson(out[k], v);
  }
  return out;
}

// ---- revisions ----

function creationTime(obj: KubeObject): number {
  const t = Date.parse(obj.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** SortControllerRevisions: by revision number, then creation time, then name (a copy). */
export function sortControllerRevisions<T extends ControllerRevision>(revisions: readonly T[]): T[] {
  return [...revisions].sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = creationTime(a);
    const tb = creationTime(b);
    if (ta !== tb) return ta - tb;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  });
}

/** EqualRevision: the same data (hash labels that differ settle it at once). */
export function equalRevision(a: ControllerRevision | undefined, b: ControllerRevision | undefined): boolean {
  if (!a || !b) return a === b;
  // Upstream parses the hash labels as base-10 integers; safe-encoded hashes never parse, so in
  // practice the data decides. Keep the shortcut for the rare numeric label.
  const ha = a.metadata.labels?.[ControllerRevisionHashLabel];
  const hb = b.metadata.labels?.[ControllerRevisionHashLabel];
  if (ha && hb && /^\d+$/.test(ha) && /^\d+$/.test(hb) && Number(ha) !== Number(hb)) return false;
  return sameData(a.data, b.data);
}

/** The revisions equal to `needle`, in their given order. */
export function findEqualRevisions<T extends ControllerRevision>(revisions: readonly T[], needle: ControllerRevision): T[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/** One more than the last (sorted) revision's number; 1 for an empty history. */
export function nextRevision(sorted: readonly ControllerRevision[]): number {
  return sorted.length ? sorted[sorted.length - 1].revision + 1 : 1;
}

export function maxRevision(revisions: readonly ControllerRevision[]): number {
  return revisions.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
}

/**
 * The oldest revisions to delete so that at most `limit` non-live ones remain (a negative
 * limit keeps everything). `sorted` must be oldest first.
 */
export function revisionsToPrune<T extends ControllerRevision>(sorted: readonly T[], limit: number, isLive: (r: T) => boolean): T[] {
  const history = sorted.filter((r) => !isLive(r));
  if (limit < 0 || history.length <= limit) return [];
  return history.slice(0, history.length - limit);
}

export function controllerRef(owner: KubeObject, kind: OwnerKind): OwnerReference {
  return { apiVersion: kind.apiVersion, kind: kind.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/**
 * NewControllerRevision: a revision of `parent` holding `data`, labelled with the template's
 * labels plus the hash label, owned by the parent, named `<parent>-<hash of data+collisions>`.
 */
export function newControllerRevision(
  parent: KubeObject,
  parentKind: OwnerKind,
  templateLabels: Record<string, string> | undefined,
  data: unknown,
  revision: number,
  collisionCount?: number,
): ControllerRevision {
  const hash = hashControllerRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.metadata.name!, hash),
      namespace: parent.metadata.namespace,
      labels: { ...(templateLabels ?? {}), [ControllerRevisionHashLabel]: hash },
      ownerReferences: [controllerRef(parent, parentKind)],
    },
    data,
    revision,
  };
}

function errorCode(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

/** history.Interface over the API (writes) and the revision informer (reads). */
export class History {
  constructor(
    private readonly client: Client,
    private readonly lister: Lister,
  ) {}

  /** Revisions in the parent's namespace matching the selector, owned by it or by no controller. */
  list(parent: KubeObject, selector: Selector): ControllerRevision[] {
    return (this.lister.list(parent.metadata.namespace, selector) as ControllerRevision[]).filter((r) => {
      const ref = controllerOf(r);
      return !ref || ref.uid === parent.metadata.uid;
    });
  }

  /**
   * Creates the revision under the name its hash (with the collision count) gives; a different
   * revision already holding that name bumps the count and tries again. Returns the revision and
   * the collision count that named it.
   */
  async create(parent: KubeObject, revision: ControllerRevision, collisionCount: number): Promise<{ revision: ControllerRevision; collisionCount: number }> {
    const namespace = parent.metadata.namespace ?? '';
    for (let attempt = 0; ; attempt++) {
      const hash = hashControllerRevision(revision.data, collisionCount);
      const clone = deepCopy(revision);
      clone.metadata.name = controllerRevisionName(parent.metadata.name!, hash);
      clone.metadata.labels = { ...(clone.metadata.labels ?? {}), [ControllerRevisionHashLabel]: hash };
      try {
        const created = (await this.client.create(R.controllerrevisions, namespace, clone)) as ControllerRevision;
        return { revision: created, collisionCount };
      } catch (e) {
        if (errorCode(e) !== 409 || (e as { reason?: string }).reason !== 'AlreadyExists' || attempt > 100) throw e;
        const exists = (await this.client.get(R.controllerrevisions, namespace, clone.metadata.name)) as ControllerRevision | undefined;
        if (exists && sameData(exists.data, clone.data)) return { revision: exists, collisionCount };
        collisionCount++;
      }
    }
  }

  /** Renumbers a revision (a rollback to an old template makes it the newest again). */
  async updateRevision(revision: ControllerRevision, newRevision: number): Promise<ControllerRevision> {
    let clone = deepCopy(revision);
    for (let attempt = 0; ; attempt++) {
      if (clone.revision === newRevision) return clone;
      clone.revision = newRevision;
      try {
        return (await this.client.update(R.controllerrevisions, clone.metadata.namespace ?? '', clone)) as ControllerRevision;
      } catch (e) {
        if ((e as { reason?: string }).reason !== 'Conflict' || attempt >= 4) throw e;
        const fresh = (await this.client.get(R.controllerrevisions, clone.metadata.namespace ?? '', clone.metadata.name!)) as ControllerRevision | undefined;
        if (!fresh) throw e;
        clone = fresh;
      }
    }
  }

  async delete(revision: ControllerRevision): Promise<void> {
    try {
      await this.client.delete(R.controllerrevisions, revision.metadata.namespace ?? '', revision.metadata.name!);
    } catch (e) {
      if (errorCode(e) !== 404) throw e;
    }
  }

  /** Makes the parent the controller of an orphan revision. */
  async adopt(parent: KubeObject, parentKind: OwnerKind, revision: ControllerRevision): Promise<ControllerRevision> {
    const owner = controllerOf(revision);
    if (owner) throw new Error(`attempt to adopt revision owned by ${JSON.stringify(owner)}`);
    return adoptObject(this.client, R.controllerrevisions, parent, parentKind, revision) as Promise<ControllerRevision>;
  }
}

// ---- adoption and release (ControllerRefManager) ----

/** Strategic merge patch adding the parent as controller, conditional on the object's uid. */
export function adoptObject(client: Client, ref: ResourceRef, parent: KubeObject, parentKind: OwnerKind, obj: KubeObject): Promise<KubeObject> {
  return client.patch(ref, obj.metadata.namespace ?? '', obj.metadata.name!, 'strategic', {
    metadata: { ownerReferences: [controllerRef(parent, parentKind)], uid: obj.metadata.uid },
  });
}

/** Drops the parent's reference, conditional on the version seen (an emptied list is removed). */
export function releaseObject(client: Client, ref: ResourceRef, parent: KubeObject, obj: KubeObject): Promise<KubeObject> {
  const kept = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== parent.metadata.uid);
  return client.patch(ref, obj.metadata.namespace ?? '', obj.metadata.name!, 'merge', {
    metadata: { resourceVersion: obj.metadata.resourceVersion, ownerReferences: kept.length ? kept : null },
  });
}

export interface ClaimOptions {
  client: Client;
  ref: ResourceRef;
  parent: KubeObject;
  parentKind: OwnerKind;
  selector: Selector;
  /** Further condition to claim (a StatefulSet claims only pods named after it). */
  filter?: (obj: KubeObject) => boolean;
  /** A quorum read before the first adoption: a parent being deleted must not adopt. */
  canAdopt: () => Promise<void>;
}

/**
 * ClaimObjects: of `candidates`, returns those the parent controls and that still match, after
 * adopting matching orphans and releasing owned objects that no longer match. Objects owned by
 * another controller are left alone. The first error is thrown after every object was tried.
 */
export async function claimObjects<T extends KubeObject>(candidates: readonly T[], o: ClaimOptions): Promise<T[]> {
  const claimed: T[] = [];
  const errors: unknown[] = [];
  const matches = (obj: KubeObject) => o.selector.matches(obj.metadata.labels) && (o.filter?.(obj) ?? true);
  const parentDeleting = !!o.parent.metadata.deletionTimestamp;
  let adoptable: Promise<void> | undefined;
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    if (ref) {
      if (ref.uid !== o.parent.metadata.uid) continue;
      if (matches(obj)) {
        claimed.push(obj);
        continue;
      }
      if (parentDeleting) continue;
      try {
        await releaseObject(o.client, o.ref, o.parent, obj);
      } catch (e) {
        // Gone, or no longer ours (422 on a uid precondition): nothing to release.
        if (errorCode(e) !== 404 && errorCode(e) !== 422) errors.push(e);
      }
      continue;
    }
    if (parentDeleting || obj.metadata.deletionTimestamp || !matches(obj)) continue;
    adoptable ??= o.canAdopt();
    try {
      await adoptable;
      claimed.push((await adoptObject(o.client, o.ref, o.parent, o.parentKind, obj)) as T);
    } catch (e) {
      if (errorCode(e) !== 404) errors.push(e);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}

/**
 * RecheckDeletionTimestamp: reads the parent afresh and fails if it is gone, replaced (another
 * uid) or being deleted.
 */
export function recheckNotDeleted(client: Client, ref: ResourceRef, parent: KubeObject): () => Promise<void> {
  return async () => {
    const ns = parent.metadata.namespace ?? '';
    const fresh = await client.get(ref, ns, parent.metadata.name!);
    if (!fresh || fresh.metadata.uid !== parent.metadata.uid) {
      throw new Error(`original ${ref.kind} ${ns}/${parent.metadata.name} is gone: got uid ${fresh?.metadata.uid ?? ''}, wanted ${parent.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) throw new Error(`${ns}/${parent.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  };
}
