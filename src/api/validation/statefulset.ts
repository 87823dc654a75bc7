// apps/v1 StatefulSet validation: pod management and update strategies, claim retention,
// ordinals, selector and template, and the rule that an update may only touch replicas,
// ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds.
// Like upstream, the pod spec itself is not validated here: its volumes may come from
// volumeClaimTemplates, which pod validation cannot see.

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
import { validateAnnotations, validateLabels, validateLabelSelector, validateNonnegative } from './meta.js';
import { selectorMismatchMessage } from './replicaset.js';
import { child, isSet, obj, semanticEqual } from './shape.js';
import type { KindValidation } from './types.js';

function validateRetentionPolicyType(v: unknown, path: string): FieldError[] {
  return v === 'Retain' || v === 'Delete' ? [] : [field.notSupported(path, v ?? '', ['Retain', 'Delete'])];
}

function validateRollingUpdateStatefulSet(ruRaw: unknown, path: string): FieldError[] {
  const ru = obj(ruRaw);
  const errs = validateNonnegative(ru.partition, child(path, 'partition'));
  if (isSet(ru.maxUnavailable)) {
    const p = child(path, 'maxUnavailable');
    errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p));
    if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(field.invalid(p, ru.maxUnavailable, 'cannot be 0'));
    errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p));
  }
  return errs;
}

function validateUpdateStrategy(strategyRaw: unknown, path: string): FieldError[] {
  const strategy = obj(strategyRaw);
  switch (strategy.type ?? '') {
    case '':
      return [field.required(path, '')];
    case 'OnDelete':
      return isSet(strategy.rollingUpdate)
        ? [field.invalid(child(path, 'rollingUpdate'), strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'")]
        : [];
    case 'RollingUpdate':
      return isSet(strategy.rollingUpdate) ? validateRollingUpdateStatefulSet(strategy.rollingUpdate, child(path, 'rollingUpdate')) : [];
    default:
      return [field.invalid(path, strategyRaw, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

export function validateStatefulSetSpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  const errs: FieldError[] = [];
  switch (spec.podManagementPolicy ?? '') {
    case '':
      errs.push(field.required(child(path, 'podManagementPolicy'), ''));
      break;
    case 'OrderedReady':
    case 'Parallel':
      break;
    default:
      errs.push(field.invalid(child(path, 'podManagementPolicy'), spec.podManagementPolicy, "must be 'OrderedReady' or 'Parallel'"));
  }
  errs.push(...validateUpdateStrategy(spec.updateStrategy, child(path, 'updateStrategy')));
  if (isSet(spec.persistentVolumeClaimRetentionPolicy)) {
    const policy = obj(spec.persistentVolumeClaimRetentionPolicy);
    const p = child(path, 'persistentVolumeClaimRetentionPolicy');
    errs.push(...validateRetentionPolicyType(policy.whenDeleted, child(p, 'whenDeleted')));
    errs.push(...validateRetentionPolicyType(policy.whenScaled, child(p, 'whenScaled')));
  }
  errs.push(...validateNonnegative(spec.replicas, child(path, 'replicas')));
  errs.push(...validateNonnegative(spec.minReadySeconds, child(path, 'minReadySeconds')));
  if (isSet(spec.ordinals)) errs.push(...validateNonnegative(obj(spec.ordinals).start, child(path, 'ordinals.start')));

  const selPath = child(path, 'selector');
  if (!isSet(spec.selector)) {
    errs.push(field.required(selPath, ''));
  } else {
    errs.push(...validateLabelSelector(spec.selector, selPath));
    if (selectorTermCount(spec.selector) === 0) errs.push(field.invalid(selPath, spec.selector, 'empty selector is invalid for statefulset'));
  }
  const selector = labelSelectorAsSelector(spec.selector);
  const template = obj(spec.template);
  const templatePath = child(path, 'template');
  if (!selector) {
    errs.push(field.invalid(selPath, spec.selector, ''));
  } else {
    const meta = obj(template.metadata);
    if (!selector.isEmpty() && !selector.matches(labelSet(meta.labels))) {
      errs.push(field.invalid(child(child(templatePath, 'metadata'), 'labels'), meta.labels ?? null, selectorMismatchMessage));
    }
    // Upstream checks these at spec.template.labels, not spec.template.metadata.labels.
    errs.push(...validateLabels(meta.labels, child(templatePath, 'labels')));
    errs.push(...validateAnnotations(meta.annotations, child(templatePath, 'annotations')));
  }
  const podSpec = obj(template.spec);
  if (podSpec.restartPolicy !== 'Always') {
    errs.push(field.notSupported(child(child(templatePath, 'spec'), 'restartPolicy'), podSpec.restartPolicy ?? '', ['Always']));
  }
  if (isSet(podSpec.activeDeadlineSeconds)) {
    errs.push(field.forbidden(child(child(templatePath, 'spec'), 'activeDeadlineSeconds'), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

export function validateStatefulSet(sts: KubeObject): FieldError[] {
  return validateStatefulSetSpec(sts.spec);
}

const updatableFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export const statefulSetSpecForbiddenMessage =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

export function validateStatefulSetUpdate(sts: KubeObject, old: KubeObject): FieldError[] {
  const rest = (spec: unknown) => {
    const copy: Record<string, unknown> = { ...obj(spec) };
    for (const f of updatableFields) delete copy[f];
    return copy;
  };
  return semanticEqual(rest(sts.spec), rest(old.spec)) ? [] : [field.forbidden('spec', statefulSetSpecForbiddenMessage)];
}

const cannotExceedReplicas = 'cannot be greater than status.replicas';

export function validateStatefulSetStatus(statusRaw: unknown, path = 'status'): FieldError[] {
  const s = obj(statusRaw);
  const errs: FieldError[] = [];
  for (const f of ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount']) {
    errs.push(...validateNonnegative(s[f], child(path, f)));
  }
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  for (const f of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) {
    if (n(s[f]) > n(s.replicas)) errs.push(field.invalid(child(path, f), n(s[f]), cannotExceedReplicas));
  }
  if (n(s.availableReplicas) > n(s.readyReplicas)) {
    errs.push(field.invalid(child(path, 'availableReplicas'), n(s.availableReplicas), 'cannot be greater than status.readyReplicas'));
  }
  return errs;
}

export function validateStatefulSetStatusUpdate(sts: KubeObject, old: KubeObject): FieldError[] {
  return [...validateStatefulSetStatus(sts.status), ...validateCollisionCountNotDecremented(sts.status, old.status)];
}

export const statefulSetValidation: KindValidation = {
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  validateStatusUpdate: validateStatefulSetStatusUpdate,
  // ValidateStatefulSetName: pod names and hostnames derive from it, so a DNS label.
  nameRule: 'label',
};
