// apps/v1 ControllerRevision validation: a revision must carry data, which never changes, and
// a non-negative revision number.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { validateImmutableField, validateNonnegative } from './meta.js';
import { isSet } from './shape.js';
import type { KindValidation } from './types.js';

export function validateControllerRevision(rev: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(rev.data)) errs.push(field.required('data', 'data is mandatory'));
  errs.push(...validateNonnegative(rev.revision ?? 0, 'revision'));
  return errs;
}

export function validateControllerRevisionUpdate(rev: KubeObject, old: KubeObject): FieldError[] {
  return validateImmutableField(rev.data, old.data, 'data');
}

export const controllerRevisionValidation: KindValidation = {
  validate: validateControllerRevision,
  validateUpdate: validateControllerRevisionUpdate,
  nameRule: 'subdomain',
};
