import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateSigningRequestPrinter, componentStatusPrinter, leasePrinter, priorityClassPrinter, runtimeClassPrinter } from './cluster.js';
import { ago, cells, headers } from './testing.js';

test('componentstatus: Healthy / Unhealthy / Unknown with message and error', () => {
  assert.deepEqual(headers(componentStatusPrinter), ['NAME', 'STATUS', 'MESSAGE', 'ERROR']);
  const healthy = { metadata: { name: 'etcd-0' }, conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] };
  assert.deepEqual(cells(componentStatusPrinter, healthy), ['etcd-0', 'Healthy', 'ok', '']);
  const unhealthy = { metadata: { name: 'scheduler' }, conditions: [{ type: 'Healthy', status: 'False', message: '', error: 'connection refused' }] };
  assert.deepEqual(cells(componentStatusPrinter, unhealthy), ['scheduler', 'Unhealthy', '', 'connection refused']);
  assert.deepEqual(cells(componentStatusPrinter, { metadata: { name: 'x' } }), ['x', 'Unknown', '', '']);
});

test('lease: HOLDER', () => {
  assert.deepEqual(headers(leasePrinter), ['NAME', 'HOLDER', 'AGE']);
  const lease = { metadata: { name: 'kube-scheduler', creationTimestamp: ago(3, 'd') }, spec: { holderIdentity: 'cp-1_6f1c', leaseDurationSeconds: 15 } };
  assert.deepEqual(cells(leasePrinter, lease), ['kube-scheduler', 'cp-1_6f1c', '3d']);
  assert.deepEqual(cells(leasePrinter, { metadata: { name: 'free' }, spec: {} }), ['free', '', '<unknown>']);
});

test('priorityclass: value, global default and preemption policy (shown by default)', () => {
  assert.deepEqual(headers(priorityClassPrinter), ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY']);
  const pc = { metadata: { name: 'system-node-critical', creationTimestamp: ago(20, 'd') }, value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' };
  assert.deepEqual(cells(priorityClassPrinter, pc), ['system-node-critical', 2000001000, false, '20d', 'PreemptLowerPriority']);
  assert.deepEqual(cells(priorityClassPrinter, { metadata: { name: 'd' }, value: 10, globalDefault: true }), ['d', 10, true, '<unknown>', '']);
});

test('runtimeclass: HANDLER (with the empty description Kubernetes has)', () => {
  assert.deepEqual(headers(runtimeClassPrinter), ['NAME', 'HANDLER', 'AGE']);
  assert.equal(runtimeClassPrinter.columns[1].description, '');
  assert.deepEqual(cells(runtimeClassPrinter, { metadata: { name: 'gvisor', creationTimestamp: ago(1, 'd') }, handler: 'runsc' }), ['gvisor', 'runsc', '24h']);
});

test('certificatesigningrequest: signer, requestor, duration and condition', () => {
  assert.deepEqual(headers(certificateSigningRequestPrinter), ['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION']);
  const csr = {
    metadata: { name: 'csr-7x2kq', creationTimestamp: ago(45, 's') },
    spec: { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', username: 'system:node:worker-1', expirationSeconds: 86400, request: 'LS0=' },
    status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0tLS1CRUdJTg==' },
  };
  assert.deepEqual(cells(certificateSigningRequestPrinter, csr), ['csr-7x2kq', '45s', 'kubernetes.io/kube-apiserver-client-kubelet', 'system:node:worker-1', '24h', 'Approved,Issued']);
  const condition = (conditions: unknown[]) => cells(certificateSigningRequestPrinter, { metadata: { name: 'c' }, spec: {}, status: { conditions } })[5];
  assert.equal(condition([]), 'Pending');
  assert.equal(condition([{ type: 'Approved' }, { type: 'Denied' }]), 'Denied');
  assert.equal(condition([{ type: 'Approved' }, { type: 'Failed' }]), 'Approved,Failed');
  assert.deepEqual(cells(certificateSigningRequestPrinter, { metadata: { name: 'c' }, spec: { expirationSeconds: 600 } }).slice(2, 5), ['<none>', '', '10m']);
});
