// Strategic merge patch (application/strategic-merge-patch+json) as the API server applies it:
// k8s.io/apimachinery's StrategicMergeMapPatch in server mode (parallel lists merged, nulls
// that match nothing ignored). Maps merge key by key; a null deletes; the directives are
// `$patch` (replace or delete a map, or list items), `$retainKeys` (drop the keys a map no
// longer lists), `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`. Lists go
// to strategic-lists.ts. The functions work in place on private copies, as the Go code does,
// and leave the patch changed the way Go leaves it: the server quotes that changed patch when
// the result fails to decode.

import type { StructuralSchema } from '../../api/schema/structural.js';
import { formatGo, goTypeOf } from './go-format.js';
import { hashKey } from './go-equality.js';
import { deleteKey, getKey, hasKey, isJsonObject, setKey, type JsonObject, type JsonValue } from './json-value.js';
import { lookupListField, lookupObjectField } from './patch-meta.js';
import {
  errBadArgType,
  errBadPatchFormatForPrimitiveList,
  errBadPatchFormatForRetainKeys,
  errBadPatchFormatForSetElementOrderList,
  errBadPatchType,
  MergeError,
} from './strategic-errors.js';
import {
  checkPatchAgainstOrder,
  DIRECTIVE,
  elementKind,
  mergeListField,
  mergeListFieldTracked,
  normalizeElementOrder,
  partitionMaps,
  partitionScalars,
} from './strategic-lists.js';

const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

type Schema = StructuralSchema | undefined;

/**
 * Applies `patch` to `original` and returns the result. Both must be private copies: they are
 * changed in place, and the result shares structure with both.
 */
export function strategicMergePatch(original: JsonObject, patch: JsonObject | null, schema: Schema): JsonObject {
  return patch === null ? original : mergeMap(original, patch, schema);
}

function mergeMap(original: JsonObject | null, patch: JsonObject, schema: Schema): JsonObject {
  if (hasKey(patch, DIRECTIVE)) return applyMapDirective(patch[DIRECTIVE], patch);
  const target = original ?? {};
  applyRetainKeys(target, patch);
  mergeOrderedLists(target, patch, schema);

  for (const key of Object.keys(patch)) {
    const change = patch[key];
    let field = key;
    let isDeleteList = false;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const listField = directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
      if (listField !== '') field = listField;
    }
    if (change === null) {
      deleteKey(target, field);
      continue;
    }
    const current = getKey(target, field);
    if (current === undefined || goTypeOf(current) !== goTypeOf(change)) {
      if (!isDeleteList) adoptPatchValue(target, field, change);
      continue;
    }
    if (isJsonObject(current)) {
      const { meta, schema: fieldSchema } = lookupObjectField(schema, field);
      const strategy = strategyBesidesRetainKeys(meta.strategies);
      setKey(target, field, strategy === 'replace' ? change : mergeMap(current, change as JsonObject, fieldSchema));
    } else if (Array.isArray(current)) {
      const { meta, schema: items } = lookupListField(schema, field);
      const strategy = strategyBesidesRetainKeys(meta.strategies);
      setKey(target, field, mergeListField(current, change as JsonValue[], items, strategy, meta.mergeKey, isDeleteList, mergeMap));
    } else {
      setKey(target, field, change);
    }
  }
  return target;
}

/** `$patch` on a map: `replace` takes the patch's map as is, `delete` empties it. */
function applyMapDirective(directive: JsonValue, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    deleteKey(patch, DIRECTIVE);
    return patch;
  }
  if (directive === 'delete') return {};
  throw errBadPatchType(directive, patch);
}

/** A value the original lacks (or holds with another type) is taken from the patch, cleaned. */
function adoptPatchValue(target: JsonObject, field: string, value: JsonValue): void {
  discardNulls(value);
  const [cleaned, keep] = removeDirectives(value);
  if (keep) setKey(target, field, cleaned);
  else deleteKey(target, field);
}

/** extractRetainKeysPatchStrategy: the strategy other than retainKeys, which only the directive acts on. */
function strategyBesidesRetainKeys(strategies: string[]): string {
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === 'retainKeys' ? '' : strategies[0];
  if (strategies.length === 2) {
    if (strategies[0] === 'retainKeys') return strategies[1];
    if (strategies[1] === 'retainKeys') return strategies[0];
  }
  throw new MergeError(`unexpected patch strategy: ${formatGo(strategies)}`);
}

