import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsCustomResourceDefinition } from '../defaults/crd.js';
import type { KubeObject } from '../object.js';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from './crd.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

const cronTabSchema = () => ({
  openAPIV3Schema: {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { cronSpec: { type: 'string' }, image: { type: 'string' }, replicas: { type: 'integer' } },
      },
    },
  },
});

/** The CronTab CRD of the Kubernetes documentation, defaulted. */
function cronTab(mutate: (spec: Record<string, any>) => void = () => {}, meta: Partial<KubeObject['metadata']> = {}): KubeObject {
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com', ...meta },
    spec: {
      group: 'stable.example.com',
      versions: [{ name: 'v1', served: true, storage: true, schema: cronTabSchema() }],
      scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
    },
  };
  mutate(crd.spec as Record<string, any>);
  setDefaultsCustomResourceDefinition(crd);
  return crd;
}

const schemaOf = (s: Record<string, any>, i = 0) => s.versions[i].schema.openAPIV3Schema;

test('the CronTab CRD is valid, and defaulted as upstream defaults it', () => {
  const crd = cronTab();
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), []);
  assert.equal((crd.spec as any).names.listKind, 'CronTabList');
  assert.deepEqual((crd.spec as any).conversion, { strategy: 'None' });
  assert.deepEqual((crd.status as any).storedVersions, ['v1']);
});

test('the name must be <plural>.<group>', () => {
  const crd = cronTab(() => {}, { name: 'crontab.stable.example.com' });
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'metadata.name: Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group',
  ]);
});

test('the group has a dot; the scope is Namespaced or Cluster', () => {
  const crd = cronTab((s) => {
    s.group = 'example';
    s.scope = 'Global';
  });
  crd.metadata.name = 'crontabs.example';
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'spec.group: Invalid value: "example": should be a domain with at least one dot',
    'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
  ]);
});

test('names: required, DNS-1035, kind differs from listKind', () => {
  const crd = cronTab((s) => (s.names = { plural: 'CronTabs', kind: 'Cron_Tab', listKind: 'Cron_Tab', shortNames: ['c t'] }));
  crd.metadata.name = 'CronTabs.stable.example.com';
  const msgs = messages(validateCustomResourceDefinition(crd));
  assert.ok(msgs[0].startsWith('spec.names.plural: Invalid value: "CronTabs": a DNS-1035 label must consist of lower case alphanumeric characters'));
  assert.ok(msgs.some((m) => m.startsWith('spec.names.kind: Invalid value: "Cron_Tab": may have mixed case, but should otherwise match: a DNS-1035 label')));
  assert.ok(msgs.includes('spec.names.listKind: Invalid value: "Cron_Tab": kind and listKind may not be the same'));
  assert.ok(msgs.some((m) => m.startsWith('spec.names.shortNames[0]: Invalid value: "c t"')));
});

test('exactly one storage version, unique version names, schemas required', () => {
  const none = cronTab((s) => (s.versions[0].storage = false));
  assert.deepEqual(messages(validateCustomResourceDefinition(none)), [
    `spec.versions: Invalid value: ${JSON.stringify((none.spec as any).versions)}: must have exactly one version marked as storage version`,
    'status.storedVersions: Invalid value: []: must have at least one stored version',
  ]);
  const two = cronTab((s) => s.versions.push({ name: 'v1', served: true, storage: true, schema: cronTabSchema() }));
  assert.deepEqual(messages(validateCustomResourceDefinition(two)).map((m) => m.replace(/Invalid value: \[.*\]: /, 'Invalid value: …: ')), [
    'spec.versions: Invalid value: …: must contain unique version names',
    'spec.versions: Invalid value: …: must have exactly one version marked as storage version',
    // Upstream too: the second "v1" no longer finds itself among the stored versions.
    'status.storedVersions: Invalid value: …: must have the storage version v1',
  ]);
  const noSchema = cronTab((s) => delete s.versions[0].schema);
  assert.deepEqual(messages(validateCustomResourceDefinition(noSchema)), ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required']);
});

test('a one-version CRD reports schema errors at spec.validation, as upstream after conversion', () => {
  const crd = cronTab((s) => delete schemaOf(s).properties.spec.properties.image.type);
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'spec.validation.openAPIV3Schema.properties[spec].properties[image].type: Required value: must not be empty for specified object fields',
  ]);
});

test('versions with different schemas report each at its own path', () => {
  const crd = cronTab((s) => {
    s.versions.push({ name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', properties: { spec: {} } } } });
  });
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'spec.versions[1].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
  ]);
});

