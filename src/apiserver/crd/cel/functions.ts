// The CEL functions Kubernetes' validation environment offers, as far as kubelite supports them:
// the standard library (size, contains, startsWith, endsWith, matches, type conversions,
// timestamp and duration accessors), the strings extension (charAt, indexOf, lastIndexOf,
// lowerAscii, upperAscii, replace, split, substring, trim, join, format), Kubernetes' lists
// (isSorted, sum, min, max, indexOf, lastIndexOf), regex (find, findAll), sets, optionals and
// quantities.

import { compareQuantities, formatQuantity, isZeroQuantity, quantitySign, tryParseQuantity, addQuantities, subtractQuantities, quantityFromValue, quantityToNumber, type Quantity } from '../../../machinery/quantity.js';
import { goFloat } from '../go-format.js';
import { celAdd, celCompare, celEquals, noSuchOverload } from './operators.js';
import {
  CelDuration,
  CelError,
  CelList,
  CelMap,
  CelOptional,
  CelTimestamp,
  CelType,
  CelUint,
  checkInt,
  formatGoDuration,
  formatTimestamp,
  maxInt,
  minInt,
  parseGoDuration,
  parseTimestamp,
  typeName,
  type Val,
} from './values.js';

/** kubernetes' Quantity as a CEL value. */
export class CelQuantity {
  constructor(readonly q: Quantity) {}
}

export type Value = Val | CelQuantity;

const codePoints = (s: string) => [...s];

function toInt(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  throw noSuchOverload();
}

function str(v: Value): string {
  if (typeof v === 'string') return v;
  throw noSuchOverload();
}

function list(v: Value): CelList {
  if (v instanceof CelList) return v;
  throw noSuchOverload();
}

/** RE2 patterns as JavaScript regular expressions (inline (?i)/(?s)/(?m) flags become flags). */
const regexCache = new Map<string, RegExp>();
export function compileRegex(pattern: string, global = false): RegExp {
  const cacheKey = `${global}:${pattern}`;
  const cached = regexCache.get(cacheKey);
  if (cached) return cached;
  let source = pattern;
  let flags = global ? 'g' : '';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1]) if (f !== 'U' && !flags.includes(f)) flags += f;
  }
  source = source.replace(/\\z/g, '$').replace(/\\A/g, '^');
  let re: RegExp;
  try {
    re = new RegExp(source, flags + 'u');
  } catch {
    try {
      re = new RegExp(source, flags);
    } catch (e) {
      throw new CelError(`error parsing regexp: ${(e as Error).message}`);
    }
  }
  regexCache.set(cacheKey, re);
  return re;
}

function stringOf(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return String(v);
  if (v instanceof CelUint) return String(v.v);
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if (v instanceof CelTimestamp) return formatTimestamp(v);
  if (v instanceof CelDuration) return `${formatSeconds(v.nanos)}s`;
  if (v instanceof CelType) return v.name;
  throw noSuchOverload();
}

function formatSeconds(nanos: bigint): string {
  const neg = nanos < 0n;
  const n = neg ? -nanos : nanos;
  const whole = n / 1_000_000_000n;
  const frac = n % 1_000_000_000n;
  const text = frac === 0n ? String(whole) : `${whole}.${String(frac).padStart(9, '0').replace(/0+$/, '')}`;
  return neg ? `-${text}` : text;
}

function intOf(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (v instanceof CelUint) return checkInt(v.v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v >= 9223372036854775807 || v <= -9223372036854775808) throw new CelError('integer overflow');
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'string') {
    if (!/^[+-]?\d+$/.test(v)) throw new CelError(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
    const n = BigInt(v);
    if (n > maxInt || n < minInt) throw new CelError(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
    return n;
  }
  if (v instanceof CelTimestamp) return BigInt(Math.floor(v.ms / 1000));
  if (v instanceof CelDuration) return v.nanos;
  throw noSuchOverload();
}

function timestampField(t: CelTimestamp, fn: string, tz: string | undefined): bigint {
  let ms = t.ms;
  if (tz && tz !== 'UTC') {
    const off = /^([+-])(\d{2}):(\d{2})$/.exec(tz);
    if (!off) throw new CelError(`unknown time zone ${tz}`);
    const minutes = (Number(off[2]) * 60 + Number(off[3])) * (off[1] === '-' ? -1 : 1);
    ms += minutes * 60000;
  }
  const d = new Date(ms);
  switch (fn) {
    case 'getFullYear':
      return BigInt(d.getUTCFullYear());
    case 'getMonth':
      return BigInt(d.getUTCMonth());
    case 'getDate':
      return BigInt(d.getUTCDate());
    case 'getDayOfMonth':
      return BigInt(d.getUTCDate() - 1);
    case 'getDayOfWeek':
      return BigInt(d.getUTCDay());
    case 'getDayOfYear': {
      const start = Date.UTC(d.getUTCFullYear(), 0, 1);
      return BigInt(Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - start) / 86400000));
    }
    case 'getHours':
      return BigInt(d.getUTCHours());
    case 'getMinutes':
      return BigInt(d.getUTCMinutes());
    case 'getSeconds':
      return BigInt(d.getUTCSeconds());
    case 'getMilliseconds':
      return BigInt(d.getUTCMilliseconds());
    default:
      throw noSuchOverload();
  }
}

