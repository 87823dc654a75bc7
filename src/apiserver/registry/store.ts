// The generic registry store: create, get, list, update, delete and watch for one resource,
// with Kubernetes' semantics layered over the revision log — generated names, uids and
// timestamps, defaulting, validation, admission, optimistic concurrency, generation,
// status isolation, managedFields, graceful deletion and finalizers. Every built-in and custom
// resource goes through this one path; resource-specific behaviour lives in strategies and
// hooks, not in copies of it.

import { randomUUID } from 'node:crypto';
import type { KubeObject, ObjectMeta } from '../../api/object.js';
import { deepCopy, apiVersionOf } from '../../api/object.js';
import { qualifiedResource, type ResourceType } from '../../api/scheme.js';
import type { StructuralSchema } from '../../api/schema/structural.js';
import { rfc3339, type Clock } from '../../machinery/clock.js';
import {
  StatusError,
  Reason,
  alreadyExists,
  badRequest,
  conflict,
  field,
  gone,
  internalError,
  invalid,
  notFound,
  type FieldError,
} from '../../machinery/errors.js';
import { isStorageError, type Storage, type StoredObject, type StorageEvent } from '../../storage/interface.js';
import { internShared, sharedInterner, thawShared } from '../../storage/interning.js';
import type { AdmissionAttributes, AdmissionChain, AdmissionOperation } from '../admission/types.js';
import type { UserInfo } from '../auth/types.js';
import type { Strategy } from './strategy.js';
import { dropNulls } from './normalize.js';
import { prune } from '../fieldvalidation.js';
import type { FieldSet } from './selectable-fields.js';
import type { Selector } from '../../machinery/labels.js';
import type { FieldSelector } from '../../machinery/fields.js';

/** Everything a write needs to know about who asks and how. */
export interface WriteContext {
  user: UserInfo;
  dryRun: boolean;
  /** The field manager (managedFields); defaulted from the user agent by the HTTP layer. */
  fieldManager: string;
  /** The API version the client speaks (for managedFields entries). */
  apiVersion: string;
  /** Warnings to return in Warning headers. */
  warnings: string[];
  /** Server-side apply has already computed managedFields for this write. */
  managedFieldsApplied?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListQuery {
  labelSelector: Selector;
  fieldSelector: FieldSelector;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListOutput {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export interface WatchQuery {
  labelSelector: Selector;
  fieldSelector: FieldSelector;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  sendInitialEvents?: boolean;
  allowBookmarks: boolean;
  signal: AbortSignal;
  bookmarkIntervalMs?: number;
}

export type WatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }
  | { type: 'BOOKMARK'; resourceVersion: string; initialEventsEnd?: boolean }
  | { type: 'ERROR'; status: StatusError };

/** Hooks for behaviour that only some resources have (IP allocation, graceful pod deletion...). */
export interface ResourceHooks {
  /** After defaulting and before validation on create; may allocate (and must release on failure). */
  beforeCreate?(obj: KubeObject, ctx: WriteContext): Promise<void> | void;
  /** Undo what beforeCreate reserved when the create does not happen. */
  createFailed?(obj: KubeObject): void;
  beforeUpdate?(obj: KubeObject, old: KubeObject, ctx: WriteContext): Promise<void> | void;
  updateFailed?(obj: KubeObject, old: KubeObject): void;
  afterUpdate?(obj: KubeObject, old: KubeObject): void;
  afterDelete?(obj: KubeObject): void;
  /** Re-registers what a stored object holds (allocations) when the server starts. */
  restore?(obj: KubeObject): void;
  /** The object waits on more than metadata.finalizers before it may go (a Namespace's spec.finalizers). */
  holdsDeletion?(obj: KubeObject): boolean;
  /** Marks an object whose deletion has begun (a Namespace turns Terminating). */
  markDeleting?(obj: KubeObject): void;
  /** The grace period to use when deleting (pods); 0 or undefined deletes at once. */
  gracePeriod?(obj: KubeObject, options: DeleteOptions): number | undefined;
  /** The default propagation when the client names none. */
  defaultPropagation?: 'Orphan' | 'Background' | 'Foreground';
}

/** Per-version conversion: storage holds the first served version. */
export interface VersionCodec {
  toStorage(obj: KubeObject, fromVersion: string): KubeObject;
  fromStorage(obj: KubeObject, toVersion: string): KubeObject;
}

export interface ManagedFieldsHandler {
  update(old: KubeObject | undefined, updated: KubeObject, ctx: { manager: string; apiVersion: string; subresource?: string; now: Date; schema: StructuralSchema | undefined }): KubeObject;
}

/** How a write may treat the object it is given. */
export interface InputOptions {
  /** The caller will not use the object again (a body just decoded from a request): no copy is made. */
  owned?: boolean;
}

/**
 * Storage that may keep the value a write hands it instead of a copy (SqliteStorage's
 * WriteOptions). Every value the registry writes is its own, built for that write; backends
 * that do not know the option ignore it and copy.
 */
type OwningStorage = Storage & {
  create(key: string, value: KubeObject, options?: { owned?: boolean }): Promise<StoredObject>;
  update(key: string, expectedRevision: number, value: KubeObject, options?: { owned?: boolean }): Promise<StoredObject>;
};

const owned = { owned: true };

export interface StoreDeps {
  storage: Storage;
  clock: Clock;
  admission: AdmissionChain;
  strategy: Strategy;
  fields: FieldSet;
  hooks?: ResourceHooks;
  codec?: VersionCodec;
  defaulter?: (obj: KubeObject) => void;
  validate?: (obj: KubeObject, old: KubeObject | undefined, subresource: string) => FieldError[];
  schema?: (version: string) => StructuralSchema | undefined;
  managedFields?: ManagedFieldsHandler;
}

const nameChars = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5-character suffix Kubernetes appends to generateName. */
export function randomNameSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += nameChars[Math.floor(Math.random() * nameChars.length)];
  return s;
}

function meta(obj: KubeObject): ObjectMeta {
  if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
  return obj.metadata;
}

/** Everything except metadata and status: a change here bumps metadata.generation. */
function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

/** Equal apart from resourceVersion and managedFields times: an update that changes nothing. */
function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { resourceVersion: _rv, managedFields: _mf, ...m } = o.metadata;
    return JSON.stringify(canonicalOrder({ ...o, metadata: m }));
  };
  return strip(a) === strip(b);
}

function canonicalOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalOrder);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const child = (v as Record<string, unknown>)[k];
      if (child !== undefined) out[k] = canonicalOrder(child);
    }
    return out;
  }
  return v;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

export function encodeContinue(rv: number, startKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: startKey })).toString('base64url');
}

function decodeContinue(token: string, prefix: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error();
    if (t.start.includes('..') || t.start.startsWith('/')) throw new Error();
    return { ...t, start: prefix + t.start };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

function parseRv(rv: string | undefined, what = 'resourceVersion'): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid ${what}: ${rv}`);
  return Number(rv);
}

export class ResourceStore {
  readonly qr: { group: string; resource: string; kind: string };

  constructor(
    readonly resource: ResourceType,
    private readonly deps: StoreDeps,
  ) {
    this.qr = qualifiedResource(resource);
  }

  // ---- keys and versions ----

  prefix(namespace: string): string {
    const base = this.resource.storagePrefix + '/';
    return this.resource.namespaced && namespace ? `${base}${namespace}/` : base;
  }

  key(namespace: string, name: string): string {
    return this.resource.namespaced ? `${this.resource.storagePrefix}/${namespace}/${name}` : `${this.resource.storagePrefix}/${name}`;
  }

  get storageVersion(): string {
    return this.resource.versions[0];
  }

  /** The object as the client's version shows it. */
  out(obj: KubeObject, version: string): KubeObject {
    if (this.deps.codec) return this.deps.codec.fromStorage(obj, version);
    if (obj.apiVersion === apiVersionOf(this.resource.group, version) && obj.kind === this.resource.kind) return obj;
    return { ...obj, apiVersion: apiVersionOf(this.resource.group, version), kind: this.resource.kind };
  }

  /** The object as storage holds it, from the client's version. A codec owns both directions. */
  in(obj: KubeObject, version: string): KubeObject {
    if (this.deps.codec) return this.deps.codec.toStorage(obj, version);
    obj.apiVersion = apiVersionOf(this.resource.group, this.storageVersion);
    obj.kind = this.resource.kind;
    return obj;
  }

  schema(version: string): StructuralSchema | undefined {
    return this.deps.schema?.(version);
  }

  private get storage(): OwningStorage {
    return this.deps.storage as OwningStorage;
  }

  private storageError(e: unknown, name: string): never {
    if (isStorageError(e, 'KeyExists')) throw alreadyExists(this.qr, name);
    if (isStorageError(e, 'NotFound')) throw notFound(this.qr, name);
    if (isStorageError(e, 'Conflict')) {
      throw conflict(this.qr, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    if (isStorageError(e, 'Compacted')) throw gone(`too old resource version: ${e.message}`);
    throw e;
  }

  // ---- reads ----

  async getStored(namespace: string, name: string, resourceVersion?: string): Promise<StoredObject> {
    const rv = parseRv(resourceVersion);
    let stored: StoredObject | undefined;
    try {
      stored = await this.deps.storage.get(this.key(namespace, name), rv && rv > 0 ? rv : undefined);
    } catch (e) {
      this.storageError(e, name);
    }
    if (!stored) throw notFound(this.qr, name);
    return stored;
  }

  async get(namespace: string, name: string, resourceVersion?: string): Promise<KubeObject> {
    return (await this.getStored(namespace, name, resourceVersion)).value;
  }

  async tryGet(namespace: string, name: string): Promise<KubeObject | undefined> {
    return (await this.deps.storage.get(this.key(namespace, name)))?.value;
  }

  private checkSelectors(fieldSelector: FieldSelector): void {
    for (const r of fieldSelector.requirements) {
      if (!this.deps.fields.supported.has(r.field)) {
        throw badRequest(`field label not supported: ${r.field}`);
      }
    }
  }

  matcher(labelSelector: Selector, fieldSelector: FieldSelector): ((obj: KubeObject) => boolean) | undefined {
    this.checkSelectors(fieldSelector);
    const fields = this.deps.fields;
    if (labelSelector.isEmpty() && fieldSelector.isEmpty()) return undefined;
    return (obj) => labelSelector.matches(obj.metadata?.labels) && (fieldSelector.isEmpty() || fieldSelector.matches(fields.values(obj)));
  }

  async list(namespace: string, q: ListQuery): Promise<ListOutput> {
    const filter = this.matcher(q.labelSelector, q.fieldSelector);
    const prefix = this.prefix(namespace);
    let revision: number | undefined;
    let afterKey: string | undefined;
    if (q.continueToken) {
      const token = decodeContinue(q.continueToken, this.resource.storagePrefix + '/');
      revision = token.rv;
      afterKey = token.start;
      if (q.resourceVersion) throw badRequest('specifying resource version is not allowed when using continue');
    } else {
      const rv = parseRv(q.resourceVersion);
      const match = q.resourceVersionMatch;
      if (match && !['Exact', 'NotOlderThan'].includes(match)) {
        throw invalid('ListOptions', 'meta.k8s.io', '', [field.notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan'])]);
      }
      if (match && rv === undefined) {
        throw invalid('ListOptions', 'meta.k8s.io', '', [field.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided')]);
      }
      if (match === 'Exact') {
        if (rv === 0) throw invalid('ListOptions', 'meta.k8s.io', '', [field.forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"')]);
        revision = rv;
      } else if (rv && rv > 0) {
        await this.waitForRevision(rv);
      }
    }
    let result;
    try {
      result = await this.deps.storage.list(prefix, { revision, afterKey, limit: q.limit, filter });
    } catch (e) {
      if (isStorageError(e, 'Compacted')) {
        if (q.continueToken) {
          throw new StatusError(410, Reason.Gone, 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
        }
        throw gone(`too old resource version: ${revision} (${e.revision})`);
      }
      throw e;
    }
    const out: ListOutput = { items: result.items.map((i) => i.value), resourceVersion: String(result.revision) };
    if (result.continueAfter) {
      out.continueToken = encodeContinue(result.revision, result.continueAfter.slice(this.resource.storagePrefix.length + 1));
      if (result.remaining !== undefined && !filter) out.remainingItemCount = result.remaining;
    }
    return out;
  }

  /** NotOlderThan semantics: a revision from the future waits briefly, then 504 like Kubernetes. */
  private async waitForRevision(rv: number): Promise<void> {
    const deadline = Date.now() + 3000;
    while ((await this.deps.storage.currentRevision()) < rv) {
      if (Date.now() > deadline) {
        throw new StatusError(504, Reason.Timeout, `Too large resource version: ${rv}, current: ${await this.deps.storage.currentRevision()}`, {
          causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
          retryAfterSeconds: 1,
        });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Watches this resource. Without a resourceVersion (or "0") it starts with synthetic ADDED
   * events for the current objects; with one, it replays what followed it. Objects moving into or
   * out of the selectors show up as ADDED and DELETED, as in Kubernetes.
   */
  watch(namespace: string, q: WatchQuery): AsyncGenerator<WatchEvent> {
    // Bad parameters fail here, before a stream starts, so they become plain 4xx responses.
    const filter = this.matcher(q.labelSelector, q.fieldSelector);
    const since = parseRv(q.resourceVersion);
    if (q.sendInitialEvents !== undefined && q.resourceVersionMatch !== 'NotOlderThan') {
      throw invalid('ListOptions', 'meta.k8s.io', '', [
        field.forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'),
      ]);
    }
    return this.watchEvents(namespace, q, filter, since);
  }

  private async *watchEvents(
    namespace: string,
    q: WatchQuery,
    filter: ((obj: KubeObject) => boolean) | undefined,
    since: number | undefined,
  ): AsyncGenerator<WatchEvent> {
    const matches = (o: KubeObject | undefined) => o !== undefined && (!filter || filter(o));
    const prefix = this.prefix(namespace);
    const initial = q.sendInitialEvents ?? (since === undefined || since === 0);
    if (initial) {
      const listed = await this.deps.storage.list(prefix, { filter });
      for (const item of listed.items) yield { type: 'ADDED', object: item.value };
      since = listed.revision;
      if (q.sendInitialEvents && q.allowBookmarks) {
        yield { type: 'BOOKMARK', resourceVersion: String(listed.revision), initialEventsEnd: true };
      }
    } else if (since !== undefined && since > (await this.deps.storage.currentRevision())) {
      await this.waitForRevision(since);
    }
    let events: AsyncIterable<StorageEvent>;
    try {
      events = this.deps.storage.watch(prefix, {
        sinceRevision: since ?? 0,
        signal: q.signal,
        progressIntervalMs: q.allowBookmarks ? (q.bookmarkIntervalMs ?? 60_000) : undefined,
      });
      for await (const e of events) {
        if (e.type === 'PROGRESS') {
          yield { type: 'BOOKMARK', resourceVersion: String(e.revision) };
          continue;
        }
        const now = matches(e.value);
        const before = e.type !== 'ADDED' && matches(e.prevValue);
        if (e.type === 'DELETED') {
          if (before || (!e.prevValue && now)) yield { type: 'DELETED', object: e.value };
        } else if (now && before) {
          yield { type: 'MODIFIED', object: e.value };
        } else if (now) {
          yield { type: 'ADDED', object: e.value };
        } else if (before) {
          // Left the selection: to this watcher the object is gone, at this revision.
          yield { type: 'DELETED', object: e.value };
        }
      }
    } catch (e) {
      if (isStorageError(e, 'Compacted')) {
        yield { type: 'ERROR', status: gone(`too old resource version: ${since} (${e.revision})`) };
        return;
      }
      throw e;
    }
  }

  // ---- writes ----

  private attributes(operation: AdmissionOperation, obj: KubeObject | undefined, old: KubeObject | undefined, ctx: WriteContext, subresource = '', name = '', generatedName = false): AdmissionAttributes {
    return {
      operation,
      resource: this.resource,
      subresource,
      namespace: (obj ?? old)?.metadata?.namespace ?? '',
      name: name || (obj ?? old)?.metadata?.name || '',
      object: obj,
      oldObject: old,
      user: ctx.user,
      dryRun: ctx.dryRun,
      generatedName,
    };
  }

  /**
   * Kubernetes' order: mutating admission, then the object's validation, then validating
   * admission (quota charges only what is valid).
   */
  private async admitAndValidate(attrs: AdmissionAttributes, validate: () => void): Promise<void> {
    await this.deps.admission.admit(attrs);
    validate();
    await this.deps.admission.validate(attrs);
  }

  private validateOrThrow(obj: KubeObject, old: KubeObject | undefined, subresource = ''): void {
    const errors = this.deps.validate?.(obj, old, subresource) ?? [];
    if (errors.length) throw invalid(this.resource.kind, this.resource.group, obj.metadata?.name ?? '', errors);
  }

  private managedFields(old: KubeObject | undefined, updated: KubeObject, ctx: WriteContext, subresource?: string): KubeObject {
    const mf = this.deps.managedFields;
    if (!mf || ctx.managedFieldsApplied) return updated;
    return mf.update(old, updated, {
      manager: ctx.fieldManager,
      apiVersion: ctx.apiVersion,
      subresource,
      now: new Date(this.deps.clock.now()),
      schema: this.deps.schema?.(this.storageVersion),
    });
  }

  /** Create: obj is in storage version already (see in()). */
  async create(namespace: string, input: KubeObject, ctx: WriteContext, options: InputOptions = {}): Promise<KubeObject> {
    const obj = options.owned ? input : deepCopy(input);
    const m = meta(obj);
    if (this.resource.namespaced) {
      if (m.namespace && namespace && m.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      m.namespace = namespace || m.namespace;
    } else {
      delete m.namespace;
    }
    this.normalize(obj);
    this.deps.defaulter?.(obj);
    this.prepareForCreate(obj);
    const generated = !m.name && !!m.generateName;
    for (let attempt = 0; ; attempt++) {
      // Another try goes through admission again, which may change what the last one froze.
      if (attempt > 0) thawShared(obj);
      // As upstream: the base is cut so that base + 5 random characters fit in 63.
      if (generated) m.name = m.generateName!.slice(0, 58) + randomNameSuffix();
      try {
        return await this.createOnce(obj, ctx, generated);
      } catch (e) {
        if (generated && e instanceof StatusError && e.reason === Reason.AlreadyExists && attempt < 7) continue;
        throw e;
      }
    }
  }

  /**
   * Built-in kinds go through Kubernetes' typed round trip: fields the type does not have
   * (reported earlier as unknown-field warnings) and nulls are not stored.
   */
  private normalize(obj: KubeObject): void {
    if (this.resource.custom) return;
    const schema = this.deps.schema?.(this.storageVersion);
    if (schema) prune(schema, obj);
    dropNulls(obj, schema);
    // Go omits these empty lists (omitempty).
    const m = obj.metadata;
    if (m) for (const list of ['ownerReferences', 'finalizers'] as const) if (Array.isArray(m[list]) && m[list]!.length === 0) delete m[list];
  }

  private prepareForCreate(obj: KubeObject): void {
    const m = meta(obj);
    const now = rfc3339(this.deps.clock.now());
    m.uid = randomUUID();
    m.creationTimestamp = now;
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.selfLink;
    if (this.deps.strategy.tracksGeneration) m.generation = 1;
    else delete m.generation;
  }

  private setInitialStatus(obj: KubeObject): void {
    const initial = this.deps.strategy.initialStatus;
    if (!initial) return;
    const status = initial(obj);
    if (status === undefined) delete obj.status;
    else obj.status = status;
  }

  private async createOnce(obj: KubeObject, ctx: WriteContext, generatedName: boolean): Promise<KubeObject> {
    const hooks = this.deps.hooks;
    let allocated = false;
    try {
      await this.admitAndValidate(this.attributes('CREATE', obj, undefined, ctx, '', '', generatedName), () => {
        // Status a new object shows (a pod's QoS class) follows what admission defaulted.
        this.setInitialStatus(obj);
      });
      // Allocation (cluster IPs, node ports) comes before validation, which checks the result.
      await hooks?.beforeCreate?.(obj, ctx);
      allocated = true;
      this.validateOrThrow(obj, undefined);
      // The object is final now but for managedFields and resourceVersion. Its spec and
      // metadata maps become the canonical copies the store would make of them anyway, now:
      // frozen, they let the field manager reuse what it worked out for equal parts before.
      internShared(obj, sharedInterner);
      let toStore = this.managedFields(undefined, obj, ctx);
      if (ctx.dryRun) {
        hooks?.createFailed?.(obj);
        return toStore;
      }
      const created = await this.storage.create(this.key(obj.metadata.namespace ?? '', obj.metadata.name!), toStore, owned);
      toStore = created.value;
      return toStore;
    } catch (e) {
      if (allocated) hooks?.createFailed?.(obj);
      this.storageError(e, obj.metadata.name!);
    }
  }

  /**
   * Update (PUT) with optimistic concurrency: a resourceVersion in the body must match the
   * stored one (409 otherwise); without one the update is unconditional. `subresource` is
   * '' for the main resource or 'status'.
   */
  async update(namespace: string, name: string, input: KubeObject, ctx: WriteContext, subresource = '', options: InputOptions = {}): Promise<{ object: KubeObject; created: boolean }> {
    const m = meta(input);
    if (m.name && m.name !== name) {
      throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${name})`);
    }
    if (this.resource.namespaced && m.namespace && m.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const wantRv = parseRv(m.resourceVersion, 'resourceVersion');
    for (let attempt = 0; ; attempt++) {
      const stored = await this.deps.storage.get(this.key(namespace, name));
      if (!stored) {
        if (subresource || !this.deps.strategy.allowCreateOnUpdate) throw notFound(this.qr, name);
        if (wantRv) throw notFound(this.qr, name);
        const created = await this.create(namespace, { ...input, metadata: { ...m, name } }, ctx, options);
        return { object: created, created: true };
      }
      if (wantRv !== undefined && wantRv !== stored.revision) {
        throw conflict(this.qr, name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      if (wantRv === undefined && !this.deps.strategy.allowUnconditionalUpdate) {
        throw invalid(this.resource.kind, this.resource.group, name, [field.invalid('metadata.resourceVersion', 0, 'must be specified for an update')]);
      }
      try {
        // updateStored changes what it is given; an unconditional update may be retried, from the input as sent.
        const object = await this.updateStored(stored, options.owned && wantRv !== undefined ? input : deepCopy(input), ctx, subresource);
        return { object, created: false };
      } catch (e) {
        // An unconditional update lost a race: read again and retry, as Kubernetes does.
        if (wantRv === undefined && e instanceof StatusError && e.reason === Reason.Conflict && attempt < 5) continue;
        throw e;
      }
    }
  }

  /**
   * Applies a computed new state onto a stored object: the common tail of update, patch and
   * subresource writes. `obj` is owned by the caller and may be changed.
   */
  async updateStored(stored: StoredObject, obj: KubeObject, ctx: WriteContext, subresource = ''): Promise<KubeObject> {
    const old = stored.value;
    const name = old.metadata.name!;
    this.normalize(obj);
    this.prepareForUpdate(obj, old, subresource);
    if (!subresource) this.deps.defaulter?.(obj);
    this.bumpGeneration(obj, old);
    const hooks = subresource ? undefined : this.deps.hooks;
    await this.deps.admission.admit(this.attributes('UPDATE', obj, old, ctx, subresource, name));
    await hooks?.beforeUpdate?.(obj, old, ctx);
    try {
      this.validateOrThrow(obj, old, subresource);
      await this.deps.admission.validate(this.attributes('UPDATE', obj, old, ctx, subresource, name));
      const withFields = this.managedFields(old, obj, ctx, subresource || undefined);
      if (sameObject(withFields, old)) return old;
      if (ctx.dryRun) return withFields;
      // The last finalizer gone from an object being deleted: the delete completes now.
      const wm = withFields.metadata;
      if (wm.deletionTimestamp && (wm.finalizers ?? []).length === 0 && !wm.deletionGracePeriodSeconds && !this.deps.hooks?.holdsDeletion?.(withFields)) {
        const deleted = await this.deps.storage.delete(stored.key, stored.revision);
        this.deps.hooks?.afterDelete?.(deleted.value);
        return deleted.value;
      }
      const updated = (await this.storage.update(stored.key, stored.revision, withFields, owned)).value;
      hooks?.afterUpdate?.(obj, old);
      return updated;
    } catch (e) {
      hooks?.updateFailed?.(obj, old);
      this.storageError(e, name);
    }
  }

  /**
   * A system write of spec and status together, skipping the update validation that forbids it
   * (pod binding sets spec.nodeName and the PodScheduled condition). Callers validate.
   */
  async updateStoredAllowingStatus(stored: StoredObject, obj: KubeObject, ctx: WriteContext, subresource = 'binding'): Promise<KubeObject> {
    const old = stored.value;
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    const withFields = this.managedFields(old, obj, ctx, subresource);
    if (ctx.dryRun) return withFields;
    try {
      return (await this.storage.update(stored.key, stored.revision, withFields, owned)).value;
    } catch (e) {
      this.storageError(e, old.metadata.name!);
    }
  }

  private prepareForUpdate(obj: KubeObject, old: KubeObject, subresource: string): void {
    const m = meta(obj);
    const om = old.metadata;
    obj.apiVersion = old.apiVersion;
    obj.kind = old.kind;
    m.name = om.name;
    if (this.resource.namespaced) m.namespace = om.namespace;
    else delete m.namespace;
    m.uid = om.uid;
    m.creationTimestamp = om.creationTimestamp;
    // An unconditional update writes over the current version.
    m.resourceVersion = om.resourceVersion;
    delete m.selfLink;
    if (om.deletionTimestamp) m.deletionTimestamp = om.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (om.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    // A client that omits generateName keeps the old one.
    if (m.generateName === undefined && om.generateName !== undefined) m.generateName = om.generateName;
    if (m.managedFields === undefined && om.managedFields !== undefined) m.managedFields = om.managedFields;
    if (subresource === 'status') {
      // The status subresource changes status (and annotations, which controllers such as the
      // Deployment controller write with it); everything else stays as stored.
      const status = obj.status;
      const annotations = m.annotations;
      for (const k of Object.keys(obj)) delete obj[k];
      // The stored parts are shared, not copied: a stored object never changes (and the
      // store freezes what it shares between objects), and the write replaces only metadata
      // fields and status here. A copy of the spec cost every status write a deep copy.
      Object.assign(obj, old, { metadata: { ...old.metadata } });
      obj.metadata.managedFields = m.managedFields;
      obj.metadata.resourceVersion = om.resourceVersion;
      if (annotations === undefined) delete obj.metadata.annotations;
      else obj.metadata.annotations = annotations;
      if (status === undefined) delete obj.status;
      else obj.status = status;
      return;
    }
    if (this.deps.strategy.hasStatus) {
      if (old.status === undefined) delete obj.status;
      else obj.status = deepCopy(old.status);
    }
  }

  /** After defaulting: a change outside metadata and status is a new generation. */
  private bumpGeneration(obj: KubeObject, old: KubeObject): void {
    const m = obj.metadata;
    const gen = old.metadata.generation;
    if (this.deps.strategy.tracksGeneration) {
      m.generation = specOf(obj) !== specOf(old) ? (gen ?? 1) + 1 : (gen ?? 1);
    } else if (gen !== undefined) {
      m.generation = gen;
    } else {
      delete m.generation;
    }
  }

  // ---- delete ----

  async delete(namespace: string, name: string, options: DeleteOptions, ctx: WriteContext): Promise<{ object: KubeObject; deleted: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const stored = await this.getStored(namespace, name);
      try {
        return await this.deleteStored(stored, options, ctx);
      } catch (e) {
        if (e instanceof StatusError && e.reason === Reason.Conflict && !options.preconditions?.resourceVersion && attempt < 5) continue;
        throw e;
      }
    }
  }

  async deleteStored(stored: StoredObject, options: DeleteOptions, ctx: WriteContext): Promise<{ object: KubeObject; deleted: boolean }> {
    const obj = stored.value;
    const name = obj.metadata.name!;
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata.uid) {
      throw conflict(this.qr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw conflict(this.qr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
    }
    if (options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0) {
      throw invalid('DeleteOptions', 'meta.k8s.io', '', [field.invalid('gracePeriodSeconds', options.gracePeriodSeconds, 'must be greater than or equal to 0')]);
    }
    const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : options.orphanDependents === false ? 'Background' : this.deps.hooks?.defaultPropagation);
    if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw invalid('DeleteOptions', 'meta.k8s.io', '', [field.notSupported('propagationPolicy', policy, ['Foreground', 'Background', 'Orphan'])]);
    }
    const attrs = this.attributes('DELETE', undefined, obj, ctx, '', name);
    await this.deps.admission.admit(attrs);
    await this.deps.admission.validate(attrs);

    const next = deepCopy(obj);
    const m = next.metadata;
    const finalizers = new Set(m.finalizers ?? []);
    // Propagation policy becomes a finalizer the garbage collector acts on.
    if (policy === 'Orphan') {
      finalizers.delete('foregroundDeletion');
      finalizers.add('orphan');
    } else if (policy === 'Foreground') {
      finalizers.delete('orphan');
      finalizers.add('foregroundDeletion');
    } else if (policy === 'Background' && (finalizers.has('orphan') || finalizers.has('foregroundDeletion'))) {
      finalizers.delete('orphan');
      finalizers.delete('foregroundDeletion');
    }
    const hooks = this.deps.hooks;
    const grace = hooks?.gracePeriod?.(obj, options) ?? 0;
    const alreadyDeleting = !!obj.metadata.deletionTimestamp;
    const nowMs = this.deps.clock.now();

    if (finalizers.size === 0 && grace === 0 && !hooks?.holdsDeletion?.(obj)) {
      if (ctx.dryRun) return { object: obj, deleted: true };
      try {
        const deleted = await this.deps.storage.delete(stored.key, stored.revision);
        hooks?.afterDelete?.(deleted.value);
        return { object: deleted.value, deleted: true };
      } catch (e) {
        this.storageError(e, name);
      }
    }

    // Graceful or finalized deletion: mark, keep, and let the owners of the finalizers (or the
    // kubelet, for a grace period) finish it.
    if (alreadyDeleting) {
      const oldGrace = obj.metadata.deletionGracePeriodSeconds;
      if (grace > 0 && oldGrace !== undefined && grace < oldGrace) {
        m.deletionGracePeriodSeconds = grace;
        m.deletionTimestamp = rfc3339(nowMs + grace * 1000);
      } else if (grace === 0 && oldGrace) {
        m.deletionGracePeriodSeconds = 0;
      }
    } else {
      m.deletionTimestamp = rfc3339(nowMs + grace * 1000);
      m.deletionGracePeriodSeconds = grace;
    }
    m.finalizers = [...finalizers];
    if (m.finalizers.length === 0) delete m.finalizers;
    hooks?.markDeleting?.(next);
    if (sameObject(next, obj)) return { object: obj, deleted: false };
    if (ctx.dryRun) return { object: next, deleted: false };
    try {
      const updated = await this.storage.update(stored.key, stored.revision, next, owned);
      return { object: updated.value, deleted: false };
    } catch (e) {
      this.storageError(e, name);
    }
  }

  /** DELETE on the collection: deletes every object the selectors match. */
  async deleteCollection(namespace: string, q: ListQuery, options: DeleteOptions, ctx: WriteContext): Promise<KubeObject[]> {
    const listed = await this.list(namespace, { ...q, limit: undefined, continueToken: undefined });
    const out: KubeObject[] = [];
    for (const item of listed.items) {
      try {
        const r = await this.delete(item.metadata.namespace ?? '', item.metadata.name!, options, ctx);
        out.push(r.object);
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) continue;
        throw e;
      }
    }
    return out;
  }

  /** Replays stored objects into the hooks' in-memory state (allocators) at start. */
  async restore(): Promise<void> {
    const restore = this.deps.hooks?.restore;
    if (!restore) return;
    const listed = await this.deps.storage.list(this.prefix(''));
    for (const item of listed.items) restore(item.value);
  }

  internalError(message: string): StatusError {
    return internalError(message);
  }
}
