// LimitRange validation: limit types, resource names per type, and the order the values
// must respect (min ≤ defaultRequest ≤ default ≤ max, ratios ≥ 1).

import { field, type FieldError } from '../../machinery/errors.js';
import { compareQuantities, formatQuantity, quantityFromValue, quantityScaledValue, type Quantity } from '../../machinery/quantity.js';
import type { KubeObject } from '../object.js';
import { isQualifiedName } from './formats.js';
import { isOvercommitAllowed, readResourceList, validateContainerResourceName, validateResourceName } from './resources.js';
import { arr, child, index, key, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

const standardLimitTypes = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);
const maxMilliValue = (2n ** 63n - 1n) / 1000n;

function validateLimitTypeName(type: string, path: string): FieldError[] {
  const errs = isQualifiedName(type).map((m) => field.invalid(path, type, m));
  if (errs.length) return errs;
  if (type.split('/').length === 1 && !standardLimitTypes.has(type)) return [field.invalid(path, type, 'must be a standard limit type or fully qualified')];
  return [];
}

function resourceNameFor(type: string): (name: string, path: string) => FieldError[] {
  return type === 'Pod' || type === 'Container' ? validateContainerResourceName : validateResourceName;
}

/** Go's %f: six decimals. */
function goFloat(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  return v.toFixed(6);
}

export function validateLimitRange(lr: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seenTypes = new Set<string>();
  arr(obj(lr.spec).limits).forEach((raw, i) => {
    const limit = obj(raw);
    const p = index('spec.limits', i);
    const type = str(limit.type);
    errs.push(...validateLimitTypeName(type, child(p, 'type')));
    if (seenTypes.has(type)) errs.push(field.duplicate(child(p, 'type'), type));
    seenTypes.add(type);
    const nameFn = resourceNameFor(type);
    const keys = new Set<string>();
    const read = (fieldName: string): Map<string, Quantity> => {
      const list = readResourceList(limit[fieldName], child(p, fieldName), errs);
      for (const name of list.keys()) {
        errs.push(...nameFn(name, key(child(p, fieldName), name)));
        keys.add(name);
      }
      return list;
    };
    const max = read('max');
    const min = read('min');
    let defaults = new Map<string, Quantity>();
    let defaultRequests = new Map<string, Quantity>();
    if (type === 'Pod') {
      if (Object.keys(obj(limit.default)).length > 0) errs.push(field.forbidden(child(p, 'default'), "may not be specified when `type` is 'Pod'"));
      if (Object.keys(obj(limit.defaultRequest)).length > 0) errs.push(field.forbidden(child(p, 'defaultRequest'), "may not be specified when `type` is 'Pod'"));
    } else {
      defaults = read('default');
      defaultRequests = read('defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && !min.has('storage') && !max.has('storage')) {
      errs.push(field.required(child(p, 'limits'), 'either minimum or maximum storage value is required, but neither was provided'));
    }
    const ratios = read('maxLimitRequestRatio');
    for (const k of keys) {
      const mn = min.get(k);
      const mx = max.get(k);
      const def = defaults.get(k);
      const defReq = defaultRequests.get(k);
      const ratio = ratios.get(k);
      const f = formatQuantity;
      if (mn && mx && compareQuantities(mn, mx) > 0) errs.push(field.invalid(key(child(p, 'min'), k), f(mn), `min value ${f(mn)} is greater than max value ${f(mx)}`));
      if (defReq && mn && compareQuantities(mn, defReq) > 0) {
        errs.push(field.invalid(key(child(p, 'defaultRequest'), k), f(defReq), `min value ${f(mn)} is greater than default request value ${f(defReq)}`));
      }
      if (defReq && mx && compareQuantities(defReq, mx) > 0) {
        errs.push(field.invalid(key(child(p, 'defaultRequest'), k), f(defReq), `default request value ${f(defReq)} is greater than max value ${f(mx)}`));
      }
      if (defReq && def && compareQuantities(defReq, def) > 0) {
        errs.push(field.invalid(key(child(p, 'defaultRequest'), k), f(defReq), `default request value ${f(defReq)} is greater than default limit value ${f(def)}`));
      }
      if (def && mn && compareQuantities(mn, def) > 0) errs.push(field.invalid(key(child(p, 'default'), k), f(mn), `min value ${f(mn)} is greater than default value ${f(def)}`));
      if (def && mx && compareQuantities(def, mx) > 0) errs.push(field.invalid(key(child(p, 'default'), k), f(mx), `default value ${f(def)} is greater than max value ${f(mx)}`));
      if (ratio && compareQuantities(ratio, quantityFromValue(1)) < 0) {
        errs.push(field.invalid(key(child(p, 'maxLimitRequestRatio'), k), f(ratio), `ratio ${f(ratio)} is less than 1`));
      }
      if (ratio && mn && mx) {
        let ratioValue = Number(quantityScaledValue(ratio, 0));
        let minValue = quantityScaledValue(mn, 0);
        let maxValue = quantityScaledValue(mx, 0);
        if (quantityScaledValue(ratio, 0) < maxMilliValue && minValue < maxMilliValue && maxValue < maxMilliValue) {
          ratioValue = Number(quantityScaledValue(ratio, -3)) / 1000;
          minValue = quantityScaledValue(mn, -3);
          maxValue = quantityScaledValue(mx, -3);
        }
        const maxRatio = Number(maxValue) / Number(minValue);
        if (ratioValue > maxRatio) {
          errs.push(field.invalid(key(child(p, 'maxLimitRequestRatio'), k), f(ratio), `ratio ${f(ratio)} is greater than max/min = ${goFloat(maxRatio)}`));
        }
      }
      if (!isOvercommitAllowed(k) && def && defReq && compareQuantities(def, defReq) !== 0) {
        errs.push(field.invalid(key(child(p, 'defaultRequest'), k), f(defReq), `default value ${f(def)} must equal to defaultRequest value ${f(defReq)} in ${k}`));
      }
    }
  });
  return errs;
}

export const limitRangeValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: validateLimitRange,
};
