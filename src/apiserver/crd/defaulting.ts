// What the API server does to a custom object while decoding it, before any strategy sees it
// (and again when reading it back from storage): prune fields the structural schema does not
// declare, drop nulls the schema does not allow and cannot default, reduce embedded ObjectMeta
// to its known fields, then apply the schema's defaults top-down.

import type { StructuralSchema } from '../../api/schema/structural.js';
import { deepCopy } from '../../api/object.js';
import { isObject, type JsonObject } from '../../api/validation/shape.js';
import { prune } from '../fieldvalidation.js';

/** Removes undeclared fields in place; returns their paths. */
export function pruneValue(value: unknown, schema: StructuralSchema, isResourceRoot: boolean): string[] {
  return prune(schema, value, { isResourceRoot });
}

function propertySchema(s: StructuralSchema | undefined, key: string): StructuralSchema | undefined {
  if (!s) return undefined;
  const prop = s.properties?.[key];
  if (prop) return prop;
  return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
}

const hasDefault = (s: StructuralSchema | undefined) => s?.default !== undefined && s.default !== null;

/** PruneNonNullableNullsWithoutDefaults: null where the schema allows none and has no default goes. */
export function dropNonNullableNulls(value: unknown, s: StructuralSchema | undefined): void {
  if (Array.isArray(value)) {
    for (const item of value) dropNonNullableNulls(item, s?.items);
    return;
  }
  if (!isObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const ps = propertySchema(s, k);
    if (v === null && ps && !ps.nullable && !hasDefault(ps)) delete value[k];
    else dropNonNullableNulls(v, ps);
  }
}

const nonNullableNull = (v: unknown, s: StructuralSchema | undefined) => v === null && !!s && !s.nullable;

/** structuraldefaulting.Default: absent (or disallowed null) fields take their schema default. */
export function applyDefaults(value: unknown, s: StructuralSchema | undefined): void {
  if (!s) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (nonNullableNull(value[i], s.items) && hasDefault(s.items)) value[i] = deepCopy(s.items!.default);
      applyDefaults(value[i], s.items);
    }
    return;
  }
  if (!isObject(value)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (!hasDefault(prop)) continue;
    if (!(k in value) || nonNullableNull(value[k], prop)) value[k] = deepCopy(prop.default);
  }
  for (const k of Object.keys(value)) {
    const prop = s.properties?.[k];
    if (prop) applyDefaults(value[k], prop);
    else if (typeof s.additionalProperties === 'object') {
      const ap = s.additionalProperties;
      if (nonNullableNull(value[k], ap) && hasDefault(ap)) value[k] = deepCopy(ap.default);
      applyDefaults(value[k], ap);
    }
  }
}

const objectMetaFields = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** ObjectMeta after Go's typed round trip: unknown keys dropped, a zero creationTimestamp omitted. */
function coerceObjectMeta(meta: JsonObject, embedded: boolean): void {
  for (const k of Object.keys(meta)) if (!objectMetaFields.has(k)) delete meta[k];
  if (embedded && (meta.creationTimestamp === null || meta.creationTimestamp === undefined)) delete meta.creationTimestamp;
}

/** schemaobjectmeta.Coerce: the metadata of the root and of every embedded resource. */
export function coerceMetadata(value: unknown, s: StructuralSchema | undefined, isResourceRoot: boolean): void {
  if (Array.isArray(value)) {
    for (const item of value) coerceMetadata(item, s?.items, false);
    return;
  }
  if (!isObject(value)) return;
  if ((isResourceRoot || s?.['x-kubernetes-embedded-resource']) && isObject(value.metadata)) {
    coerceObjectMeta(value.metadata, !isResourceRoot);
  }
  if (!s) return;
  for (const [k, v] of Object.entries(value)) {
    if (isResourceRoot && k === 'metadata') continue;
    const ps = propertySchema(s, k);
    if (ps) coerceMetadata(v, ps, false);
  }
}

/**
 * The whole decoding step on a custom object, in place: prune (unless the schema preserves
 * unknown fields at the root), drop disallowed nulls, coerce metadata, apply defaults.
 */
export function normalizeCustomObject(obj: JsonObject, s: StructuralSchema | undefined): void {
  if (!s) return;
  pruneValue(obj, s, true);
  dropNonNullableNulls(obj, s);
  coerceMetadata(obj, s, true);
  applyDefaults(obj, s);
}
