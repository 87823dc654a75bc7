// The field manager: every write's effect on metadata.managedFields, and server-side apply.
// It follows the layers Kubernetes 1.32 stacks in NewDefaultFieldManager, outermost first:
//   version check      an applied object must be of the URL's kind and version
//   last-applied       "kubectl" applies keep the client-side annotation current and may
//                      take fields from client-side apply without a conflict
//   skip non-applied   an existing object without managedFields is not tracked by updates;
//                      its first apply hands every existing field to "before-first-apply"
//   cap managers       at most 10 Update entries, the oldest merged into "ancient-changes"
//   manager info       manager name → identifier (name, operation, version, subresource)
//   timestamps         an entry's time moves only when its write changed something
//   strip meta         nobody owns apiVersion, kind, name, namespace, uid and the like
//   structured merge   compare / merge / prune (updater.ts)

import { splitApiVersion, type KubeObject, type ManagedFieldsEntry } from '../../api/object.js';
import type { StructuralSchema } from '../../api/schema/structural.js';
import { badRequest, conflict, StatusError, type QualifiedResource } from '../../machinery/errors.js';
import { capUpdateManagers } from './cap-managers.js';
import { conflictError } from './conflict-error.js';
import { decodeAppliedConfiguration } from './applied-configuration.js';
import { FieldSet } from './field-set.js';
import { rfc3339 } from './go-format.js';
import {
  allowedConflictsFromLastApplied,
  hasLastApplied,
  kubectlServerSideManager,
  lastAppliedValue,
  withLastApplied,
} from './last-applied.js';
import {
  decodeManagedFields,
  emptyManaged,
  encodeManagedFields,
  isResetManagedFields,
  managerIdentifier,
  type Managed,
} from './managed-fields.js';
import { fieldElement } from './path-element.js';
import { dropNulls } from './remove.js';
import { rootType, type TypeNode } from './type-model.js';
import { compareValues } from './compare.js';
import { ConflictsError, recordApply, recordUpdate, type UpdaterOptions } from './updater.js';
import { validateValue, validationMessage } from './validate.js';
import { isMap, type JSONMap } from './values.js';
import { zeroObject } from './zero-object.js';

export interface ManagedFieldsContext {
  /** The field manager (the fieldManager parameter, else derived from the user agent). */
  manager: string;
  /** The request's group/version (`apps/v1`, `v1`). */
  apiVersion: string;
  /** The subresource written through (`status`, `scale`), if any. */
  subresource?: string;
  /** The write's time; entries record it at second precision. */
  now: Date;
  /** The kind's schema; built-in schemas (with x-kubelite-definition) mean a typed kind. */
  schema: StructuralSchema | undefined;
  /**
   * Fields this endpoint never lets a writer own, as field-name paths (upstream's reset
   * fields): [['status']] on the main resource of a kind with a status subresource,
   * [['spec']] on its status subresource. When left out: [['status']] on the main resource
   * if the schema has a status, [['spec']] on /status, nothing elsewhere. See
   * defaultResetFields().
   */
  resetFields?: readonly (readonly string[])[];
}

export interface ApplyContext extends ManagedFieldsContext {
  /** ?force=true: take fields from other managers instead of failing with a conflict. */
  force: boolean;
  /**
   * The URL's kind; the applied object must name it. When left out, the live object's kind
   * or the schema's is used.
   */
  kind?: string;
  /** The URL's name; the result must carry it. Left out: the caller checks the name. */
  name?: string;
  /**
   * The URL's namespace ('' for cluster-scoped resources): the result is put in it, or
   * rejected when it names another. Left out: the caller checks the namespace.
   */
  namespace?: string;
  /** The resource, for the "uid mismatch" conflict message (defaults from kind and version). */
  resource?: QualifiedResource;
}

interface Env {
  apiVersion: string;
  subresource: string | undefined;
  now: string;
  schema: StructuralSchema | undefined;
  type: TypeNode;
  updater: UpdaterOptions;
}

function environment(ctx: ManagedFieldsContext): Env {
  const type = rootType(ctx.schema);
  let ignored: FieldSet | undefined;
  const reset = ctx.resetFields ?? defaultResetFields(ctx.schema?.properties?.status !== undefined, ctx.subresource);
  if (reset.length) ignored = FieldSet.of(...reset.map((p) => p.map(fieldElement)));
  return {
    apiVersion: ctx.apiVersion,
    subresource: ctx.subresource || undefined,
    now: rfc3339(ctx.now),
    schema: ctx.schema,
    type,
    updater: { type, ignored },
  };
}

/** Fields nobody owns: identity and system metadata, and managedFields itself. */
const strippedFields = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [
    fieldElement('metadata'),
    fieldElement(f),
  ]),
);

