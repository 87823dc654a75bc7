// Namespace validation: spec.finalizers, the phase a status update may set, and the
// finalize subresource.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isQualifiedName } from './formats.js';
import { arr, index, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function validateFinalizerName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => field.invalid(path, name, m));
  if (name.split('/').length === 1 && !standardFinalizers.has(name)) {
    errs.push(field.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

export function validateNamespace(ns: KubeObject): FieldError[] {
  return arr(obj(ns.spec).finalizers).flatMap((f) => validateFinalizerName(str(f), 'spec.finalizers'));
}

export function validateNamespaceStatusUpdate(ns: KubeObject): FieldError[] {
  const phase = str(obj(ns.status).phase);
  if (!isSet(ns.metadata?.deletionTimestamp)) {
    if (phase !== 'Active') return [field.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty")];
  } else if (phase !== 'Terminating') {
    return [field.invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
  }
  return [];
}

/** The finalize subresource (PUT namespaces/x/finalize), besides ObjectMeta. */
export function validateNamespaceFinalizeUpdate(ns: KubeObject): FieldError[] {
  return arr(obj(ns.spec).finalizers).flatMap((f, i) => validateFinalizerName(str(f), index('spec.finalizers', i)));
}

export const namespaceValidation: KindValidation = {
  nameRule: 'label',
  validate: validateNamespace,
  validateUpdate: () => [],
  validateStatusUpdate: (ns) => validateNamespaceStatusUpdate(ns),
};