test('structural schema rules', () => {
  const crd = cronTab((s) => {
    const root = schemaOf(s);
    root.properties.metadata = { type: 'object', properties: { labels: { type: 'object' } } };
    root.properties.spec.additionalProperties = { type: 'string' };
    root.properties.spec.properties.image.$ref = '#/definitions/Image';
    root.properties.spec.properties.replicas.anyOf = [{ type: 'integer' }, { minimum: 1 }];
    root.properties.items = { type: 'array' };
  });
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'spec.validation.openAPIV3Schema.properties[items].items: Required value: must be specified',
    'spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified',
    'spec.validation.openAPIV3Schema.properties[spec].properties[replicas].anyOf[0].type: Forbidden: must be empty to be structural',
    'spec.validation.openAPIV3Schema.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive',
    'spec.validation.openAPIV3Schema.properties[spec].properties[image].$ref: Forbidden: $ref is not supported',
  ]);
});

test('the root is an object, not nullable, without additionalProperties', () => {
  const crd = cronTab((s) => (s.versions[0].schema.openAPIV3Schema = { type: 'array', nullable: true, items: { type: 'string' }, additionalProperties: true }));
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'spec.validation.openAPIV3Schema.nullable: Forbidden: nullable cannot be true at the root',
    'spec.validation.openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root',
    'spec.validation.openAPIV3Schema.type: Invalid value: "array": must be object at the root',
  ]);
});

test('x-kubernetes-int-or-string and x-kubernetes-preserve-unknown-fields make untyped fields structural', () => {
  const crd = cronTab((s) => {
    const spec = schemaOf(s).properties.spec;
    spec.properties.port = { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] };
    spec.properties.values = { 'x-kubernetes-preserve-unknown-fields': true };
    spec.properties.strict = { type: 'object', 'x-kubernetes-preserve-unknown-fields': false };
  });
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'spec.validation.openAPIV3Schema.properties[spec].properties[strict].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined',
  ]);
});

test('defaults: not in metadata, of the field\'s type, only with preserveUnknownFields false', () => {
  const crd = cronTab((s) => {
    const root = schemaOf(s);
    root.properties.spec.properties.replicas.default = 'three';
  });
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'spec.validation.openAPIV3Schema.properties[spec].properties[replicas].default: Invalid value: "string": spec.validation.openAPIV3Schema.properties[spec].properties[replicas].default in body must be of type integer: "string"',
  ]);
  const inMeta = cronTab((s) => (schemaOf(s).properties.metadata = { type: 'object', properties: { name: { type: 'string', default: 'x' } } }));
  assert.deepEqual(messages(validateCustomResourceDefinition(inMeta)), [
    'spec.validation.openAPIV3Schema.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata',
  ]);
});

test('list types and map keys', () => {
  const crd = cronTab((s) => {
    const spec = schemaOf(s).properties.spec;
    spec.properties.ports = { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port'], items: { type: 'object', properties: { port: { type: 'integer' } } } };
    spec.properties.tags = { type: 'object', 'x-kubernetes-list-type': 'set' };
  });
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'spec.validation.openAPIV3Schema.properties[spec].properties[ports].items.properties[port].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
    'spec.validation.openAPIV3Schema.properties[spec].properties[tags].type: Invalid value: "object": must be array if x-kubernetes-list-type is specified',
  ]);
});

test('with the status subresource only some keywords may appear at the root', () => {
  const crd = cronTab((s) => {
    s.versions[0].subresources = { status: {} };
    schemaOf(s).anyOf = [{ required: ['spec'] }];
  });
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)).map((m) => m.replace(/Invalid value: \{.*\}: only/, 'Invalid value: …: only')), [
    'spec.validation.openAPIV3Schema: Invalid value: …: only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled',
  ]);
});

test('scale subresource paths', () => {
  const crd = cronTab((s) => (s.versions[0].subresources = { scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: '.spec.replicas', labelSelectorPath: '.metadata.labels' } }));
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'spec.subresources.scale.specReplicasPath: Invalid value: "spec.replicas": must be a simple json path starting with .',
    'spec.subresources.scale.statusReplicasPath: Invalid value: ".spec.replicas": should be a json path under .status',
    'spec.subresources.scale.labelSelectorPath: Invalid value: ".metadata.labels": should be a json path under either .spec or .status',
  ]);
});

