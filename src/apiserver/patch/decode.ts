// The checks Kubernetes makes while decoding a PATCH body, before any patch logic runs. The
// server decodes the raw bytes with Go's encoding/json (strictly, into typed targets, unless
// the request says fieldValidation=Ignore); kubelite receives the body already parsed, so it
// asks the same questions of the parsed value and answers with the same messages: a JSON patch
// must be an array of operations, the other two an object, nothing may nest deeper than Go
// allows, and a JSON patch may name at most 10000 operations.

import { jsonKindName } from './go-format.js';
import { firstContainerBeyondDepth, isJsonObject, type JsonObject, type JsonValue } from './json-value.js';
import { MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
import { patchBadRequest, patchTooLarge } from './patch-errors.js';

export type PatchType = 'json' | 'merge' | 'strategic';

/** metav1.PatchOptions.fieldValidation; the server's default is Warn. */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/**
 * genericapiserver's MaxRequestBodyBytes default: the PATCH handler reads at most this much of
 * the body (limitedReadBody) before it decodes anything.
 */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** The 413 for a body longer than MAX_REQUEST_BODY_BYTES, for whoever reads the body. */
export function checkBodySize(byteLength: number, limit = MAX_REQUEST_BODY_BYTES): void {
  if (byteLength > limit) throw patchTooLarge(`limit is ${limit}`);
}

/** Only the JSON patch decoder knows fields (op, path, from, value); others decode into maps. */
const JSON_PATCH_OP_FIELDS = new Set(['op', 'path', 'from', 'value']);
const JSON_PATCH_STRING_FIELDS = new Set(['op', 'path', 'from']);
const MAX_STRICT_ERRORS = 100;

export interface DecodedJsonPatch {
  operations: (JsonObject | null)[];
  /** Strict decoding complaints, worded as the server words them: `json patch unknown field "[0].foo"`. */
  strictErrors: string[];
}

/** Rejects a patch document nested deeper than Go's decoder accepts. */
export function checkNesting(type: PatchType, patch: JsonValue, validation: FieldValidation): void {
  const bracket = firstContainerBeyondDepth(patch);
  if (!bracket) return;
  const syntaxError = `invalid character '${bracket}' exceeded max depth`;
  const strict = validation !== 'Ignore';
  if (type === 'strategic') throw patchBadRequest(syntaxError);
  if (strict) throw patchBadRequest(`error decoding patch: ${syntaxError}`);
  throw patchBadRequest(type === 'json' ? syntaxError : 'Invalid JSON Patch');
}

/**
 * A JSON patch body: the strict decode into []jsonPatchOp (unless Ignore), then evanphx's
 * DecodePatch, then the operation count limit.
 */
export function decodeJsonPatch(patch: JsonValue, validation: FieldValidation): DecodedJsonPatch {
  const strictErrors: string[] = [];
  if (validation !== 'Ignore') {
    const typeError = strictJsonPatchTypeError(patch, strictErrors);
    if (typeError) throw patchBadRequest(`error decoding patch: ${typeError}`);
  }
  if (patch === null) return { operations: [], strictErrors };
  if (!Array.isArray(patch)) {
    throw patchBadRequest(`json: cannot unmarshal ${jsonKindName(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (op !== null && !isJsonObject(op)) {
      throw patchBadRequest(`json: cannot unmarshal ${jsonKindName(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw patchTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  return { operations: patch as (JsonObject | null)[], strictErrors };
}

/**
 * kjson.UnmarshalStrict into []handlers.jsonPatchOp: the first type error (Go keeps decoding
 * and reports the first), collecting unknown-field complaints on the way.
 */
function strictJsonPatchTypeError(patch: JsonValue, strictErrors: string[]): string | undefined {
  if (patch === null) return undefined;
  if (!Array.isArray(patch)) {
    return `json: cannot unmarshal ${jsonKindName(patch)} into Go value of type []handlers.jsonPatchOp`;
  }
  let firstError: string | undefined;
  const seen = new Set<string>();
  patch.forEach((op, i) => {
    if (op === null) return;
    if (!isJsonObject(op)) {
      firstError ??= `json: cannot unmarshal ${jsonKindName(op)} into Go value of type handlers.jsonPatchOp`;
      return;
    }
    for (const key of Object.keys(op)) {
      if (!JSON_PATCH_OP_FIELDS.has(key)) {
        const complaint = `json patch unknown field "[${i}].${key}"`;
        if (!seen.has(complaint) && strictErrors.length < MAX_STRICT_ERRORS) {
          seen.add(complaint);
          strictErrors.push(complaint);
        }
        continue;
      }
      const value = op[key];
      if (JSON_PATCH_STRING_FIELDS.has(key) && value !== null && typeof value !== 'string') {
        firstError ??= `json: cannot unmarshal ${jsonKindName(value)} into Go struct field jsonPatchOp.${key} of type string`;
      }
    }
  });
  return firstError;
}

/** A merge patch body must decode into map[string]interface{} (checked unless Ignore). */
export function checkMergePatchBody(patch: JsonValue, validation: FieldValidation): void {
  if (validation === 'Ignore' || patch === null || isJsonObject(patch)) return;
  throw patchBadRequest(
    `error decoding patch: json: cannot unmarshal ${jsonKindName(patch)} into Go value of type map[string]interface {}`,
  );
}

/** A strategic merge patch body must decode into map[string]interface{}; null is an empty patch. */
export function decodeStrategicPatch(patch: JsonValue): JsonObject | null {
  if (patch === null || isJsonObject(patch)) return patch;
  throw patchBadRequest(`json: cannot unmarshal ${jsonKindName(patch)} into Go value of type map[string]interface {}`);
}
