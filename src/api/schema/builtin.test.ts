import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinResources } from '../scheme.js';
import { builtinSchemas, BuiltinSchemas, packageOf, shortDefinitionName } from './builtin.js';
import { definitionNode, type StructuralSchema } from './structural.js';
import { parseDeclaration, readModel, unescapeDoc } from './client-node-models.js';

function at(node: StructuralSchema | undefined, ...path: string[]): StructuralSchema {
  let n = node;
  for (const p of path) {
    assert.ok(n, `no schema before ${p}`);
    n = p === '[]' ? n.items : p === '{}' ? (n.additionalProperties as StructuralSchema) : n.properties?.[p];
  }
  assert.ok(n, `no schema at ${path.join('.')}`);
  return n;
}

const pod = () => builtinSchemas.schemaFor('', 'v1', 'Pod')!;

test('every built-in kind and version has a schema carrying its GVK', () => {
  for (const r of builtinResources) {
    for (const version of r.versions) {
      const schema = builtinSchemas.schemaFor(r.group, version, r.kind);
      assert.ok(schema, `${r.group}/${version} ${r.kind}`);
      assert.deepEqual(schema['x-kubernetes-group-version-kind'], [{ group: r.group, kind: r.kind, version }]);
      assert.ok(schema.properties?.apiVersion && schema.properties.kind, `${r.kind} has TypeMeta`);
      if (!r.virtual) assert.ok(builtinSchemas.schemaFor(r.group, version, r.listKind), `${r.listKind}`);
    }
  }
});

test('kinds resolve to their own group: core and events.k8s.io Events, autoscaling v1 and v2', () => {
  assert.equal(builtinSchemas.schemaFor('', 'v1', 'Event')!['x-kubelite-definition'], 'io.k8s.api.core.v1.Event');
  assert.equal(builtinSchemas.schemaFor('events.k8s.io', 'v1', 'Event')!['x-kubelite-definition'], 'io.k8s.api.events.v1.Event');
  const v1 = builtinSchemas.schemaFor('autoscaling', 'v1', 'HorizontalPodAutoscaler')!;
  const v2 = builtinSchemas.schemaFor('autoscaling', 'v2', 'HorizontalPodAutoscaler')!;
  assert.ok(at(v1, 'spec').properties!.targetCPUUtilizationPercentage);
  assert.ok(at(v2, 'spec').properties!.metrics);
  assert.equal(builtinSchemas.schemaFor('apps', 'v1', 'Pod'), undefined);
  assert.equal(builtinSchemas.schemaFor('', 'v1', 'NoSuchKind'), undefined);
  assert.equal(builtinSchemas.schemaFor('example.com', 'v1', 'Pod'), undefined);
});

test('subresource and meta kinds: Scale, Eviction, Binding, DeleteOptions, Status', () => {
  assert.equal(builtinSchemas.schemaFor('autoscaling', 'v1', 'Scale')!['x-kubelite-definition'], 'io.k8s.api.autoscaling.v1.Scale');
  assert.equal(builtinSchemas.schemaFor('policy', 'v1', 'Eviction')!['x-kubelite-definition'], 'io.k8s.api.policy.v1.Eviction');
  assert.equal(builtinSchemas.schemaFor('', 'v1', 'Binding')!['x-kubelite-definition'], 'io.k8s.api.core.v1.Binding');
  const del = builtinSchemas.definition('io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions')!;
  assert.ok(del.properties!.propagationPolicy);
  assert.ok(del['x-kubernetes-group-version-kind']!.some((g) => g.group === 'apps' && g.version === 'v1'));
  const status = builtinSchemas.definition('io.k8s.apimachinery.pkg.apis.meta.v1.Status')!;
  assert.deepEqual(status['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Status', version: 'v1' }]);
  assert.equal(at(status, 'details')['x-kubelite-definition'], 'io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails');
});

