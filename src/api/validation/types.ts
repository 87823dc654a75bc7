// What each kind's validation provides. The registry runs ObjectMeta validation itself and
// then these; every function is pure (no I/O) and returns all errors it finds.

import type { FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';

export interface KindValidation {
  /** Checks a new object (create), and the new state on update unless validateUpdate says otherwise. */
  validate(obj: KubeObject): FieldError[];
  /** Checks an update: immutable fields and transitions. Called in addition to validate(). */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Checks a write to the status subresource (the spec is already the old one). */
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** How metadata.name must look: DNS-1123 subdomain (most kinds), label (Namespace, Service), path segment (RBAC). */
  nameRule?: 'subdomain' | 'label' | 'dns1035' | 'pathSegment' | 'none';
}
