import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageSpec, WireSchema } from './wire-schema.js';
import { messageForKind, parseWireSchema } from './wire-schema.js';
import { schemaTexts } from './schema/index.js';

const sample = `
package demo.v1 demo.example.com/v1
@Widget
  metadata 1 meta.v1.ObjectMeta ?
  spec 2 WidgetSpec ?
WidgetSpec
  size 1 int32
  labels 2 map<string> ?
  parts 3 Part[] ?
  limit 4 Quantity ?*
  source 5 Source ^
Part
  name 1 string
Source
  url 1 string ?
Names = string[]
package meta.v1
ObjectMeta
  name 1 string ?
`;

test('the schema text reads into messages, fields and kinds', () => {
  const schema = parseWireSchema([sample]);
  assert.deepEqual(schema.kinds, [{ apiVersion: 'demo.example.com/v1', kind: 'Widget', message: 'demo.v1.Widget' }]);
  const spec = schema.messages.get('demo.v1.WidgetSpec')!;
  assert.deepEqual(
    spec.fields.map((f) => [f.name, f.number, f.type, f.cardinality, f.omitEmpty, f.pointer, f.inline]),
    [
      ['size', 1, 'int32', 'single', false, false, false],
      ['labels', 2, 'string', 'map', true, false, false],
      ['parts', 3, 'demo.v1.Part', 'list', true, false, false],
      ['limit', 4, 'Quantity', 'single', true, true, false],
      ['source', 5, 'demo.v1.Source', 'single', false, false, true],
    ],
  );
  assert.equal(schema.messages.get('demo.v1.Names')!.listOf, 'string');
  assert.equal(messageForKind(schema, 'demo.example.com/v1', 'Widget'), 'demo.v1.Widget');
  assert.equal(messageForKind(schema, 'demo.example.com/v2', 'Widget'), undefined);
});

test('a dangling type, a reused field number or a stray line is refused', () => {
  assert.throws(() => parseWireSchema(['package a.v1\nX\n  y 1 Missing']), /unknown type a\.v1\.Missing/);
  assert.throws(() => parseWireSchema(['package a.v1\nX\n  y 1 string\n  z 1 string']), /field number 1 used twice/);
  assert.throws(() => parseWireSchema(['package a.v1\nX\n y 1 string']), /not understood/);
  assert.throws(() => parseWireSchema(['package a.v1\nX\nX']), /defined twice/);
});

const schema = parseWireSchema(schemaTexts);

/** JSON keys of a message with embedded structs expanded, as Go's encoder sees them. */
function jsonKeys(s: WireSchema, msg: MessageSpec): string[] {
  return msg.fields.flatMap((f) => (f.inline ? jsonKeys(s, s.messages.get(f.type)!) : [f.name]));
}

test('the built-in schema covers every kind kubectl 1.32 sends as protobuf', () => {
  const sent = [
    ['v1', 'Namespace'],
    ['v1', 'ConfigMap'],
    ['v1', 'Secret'],
    ['v1', 'Service'],
    ['v1', 'ServiceAccount'],
    ['v1', 'ResourceQuota'],
    ['v1', 'Pod'],
    ['apps/v1', 'Deployment'],
    ['batch/v1', 'Job'],
    ['batch/v1', 'CronJob'],
    ['rbac.authorization.k8s.io/v1', 'Role'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
    ['scheduling.k8s.io/v1', 'PriorityClass'],
    ['policy/v1', 'PodDisruptionBudget'],
    ['networking.k8s.io/v1', 'Ingress'],
    ['authentication.k8s.io/v1', 'TokenRequest'],
    ['authentication.k8s.io/v1', 'SelfSubjectReview'],
    ['authorization.k8s.io/v1', 'SelfSubjectAccessReview'],
    ['authorization.k8s.io/v1', 'SelfSubjectRulesReview'],
    ['autoscaling/v1', 'HorizontalPodAutoscaler'],
    ['certificates.k8s.io/v1', 'CertificateSigningRequest'],
  ];
  for (const [apiVersion, kind] of sent) assert.ok(messageForKind(schema, apiVersion, kind), `${apiVersion} ${kind}`);
  // Client-go's typed Delete sends DeleteOptions in whatever group version it talks to.
  assert.equal(messageForKind(schema, 'apps/v1', 'DeleteOptions'), 'meta.v1.DeleteOptions');
});

test('the full PodSpec tree is there, with every volume source', () => {
  const volumeSource = jsonKeys(schema, schema.messages.get('core.v1.VolumeSource')!);
  for (const source of ['hostPath', 'emptyDir', 'secret', 'configMap', 'persistentVolumeClaim', 'projected', 'csi', 'ephemeral', 'image', 'nfs', 'downwardAPI', 'iscsi']) {
    assert.ok(volumeSource.includes(source), source);
  }
  const container = jsonKeys(schema, schema.messages.get('core.v1.Container')!);
  assert.deepEqual(container.slice(0, 5), ['name', 'image', 'command', 'args', 'workingDir']);
  assert.ok(jsonKeys(schema, schema.messages.get('core.v1.Volume')!).includes('hostPath'), 'VolumeSource is embedded in Volume');
});

test('no message of the built-in schema writes a JSON key twice', () => {
  for (const msg of schema.messages.values()) {
    const keys = jsonKeys(schema, msg);
    assert.equal(new Set(keys).size, keys.length, msg.name);
  }
});
