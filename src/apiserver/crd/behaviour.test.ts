import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { fieldErrorMessage } from '../../machinery/errors.js';
import { CustomResourceBehaviourBuilder } from './behaviour.js';
import { Definition } from './definition.js';
import { cronTabCRD } from './fixtures.js';
import { resourceTypeFor } from './resource-type.js';

function builder(mutate: (spec: any) => void = () => {}, status: Record<string, unknown> = {}): CustomResourceBehaviourBuilder {
  const obj = cronTabCRD();
  mutate(obj.spec);
  obj.status = {
    acceptedNames: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'] },
    conditions: [{ type: 'Established', status: 'True' }],
    ...status,
  };
  const crd = new Definition(obj);
  return new CustomResourceBehaviourBuilder(crd, resourceTypeFor(crd));
}

const cronTab = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'stable.example.com/v1',
  kind: 'CronTab',
  metadata: { name: 'c', namespace: 'default', ...meta },
  spec,
});

const messages = (b: CustomResourceBehaviourBuilder, obj: KubeObject, old?: KubeObject, sub = '') => b.validate(obj, old, sub).map(fieldErrorMessage);

test('metadata, schema and scale paths are all validated, in that order', () => {
  const b = builder();
  assert.deepEqual(messages(b, cronTab({ cronSpec: 'bad', replicas: -1 }, { name: 'Bad!' })), [
    "metadata.name: Invalid value: \"Bad!\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    "spec.cronSpec: Invalid value: \"bad\": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'",
    'spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 1',
    '.spec.replicas: Invalid value: -1: should be a non-negative integer',
  ]);
});

test('apiVersion and kind must be the resource\'s own, and nothing else is checked until they are', () => {
  const b = builder();
  const obj = { ...cronTab({}), kind: 'Other' };
  assert.deepEqual(messages(b, obj), ['kind: Invalid value: "Other": must be CronTab']);
});

test('finalizers only need to be qualified names on custom resources', () => {
  const b = builder();
  assert.deepEqual(messages(b, cronTab({ cronSpec: '* * * * *' }, { finalizers: ['cleanup'] })), []);
  assert.equal(messages(b, cronTab({ cronSpec: '* * * * *' }, { finalizers: ['not a name'] })).length, 1);
});

test('x-kubernetes-validations rules wait until the schema errors that block them are fixed', () => {
  const b = builder((spec) => {
    spec.versions[0].schema.openAPIV3Schema.properties.spec['x-kubernetes-validations'] = [{ rule: 'self.replicas < 5', message: 'at most 4 replicas' }];
  });
  assert.deepEqual(messages(b, cronTab({ cronSpec: '* * * * *', replicas: 5 })), ['spec: Invalid value: "object": at most 4 replicas']);
  assert.deepEqual(messages(b, cronTab({ replicas: 5 })), [
    'spec.cronSpec: Required value',
    '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
  ]);
});

test('status writes check the status scale paths but not the spec ones', () => {
  const b = builder();
  const old = cronTab({ cronSpec: '* * * * *', replicas: -3 }, { resourceVersion: '7' });
  const next = { ...old, status: { replicas: 'many' } };
  assert.deepEqual(messages(b, next, old, 'status'), [
    'status.replicas: Invalid value: "string": status.replicas in body must be of type integer: "string"',
    '.status.replicas: Invalid value: 0: .status.replicas accessor error: many is of the type string, expected int64',
  ]);
});

test('a terminating CRD refuses new objects', () => {
  const b = builder(undefined, { conditions: [{ type: 'Established', status: 'True' }, { type: 'Terminating', status: 'True' }] });
  assert.throws(() => b.validate(cronTab({ cronSpec: '* * * * *' }), undefined, ''), /create not allowed while custom resource definition is terminating/);
  const old = cronTab({ cronSpec: '* * * * *' }, { resourceVersion: '5' });
  assert.deepEqual(messages(b, { ...old, spec: { cronSpec: '0 * * * *' } }, old), [], 'updates still work');
});

test('the codec converts between versions and defaults on the way out', () => {
  const b = builder((spec) => {
    const beta = structuredClone(spec.versions[0]);
    beta.name = 'v1beta1';
    beta.storage = false;
    spec.versions.push(beta);
  });
  const codec = b.codec();
  const stored = codec.toStorage({ apiVersion: 'stable.example.com/v1beta1', kind: 'CronTab', metadata: { name: 'x' }, spec: { cronSpec: '* * * * *', extra: 1 } }, 'v1beta1');
  assert.equal(stored.apiVersion, 'stable.example.com/v1');
  assert.deepEqual(stored.spec, { cronSpec: '* * * * *', replicas: 1 });
  const frozen = Object.freeze({ ...stored, spec: Object.freeze({ cronSpec: '* * * * *' }) });
  const out = codec.fromStorage(frozen, 'v1beta1');
  assert.equal(out.apiVersion, 'stable.example.com/v1beta1');
  assert.deepEqual(out.spec, { cronSpec: '* * * * *', replicas: 1 }, 'defaults apply on read, without touching the stored object');
});
