import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageToGoJson } from './go-json.js';
import { buildProtobufTypes } from './protobuf-types.js';
import { schemaTexts } from './schema/index.js';
import { parseWireSchema } from './wire-schema.js';

const schema = parseWireSchema(schemaTexts);
const types = buildProtobufTypes(schema);

/** Encodes a message the way a Go client would, then renders what the server would see. */
function roundTrip(message: string, fields: Record<string, unknown>): unknown {
  const type = types.type(message);
  const bytes = type.encode(type.fromObject(fields)).finish();
  return messageToGoJson(schema, message, type.decode(bytes) as unknown as Record<string, unknown>);
}

/** Renders raw wire bytes, for shapes protobufjs's encoder would not produce on its own. */
function fromWire(message: string, bytes: number[]): unknown {
  return messageToGoJson(schema, message, types.type(message).decode(Uint8Array.from(bytes)) as unknown as Record<string, unknown>);
}

test('scalars without omitempty appear at their zero value; with omitempty they do not', () => {
  // ContainerPort.containerPort has no omitempty, hostPort and protocol do.
  assert.deepEqual(roundTrip('core.v1.ContainerPort', {}), { containerPort: 0 });
  assert.deepEqual(roundTrip('core.v1.ContainerPort', { containerPort: 80, protocol: 'TCP' }), { containerPort: 80, protocol: 'TCP' });
});

test('a pointer that was sent keeps its zero value; one not sent is left out', () => {
  // DeploymentSpec.replicas is *int32 with omitempty.
  const sent = roundTrip('apps.v1.DeploymentSpec', { replicas: 0 }) as Record<string, unknown>;
  assert.equal(sent.replicas, 0);
  const absent = roundTrip('apps.v1.DeploymentSpec', {}) as Record<string, unknown>;
  assert.ok(!('replicas' in absent));
  // Value structs are never omitted, and show up as {} when empty.
  assert.deepEqual(absent, { selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} });
});

test('a nil slice or map is null without omitempty and left out with it', () => {
  // PolicyRule.verbs has no omitempty; apiGroups has.
  assert.deepEqual(roundTrip('rbac.v1.PolicyRule', {}), { verbs: null });
  assert.deepEqual(roundTrip('rbac.v1.PolicyRule', { verbs: ['get'], apiGroups: [''] }), { verbs: ['get'], apiGroups: [''] });
  assert.deepEqual(roundTrip('core.v1.ConfigMap', {}), { metadata: { creationTimestamp: null } });
});

test('map keys come out sorted, as encoding/json writes them', () => {
  const out = roundTrip('core.v1.ConfigMap', { data: { b: '2', a: '1', B: '0' } }) as { data: Record<string, string> };
  assert.deepEqual(Object.keys(out.data), ['B', 'a', 'b']);
});

test('bytes render as base64; Secret data keeps empty values', () => {
  const out = roundTrip('core.v1.Secret', { data: { key: Buffer.from('hello'), empty: Buffer.alloc(0) } });
  assert.deepEqual(out, { metadata: { creationTimestamp: null }, data: { empty: '', key: 'aGVsbG8=' } });
  // CertificateSigningRequestSpec.request is []byte without omitempty: nil is null, sent-but-empty is "".
  assert.equal((roundTrip('certificates.v1.CertificateSigningRequestSpec', {}) as Record<string, unknown>).request, null);
  assert.equal((fromWire('certificates.v1.CertificateSigningRequestSpec', [0x0a, 0x00]) as Record<string, unknown>).request, '');
});

test('metav1.Time: an empty message is null, a set one drops its nanoseconds', () => {
  assert.deepEqual(roundTrip('meta.v1.ObjectMeta', { creationTimestamp: {} }), { creationTimestamp: null });
  const set = roundTrip('meta.v1.ObjectMeta', { creationTimestamp: { seconds: 1704067200, nanos: 999 }, deletionTimestamp: { seconds: 0 } });
  assert.deepEqual(set, { creationTimestamp: '2024-01-01T00:00:00Z', deletionTimestamp: '1970-01-01T00:00:00Z' });
});

