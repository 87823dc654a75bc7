// Turns structural schemas back into OpenAPI: every node that names a definition becomes a
// $ref to one shared entry under components/schemas (v3) or definitions (v2), written once;
// everything else is written inline. Keys come out sorted, as in the real documents, so the
// bytes (and so the hashes clients cache by) are stable. The handful of named scalar types
// (IntOrString, Quantity, Time, RawExtension, …) are written the way kube-openapi writes them.

import { definitionNode, type StructuralSchema } from '../../api/schema/structural.js';

export type Dialect = 'v2' | 'v3';

type Json = Record<string, unknown>;

// Keys copied as they are from a node to its OpenAPI form.
const plainKeys = [
  'type', 'format', 'description', 'enum', 'nullable', 'default', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', 'required',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key', 'x-kubernetes-group-version-kind', 'x-kubernetes-validations',
] as const;

// Keys a property may override on the definition it refers to.
const propertyOverrideKeys = [
  'description', 'default', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type',
  'x-kubernetes-patch-strategy', 'x-kubernetes-patch-merge-key',
] as const;

/** How kube-openapi writes the named scalar types, per dialect. */
function scalarDefinition(name: string, node: StructuralSchema, dialect: Dialect): Json | undefined {
  const description = node.description ? { description: node.description } : {};
  switch (name) {
    case 'io.k8s.apimachinery.pkg.util.intstr.IntOrString':
      return dialect === 'v3'
        ? { ...description, format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] }
        : { ...description, format: 'int-or-string', type: 'string' };
    case 'io.k8s.apimachinery.pkg.api.resource.Quantity':
      return dialect === 'v3' ? { ...description, oneOf: [{ type: 'string' }, { type: 'number' }] } : { ...description, type: 'string' };
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.Time':
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime':
      return { ...description, format: 'date-time', type: 'string' };
    case 'io.k8s.apimachinery.pkg.runtime.RawExtension':
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1':
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceStatus':
      return { ...description, type: 'object' };
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON':
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray':
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool':
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray':
      return { ...description };
    default:
      return undefined;
  }
}

export function sortKeys(o: Json): Json {
  const out: Json = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

/** Collects the definitions a document refers to while its schemas are written. */
export class ComponentWriter {
  private readonly definitions = new Map<string, Json>();

  constructor(private readonly dialect: Dialect) {}

  /** `#/components/schemas/NAME` or `#/definitions/NAME`. */
  refTo(name: string): string {
    return this.dialect === 'v3' ? `#/components/schemas/${name}` : `#/definitions/${name}`;
  }

  /** A $ref to the node's definition, writing the definition first; the node must name one. */
  ref(node: StructuralSchema): Json {
    const def = definitionNode(node) ?? node;
    const name = def['x-kubelite-definition']!;
    this.define(name, def);
    return { $ref: this.refTo(name) };
  }

  /** Registers a definition under a name of the caller's choosing (custom resources). */
  define(name: string, node: StructuralSchema): void {
    if (this.definitions.has(name)) return;
    this.definitions.set(name, {});
    const written = scalarDefinition(name, node, this.dialect) ?? this.inline(node, true);
    this.definitions.set(name, sortKeys(written));
  }

  has(name: string): boolean {
    return this.definitions.has(name);
  }

  /** Every definition written so far, sorted by name. */
  all(): Json {
    const out: Json = {};
    for (const name of [...this.definitions.keys()].sort()) out[name] = this.definitions.get(name);
    return out;
  }

  /** The schema of a property, list item or map value. */
  schema(node: StructuralSchema, position: 'property' | 'item' = 'property'): Json {
    const def = definitionNode(node);
    if (!def) return sortKeys(this.inline(node, false));
    const ref = this.ref(def);
    if (position === 'item') return ref;
    const extra: Json = {};
    for (const key of propertyOverrideKeys) {
      const value = node[key];
      if (value === undefined) continue;
      // A definition's own description stands in for the field's, which the models lack.
      if (key !== 'description' && value === def[key]) continue;
      extra[key] = value;
    }
    if (this.dialect === 'v2') return sortKeys({ ...ref, ...extra });
    return sortKeys({ allOf: [ref], ...extra });
  }

  private inline(node: StructuralSchema, isDefinition: boolean): Json {
    const out: Json = {};
    for (const key of plainKeys) {
      const value = node[key];
      if (value === undefined) continue;
      if (key === 'required' && Array.isArray(value) && value.length === 0) continue;
      if (key === 'x-kubernetes-group-version-kind' && !isDefinition) continue;
      out[key] = value;
    }
    if (this.dialect === 'v2') delete out.nullable;
    if (node['x-kubernetes-int-or-string'] && !node.anyOf && this.dialect === 'v3' && !isDefinition) {
      // A custom resource's int-or-string field, as the API server publishes it.
      out.anyOf = [{ type: 'integer' }, { type: 'string' }];
    }
    if (node.properties) {
      const props: Json = {};
      for (const name of Object.keys(node.properties).sort()) props[name] = this.schema(node.properties[name]);
      out.properties = props;
    }
    if (node.items) out.items = this.schema(node.items, 'item');
    if (node.additionalProperties !== undefined) {
      out.additionalProperties = typeof node.additionalProperties === 'boolean' ? node.additionalProperties : this.schema(node.additionalProperties, 'item');
    }
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = node[key];
      if (list) out[key] = list.map((s) => sortKeys(this.inline(s, false)));
    }
    if (node.not) out.not = sortKeys(this.inline(node.not, false));
    return out;
  }
}