function quantityOf(v: Value): CelQuantity {
  if (v instanceof CelQuantity) return v;
  throw noSuchOverload();
}

function quantityArg(v: Value): Quantity {
  if (v instanceof CelQuantity) return v.q;
  if (typeof v === 'bigint') return quantityFromValue(v);
  throw noSuchOverload();
}

function formatString(format: string, args: Value[]): string {
  let i = 0;
  return format.replace(/%([sdfeEbxXo%])|%\.(\d+)f/g, (m, verb: string | undefined, prec: string | undefined) => {
    if (m === '%%') return '%';
    if (i >= args.length) throw new CelError(`index ${i} out of range`);
    const a = args[i++];
    if (prec !== undefined) {
      if (typeof a !== 'number' && typeof a !== 'bigint') throw noSuchOverload();
      return Number(a).toFixed(Number(prec));
    }
    switch (verb) {
      case 's':
        if (a instanceof CelList) return `[${a.items.map((x) => stringOf(x as Value)).join(', ')}]`;
        return a === null ? 'null' : stringOf(a);
      case 'd':
        return String(intOf(a));
      case 'f':
        return Number(a as number).toFixed(6);
      case 'e':
      case 'E':
        return Number(a as number).toExponential(6).replace(/e([+-])(\d)$/, 'e$10$2');
      case 'b':
        return intOf(a).toString(2);
      case 'x':
      case 'X': {
        const s = typeof a === 'string' ? Buffer.from(a).toString('hex') : intOf(a).toString(16);
        return verb === 'X' ? s.toUpperCase() : s;
      }
      case 'o':
        return intOf(a).toString(8);
      default:
        return m;
    }
  });
}

/** Global functions: `size(x)`, `int(x)`, `quantity(s)`… (undefined when unknown). */
export function callGlobal(fn: string, args: Value[]): Value | undefined {
  const [a, b] = args;
  switch (fn) {
    case 'size':
      return args.length === 1 ? sizeOf(a) : undefined;
    case 'int':
      return intOf(a);
    case 'uint': {
      if (a instanceof CelUint) return a;
      const n = typeof a === 'number' ? BigInt(Math.trunc(a)) : typeof a === 'string' ? BigInt(a) : toInt(a);
      if (n < 0n || n >= 1n << 64n) throw new CelError('unsigned integer overflow');
      return new CelUint(n);
    }
    case 'double':
      if (typeof a === 'number') return a;
      if (typeof a === 'bigint') return Number(a);
      if (a instanceof CelUint) return Number(a.v);
      if (typeof a === 'string') {
        const n = Number(a);
        if (a.trim() === '' || Number.isNaN(n)) throw new CelError(`strconv.ParseFloat: parsing ${JSON.stringify(a)}: invalid syntax`);
        return n;
      }
      throw noSuchOverload();
    case 'string':
      return stringOf(a);
    case 'bool':
      if (typeof a === 'boolean') return a;
      if (typeof a === 'string') {
        if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(a)) return true;
        if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(a)) return false;
        throw new CelError(`strconv.ParseBool: parsing ${JSON.stringify(a)}: invalid syntax`);
      }
      throw noSuchOverload();
    case 'bytes':
      if (a instanceof Uint8Array) return a;
      return new TextEncoder().encode(str(a));
    case 'dyn':
      return a;
    case 'type':
      return new CelType(typeName(a as Val));
    case 'duration':
      if (a instanceof CelDuration) return a;
      return new CelDuration(parseGoDuration(str(a)));
    case 'timestamp':
      if (a instanceof CelTimestamp) return a;
      if (typeof a === 'bigint') return new CelTimestamp(Number(a) * 1000);
      return parseTimestamp(str(a));
    case 'quantity': {
      const q = tryParseQuantity(str(a));
      if (!q) throw new CelError('quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'');
      return new CelQuantity(q);
    }
    case 'isQuantity':
      return tryParseQuantity(str(a)) !== undefined;
    case 'matches':
      return args.length === 2 ? compileRegex(str(b)).test(str(a)) : undefined;
    default:
      return undefined;
  }
}

