// rbac.authorization.k8s.io/v1 validation: policy rules (verbs, API groups and resources, or
// non-resource URLs on cluster roles only), ClusterRole aggregation selectors, and bindings:
// a roleRef to a Role or ClusterRole in this API group that can never change, and subjects
// that are users, groups or service accounts.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isDNS1123Subdomain, isValidPathSegmentName } from './formats.js';
import { labelSelectorAsSelector } from './groups-common.js';
import { validateLabelSelector } from './meta.js';
import { arr, child, index, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

export const rbacGroup = 'rbac.authorization.k8s.io';

export function validatePolicyRule(ruleRaw: unknown, namespaced: boolean, path: string): FieldError[] {
  const rule = obj(ruleRaw);
  const errs: FieldError[] = [];
  if (arr(rule.verbs).length === 0) errs.push(field.required(child(path, 'verbs'), 'verbs must contain at least one value'));
  const urls = arr(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(field.invalid(child(path, 'nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (arr(rule.apiGroups).length > 0 || arr(rule.resources).length > 0 || arr(rule.resourceNames).length > 0) {
      errs.push(field.invalid(child(path, 'nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (arr(rule.apiGroups).length === 0) errs.push(field.required(child(path, 'apiGroups'), 'resource rules must supply at least one api group'));
  if (arr(rule.resources).length === 0) errs.push(field.required(child(path, 'resources'), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj_: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  arr(obj_.rules).forEach((r, i) => errs.push(...validatePolicyRule(r, namespaced, index('rules', i))));
  return errs;
}

export function validateRole(role: KubeObject): FieldError[] {
  return validateRules(role, true);
}

export function validateClusterRole(role: KubeObject): FieldError[] {
  const errs = validateRules(role, false);
  if (isSet(role.aggregationRule)) {
    const selectors = arr(obj(role.aggregationRule).clusterRoleSelectors);
    const path = 'aggregationRule.clusterRoleSelectors';
    if (selectors.length === 0) errs.push(field.required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((sel, i) => {
      errs.push(...validateLabelSelector(sel, index(path, i)));
      if (!labelSelectorAsSelector(sel)) errs.push(field.invalid(index(path, i), sel, 'invalid label selector.'));
    });
  }
  return errs;
}

export function validateSubject(subjectRaw: unknown, namespaced: boolean, path: string): FieldError[] {
  const subject = obj(subjectRaw);
  const errs: FieldError[] = [];
  const name = str(subject.name);
  const apiGroup = str(subject.apiGroup);
  if (name === '') errs.push(field.required(child(path, 'name'), ''));
  switch (subject.kind) {
    case 'ServiceAccount':
      if (name !== '') for (const msg of isDNS1123Subdomain(name)) errs.push(field.invalid(child(path, 'name'), name, msg));
      if (apiGroup !== '') errs.push(field.notSupported(child(path, 'apiGroup'), apiGroup, ['']));
      if (!namespaced && str(subject.namespace) === '') errs.push(field.required(child(path, 'namespace'), ''));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== rbacGroup) errs.push(field.notSupported(child(path, 'apiGroup'), apiGroup, [rbacGroup]));
      break;
    default:
      errs.push(field.notSupported(child(path, 'kind'), subject.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(binding: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const roleRef = obj(binding.roleRef);
  if (roleRef.apiGroup !== rbacGroup) errs.push(field.notSupported('roleRef.apiGroup', roleRef.apiGroup ?? '', [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(roleRef.kind))) errs.push(field.notSupported('roleRef.kind', roleRef.kind ?? '', kinds));
  const name = str(roleRef.name);
  if (name === '') errs.push(field.required('roleRef.name', ''));
  else for (const msg of isValidPathSegmentName(name)) errs.push(field.invalid('roleRef.name', name, msg));
  arr(binding.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, index('subjects', i))));
  return errs;
}

export const validateRoleBinding = (b: KubeObject): FieldError[] => validateBinding(b, true);
export const validateClusterRoleBinding = (b: KubeObject): FieldError[] => validateBinding(b, false);

/** The roleRef of a binding is fixed for life: delete and recreate the binding instead. */
export function validateBindingUpdate(b: KubeObject, old: KubeObject): FieldError[] {
  const a = obj(b.roleRef);
  const o = obj(old.roleRef);
  const same = ['apiGroup', 'kind', 'name'].every((f) => str(a[f]) === str(o[f]));
  return same ? [] : [field.invalid('roleRef', b.roleRef ?? null, 'cannot change roleRef')];
}

export const roleValidation: KindValidation = { validate: validateRole, nameRule: 'pathSegment' };
export const clusterRoleValidation: KindValidation = { validate: validateClusterRole, nameRule: 'pathSegment' };
export const roleBindingValidation: KindValidation = {
  validate: validateRoleBinding,
  validateUpdate: validateBindingUpdate,
  nameRule: 'pathSegment',
};
export const clusterRoleBindingValidation: KindValidation = {
  validate: validateClusterRoleBinding,
  validateUpdate: validateBindingUpdate,
  nameRule: 'pathSegment',
};
