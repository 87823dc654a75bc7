// The schema as server-side apply reads it: which values are scalars, which lists are atomic
// or associative (and by which keys), which maps are atomic or granular. The rules are
// kube-openapi's schemaconv (OpenAPI → structured-merge-diff schema):
//   - a list is atomic unless x-kubernetes-list-type says set or map, or (built-in types) its
//     x-kubernetes-patch-strategy is merge, which makes it a map keyed by the patch merge key,
//     or a set when there is no key;
//   - an object is granular unless x-kubernetes-map-type is atomic;
//   - unknown fields are allowed where additionalProperties or
//     x-kubernetes-preserve-unknown-fields say so, or on objects without properties; their
//     type is "deduced" from the value (maps granular, lists atomic);
//   - int-or-string, quantities and strings with a format are untyped scalars.
// Types are built lazily from StructuralSchema nodes and cached per node, so recursive
// schemas cost nothing extra.

import type { StructuralSchema } from '../../api/schema/structural.js';

export type ScalarKind = 'numeric' | 'string' | 'boolean' | 'untyped';

export interface ListType {
  readonly atomic: boolean;
  /** Keys of a list-map; empty for a set (associative without keys) or an atomic list. */
  readonly keys: readonly string[];
  readonly element: TypeNode;
}

export interface MapType {
  readonly atomic: boolean;
  /** A declared field's type. */
  field(name: string): TypeNode | undefined;
  /** A declared field's default (used for missing list-map keys). */
  fieldDefault(name: string): unknown;
  /** The type of undeclared keys; undefined when they are not allowed. */
  readonly element: TypeNode | undefined;
  /** No declared fields, undeclared keys deduced: a preserve-unknown-fields object. */
  readonly deducedOnly: boolean;
}

/** What a value at some path may be; a value picks the facet matching its shape. */
export interface TypeNode {
  /** null is a value of this type (`nullable: true`); otherwise a typed object drops it. */
  readonly nullable?: boolean;
  readonly scalar?: ScalarKind;
  readonly list?: ListType;
  readonly map?: MapType;
}

const noFields = (): undefined => undefined;

/** Any scalar, or a list or map taken whole: RawExtension and the elements of deduced lists. */
export const untypedAtomic: TypeNode = (() => {
  const node: { scalar: ScalarKind; list?: ListType; map?: MapType } = { scalar: 'untyped' };
  node.list = { atomic: true, keys: [], element: node };
  node.map = { atomic: true, field: noFields, fieldDefault: noFields, element: node, deducedOnly: false };
  return node;
})();

/** A value of unknown type: maps granular all the way down, lists atomic. */
export const deduced: TypeNode = (() => {
  const node: { scalar: ScalarKind; list?: ListType; map?: MapType } = { scalar: 'untyped' };
  node.list = { atomic: true, keys: [], element: untypedAtomic };
  node.map = { atomic: false, field: noFields, fieldDefault: noFields, element: node, deducedOnly: true };
  return node;
})();

const quantityDefinition = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const rawExtensionDefinition = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

// Two caches because preserve-unknown-fields is inherited by inline descendants, so one node
// can mean two types.
const cache = [new WeakMap<StructuralSchema, TypeNode>(), new WeakMap<StructuralSchema, TypeNode>()];

/** The type of a schema node; `preserveUnknown` is inherited from an ancestor. */
export function typeOf(schema: StructuralSchema, preserveUnknown = false): TypeNode {
  const c = cache[preserveUnknown ? 1 : 0];
  let t = c.get(schema);
  if (!t) {
    t = buildType(schema, preserveUnknown);
    if (schema.nullable && t !== deduced && t !== untypedAtomic) t = { ...t, nullable: true };
    c.set(schema, t);
  }
  return t;
}

function buildType(s: StructuralSchema, inherited: boolean): TypeNode {
  const preserve = inherited || s['x-kubernetes-preserve-unknown-fields'] === true;
  const definition = s['x-kubelite-definition'];
  if (definition === quantityDefinition) return { scalar: 'untyped' };
  if (definition === rawExtensionDefinition) return untypedAtomic;
  if (s['x-kubernetes-int-or-string']) return { scalar: 'untyped' };
  switch (s.type) {
    case 'string':
      return { scalar: !s.format || s.format === 'byte' ? 'string' : 'untyped' };
    case 'integer':
    case 'number':
      return { scalar: 'numeric' };
    case 'boolean':
      return { scalar: 'boolean' };
    case 'array':
      return { list: listType(s, preserve) };
    case 'object':
      return { map: mapType(s, preserve) };
    default:
      // No type: anything, read through whichever facet the value has.
      if (!s.properties && !s.items && !s.additionalProperties && preserve) return deduced;
      return { scalar: 'untyped', list: listType(s, preserve), map: mapType(s, preserve) };
  }
}

function listType(s: StructuralSchema, preserve: boolean): ListType {
  let atomic = true;
  let keys: readonly string[] = [];
  const listKind = s['x-kubernetes-list-type'];
  if (listKind) {
    if (listKind === 'set') atomic = false;
    else if (listKind === 'map') {
      atomic = false;
      keys = s['x-kubernetes-list-map-keys'] ?? [];
    }
  } else {
    const strategy = s['x-kubernetes-patch-strategy'];
    if (strategy === 'merge' || strategy === 'merge,retainKeys') {
      atomic = false;
      const key = s['x-kubernetes-patch-merge-key'];
      if (key) keys = [key];
    }
  }
  let element: TypeNode | undefined;
  return {
    atomic,
    keys,
    get element() {
      element ??= s.items ? typeOf(s.items, preserve) : untypedAtomic;
      return element;
    },
  };
}