test('shared types are named after the package that defines them', () => {
  const deploy = builtinSchemas.schemaFor('apps', 'v1', 'Deployment')!;
  assert.equal(at(deploy, 'spec')['x-kubelite-definition'], 'io.k8s.api.apps.v1.DeploymentSpec');
  assert.equal(at(deploy, 'spec', 'template')['x-kubelite-definition'], 'io.k8s.api.core.v1.PodTemplateSpec');
  assert.equal(at(deploy, 'spec', 'template', 'spec')['x-kubelite-definition'], 'io.k8s.api.core.v1.PodSpec');
  assert.equal(at(deploy, 'spec', 'selector')['x-kubelite-definition'], 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector');
  assert.equal(at(deploy, 'metadata')['x-kubelite-definition'], 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  const sc = builtinSchemas.schemaFor('storage.k8s.io', 'v1', 'StorageClass')!;
  assert.equal(at(sc, 'allowedTopologies', '[]')['x-kubelite-definition'], 'io.k8s.api.core.v1.TopologySelectorTerm');
  const slice = builtinSchemas.schemaFor('discovery.k8s.io', 'v1', 'EndpointSlice')!;
  assert.equal(at(slice, 'ports', '[]')['x-kubelite-definition'], 'io.k8s.api.discovery.v1.EndpointPort');
  assert.equal(at(slice, 'endpoints', '[]', 'targetRef')['x-kubelite-definition'], 'io.k8s.api.core.v1.ObjectReference');
});

test('strategic merge keys and list types of the pod template', () => {
  const spec = at(pod(), 'spec');
  const containers = at(spec, 'containers');
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers['x-kubernetes-list-type'], 'map');
  assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
  const container = at(containers, '[]');
  assert.deepEqual(at(container, 'ports')['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.equal(at(container, 'ports')['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.equal(at(container, 'env')['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(at(container, 'volumeMounts')['x-kubernetes-patch-merge-key'], 'mountPath');
  assert.equal(at(container, 'volumeDevices')['x-kubernetes-patch-merge-key'], 'devicePath');
  assert.equal(at(container, 'command')['x-kubernetes-list-type'], 'atomic');
  assert.equal(at(spec, 'volumes')['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.equal(at(spec, 'initContainers')['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(at(spec, 'ephemeralContainers')['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(at(spec, 'imagePullSecrets')['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(at(spec, 'hostAliases')['x-kubernetes-patch-merge-key'], 'ip');
  assert.equal(at(spec, 'tolerations')['x-kubernetes-list-type'], 'atomic');
  assert.equal(at(spec, 'tolerations')['x-kubernetes-patch-merge-key'], undefined);
  assert.deepEqual(at(spec, 'topologySpreadConstraints')['x-kubernetes-list-map-keys'], ['topologyKey', 'whenUnsatisfiable']);
  assert.equal(at(spec, 'nodeSelector')['x-kubernetes-map-type'], 'atomic');
  assert.equal(at(pod(), 'status', 'conditions')['x-kubernetes-patch-merge-key'], 'type');
  assert.equal(at(pod(), 'status', 'podIPs')['x-kubernetes-patch-merge-key'], 'ip');
});

test('metadata, services, deployments and PDBs carry their declared semantics', () => {
  const meta = at(pod(), 'metadata');
  assert.equal(at(meta, 'ownerReferences')['x-kubernetes-patch-merge-key'], 'uid');
  assert.deepEqual(at(meta, 'ownerReferences')['x-kubernetes-list-map-keys'], ['uid']);
  assert.equal(at(meta, 'finalizers')['x-kubernetes-list-type'], 'set');
  assert.equal(at(meta, 'finalizers')['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(at(meta, 'managedFields')['x-kubernetes-list-type'], 'atomic');
  assert.equal(at(meta, 'ownerReferences', '[]')['x-kubernetes-map-type'], 'atomic');
  const svc = builtinSchemas.schemaFor('', 'v1', 'Service')!;
  assert.equal(at(svc, 'spec', 'ports')['x-kubernetes-patch-merge-key'], 'port');
  assert.deepEqual(at(svc, 'spec', 'ports')['x-kubernetes-list-map-keys'], ['port', 'protocol']);
  const deploy = builtinSchemas.schemaFor('apps', 'v1', 'Deployment')!;
  const strategy = at(deploy, 'spec', 'strategy');
  assert.equal(strategy['x-kubernetes-patch-strategy'], 'retainKeys');
  // The override lives on the property only; the shared definition stays plain.
  assert.equal(definitionNode(strategy)!['x-kubernetes-patch-strategy'], undefined);
  assert.equal(at(deploy, 'spec', 'selector')['x-kubernetes-map-type'], 'atomic');
  assert.equal(at(deploy, 'status', 'conditions')['x-kubernetes-patch-merge-key'], 'type');
  const pdb = builtinSchemas.schemaFor('policy', 'v1', 'PodDisruptionBudget')!;
  assert.equal(at(pdb, 'spec', 'selector')['x-kubernetes-patch-strategy'], 'replace');
  const pv = builtinSchemas.schemaFor('', 'v1', 'PersistentVolume')!;
  assert.equal(at(pv, 'spec', 'claimRef')['x-kubernetes-map-type'], 'granular');
  assert.equal(definitionNode(at(pv, 'spec', 'claimRef'))!['x-kubernetes-map-type'], 'atomic');
});

test('named scalars: IntOrString, Quantity, Time, MicroTime, RawExtension, bytes', () => {
  const deploy = builtinSchemas.schemaFor('apps', 'v1', 'Deployment')!;
  const maxSurge = at(deploy, 'spec', 'strategy', 'rollingUpdate', 'maxSurge');
  assert.equal(maxSurge['x-kubernetes-int-or-string'], true);
  assert.equal(maxSurge.type, undefined);
  const limits = at(pod(), 'spec', 'containers', '[]', 'resources', 'limits');
  assert.equal(limits.type, 'object');
  assert.equal(at(limits, '{}')['x-kubernetes-int-or-string'], true);
  assert.ok(new RegExp(at(limits, '{}').pattern!).test('100m'));
  assert.ok(!new RegExp(at(limits, '{}').pattern!).test('ten'));
  assert.equal(at(pod(), 'spec', 'volumes', '[]', 'emptyDir', 'sizeLimit')['x-kubernetes-int-or-string'], true);
  const created = at(pod(), 'metadata', 'creationTimestamp');
  assert.equal(created.type, 'string');
  assert.equal(created.format, 'date-time');
  const lease = builtinSchemas.schemaFor('coordination.k8s.io', 'v1', 'Lease')!;
  assert.equal(definitionNode(at(lease, 'spec', 'renewTime'))!['x-kubelite-definition'], 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime');
  const rev = builtinSchemas.schemaFor('apps', 'v1', 'ControllerRevision')!;
  assert.equal(at(rev, 'data')['x-kubernetes-preserve-unknown-fields'], true);
  const secret = builtinSchemas.schemaFor('', 'v1', 'Secret')!;
  assert.equal(at(secret, 'data', '{}').format, 'byte');
  assert.equal(at(pod(), 'spec', 'securityContext', 'supplementalGroups', '[]').format, 'int64');
});

test('the schema is Kubernetes 1.32: fields and requirements of later models are undone', () => {
  const container = at(pod(), 'spec', 'containers', '[]');
  assert.equal(container.properties!.restartPolicyRules, undefined);
  assert.equal(at(pod(), 'spec').properties!.hostnameOverride, undefined);
  assert.equal(at(pod(), 'status').properties!.observedGeneration, undefined);
  assert.ok(container.required!.includes('name'));
  const sts = builtinSchemas.schemaFor('apps', 'v1', 'StatefulSet')!;
  assert.deepEqual([...at(sts, 'spec').required!].sort(), ['selector', 'serviceName', 'template']);
  const netpol = builtinSchemas.schemaFor('networking.k8s.io', 'v1', 'NetworkPolicy')!;
  assert.deepEqual(at(netpol, 'spec').required, ['podSelector']);
});

test('enums and their Go types', () => {
  const policy = at(pod(), 'spec', 'containers', '[]', 'imagePullPolicy');
  assert.deepEqual(policy.enum, ['Always', 'IfNotPresent', 'Never']);
  assert.equal(policy['x-kubelite-go-type'], 'v1.PullPolicy');
  assert.deepEqual(at(pod(), 'spec', 'restartPolicy').enum, ['Always', 'Never', 'OnFailure']);
  const pvc = builtinSchemas.schemaFor('', 'v1', 'PersistentVolumeClaim')!;
  assert.deepEqual(at(pvc, 'spec', 'accessModes', '[]').enum, ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod']);
});

test('recursive types form a cycle instead of recursing forever', () => {
  const crd = builtinSchemas.schemaFor('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')!;
  const props = at(crd, 'spec', 'versions', '[]', 'schema', 'openAPIV3Schema');
  assert.equal(definitionNode(at(props, 'properties', '{}')), definitionNode(props));
  assert.equal(at(props, 'x-kubernetes-validations')['x-kubernetes-patch-merge-key'], 'rule');
  assert.equal(at(props, 'default')['x-kubernetes-preserve-unknown-fields'], true);
});

test('descriptions come from the models, and metadata has the standard one', () => {
  assert.match(at(pod(), 'spec', 'containers').description!, /^List of containers belonging to the pod/);
  assert.match(at(pod(), 'metadata').description!, /^Standard object's metadata/);
  assert.match(pod().description!, /^Pod is a collection of containers/);
});

test('a fresh provider builds a Pod schema on first use', () => {
  const fresh = new BuiltinSchemas();
  assert.ok(fresh.schemaFor('', 'v1', 'Pod'));
});

test('package and definition names', () => {
  assert.equal(packageOf('', 'v1'), 'io.k8s.api.core.v1');
  assert.equal(packageOf('rbac.authorization.k8s.io', 'v1'), 'io.k8s.api.rbac.v1');
  assert.equal(packageOf('apiextensions.k8s.io', 'v1'), 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1');
  assert.equal(shortDefinitionName('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'), 'meta.v1.ObjectMeta');
});

test('model files: declarations, escapes and required fields', () => {
  const dts = [
    '/**',
    '* Thing is a thing.',
    '*/',
    'export declare class V1Thing {',
    '    /**',
    "    * The pod\\'s \\\"name\\\".",
    '    */',
    "    'name': string;",
    "    'spec'?: V1ThingSpec;",
    '}',
  ].join('\n');
  const decl = parseDeclaration(dts, 'V1Thing');
  assert.equal(decl.classDescription, 'Thing is a thing.');
  assert.deepEqual(decl.fields.get('name'), { description: 'The pod\'s "name".', required: true });
  assert.deepEqual(decl.fields.get('spec'), { description: undefined, required: false });
  assert.equal(unescapeDoc("If \\&#39;true\\&#39;"), "If 'true'");
  const container = readModel('V1Container')!;
  assert.equal(container.attributes.find((a) => a.name === 'ports')!.type, 'Array<V1ContainerPort>');
  assert.equal(readModel('NoSuchModel'), undefined);
});
