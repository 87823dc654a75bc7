// ResourceQuota validation: quota resource names and amounts, scopes (valid, compatible
// with the resources, not contradicting each other), scope selectors, and immutable scopes.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { fieldImmutableErrorMsg } from './meta.js';
import { isStandardQuotaResourceName, readResourceList, validateResourceQuantityValue, validateResourceQuotaResourceName } from './resources.js';
import { arr, child, isSet, key, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

const standardScopes = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity']);
const podCountResources = new Set(['pods']);
const podComputeResources = new Set(['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);

function isScopeValidForResource(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
    case 'PriorityClass':
    case 'CrossNamespacePodAffinity':
      return podCountResources.has(resource) || podComputeResources.has(resource);
    case 'BestEffort':
      return podCountResources.has(resource);
    default:
      return true;
  }
}

const conflictingScopes = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
];

function validateResourceLists(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, q] of readResourceList(raw, path, errs)) {
    errs.push(...validateResourceQuotaResourceName(name, key(path, name)));
    errs.push(...validateResourceQuantityValue(name, q, key(path, name)));
  }
  return errs;
}

export function validateResourceQuotaSpec(raw: unknown, path: string): FieldError[] {
  const spec = obj(raw);
  const errs = validateResourceLists(spec.hard, child(path, 'hard'));
  const hard = Object.keys(obj(spec.hard)).sort();
  const scopes = arr(spec.scopes).map(str);
  if (scopes.length > 0) {
    const scopesPath = child(path, 'scopes');
    for (const scope of scopes) {
      if (!standardScopes.has(scope)) errs.push(field.invalid(scopesPath, scopes, 'unsupported scope'));
      for (const k of hard) {
        if (isStandardQuotaResourceName(k) && !isScopeValidForResource(scope, k)) errs.push(field.invalid(scopesPath, scopes, 'unsupported scope applied to resource'));
      }
    }
    for (const [a, b] of conflictingScopes) {
      if (scopes.includes(a) && scopes.includes(b)) errs.push(field.invalid(scopesPath, scopes, 'conflicting scopes'));
    }
  }
  if (isSet(spec.scopeSelector)) {
    const selPath = child(child(path, 'scopeSelector'), 'matchExpressions');
    const seen = new Set<string>();
    for (const rawReq of arr(obj(spec.scopeSelector).matchExpressions)) {
      const req = obj(rawReq);
      const scope = str(req.scopeName);
      const values = arr(req.values);
      if (!standardScopes.has(scope)) errs.push(field.invalid(child(selPath, 'scopeName'), scope, 'unsupported scope'));
      for (const k of hard) {
        if (isStandardQuotaResourceName(k) && !isScopeValidForResource(scope, k)) {
          errs.push(field.invalid(selPath, spec.scopeSelector, 'unsupported scope applied to resource'));
        }
      }
      if (['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'].includes(scope) && req.operator !== 'Exists') {
        errs.push(
          field.invalid(
            child(selPath, 'operator'),
            str(req.operator),
            'must be \'Exists\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity',
          ),
        );
      }
      switch (req.operator) {
        case 'In':
        case 'NotIn':
          if (values.length === 0) errs.push(field.required(child(selPath, 'values'), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length !== 0) errs.push(field.invalid(child(selPath, 'values'), values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
          break;
        default:
          errs.push(field.invalid(child(selPath, 'operator'), str(req.operator), 'not a valid selector operator'));
      }
      seen.add(scope);
    }
    for (const [a, b] of conflictingScopes) {
      if (seen.has(a) && seen.has(b)) errs.push(field.invalid(selPath, scopes, 'conflicting scopes'));
    }
  }
  return errs;
}

export function validateResourceQuotaStatus(raw: unknown, path: string): FieldError[] {
  const status = obj(raw);
  return [...validateResourceLists(status.hard, child(path, 'hard')), ...validateResourceLists(status.used, child(path, 'used'))];
}

export function validateResourceQuota(rq: KubeObject): FieldError[] {
  return [...validateResourceQuotaSpec(rq.spec, 'spec'), ...validateResourceQuotaStatus(rq.status, 'status')];
}

export function validateResourceQuotaUpdate(rq: KubeObject, old: KubeObject): FieldError[] {
  const scopes = arr(obj(rq.spec).scopes).map(str);
  const oldScopes = arr(obj(old.spec).scopes).map(str);
  const a = new Set(scopes);
  const b = new Set(oldScopes);
  const same = a.size === b.size && [...a].every((s) => b.has(s));
  return same ? [] : [field.invalid('spec.scopes', scopes, fieldImmutableErrorMsg)];
}

export function validateResourceQuotaStatusUpdate(rq: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (str(rq.metadata?.resourceVersion) === '') errs.push(field.required('resourceVersion', ''));
  errs.push(...validateResourceQuotaStatus(rq.status, 'status'));
  return errs;
}

export const resourceQuotaValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: validateResourceQuota,
  validateUpdate: validateResourceQuotaUpdate,
  validateStatusUpdate: (rq) => validateResourceQuotaStatusUpdate(rq),
};
