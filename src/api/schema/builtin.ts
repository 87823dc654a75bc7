// The structural schemas of every built-in kind, derived at run time from the generated
// models of @kubernetes/client-node plus builtin-tables.ts (what the models do not say).
// Schemas are built one model at a time on first use and shared afterwards, so a request for
// a Pod reads only the models a Pod is made of; recursive types (JSONSchemaProps) become
// cyclic graphs. Every node of a named type carries its definition name
// (x-kubelite-definition), which the OpenAPI documents turn back into $refs.

import { builtinResources } from '../scheme.js';
import { readModel, type ModelAttribute } from './client-node-models.js';
import { atomicStructs, enumFields,
  fieldDefaults, fieldExtensions, quantityFields, type FieldExtensions } from './builtin-tables.js';
import { definitionWithOverrides, type SchemaProvider, type StructuralSchema } from './structural.js';

const metaPackage = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const corePackage = 'io.k8s.api.core.v1';

/** The Go package (as OpenAPI definition prefix) of an API group version's types. */
export function packageOf(group: string, version: string): string {
  if (group === 'apiextensions.k8s.io') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
  if (group === 'meta.k8s.io') return `io.k8s.apimachinery.pkg.apis.meta.${version}`;
  return `io.k8s.api.${group ? group.split('.')[0] : 'core'}.${version}`;
}

/** `core.v1.PodSpec` for `io.k8s.api.core.v1.PodSpec`: the keys of builtin-tables.ts. */
export function shortDefinitionName(definition: string): string {
  return definition
    .replace(/^io\.k8s\.api\./, '')
    .replace(/^io\.k8s\.apimachinery\.pkg\.apis\./, '')
    .replace(/^io\.k8s\.apiextensions-apiserver\.pkg\.apis\./, '');
}

// Types of k8s.io/apimachinery's meta/v1 that the models name like any v1 type.
const metaTypes = new Set([
  'APIGroup', 'APIGroupList', 'APIResource', 'APIResourceList', 'APIVersions', 'Condition', 'DeleteOptions',
  'FieldSelectorRequirement', 'GroupVersionForDiscovery', 'LabelSelector', 'LabelSelectorRequirement', 'ListMeta',
  'ManagedFieldsEntry', 'ObjectMeta', 'OwnerReference', 'Preconditions', 'ServerAddressByClientCIDR', 'Status',
  'StatusCause', 'StatusDetails', 'WatchEvent',
]);

// core/v1 types that other groups' types refer to; everything else lives in the package of the
// type that refers to it.
const coreTypesUsedElsewhere = new Set([
  'EventSource', 'ObjectReference', 'PersistentVolumeClaim', 'PersistentVolumeSpec', 'PodTemplateSpec', 'Toleration',
  'TopologySelectorLabelRequirement', 'TopologySelectorTerm', 'TypedLocalObjectReference',
]);

// The models prefix a type's group when two groups have a type of the same name and version.
const groupPrefixes: Record<string, string> = {
  Core: 'core', Apps: 'apps', Events: 'events', Discovery: 'discovery', Storage: 'storage',
  Authentication: 'authentication', Rbac: 'rbac', Flowcontrol: 'flowcontrol', Resource: 'resource',
  Admissionregistration: 'admissionregistration', Apiregistration: 'apiregistration',
};

/** Fields of the 1.34 models that Kubernetes 1.32 does not have. */
const fieldsAddedAfter132: Record<string, string[]> = {
  'core.v1.VolumeProjection': ['podCertificate'],
  'core.v1.EnvVarSource': ['fileKeyRef'],
  'core.v1.Container': ['restartPolicyRules'],
  'core.v1.EphemeralContainer': ['restartPolicyRules'],
  'core.v1.Lifecycle': ['stopSignal'],
  'core.v1.ContainerStatus': ['stopSignal'],
  'core.v1.PodCondition': ['observedGeneration'],
  'core.v1.PodSpec': ['hostnameOverride'],
  'core.v1.PodStatus': ['extendedResourceClaimStatus', 'observedGeneration'],
  'core.v1.NodeSystemInfo': ['swap'],
  'apps.v1.DeploymentStatus': ['terminatingReplicas'],
  'apps.v1.ReplicaSetStatus': ['terminatingReplicas'],
  'autoscaling.v2.HPAScalingRules': ['tolerance'],
  'discovery.v1.EndpointHints': ['forNodes'],
  'storage.v1.VolumeError': ['errorCode'],
  'storage.v1.CSIDriverSpec': ['nodeAllocatableUpdatePeriodSeconds'],
};

