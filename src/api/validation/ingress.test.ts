import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { validateIngress, validateIngressLoadBalancerStatus } from './ingress.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const ingress = (spec: unknown, annotations?: Record<string, string>): KubeObject => ({ metadata: { name: 'kubia', annotations }, spec });
const backend = { service: { name: 'kubia-nodeport', port: { number: 80 } } };

test('a host rule routing a path to a service port is valid', () => {
  const ing = ingress({ rules: [{ host: 'kubia.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] });
  assert.deepEqual(validateIngress(ing), []);
});

test('either a default backend or rules', () => {
  assert.deepEqual(messages(validateIngress(ingress({}))), ['spec: Invalid value: null: either `defaultBackend` or `rules` must be specified']);
  assert.deepEqual(validateIngress(ingress({ defaultBackend: backend })), []);
});

test('hosts are DNS names or wildcards, never IPs', () => {
  const ing = ingress({
    rules: [
      { host: '10.0.0.1' },
      { host: '*.example.com' },
      { host: 'foo.*.com' },
      { host: 'Kubia.example.com', http: { paths: [] } },
    ],
  });
  assert.deepEqual(messages(validateIngress(ing)), [
    'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
    "spec.rules[2].host: Invalid value: \"foo.*.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    "spec.rules[3].host: Invalid value: \"Kubia.example.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    'spec.rules[3].http.paths: Required value',
  ]);
});

test('paths need a pathType, and Exact and Prefix paths must be clean absolute paths', () => {
  const paths = [
    { path: '/', backend },
    { path: 'api', pathType: 'Prefix', backend },
    { path: '/a//b', pathType: 'Exact', backend },
    { path: '/a/..', pathType: 'Prefix', backend },
    { path: 'anything', pathType: 'ImplementationSpecific', backend },
    { path: '/', pathType: 'Regex', backend },
  ];
  assert.deepEqual(messages(validateIngress(ingress({ rules: [{ http: { paths } }] }))), [
    'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    'spec.rules[0].http.paths[1].path: Invalid value: "api": must be an absolute path',
    "spec.rules[0].http.paths[2].path: Invalid value: \"/a//b\": must not contain '//'",
    "spec.rules[0].http.paths[3].path: Invalid value: \"/a/..\": cannot end with '/..'",
    'spec.rules[0].http.paths[4].path: Invalid value: "anything": must be an absolute path',
    'spec.rules[0].http.paths[5].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
  ]);
});

test('backends: a service port by name or number, or a resource', () => {
  const rule = (b: unknown) => ({ http: { paths: [{ path: '/', pathType: 'Prefix', backend: b }] } });
  const ing = ingress({
    rules: [
      rule({ service: { name: 'svc', port: {} } }),
      rule({ service: { name: 'svc', port: { name: 'http', number: 80 } } }),
      rule({ service: { name: 'Svc', port: { name: 'http' } } }),
      rule({ resource: { kind: 'StorageBucket', name: 'static' }, service: { name: 's', port: { number: 1 } } }),
      rule({}),
    ],
  });
  assert.deepEqual(messages(validateIngress(ing)), [
    'spec.rules[0].http.paths[0].backend: Required value: port name or number is required',
    'spec.rules[1].http.paths[0].backend: Invalid value: "": cannot set both port name & port number',
    "spec.rules[2].http.paths[0].backend.service.name: Invalid value: \"Svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    'spec.rules[3].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends',
    'spec.rules[4].http.paths[0].backend: Invalid value: "": resource or service backend is required',
  ]);
});

test('TLS hosts and secret names', () => {
  const ing = ingress({ defaultBackend: backend, tls: [{ hosts: ['kubia.example.com', '*.example.com', 'Bad'], secretName: 'tls_secret' }] });
  const msgs = messages(validateIngress(ing));
  assert.equal(msgs.length, 2);
  assert.ok(msgs[0].startsWith('spec.tls[0].hosts[2]: Invalid value: "Bad": a lowercase RFC 1123 subdomain'));
  assert.ok(msgs[1].startsWith('spec.tls[0].secretName: Invalid value: "tls_secret": a lowercase RFC 1123 subdomain'));
});

test('the legacy class annotation must agree with ingressClassName', () => {
  const ing = ingress({ defaultBackend: backend, ingressClassName: 'nginx' }, { 'kubernetes.io/ingress.class': 'traefik' });
  assert.deepEqual(messages(validateIngress(ing)), [
    'annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified',
  ]);
});

test('load balancer status', () => {
  assert.deepEqual(messages(validateIngressLoadBalancerStatus({ ingress: [{ ip: '1.2.3' }, { hostname: '10.0.0.1' }] })), [
    'status.loadBalancer.ingress[0].ip: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'status.loadBalancer.ingress[1].hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
  ]);
});