/** The manager an update is recorded under until it is known to have changed something. */
const currentOperation = 'current-operation';
const beforeFirstApply = 'before-first-apply';

/**
 * Records a create, update or patch (operation Update). `old` is the stored object, or
 * undefined for a create; `updated` is the object the write produces, before the registry's
 * own preparation (upstream runs the field manager right after decoding/patching). Returns
 * `updated` with metadata.managedFields set (or removed when nothing is tracked).
 *
 * A client may send managedFields: a non-empty list replaces the stored entries, `[]` or
 * `[{}]` clears them (and then updates stop being tracked until the next apply), and
 * leaving it out keeps the stored ones. Writes to a subresource always keep the stored ones.
 */
export function updateManagedFields(old: KubeObject | undefined, updated: KubeObject, ctx: ManagedFieldsContext): KubeObject {
  const env = environment(ctx);
  const next = withManagedFields(updated, undefined);
  // A create compares with the kind's empty object, which has no managedFields.
  const stored = old?.metadata?.managedFields;
  let managed: Managed;
  const sent = updated.metadata?.managedFields;
  if (ctx.subresource) managed = decodeOrEmpty(stored);
  else if (isResetManagedFields(sent)) managed = emptyManaged();
  else {
    try {
      managed = decodeManagedFields(sent);
    } catch {
      managed = emptyManaged();
    }
    if (managed.fields.size === 0) managed = decodeOrEmpty(stored);
  }
  try {
    const result =
      !old && managed.fields.size === 0
        ? createdUpdate(next, ctx.manager, env)
        : skipNonAppliedUpdate(old ?? zeroObject(updated.apiVersion, updated.kind, ctx.schema), next, managed, ctx.manager, env);
    return withManagedFields(next, encodeManagedFields(result));
  } catch {
    // Like upstream's UpdateNoErrors: a write never fails over its bookkeeping.
    return withManagedFields(next, stored);
  }
}

/**
 * Server-side apply (PATCH with application/apply-patch+yaml). `live` is the stored object,
 * or undefined when the apply creates it; `applied` is the request body (YAML or JSON text,
 * bytes, or an already parsed object). Returns the object to store, with managedFields; it is
 * the merge result before defaulting, which the caller applies next as upstream does.
 * Throws StatusError: 400 for an undecodable body, a wrong kind or version, managedFields in
 * the body, or a name or namespace that does not match the URL; 409 with the conflicting
 * fields; 500 (reason "") when the body does not fit the schema, worded as upstream.
 */
export function serverSideApply(live: KubeObject | undefined, applied: unknown, applyCtx: ApplyContext): KubeObject {
  const config = decodeAppliedConfiguration(applied);
  const kind = applyCtx.kind ?? live?.kind ?? schemaKind(applyCtx.schema, applyCtx.apiVersion) ?? (typeof config.kind === 'string' ? config.kind : '');
  const ctx: ResolvedApplyContext = { ...applyCtx, kind };
  const env = environment(ctx);
  const current = live ?? zeroObject(ctx.apiVersion, ctx.kind, ctx.schema);
  let managed: Managed;
  try {
    managed = decodeManagedFields(current.metadata?.managedFields);
  } catch (e) {
    throw new StatusError(500, '', `failed to decode managed fields: ${(e as Error).message}`);
  }

  const appliedApiVersion = typeof config.apiVersion === 'string' ? config.apiVersion : '';
  const appliedKind = typeof config.kind === 'string' ? config.kind : '';
  if (appliedApiVersion !== ctx.apiVersion || appliedKind !== ctx.kind) {
    throw badRequest(`invalid object type: ${gvkString(appliedApiVersion, appliedKind)}`);
  }

  let result: { object: KubeObject; managed: Managed };
  try {
    result = lastAppliedManagerApply(current, config, managed, ctx, env);
  } catch (e) {
    if (e instanceof ConflictsError) throw conflictError(e.conflicts);
    if (e instanceof StatusError) throw e;
    throw new StatusError(500, '', (e as Error).message);
  }
  let object = result.object;
  if (ctx.manager === kubectlServerSideManager && hasLastApplied(object)) object = withLastApplied(object, lastAppliedValue(config));
  object = withManagedFields(object, encodeManagedFields(result.managed));
  // A created object reads in the order its configuration was written, not in the order of
  // the empty object it was merged into.
  if (live === undefined) object = orderLike(object, config) as KubeObject;
  return checkAgainstRequest(object, live === undefined, ctx);
}

function orderLike(value: unknown, model: unknown): unknown {
  if (!isMap(value) || !isMap(model)) return value;
  const out: JSONMap = {};
  for (const k in model) if (k in value) out[k] = orderLike(value[k], model[k]);
  for (const k in value) if (!(k in out)) out[k] = value[k];
  return out;
}

