// The uniqueness invariants of x-kubernetes-list-type: a `set` holds no element twice, a `map`
// holds objects whose x-kubernetes-list-map-keys values never repeat (structurallisttype
// validation in apiextensions-apiserver, with its Duplicate errors and their Go-printed values).

import type { StructuralSchema } from '../../api/schema/structural.js';
import { field, GoLiteral, type FieldError } from '../../machinery/errors.js';
import { isObject } from '../../api/validation/shape.js';
import { goJson, goNumber, goQuote } from './go-format.js';

/** %#v of a decoded scalar or map[string]interface{}. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goValue).join(', ')}}`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[string]interface {}{${entries.map(([k, x]) => `${goQuote(k)}:${goValue(x)}`).join(', ')}}`;
}

/** A Duplicate error's value, printed as Go prints it: scalars plainly, compounds with %#v. */
function duplicateValue(v: unknown): unknown {
  if (v !== null && typeof v === 'object') return new GoLiteral(goValue(v));
  return v;
}

/** Indices of the second occurrence of each repeated element (as upstream reports them). */
function nonUnique(items: unknown[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  items.forEach((x, i) => {
    const key = x !== null && typeof x === 'object' ? `c${goJson(x)}` : `s${typeof x}:${String(x)}`;
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    if (times === 1) out.push(i);
  });
  return out;
}

const unspecified = Symbol('unspecified key');

function validateListMap(path: string, s: StructuralSchema, items: unknown[]): FieldError[] {
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (x !== null && !isObject(x)) return [field.invalid(`${path}[${i}]`, x, 'must be an object for an array of list-type map')];
  }
  if (items.length <= 1) return [];
  const keyFields = s['x-kubernetes-list-map-keys'] ?? [];
  if (keyFields.length === 1) {
    const k = keyFields[0];
    const keys = items.map((x) => (isObject(x) && Object.hasOwn(x, k) ? x[k] : unspecified));
    const dupKeys = nonUnique(keys.map((v) => (v === unspecified ? { [unspecified.toString()]: true } : v)));
    return dupKeys.map((i) => field.duplicate(`${path}[${i}]`, new GoLiteral(goValue(keys[i] === unspecified ? {} : { [k]: keys[i] }))));
  }
  const keys = items.map((x) => {
    const key: Record<string, unknown> = {};
    if (isObject(x)) for (const k of keyFields) if (Object.hasOwn(x, k)) key[k] = x[k];
    return key;
  });
  return nonUnique(keys).map((i) => field.duplicate(`${path}[${i}]`, duplicateValue(keys[i])));
}

function validateValue(path: string, s: StructuralSchema | undefined, value: unknown): FieldError[] {
  if (!s) return [];
  if (Array.isArray(value)) {
    const errs: FieldError[] = [];
    if (s['x-kubernetes-list-type'] === 'set') {
      for (const i of nonUnique(value)) errs.push(field.duplicate(`${path}[${i}]`, duplicateValue(value[i])));
    } else if (s['x-kubernetes-list-type'] === 'map') {
      errs.push(...validateListMap(path, s, value));
    }
    if (s.items) value.forEach((item, i) => errs.push(...validateValue(`${path}[${i}]`, s.items, item)));
    return errs;
  }
  if (isObject(value)) return validateListSetsAndMaps(path, s, value);
  return [];
}

/** ValidateListSetsAndMaps over an object and everything below it. */
export function validateListSetsAndMaps(path: string, s: StructuralSchema | undefined, obj: Record<string, unknown>): FieldError[] {
  if (!s) return [];
  const errs: FieldError[] = [];
  const child = (k: string) => (path ? `${path}.${k}` : k);
  for (const [k, v] of Object.entries(obj)) {
    if (typeof s.additionalProperties === 'object' && !s.properties?.[k]) errs.push(...validateValue(`${path}[${k}]`, s.additionalProperties, v));
    const prop = s.properties?.[k];
    if (prop) errs.push(...validateValue(child(k), prop, v));
  }
  return errs;
}
