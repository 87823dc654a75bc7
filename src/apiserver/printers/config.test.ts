import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configMapPrinter, namespacePrinter, secretPrinter, serviceAccountPrinter } from './config.js';
import { ago, cells, headers } from './testing.js';

test('namespace: status phase and age', () => {
  assert.deepEqual(headers(namespacePrinter), ['NAME', 'STATUS', 'AGE']);
  assert.deepEqual(cells(namespacePrinter, { metadata: { name: 'kube-system', creationTimestamp: ago(40, 'd') }, status: { phase: 'Active' } }), ['kube-system', 'Active', '40d']);
  assert.deepEqual(cells(namespacePrinter, { metadata: { name: 'gone', creationTimestamp: ago(1, 'h') }, status: { phase: 'Terminating' } }), ['gone', 'Terminating', '60m']);
  assert.deepEqual(cells(namespacePrinter, { metadata: { name: 'bare' } }), ['bare', '', '<unknown>']);
});

test('configmap: DATA counts data and binaryData keys', () => {
  assert.deepEqual(headers(configMapPrinter), ['NAME', 'DATA', 'AGE']);
  const cm = { metadata: { name: 'kube-root-ca.crt', creationTimestamp: ago(7, 'm') }, data: { 'ca.crt': '...', other: 'x' }, binaryData: { blob: 'AAEC' } };
  assert.deepEqual(cells(configMapPrinter, cm), ['kube-root-ca.crt', 3, '7m']);
  assert.deepEqual(cells(configMapPrinter, { metadata: { name: 'empty' } }), ['empty', 0, '<unknown>']);
});

test('secret: TYPE and DATA count', () => {
  assert.deepEqual(headers(secretPrinter), ['NAME', 'TYPE', 'DATA', 'AGE']);
  const s = { metadata: { name: 'tls', creationTimestamp: ago(2, 'm') }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'LS0=', 'tls.key': 'LS0=' } };
  assert.deepEqual(cells(secretPrinter, s), ['tls', 'kubernetes.io/tls', 2, '2m']);
  assert.deepEqual(cells(secretPrinter, { metadata: { name: 'opaque' }, type: 'Opaque' }), ['opaque', 'Opaque', 0, '<unknown>']);
});

test('serviceaccount: SECRETS count', () => {
  assert.deepEqual(headers(serviceAccountPrinter), ['NAME', 'SECRETS', 'AGE']);
  assert.deepEqual(cells(serviceAccountPrinter, { metadata: { name: 'default', creationTimestamp: ago(5, 's') } }), ['default', 0, '5s']);
  assert.deepEqual(cells(serviceAccountPrinter, { metadata: { name: 'bot' }, secrets: [{ name: 'a' }, { name: 'b' }] }), ['bot', 2, '<unknown>']);
});
