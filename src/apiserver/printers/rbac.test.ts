import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac.js';
import { ago, cells, headers, shown } from './testing.js';

const subjects = [
  { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' },
  { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' },
  { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
  { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'joe' },
  { kind: 'Robot', name: 'ignored' },
];

test('rolebinding: ROLE as Kind/name, subjects in -o wide', () => {
  assert.deepEqual(headers(roleBindingPrinter), ['NAME', 'ROLE', 'AGE']);
  assert.deepEqual(headers(roleBindingPrinter, true), ['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']);
  const rb = { metadata: { name: 'read-pods', creationTimestamp: ago(6, 'd') }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects };
  assert.deepEqual(cells(roleBindingPrinter, rb), ['read-pods', 'Role/pod-reader', '6d', 'jane, joe', 'devs', 'ci/builder']);
  assert.equal(roleBindingPrinter.columns[3].description, 'Users in the roleBinding');
});

test('clusterrolebinding: same shape, its own descriptions', () => {
  const crb = { metadata: { name: 'cluster-admin' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters' }] };
  assert.deepEqual(shown(clusterRoleBindingPrinter, crb), ['cluster-admin', 'ClusterRole/cluster-admin', '<unknown>']);
  assert.deepEqual(cells(clusterRoleBindingPrinter, crb).slice(3), ['', 'system:masters', '']);
  assert.equal(clusterRoleBindingPrinter.columns[5].description, 'ServiceAccounts in the clusterRoleBinding');
});