/** The list field a `$prefix/<field>` directive names. */
function directiveTarget(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM_PRIMITIVE_LIST ? errBadPatchFormatForPrimitiveList() : errBadPatchFormatForSetElementOrderList();
  }
  return key.slice(slash + 1);
}

/**
 * `$retainKeys`: the original keeps only the listed keys, and the patch may only set listed
 * keys (nulls and other directives aside).
 */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasKey(patch, RETAIN_KEYS)) return;
  const retained = patch[RETAIN_KEYS];
  deleteKey(patch, RETAIN_KEYS);
  if (!Array.isArray(retained)) throw errBadPatchFormatForRetainKeys();
  const keep = new Set(retained.map(hashKey));
  for (const key of Object.keys(patch)) {
    if (patch[key] === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(hashKey(key))) throw errBadPatchFormatForRetainKeys();
  }
  for (const key of Object.keys(original)) {
    if (!keep.has(hashKey(key))) deleteKey(original, key);
  }
}

/**
 * mergePatchIntoOriginal: each `$setElementOrder/<list>` merges its list now and fixes the
 * result's order: the directive's order first, then the patch's, then the server's.
 */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, schema: Schema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER) || !hasKey(patch, key)) continue;
    const order = patch[key];
    deleteKey(patch, key);
    if (!Array.isArray(order)) throw errBadArgType('slice', order);
    const field = directiveTarget(key, SET_ELEMENT_ORDER);

    const originalList = getKey(original, field);
    const patchList = getKey(patch, field);
    if (originalList !== undefined && !Array.isArray(originalList)) throw errBadArgType('slice', originalList);
    if (patchList !== undefined && !Array.isArray(patchList)) throw errBadArgType('slice', patchList);
    const { meta, schema: items } = lookupListField(schema, field);
    const strategy = strategyBesidesRetainKeys(meta.strategies);
    checkPatchAgainstOrder(patchList ?? [], order, meta.mergeKey);

    let merged: JsonValue[];
    let serverOrder = originalList ?? [];
    if (originalList !== undefined && patchList !== undefined) {
      ({ merged, originalAfter: serverOrder } = mergeListFieldTracked(
        originalList,
        patchList,
        items,
        strategy,
        meta.mergeKey,
        false,
        mergeMap,
      ));
    } else if (originalList !== undefined) {
      merged = originalList;
    } else if (patchList !== undefined) {
      merged = removeDirectives(patchList)[0] as JsonValue[];
    } else {
      continue;
    }

    const [patchItems, serverOnly] =
      meta.mergeKey === '' ? partitionScalars(merged, order) : partitionMaps(merged, order, meta.mergeKey);
    const kind = elementKind([serverOrder, patchList ?? []]);
    setKey(original, field, normalizeElementOrder(patchItems, serverOnly, order, serverOrder, meta.mergeKey, kind));
    deleteKey(patch, field);
  }
}

/** Deletes null members of maps, at any depth, in place; nulls inside lists stay. */
function discardNulls(value: JsonValue): void {
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

const carriesDirective = (v: JsonValue): boolean => isJsonObject(v) && hasKey(v, DIRECTIVE);

/**
 * Strips `$patch` maps at any depth: a map carrying one is dropped (and so is the field or list
 * item holding it). Maps change in place; lists are rebuilt, as in Go. The flag says whether
 * the value itself survives.
 */
function removeDirectives(value: JsonValue): [JsonValue, boolean] {
  if (carriesDirective(value)) return [null, false];
  const root = Array.isArray(value) ? value.filter((item) => !carriesDirective(item)) : value;
  const work: JsonValue[] = [root];
  while (work.length > 0) {
    const node = work.pop()!;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (Array.isArray(item)) node[i] = item.filter((child) => !carriesDirective(child));
        if (node[i] !== null && typeof node[i] === 'object') work.push(node[i]);
      }
    } else if (isJsonObject(node)) {
      for (const key of Object.keys(node)) {
        const item = node[key];
        if (carriesDirective(item)) {
          delete node[key];
        } else if (Array.isArray(item)) {
          const rebuilt = item.filter((child) => !carriesDirective(child));
          setKey(node, key, rebuilt);
          work.push(rebuilt);
        } else if (isJsonObject(item)) {
          work.push(item);
        }
      }
    }
  }
  return [root, true];
}