/** Fields that 1.32 requires and the 1.34 models no longer mark as required. */
const requiredIn132: Record<string, string[]> = {
  'apps.v1.StatefulSetSpec': ['serviceName'],
  'networking.v1.NetworkPolicySpec': ['podSelector'],
};

/** Lists of integers, whose item format the models drop. */
const integerListFormats: Record<string, 'int32' | 'int64'> = {
  'core.v1.PodSecurityContext.supplementalGroups': 'int64',
  'core.v1.LinuxContainerUser.supplementalGroups': 'int64',
  'batch.v1.PodFailurePolicyOnExitCodesRequirement.values': 'int32',
};

const timeDefinition = `${metaPackage}.Time`;
const microTimeDefinition = `${metaPackage}.MicroTime`;
const intOrStringDefinition = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const quantityDefinition = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const rawExtensionDefinition = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
const fieldsV1Definition = `${metaPackage}.FieldsV1`;
const apiextensions = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

/** The pattern CRDs use for quantities; built-in quantities also accept bare numbers. */
export const quantityPattern =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** The named types the models flatten into scalars or `any`, with our own descriptions. */
function specialDefinitions(): Map<string, StructuralSchema> {
  const special = (definition: string, node: StructuralSchema): [string, StructuralSchema] => [
    definition,
    { ...node, 'x-kubelite-definition': definition },
  ];
  return new Map([
    special(timeDefinition, {
      type: 'string',
      format: 'date-time',
      description: 'Time is a wrapper around time.Time: an RFC 3339 timestamp with second precision, serialized as a string.',
    }),
    special(microTimeDefinition, {
      type: 'string',
      format: 'date-time',
      description: 'MicroTime is version of Time with microsecond level precision.',
    }),
    special(intOrStringDefinition, {
      'x-kubernetes-int-or-string': true,
      format: 'int-or-string',
      description: 'IntOrString is a type that can hold an int32 or a string. In JSON or YAML it is either a number or a string.',
    }),
    special(quantityDefinition, {
      'x-kubernetes-int-or-string': true,
      pattern: quantityPattern,
      description:
        'Quantity is a fixed-point representation of a number, such as 100m or 1Gi: a decimal number with an optional SI (m, k, M, G, T, P, E) or binary (Ki, Mi, Gi, Ti, Pi, Ei) suffix, or an exponent (1e3). In JSON it is usually a string; plain numbers are accepted too.',
    }),
    special(rawExtensionDefinition, {
      'x-kubernetes-preserve-unknown-fields': true,
      description: 'RawExtension holds an embedded object of any kind, kept as it was received.',
    }),
    special(fieldsV1Definition, {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      description:
        "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format. Each key is '.' followed by a field name, 'k:' followed by the key fields of a list item, 'v:' followed by a set item's value, 'i:' followed by an index, or '.' for the field itself; each value is a map of the same shape.",
    }),
    special(`${apiextensions}.JSON`, {
      'x-kubernetes-preserve-unknown-fields': true,
      description: 'JSON represents any valid JSON value: bool, number, string, array, object or null.',
    }),
    special(`${apiextensions}.JSONSchemaPropsOrArray`, {
      'x-kubernetes-preserve-unknown-fields': true,
      description: 'JSONSchemaPropsOrArray represents a value that can either be a JSONSchemaProps or an array of JSONSchemaProps.',
    }),
    special(`${apiextensions}.JSONSchemaPropsOrBool`, {
      'x-kubernetes-preserve-unknown-fields': true,
      description: 'JSONSchemaPropsOrBool represents JSONSchemaProps or a boolean value. Defaults to true for the boolean property.',
    }),
    special(`${apiextensions}.JSONSchemaPropsOrStringArray`, {
      'x-kubernetes-preserve-unknown-fields': true,
      description: 'JSONSchemaPropsOrStringArray represents a JSONSchemaProps or a string array.',
    }),
    special(`${apiextensions}.CustomResourceSubresourceStatus`, {
      type: 'object',
      properties: {},
      description:
        'CustomResourceSubresourceStatus defines how to serve the status subresource for CustomResources. Setting it enables the /status subresource, which exposes only the status stanza of the object.',
    }),
  ]);
}

