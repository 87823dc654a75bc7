// How the Go API server prints JSON values in its patch errors. Kubernetes decodes patches into
// Go's map[string]interface{} and formats them with fmt (`%v`, `%s`), reflect type names and
// encoding/json; kubectl shows those strings verbatim, so kubelite renders them the same way:
// `map: map[image:nginx] does not contain declared merge key: name`.

import { isJsonObject, type JsonValue } from './json-value.js';

/**
 * The Go dynamic type a decoded JSON value has on the API server. Integers decode as int64
 * (Kubernetes decodes patches with PreserveInts) and every other number as float64.
 */
export type GoType = 'nil' | 'string' | 'int64' | 'float64' | 'bool' | 'map' | 'slice';

const INT64_LIMIT = 2 ** 63;

export function goTypeOf(v: JsonValue): GoType {
  if (v === null) return 'nil';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) && Math.abs(v) < INT64_LIMIT ? 'int64' : 'float64';
    default:
      return Array.isArray(v) ? 'slice' : 'map';
  }
}

const REFLECT_TYPE_NAMES: Record<Exclude<GoType, 'nil'>, string> = {
  string: 'string',
  int64: 'int64',
  float64: 'float64',
  bool: 'bool',
  map: 'map[string]interface {}',
  slice: '[]interface {}',
};

/** `%s` of reflect.TypeOf(v), as in mergepatch.ErrBadArgType: `[]interface {}`, `%!s(<nil>)`. */
export function reflectTypeString(v: JsonValue): string {
  const t = goTypeOf(v);
  return t === 'nil' ? '%!s(<nil>)' : REFLECT_TYPE_NAMES[t];
}

/** The value name Go's JSON decoder uses in "cannot unmarshal X into ...". */
export function jsonKindName(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

/** Orders strings by code point, which is the byte order Go uses for UTF-8 strings. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return codePointRank(ca) - codePointRank(cb);
  }
  return a.length - b.length;
}

// UTF-16 puts astral characters (surrogate pairs) below U+E000..U+FFFF; code point order puts
// them above. Shift the two ranges so plain comparison of units gives code point order.
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

function sortedKeys(o: object): string[] {
  return Object.keys(o).sort(compareGoStrings);
}

/** A float64 as `%v` prints it: shortest digits, exponent form below 1e-4 and from 1e6 on. */
export function formatGoFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(x).toExponential().split('e');
  const exponent = Number(exponentText);
  const digits = mantissa.replace('.', '');
  if (exponent < -4 || exponent >= 6) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = Math.abs(exponent);
    return `${sign}${body}e${exponent < 0 ? '-' : '+'}${magnitude < 10 ? '0' : ''}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

function formatGoNumber(n: number): string {
  return goTypeOf(n) === 'int64' ? BigInt(n).toString() : formatGoFloat(n);
}

type FormatTask = { text: string } | { value: JsonValue };

/**
 * fmt's rendering of a decoded JSON value with the `%v` or `%s` verb: `map[a:1 b:[x y]]`,
 * map keys sorted, `<nil>` for null; `%s` marks non-strings as `%!s(int64=1)`.
 */
export function formatGo(value: JsonValue, verb: 'v' | 's' = 'v'): string {
  let out = '';
  const work: FormatTask[] = [{ value }];
  while (work.length > 0) {
    const task = work.pop()!;
    if ('text' in task) {
      out += task.text;
      continue;
    }
    const v = task.value;
    if (Array.isArray(v)) {
      work.push({ text: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        work.push({ value: v[i] });
        if (i > 0) work.push({ text: ' ' });
      }
      work.push({ text: '[' });
    } else if (isJsonObject(v)) {
      const keys = sortedKeys(v);
      work.push({ text: ']' });
      for (let i = keys.length - 1; i >= 0; i--) {
        work.push({ value: v[keys[i]] });
        work.push({ text: `${keys[i]}:` });
        if (i > 0) work.push({ text: ' ' });
      }
      work.push({ text: 'map[' });
    } else {
      out += formatGoScalar(v, verb);
    }
  }
  return out;
}

function formatGoScalar(v: null | boolean | number | string, verb: 'v' | 's'): string {
  if (typeof v === 'string') return v;
  if (verb === 'v') {
    if (v === null) return '<nil>';
    return typeof v === 'number' ? formatGoNumber(v) : String(v);
  }
  if (v === null) return '%!s(<nil>)';
  if (typeof v === 'number') return `%!s(${goTypeOf(v)}=${formatGoNumber(v)})`;
  return `%!s(bool=${v})`;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const SHORT_ESCAPES: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

/** strconv.Quote: a double-quoted Go string literal. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp === 0x20 || (cp >= 0xd800 && cp <= 0xdfff ? false : PRINTABLE.test(ch))) out += ch;
    else if (SHORT_ESCAPES[cp]) out += SHORT_ESCAPES[cp];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function marshalGoString(s: string): string {
  return JSON.stringify(s).replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c]);
}

/** encoding/json.Marshal of a decoded value: compact, map keys sorted, HTML characters escaped. */
export function marshalGoJson(value: JsonValue): string {
  let out = '';
  const work: FormatTask[] = [{ value }];
  while (work.length > 0) {
    const task = work.pop()!;
    if ('text' in task) {
      out += task.text;
      continue;
    }
    const v = task.value;
    if (Array.isArray(v)) {
      work.push({ text: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        work.push({ value: v[i] });
        if (i > 0) work.push({ text: ',' });
      }
      work.push({ text: '[' });
    } else if (isJsonObject(v)) {
      const keys = sortedKeys(v);
      work.push({ text: '}' });
      for (let i = keys.length - 1; i >= 0; i--) {
        work.push({ value: v[keys[i]] });
        work.push({ text: `${marshalGoString(keys[i])}:` });
        if (i > 0) work.push({ text: ',' });
      }
      work.push({ text: '{' });
    } else if (typeof v === 'string') {
      out += marshalGoString(v);
    } else if (typeof v === 'number' && goTypeOf(v) === 'int64') {
      out += BigInt(v).toString();
    } else {
      out += JSON.stringify(v);
    }
  }
  return out;
}
