// scheduling.k8s.io/v1 PriorityClass validation: the reserved `system-` names and their fixed
// values, the ceiling on user-defined priorities, the preemption policy; value and
// preemptionPolicy never change. (Only one globalDefault is an admission rule.)

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { validateImmutableField } from './meta.js';
import { isInt, isSet, str } from './shape.js';
import type { KindValidation } from './types.js';

export const systemPriorityClassPrefix = 'system-';
export const highestUserDefinablePriority = 1_000_000_000;
export const systemPriorityClasses = [
  { name: 'system-node-critical', value: 2_000_001_000, globalDefault: false },
  { name: 'system-cluster-critical', value: 2_000_000_000, globalDefault: false },
];
const preemptionPolicies = ['Never', 'PreemptLowerPriority'];

/** IsKnownSystemPriorityClass: undefined when `name` is one with exactly its fixed settings. */
function systemPriorityClassProblem(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = systemPriorityClasses.find((c) => c.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (known.globalDefault !== globalDefault) return `globalDefault of ${name} PriorityClass must be ${known.globalDefault}`;
  return undefined;
}

export function validatePriorityClass(pc: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(pc.metadata?.name);
  const value = isInt(pc.value) ? pc.value : 0;
  if (isSet(pc.value) && !isInt(pc.value)) errs.push(field.invalid('value', pc.value, 'must be an integer'));
  if (name.startsWith(systemPriorityClassPrefix)) {
    const problem = systemPriorityClassProblem(name, value, pc.globalDefault === true);
    if (problem) {
      errs.push(field.forbidden('metadata.name', `priority class names with '${systemPriorityClassPrefix}' prefix are reserved for system use only. error: ${problem}`));
    }
  } else if (value > highestUserDefinablePriority) {
    errs.push(field.forbidden('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
  }
  if (isSet(pc.preemptionPolicy) && !preemptionPolicies.includes(str(pc.preemptionPolicy))) {
    errs.push(field.notSupported('preemptionPolicy', pc.preemptionPolicy, preemptionPolicies));
  }
  return errs;
}

export function validatePriorityClassUpdate(pc: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if ((pc.value ?? 0) !== (old.value ?? 0)) errs.push(field.forbidden('value', 'may not be changed in an update.'));
  errs.push(...validateImmutableField(pc.preemptionPolicy, old.preemptionPolicy, 'preemptionPolicy'));
  return errs;
}

export const priorityClassValidation: KindValidation = {
  validate: validatePriorityClass,
  validateUpdate: validatePriorityClassUpdate,
  nameRule: 'subdomain',
};
