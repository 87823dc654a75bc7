// coordination.k8s.io/v1 Lease validation: a positive duration, non-negative transitions, and
// the coordinated-leader-election fields (a strategy, and a preferred holder only with one).

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isQualifiedName } from './formats.js';
import { isInt, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

/** The one built-in strategy; others are qualified names such as `example.com/mine`. */
export const oldestEmulationVersion = 'OldestEmulationVersion';

/** ValidateCoordinatedLeaseStrategy (which, like upstream, appends "strategy" to the path again). */
function validateCoordinatedLeaseStrategy(strategy: string, path: string): FieldError[] {
  const p = `${path}.strategy`;
  if (!strategy.includes('/')) return strategy === oldestEmulationVersion ? [] : [field.notSupported(p, strategy, [oldestEmulationVersion])];
  return isQualifiedName(strategy).map((msg) => field.invalid(p, strategy, msg));
}

export function validateLeaseSpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  const errs: FieldError[] = [];
  if (isSet(spec.leaseDurationSeconds) && !(isInt(spec.leaseDurationSeconds) && spec.leaseDurationSeconds > 0)) {
    errs.push(field.invalid(`${path}.leaseDurationSeconds`, spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (isSet(spec.leaseTransitions) && !(isInt(spec.leaseTransitions) && spec.leaseTransitions >= 0)) {
    errs.push(field.invalid(`${path}.leaseTransitions`, spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  if (str(spec.strategy) !== '') errs.push(...validateCoordinatedLeaseStrategy(str(spec.strategy), `${path}.strategy`));
  if (str(spec.preferredHolder) !== '' && str(spec.strategy) === '') {
    errs.push(field.forbidden(`${path}.preferredHolder`, 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export function validateLease(lease: KubeObject): FieldError[] {
  return validateLeaseSpec(lease.spec);
}

export const leaseValidation: KindValidation = {
  validate: validateLease,
  nameRule: 'subdomain',
};
