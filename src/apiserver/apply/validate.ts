// Checking an applied configuration against the schema before it is merged, as
// structured-merge-diff does when it types the patch object: scalars of the wrong type,
// fields the schema does not declare, list items without their keys, duplicate items.
// Messages are upstream's, including its Go-formatted values
// (`.spec.replicas: expected numeric (int or float), got string`).

import { goFloat } from './go-format.js';
import { listItemElement } from './list-items.js';
import { pathElementString, indexElement, type PathElement } from './path-element.js';
import { facetOf, type ScalarKind, type TypeNode } from './type-model.js';
import { isMap } from './values.js';

export interface ValidationError {
  path: string;
  message: string;
}

/** All errors in `value`; duplicates in associative lists are errors unless allowed. */
export function validateValue(value: unknown, type: TypeNode, allowDuplicates = false): ValidationError[] {
  return validate(value, type, allowDuplicates);
}

/** upstream's ValidationErrors.Error(). */
export function validationMessage(errors: ValidationError[]): string {
  const one = (e: ValidationError): string => (e.path ? `${e.path}: ${e.message}` : e.message);
  if (errors.length === 1) return one(errors[0]);
  return ['errors:', ...errors.map((e) => '  ' + one(e))].join('\n');
}

function prefixed(errors: ValidationError[], prefix: string): ValidationError[] {
  for (const e of errors) e.path = prefix + e.path;
  return errors;
}

function error(message: string): ValidationError[] {
  return [{ path: '', message }];
}

function validate(v: unknown, t: TypeNode, allowDuplicates: boolean): ValidationError[] {
  switch (facetOf(t, v)) {
    case 'scalar':
      return validateScalar(t.scalar!, v);
    case 'list': {
      if (v === null || v === undefined) return [];
      if (!Array.isArray(v)) return error(`expected list, got ${goV(v)}`);
      const list = t.list!;
      const errors: ValidationError[] = [];
      const seen = new Set<string>();
      for (let i = 0; i < v.length; i++) {
        let pe: PathElement | string;
        if (list.atomic) pe = indexElement(i);
        else {
          pe = listItemElement(list, v[i]);
          if (typeof pe === 'string') {
            errors.push(...error(`element ${i}: ${pe}`));
            return errors;
          }
          if (seen.has(pe.key) && !allowDuplicates) errors.push(...error(`duplicate entries for key ${pathElementString(pe)}`));
          seen.add(pe.key);
        }
        errors.push(...prefixed(validate(v[i], list.element, allowDuplicates), pathElementString(pe)));
      }
      return errors;
    }
    case 'map': {
      if (v === null || v === undefined) return [];
      if (!isMap(v)) return error(`expected map, got ${goV(v)}`);
      const map = t.map!;
      const errors: ValidationError[] = [];
      for (const key in v) {
        if (v[key] === undefined) continue;
        const ft = map.field(key) ?? map.element;
        if (!ft) {
          errors.push({ path: '.' + key, message: 'field not declared in schema' });
          break;
        }
        errors.push(...prefixed(validate(v[key], ft, allowDuplicates), '.' + key));
      }
      return errors;
    }
    default:
      return [];
  }
}

function validateScalar(kind: ScalarKind, v: unknown): ValidationError[] {
  if (v === null || v === undefined) return [];
  switch (kind) {
    case 'numeric':
      return typeof v === 'number' ? [] : error(`expected numeric (int or float), got ${goType(v)}`);
    case 'string':
      return typeof v === 'string' ? [] : error(`expected string, got &value.valueUnstructured{Value:${goSharpV(v)}}`);
    case 'boolean':
      return typeof v === 'boolean' ? [] : error(`expected boolean, got ${goV(v)}`);
    case 'untyped':
      return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? [] : error(`expected any scalar, got ${goV(v)}`);
  }
}

/** Go's %T of a decoded JSON value. */
function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (v === null) return '<nil>';
  return 'map[string]interface {}';
}

/** Go's %v of a structured-merge-diff value wrapping a decoded JSON value: `&{...}`. */
function goV(v: unknown): string {
  return `&{${plainV(v)}}`;
}

function plainV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return '[' + v.map(plainV).join(' ') + ']';
  const m = v as Record<string, unknown>;
  return 'map[' + Object.keys(m).sort().map((k) => `${k}:${plainV(m[k])}`).join(' ') + ']';
}

/** Go's %#v of a decoded JSON value. */
function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[]interface {}{' + v.map(goSharpV).join(', ') + '}';
  const m = v as Record<string, unknown>;
  return 'map[string]interface {}{' + Object.keys(m).sort().map((k) => `${JSON.stringify(k)}:${goSharpV(m[k])}`).join(', ') + '}';
}
