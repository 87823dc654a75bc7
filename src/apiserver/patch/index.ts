// The three PATCH formats of the Kubernetes API (JSON patch, JSON merge patch, strategic merge
// patch) as pure functions over plain JSON: the registry hands in the stored object and the
// decoded request body, and gets back a new object or a StatusError in the exact form a
// Kubernetes 1.32 API server answers with. Server-side apply (application/apply-patch+yaml)
// is recognised here but applied elsewhere. The server never needs to compute a patch:
// `kubectl apply` and `kubectl edit` build theirs client-side.

import type { StructuralSchema } from '../../api/schema/structural.js';
import { field, internalError, invalid, isStatusError, type StatusError } from '../../machinery/errors.js';
import {
  checkMergePatchBody,
  checkNesting,
  decodeJsonPatch,
  decodeStrategicPatch,
  type FieldValidation,
  type PatchType,
} from './decode.js';
import { GoPanic } from './go-equality.js';
import { formatGo, marshalGoJson } from './go-format.js';
import { applyJsonPatch, JsonPatchFailure } from './json-patch.js';
import { cloneJson, isJsonObject, type JsonValue } from './json-value.js';
import { applyMergePatch } from './merge-patch.js';
import { patchBadRequest, patchPanic, patchUnprocessable } from './patch-errors.js';
import { MergeError } from './strategic-errors.js';
import { strategicMergePatch } from './strategic-merge.js';

export type { FieldValidation, PatchType } from './decode.js';
export { checkBodySize, MAX_REQUEST_BODY_BYTES } from './decode.js';
export {
  PatchContentType,
  patchTypeFromContentType,
  supportedPatchContentTypes,
  unsupportedPatchContentType,
} from './content-type.js';
export { MAX_JSON_PATCH_COPY_BYTES, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export { MAX_NESTING_DEPTH } from './json-value.js';
export { GENERIC_UNPROCESSABLE_MESSAGE } from './patch-errors.js';

export interface PatchOptions {
  /** The request's fieldValidation parameter; the server treats an absent one as Warn. */
  fieldValidation?: FieldValidation;
}

export interface PatchOutcome {
  /** The patched object; a new value, sharing nothing with the arguments. */
  object: unknown;
  /**
   * Strict-decoding complaints about the patch document itself, worded as Kubernetes words
   * them (JSON patch operations with unknown fields: `json patch unknown field "[0].foo"`).
   * With fieldValidation=Warn they become warnings; with Strict, a 422 (patchedObjectInvalid)
   * together with the unknown fields of the patched object.
   */
  strictErrors: string[];
  /**
   * The bad value Kubernetes quotes when the patched object then fails to decode: the patched
   * JSON for JSON and merge patches, the (consumed) patch map for strategic merge patch.
   * Call it before changing `object`.
   */
  invalidValue(): string;
}

/**
 * Applies a patch document (already parsed JSON) to the current object and returns a new
 * object. Never changes `current` or `patch`; throws StatusError in Kubernetes' form.
 * `schema` is the kind's structural schema; strategic merge patch takes merge keys and
 * strategies from it.
 */
export function applyPatch(
  type: PatchType,
  current: unknown,
  patch: unknown,
  schema: StructuralSchema | undefined,
  options: PatchOptions = {},
): unknown {
  return applyPatchDetailed(type, current, patch, schema, options).object;
}

/** applyPatch, with what the caller needs for fieldValidation and decode errors. */
export function applyPatchDetailed(
  type: PatchType,
  current: unknown,
  patch: unknown,
  schema: StructuralSchema | undefined,
  options: PatchOptions = {},
): PatchOutcome {
  const validation = options.fieldValidation ?? 'Warn';
  try {
    checkNesting(type, patch as JsonValue, validation);
    switch (type) {
      case 'json': {
        const { operations, strictErrors } = decodeJsonPatch(cloneJson(patch), validation);
        const object = applyJsonPatch(cloneJson(current), operations);
        return { object, strictErrors, invalidValue: () => marshalGoJson(object) };
      }
      case 'merge': {
        checkMergePatchBody(patch as JsonValue, validation);
        const object = applyMergePatch(cloneJson(current), cloneJson(patch));
        return { object, strictErrors: [], invalidValue: () => marshalGoJson(object) };
      }
      case 'strategic': {
        const patchMap = decodeStrategicPatch(cloneJson(patch));
        const original = cloneJson(current);
        if (!isJsonObject(original)) throw internalError('the object to patch is not a JSON object');
        const object = strategicMergePatch(original, patchMap, schema);
        return { object, strictErrors: [], invalidValue: () => formatGo(patchMap ?? {}) };
      }
      default:
        throw internalError(`${String(type)}: unimplemented patch type`);
    }
  } catch (e) {
    throw toStatusError(e);
  }
}

/**
 * The 422 Kubernetes answers when the patched object does not decode into its type (a string
 * where a list belongs, or, with fieldValidation=Strict, unknown fields): `detail` is the
 * decoder's message, e.g. `strict decoding error: unknown field "spec.foo"`.
 */
export function patchedObjectInvalid(outcome: PatchOutcome, detail: string): StatusError {
  return invalid('', '', '', [field.invalid('patch', outcome.invalidValue(), detail)]);
}

function toStatusError(e: unknown): StatusError {
  if (isStatusError(e)) return e;
  if (e instanceof MergeError) return e.toStatusError();
  if (e instanceof JsonPatchFailure) return patchUnprocessable(e.message);
  if (e instanceof GoPanic) return patchPanic(e.message);
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    // Strategic merge patch recurses where both the object and the patch nest; only thousands
    // of levels of both (no real object has them) exhaust the stack.
    return patchBadRequest('the patch is nested too deeply to apply');
  }
  return internalError(e instanceof Error ? e.message : String(e));
}
