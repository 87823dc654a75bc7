// Builds the OpenAPI documents themselves: one v3 document per group version (what
// `kubectl explain` and kubectl's field-validation check read) and the single Swagger 2.0
// document of every group version. Paths and operations come from operations.ts, schemas from
// the SchemaProvider (built-ins and custom resources alike) through ComponentWriter; custom
// resources enter the Swagger 2.0 document in the reduced form kubectl can model (crd-v2.ts).

import type { ResourceType, Scheme } from '../../api/scheme.js';
import { builtinSchemas } from '../../api/schema/builtin.js';
import { definitionWithOverrides, type SchemaProvider, type StructuralSchema } from '../../api/schema/structural.js';
import { ComponentWriter, sortKeys, type Dialect } from './components.js';
import { customResourceSchemaV2 } from './crd-v2.js';
import {
  groupIdentifier,
  groupVersionPrefix,
  parameterSpec,
  resourcePaths,
  tagOf,
  type Gvk,
  type Operation,
  type PathItem,
  type Payload,
} from './operations.js';

type Json = Record<string, unknown>;

const metaPackage = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export interface DocumentOptions {
  /** The version in the documents' info block. */
  kubernetesVersion: string;
}

const statusText: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

/** `com.example.stable.v1.CronTab`: how the API server names a custom resource's definition. */
export function customResourceDefinitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/** Writes one document's schemas and paths. */
class DocumentWriter {
  readonly components: ComponentWriter;
  private readonly custom = new Map<string, ResourceType>();

  constructor(
    private readonly dialect: Dialect,
    private readonly scheme: Scheme,
    private readonly schemas: SchemaProvider,
  ) {
    this.components = new ComponentWriter(dialect);
  }

  /** The $ref of a payload, or an inline schema; undefined when no schema is known. */
  payloadSchema(payload: Payload): Json | undefined {
    switch (payload.kind) {
      case 'string':
        return { type: 'string' };
      case 'meta': {
        const node = builtinSchemas.definition(`${metaPackage}.${payload.name}`);
        if (node) return this.components.ref(node);
        // Patch has no model: it is an opaque object.
        const name = `${metaPackage}.${payload.name}`;
        this.components.define(name, {
          type: 'object',
          description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
        });
        return { $ref: this.components.refTo(name) };
      }
      case 'object':
      case 'list':
        return this.kindSchema(payload.gvk, payload.kind === 'list');
    }
  }

  private kindSchema(gvk: Gvk, isList: boolean): Json | undefined {
    const r = this.scheme.resourceForKind(gvk.group, isList ? gvk.kind.replace(/List$/, '') : gvk.kind);
    if (r?.custom) return this.customResourceSchema(r, gvk, isList);
    const node = this.schemas.schemaFor(gvk.group, gvk.version, gvk.kind) ?? builtinSchemas.schemaFor(gvk.group, gvk.version, gvk.kind);
    if (!node) return undefined;
    if (node['x-kubelite-definition']) return this.components.ref(node);
    const name = customResourceDefinitionName(gvk.group, gvk.version, gvk.kind);
    this.components.define(name, node);
    return { $ref: this.components.refTo(name) };
  }

  private customResourceSchema(r: ResourceType, gvk: Gvk, isList: boolean): Json | undefined {
    const kindName = customResourceDefinitionName(gvk.group, gvk.version, r.kind);
    if (!this.components.has(kindName)) {
      const schema = this.schemas.schemaFor(gvk.group, gvk.version, r.kind);
      const kindGvk = { group: gvk.group, version: gvk.version, kind: r.kind };
      if (this.dialect === 'v3') {
        this.components.define(kindName, customResourceNode(schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, kindGvk));
      } else {
        const v2 = customResourceSchemaV2(schema);
        this.components.define(kindName, v2 ? customResourceNode(v2, kindGvk) : { type: 'object', 'x-kubernetes-group-version-kind': [kindGvk] });
      }
    }
    if (!isList) return { $ref: this.components.refTo(kindName) };
    const listName = `${kindName}List`;
    if (!this.components.has(listName)) this.components.define(listName, customResourceListNode(r, gvk.version, kindName));
    return { $ref: this.components.refTo(listName) };
  }