test('printer columns (reported under the internal JSONPath name)', () => {
  const crd = cronTab((s) => (s.versions[0].additionalPrinterColumns = [{ name: 'Spec', type: 'text', jsonPath: '' }, { name: 'Age', type: 'date', format: 'when', jsonPath: '.metadata.creationTimestamp' }]));
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'spec.additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string',
    'spec.additionalPrinterColumns[0].JSONPath: Required value',
    'spec.additionalPrinterColumns[1].format: Invalid value: "when": must be one of byte,date,date-time,double,float,int32,int64,password',
  ]);
});

test('conversion: None takes no webhook; Webhook needs one and review versions', () => {
  const none = cronTab((s) => (s.conversion = { strategy: 'None', webhook: { conversionReviewVersions: ['v1'] } }));
  assert.deepEqual(messages(validateCustomResourceDefinition(none)), [
    'spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook',
  ]);
  const webhook = cronTab((s) => (s.conversion = { strategy: 'Webhook', webhook: { clientConfig: { url: 'http://converter.example.com/convert?x=1' }, conversionReviewVersions: ['v2', 'v2'] } }));
  assert.deepEqual(messages(validateCustomResourceDefinition(webhook)), [
    "spec.conversion.webhookClientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]",
    'spec.conversion.webhookClientConfig.url: Invalid value: "x=1": query parameters are not permitted in the URL',
    'spec.conversion.conversionReviewVersions[1]: Invalid value: "v2": duplicate version',
    'spec.conversion.conversionReviewVersions: Invalid value: ["v2","v2"]: must include at least one of v1, v1beta1',
  ]);
  const service = cronTab((s) => (s.conversion = { strategy: 'Webhook', webhook: { clientConfig: { service: { name: 'conv', namespace: 'default', path: '/Convert' } }, conversionReviewVersions: ['v1'] } }));
  assert.equal((service.spec as any).conversion.webhook.clientConfig.service.port, 443);
  assert.equal(messages(validateCustomResourceDefinition(service)).length, 1);
  assert.ok(messages(validateCustomResourceDefinition(service))[0].startsWith('spec.conversion.webhookClientConfig.service.path: Invalid value: "/Convert": segment[0]: a lowercase RFC 1123 subdomain'));
});

test('CRDs in k8s.io groups need the API approval annotation', () => {
  const crd = cronTab((s) => (s.group = 'x.k8s.io'), { name: 'crontabs.x.k8s.io' });
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
  ]);
  const approved = cronTab((s) => (s.group = 'x.k8s.io'), { name: 'crontabs.x.k8s.io', annotations: { 'api-approved.kubernetes.io': 'https://github.com/kubernetes/enhancements/pull/1111' } });
  assert.deepEqual(validateCustomResourceDefinition(approved), []);
  const unapproved = cronTab((s) => (s.group = 'x.k8s.io'), { name: 'crontabs.x.k8s.io', annotations: { 'api-approved.kubernetes.io': 'unapproved, experimental' } });
  assert.deepEqual(validateCustomResourceDefinition(unapproved), []);
});

test('preserveUnknownFields cannot be turned on in v1', () => {
  const crd = cronTab((s) => (s.preserveUnknownFields = true));
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
  ]);
});

test('a stored version may not disappear from spec.versions', () => {
  const crd = cronTab((s) => (s.versions[0].name = 'v2'));
  (crd.status as any).storedVersions = ['v1', 'v2'];
  assert.deepEqual(messages(validateCustomResourceDefinition(crd)), [
    'status.storedVersions[0]: Invalid value: "v1": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions',
  ]);
});

test('group and plural never change; scope and kind are fixed once Established', () => {
  const old = cronTab();
  const d = cronTab((s) => {
    s.group = 'other.example.com';
    s.scope = 'Cluster';
  });
  assert.deepEqual(messages(validateCustomResourceDefinitionUpdate(d, old)), ['spec.group: Invalid value: "other.example.com": field is immutable']);
  const established = { ...old, status: { ...(old.status as object), conditions: [{ type: 'Established', status: 'True' }] } };
  assert.deepEqual(messages(validateCustomResourceDefinitionUpdate(d, established)), [
    'spec.scope: Invalid value: "Cluster": field is immutable',
    'spec.group: Invalid value: "other.example.com": field is immutable',
  ]);
});

test('the seed\'s v1beta1-style CRD, written as v1, needs a schema', () => {
  const website: KubeObject = {
    metadata: { name: 'websites.extensions.example.com' },
    spec: { scope: 'Namespaced', group: 'extensions.example.com', versions: [{ name: 'v1', served: true, storage: true }], names: { kind: 'Website', singular: 'website', plural: 'websites' } },
  };
  setDefaultsCustomResourceDefinition(website);
  assert.deepEqual(messages(validateCustomResourceDefinition(website)), ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required']);
});