/** The models' `any` fields and the named types they stand for. */
const anyFields: Record<string, string> = {
  'meta.v1.ManagedFieldsEntry.fieldsV1': fieldsV1Definition,
  'meta.v1.WatchEvent.object': rawExtensionDefinition,
  'apps.v1.ControllerRevision.data': rawExtensionDefinition,
  'apiextensions.v1.JSONSchemaProps.default': `${apiextensions}.JSON`,
  'apiextensions.v1.JSONSchemaProps.example': `${apiextensions}.JSON`,
  'apiextensions.v1.JSONSchemaProps.enum': `${apiextensions}.JSON`,
  'apiextensions.v1.JSONSchemaProps.items': `${apiextensions}.JSONSchemaPropsOrArray`,
  'apiextensions.v1.JSONSchemaProps.additionalItems': `${apiextensions}.JSONSchemaPropsOrBool`,
  'apiextensions.v1.JSONSchemaProps.additionalProperties': `${apiextensions}.JSONSchemaPropsOrBool`,
  'apiextensions.v1.JSONSchemaProps.dependencies': `${apiextensions}.JSONSchemaPropsOrStringArray`,
  'apiextensions.v1.CustomResourceSubresources.status': `${apiextensions}.CustomResourceSubresourceStatus`,
};

// A ref field's own description is not in the models (only its type's is); these two are the
// ones every kind shows at the top of `kubectl explain`.
const refFieldDescriptions: Record<string, string> = {
  [`${metaPackage}.ObjectMeta`]:
    "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  [`${metaPackage}.ListMeta`]:
    'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
};

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Every built-in group version's package, for the GVKs of kinds. */
function builtinGroupVersions(): { group: string; version: string }[] {
  const out: { group: string; version: string }[] = [];
  for (const r of builtinResources) {
    for (const version of r.versions) {
      if (!out.some((gv) => gv.group === r.group && gv.version === version)) out.push({ group: r.group, version });
    }
  }
  return out;
}

/** The built-in schemas. One instance serves the whole process; nodes are shared and frozen by convention. */
export class BuiltinSchemas implements SchemaProvider {
  private readonly nodes = new Map<string, StructuralSchema>();
  private readonly modelPackages = new Map<string, string>();
  private readonly specials = specialDefinitions();
  private readonly groupOfPackage = new Map<string, { group: string; version: string }>();
  private readonly definitionModels = new Map<string, string>();
  /** schemaFor's answers, by group/version/kind, once they can no longer change. */
  private readonly kinds = new Map<string, StructuralSchema>();

  constructor() {
    for (const gv of builtinGroupVersions()) this.groupOfPackage.set(packageOf(gv.group, gv.version), gv);
  }

  schemaFor(group: string, version: string, kind: string): StructuralSchema | undefined {
    // Every write asks several times (field checks, pruning, defaulting, managedFields).
    const key = `${group}/${version}/${kind}`;
    const settled = this.kinds.get(key);
    if (settled) return settled;
    const pkg = packageOf(group, version);
    if (!this.groupOfPackage.has(pkg)) return undefined;
    const prefix = group ? capitalize(group.split('.')[0]) : 'Core';
    for (const model of [`${prefix}${capitalize(version)}${kind}`, `${capitalize(version)}${kind}`]) {
      const info = readModel(model);
      if (!info || !info.attributes.some((a) => a.name === 'kind')) continue;
      const known = this.modelPackages.get(model);
      if (known && known !== pkg) return undefined;
      const node = this.nodeFor(model, pkg);
      // Once the model's package is recorded as this one, every later lookup answers the same.
      if (node && this.modelPackages.get(model) === pkg) this.kinds.set(key, node);
      return node;
    }
    return undefined;
  }