function sizeOf(v: Value): bigint {
  if (typeof v === 'string') return BigInt(codePoints(v).length);
  if (v instanceof Uint8Array) return BigInt(v.length);
  if (v instanceof CelList) return BigInt(v.items.length);
  if (v instanceof CelMap) return BigInt(v.size);
  throw noSuchOverload();
}

/** Namespaced functions: `sets.contains(a, b)`, `optional.of(x)`, `math.greatest(…)`. */
export function callNamespaced(ns: string, fn: string, args: Value[]): Value | undefined {
  const key = `${ns}.${fn}`;
  switch (key) {
    case 'sets.contains':
      return list(args[1]).items.every((x) => list(args[0]).items.some((y) => celEquals(x, y)));
    case 'sets.equivalent':
      return (
        list(args[1]).items.every((x) => list(args[0]).items.some((y) => celEquals(x, y))) &&
        list(args[0]).items.every((x) => list(args[1]).items.some((y) => celEquals(x, y)))
      );
    case 'sets.intersects':
      return list(args[0]).items.some((x) => list(args[1]).items.some((y) => celEquals(x, y)));
    case 'optional.of':
      return new CelOptional(true, args[0] as Val);
    case 'optional.none':
      return CelOptional.none;
    case 'optional.ofNonZeroValue':
      return isZeroValue(args[0]) ? CelOptional.none : new CelOptional(true, args[0] as Val);
    case 'math.greatest':
    case 'math.least': {
      const items = args.length === 1 && args[0] instanceof CelList ? args[0].items : (args as Val[]);
      if (!items.length) throw new CelError(`${key} requires at least one argument`);
      return items.reduce((m, x) => {
        const c = celCompare(x, m);
        return key === 'math.greatest' ? (c > 0 ? x : m) : c < 0 ? x : m;
      });
    }
    default:
      return undefined;
  }
}

function isZeroValue(v: Value): boolean {
  if (v === null || v === false || v === 0 || v === 0n || v === '') return true;
  if (v instanceof CelUint) return v.v === 0n;
  if (v instanceof Uint8Array || v instanceof CelList) return (v instanceof CelList ? v.items.length : v.length) === 0;
  if (v instanceof CelMap) return v.size === 0;
  return false;
}

function indexOfCodePoints(hay: string[], needle: string[], from: number, last: boolean): number {
  if (last) {
    for (let i = Math.min(from, hay.length - needle.length); i >= 0; i--) if (needle.every((c, j) => hay[i + j] === c)) return i;
    return -1;
  }
  for (let i = from; i + needle.length <= hay.length; i++) if (needle.every((c, j) => hay[i + j] === c)) return i;
  return -1;
}

function sortedCheck(items: Val[]): boolean {
  for (let i = 1; i < items.length; i++) if (celCompare(items[i - 1], items[i]) > 0) return false;
  return true;
}

