// ConfigMap validation: keys are config keys, no key in both data and binaryData, at most
// 1 MiB in total, and an immutable ConfigMap stays as it is.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isConfigMapKey } from './formats.js';
import { byteLength, isObject, jsonEqual, key, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

/** core.MaxSecretSize, which ConfigMaps share. */
export const maxConfigSize = 1024 * 1024;

/** Bytes of a base64 value once decoded. */
export function decodedLength(b64: string): number {
  const clean = b64.replace(/[\r\n]/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

export function validateConfigMap(cm: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj(cm.data);
  const binary = obj(cm.binaryData);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...isConfigMapKey(k).map((m) => field.invalid(key('data', k), k, m)));
    if (Object.prototype.hasOwnProperty.call(binary, k)) errs.push(field.invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += byteLength(str(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    errs.push(...isConfigMapKey(k).map((m) => field.invalid(key('binaryData', k), k, m)));
    total += decodedLength(str(v));
  }
  // An empty path: the error is about the whole object.
  if (total > maxConfigSize) errs.push(field.tooLong('', '', maxConfigSize));
  return errs;
}

export function validateConfigMapUpdate(cm: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (old.immutable === true) {
    if (cm.immutable !== true) errs.push(field.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!sameMap(cm.data, old.data)) errs.push(field.forbidden('data', 'field is immutable when `immutable` is set'));
    if (!sameMap(cm.binaryData, old.binaryData)) errs.push(field.forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

/** reflect.DeepEqual on maps: nil and empty differ, but an omitted JSON field is nil either way. */
export function sameMap(a: unknown, b: unknown): boolean {
  const na = isObject(a) ? a : undefined;
  const nb = isObject(b) ? b : undefined;
  return jsonEqual(na, nb);
}

export const configMapValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
};
