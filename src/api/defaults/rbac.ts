// rbac.authorization.k8s.io/v1 defaults: a binding's roleRef is in the RBAC group unless
// stated, and subjects get the API group of their kind (users and groups RBAC's, service
// accounts the core group).

import type { KubeObject } from '../object.js';
import { isObject, objects } from './groups-common.js';

const rbacGroup = 'rbac.authorization.k8s.io';

function defaultSubjects(binding: KubeObject): void {
  for (const subject of objects(binding.subjects)) {
    if (typeof subject.apiGroup === 'string' && subject.apiGroup !== '') continue;
    if (subject.kind === 'ServiceAccount') subject.apiGroup = '';
    else if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = rbacGroup;
  }
}

export function setDefaultsRoleBinding(binding: KubeObject): void {
  if (isObject(binding.roleRef) && (typeof binding.roleRef.apiGroup !== 'string' || binding.roleRef.apiGroup === '')) {
    binding.roleRef.apiGroup = rbacGroup;
  }
  defaultSubjects(binding);
}

export const setDefaultsClusterRoleBinding = setDefaultsRoleBinding;
