// core/v1 Event validation (the legacy rules that every Event, whichever API wrote it, must
// pass): the namespace agrees with the involved object's, and events with an eventTime carry
// the reporting fields.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isDNS1123Subdomain, isQualifiedName } from './formats.js';
import { byteLength, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

export function validateEventLegacy(event: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = str(event.metadata?.namespace);
  const involvedNamespace = str(obj(event.involvedObject).namespace);
  const mismatch = () => errs.push(field.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
  if (!isSet(event.eventTime) || event.eventTime === '') {
    if (involvedNamespace === '') {
      if (namespace !== '' && namespace !== 'default') mismatch();
    } else if (namespace !== involvedNamespace) mismatch();
  } else {
    if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') mismatch();
    const controller = str(event.reportingComponent);
    if (controller === '') errs.push(field.required('reportingController', ''));
    errs.push(...isQualifiedName(controller).map((m) => field.invalid('reportingController', controller, m)));
    const instance = str(event.reportingInstance);
    if (instance === '') errs.push(field.required('reportingInstance', ''));
    if (byteLength(instance) > 128) errs.push(field.invalid('reportingInstance', '', 'can have at most 128 characters'));
    const action = str(event.action);
    if (action === '') errs.push(field.required('action', ''));
    if (byteLength(action) > 128) errs.push(field.invalid('action', '', 'can have at most 128 characters'));
    const reason = str(event.reason);
    if (reason === '') errs.push(field.required('reason', ''));
    if (byteLength(reason) > 128) errs.push(field.invalid('reason', '', 'can have at most 128 characters'));
    if (byteLength(str(event.message)) > 1024) errs.push(field.invalid('message', '', 'can have at most 1024 characters'));
  }
  errs.push(...isDNS1123Subdomain(namespace).map((m) => field.invalid('namespace', namespace, m)));
  return errs;
}

/**
 * Events written through core/v1 get only the legacy checks, on create and update alike
 * (stricter rules apply to events.k8s.io/v1 writes, validated by that group).
 */
export const coreEventValidation: KindValidation = {
  // The registry's generic ObjectMeta check is all an Event name gets.
  nameRule: 'pathSegment',
  validate: validateEventLegacy,
};
