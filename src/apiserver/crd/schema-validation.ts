// OpenAPI v3 schema validation of custom objects with the API server's exact messages: the
// kube-openapi validator (type, allOf/anyOf/oneOf/not, string, format, number, array, enum and
// object checks, in that order at every node) and the apiextensions-apiserver's translation of
// its errors into field errors (`spec.replicas: Invalid value: "string": spec.replicas in body
// must be of type integer: "string"`). On update, errors in values that did not change are
// ratcheted away, as CRDValidationRatcheting (on in 1.32) does.

import type { StructuralSchema } from '../../api/schema/structural.js';
import { field, FieldErrorType, type FieldError } from '../../machinery/errors.js';
import { isSupportedFormat, matchesFormat } from './formats.js';
import { goFloat, goJson, goQuote, jsonDeepEqual } from './go-format.js';

const Code = {
  InvalidType: 'InvalidType',
  Required: 'Required',
  TooLong: 'TooLong',
  TooShort: 'TooShort',
  Pattern: 'Pattern',
  Enum: 'Enum',
  MultipleOf: 'MultipleOf',
  Max: 'Max',
  Min: 'Min',
  Unique: 'Unique',
  MaxItems: 'MaxItems',
  MinItems: 'MinItems',
  TooFewProperties: 'TooFewProperties',
  TooManyProperties: 'TooManyProperties',
  PropertyNotAllowed: 'PropertyNotAllowed',
  Composite: 'Composite',
} as const;
type Code = (typeof Code)[keyof typeof Code];

/** One kube-openapi error: a Validation (with a name) or a composite message (anyOf, oneOf…). */
interface OpenApiError {
  code: Code;
  name: string;
  message: string;
  value?: unknown;
  valid?: number;
  values?: unknown[];
}

class Result {
  errors: OpenApiError[] = [];
  matchCount = 0;

  merge(...others: (Result | undefined)[]): this {
    for (const o of others) {
      if (!o) continue;
      this.errors.push(...o.errors);
      this.matchCount += o.matchCount;
    }
    return this;
  }

  add(e: OpenApiError | undefined): this {
    if (e) this.errors.push(e);
    return this;
  }

  get valid(): boolean {
    return this.errors.length === 0;
  }
}

const IN = 'body';

function invalidType(name: string, typeName: string, value: unknown): OpenApiError {
  const message = typeof value === 'string' ? `${name} in ${IN} must be of type ${typeName}: ${goQuote(value)}` : `${name} in ${IN} must be of type ${typeName}`;
  return { code: Code.InvalidType, name, message, value };
}

