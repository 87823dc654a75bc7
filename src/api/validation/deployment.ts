// apps/v1 Deployment validation (pkg/apis/apps/validation + the registry's v1 selector rule):
// replicas, selector and template, strategy (RollingUpdate limits, Recreate), history and
// progress deadline; the status a controller may write.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import {
  intOrPercentValue,
  isNotMoreThan100Percent,
  validateCollisionCountNotDecremented,
  validatePositiveIntOrPercent,
} from './groups-common.js';
import { validateImmutableField, validateNonnegative } from './meta.js';
import { validateSelectorAndTemplate } from './replicaset.js';
import { child, isInt, isSet, obj } from './shape.js';
import type { KindValidation } from './types.js';

export function validateRollingUpdateDeployment(ruRaw: unknown, path: string): FieldError[] {
  const ru = obj(ruRaw);
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, child(path, 'maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, child(path, 'maxSurge')),
  ];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(field.invalid(child(path, 'maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, child(path, 'maxUnavailable')));
  return errs;
}

export function validateDeploymentStrategy(strategyRaw: unknown, path: string): FieldError[] {
  const strategy = obj(strategyRaw);
  switch (strategy.type) {
    case 'Recreate':
      return isSet(strategy.rollingUpdate)
        ? [field.forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")]
        : [];
    case 'RollingUpdate':
      return isSet(strategy.rollingUpdate)
        ? validateRollingUpdateDeployment(strategy.rollingUpdate, child(path, 'rollingUpdate'))
        : [field.required(child(path, 'rollingUpdate'), 'this should be defaulted and never be nil')];
    default:
      return [field.notSupported(path, strategyRaw ?? {}, ['Recreate', 'RollingUpdate'])];
  }
}

export function validateDeploymentSpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  const errs = [
    ...validateNonnegative(spec.replicas, child(path, 'replicas')),
    ...validateSelectorAndTemplate(spec, path, 'deployment', 'ReplicaSet'),
    ...validateDeploymentStrategy(spec.strategy, child(path, 'strategy')),
    ...validateNonnegative(spec.minReadySeconds, child(path, 'minReadySeconds')),
    ...validateNonnegative(spec.revisionHistoryLimit, child(path, 'revisionHistoryLimit')),
  ];
  if (isSet(spec.progressDeadlineSeconds)) {
    const pds = spec.progressDeadlineSeconds;
    errs.push(...validateNonnegative(pds, child(path, 'progressDeadlineSeconds')));
    const minReady = isInt(spec.minReadySeconds) ? spec.minReadySeconds : 0;
    if (isInt(pds) && pds <= minReady) {
      errs.push(field.invalid(child(path, 'progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export function validateDeployment(d: KubeObject): FieldError[] {
  return validateDeploymentSpec(d.spec);
}

/** apps/v1 keeps the selector immutable (the deployment strategy's v1 rule). */
export function validateDeploymentUpdate(d: KubeObject, old: KubeObject): FieldError[] {
  return validateImmutableField(obj(d.spec).selector, obj(old.spec).selector, 'spec.selector');
}

const cannotExceedReplicas = 'cannot be greater than status.replicas';

export function validateDeploymentStatus(statusRaw: unknown, path = 'status'): FieldError[] {
  const s = obj(statusRaw);
  const errs: FieldError[] = [];
  for (const f of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount']) {
    errs.push(...validateNonnegative(s[f], child(path, f)));
  }
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  if (n(s.updatedReplicas) > n(s.replicas)) errs.push(field.invalid(child(path, 'updatedReplicas'), n(s.updatedReplicas), cannotExceedReplicas));
  if (n(s.readyReplicas) > n(s.replicas)) errs.push(field.invalid(child(path, 'readyReplicas'), n(s.readyReplicas), cannotExceedReplicas));
  if (n(s.availableReplicas) > n(s.replicas)) errs.push(field.invalid(child(path, 'availableReplicas'), n(s.availableReplicas), cannotExceedReplicas));
  if (n(s.availableReplicas) > n(s.readyReplicas)) {
    errs.push(field.invalid(child(path, 'availableReplicas'), n(s.availableReplicas), 'cannot be greater than readyReplicas'));
  }
  return errs;
}

export function validateDeploymentStatusUpdate(d: KubeObject, old: KubeObject): FieldError[] {
  return [...validateDeploymentStatus(d.status), ...validateCollisionCountNotDecremented(d.status, old.status)];
}

export const deploymentValidation: KindValidation = {
  validate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
  validateStatusUpdate: validateDeploymentStatusUpdate,
  nameRule: 'subdomain',
};