test('metav1.MicroTime keeps microseconds', () => {
  const out = roundTrip('coordination.v1.LeaseSpec', { renewTime: { seconds: 1704067200, nanos: 123456789 } }) as Record<string, unknown>;
  assert.equal(out.renewTime, '2024-01-01T00:00:00.123456Z');
});

test('IntOrString becomes a number or a string by its type', () => {
  assert.deepEqual(roundTrip('core.v1.ServicePort', { port: 80, targetPort: { type: 0, intVal: 8080 } }), { port: 80, targetPort: 8080 });
  assert.deepEqual(roundTrip('core.v1.ServicePort', { port: 80, targetPort: { type: 1, strVal: 'http' } }), { port: 80, targetPort: 'http' });
  // A value IntOrString that was never sent is Go's zero: the number 0.
  assert.deepEqual(roundTrip('core.v1.ServicePort', { port: 80 }), { port: 80, targetPort: 0 });
  assert.throws(() => roundTrip('core.v1.ServicePort', { targetPort: { type: 2 } }), /impossible IntOrString\.Type/);
});

test('Quantity keeps its string, "0" when empty, and refuses a malformed one', () => {
  const out = roundTrip('core.v1.ResourceRequirements', { limits: { cpu: { string: '500m' }, memory: {} } });
  assert.deepEqual(out, { limits: { cpu: '500m', memory: '0' } });
  assert.throws(() => roundTrip('core.v1.ResourceRequirements', { limits: { cpu: { string: 'lots' } } }), /quantities must match/);
});

test('embedded structs add their fields to the parent object, in Go field order', () => {
  const out = roundTrip('core.v1.Volume', { name: 'data', volumeSource: { emptyDir: { medium: 'Memory' } } });
  assert.deepEqual(out, { name: 'data', emptyDir: { medium: 'Memory' } });
  const probe = roundTrip('core.v1.Probe', { handler: { exec: { command: ['true'] } }, periodSeconds: 5 });
  assert.equal(JSON.stringify(probe), '{"exec":{"command":["true"]},"periodSeconds":5}');
});

test('named slices such as ExtraValue become arrays, empty ones []', () => {
  const out = roundTrip('authentication.v1.UserInfo', { extra: { scopes: { items: ['a', 'b'] }, none: {} } });
  assert.deepEqual(out, { extra: { none: [], scopes: ['a', 'b'] } });
});

test('RawExtension passes its JSON through, and refuses bytes that are not JSON', () => {
  const data = Buffer.from('{"spec":{"template":{}}}');
  const out = roundTrip('apps.v1.ControllerRevision', { revision: 2, data: { raw: data } }) as Record<string, unknown>;
  assert.deepEqual(out.data, { spec: { template: {} } });
  assert.equal((roundTrip('apps.v1.ControllerRevision', {}) as Record<string, unknown>).data, null);
  assert.throws(() => roundTrip('apps.v1.ControllerRevision', { data: { raw: Buffer.from([1, 2]) } }), /RawExtension does not hold JSON/);
});

test('int64 fields are numbers, even past 2^53 (rounded as JSON.parse would)', () => {
  const out = roundTrip('meta.v1.ObjectMeta', { generation: '9223372036854775807' }) as Record<string, unknown>;
  assert.equal(out.generation, 9223372036854775807);
});

test('a label key "__proto__" stays an ordinary key', () => {
  const out = roundTrip('meta.v1.ObjectMeta', { labels: { ['__proto__']: 'x' } }) as { labels: Record<string, string> };
  assert.deepEqual(Object.keys(out.labels), ['__proto__']);
  assert.equal(JSON.stringify(out.labels), '{"__proto__":"x"}');
});
