// storage.k8s.io/v1 StorageClass validation: a provisioner, bounded parameters, reclaim policy
// and volume binding mode, allowed topologies; provisioner, parameters, reclaimPolicy and
// volumeBindingMode never change.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { tooLong, validateQualifiedName } from './groups-common.js';
import { validateImmutableField, validateLabelName } from './meta.js';
import { arr, byteLength, child, index, isObject, isSet, jsonEqual, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

const maxProvisionerParameterSize = 256 * (1 << 10);
const maxProvisionerParameterLen = 512;
const reclaimPolicies = ['Delete', 'Retain'];
const volumeBindingModes = ['Immediate', 'WaitForFirstConsumer'];

/** validateProvisioner: required, and (lower-cased) a qualified name. Also used for drivers. */
export function validateProvisioner(provisioner: string, path: string): FieldError[] {
  if (provisioner === '') return [field.required(path, '')];
  return validateQualifiedName(provisioner.toLowerCase(), path);
}

/** validateParameters: at most 512 entries and 256 KiB, no empty keys. */
export function validateParameters(paramsRaw: unknown, path: string, allowEmpty = true): FieldError[] {
  const params = isObject(paramsRaw) ? paramsRaw : {};
  const entries = Object.entries(params);
  if (entries.length > maxProvisionerParameterLen) return [tooLong(path, maxProvisionerParameterLen)];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of entries) {
    if (k.length < 1) errs.push(field.invalid(path, k, 'field can not be empty.'));
    total += byteLength(k) + byteLength(str(v));
  }
  if (total > maxProvisionerParameterSize) errs.push(tooLong(path, maxProvisionerParameterSize));
  if (!allowEmpty && entries.length === 0) errs.push(field.required(path, 'must contain at least one key/value pair'));
  return errs;
}

/** ValidateTopologySelectorTerm: requirement keys unique, values given and unique. */
function validateTopologySelectorTerm(termRaw: unknown, path: string): { exprs: Map<string, string[]>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const exprs = new Map<string, string[]>();
  const exprPath = child(path, 'matchLabelExpressions');
  arr(obj(termRaw).matchLabelExpressions).forEach((reqRaw, i) => {
    const req = obj(reqRaw);
    const p = index(exprPath, i);
    const valuesPath = child(p, 'values');
    const values = arr(req.values).map(str);
    if (values.length === 0) errs.push(field.required(valuesPath, ''));
    const seen = new Set<string>();
    values.forEach((v, j) => {
      if (seen.has(v)) errs.push(field.duplicate(index(valuesPath, j), v));
      seen.add(v);
    });
    const k = str(req.key);
    errs.push(...validateLabelName(k, child(p, 'key')));
    if (exprs.has(k)) errs.push(field.duplicate(child(p, 'key'), k));
    exprs.set(k, [...seen].sort());
  });
  return { exprs, errs };
}

function validateAllowedTopologies(topologies: unknown, path: string): FieldError[] {
  const terms = arr(topologies);
  const errs: FieldError[] = [];
  // Upstream seeds its list of seen terms with one empty entry per term, so an empty term
  // always counts as a duplicate.
  const seen: Map<string, string[]>[] = terms.map(() => new Map());
  terms.forEach((term, i) => {
    const { exprs, errs: termErrs } = validateTopologySelectorTerm(term, index(path, i));
    errs.push(...termErrs);
    const same = (a: Map<string, string[]>) => a.size === exprs.size && [...a].every(([k, v]) => jsonEqual(v, exprs.get(k)));
    for (const t of seen) if (same(t)) errs.push(field.duplicate(child(index(path, i), 'matchLabelExpressions'), ''));
    seen.push(exprs);
  });
  return errs;
}

export function validateStorageClass(sc: KubeObject): FieldError[] {
  const errs = [...validateProvisioner(str(sc.provisioner), 'provisioner'), ...validateParameters(sc.parameters, 'parameters')];
  if (isSet(sc.reclaimPolicy) && sc.reclaimPolicy !== '' && !reclaimPolicies.includes(str(sc.reclaimPolicy))) {
    errs.push(field.notSupported('reclaimPolicy', sc.reclaimPolicy, reclaimPolicies));
  }
  if (!isSet(sc.volumeBindingMode)) errs.push(field.required('volumeBindingMode', ''));
  else if (!volumeBindingModes.includes(str(sc.volumeBindingMode))) errs.push(field.notSupported('volumeBindingMode', sc.volumeBindingMode, volumeBindingModes));
  errs.push(...validateAllowedTopologies(sc.allowedTopologies, 'allowedTopologies'));
  return errs;
}

export function validateStorageClassUpdate(sc: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const params = (v: unknown) => (isObject(v) && Object.keys(v).length ? v : undefined);
  if (!jsonEqual(params(sc.parameters), params(old.parameters))) errs.push(field.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (str(sc.provisioner) !== str(old.provisioner)) errs.push(field.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (str(sc.reclaimPolicy) !== str(old.reclaimPolicy)) errs.push(field.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}

export const storageClassValidation: KindValidation = {
  validate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
  nameRule: 'subdomain',
};