/** The kind the schema describes at this version, from x-kubernetes-group-version-kind. */
function schemaKind(schema: StructuralSchema | undefined, apiVersion: string): string | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  return schema?.['x-kubernetes-group-version-kind']?.find((g) => g.group === group && g.version === version)?.kind;
}

type ResolvedApplyContext = ApplyContext & { kind: string };

// The "kubectl" manager may take, without force, fields that client-side apply set to what
// the last-applied annotation still says.
function lastAppliedManagerApply(current: KubeObject, config: JSONMap, managed: Managed, ctx: ResolvedApplyContext, env: Env): { object: KubeObject; managed: Managed } {
  try {
    return skipNonAppliedApply(current, config, managed, ctx.manager, ctx.force, env);
  } catch (e) {
    if (ctx.manager !== kubectlServerSideManager || !(e instanceof ConflictsError)) throw e;
    const allowed = allowedConflictsFromLastApplied(current, prepare(current, env), ctx.apiVersion, ctx.kind, env.type);
    if (!allowed) throw e;
    const remaining = e.conflicts.filter((c) => !allowed.has(c.path));
    if (remaining.length > 0) throw new ConflictsError(remaining);
    return skipNonAppliedApply(current, config, managed, ctx.manager, true, env);
  }
}

function skipNonAppliedApply(current: KubeObject, config: JSONMap, managed: Managed, manager: string, force: boolean, env: Env): { object: KubeObject; managed: Managed } {
  if (managed.fields.size === 0) {
    // Fields that predate tracking belong to nobody in particular; an updater owns them so
    // that the first applier conflicts with them like with any other writer.
    const empty = zeroObject(config.apiVersion as string, config.kind as string, env.schema);
    managed = capUpdate(empty, current, managed, beforeFirstApply, env);
  }
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Apply', subresource: env.subresource });
  const out = structuredApply(current, config, managed, id, force, env);
  stripFields(out.managed, id);
  if (out.object !== null) {
    out.managed.times.set(id, env.now);
    return { object: out.object, managed: out.managed };
  }
  return { object: withManagedFields(current, undefined), managed: out.managed };
}

function structuredApply(current: KubeObject, config: JSONMap, managed: Managed, id: string, force: boolean, env: Env): { object: KubeObject | null; managed: Managed } {
  const meta = config.metadata;
  if (isMap(meta) && Array.isArray(meta.managedFields)) throw badRequest('metadata.managedFields must be nil');
  const errors = validateValue(config, env.type);
  if (errors.length > 0) {
    const name = isMap(meta) && typeof meta.name === 'string' ? meta.name : '';
    const namespace = isMap(meta) && typeof meta.namespace === 'string' ? meta.namespace : '';
    throw new StatusError(
      500,
      '',
      `failed to create typed patch object (${namespace}/${name}; ${gvkString(config.apiVersion as string, config.kind as string)}): ${validationMessage(errors)}`,
    );
  }
  const { object, unchanged, managers } = recordApply(prepare(current, env), config, env.apiVersion, managed.fields, id, force, env.updater);
  const out: Managed = { fields: managers, times: new Map(managed.times) };
  return { object: unchanged ? null : (dropNulls(object, env.type) as KubeObject), managed: out };
}

function skipNonAppliedUpdate(live: KubeObject, next: KubeObject, managed: Managed, manager: string, env: Env): Managed {
  // An existing object whose managedFields are empty (cleared, or from before tracking)
  // stays untracked until someone applies.
  if (managed.fields.size === 0 && live.metadata?.uid) return managed;
  return capUpdate(live, next, managed, manager, env);
}

/**
 * capUpdate for a create that brings no managedFields of its own, without the general
 * machinery: no other manager can lose fields and nothing is capped, so the writer simply
 * owns what the new object sets beyond the kind's empty object (minus reset and identity
 * fields). Creates are most writes; this skips copying the empty object and the ownership
 * pass, and gives the same entry.
 */
function createdUpdate(next: KubeObject, manager: string, env: Env): Managed {
  // `next` holds no managedFields already (see updateManagedFields): no copy to drop them.
  const c = compareValues(emptyObjectOf(next, env), dropNulls(next, env.type), env.type);
  let set = c.modified.union(c.added);
  if (env.updater.ignored) set = set.recursiveDifference(env.updater.ignored);
  set = set.difference(strippedFields);
  const out = emptyManaged();
  if (set.isEmpty()) return out;
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Update', apiVersion: env.apiVersion, subresource: env.subresource });
  out.fields.set(id, { set, apiVersion: env.apiVersion, applied: false });
  out.times.set(id, env.now);
  return out;
}

// The empty objects creates are compared with, per schema, apiVersion and kind. compareValues
// only reads them, so one copy serves every create.
const emptyObjects = new WeakMap<object, Map<string, unknown>>();
const noSchema = {};

