import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheme, type ResourceType } from '../../api/scheme.js';
import { builtinSchemas } from '../../api/schema/builtin.js';
import type { SchemaProvider, StructuralSchema } from '../../api/schema/structural.js';
import { parse as parseYaml } from 'yaml';
import { decodeGnosticDocument } from './gnostic.js';
import { OpenApiPublisher, acceptsJson, contentHash } from './publisher.js';

type Json = Record<string, any>;

function body(r: { body: Buffer }): Json {
  return JSON.parse(r.body.toString('utf8')) as Json;
}

const cronTab: ResourceType = {
  group: 'stable.example.com',
  versions: ['v1'],
  kind: 'CronTab',
  listKind: 'CronTabList',
  plural: 'crontabs',
  singular: 'crontab',
  namespaced: true,
  shortNames: ['ct'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: { status: { kind: '', verbs: ['get', 'patch', 'update'] } },
  storagePrefix: '/registry/stable.example.com/crontabs',
  custom: true,
};

const cronTabSchema: StructuralSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      description: 'The cron spec.',
      properties: { cronSpec: { type: 'string', description: 'When to run.' }, port: { 'x-kubernetes-int-or-string': true } },
      required: ['cronSpec'],
    },
  },
};

/** The built-ins, plus CronTab when the scheme serves it: what the lead's provider does. */
function providerFor(scheme: Scheme): SchemaProvider {
  return {
    schemaFor(group, version, kind) {
      if (group === cronTab.group && kind === 'CronTab' && scheme.resourceForKind(group, kind)) return cronTabSchema;
      return builtinSchemas.schemaFor(group, version, kind);
    },
  };
}

function setup() {
  const scheme = new Scheme();
  return { scheme, publisher: new OpenApiPublisher(scheme, providerFor(scheme)) };
}

