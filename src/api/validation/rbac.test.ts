import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsRoleBinding } from '../defaults/rbac.js';
import type { KubeObject } from '../object.js';
import { validateBindingUpdate, validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding } from './rbac.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

test('what `kubectl create role pod-reader --verb=get --resource=pods` sends is valid', () => {
  const role = { metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
  assert.deepEqual(validateRole(role), []);
});

test('rules need verbs, and API groups and resources or (on cluster roles) non-resource URLs', () => {
  const role = { metadata: { name: 'r' }, rules: [{ resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }] };
  assert.deepEqual(messages(validateRole(role)), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    'rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs',
  ]);
  const cr = { metadata: { name: 'c' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'], resources: ['pods'] }] };
  assert.deepEqual(messages(validateClusterRole(cr)), [
    'rules[0].nonResourceURLs: Invalid value: ["/healthz"]: rules cannot apply to both regular resources and non-resource URLs',
  ]);
});

test('aggregation rules need valid selectors', () => {
  assert.deepEqual(messages(validateClusterRole({ metadata: { name: 'a' }, aggregationRule: {} })), [
    'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  ]);
  const bad = { metadata: { name: 'a' }, aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'x', operator: 'Near' }] }] } };
  assert.deepEqual(messages(validateClusterRole(bad)), [
    'aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
    'aggregationRule.clusterRoleSelectors[0]: Invalid value: {"matchExpressions":[{"key":"x","operator":"Near"}]}: invalid label selector.',
  ]);
});

test('bindings: defaulted API groups, a Role or ClusterRole, known subject kinds', () => {
  const binding: KubeObject = {
    metadata: { name: 'read-pods', namespace: 'default' },
    roleRef: { kind: 'Role', name: 'pod-reader' },
    subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'default' }, { kind: 'Group', name: 'devs' }],
  };
  setDefaultsRoleBinding(binding);
  assert.deepEqual(validateRoleBinding(binding), []);
  assert.deepEqual((binding.roleRef as any).apiGroup, 'rbac.authorization.k8s.io');
  assert.deepEqual((binding.subjects as any[]).map((s) => s.apiGroup), ['rbac.authorization.k8s.io', '', 'rbac.authorization.k8s.io']);

  const bad = {
    metadata: { name: 'b' },
    roleRef: { apiGroup: 'rbac', kind: 'Policy', name: '' },
    subjects: [{ kind: 'Robot', name: 'r2' }, { kind: 'ServiceAccount', name: 'Bad_Name', apiGroup: 'v1' }, { kind: 'User', name: '', apiGroup: '' }],
  };
  assert.deepEqual(messages(validateRoleBinding(bad)), [
    'roleRef.apiGroup: Unsupported value: "rbac": supported values: "rbac.authorization.k8s.io"',
    'roleRef.kind: Unsupported value: "Policy": supported values: "Role", "ClusterRole"',
    'roleRef.name: Required value',
    'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    "subjects[1].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    'subjects[1].apiGroup: Unsupported value: "v1": supported values: ""',
    'subjects[2].name: Required value',
    'subjects[2].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"',
  ]);
});

test('cluster role bindings bind ClusterRoles, and service accounts need a namespace', () => {
  const crb = {
    metadata: { name: 'c' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' },
    subjects: [{ kind: 'ServiceAccount', name: 'default' }],
  };
  assert.deepEqual(messages(validateClusterRoleBinding(crb)), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[0].namespace: Required value',
  ]);
});

test('roleRef never changes', () => {
  const old = { metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' } };
  const d = { ...old, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'b' } };
  assert.deepEqual(messages(validateBindingUpdate(d, old)), [
    'roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"b"}: cannot change roleRef',
  ]);
  assert.deepEqual(validateBindingUpdate({ ...old, subjects: [] }, old), []);
});
