// The structural schema of a kind: OpenAPI v3 schema objects with every $ref resolved into
// object references (so recursive types form a cyclic graph), plus Kubernetes' extensions.
// One model serves field validation, pruning, defaulting of custom resources, strategic merge
// patch (merge keys and strategies), server-side apply (list types, map keys) and the OpenAPI
// documents themselves. Built-in kinds get theirs from src/api/schema/builtin.ts; custom
// resources from their CRD.

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface StructuralSchema {
  type?: SchemaType;
  format?: string;
  description?: string;
  /** Object fields. */
  properties?: Record<string, StructuralSchema>;
  /** Map values (a map[string]T), or true for free-form maps. */
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  required?: string[];
  enum?: unknown[];
  nullable?: boolean;
  default?: unknown;

  // Validation keywords (custom resources).
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  allOf?: StructuralSchema[];
  anyOf?: StructuralSchema[];
  oneOf?: StructuralSchema[];
  not?: StructuralSchema;

  // Kubernetes extensions.
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  /** Strategic merge patch: 'merge', 'replace', 'retainKeys' or 'merge,retainKeys'. */
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-validations'?: { rule: string; message?: string; messageExpression?: string; reason?: string; fieldPath?: string }[];

  /** The definition name this node came from (io.k8s.api.core.v1.PodSpec), for OpenAPI $refs. */
  'x-kubelite-definition'?: string;
  /** The Go type of a named scalar (v1.PullPolicy, v1.ResourceList), for decoding errors. */
  'x-kubelite-go-type'?: string;
  /**
   * Set on a property that shares a definition's node but overrides some of its keys (a
   * description, a patch strategy): the shared definition node itself. Properties without
   * overrides are the definition node.
   */
  [baseDefinition]?: StructuralSchema;
}

/** Key of StructuralSchema's link from a property's overriding copy to its definition. */
export const baseDefinition: unique symbol = Symbol('kubelite.baseDefinition');

/** A property that is the definition `def` with some keys overridden; consumers see one node. */
export function definitionWithOverrides(def: StructuralSchema, overrides: Partial<StructuralSchema>): StructuralSchema {
  return { ...def, ...overrides, [baseDefinition]: def[baseDefinition] ?? def };
}

/** The shared definition node behind a property, or undefined when it is not a definition. */
export function definitionNode(node: StructuralSchema): StructuralSchema | undefined {
  if (node[baseDefinition]) return node[baseDefinition];
  return node['x-kubelite-definition'] ? node : undefined;
}

/** Looks up the schema of a served kind; undefined for kinds without one. */
export interface SchemaProvider {
  schemaFor(group: string, version: string, kind: string): StructuralSchema | undefined;
}