/** Receiver-style functions: `s.startsWith(p)`, `l.sum()`, `t.getHours()`… (undefined when unknown). */
export function callMethod(fn: string, target: Value, args: Value[]): Value | undefined {
  const [a, b] = args;
  if (typeof target === 'string') {
    const cps = codePoints(target);
    switch (fn) {
      case 'size':
        return BigInt(cps.length);
      case 'contains':
        return target.includes(str(a));
      case 'startsWith':
        return target.startsWith(str(a));
      case 'endsWith':
        return target.endsWith(str(a));
      case 'matches':
        return compileRegex(str(a)).test(target);
      case 'charAt': {
        const i = Number(toInt(a));
        if (i < 0 || i > cps.length) throw new CelError(`index out of range: ${i}`);
        return cps[i] ?? '';
      }
      case 'indexOf':
      case 'lastIndexOf': {
        const needle = codePoints(str(a));
        const last = fn === 'lastIndexOf';
        const from = b === undefined ? (last ? cps.length : 0) : Number(toInt(b));
        if (from < 0 || from > cps.length) throw new CelError(`index out of range: ${from}`);
        return BigInt(indexOfCodePoints(cps, needle, from, last));
      }
      case 'lowerAscii':
        return target.replace(/[A-Z]/g, (c) => c.toLowerCase());
      case 'upperAscii':
        return target.replace(/[a-z]/g, (c) => c.toUpperCase());
      case 'replace': {
        const from = str(a);
        const to = str(b);
        let n = args[2] === undefined ? -1 : Number(toInt(args[2]));
        if (n < 0) return target.split(from).join(to);
        let out = '';
        let rest = target;
        while (n-- > 0) {
          const i = rest.indexOf(from);
          if (i < 0) break;
          out += rest.slice(0, i) + to;
          rest = rest.slice(i + from.length);
        }
        return out + rest;
      }
      case 'split': {
        const sep = str(a);
        const n = b === undefined ? -1 : Number(toInt(b));
        if (n === 0) return new CelList([]);
        const parts = sep === '' ? cps : target.split(sep);
        if (n > 0 && parts.length > n) return new CelList([...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)]);
        return new CelList(parts);
      }
      case 'substring': {
        const start = Number(toInt(a));
        const end = b === undefined ? cps.length : Number(toInt(b));
        if (start < 0 || start > cps.length) throw new CelError(`index out of range: ${start}`);
        if (end < start || end > cps.length) throw new CelError(`index out of range: ${end}`);
        return cps.slice(start, end).join('');
      }
      case 'trim':
        return target.replace(/^[\s\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\s\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');
      case 'find': {
        const m = compileRegex(str(a)).exec(target);
        return m ? m[0] : '';
      }
      case 'findAll': {
        const n = b === undefined ? -1 : Number(toInt(b));
        const all = [...target.matchAll(compileRegex(str(a), true))].map((m) => m[0]);
        return new CelList(n < 0 ? all : all.slice(0, n));
      }
      case 'format':
        return formatString(target, list(a).items);
      case 'reverse':
        return cps.reverse().join('');
      default:
        return undefined;
    }
  }
  if (target instanceof CelList) {
    const items = target.items;
    switch (fn) {
      case 'size':
        return BigInt(items.length);
      case 'join':
        return items.map((x) => str(x)).join(a === undefined ? '' : str(a));
      case 'isSorted':
        return sortedCheck(items);
      case 'sum':
        if (!items.length) return 0n;
        return items.reduce((acc, x) => celAdd(acc, x));
      case 'min':
      case 'max':
        if (!items.length) throw new CelError(`${fn} called on empty list`);
        return items.reduce((m, x) => {
          const c = celCompare(x, m);
          return fn === 'max' ? (c > 0 ? x : m) : c < 0 ? x : m;
        });
      case 'indexOf':
        return BigInt(items.findIndex((x) => celEquals(x, a as Val)));
      case 'lastIndexOf': {
        for (let i = items.length - 1; i >= 0; i--) if (celEquals(items[i], a as Val)) return BigInt(i);
        return -1n;
      }
      case 'slice': {
        const s = Number(toInt(a));
        const e = Number(toInt(b));
        if (s < 0 || e > items.length || s > e) throw new CelError(`cannot slice(${s}, ${e}), list is length ${items.length}`);
        return new CelList(items.slice(s, e));
      }
      case 'distinct':
        return new CelList(items.filter((x, i) => items.findIndex((y) => celEquals(x, y)) === i));
      case 'reverse':
        return new CelList([...items].reverse());
      default:
        return undefined;
    }
  }
  if (target instanceof CelMap && fn === 'size') return BigInt(target.size);
  if (target instanceof Uint8Array && fn === 'size') return BigInt(target.length);
  if (target instanceof CelOptional) {
    switch (fn) {
      case 'hasValue':
        return target.present;
      case 'value':
        if (!target.present) throw new CelError('optional.none() dereference');
        return target.value;
      case 'orValue':
        return target.present ? target.value : a;
      case 'or':
        return target.present ? target : a;
      default:
        return undefined;
    }
  }
  if (target instanceof CelTimestamp) {
    if (fn.startsWith('get')) return timestampField(target, fn, a === undefined ? undefined : str(a));
    return undefined;
  }
  if (target instanceof CelDuration) {
    const n = target.nanos;
    switch (fn) {
      case 'getHours':
        return n / 3_600_000_000_000n;
      case 'getMinutes':
        return n / 60_000_000_000n;
      case 'getSeconds':
        return n / 1_000_000_000n;
      case 'getMilliseconds':
        return n / 1_000_000n;
      default:
        return undefined;
    }
  }
  if (target instanceof CelQuantity) {
    const q = target.q;
    switch (fn) {
      case 'isGreaterThan':
        return compareQuantities(q, quantityOf(a).q) > 0;
      case 'isLessThan':
        return compareQuantities(q, quantityOf(a).q) < 0;
      case 'compareTo':
        return BigInt(Math.sign(compareQuantities(q, quantityOf(a).q)));
      case 'add':
        return new CelQuantity(addQuantities(q, quantityArg(a)));
      case 'sub':
        return new CelQuantity(subtractQuantities(q, quantityArg(a)));
      case 'sign':
        return BigInt(quantitySign(q));
      case 'isInteger':
        return Number.isInteger(quantityToNumber(q));
      case 'asInteger': {
        const n = quantityToNumber(q);
        if (!Number.isInteger(n)) throw new CelError('cannot convert value to integer');
        return BigInt(n);
      }
      case 'asApproximateFloat':
        return quantityToNumber(q);
      case 'isZero':
        return isZeroQuantity(q);
      case 'string':
        return formatQuantity(q);
      default:
        return undefined;
    }
  }
  return undefined;
}

export { formatGoDuration };
