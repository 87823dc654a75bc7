// Quota scopes: which objects a ResourceQuota applies to. spec.scopes and
// spec.scopeSelector.matchExpressions become one list of requirements; each evaluator says
// whether an object meets one (pods know BestEffort, Terminating, PriorityClass...).

import type { KubeObject } from '../../../api/object.js';
import { asObject, asObjects, asString } from '../util.js';

export interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values: string[];
}

/** getScopeSelectorsFromQuota: each listed scope as Exists, then the selector's expressions. */
export function scopeRequirementsOf(quota: KubeObject): ScopeRequirement[] {
  const spec = asObject(quota.spec);
  const out: ScopeRequirement[] = [];
  for (const s of Array.isArray(spec.scopes) ? spec.scopes : []) {
    if (typeof s === 'string') out.push({ scopeName: s, operator: 'Exists', values: [] });
  }
  for (const e of asObjects(asObject(spec.scopeSelector).matchExpressions)) {
    out.push({
      scopeName: asString(e.scopeName),
      operator: asString(e.operator),
      values: Array.isArray(e.values) ? e.values.filter((v): v is string => typeof v === 'string') : [],
    });
  }
  return out;
}

/**
 * ScopedResourceSelectorRequirementsAsSelector applied to a one-label set: the scope name is
 * the key, the object's value for it (if any) the value.
 */
export function requirementMatchesValue(req: ScopeRequirement, value: string | undefined): boolean {
  switch (req.operator) {
    case 'In':
      return value !== undefined && req.values.includes(value);
    case 'NotIn':
      return value === undefined || !req.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return false;
  }
}