type Kind = 'null' | 'boolean' | 'string' | 'integer' | 'number' | 'array' | 'object';

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function typesOf(s: StructuralSchema): string[] {
  if (s['x-kubernetes-int-or-string']) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

/** Unsupported formats are stripped before validation, exactly as the API server does. */
function formatOf(s: StructuralSchema): string {
  return isSupportedFormat(s.format) ? s.format! : '';
}

/** What a value at a node is compared against on update, when one can be found. */
interface Old {
  value: unknown;
}

// ---- the per-node validators, in kube-openapi's order ----

function typeValidator(s: StructuralSchema, data: unknown, path: string): Result {
  const r = new Result();
  r.matchCount++;
  const types = typesOf(s);
  const format = formatOf(s);
  const kind = kindOf(data);
  if (kind === 'null') {
    if (types.length && !types.includes('null') && !s.nullable) r.add(invalidType(path, types.join(','), 'null'));
    return r;
  }
  const dataFormat = kind === 'integer' ? 'int64' : kind === 'number' ? 'float64' : '';
  const isIntFloat = kind === 'integer' && types.includes('number');
  if (kind !== 'string' && kind !== 'array' && format !== '' && !(types.includes(kind) || dataFormat === format || isIntFloat)) {
    return r.add(invalidType(path, format, dataFormat));
  }
  if (!(types.includes('number') || types.includes('integer')) && format !== '' && (kind === 'string' || kind === 'array')) return r;
  if (!(types.includes(kind) || isIntFloat)) r.add(invalidType(path, types.join(','), kind));
  return r;
}

function schemaPropsValidator(s: StructuralSchema, data: unknown, path: string): Result {
  const main = new Result();
  if (s.anyOf?.length) {
    let best: Result | undefined;
    let first: Result | undefined;
    let succeeded = false;
    for (const sub of s.anyOf) {
      const r = validateNode(sub, data, path, undefined);
      if (r.valid) {
        best = undefined;
        succeeded = true;
        first ??= r;
        break;
      }
      if (!best || r.matchCount > best.matchCount) best = r;
    }
    if (!succeeded) main.add({ code: Code.Composite, name: path, message: `${goQuote(path)} must validate at least one schema (anyOf)` });
    if (best) main.merge(best);
    else if (first) main.merge(first);
  }
  if (s.oneOf?.length) {
    let best: Result | undefined;
    let first: Result | undefined;
    let validated = 0;
    for (const sub of s.oneOf) {
      const r = validateNode(sub, data, path, undefined);
      if (r.valid) {
        validated++;
        best = undefined;
        first ??= r;
        continue;
      }
      if (validated === 0 && (!best || r.matchCount > best.matchCount)) best = r;
    }
    if (validated !== 1) {
      const more = validated === 0 ? 'Found none valid' : `Found ${validated} valid alternatives`;
      main.add({ code: Code.Composite, name: path, message: `${goQuote(path)} must validate one and only one schema (oneOf). ${more}` });
      if (best) main.merge(best);
    } else if (first) {
      main.merge(first);
    }
  }
  if (s.allOf?.length) {
    let validated = 0;
    for (const sub of s.allOf) {
      const r = validateNode(sub, data, path, undefined);
      if (r.valid) validated++;
      main.merge(r);
    }
    if (validated !== s.allOf.length) {
      main.add({ code: Code.Composite, name: path, message: `${goQuote(path)} must validate all the schemas (allOf)${validated === 0 ? '. None validated' : ''}` });
    }
  }
  if (s.not && validateNode(s.not, data, path, undefined).valid) {
    main.add({ code: Code.Composite, name: path, message: `${goQuote(path)} must not validate the schema (not)` });
  }
  main.matchCount++;
  return main;
}

/** RE2 patterns as JavaScript regular expressions; a leading (?i) becomes the i flag. */
const patternCache = new Map<string, RegExp | Error>();

function compilePattern(pattern: string): RegExp | Error {
  let re = patternCache.get(pattern);
  if (re) return re;
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1]) if (!flags.includes(f)) flags += f;
  }
  source = source.replace(/\\z/g, '$').replace(/\\A/g, '^');
  try {
    re = new RegExp(source, flags + 'u');
  } catch {
    try {
      re = new RegExp(source, flags);
    } catch (e) {
      re = e as Error;
    }
  }
  patternCache.set(pattern, re);
  return re;
}

function stringValidator(s: StructuralSchema, data: string, path: string): Result | undefined {
  const length = [...data].length;
  if (s.maxLength !== undefined && length > s.maxLength) {
    return new Result().add({ code: Code.TooLong, name: path, value: data, valid: s.maxLength, message: `${path} in ${IN} should be at most ${s.maxLength} chars long` });
  }
  if (s.minLength !== undefined && length < s.minLength) {
    return new Result().add({ code: Code.TooShort, name: path, value: data, valid: s.minLength, message: `${path} in ${IN} should be at least ${s.minLength} chars long` });
  }
  if (s.pattern) {
    const re = compilePattern(s.pattern);
    if (re instanceof Error) {
      return new Result().add({ code: Code.Pattern, name: path, value: data, message: `${path} in ${IN} should match '${s.pattern}, but pattern is invalid: ${re.message}'` });
    }
    if (!re.test(data)) return new Result().add({ code: Code.Pattern, name: path, value: data, message: `${path} in ${IN} should match '${s.pattern}'` });
  }
  return undefined;
}

function formatValidator(s: StructuralSchema, data: string, path: string): Result | undefined {
  const format = formatOf(s);
  if (!format || matchesFormat(format, data)) return undefined;
  return new Result().add(invalidType(path, format, data));
}

