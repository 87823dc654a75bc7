// What strategic merge patch needs to know about a field: its patch strategy and merge key,
// and the schema of what lies below it. Kubernetes reads these from Go struct tags
// (`patchStrategy:"merge" patchMergeKey:"name"`); kubelite reads the same facts from the
// kind's StructuralSchema, where they sit on the field's node as x-kubernetes-patch-strategy
// and x-kubernetes-patch-merge-key. A field the schema does not describe has no strategy, so
// it merges like a JSON merge patch (maps merge, lists are replaced).

import type { StructuralSchema } from '../../api/schema/structural.js';

export interface PatchMeta {
  /** The comma-separated x-kubernetes-patch-strategy, split; empty when there is none. */
  strategies: string[];
  /** x-kubernetes-patch-merge-key; empty when there is none. */
  mergeKey: string;
}

export interface FieldPatchInfo {
  meta: PatchMeta;
  /** The schema to merge the field's value with (for a list: its items); undefined when unknown. */
  schema: StructuralSchema | undefined;
}

const NO_META: PatchMeta = { strategies: [], mergeKey: '' };

/**
 * Follows allOf wrappers (OpenAPI v3 puts `$ref` beside a description or extension inside an
 * allOf) down to the node that carries the structure.
 */
function structureOf(schema: StructuralSchema | undefined): StructuralSchema | undefined {
  let node = schema;
  for (let hops = 0; node && hops < 32; hops++) {
    if (node.properties || node.items || node.additionalProperties !== undefined || !node.allOf?.length) return node;
    node = node.allOf[0];
  }
  return node;
}

/** Reads an extension from the node, or from the allOf chain beneath it. */
function extensionOf<K extends 'x-kubernetes-patch-strategy' | 'x-kubernetes-patch-merge-key'>(
  schema: StructuralSchema,
  name: K,
): StructuralSchema[K] {
  let node: StructuralSchema | undefined = schema;
  for (let hops = 0; node && hops < 32; hops++) {
    if (node[name] !== undefined) return node[name];
    node = node.allOf?.[0];
  }
  return undefined;
}

function metaOf(field: StructuralSchema): PatchMeta {
  const strategy = extensionOf(field, 'x-kubernetes-patch-strategy');
  const mergeKey = extensionOf(field, 'x-kubernetes-patch-merge-key');
  return {
    strategies: typeof strategy === 'string' ? strategy.split(',') : [],
    mergeKey: typeof mergeKey === 'string' ? mergeKey : '',
  };
}

/**
 * The schema node of field `key` in an object schema. Go matches JSON names to struct fields
 * exactly first and case-insensitively second; so does this. Keys of a map (an object with
 * additionalProperties) all share the value schema, with no patch metadata of their own.
 */
function fieldNode(parent: StructuralSchema | undefined, key: string): { node: StructuralSchema; isMapValue: boolean } | undefined {
  const structure = structureOf(parent);
  if (!structure) return undefined;
  const properties = structure.properties;
  if (properties) {
    if (Object.prototype.hasOwnProperty.call(properties, key)) return { node: properties[key], isMapValue: false };
    const folded = key.toLowerCase();
    for (const name of Object.keys(properties)) {
      if (name.toLowerCase() === folded) return { node: properties[name], isMapValue: false };
    }
  }
  const values = structure.additionalProperties;
  if (typeof values === 'object') return { node: values, isMapValue: true };
  return undefined;
}

/** Patch metadata of an object-valued field, and the schema of that object. */
export function lookupObjectField(parent: StructuralSchema | undefined, key: string): FieldPatchInfo {
  const found = fieldNode(parent, key);
  if (!found) return { meta: NO_META, schema: undefined };
  return { meta: found.isMapValue ? NO_META : metaOf(found.node), schema: found.node };
}

/** Patch metadata of a list-valued field, and the schema of its items. */
export function lookupListField(parent: StructuralSchema | undefined, key: string): FieldPatchInfo {
  const found = fieldNode(parent, key);
  if (!found) return { meta: NO_META, schema: undefined };
  return {
    meta: found.isMapValue ? NO_META : metaOf(found.node),
    schema: structureOf(found.node)?.items,
  };
}

/**
 * The Go kind name of a list's element type, which Kubernetes puts in "cannot merge lists
 * without merge key for %s": "struct" for objects with fields, "map" for maps.
 */
export function elementKindName(items: StructuralSchema | undefined): string {
  const structure = structureOf(items);
  if (!structure) return 'struct';
  if (!structure.properties && typeof structure.additionalProperties === 'object') return 'map';
  switch (structure.type) {
    case 'string':
      return 'string';
    case 'integer':
      return structure.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return 'slice';
    default:
      return 'struct';
  }
}
