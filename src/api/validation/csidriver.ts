// storage.k8s.io/v1 CSIDriver validation: the (defaulted) capability flags, fsGroupPolicy,
// service-account token requests and volume lifecycle modes; attachRequired and
// volumeLifecycleModes never change.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { validateImmutableField } from './meta.js';
import { arr, child, index, isInt, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

const fsGroupPolicies = ['File', 'None', 'ReadWriteOnceWithFSType'];
const lifecycleModes = ['Persistent', 'Ephemeral'];

export function validateCSIDriverSpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  const errs: FieldError[] = [];
  // Upstream's path for attachRequired really is "attachedRequired".
  if (!isSet(spec.attachRequired)) errs.push(field.required(child(path, 'attachedRequired'), ''));
  if (!isSet(spec.podInfoOnMount)) errs.push(field.required(child(path, 'podInfoOnMount'), ''));
  if (!isSet(spec.storageCapacity)) errs.push(field.required(child(path, 'storageCapacity'), ''));
  if (isSet(spec.fsGroupPolicy) && !fsGroupPolicies.includes(str(spec.fsGroupPolicy))) {
    errs.push(field.notSupported(child(path, 'fsGroupPolicy'), spec.fsGroupPolicy, fsGroupPolicies));
  }
  const audiences = new Set<string>();
  arr(spec.tokenRequests).forEach((raw, i) => {
    const req = obj(raw);
    const p = index(child(path, 'tokenRequests'), i);
    const audience = str(req.audience);
    if (audiences.has(audience)) {
      errs.push(field.duplicate(child(p, 'audience'), audience));
      return;
    }
    audiences.add(audience);
    if (!isInt(req.expirationSeconds)) return;
    if (req.expirationSeconds < 600) errs.push(field.invalid(child(p, 'expirationSeconds'), req.expirationSeconds, 'may not specify a duration less than 10 minutes'));
    if (req.expirationSeconds > 2 ** 32) {
      errs.push(field.invalid(child(p, 'expirationSeconds'), req.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
    }
  });
  for (const mode of arr(spec.volumeLifecycleModes)) {
    if (!lifecycleModes.includes(str(mode))) errs.push(field.notSupported(child(path, 'volumeLifecycleModes'), mode, lifecycleModes));
  }
  // SELinuxMountReadWriteOncePod is on: the field is defaulted, so it must be there.
  if (!isSet(spec.seLinuxMount)) errs.push(field.required(child(path, 'seLinuxMount'), ''));
  return errs;
}

export function validateCSIDriver(d: KubeObject): FieldError[] {
  return validateCSIDriverSpec(d.spec);
}

export function validateCSIDriverUpdate(d: KubeObject, old: KubeObject): FieldError[] {
  const spec = obj(d.spec);
  const oldSpec = obj(old.spec);
  return [
    ...validateImmutableField(spec.attachRequired, oldSpec.attachRequired, 'spec.attachedRequired'),
    ...validateImmutableField(spec.volumeLifecycleModes, oldSpec.volumeLifecycleModes, 'spec.volumeLifecycleModes'),
  ];
}

export const csiDriverValidation: KindValidation = {
  validate: validateCSIDriver,
  validateUpdate: validateCSIDriverUpdate,
  nameRule: 'subdomain',
};
