// PATCH, as one operation over the store: read the current object, apply a JSON, merge or
// strategic merge patch (or server-side apply), check the result, and write it with the read
// revision as precondition — retrying on conflicts, as Kubernetes' patcher does. Used by the
// HTTP handler and by the in-process client alike.

import { deepCopy, type KubeObject } from '../../api/object.js';
import type { ResourceType } from '../../api/scheme.js';
import { StatusError, Reason, badRequest, conflict } from '../../machinery/errors.js';
import type { FieldValidation } from '../query.js';
import { checkTypeMeta } from '../typemeta.js';
import type { ResourceStore, WriteContext } from './store.js';

export type PatchKind = 'json' | 'merge' | 'strategic' | 'apply';

/** What a patch needs beyond the store: the patch engines and field checks. */
export interface PatchEngines {
  /** Unknown/duplicate-field and type checks: throws in Strict mode (and on type errors), returns warnings in Warn mode. */
  checkFields(r: ResourceType, version: string, obj: KubeObject, mode: FieldValidation, how: { request: 'body' | 'patch'; raw?: string | Buffer }): string[];
  applyPatch(type: 'json' | 'merge' | 'strategic', r: ResourceType, version: string, current: KubeObject, patch: unknown, mode: FieldValidation): PatchResult;
  serverSideApply(r: ResourceType, version: string, live: KubeObject | undefined, applied: unknown, opts: { manager: string; force: boolean; namespace: string; name: string }): KubeObject;
}

/** A patched object, with the patch's own strict-decoding complaints and its 422 form. */
export interface PatchResult {
  object: KubeObject;
  strictErrors: string[];
  /** The 422 `patch: Invalid value: ...` Kubernetes answers when the result does not decode. */
  invalid(detail: string): StatusError;
}

export function patchTypeOf(contentType: string | undefined): PatchKind {
  const t = (contentType ?? '').split(';')[0].trim().toLowerCase();
  switch (t) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
      return 'apply';
    default:
      throw new StatusError(
        415,
        Reason.UnsupportedMediaType,
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      );
  }
}

export interface PatchRequest {
  namespace: string;
  name: string;
  /** The API version the patch is written against. */
  version: string;
  type: PatchKind;
  patch: unknown;
  force?: boolean;
  fieldValidation?: FieldValidation;
  subresource?: string;
  ctx: WriteContext;
  /** The patch as sent, for duplicate-field detection of apply configurations. */
  rawPatch?: string;
}

const maxPatchRetries = 5;

/** Whether the patch document itself names metadata.resourceVersion. */
function patchSetsResourceVersion(type: PatchKind, patch: unknown): boolean {
  if (type === 'json') {
    return Array.isArray(patch) && patch.some((op) => typeof op?.path === 'string' && op.path.startsWith('/metadata/resourceVersion'));
  }
  const meta = (patch as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  return meta !== null && typeof meta === 'object' && meta.resourceVersion !== undefined && meta.resourceVersion !== null;
}

export async function patchResource(
  engines: PatchEngines,
  store: ResourceStore,
  p: PatchRequest,
): Promise<{ object: KubeObject; created: boolean; warnings: string[] }> {
  const r = store.resource;
  const { namespace, name, version, type } = p;
  const subresource = p.subresource ?? '';
  const mode = p.fieldValidation ?? 'Warn';
  if (type === 'strategic' && r.custom) {
    throw new StatusError(415, Reason.UnsupportedMediaType, 'strategic merge patch format is not supported');
  }
  const manager = p.ctx.fieldManager;
  for (let attempt = 0; ; attempt++) {
    let stored;
    try {
      stored = await store.getStored(namespace, name);
    } catch (e) {
      // Server-side apply creates what does not exist yet.
      if (type === 'apply' && !subresource && e instanceof StatusError && e.code === 404) {
        const applied = engines.serverSideApply(r, version, undefined, p.patch, { manager, force: p.force ?? false, namespace, name });
        const obj = checkTypeMeta(applied, r, version);
        if (obj.metadata.name !== name) {
          throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
        }
        const warnings = engines.checkFields(r, version, obj, mode, { request: 'patch' });
        const created = await store.create(namespace, store.in(deepCopy(obj), version), { ...p.ctx, managedFieldsApplied: true });
        return { object: store.out(created, version), created: true, warnings };
      }
      throw e;
    }
    const current = store.out(stored.value, version);
    let obj: KubeObject;
    let warnings: string[];
    if (type === 'apply') {
      obj = checkTypeMeta(engines.serverSideApply(r, version, current, p.patch, { manager, force: p.force ?? false, namespace, name }), r, version);
      warnings = engines.checkFields(r, version, obj, mode, { request: 'patch', raw: p.rawPatch });
    } else {
      const outcome = engines.applyPatch(type, r, version, current, p.patch, mode);
      obj = checkTypeMeta(outcome.object, r, version);
      try {
        warnings = engines.checkFields(r, version, obj, mode, { request: 'patch' });
      } catch (e) {
        // The patched object does not decode: Kubernetes answers 422 on the patch.
        if (e instanceof StatusError && e.code === 400) throw outcome.invalid(e.message);
        throw e;
      }
      if (outcome.strictErrors.length) {
        if (mode === 'Strict') throw outcome.invalid(`strict decoding error: ${outcome.strictErrors.join(', ')}`);
        if (mode === 'Warn') warnings.push(...outcome.strictErrors);
      }
    }
    // A resourceVersion the patch sets explicitly is a precondition; without one, a conflict
    // with a concurrent writer is retried against the new state.
    const patchedRv = patchSetsResourceVersion(type, p.patch) ? obj.metadata.resourceVersion : undefined;
    if (patchedRv && patchedRv !== stored.value.metadata.resourceVersion) {
      throw conflict(store.qr, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    try {
      // The result may share parts with the stored (shared, frozen) object: the store changes its own copy.
      const result = await store.updateStored(stored, store.in(deepCopy(obj), version), type === 'apply' ? { ...p.ctx, managedFieldsApplied: true } : p.ctx, subresource);
      return { object: store.out(result, version), created: false, warnings };
    } catch (e) {
      if (e instanceof StatusError && e.reason === Reason.Conflict && !patchedRv && attempt < maxPatchRetries) continue;
      throw e;
    }
  }
}