function mapType(s: StructuralSchema, preserve: boolean): MapType {
  const properties = s.properties ?? {};
  const hasProperties = Object.keys(properties).length > 0;
  const atomic = s['x-kubernetes-map-type'] === 'atomic';
  const fields = new Map<string, TypeNode | null>();
  let element: TypeNode | undefined | null = null;
  const ap = s.additionalProperties;
  return {
    atomic,
    field(name) {
      let t = fields.get(name);
      if (t === undefined) {
        const prop = Object.prototype.hasOwnProperty.call(properties, name) ? properties[name] : undefined;
        t = prop ? typeOf(prop, preserve) : null;
        // Undeclared names (label keys and the like) are not remembered: they are unbounded.
        if (prop) fields.set(name, t);
      }
      return t ?? undefined;
    },
    fieldDefault(name) {
      return Object.prototype.hasOwnProperty.call(properties, name) ? properties[name].default : undefined;
    },
    get element() {
      if (element === null) {
        if (ap && typeof ap === 'object') element = typeOf(ap, preserve);
        else if (ap === true || (ap === undefined && (preserve || !hasProperties))) element = deduced;
        else element = undefined;
      }
      return element;
    },
    get deducedOnly() {
      return !hasProperties && this.element === deduced;
    },
  };
}

/** The facet of `t` a value uses, as upstream's deduceAtom then handleAtom: map, scalar, list. */
export function facetOf(t: TypeNode, v: unknown): 'map' | 'scalar' | 'list' | undefined {
  if (v !== null && v !== undefined) {
    if (Array.isArray(v)) {
      if (t.list) return 'list';
    } else if (typeof v === 'object') {
      if (t.map) return 'map';
    } else if (t.scalar) return 'scalar';
  }
  return t.map ? 'map' : t.scalar ? 'scalar' : t.list ? 'list' : undefined;
}

/** The type of a map entry: its declared field, else the element type, else deduced. */
export function fieldType(m: MapType, name: string): TypeNode {
  return m.field(name) ?? m.element ?? deduced;
}

const str: StructuralSchema = { type: 'string' };
const time: StructuralSchema = { type: 'string', format: 'date-time' };
const int64: StructuralSchema = { type: 'integer', format: 'int64' };
const stringMap: StructuralSchema = { type: 'object', additionalProperties: str };

/**
 * ObjectMeta as Kubernetes 1.32 publishes it: what a kind's `metadata` means when its own
 * schema does not say (custom resources declare `metadata: {type: object}`; upstream
 * substitutes ObjectMeta the same way).
 */
export const objectMetaSchema: StructuralSchema = {
  type: 'object',
  properties: {
    annotations: stringMap,
    creationTimestamp: time,
    deletionGracePeriodSeconds: int64,
    deletionTimestamp: time,
    finalizers: { type: 'array', items: str, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
    generateName: str,
    generation: int64,
    labels: stringMap,
    managedFields: {
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
      items: {
        type: 'object',
        properties: {
          apiVersion: str,
          fieldsType: str,
          fieldsV1: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          manager: str,
          operation: str,
          subresource: str,
          time,
        },
      },
    },
    name: str,
    namespace: str,
    ownerReferences: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'uid',
      items: {
        type: 'object',
        'x-kubernetes-map-type': 'atomic',
        required: ['apiVersion', 'kind', 'name', 'uid'],
        properties: {
          apiVersion: str,
          blockOwnerDeletion: { type: 'boolean' },
          controller: { type: 'boolean' },
          kind: str,
          name: str,
          uid: str,
        },
      },
    },
    resourceVersion: str,
    selfLink: str,
    uid: str,
  },
};

const rootCache = new WeakMap<StructuralSchema, TypeNode>();
let schemalessRoot: TypeNode | undefined;

/**
 * The type of a whole object of a kind. Every kind has apiVersion, kind and an ObjectMeta
 * metadata, whatever its schema says (custom resources often leave them out or declare
 * `metadata: {type: object}`); without a schema every other field is deduced.
 */
export function rootType(schema: StructuralSchema | undefined): TypeNode {
  if (!schema) {
    schemalessRoot ??= typeOf({
      type: 'object',
      properties: { apiVersion: str, kind: str, metadata: objectMetaSchema },
      'x-kubernetes-preserve-unknown-fields': true,
    });
    return schemalessRoot;
  }
  let t = rootCache.get(schema);
  if (!t) {
    const props = schema.properties ?? {};
    const meta = props.metadata;
    const declaresMeta = meta?.properties !== undefined && Object.keys(meta.properties).length > 0;
    const complete = schema.type === 'object' && props.apiVersion && props.kind && declaresMeta;
    t = complete
      ? typeOf(schema)
      : typeOf({
          ...schema,
          type: 'object',
          properties: { apiVersion: str, kind: str, ...props, metadata: declaresMeta ? meta : objectMetaSchema },
        });
    rootCache.set(schema, t);
  }
  return t;
}