  /** A node by definition name (io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions). */
  definition(name: string): StructuralSchema | undefined {
    const special = this.specials.get(name);
    if (special) return special;
    const model = this.definitionModels.get(name) ?? this.modelForDefinition(name);
    return model ? this.nodeFor(model, name.slice(0, name.lastIndexOf('.'))) : undefined;
  }

  private modelForDefinition(name: string): string | undefined {
    const parts = name.split('.');
    const type = parts.pop()!;
    const version = parts.pop()!;
    const pkg = parts.join('.') + '.' + version;
    const group = parts[parts.length - 1];
    const prefixed = Object.keys(groupPrefixes).find((p) => groupPrefixes[p] === group);
    for (const model of [prefixed && `${prefixed}${capitalize(version)}${type}`, `${capitalize(version)}${type}`]) {
      if (!model || !readModel(model)) continue;
      if (this.packageOfModel(model, pkg) === pkg) return model;
    }
    return undefined;
  }

  private packageOfModel(model: string, parentPackage: string): string {
    const known = this.modelPackages.get(model);
    if (known) return known;
    const m = model.match(/^([A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/);
    if (!m) return parentPackage;
    const [, prefix, version, type] = m;
    const v = version.toLowerCase();
    if (prefix && groupPrefixes[prefix]) {
      return prefix === 'Apiextensions' ? `${apiextensions.slice(0, apiextensions.lastIndexOf('.'))}.${v}` : `io.k8s.api.${groupPrefixes[prefix]}.${v}`;
    }
    if (v === 'v1' && metaTypes.has(type)) return metaPackage;
    if (v === 'v1' && coreTypesUsedElsewhere.has(type)) return corePackage;
    return parentPackage;
  }

  private nodeFor(model: string, parentPackage: string): StructuralSchema | undefined {
    const existing = this.nodes.get(model);
    if (existing) return existing;
    const info = readModel(model);
    if (!info) return undefined;
    const pkg = this.packageOfModel(model, parentPackage);
    const goName = model.replace(/^([A-Z][a-z]+)?V\d+(?:(?:alpha|beta)\d+)?/, '');
    const definition = `${pkg}.${goName}`;
    const short = shortDefinitionName(definition);
    this.modelPackages.set(model, pkg);
    this.definitionModels.set(definition, model);

    const removed = fieldsAddedAfter132[short] ?? [];
    const attributes = info.attributes.filter((a) => !removed.includes(a.name));
    const required = attributes.filter((a) => a.required || requiredIn132[short]?.includes(a.name)).map((a) => a.name);
    const properties: Record<string, StructuralSchema> = {};
    // Every key but the properties is set before the properties are built, so that copies
    // made for properties of recursive types see the finished node.
    const node: StructuralSchema = { type: 'object' };
    if (info.description) node.description = info.description;
    node.properties = properties;
    if (required.length) node.required = required;
    if (atomicStructs.has(short)) node['x-kubernetes-map-type'] = 'atomic';
    const gvk = this.groupVersionKinds(pkg, goName, attributes);
    if (gvk) node['x-kubernetes-group-version-kind'] = gvk;
    node['x-kubelite-definition'] = definition;
    this.nodes.set(model, node);

    const extensions = fieldExtensions[short] ?? {};
    for (const attribute of attributes) {
      properties[attribute.name] = this.property(attribute, short, pkg, extensions[attribute.name]);
    }
    return node;
  }

  private groupVersionKinds(pkg: string, kind: string, attributes: ModelAttribute[]): StructuralSchema['x-kubernetes-group-version-kind'] {
    if (pkg === metaPackage) {
      if (kind === 'Status' || kind === 'APIResourceList' || kind === 'APIGroup' || kind === 'APIGroupList' || kind === 'APIVersions') {
        return [{ group: '', kind, version: 'v1' }];
      }
      if (kind === 'DeleteOptions' || kind === 'WatchEvent') {
        return builtinGroupVersions().map((gv) => ({ group: gv.group, kind, version: gv.version }));
      }
      return undefined;
    }
    const gv = this.groupOfPackage.get(pkg);
    if (!gv || !attributes.some((a) => a.name === 'kind') || !attributes.some((a) => a.name === 'apiVersion')) return undefined;
    return [{ group: gv.group, kind, version: gv.version }];
  }

  private property(attribute: ModelAttribute, owner: string, pkg: string, extensions: FieldExtensions | undefined): StructuralSchema {
    const path = `${owner}.${attribute.name}`;
    const enumField = enumFields[path];
    const description = attribute.description;
    const special = anyFields[path];
    if (special) {
      const node = this.specials.get(special)!;
      if (attribute.type.startsWith('Array<')) return withDescription({ type: 'array', items: node, ...extensions }, description);
      if (attribute.type.startsWith('{')) return withDescription({ type: 'object', additionalProperties: node, ...extensions }, description);
      return description ? definitionWithOverrides(node, { description }) : node;
    }
    if (quantityFields.has(path)) {
      const quantity = this.specials.get(quantityDefinition)!;
      if (attribute.type.startsWith('{')) {
        const map: StructuralSchema = { type: 'object', additionalProperties: quantity, ...extensions, 'x-kubelite-go-type': 'v1.ResourceList' };
        return withDescription(map, description);
      }
      return description ? definitionWithOverrides(quantity, { description }) : quantity;
    }
    const schema = this.typeSchema(attribute.type, attribute.format, pkg, enumField);
    const integerFormat = integerListFormats[path];
    if (integerFormat && schema.items) schema.items = { type: 'integer', format: integerFormat };
    if (schema['x-kubelite-definition']) {
      const overrides: Partial<StructuralSchema> = { ...extensions };
      const own = description ?? (attribute.name === 'metadata' ? refFieldDescriptions[schema['x-kubelite-definition']] : undefined);
      if (own) overrides.description = own;
      return Object.keys(overrides).length ? definitionWithOverrides(schema, overrides) : schema;
    }
    const out: StructuralSchema = { ...schema };
    if (description) out.description = description;
    Object.assign(out, extensions);
    if (path in fieldDefaults) out.default = fieldDefaults[path];
    return out;
  }

  private typeSchema(type: string, format: string, pkg: string, enumField?: [string, ...string[]]): StructuralSchema {
    const array = type.match(/^Array<(.+)>$/);
    if (array) return { type: 'array', items: this.typeSchema(array[1], format, pkg, enumField) };
    const map = type.match(/^\{ \[key: string\]: (.+); \}$/);
    if (map) return { type: 'object', additionalProperties: this.typeSchema(map[1], format, pkg, enumField) };
    switch (type) {
      case 'string': {
        const node: StructuralSchema = { type: 'string' };
        if (format) node.format = format;
        if (enumField) {
          node.enum = enumField.slice(1);
          node['x-kubelite-go-type'] = `${pkg.slice(pkg.lastIndexOf('.') + 1)}.${enumField[0]}`;
        }
        return node;
      }
      case 'number':
        return format === 'int32' || format === 'int64' ? { type: 'integer', format } : { type: 'number', format: format || 'double' };
      case 'boolean':
        return { type: 'boolean' };
      case 'Date':
        return format === 'date-time-micro' ? this.specials.get(microTimeDefinition)! : this.specials.get(timeDefinition)!;
      case 'V1MicroTime':
        return this.specials.get(microTimeDefinition)!;
      case 'IntOrString':
        return this.specials.get(intOrStringDefinition)!;
      case 'any':
        return this.specials.get(`${apiextensions}.JSON`)!;
      default:
        return this.nodeFor(type, pkg) ?? { 'x-kubernetes-preserve-unknown-fields': true };
    }
  }
}

function withDescription(node: StructuralSchema, description: string | undefined): StructuralSchema {
  if (description) node.description = description;
  return node;
}

/** The process-wide built-in schemas. */
export const builtinSchemas = new BuiltinSchemas();
