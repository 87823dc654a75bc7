// ReplicationController validation: a non-empty selector matching the template's labels, a
// template whose pods restart Always and have no deadline, and sane status counters.

import { field, type FieldError } from '../../machinery/errors.js';
import { selectorFromMap } from '../../machinery/labels.js';
import type { KubeObject } from '../object.js';
import { isNegativeErrorMsg } from './meta.js';
import { validatePodTemplateSpec, type PodValidationOptions } from './pod.js';
import { isObject, isSet, obj, str, strMap } from './shape.js';
import type { KindValidation } from './types.js';

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function nonnegative(v: unknown, path: string): FieldError[] {
  return num(v) < 0 ? [field.invalid(path, num(v), isNegativeErrorMsg)] : [];
}

export function validateReplicationControllerSpec(raw: unknown, path: string, opts: PodValidationOptions = {}): FieldError[] {
  const spec = obj(raw);
  const errs = nonnegative(spec.minReadySeconds, `${path}.minReadySeconds`);
  const selector = strMap(spec.selector);
  if (Object.keys(selector).length === 0) errs.push(field.required(`${path}.selector`, ''));
  errs.push(...nonnegative(spec.replicas, `${path}.replicas`));
  const tPath = `${path}.template`;
  if (!isObject(spec.template)) {
    errs.push(field.required(tPath, ''));
    return errs;
  }
  const template = spec.template;
  const labels = strMap(obj(template.metadata).labels);
  if (Object.keys(selector).length > 0 && !selectorFromMap(selector).matches(labels)) {
    errs.push(field.invalid(`${tPath}.metadata.labels`, obj(template.metadata).labels ?? null, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, tPath, opts));
  const tSpec = obj(template.spec);
  if (str(tSpec.restartPolicy) !== 'Always') errs.push(field.notSupported(`${tPath}.spec.restartPolicy`, str(tSpec.restartPolicy), ['Always']));
  if (isSet(tSpec.activeDeadlineSeconds)) {
    errs.push(field.forbidden(`${tPath}.spec.activeDeadlineSeconds`, 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

export function validateReplicationControllerStatus(raw: unknown, path: string): FieldError[] {
  const s = obj(raw);
  const errs: FieldError[] = [];
  for (const f of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) errs.push(...nonnegative(s[f], `${path}.${f}`));
  const msg = 'cannot be greater than status.replicas';
  if (num(s.fullyLabeledReplicas) > num(s.replicas)) errs.push(field.invalid(`${path}.fullyLabeledReplicas`, num(s.fullyLabeledReplicas), msg));
  if (num(s.readyReplicas) > num(s.replicas)) errs.push(field.invalid(`${path}.readyReplicas`, num(s.readyReplicas), msg));
  if (num(s.availableReplicas) > num(s.replicas)) errs.push(field.invalid(`${path}.availableReplicas`, num(s.availableReplicas), msg));
  if (num(s.availableReplicas) > num(s.readyReplicas)) errs.push(field.invalid(`${path}.availableReplicas`, num(s.availableReplicas), 'cannot be greater than readyReplicas'));
  return errs;
}

export const replicationControllerValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: (rc) => validateReplicationControllerSpec(rc.spec, 'spec'),
  // validate() checks the new spec strictly; an update tolerates what the old template had.
  validateUpdate: () => [],
  validateStatusUpdate: (rc: KubeObject) => validateReplicationControllerStatus(rc.status, 'status'),
};

