// policy/v1 PodDisruptionBudget validation: minAvailable or maxUnavailable (not both), each an
// integer or a percentage up to 100%, the selector, the unhealthy-pod eviction policy, and the
// status the disruption controller writes.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isNotMoreThan100Percent, validateConditions, validatePositiveIntOrPercent } from './groups-common.js';
import { validateLabelSelector, validateNonnegative } from './meta.js';
import { child, isSet, obj } from './shape.js';
import type { KindValidation } from './types.js';

const unhealthyPodEvictionPolicies = ['AlwaysAllow', 'IfHealthyBudget'];

export function validatePodDisruptionBudgetSpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  const errs: FieldError[] = [];
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) {
    errs.push(field.invalid(path, spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const f of ['minAvailable', 'maxUnavailable']) {
    if (!isSet(spec[f])) continue;
    errs.push(...validatePositiveIntOrPercent(spec[f], child(path, f)));
    errs.push(...isNotMoreThan100Percent(spec[f], child(path, f)));
  }
  errs.push(...validateLabelSelector(spec.selector, child(path, 'selector')));
  if (isSet(spec.unhealthyPodEvictionPolicy) && !unhealthyPodEvictionPolicies.includes(String(spec.unhealthyPodEvictionPolicy))) {
    errs.push(field.notSupported(child(path, 'unhealthyPodEvictionPolicy'), spec.unhealthyPodEvictionPolicy, unhealthyPodEvictionPolicies));
  }
  return errs;
}

export function validatePodDisruptionBudget(pdb: KubeObject): FieldError[] {
  return validatePodDisruptionBudgetSpec(pdb.spec);
}

export function validatePodDisruptionBudgetStatus(statusRaw: unknown, path = 'status'): FieldError[] {
  const s = obj(statusRaw);
  const errs = validateConditions(s.conditions, child(path, 'conditions'));
  for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) {
    errs.push(...validateNonnegative(s[f], child(path, f)));
  }
  return errs;
}

export const podDisruptionBudgetValidation: KindValidation = {
  validate: validatePodDisruptionBudget,
  validateStatusUpdate: (pdb) => validatePodDisruptionBudgetStatus(pdb.status),
  nameRule: 'subdomain',
};
