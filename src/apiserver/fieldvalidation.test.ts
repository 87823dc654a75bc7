import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinSchemas } from '../api/schema/builtin.js';
import type { StructuralSchema } from '../api/schema/structural.js';
import {
  base64Error,
  checkFields,
  fieldValidationOutcome,
  findDuplicateKeys,
  mayHaveDuplicateKeys,
  prune,
  quantitySyntaxError,
  rfc3339Error,
  strictDecodingMessage,
} from './fieldvalidation.js';

const deploymentSchema = builtinSchemas.schemaFor('apps', 'v1', 'Deployment')!;
const podSchema = builtinSchemas.schemaFor('', 'v1', 'Pod')!;

function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { a: 'b' }, resourceVersion: '5', finalizers: ['x'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'c',
              image: 'nginx',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.1 } },
              livenessProbe: { httpGet: { path: '/', port: 'http' } },
            },
          ],
          volumes: [{ name: 'v', emptyDir: { sizeLimit: '1Gi' } }],
        },
      },
    },
    status: { replicas: 2, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2024-01-02T03:04:05Z' }] },
  };
}

test('a valid Deployment has nothing to report', () => {
  assert.deepEqual(checkFields(deploymentSchema, deployment()), { unknownFields: [], duplicateFields: [] });
});

test('unknown fields are reported with the decoder paths, in document order', () => {
  const d = deployment();
  d.spec.foo = 'bar';
  d.spec.template.spec.containers[0].imagee = 'nginx';
  d.spec.template.spec.containers[0].ports[0].hostport = 1;
  d.metadata.labelz = {};
  d.Spec = {};
  const check = checkFields(deploymentSchema, d, { kind: 'Deployment', version: 'v1' });
  // Keys added above come last in their object, as they would in the JSON text.
  assert.deepEqual(check.unknownFields, [
    'metadata.labelz',
    'spec.template.spec.containers[0].ports[0].hostport',
    'spec.template.spec.containers[0].imagee',
    'spec.foo',
    'Spec',
  ]);
  assert.equal(check.decodeError, undefined);
  assert.equal(
    strictDecodingMessage(check),
    'strict decoding error: unknown field "metadata.labelz", unknown field "spec.template.spec.containers[0].ports[0].hostport", unknown field "spec.template.spec.containers[0].imagee", unknown field "spec.foo", unknown field "Spec"',
  );
});

test('under a map the key is part of the path', () => {
  const crd = builtinSchemas.schemaFor('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')!;
  const body = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      names: { plural: 'crontabs', kind: 'CronTab' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', typo: 1, default: { any: ['thing'] } } } } } }],
    },
  };
  assert.deepEqual(checkFields(crd, body).unknownFields, ['spec.versions[0].schema.openAPIV3Schema.properties.spec.typo']);
});