  operation(op: Operation, r: ResourceType | undefined, tag: string): Json {
    const out: Json = { description: op.description, operationId: op.operationId };
    const params = op.queryParameters.map((p) => parameter(parameterSpec(p, op.action), this.dialect));
    const custom = r?.custom === true;
    const mediaTypes = (payload: Payload | undefined, streaming: boolean): string[] => {
      if (payload?.kind === 'string') return op.action === 'connect' ? ['*/*'] : ['text/plain', 'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
      const types = custom ? ['application/json', 'application/yaml'] : ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
      if (streaming) types.push(...(custom ? ['application/json;stream=watch'] : ['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch']));
      return types;
    };
    const streaming = op.action === 'list' || op.action === 'watch' || op.action === 'watchlist';
    const responses: Json = {};
    for (const [code, payload] of Object.entries(op.responses)) {
      const schema = payload && this.payloadSchema(payload);
      const types = mediaTypes(payload, streaming);
      if (this.dialect === 'v3') {
        const content: Json = {};
        for (const t of types.slice().sort()) content[t] = { schema };
        responses[code] = schema ? { content, description: statusText[code] ?? 'OK' } : { description: statusText[code] ?? 'OK' };
      } else {
        responses[code] = schema ? { description: statusText[code] ?? 'OK', schema } : { description: statusText[code] ?? 'OK' };
      }
    }
    responses['401'] = { description: 'Unauthorized' };

    const request = op.request && this.payloadSchema(op.request);
    if (this.dialect === 'v3') {
      if (params.length) out.parameters = params;
      if (request) {
        const content: Json = {};
        for (const t of (op.patchTypes ?? ['*/*']).slice().sort()) content[t] = { schema: request };
        out.requestBody = op.action === 'delete' || op.action === 'deletecollection' ? { content } : { content, required: true };
      }
    } else {
      if (request) params.push({ in: 'body', name: 'body', required: !(op.action === 'delete' || op.action === 'deletecollection'), schema: request });
      if (params.length) out.parameters = params.sort((a, b) => String(a.name).localeCompare(String(b.name)));
      out.consumes = op.patchTypes ?? ['*/*'];
      out.produces = mediaTypes(op.responses['200'], streaming);
      out.schemes = ['https'];
    }
    out.responses = responses;
    out.tags = [tag];
    if (op.deprecated) out.deprecated = true;
    out['x-kubernetes-action'] = op.action;
    if (op.gvk && op.gvk.kind) out['x-kubernetes-group-version-kind'] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
    return sortKeys(out);
  }

  pathItem(item: PathItem, r: ResourceType | undefined, tag: string): Json {
    const out: Json = {};
    for (const op of item.operations) out[op.method] = this.operation(op, r, tag);
    out.parameters = item.parameters.map((p) =>
      parameter(parameterSpec(p, 'list', item.nameDescription), this.dialect),
    );
    return sortKeys(out);
  }

  /** `GET /apis/apps/v1/`: the discovery document's operation. */
  resourcesPath(group: string, version: string): Json {
    const id = `${capitalize(groupIdentifier(group))}${capitalize(version)}`;
    const op: Operation = {
      method: 'get', action: 'get', operationId: `get${id}APIResources`, description: 'get available resources',
      queryParameters: [], responses: { '200': { kind: 'meta', name: 'APIResourceList' } },
    };
    const json = this.operation(op, undefined, tagOf(group, version));
    delete json['x-kubernetes-action'];
    return { get: json };
  }
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function parameter(spec: ReturnType<typeof parameterSpec>, dialect: Dialect): Json {
  const out: Json = { description: spec.description, in: spec.in, name: spec.name };
  if (spec.required) out.required = true;
  if (dialect === 'v3') out.schema = { type: spec.type, uniqueItems: true };
  else {
    out.type = spec.type;
    out.uniqueItems = true;
  }
  return sortKeys(out);
}

/** The TypeMeta fields' descriptions, as every kind's model documents them. */
function typeMetaProperties(): Record<string, StructuralSchema> {
  const pod = builtinSchemas.schemaFor('', 'v1', 'Pod')!;
  return { apiVersion: pod.properties!.apiVersion, kind: pod.properties!.kind };
}

/** A custom resource's published schema: its own, plus apiVersion, kind, metadata and its GVK. */
export function customResourceNode(schema: StructuralSchema, gvk: Gvk): StructuralSchema {
  const objectMeta = builtinSchemas.definition(`${metaPackage}.ObjectMeta`)!;
  const properties: Record<string, StructuralSchema> = { ...(schema.properties ?? {}), ...typeMetaProperties() };
  properties.metadata = definitionWithOverrides(objectMeta, {
    description:
      "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  });
  const node: StructuralSchema = { ...schema, type: 'object', properties, 'x-kubernetes-group-version-kind': [gvk] };
  delete node['x-kubernetes-embedded-resource'];
  return node;
}

function customResourceListNode(r: ResourceType, version: string, kindName: string): StructuralSchema {
  const listMeta = builtinSchemas.definition(`${metaPackage}.ListMeta`)!;
  // The item schema is already written under kindName; a stand-in node that names it makes the
  // writer emit a $ref.
  const item: StructuralSchema = { 'x-kubelite-definition': kindName };
  return {
    type: 'object',
    description: `${r.kind}List is a list of ${r.kind}`,
    properties: {
      ...typeMetaProperties(),
      items: {
        type: 'array',
        description: `List of ${r.plural}. More info: https://git.k8s.io/community/contributors/devel/api-conventions.md`,
        items: item,
      },
      metadata: definitionWithOverrides(listMeta, {
        description:
          'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
      }),
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.listKind, version }],
  };
}

/** The OpenAPI v3 document of one group version, or undefined when nothing is served there. */
export function buildV3Document(scheme: Scheme, schemas: SchemaProvider, group: string, version: string, options: DocumentOptions): Json | undefined {
  const resources = scheme.resourcesIn(group, version);
  if (!resources.length) return undefined;
  const writer = new DocumentWriter('v3', scheme, schemas);
  const tag = tagOf(group, version);
  const paths: Json = { [`${groupVersionPrefix(group, version)}/`]: writer.resourcesPath(group, version) };
  for (const r of resources) {
    for (const item of resourcePaths(r, version)) paths[item.path] = writer.pathItem(item, r, tag);
  }
  return {
    components: {
      schemas: writer.components.all(),
      securitySchemes: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    },
    info: { title: 'Kubernetes', version: options.kubernetesVersion },
    openapi: '3.0.0',
    paths: sortKeys(paths),
  };
}

/** The Swagger 2.0 document of everything served. */
export function buildV2Document(scheme: Scheme, schemas: SchemaProvider, options: DocumentOptions): Json {
  const writer = new DocumentWriter('v2', scheme, schemas);
  const paths: Json = {};
  for (const { name: group, versions } of scheme.groups()) {
    for (const version of versions) {
      const tag = tagOf(group, version);
      paths[`${groupVersionPrefix(group, version)}/`] = writer.resourcesPath(group, version);
      for (const r of scheme.resourcesIn(group, version)) {
        for (const item of resourcePaths(r, version)) paths[item.path] = writer.pathItem(item, r, tag);
      }
    }
  }
  return {
    definitions: writer.components.all(),
    info: { title: 'Kubernetes', version: options.kubernetesVersion },
    paths: sortKeys(paths),
    security: [{ BearerToken: [] }],
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    swagger: '2.0',
  };
}

/** `api/v1`, `apis/apps/v1`: the keys of the v3 index. */
export function groupVersionKey(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}
