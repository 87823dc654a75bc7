// The checks a custom resource with a scale subresource gets on every write: the replica counts
// at specReplicasPath and statusReplicasPath must be int32-sized non-negative integers and the
// label selector a string, with unstructured's accessor errors when the types are wrong.

import type { ScaleSubresource } from '../../api/scheme.js';
import { field, type FieldError } from '../../machinery/errors.js';
import { goNumber } from './go-format.js';

const maxInt32 = 2147483647;

/** Go's %T of a decoded JSON value. */
function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function goText(v: unknown): string {
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

type Lookup = { found: false } | { found: true; value: unknown } | { error: string };

/** unstructured.NestedFieldNoCopy along a `.a.b` path, with its accessor errors. */
function nested(obj: unknown, jsonPath: string, expected: string, check: (v: unknown) => boolean): Lookup {
  const fields = jsonPath.replace(/^\./, '').split('.');
  let v: unknown = obj;
  for (let i = 0; i < fields.length; i++) {
    if (v === null || v === undefined) return { found: false };
    if (typeof v !== 'object' || Array.isArray(v)) {
      const at = '.' + fields.slice(0, i + 1).join('.');
      return { error: `${at} accessor error: ${goText(v)} is of the type ${goType(v)}, expected map[string]interface{}` };
    }
    const o = v as Record<string, unknown>;
    if (!Object.hasOwn(o, fields[i])) return { found: false };
    v = o[fields[i]];
  }
  if (!check(v)) return { error: `.${fields.join('.')} accessor error: ${goText(v)} is of the type ${goType(v)}, expected ${expected}` };
  return { found: true, value: v };
}

function replicasErrors(obj: unknown, path: string): FieldError[] {
  const got = nested(obj, path, 'int64', (v) => typeof v === 'number' && Number.isInteger(v));
  if ('error' in got) return [field.invalid(path, 0, got.error)];
  if (!got.found) return [];
  const n = got.value as number;
  if (n < 0) return [field.invalid(path, n, 'should be a non-negative integer')];
  if (n > maxInt32) return [field.invalid(path, n, `should be less than or equal to ${maxInt32}`)];
  return [];
}

/** ValidateScaleSpec: the desired replica count. */
export function validateScaleSpec(obj: unknown, scale: ScaleSubresource | undefined): FieldError[] {
  return scale ? replicasErrors(obj, scale.specReplicasPath) : [];
}

/** ValidateScaleStatus: the observed replica count and the label selector. */
export function validateScaleStatus(obj: unknown, scale: ScaleSubresource | undefined): FieldError[] {
  if (!scale) return [];
  const errs = replicasErrors(obj, scale.statusReplicasPath);
  if (scale.labelSelectorPath) {
    const got = nested(obj, scale.labelSelectorPath, 'string', (v) => typeof v === 'string');
    if ('error' in got) errs.push(field.invalid(scale.labelSelectorPath, '', got.error));
  }
  return errs;
}