function numberValidator(s: StructuralSchema, data: number, path: string): Result {
  const r = new Result();
  const isInt = Number.isInteger(data);
  if (s.multipleOf !== undefined) {
    if (isInt) {
      const factor = Math.trunc(s.multipleOf);
      if (factor <= 0) r.add({ code: Code.MultipleOf, name: path, value: data, message: `factor MultipleOf declared for ${path} must be positive: ${factor}` });
      else if (data % factor !== 0) r.add({ code: Code.MultipleOf, name: path, value: data, message: `${path} in ${IN} should be a multiple of ${factor}` });
    } else if (s.multipleOf <= 0) {
      r.add({ code: Code.MultipleOf, name: path, value: data, message: `factor MultipleOf declared for ${path} must be positive: ${goFloat(s.multipleOf)}` });
    } else {
      const mult = s.multipleOf < 1 ? (1 / s.multipleOf) * data : data / s.multipleOf;
      if (!Number.isInteger(mult)) r.add({ code: Code.MultipleOf, name: path, value: data, message: `${path} in ${IN} should be a multiple of ${goFloat(s.multipleOf)}` });
    }
  }
  if (s.minimum !== undefined) {
    const min = isInt ? Math.trunc(s.minimum) : s.minimum;
    const bad = s.exclusiveMinimum ? data <= min : data < min;
    if (bad) {
      const shown = isInt ? String(min) : goFloat(min);
      const message = s.exclusiveMinimum ? `${path} in ${IN} should be greater than ${shown}` : `${path} in ${IN} should be greater than or equal to ${shown}`;
      r.add({ code: Code.Min, name: path, value: data, message });
    }
  }
  if (s.maximum !== undefined) {
    const max = isInt ? Math.trunc(s.maximum) : s.maximum;
    const bad = s.exclusiveMaximum ? data >= max : data > max;
    if (bad) {
      const shown = isInt ? String(max) : goFloat(max);
      const message = s.exclusiveMaximum ? `${path} in ${IN} should be less than ${shown}` : `${path} in ${IN} should be less than or equal to ${shown}`;
      r.add({ code: Code.Max, name: path, value: data, message });
    }
  }
  r.matchCount++;
  return r;
}

/** The old item a list-type=map item correlates with (same key values), if any. */
function correlatedItem(s: StructuralSchema, item: unknown, old: Old | undefined): Old | undefined {
  if (!old || !Array.isArray(old.value) || s['x-kubernetes-list-type'] !== 'map') return undefined;
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  if (!keys.length || !item || typeof item !== 'object') return undefined;
  const it = item as Record<string, unknown>;
  const match = old.value.find((o) => o && typeof o === 'object' && keys.every((k) => jsonDeepEqual((o as Record<string, unknown>)[k], it[k])));
  return match === undefined ? undefined : { value: match };
}

function sliceValidator(s: StructuralSchema, data: unknown[], path: string, old: Old | undefined): Result {
  const r = new Result();
  if (s.items) {
    data.forEach((item, i) => r.merge(validateNode(s.items!, item, `${path}[${i}]`, correlatedItem(s, item, old))));
  }
  if (s.minItems !== undefined && data.length < s.minItems) {
    r.add({ code: Code.MinItems, name: path, value: data.length, valid: s.minItems, message: `${path} in ${IN} should have at least ${s.minItems} items` });
  }
  if (s.maxItems !== undefined && data.length > s.maxItems) {
    r.add({ code: Code.MaxItems, name: path, value: data.length, valid: s.maxItems, message: `${path} in ${IN} should have at most ${s.maxItems} items` });
  }
  if (s.uniqueItems) {
    const dup = data.some((x, i) => data.slice(0, i).some((y) => jsonDeepEqual(x, y)));
    if (dup) r.add({ code: Code.Unique, name: path, message: `${path} in ${IN} shouldn't contain duplicates` });
  }
  r.matchCount++;
  return r;
}

function enumValidator(s: StructuralSchema, data: unknown, path: string): Result | undefined {
  if (!s.enum?.length) return undefined;
  if (data !== null && data !== undefined && s.enum.some((e) => jsonDeepEqual(e, data))) return undefined;
  return new Result().add({ code: Code.Enum, name: path, value: data ?? null, values: s.enum, message: `${path} in ${IN} should be one of ${goEnumList(s.enum)}` });
}

function goEnumList(values: unknown[]): string {
  return `[${values.map((v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : goJson(v))).join(' ')}]`;
}