test('strict mode fails a create with the API server message; warn mode warns per field', () => {
  const d = deployment();
  d.spec.foo = 1;
  const check = checkFields(deploymentSchema, d);
  const strict = fieldValidationOutcome(check, 'Strict', { kind: 'Deployment', version: 'v1', request: 'body' });
  assert.equal(strict.error?.code, 400);
  assert.equal(strict.error?.reason, 'BadRequest');
  assert.equal(strict.error?.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"');
  assert.deepEqual(fieldValidationOutcome(check, 'Warn', { kind: 'Deployment', version: 'v1', request: 'body' }), { warnings: ['unknown field "spec.foo"'] });
  assert.deepEqual(fieldValidationOutcome(check, 'Ignore', { kind: 'Deployment', version: 'v1', request: 'body' }), { warnings: [] });
  const patch = fieldValidationOutcome(check, 'Strict', { kind: 'Deployment', version: 'v1', request: 'patch' });
  assert.equal(patch.error?.message, 'strict decoding error: unknown field "spec.foo"');
});

test('duplicate keys are found in the raw body, with list indices in the path', () => {
  const raw = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","name":"b","labels":{"x":"1","x":"2"}},' +
    '"spec":{"containers":[{"name":"c","image":"i"},{"name":"d","image":"i","image":"j"}]}}';
  const body = JSON.parse(raw);
  const check = checkFields(podSchema, body, { raw });
  assert.deepEqual(check.duplicateFields, ['metadata.name', 'metadata.labels.x', 'spec.containers[1].image']);
  assert.equal(
    strictDecodingMessage(check),
    'strict decoding error: duplicate field "metadata.name", duplicate field "metadata.labels.x", duplicate field "spec.containers[1].image"',
  );
  assert.deepEqual(findDuplicateKeys(Buffer.from('{"a":{"b\\"c":1,"b\\"c":2},"é":[{"k":1,"k":2}]}')), ['a.b"c', 'é[0].k']);
  assert.deepEqual(findDuplicateKeys('{"a":"{\\"a\\":1,\\"a\\":2}","b":[1,[2,{"c":1}],{"c":2}]}'), []);
});

test('a body has duplicate keys only if it holds more keys than its parse', () => {
  const cases: [string, boolean][] = [
    ['{"a":1,"b":{"c":[{"d":1},{"d":2}]}}', false],
    ['{"a":1,"a":2}', true],
    ['{"a" : {"b":1, "b" :2}}', true],
    ['[{"k":1},{"k":1,"k":1}]', true],
    ['{"a":"{\\"a\\":1,\\"a\\":2}","s":"x\\\\","t":":"}', false],
    ['{"é":{"ü":"\\"","ü":2}}', true],
    ['{"__proto__":{"x":1},"b":[1,"\\"",null,{}]}', false],
    ['"just a string"', false],
    ['{}', false],
  ];
  for (const [text, expected] of cases) {
    const parsed = JSON.parse(text);
    assert.equal(mayHaveDuplicateKeys(text, parsed), expected, text);
    assert.equal(mayHaveDuplicateKeys(Buffer.from(text), parsed), expected, text);
    assert.equal(findDuplicateKeys(text).length > 0, expected, text);
  }
});

test('type mismatches fail decoding with Go json wording', () => {
  const cases: [(d: Record<string, any>) => void, string][] = [
    [(d) => (d.spec.replicas = 'two'), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [(d) => (d.spec.replicas = 1.5), 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [(d) => (d.spec.replicas = 3000000000), 'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [(d) => (d.spec.paused = 'yes'), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool'],
    [(d) => (d.spec = 'x'), 'json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec'],
    [(d) => (d.metadata.labels = { a: 1 }), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    [(d) => (d.metadata.labels = []), 'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string'],
    [(d) => (d.spec.template.spec.containers = { name: 'c' }), 'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container'],
    [
      (d) => (d.spec.template.spec.containers[0].ports[0].containerPort = '80'),
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32',
    ],
    [
      (d) => (d.spec.template.spec.containers[0].imagePullPolicy = 1),
      'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.imagePullPolicy of type v1.PullPolicy',
    ],
    [
      (d) => (d.spec.template.spec.containers[0].resources.limits = { cpu: 'lots' }),
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ],
    [
      (d) => (d.spec.strategy.rollingUpdate.maxSurge = true),
      'json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32',
    ],
    [
      (d) => (d.metadata.creationTimestamp = 5),
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string',
    ],
    [
      (d) => (d.metadata.creationTimestamp = 'yesterday'),
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    ],
  ];
  for (const [mutate, message] of cases) {
    const d = deployment();
    mutate(d);
    assert.equal(checkFields(deploymentSchema, d).decodeError, message);
  }
  const d = deployment();
  d.spec.replicas = 'two';
  assert.equal(
    checkFields(deploymentSchema, d, { kind: 'Deployment', version: 'v1' }).decodeError,
    'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
  );
  const outcome = fieldValidationOutcome(checkFields(deploymentSchema, d), 'Ignore', { kind: 'Deployment', version: 'v1', request: 'body' });
  assert.equal(outcome.error?.code, 400);
});

test('the first saved error wins, but an unmarshaler error stops decoding at once', () => {
  const d = deployment();
  d.spec.replicas = 'two';
  d.spec.paused = 'no';
  assert.match(checkFields(deploymentSchema, d).decodeError!, /spec\.replicas/);
  d.spec.template.spec.containers[0].resources.limits.cpu = 'x';
  assert.match(checkFields(deploymentSchema, d).decodeError!, /^quantities must match/);
});

test('null is accepted anywhere, and free-form fields take anything', () => {
  const d = deployment();
  d.spec.replicas = null;
  d.spec.template.spec.containers[0].ports = null;
  d.metadata.managedFields = [{ manager: 'm', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:x': {} } } }];
  assert.deepEqual(checkFields(deploymentSchema, d), { unknownFields: [], duplicateFields: [] });
  const rev = builtinSchemas.schemaFor('apps', 'v1', 'ControllerRevision')!;
  assert.deepEqual(checkFields(rev, { kind: 'ControllerRevision', revision: 1, data: { anything: [1, 'two'] } }).unknownFields, []);
});

test('secret data must be base64', () => {
  const secret = builtinSchemas.schemaFor('', 'v1', 'Secret')!;
  assert.equal(checkFields(secret, { data: { a: 'aGVsbG8=' } }).decodeError, undefined);
  assert.equal(
    checkFields(secret, { data: { a: 'hello!' } }, { kind: 'Secret', version: 'v1' }).decodeError,
    'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 5',
  );
  assert.equal(base64Error('abc'), 0);
  assert.equal(base64Error('YQ=='), undefined);
  assert.equal(base64Error('YQ==YQ=='), 4);
  assert.equal(base64Error('Y==='), 1);
  assert.equal(base64Error('aGVs\nbG8='), undefined);
});

test('quantity and timestamp syntax follow resource.ParseQuantity and time.Parse', () => {
  for (const ok of ['1', '0', '100m', '1.5Gi', '1e3', '+2', '-1', '1.', '.5', '2E-3']) assert.equal(quantitySyntaxError(ok), undefined, ok);
  assert.match(quantitySyntaxError('')!, /^quantities must match/);
  assert.match(quantitySyntaxError('1 Gi')!, /^quantities must match/);
  assert.match(quantitySyntaxError('1Gb')!, /^quantities must match/);
  assert.equal(quantitySyntaxError('1Ki2'), "unable to parse quantity's suffix");
  assert.equal(quantitySyntaxError('5mi'), "unable to parse quantity's suffix");
  assert.equal(rfc3339Error('2024-02-29T10:00:00Z', false), undefined);
  assert.equal(rfc3339Error('2024-02-29T10:00:00.123+02:00', false), undefined);
  assert.equal(rfc3339Error('2023-02-29T10:00:00Z', false), 'parsing time "2023-02-29T10:00:00Z": day out of range');
  assert.equal(rfc3339Error('2024-01-01 10:00:00Z', false), 'parsing time "2024-01-01 10:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 10:00:00Z" as "T"');
  assert.equal(rfc3339Error('2024-01-01T10:00:00Zjunk', false), 'parsing time "2024-01-01T10:00:00Zjunk": extra text: "junk"');
  assert.equal(rfc3339Error('2024-01-01T10:00:00.000001Z', true), undefined);
  assert.equal(
    rfc3339Error('2024-01-01T10:00:00Z', true),
    'parsing time "2024-01-01T10:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
  );
});

const cronTabSchema: StructuralSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        cronSpec: { type: 'string' },
        replicas: { type: 'integer' },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

test('custom resources are pruned with sorted paths, keeping apiVersion, kind and metadata', () => {
  const obj: Record<string, any> = {
    apiVersion: 'stable.example.com/v1',
    kind: 'CronTab',
    metadata: { name: 'x', anything: 1 },
    zzz: 1,
    spec: {
      cronSpec: '* * * * *',
      replicas: 'not checked here',
      bogus: true,
      template: { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { anything: 1 } },
      items: [{ name: 'a', extra: 1 }, { nope: 2 }],
      labels: { a: 'b' },
      extra: { free: { form: 1 }, known: { a: 'x', b: 'pruned' } },
    },
    status: { whatever: 1 },
  };
  const check = checkFields(cronTabSchema, obj);
  assert.deepEqual(check.unknownFields, ['spec.bogus', 'spec.extra.known.b', 'spec.items[0].extra', 'spec.items[1].nope', 'zzz']);
  assert.equal(check.decodeError, undefined);
  assert.ok('zzz' in obj, 'checkFields does not change the object');
  const pruned = prune(cronTabSchema, obj);
  assert.deepEqual(pruned, check.unknownFields);
  assert.deepEqual(obj, {
    apiVersion: 'stable.example.com/v1',
    kind: 'CronTab',
    metadata: { name: 'x', anything: 1 },
    spec: {
      cronSpec: '* * * * *',
      replicas: 'not checked here',
      template: { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { anything: 1 } },
      items: [{ name: 'a' }, {}],
      labels: { a: 'b' },
      extra: { free: { form: 1 }, known: { a: 'x' } },
    },
    status: { whatever: 1 },
  });
});

test('below the root, apiVersion and kind are ordinary fields', () => {
  const schema: StructuralSchema = { type: 'object', properties: { spec: { type: 'object', properties: {} } } };
  const obj = { spec: { kind: 'x', metadata: {} } };
  assert.deepEqual(prune(schema, obj), ['spec.kind', 'spec.metadata']);
  assert.deepEqual(prune(schema, { kind: 'y' }, { isResourceRoot: false }), []);
});
