import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsIngressClass } from '../defaults/ingressclass.js';
import type { KubeObject } from '../object.js';
import { validateIngressClass, validateIngressClassUpdate } from './ingressclass.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const ingressClass = (spec: Record<string, unknown>): KubeObject => {
  const ic: KubeObject = { metadata: { name: 'nginx' }, spec };
  setDefaultsIngressClass(ic);
  return ic;
};

test('a domain-prefixed controller, and parameters that default to cluster scope', () => {
  const ic = ingressClass({ controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } });
  assert.deepEqual(validateIngressClass(ic), []);
  assert.equal((ic.spec as any).parameters.scope, 'Cluster');
});

test('controller names', () => {
  assert.deepEqual(messages(validateIngressClass(ingressClass({ controller: 'nginx' }))), [
    'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
  ]);
  assert.deepEqual(messages(validateIngressClass(ingressClass({}))), ['spec.controller: Required value']);
});

test('parameter scopes', () => {
  const ns = ingressClass({ controller: 'example.com/lb', parameters: { kind: 'P', name: 'p', scope: 'Namespace' } });
  assert.deepEqual(messages(validateIngressClass(ns)), ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"]);
  const cluster = ingressClass({ controller: 'example.com/lb', parameters: { kind: 'P', name: 'p', scope: 'Cluster', namespace: 'x' } });
  assert.deepEqual(messages(validateIngressClass(cluster)), ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"]);
  const odd = ingressClass({ controller: 'example.com/lb', parameters: { kind: '', name: 'p', scope: 'Global' } });
  assert.deepEqual(messages(validateIngressClass(odd)), [
    'spec.parameters.kind: Required value: kind is required',
    'spec.parameters.scope: Unsupported value: "Global": supported values: "Cluster", "Namespace"',
  ]);
});

test('the controller never changes', () => {
  const old = ingressClass({ controller: 'example.com/lb' });
  assert.deepEqual(messages(validateIngressClassUpdate(ingressClass({ controller: 'example.com/other' }), old)), [
    'spec.controller: Invalid value: "example.com/other": field is immutable',
  ]);
});