function objectValidator(s: StructuralSchema, data: Record<string, unknown>, path: string, old: Old | undefined): Result {
  const r = new Result();
  const n = Object.keys(data).length;
  if (s.minProperties !== undefined && n < s.minProperties) {
    r.add({ code: Code.TooFewProperties, name: path, value: n, valid: s.minProperties, message: `${path} in ${IN} should have at least ${s.minProperties} properties` });
  }
  if (s.maxProperties !== undefined && n > s.maxProperties) {
    r.add({ code: Code.TooManyProperties, name: path, value: n, valid: s.maxProperties, message: `${path} in ${IN} should have at most ${s.maxProperties} properties` });
  }
  const oldObj = old && old.value && typeof old.value === 'object' && !Array.isArray(old.value) ? (old.value as Record<string, unknown>) : undefined;
  const oldOf = (k: string): Old | undefined => (oldObj && Object.hasOwn(oldObj, k) ? { value: oldObj[k] } : undefined);
  const props = s.properties ?? {};
  if (s.additionalProperties === false) {
    for (const k of Object.keys(data)) {
      if (!Object.hasOwn(props, k)) r.add({ code: Code.PropertyNotAllowed, name: path, value: k, message: `${path}.${k} in ${IN} is a forbidden property` });
    }
  } else if (typeof s.additionalProperties === 'object') {
    for (const [k, v] of Object.entries(data)) {
      if (!Object.hasOwn(props, k)) r.merge(validateNode(s.additionalProperties, v, `${path}.${k}`, oldOf(k)));
    }
  }
  for (const [name, ps] of Object.entries(props)) {
    if (!Object.hasOwn(data, name)) continue;
    r.merge(validateNode(ps, data[name], path ? `${path}.${name}` : name, oldOf(name)));
  }
  for (const k of s.required ?? []) {
    if (!Object.hasOwn(data, k)) r.add({ code: Code.Required, name: `${path}.${k}`, message: `${path}.${k} in ${IN} is required` });
  }
  return r;
}

/** SchemaValidator.Validate at one node; `old` is the correlated old value on update. */
function validateNode(s: StructuralSchema, data: unknown, path: string, old: Old | undefined): Result {
  // Ratcheting: an unchanged value keeps whatever errors it had.
  if (old && jsonDeepEqual(old.value, data)) return new Result();
  const r = new Result();
  const kind = kindOf(data);
  const typeApplies = typesOf(s).length > 0 || formatOf(s) !== '';
  if (kind === 'null') {
    if (typeApplies) r.merge(typeValidator(s, data, path));
    r.merge(enumValidator(s, data, path));
    return r;
  }
  const step = (x: Result | undefined) => {
    r.merge(x);
    r.matchCount++;
  };
  if (typeApplies) step(typeValidator(s, data, path));
  step(schemaPropsValidator(s, data, path));
  if (kind === 'string') {
    step(stringValidator(s, data as string, path));
    if (formatOf(s)) step(formatValidator(s, data as string, path));
  }
  if (kind === 'integer' || kind === 'number') step(numberValidator(s, data as number, path));
  if (kind === 'array') step(sliceValidator(s, data as unknown[], path, old));
  step(enumValidator(s, data, path));
  if (kind === 'object') step(objectValidator(s, data as Record<string, unknown>, path, old));
  r.matchCount++;
  return r;
}

/** kubeOpenAPIResultToFieldErrors: how each kube-openapi error becomes a field error. */
function toFieldError(e: OpenApiError): FieldError {
  if (e.code === Code.Composite) return field.invalid('<nil>', '', e.message);
  const path = e.name !== '' && e.name !== '.' ? e.name.replace(/^\./, '') : '<nil>';
  // A nil bad value prints as "" (the translation's default), except in NotSupported ("null").
  const value = e.value ?? '';
  switch (e.code) {
    case Code.Required:
      return field.required(path, '');
    case Code.Enum:
      return field.notSupported(
        path,
        e.value ?? 'null',
        (e.values ?? []).map((v) => (typeof v === 'string' ? v : goJson(v))),
      );
    case Code.TooLong:
      return { type: FieldErrorType.TooLong, field: path, value, detail: `may not be more than ${e.valid} bytes` };
    case Code.MaxItems:
    case Code.TooManyProperties:
      return {
        type: FieldErrorType.TooMany,
        field: path,
        value: e.value,
        detail: `must have at most ${e.valid} items`,
      };
    case Code.InvalidType:
      return field.typeInvalid(path, value, e.message);
    default:
      return field.invalid(path, value, e.message);
  }
}

/**
 * Validates a custom object (or any value) against its structural schema. With `old` (an
 * update), values equal to their correlated old values are not reported.
 */
export function validateAgainstSchema(schema: StructuralSchema, value: unknown, old?: unknown): FieldError[] {
  const result = validateNode(schema, value, '', old === undefined ? undefined : { value: old });
  return result.errors.map(toFieldError);
}