function emptyObjectOf(next: KubeObject, env: Env): unknown {
  let bySchema = emptyObjects.get(env.schema ?? noSchema);
  if (!bySchema) emptyObjects.set(env.schema ?? noSchema, (bySchema = new Map()));
  const key = `${next.apiVersion ?? ''}\0${next.kind ?? ''}`;
  let empty = bySchema.get(key);
  if (empty === undefined) {
    if (bySchema.size > 16) bySchema.clear();
    empty = prepare(zeroObject(next.apiVersion, next.kind, env.schema), env);
    bySchema.set(key, empty);
  }
  return empty;
}

function capUpdate(live: KubeObject, next: KubeObject, managed: Managed, manager: string, env: Env): Managed {
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Update', apiVersion: env.apiVersion, subresource: env.subresource });
  // Recorded under a placeholder first: only if the write changed something does the
  // manager's entry (and its time) move.
  const fields = recordUpdate(prepare(live, env), prepare(next, env), env.apiVersion, managed.fields, currentOperation, env.updater);
  const out: Managed = { fields, times: new Map(managed.times) };
  stripFields(out, currentOperation);
  const taken = out.fields.get(currentOperation);
  if (taken) {
    out.fields.delete(currentOperation);
    const previous = out.fields.get(id);
    out.fields.set(id, previous ? { ...taken, set: taken.set.union(previous.set) } : taken);
    out.times.set(id, env.now);
  }
  return capUpdateManagers(out);
}

function stripFields(managed: Managed, id: string): void {
  const vs = managed.fields.get(id);
  if (!vs) return;
  const set = vs.set.difference(strippedFields);
  if (set.isEmpty()) managed.fields.delete(id);
  else if (set !== vs.set) managed.fields.set(id, { ...vs, set });
}

/** The object as the typed machinery sees it: no managedFields, no null fields. */
function prepare(obj: KubeObject, env: Env): unknown {
  return dropNulls(withManagedFields(obj, undefined), env.type);
}

function decodeOrEmpty(entries: ManagedFieldsEntry[] | undefined): Managed {
  try {
    return decodeManagedFields(entries);
  } catch {
    return emptyManaged();
  }
}

function withManagedFields(obj: KubeObject, entries: ManagedFieldsEntry[] | undefined): KubeObject {
  const metadata = { ...(obj.metadata ?? {}) };
  if (entries) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return { ...obj, metadata };
}

/** schema.GroupVersionKind's String(): `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`. */
function gvkString(apiVersion: string | undefined, kind: string | undefined): string {
  let group = '';
  let version = '';
  const av = apiVersion ?? '';
  const parts = av.split('/');
  if (parts.length === 1) version = av;
  else if (parts.length === 2) [group, version] = parts;
  return `${group}/${version}, Kind=${kind ?? ''}`;
}

// What the PATCH handler checks once the patch is applied: a created object carries no uid
// or system timestamps of its own, sits in the URL's namespace and has the URL's name.
function checkAgainstRequest(object: KubeObject, created: boolean, ctx: ResolvedApplyContext): KubeObject {
  let metadata = object.metadata;
  if (created) {
    if (metadata.uid) {
      const { group } = splitApiVersion(ctx.apiVersion);
      const resource = ctx.resource ?? { group, resource: ctx.kind.toLowerCase() + 's' };
      throw conflict(resource, ctx.name ?? metadata.name ?? '', `uid mismatch: the provided object specified uid ${metadata.uid}, and no existing object was found`);
    }
    const { creationTimestamp: _c, uid: _u, deletionTimestamp: _d, deletionGracePeriodSeconds: _g, selfLink: _s, ...rest } = metadata;
    metadata = rest;
  }
  if (ctx.namespace !== undefined) {
    const requestNamespace = ctx.namespace;
    const objectNamespace = metadata.namespace ?? '';
    if (objectNamespace !== requestNamespace) {
      if (objectNamespace === '') metadata = { ...metadata, namespace: requestNamespace };
      else if (requestNamespace === '') {
        const { namespace: _n, ...rest } = metadata;
        metadata = rest;
      } else throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }
  if (ctx.name !== undefined) {
    const name = metadata.name ?? '';
    if (name !== ctx.name) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${ctx.name})`);
  }
  return metadata === object.metadata ? object : { ...object, metadata };
}

/**
 * The reset fields Kubernetes gives most kinds: a kind with a status subresource keeps status
 * out of main-resource writes, and its status subresource keeps spec out.
 */
export function defaultResetFields(hasStatusSubresource: boolean, subresource?: string): string[][] {
  if (subresource === 'status') return [['spec']];
  if (!subresource && hasStatusSubresource) return [['status']];
  return [];
}