test('the v3 index lists every group version with its document hash', () => {
  const { publisher } = setup();
  const index = publisher.handle('/openapi/v3?timeout=32s', 'application/json, */*')!;
  assert.equal(index.status, 200);
  assert.equal(index.contentType, 'application/json');
  const paths = body(index).paths as Record<string, { serverRelativeURL: string }>;
  assert.ok(paths['api/v1']);
  assert.ok(paths['apis/apps/v1']);
  assert.ok(paths['apis/autoscaling/v2'] && paths['apis/autoscaling/v1']);
  assert.ok(paths['apis/apiextensions.k8s.io/v1']);
  const url = paths['apis/apps/v1'].serverRelativeURL;
  assert.match(url, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  const doc = publisher.handle(`${url}&timeout=32s`, 'application/json')!;
  assert.equal(doc.status, 200);
  assert.equal(url.split('hash=')[1], contentHash(doc.body));
  assert.equal(doc.headers['Cache-Control'], 'public, immutable');
  assert.equal(publisher.handle('/openapi/v3/apis/apps/v1', undefined)!.headers['Cache-Control'], 'no-cache, private');
});

test('a group version document has kinds with GVKs and every verb with its action and parameters', () => {
  const { publisher } = setup();
  const doc = body(publisher.handle('/openapi/v3/apis/apps/v1', 'application/json')!);
  assert.equal(doc.openapi, '3.0.0');
  const schemas = doc.components.schemas;
  const deployment = schemas['io.k8s.api.apps.v1.Deployment'];
  assert.deepEqual(deployment['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  assert.deepEqual(deployment.properties.spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }]);
  assert.ok(schemas['io.k8s.api.core.v1.PodSpec']);
  assert.ok(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  assert.ok(schemas['io.k8s.api.autoscaling.v1.Scale'], 'the scale subresource kind');
  assert.deepEqual(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf, [{ type: 'integer' }, { type: 'string' }]);
  const containers = schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.deepEqual(containers.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });

  const named = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
  assert.deepEqual(Object.keys(named).sort(), ['delete', 'get', 'parameters', 'patch', 'put']);
  assert.equal(named.patch['x-kubernetes-action'], 'patch');
  assert.deepEqual(named.patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
  assert.deepEqual(
    named.patch.parameters.map((p: Json) => p.name),
    ['dryRun', 'fieldManager', 'fieldValidation', 'force'],
  );
  assert.deepEqual(named.put.parameters.map((p: Json) => p.name), ['dryRun', 'fieldManager', 'fieldValidation']);
  assert.match(named.patch.parameters[2].description, /^fieldValidation instructs the server/);
  assert.ok(named.patch.requestBody.content['application/strategic-merge-patch+json']);
  assert.ok(named.patch.requestBody.content['application/apply-patch+yaml']);
  assert.equal(named.patch.operationId, 'patchAppsV1NamespacedDeployment');
  assert.deepEqual(named.parameters.map((p: Json) => p.name), ['name', 'namespace', 'pretty']);
  assert.equal(named.parameters[0].description, 'name of the Deployment');

  const collection = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'];
  assert.equal(collection.get['x-kubernetes-action'], 'list');
  assert.equal(collection.post['x-kubernetes-action'], 'post');
  assert.equal(collection.delete['x-kubernetes-action'], 'deletecollection');
  assert.deepEqual(collection.post.parameters.map((p: Json) => p.name), ['dryRun', 'fieldManager', 'fieldValidation']);
  assert.ok(doc.paths['/apis/apps/v1/deployments'].get);
  assert.equal(doc.paths['/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}'].get['x-kubernetes-action'], 'watch');
  const scale = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
  assert.deepEqual(scale.patch['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
  assert.deepEqual(scale.get.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/io.k8s.api.autoscaling.v1.Scale' });
  assert.ok(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status'].put);
  assert.equal(doc.paths['/apis/apps/v1/'].get.operationId, 'getAppsV1APIResources');
});

test('core/v1 has cluster-scoped paths, pod subresources and connect operations', () => {
  const { publisher } = setup();
  const doc = body(publisher.handle('/openapi/v3/api/v1', 'application/json')!);
  assert.equal(doc.paths['/api/v1/nodes/{name}'].get.operationId, 'readCoreV1Node');
  assert.equal(doc.paths['/api/v1/namespaces/{name}'].get.operationId, 'readCoreV1Namespace');
  assert.equal(doc.paths['/api/v1/namespaces/{name}/finalize'].put['x-kubernetes-action'], 'put');
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods'].get.operationId, 'listCoreV1NamespacedPod');
  assert.equal(doc.paths['/api/v1/pods'].get.operationId, 'listCoreV1PodForAllNamespaces');
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec'].post['x-kubernetes-action'], 'connect');
  assert.deepEqual(
    doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post['x-kubernetes-group-version-kind'],
    { group: 'policy', kind: 'Eviction', version: 'v1' },
  );
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/log'].get.operationId, 'readCoreV1NamespacedPodLog');
  assert.deepEqual(Object.keys(doc.paths['/api/v1/namespaces/{namespace}/bindings']), ['parameters', 'post']);
  assert.ok(doc.components.schemas['io.k8s.api.core.v1.Binding']);
  assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent']);
  assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status']);
  assert.equal(
    doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'].delete.responses['200'].content['application/json'].schema.$ref,
    '#/components/schemas/io.k8s.api.core.v1.Pod',
  );
});

test('ETag and If-None-Match; a stale hash is redirected; unknown paths are 404', () => {
  const { publisher } = setup();
  const first = publisher.handle('/openapi/v3/api/v1', 'application/json')!;
  assert.match(first.etag!, /^"[0-9A-F]{128}"$/);
  assert.equal(publisher.handle('/openapi/v3/api/v1', 'application/json', first.etag)!.status, 304);
  const stale = publisher.handle('/openapi/v3/api/v1?hash=ABC', 'application/json')!;
  assert.equal(stale.status, 301);
  assert.equal(stale.headers.Location, `/openapi/v3/api/v1?hash=${first.etag!.slice(1, -1)}`);
  assert.equal(publisher.handle('/openapi/v3/apis/nosuch.group/v1', 'application/json')!.status, 404);
  assert.equal(publisher.handle('/openapi/v4', 'application/json')!.status, 404);
  assert.equal(publisher.handle('/api/v1', 'application/json'), undefined);
  assert.equal(publisher.handle('/openapi/v2', 'application/vnd.kubernetes.protobuf')!.status, 406);
});

test('custom resources appear, change and disappear with the scheme, leaving other documents alone', () => {
  const { scheme, publisher } = setup();
  const core = publisher.handle('/openapi/v3/api/v1', 'application/json')!;
  assert.equal(body(publisher.handle('/openapi/v3', undefined)!).paths['apis/stable.example.com/v1'], undefined);

  scheme.registerResource(cronTab);
  const index = body(publisher.handle('/openapi/v3', undefined)!).paths;
  assert.ok(index['apis/stable.example.com/v1']);
  const doc = body(publisher.handle(index['apis/stable.example.com/v1'].serverRelativeURL, 'application/json')!);
  const schema = doc.components.schemas['com.example.stable.v1.CronTab'];
  assert.deepEqual(schema['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
  assert.deepEqual(schema.properties.metadata.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
  assert.equal(schema.properties.apiVersion.type, 'string');
  assert.deepEqual(schema.properties.spec.required, ['cronSpec']);
  assert.deepEqual(schema.properties.spec.properties.port, { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true });
  const list = doc.components.schemas['com.example.stable.v1.CronTabList'];
  assert.deepEqual(list.properties.items.items, { $ref: '#/components/schemas/com.example.stable.v1.CronTab' });
  const patch = doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch;
  assert.ok(patch.parameters.some((p: Json) => p.name === 'fieldValidation'));
  assert.equal(patch.requestBody.content['application/strategic-merge-patch+json'], undefined);
  assert.equal(doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status'].get.operationId, 'readStableExampleComV1NamespacedCronTabStatus');

  // core/v1 was not rebuilt: same bytes.
  assert.equal(publisher.handle('/openapi/v3/api/v1', 'application/json')!.body, core.body);

  scheme.unregisterResource(cronTab.group, cronTab.plural);
  assert.equal(body(publisher.handle('/openapi/v3', undefined)!).paths['apis/stable.example.com/v1'], undefined);
  assert.equal(publisher.handle('/openapi/v3/apis/stable.example.com/v1', 'application/json')!.status, 404);
  publisher.close();
});

test('the swagger 2.0 document has every definition with its patch metadata', () => {
  const { publisher } = setup();
  const res = publisher.handle('/openapi/v2?timeout=32s', 'application/json')!;
  assert.equal(res.status, 200);
  const doc = body(res);
  assert.equal(doc.swagger, '2.0');
  const podSpec = doc.definitions['io.k8s.api.core.v1.PodSpec'];
  assert.equal(podSpec.properties.containers['x-kubernetes-patch-merge-key'], 'name');
  assert.deepEqual(podSpec.properties.containers.items, { $ref: '#/definitions/io.k8s.api.core.v1.Container' });
  assert.equal(doc.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy['x-kubernetes-patch-strategy'], 'retainKeys');
  assert.equal(doc.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy.$ref, '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy');
  assert.deepEqual(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], {
    description: doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].description,
    format: 'int-or-string',
    type: 'string',
  });
  const patch = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
  assert.ok(patch.parameters.some((p: Json) => p.name === 'fieldValidation' && p.in === 'query' && p.type === 'string'));
  assert.ok(patch.parameters.some((p: Json) => p.in === 'body' && p.schema.$ref === '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch'));
  assert.ok(patch.consumes.includes('application/strategic-merge-patch+json'));
});

test('Accept negotiation', () => {
  assert.equal(acceptsJson(undefined), true);
  assert.equal(acceptsJson('application/json, */*'), true);
  assert.equal(acceptsJson('application/com.github.proto-openapi.spec.v2@v1.0+protobuf'), false);
  assert.equal(acceptsJson('application/com.github.proto-openapi.spec.v3@v1.0+protobuf;q=1, application/json;q=0.9'), true);
});

const kubectlAccept = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const yaml11 = (text: string): unknown => parseYaml(text, { version: '1.1' });
const extension = (s: Json, name: string): unknown => {
  const e = (s.vendorExtension ?? []).find((x: Json) => x.name === name);
  return e ? yaml11(e.value.yaml) : undefined;
};

/**
 * What kubectl does with the protobuf document before validating a List: build a model per
 * definition (kube-openapi's proto.NewOpenAPIData, which refuses the whole document over one
 * node it cannot model) and map each GVK in x-kubernetes-group-version-kind to its model.
 */
function kubectlModels(doc: Json): Map<string, Json> {
  const definitions: Json[] = doc.definitions?.additionalProperties ?? [];
  const names = new Set(definitions.map((d) => d.name));
  const fail = (path: string, why: string): never => {
    throw new Error(`SchemaError(${path}): ${why}`);
  };
  const visit = (s: Json, path: string): void => {
    if (s.default) yaml11(s.default.yaml);
    const types: string[] = s.type?.value ?? [];
    if (s.ref) {
      if (s.properties?.additionalProperties?.length) fail(path, 'unallowed embedded type definition');
      if (types.length) fail(path, "definition reference can't have a type");
      if (!s.ref.startsWith('#/definitions/')) fail(path, `unallowed reference to non-definition "${s.ref}"`);
      if (!names.has(s.ref.slice('#/definitions/'.length))) fail(path, `unknown model in reference: "${s.ref}"`);
      return;
    }
    const fields = (): void => {
      for (const p of s.properties.additionalProperties ?? []) visit(p.value ?? {}, `${path}.${p.name}`);
    };
    if (types.length > 1) fail(path, "definitions with multiple types aren't supported");
    if (types.length === 0 || types[0] === 'object') {
      if (s.properties) fields();
      else if (s.additionalProperties?.schema) visit(s.additionalProperties.schema, path);
      return;
    }
    if (types[0] === 'array') {
      if (s.items?.schema?.length !== 1) fail(path, 'array should have exactly one sub-item');
      visit(s.items.schema[0], path);
      return;
    }
    if (!['string', 'number', 'integer', 'boolean'].includes(types[0])) fail(path, `Unknown primitive type: "${types[0]}"`);
  };
  const byGvk = new Map<string, Json>();
  for (const d of definitions) {
    visit(d.value ?? {}, d.name);
    const gvks = extension(d.value ?? {}, 'x-kubernetes-group-version-kind');
    for (const gvk of Array.isArray(gvks) ? gvks : []) byGvk.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, { name: d.name, ...d.value });
  }
  return byGvk;
}

/** kubectl's check that a kind's PATCH takes fieldValidation (cli-runtime supportsQueryParam). */
function patchTakesFieldValidation(doc: Json, group: string, version: string, kind: string): boolean | undefined {
  for (const path of doc.paths?.path ?? []) {
    const gvk = extension(path.value.patch ?? {}, 'x-kubernetes-group-version-kind') as Json | undefined;
    if (!gvk || gvk.group !== group || gvk.version !== version || gvk.kind !== kind) continue;
    return path.value.patch.parameters.some((p: Json) => p.parameter?.nonBodyParameter?.queryParameterSubSchema?.name === 'fieldValidation');
  }
  return undefined;
}

test('kubectl gets the swagger document in protobuf, under the JSON form’s ETag', () => {
  const { publisher } = setup();
  const pb = publisher.handle('/openapi/v2?timeout=32s', kubectlAccept)!;
  assert.equal(pb.status, 200);
  assert.equal(pb.contentType, 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
  assert.equal(pb.headers.Vary, 'Accept');
  assert.equal(pb.headers['Cache-Control'], 'no-cache, private');
  assert.ok(pb.headers['Last-Modified']);
  const json = publisher.handle('/openapi/v2', 'application/json')!;
  assert.equal(json.contentType, 'application/json');
  assert.equal(pb.etag, json.etag);
  assert.equal(pb.etag, `"${contentHash(json.body)}"`);
  assert.equal(publisher.handle('/openapi/v2', kubectlAccept, pb.etag)!.status, 304);
  // Encoded once: later requests get the same bytes.
  assert.equal(publisher.handle('/openapi/v2', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf')!.body, pb.body);
  // Clients of servers before 1.10 asked here, with any Accept.
  assert.equal(publisher.handle('/swagger-2.0.0.pb-v1', 'application/json')!.body, pb.body);

  const doc = decodeGnosticDocument(pb.body) as Json;
  assert.equal(doc.swagger, '2.0');
  assert.equal(doc.paths.path.length, Object.keys(body(json).paths).length);
  assert.equal(doc.definitions.additionalProperties.length, Object.keys(body(json).definitions).length);
  const models = kubectlModels(doc);
  assert.equal(models.get('/v1/ConfigMap')?.name, 'io.k8s.api.core.v1.ConfigMap');
  assert.equal(models.get('apps/v1/Deployment')?.name, 'io.k8s.api.apps.v1.Deployment');
  assert.equal(models.get('batch/v1/CronJob')?.name, 'io.k8s.api.batch.v1.CronJob');
  const required = models.get('apps/v1/Deployment')!;
  assert.deepEqual(
    required.properties.additionalProperties.map((p: Json) => p.name),
    ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  );
  assert.equal(patchTakesFieldValidation(doc, '', 'v1', 'Namespace'), true);
  assert.equal(patchTakesFieldValidation(doc, 'apps', 'v1', 'Deployment'), true);
});

test('custom resources reach the protobuf document in the form kubectl can model', () => {
  const scheme = new Scheme();
  const blob: ResourceType = { ...cronTab, kind: 'Blob', listKind: 'BlobList', plural: 'blobs', singular: 'blob', shortNames: [], storagePrefix: '/registry/stable.example.com/blobs' };
  const crSchemas: Record<string, StructuralSchema> = {
    CronTab: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['cronSpec', 'maybe'],
          properties: {
            cronSpec: { type: 'string', default: 'on' },
            port: { 'x-kubernetes-int-or-string': true },
            maybe: { type: 'string', nullable: true },
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
            raw: { type: 'array', 'x-kubernetes-preserve-unknown-fields': true },
            choice: { type: 'string', anyOf: [{ enum: ['a'] }, { enum: ['b'] }] },
          },
        },
      },
    },
    Blob: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  };
  const publisher = new OpenApiPublisher(scheme, {
    schemaFor: (group, version, kind) => (group === cronTab.group ? crSchemas[kind] : builtinSchemas.schemaFor(group, version, kind)),
  });
  const before = publisher.handle('/openapi/v2', kubectlAccept)!;
  scheme.registerResource(cronTab);
  scheme.registerResource(blob);
  const after = publisher.handle('/openapi/v2', kubectlAccept)!;
  assert.notEqual(after.etag, before.etag);

  const models = kubectlModels(decodeGnosticDocument(after.body) as Json);
  const cron = models.get('stable.example.com/v1/CronTab')!;
  assert.equal(cron.name, 'com.example.stable.v1.CronTab');
  const fields = (s: Json) => Object.fromEntries(s.properties.additionalProperties.map((p: Json) => [p.name, p.value]));
  assert.deepEqual(Object.keys(fields(cron)), ['apiVersion', 'kind', 'metadata', 'spec']);
  const spec = fields(fields(cron).spec);
  assert.deepEqual(fields(cron).spec.required, ['cronSpec']);
  assert.equal(yaml11(spec.cronSpec.default.yaml), 'on');
  assert.deepEqual(spec.maybe, {});
  assert.equal(spec.free.properties, undefined);
  assert.equal(spec.raw.type, undefined);
  assert.deepEqual(spec.choice, { type: { value: ['string'] } });
  assert.equal(models.get('stable.example.com/v1/CronTabList')?.name, 'com.example.stable.v1.CronTabList');
  // Blob keeps unknown fields at its root: a bare object, so kubectl checks none of its fields.
  const blobModel = models.get('stable.example.com/v1/Blob')!;
  assert.deepEqual(blobModel.type, { value: ['object'] });
  assert.equal(blobModel.properties, undefined);

  // The JSON form is the same document.
  const json = body(publisher.handle('/openapi/v2', 'application/json')!);
  assert.equal(`"${contentHash(publisher.handle('/openapi/v2', 'application/json')!.body)}"`, after.etag);
  assert.deepEqual(json.definitions['com.example.stable.v1.Blob'], {
    type: 'object',
    'x-kubernetes-group-version-kind': [{ group: 'stable.example.com', kind: 'Blob', version: 'v1' }],
  });
  assert.equal(json.definitions['com.example.stable.v1.CronTab'].properties.spec.properties.choice.anyOf, undefined);
  publisher.close();
});

test('the protobuf form built after a JSON request is the same document', () => {
  const first = setup().publisher;
  const jsonFirst = first.handle('/openapi/v2', 'application/json')!;
  const pbAfterJson = first.handle('/openapi/v2', kubectlAccept)!;
  const pbOnly = setup().publisher.handle('/openapi/v2', kubectlAccept)!;
  assert.equal(pbAfterJson.etag, jsonFirst.etag);
  assert.ok(pbAfterJson.body.equals(pbOnly.body));
});
