import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheme } from '../../api/scheme.js';
import { builtinSchemas } from '../../api/schema/builtin.js';
import { definitionWithOverrides } from '../../api/schema/structural.js';
import { groupIdentifier, parameterSpec, resourcePaths, tagOf } from './operations.js';
import { ComponentWriter } from './components.js';

const scheme = new Scheme();

test('group identifiers and tags follow the API server naming', () => {
  assert.equal(groupIdentifier(''), 'core');
  assert.equal(groupIdentifier('rbac.authorization.k8s.io'), 'rbacAuthorization');
  assert.equal(groupIdentifier('apiextensions.k8s.io'), 'apiextensions');
  assert.equal(groupIdentifier('stable.example.com'), 'stableExampleCom');
  assert.equal(tagOf('networking.k8s.io', 'v1'), 'networking_v1');
});

test('operation ids, actions and paths of a namespaced and a cluster-scoped resource', () => {
  const pods = resourcePaths(scheme.resource('', 'v1', 'pods')!, 'v1');
  const ids = pods.flatMap((p) => p.operations.map((o) => `${o.method} ${p.path} ${o.operationId} ${o.action}`));
  assert.ok(ids.includes('get /api/v1/namespaces/{namespace}/pods listCoreV1NamespacedPod list'));
  assert.ok(ids.includes('post /api/v1/namespaces/{namespace}/pods createCoreV1NamespacedPod post'));
  assert.ok(ids.includes('delete /api/v1/namespaces/{namespace}/pods deleteCoreV1CollectionNamespacedPod deletecollection'));
  assert.ok(ids.includes('patch /api/v1/namespaces/{namespace}/pods/{name}/status patchCoreV1NamespacedPodStatus patch'));
  assert.ok(ids.includes('get /api/v1/watch/namespaces/{namespace}/pods watchCoreV1NamespacedPodList watchlist'));
  assert.ok(ids.includes('get /api/v1/pods listCoreV1PodForAllNamespaces list'));
  assert.ok(ids.includes('post /api/v1/namespaces/{namespace}/pods/{name}/binding createCoreV1NamespacedPodBinding post'));
  const roles = resourcePaths(scheme.resource('rbac.authorization.k8s.io', 'v1', 'clusterroles')!, 'v1');
  assert.deepEqual(roles.map((p) => p.path), [
    '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    '/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}',
    '/apis/rbac.authorization.k8s.io/v1/watch/clusterroles',
    '/apis/rbac.authorization.k8s.io/v1/watch/clusterroles/{name}',
  ]);
  assert.equal(roles[1].operations.find((o) => o.method === 'put')!.operationId, 'replaceRbacAuthorizationV1ClusterRole');
  const reviews = resourcePaths(scheme.resource('authorization.k8s.io', 'v1', 'subjectaccessreviews')!, 'v1');
  assert.deepEqual(reviews.map((p) => p.operations.map((o) => o.method)), [['post']]);
});

test('parameters carry the generated client documentation', () => {
  const validation = parameterSpec('fieldValidation', 'patch');
  assert.equal(validation.in, 'query');
  assert.equal(validation.type, 'string');
  assert.match(validation.description, /^fieldValidation instructs the server/);
  assert.equal(parameterSpec('force', 'patch').type, 'boolean');
  assert.equal(parameterSpec('limit', 'list').type, 'integer');
  assert.match(parameterSpec('fieldManager', 'patch').description, /required for apply requests/);
  assert.deepEqual(parameterSpec('name', 'get', 'name of the Pod'), { name: 'name', in: 'path', type: 'string', required: true, description: 'name of the Pod' });
});

test('component writer: $refs, property overrides and named scalars per dialect', () => {
  const v3 = new ComponentWriter('v3');
  const strategy = builtinSchemas.schemaFor('apps', 'v1', 'Deployment')!.properties!.spec.properties!.strategy;
  assert.deepEqual(Object.keys(v3.schema(strategy)).sort(), ['allOf', 'description', 'x-kubernetes-patch-strategy']);
  assert.ok(v3.all()['io.k8s.api.apps.v1.DeploymentStrategy'], 'the referenced definition is written');
  const quantity = builtinSchemas.definition('io.k8s.apimachinery.pkg.api.resource.Quantity')!;
  v3.ref(quantity);
  assert.deepEqual((v3.all()['io.k8s.apimachinery.pkg.api.resource.Quantity'] as { oneOf: unknown }).oneOf, [{ type: 'string' }, { type: 'number' }]);
  const v2 = new ComponentWriter('v2');
  const objectMeta = builtinSchemas.definition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')!;
  assert.deepEqual(v2.schema(definitionWithOverrides(objectMeta, { description: 'meta' })), {
    $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    description: 'meta',
  });
  v2.ref(quantity);
  assert.equal((v2.all()['io.k8s.apimachinery.pkg.api.resource.Quantity'] as { type: string }).type, 'string');
});
