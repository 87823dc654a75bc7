// JSON merge patch (RFC 7386, application/merge-patch+json) as the API server applies it,
// through evanphx/json-patch v4's MergePatch. Its edges differ from the RFC in ways a client can
// see: a top-level array replaces the whole document, nulls are pruned from values being added
// but kept inside arrays, and a non-object value replacing an object is taken as is.

import { deleteKey, getKey, isJsonObject, setKey, type JsonObject, type JsonValue } from './json-value.js';
import { patchBadRequest } from './patch-errors.js';

/**
 * Merges `patch` into `doc` and returns the result. Both arguments must be private copies:
 * they are changed in place and may share structure with the result.
 */
export function applyMergePatch(doc: JsonValue, patch: JsonValue): JsonValue {
  if (patch === null || (!isJsonObject(patch) && !Array.isArray(patch))) {
    throw patchBadRequest('Invalid JSON Patch');
  }
  if (Array.isArray(patch)) {
    pruneNulls(patch);
    return patch;
  }
  if (!isJsonObject(doc)) {
    pruneNulls(patch);
    return patch;
  }
  mergeObjects(doc, patch);
  return doc;
}

function mergeObjects(doc: JsonObject, patch: JsonObject): void {
  const work: Array<[JsonObject, JsonObject]> = [[doc, patch]];
  while (work.length > 0) {
    const [target, changes] = work.pop()!;
    for (const key of Object.keys(changes)) {
      const change = changes[key];
      if (change === null) {
        deleteKey(target, key);
        continue;
      }
      const current = getKey(target, key);
      if (current === undefined || current === null || !isJsonObject(current)) {
        pruneNulls(change);
        setKey(target, key, change);
      } else if (!isJsonObject(change)) {
        // evanphx takes a non-object patch value over an object without pruning its nulls.
        setKey(target, key, change);
      } else {
        work.push([current, change]);
      }
    }
  }
}

/** Removes null members of objects, at any depth; nulls inside arrays stay. */
export function pruneNulls(value: JsonValue): void {
  const work: JsonValue[] = [value];
  while (work.length > 0) {
    const node = work.pop()!;
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') work.push(item);
    } else if (isJsonObject(node)) {
      for (const key of Object.keys(node)) {
        const item = node[key];
        if (item === null) delete node[key];
        else if (typeof item === 'object') work.push(item);
      }
    }
  }
}
