// apps/v1 ReplicaSet validation (pkg/apis/apps/validation), and the pod-template rules that
// Deployments share with it: the selector must match the template's labels and pods must
// restart Always.

import { field, type FieldError } from '../../machinery/errors.js';
import type { Selector } from '../../machinery/labels.js';
import type { KubeObject } from '../object.js';
import { labelSelectorAsSelector, labelSet, selectorTermCount } from './groups-common.js';
import { validateImmutableField, validateLabelSelector, validateNonnegative } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';
import { child, isSet, obj } from './shape.js';
import type { KindValidation } from './types.js';

export const selectorMismatchMessage = '`selector` does not match template `labels`';

/** ValidatePodTemplateSpecForReplicaSet: also used by Deployments. */
export function validatePodTemplateSpecForReplicaSet(template: unknown, selector: Selector, path: string, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const t = obj(template);
  const labels = obj(t.metadata).labels;
  if (!selector.isEmpty() && !selector.matches(labelSet(labels))) {
    errs.push(field.invalid(child(child(path, 'metadata'), 'labels'), labels ?? null, selectorMismatchMessage));
  }
  errs.push(...validatePodTemplateSpec(t, path));
  const spec = obj(t.spec);
  if (spec.restartPolicy !== 'Always') {
    errs.push(field.notSupported(child(child(path, 'spec'), 'restartPolicy'), spec.restartPolicy ?? '', ['Always']));
  }
  if (isSet(spec.activeDeadlineSeconds)) {
    errs.push(field.forbidden(child(child(path, 'spec'), 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

/**
 * The selector rules Deployments and ReplicaSets share: required, valid, not empty, and
 * convertible; then the template must match it. `emptyKind` names the kind in the "empty
 * selector" message (upstream says "deployment" for ReplicaSets too).
 */
export function validateSelectorAndTemplate(spec: Record<string, unknown>, path: string, emptyKind: string, templateKind: string): FieldError[] {
  const errs: FieldError[] = [];
  const selPath = child(path, 'selector');
  const sel = spec.selector;
  if (!isSet(sel)) {
    errs.push(field.required(selPath, ''));
  } else {
    errs.push(...validateLabelSelector(sel, selPath));
    if (selectorTermCount(sel) === 0) errs.push(field.invalid(selPath, sel, `empty selector is invalid for ${emptyKind}`));
  }
  const selector = labelSelectorAsSelector(sel);
  if (!selector) errs.push(field.invalid(selPath, sel, 'invalid label selector'));
  else errs.push(...validatePodTemplateSpecForReplicaSet(spec.template, selector, child(path, 'template'), templateKind));
  return errs;
}

export function validateReplicaSetSpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  return [
    ...validateNonnegative(spec.replicas, child(path, 'replicas')),
    ...validateNonnegative(spec.minReadySeconds, child(path, 'minReadySeconds')),
    ...validateSelectorAndTemplate(spec, path, 'deployment', 'ReplicaSet'),
  ];
}

export function validateReplicaSet(rs: KubeObject): FieldError[] {
  return validateReplicaSetSpec(rs.spec);
}

/** apps/v1 makes the selector immutable (the registry strategy adds this for v1). */
export function validateReplicaSetUpdate(rs: KubeObject, old: KubeObject): FieldError[] {
  return validateImmutableField(obj(rs.spec).selector, obj(old.spec).selector, 'spec.selector');
}

const cannotExceedReplicas = 'cannot be greater than status.replicas';

export function validateReplicaSetStatus(statusRaw: unknown, path = 'status'): FieldError[] {
  const s = obj(statusRaw);
  const errs: FieldError[] = [];
  for (const f of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) {
    errs.push(...validateNonnegative(s[f], child(path, f)));
  }
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  if (n(s.fullyLabeledReplicas) > n(s.replicas)) errs.push(field.invalid(child(path, 'fullyLabeledReplicas'), n(s.fullyLabeledReplicas), cannotExceedReplicas));
  if (n(s.readyReplicas) > n(s.replicas)) errs.push(field.invalid(child(path, 'readyReplicas'), n(s.readyReplicas), cannotExceedReplicas));
  if (n(s.availableReplicas) > n(s.replicas)) errs.push(field.invalid(child(path, 'availableReplicas'), n(s.availableReplicas), cannotExceedReplicas));
  if (n(s.availableReplicas) > n(s.readyReplicas)) {
    errs.push(field.invalid(child(path, 'availableReplicas'), n(s.availableReplicas), 'cannot be greater than readyReplicas'));
  }
  return errs;
}

export const replicaSetValidation: KindValidation = {
  validate: validateReplicaSet,
  validateUpdate: validateReplicaSetUpdate,
  validateStatusUpdate: (rs) => validateReplicaSetStatus(rs.status),
  nameRule: 'subdomain',
};
