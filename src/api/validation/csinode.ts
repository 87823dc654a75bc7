// storage.k8s.io/v1 CSINode validation: one entry per driver with a node ID, allocatable volume
// count and topology keys; an existing driver entry never changes.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isDNS1123Subdomain } from './formats.js';
import { validateQualifiedName } from './groups-common.js';
import { validateImmutableField, validateNonnegative } from './meta.js';
import { arr, byteLength, child, index, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

const csiNodeIDMaxLength = 192;
const csiNodeIDLongerMaxLength = 256;

/** ValidateCSIDriverName: required, at most 63 characters, a DNS subdomain once lower-cased. */
export function validateCSIDriverName(name: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (name === '') errs.push(field.required(path, ''));
  if (byteLength(name) > 63) errs.push(field.tooLong(path, name, 63));
  for (const msg of isDNS1123Subdomain(name.toLowerCase())) errs.push(field.invalid(path, name, msg));
  return errs;
}

function validateDrivers(drivers: unknown[], path: string, allowLongNodeID: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  drivers.forEach((raw, i) => {
    const d = obj(raw);
    const p = index(path, i);
    const name = str(d.name);
    errs.push(...validateCSIDriverName(name, child(p, 'name')));
    const nodeID = str(d.nodeID);
    if (nodeID === '') errs.push(field.required(child(p, 'nodeID'), ''));
    const maxLength = allowLongNodeID ? csiNodeIDLongerMaxLength : csiNodeIDMaxLength;
    if (byteLength(nodeID) > maxLength) errs.push(field.invalid(child(p, 'nodeID'), nodeID, `must be ${maxLength} characters or less`));
    if (isSet(d.allocatable)) errs.push(...validateNonnegative(obj(d.allocatable).count, child(child(p, 'allocatable'), 'count')));
    if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    names.add(name);
    const keys = new Set<string>();
    for (const k of arr(d.topologyKeys).map(str)) {
      if (k === '') errs.push(field.required(p, ''));
      if (keys.has(k)) errs.push(field.duplicate(p, k));
      keys.add(k);
      errs.push(...validateQualifiedName(k, p));
    }
  });
  return errs;
}

export function validateCSINode(node: KubeObject, allowLongNodeID = false): FieldError[] {
  return validateDrivers(arr(obj(node.spec).drivers), 'spec.drivers', allowLongNodeID);
}

export function validateCSINodeUpdate(node: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const newDrivers = arr(obj(node.spec).drivers);
  for (const oldDriver of arr(obj(old.spec).drivers)) {
    for (const newDriver of newDrivers) {
      if (str(obj(oldDriver).name) === str(obj(newDriver).name)) errs.push(...validateImmutableField(newDriver, oldDriver, 'spec.drivers'));
    }
  }
  return errs;
}

export const csiNodeValidation: KindValidation = {
  validate: (n) => validateCSINode(n),
  validateUpdate: validateCSINodeUpdate,
  // CSINode objects are named after their Node.
  nameRule: 'subdomain',
};
