import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, invalid } from '../../machinery/errors.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  validateAnnotations,
  validateImmutableField,
  validateLabels,
  validateLabelSelector,
  validateNonnegative,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './meta.js';

const messages = (errs: Parameters<typeof fieldErrorMessage>[0][]) => errs.map(fieldErrorMessage);

test('DNS name checks return upstream messages', () => {
  assert.deepEqual(isDNS1123Subdomain('my-app.example'), []);
  assert.deepEqual(isDNS1123Subdomain('My_App'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('x'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(isDNS1035Label('1abc'), [
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
});

test('a pod named with capitals fails exactly as kubectl shows it', () => {
  const errs = validateObjectMeta({ name: 'Hello', namespace: 'default' }, { namespaced: true, nameRule: 'subdomain' });
  assert.equal(
    invalid('Pod', '', 'Hello', errs).message,
    `Pod "Hello" is invalid: metadata.name: Invalid value: "Hello": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  );
});

test('name or generateName is required; generateName may end in a dash', () => {
  assert.deepEqual(messages(validateObjectMeta({ namespace: 'default' }, { namespaced: true, nameRule: 'subdomain' })), [
    'metadata.name: Required value: name or generateName is required',
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'x', generateName: 'web-', namespace: 'default' }, { namespaced: true, nameRule: 'subdomain' }), []);
  assert.equal(validateObjectMeta({ name: 'x', generateName: 'Web-', namespace: 'd' }, { namespaced: true, nameRule: 'subdomain' })[0].field, 'metadata.generateName');
});

test('namespace is required for namespaced kinds and forbidden for cluster-scoped ones', () => {
  assert.deepEqual(messages(validateObjectMeta({ name: 'x' }, { namespaced: true, nameRule: 'subdomain' })), ['metadata.namespace: Required value']);
  assert.deepEqual(messages(validateObjectMeta({ name: 'x', namespace: 'default' }, { namespaced: false, nameRule: 'label' })), [
    'metadata.namespace: Forbidden: not allowed on this type',
  ]);
});

test('service names are DNS-1035 labels', () => {
  const errs = validateObjectMeta({ name: '1svc', namespace: 'default' }, { namespaced: true, nameRule: 'dns1035' });
  assert.equal(errs.length, 1);
  assert.match(fieldErrorMessage(errs[0]), /^metadata\.name: Invalid value: "1svc": a DNS-1035 label/);
});

test('labels: key and value syntax', () => {
  assert.deepEqual(validateLabels({ app: 'web', 'example.com/tier': 'front_end-1' }, 'metadata.labels'), []);
  assert.deepEqual(messages(validateLabels({ app: 'has space' }, 'metadata.labels')), [
    `metadata.labels: Invalid value: "has space": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
  ]);
  assert.deepEqual(messages(validateLabels({ '/x': 'y' }, 'metadata.labels')), ['metadata.labels: Invalid value: "/x": prefix part must be non-empty']);
  assert.equal(validateLabels({ a: 'x'.repeat(64) }, 'l')[0].detail, 'must be no more than 63 characters');
  assert.equal(validateLabels({ a: 5 }, 'l').length, 1, 'a non-string value is an error, not a crash');
  assert.equal(validateLabels('nope', 'l').length, 1);
});

test('annotations: keys are case-insensitive qualified names; 256 KiB in total', () => {
  assert.deepEqual(validateAnnotations({ 'Example.COM/Key': 'anything at all' }, 'metadata.annotations'), []);
  assert.deepEqual(messages(validateAnnotations({ big: 'x'.repeat(256 * 1024) }, 'metadata.annotations')), [
    'metadata.annotations: Too long: may not be more than 262144 bytes',
  ]);
});

test('label selectors: operators and values', () => {
  assert.deepEqual(validateLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }, 'spec.selector'), []);
  assert.deepEqual(messages(validateLabelSelector({ matchExpressions: [{ key: 'tier', operator: 'In' }] }, 'spec.selector')), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
  ]);
  assert.deepEqual(messages(validateLabelSelector({ matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['a'] }] }, 's')), [
    "s.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
  ]);
  assert.deepEqual(messages(validateLabelSelector({ matchExpressions: [{ key: 'tier', operator: 'Equals', values: ['a'] }] }, 's')), [
    's.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
  ]);
  assert.equal(validateLabelSelector({ matchExpressions: [{ key: 'k', operator: 'In', values: ['bad value'] }] }, 's', { allowInvalidLabelValueInSelector: true }).length, 0);
});

test('owner references, finalizers and generation', () => {
  const meta = {
    name: 'x',
    namespace: 'default',
    generation: -1,
    finalizers: ['custom', 'example.com/ok', 'orphan', 'foregroundDeletion'],
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
      { apiVersion: 'v1', kind: 'Event', name: 'e', uid: '3' },
    ],
  };
  const got = messages(validateObjectMeta(meta, { namespaced: true, nameRule: 'subdomain' }));
  assert.ok(got.includes('metadata.generation: Invalid value: -1: must be greater than or equal to 0'));
  assert.ok(got.some((m) => m.includes('Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b')));
  assert.ok(got.some((m) => m.includes('/v1, Kind=Event is disallowed from being an owner')));
  assert.ok(got.includes('metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified'));
  assert.ok(got.some((m) => m.includes('finalizer orphan and foregroundDeletion cannot be both set')));
});

test('update: identity is immutable, resourceVersion required, no finalizers added while deleting', () => {
  const old = { name: 'x', namespace: 'a', uid: 'u1', resourceVersion: '5', creationTimestamp: '2024-01-01T00:00:00Z', deletionTimestamp: '2024-01-02T00:00:00Z', finalizers: ['kubernetes'] };
  const updated = { ...old, name: 'y', uid: 'u2', resourceVersion: '', finalizers: ['kubernetes', 'example.com/new'] };
  assert.deepEqual(messages(validateObjectMetaUpdate(updated, old)), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/new"}',
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    'metadata.name: Invalid value: "y": field is immutable',
    'metadata.uid: Invalid value: "u2": field is immutable',
  ]);
  assert.deepEqual(validateObjectMetaUpdate({ ...old, creationTimestamp: '2024-01-01T00:00:00.000Z' }, old), []);
});

test('immutable and non-negative helpers', () => {
  assert.deepEqual(messages(validateImmutableField('b', 'a', 'spec.x')), ['spec.x: Invalid value: "b": field is immutable']);
  assert.deepEqual(validateImmutableField({ a: [] }, {}, 'spec.x'), []);
  assert.deepEqual(messages(validateNonnegative(-2, 'spec.replicas')), ['spec.replicas: Invalid value: -2: must be greater than or equal to 0']);
  assert.deepEqual(validateNonnegative(undefined, 'spec.replicas'), []);
});
