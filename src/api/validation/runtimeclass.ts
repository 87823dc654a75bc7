// node.k8s.io/v1 RuntimeClass validation: a handler (a DNS label, fixed for life), pod
// overhead quantities, and scheduling constraints (node selector labels, unique tolerations).

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isDNS1123Label } from './formats.js';
import { validateImmutableField, validateLabels } from './meta.js';
import { validateResourceRequirements } from './resources.js';
import { validateTolerations } from './scheduling.js';
import { arr, index, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

function validateSchedulingTolerations(raw: unknown, path: string): FieldError[] {
  // Upstream passes an already-extended path down, hence "tolerations.tolerations[i]".
  const errs = validateTolerations(raw, `${path}.tolerations`);
  const seen = new Set<string>();
  arr(raw).forEach((t, i) => {
    const tol = obj(t);
    const listKey = JSON.stringify([str(tol.key), str(tol.operator), str(tol.value), str(tol.effect)]);
    if (seen.has(listKey)) errs.push(field.duplicate(index(path, i), t));
    seen.add(listKey);
  });
  return errs;
}

export function validateRuntimeClass(rc: KubeObject): FieldError[] {
  const handler = str(rc.handler);
  const errs = isDNS1123Label(handler).map((msg) => field.invalid('handler', handler, msg));
  if (isSet(rc.overhead)) {
    // Overhead reuses container resource validation, so its errors name "limits".
    errs.push(...validateResourceRequirements({ limits: obj(rc.overhead).podFixed }, 'overhead'));
  }
  if (isSet(rc.scheduling)) {
    const scheduling = obj(rc.scheduling);
    errs.push(...validateLabels(scheduling.nodeSelector, 'scheduling.nodeSelector'));
    errs.push(...validateSchedulingTolerations(scheduling.tolerations, 'scheduling.tolerations'));
  }
  return errs;
}

export function validateRuntimeClassUpdate(rc: KubeObject, old: KubeObject): FieldError[] {
  return validateImmutableField(rc.handler, old.handler, 'handler');
}

export const runtimeClassValidation: KindValidation = {
  validate: validateRuntimeClass,
  validateUpdate: validateRuntimeClassUpdate,
  nameRule: 'subdomain',
};
