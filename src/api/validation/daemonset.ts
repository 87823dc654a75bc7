// apps/v1 DaemonSet validation: selector and template, the RollingUpdate strategy (exactly one
// of maxUnavailable and maxSurge non-zero) or OnDelete, history limit, and its status.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import {
  intOrPercentValue,
  isNotMoreThan100Percent,
  labelSelectorAsSelector,
  labelSet,
  selectorTermCount,
  validateCollisionCountNotDecremented,
  validatePositiveIntOrPercent,
} from './groups-common.js';
import { validateImmutableField, validateLabelSelector, validateNonnegative } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';
import { selectorMismatchMessage } from './replicaset.js';
import { child, isSet, obj } from './shape.js';
import type { KindValidation } from './types.js';

export function validateRollingUpdateDaemonSet(ruRaw: unknown, path: string): FieldError[] {
  const ru = obj(ruRaw);
  const muPath = child(path, 'maxUnavailable');
  const msPath = child(path, 'maxSurge');
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, muPath),
    ...validatePositiveIntOrPercent(ru.maxSurge, msPath),
    ...isNotMoreThan100Percent(ru.maxUnavailable, muPath),
    ...isNotMoreThan100Percent(ru.maxSurge, msPath),
  ];
  const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(field.invalid(msPath, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
  if (!hasUnavailable && !hasSurge) errs.push(field.required(muPath, 'cannot be 0 when maxSurge is 0'));
  return errs;
}

export function validateDaemonSetUpdateStrategy(strategyRaw: unknown, path: string): FieldError[] {
  const strategy = obj(strategyRaw);
  switch (strategy.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate':
      return isSet(strategy.rollingUpdate)
        ? validateRollingUpdateDaemonSet(strategy.rollingUpdate, child(path, 'rollingUpdate'))
        : [field.required(child(path, 'rollingUpdate'), '')];
    default:
      return [field.notSupported(path, strategyRaw ?? {}, ['RollingUpdate', 'OnDelete'])];
  }
}

export function validateDaemonSetSpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  const selPath = child(path, 'selector');
  const templatePath = child(path, 'template');
  const template = obj(spec.template);
  const errs = validateLabelSelector(spec.selector, selPath);
  const selector = labelSelectorAsSelector(spec.selector);
  const labels = obj(template.metadata).labels;
  if (selector && !selector.matches(labelSet(labels))) {
    errs.push(field.invalid(child(child(templatePath, 'metadata'), 'labels'), labels ?? null, selectorMismatchMessage));
  }
  if (isSet(spec.selector) && selectorTermCount(spec.selector) === 0) {
    errs.push(field.invalid(selPath, spec.selector, 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(template, templatePath));
  const podSpec = obj(template.spec);
  if (podSpec.restartPolicy !== 'Always') {
    errs.push(field.notSupported(child(child(templatePath, 'spec'), 'restartPolicy'), podSpec.restartPolicy ?? '', ['Always']));
  }
  if (isSet(podSpec.activeDeadlineSeconds)) {
    errs.push(field.forbidden(child(child(templatePath, 'spec'), 'activeDeadlineSeconds'), 'activeDeadlineSeconds in DaemonSet is not Supported'));
  }
  errs.push(...validateNonnegative(spec.minReadySeconds, child(path, 'minReadySeconds')));
  errs.push(...validateDaemonSetUpdateStrategy(spec.updateStrategy, child(path, 'updateStrategy')));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, child(path, 'revisionHistoryLimit')));
  return errs;
}

export function validateDaemonSet(ds: KubeObject): FieldError[] {
  return validateDaemonSetSpec(ds.spec);
}

/** apps/v1 makes the selector immutable. */
export function validateDaemonSetUpdate(ds: KubeObject, old: KubeObject): FieldError[] {
  return validateImmutableField(obj(ds.spec).selector, obj(old.spec).selector, 'spec.selector');
}

export function validateDaemonSetStatus(statusRaw: unknown, path = 'status'): FieldError[] {
  const s = obj(statusRaw);
  const errs: FieldError[] = [];
  for (const f of [
    'currentNumberScheduled',
    'numberMisscheduled',
    'desiredNumberScheduled',
    'numberReady',
    'observedGeneration',
    'updatedNumberScheduled',
    'numberAvailable',
    'numberUnavailable',
    'collisionCount',
  ]) {
    errs.push(...validateNonnegative(s[f], child(path, f)));
  }
  return errs;
}

export function validateDaemonSetStatusUpdate(ds: KubeObject, old: KubeObject): FieldError[] {
  return [...validateDaemonSetStatus(ds.status), ...validateCollisionCountNotDecremented(ds.status, old.status)];
}

export const daemonSetValidation: KindValidation = {
  validate: validateDaemonSet,
  validateUpdate: validateDaemonSetUpdate,
  validateStatusUpdate: validateDaemonSetStatusUpdate,
  nameRule: 'subdomain',
};
