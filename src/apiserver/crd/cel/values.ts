// CEL runtime values and how custom objects become them. Ints are bigints (so 64-bit overflow is
// detected), doubles are numbers, and the schema decides the type of each field as Kubernetes'
// CEL model does: integer fields are ints, number fields doubles, strings with format byte,
// duration, date or date-time are bytes, durations and timestamps, list-type set and map
// lists compare as sets and keyed maps, and objects expose only their declared properties (plus
// apiVersion, kind and metadata.name/generateName at a resource root).

import type { StructuralSchema } from '../../../api/schema/structural.js';

export class CelError extends Error {}

export class CelUint {
  constructor(readonly v: bigint) {}
}

export class CelType {
  constructor(readonly name: string) {}
}

/** google.protobuf.Timestamp: ms since the epoch plus sub-millisecond nanoseconds. */
export class CelTimestamp {
  constructor(
    readonly ms: number,
    readonly subMsNanos = 0,
  ) {}
  get nanos(): bigint {
    return BigInt(this.ms) * 1_000_000n + BigInt(this.subMsNanos);
  }
  static fromNanos(n: bigint): CelTimestamp {
    const ms = n / 1_000_000n;
    let sub = n % 1_000_000n;
    let msN = Number(ms);
    if (sub < 0n) {
      sub += 1_000_000n;
      msN -= 1;
    }
    return new CelTimestamp(msN, Number(sub));
  }
}

/** google.protobuf.Duration, in nanoseconds. */
export class CelDuration {
  constructor(readonly nanos: bigint) {}
}

export class CelOptional {
  constructor(
    readonly present: boolean,
    readonly value: Val = null,
  ) {}
  static none = new CelOptional(false);
}

export type ListType = 'atomic' | 'set' | 'map';

export class CelList {
  constructor(
    readonly items: Val[],
    readonly listType: ListType = 'atomic',
    readonly mapKeys: string[] = [],
  ) {}
}

/** A CEL map or object. Keys are strings, ints, uints or bools. */
export class CelMap {
  private readonly entries = new Map<string, [Val, Val]>();

  constructor(
    /** An object (a message with declared fields) rather than a free-form map. */
    readonly isObject = false,
  ) {}

  static keyOf(k: Val): string {
    if (typeof k === 'string') return `s${k}`;
    if (typeof k === 'bigint') return `i${k}`;
    if (k instanceof CelUint) return `i${k.v}`;
    if (typeof k === 'boolean') return `b${k}`;
    if (typeof k === 'number' && Number.isInteger(k)) return `i${k}`;
    throw new CelError('unsupported key type');
  }

  set(k: Val, v: Val): void {
    this.entries.set(CelMap.keyOf(k), [k, v]);
  }

  has(k: Val): boolean {
    try {
      return this.entries.has(CelMap.keyOf(k));
    } catch {
      return false;
    }
  }

  get(k: Val): Val | undefined {
    try {
      return this.entries.get(CelMap.keyOf(k))?.[1];
    } catch {
      return undefined;
    }
  }

  keys(): Val[] {
    return [...this.entries.values()].map(([k]) => k);
  }

  values(): Val[] {
    return [...this.entries.values()].map(([, v]) => v);
  }

  get size(): number {
    return this.entries.size;
  }
}

export type Val = null | boolean | bigint | CelUint | number | string | Uint8Array | CelList | CelMap | CelTimestamp | CelDuration | CelType | CelOptional;

export const maxInt = (1n << 63n) - 1n;
export const minInt = -(1n << 63n);
export const maxUint = (1n << 64n) - 1n;

export function checkInt(v: bigint): bigint {
  if (v > maxInt || v < minInt) throw new CelError('integer overflow');
  return v;
}

export function checkUint(v: bigint): CelUint {
  if (v > maxUint || v < 0n) throw new CelError('unsigned integer overflow');
  return new CelUint(v);
}

/** The CEL type name of a value, as type() returns it. */
export function typeName(v: Val): string {
  if (v === null) return 'null_type';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (v instanceof CelUint) return 'uint';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'string') return 'string';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof CelList) return 'list';
  if (v instanceof CelMap) return v.isObject ? 'object' : 'map';
  if (v instanceof CelTimestamp) return 'google.protobuf.Timestamp';
  if (v instanceof CelDuration) return 'google.protobuf.Duration';
  if (v instanceof CelOptional) return 'optional_type';
  return 'type';
}

// ---- durations and timestamps ----

const unitNanos: Record<string, bigint> = { ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** time.ParseDuration, in nanoseconds. */
export function parseGoDuration(s: string): bigint {
  let rest = s;
  let sign = 1n;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1n;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') throw new CelError(`time: invalid duration ${JSON.stringify(s)}`);
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/.exec(rest);
    if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) throw new CelError(`time: invalid duration ${JSON.stringify(s)}`);
    const unit = unitNanos[m[3]];
    if (unit === undefined) throw new CelError(`time: unknown unit ${JSON.stringify(m[3])} in duration ${JSON.stringify(s)}`);
    total += BigInt(m[1] || '0') * unit;
    if (m[2]) total += (BigInt(m[2]) * unit) / 10n ** BigInt(m[2].length);
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** time.Duration.String(). */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const neg = nanos < 0n;
  let n = neg ? -nanos : nanos;
  let out: string;
  if (n < 1_000_000_000n) {
    const [unit, div] = n < 1000n ? ['ns', 1n] : n < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    out = fraction(n, div) + unit;
  } else {
    const h = n / 3_600_000_000_000n;
    n -= h * 3_600_000_000_000n;
    const m = n / 60_000_000_000n;
    n -= m * 60_000_000_000n;
    out = `${fraction(n, 1_000_000_000n)}s`;
    if (h > 0n || m > 0n) out = `${m}m${out}`;
    if (h > 0n) out = `${h}h${out}`;
  }
  return neg ? `-${out}` : out;
}

function fraction(n: bigint, div: bigint): string {
  const whole = n / div;
  const rest = n % div;
  if (rest === 0n) return String(whole);
  const digits = String(div).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** RFC 3339 timestamps (with up to nanosecond fractions). */
export function parseTimestamp(s: string): CelTimestamp {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) throw new CelError(`timestamp: invalid format ${JSON.stringify(s)}`);
  const base = Date.parse(`${m[1]}T${m[2]}${m[4].toUpperCase()}`);
  if (Number.isNaN(base)) throw new CelError(`timestamp: invalid format ${JSON.stringify(s)}`);
  const frac = (m[3] ?? '').padEnd(9, '0');
  const ms = base + Number(frac.slice(0, 3));
  return new CelTimestamp(ms, Number(frac.slice(3)));
}

export function formatTimestamp(t: CelTimestamp): string {
  const iso = new Date(t.ms).toISOString();
  const nanos = String(((t.ms % 1000) + 1000) % 1000).padStart(3, '0') + String(t.subMsNanos).padStart(6, '0');
  const frac = nanos.replace(/0+$/, '');
  return iso.slice(0, 19) + (frac ? `.${frac}` : '') + 'Z';
}

// ---- custom objects as CEL values ----

function base64Decode(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'base64'));
}

/** A value with no schema (preserve-unknown-fields, int-or-string): ints where integral. */
export function dynValue(v: unknown): Val {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return new CelList(v.map(dynValue));
  const m = new CelMap(false);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, dynValue(x));
  return m;
}

function metadataValue(meta: unknown): CelMap {
  const m = new CelMap(true);
  if (meta && typeof meta === 'object') {
    const o = meta as Record<string, unknown>;
    if (typeof o.name === 'string') m.set('name', o.name);
    if (typeof o.generateName === 'string') m.set('generateName', o.generateName);
  }
  return m;
}

/** Converts a decoded JSON value to CEL as its schema types it. */
export function toCelValue(v: unknown, s: StructuralSchema | undefined, isResourceRoot = false): Val {
  if (v === null || v === undefined) return null;
  if (!s || s['x-kubernetes-int-or-string']) return dynValue(v);
  switch (s.type) {
    case 'integer':
      return typeof v === 'number' ? BigInt(Math.trunc(v)) : dynValue(v);
    case 'number':
      return typeof v === 'number' ? v : dynValue(v);
    case 'boolean':
      return typeof v === 'boolean' ? v : dynValue(v);
    case 'string': {
      if (typeof v !== 'string') return dynValue(v);
      switch (s.format) {
        case 'byte':
          return base64Decode(v);
        case 'duration':
          try {
            return new CelDuration(parseGoDuration(v));
          } catch {
            return v;
          }
        case 'date':
          return /^\d{4}-\d{2}-\d{2}$/.test(v) ? parseTimestamp(`${v}T00:00:00Z`) : v;
        case 'date-time':
          try {
            return parseTimestamp(v);
          } catch {
            return v;
          }
        default:
          return v;
      }
    }
    case 'array': {
      if (!Array.isArray(v)) return dynValue(v);
      const lt = s['x-kubernetes-list-type'];
      return new CelList(
        v.map((x) => toCelValue(x, s.items, !!s.items?.['x-kubernetes-embedded-resource'])),
        lt === 'set' || lt === 'map' ? lt : 'atomic',
        s['x-kubernetes-list-map-keys'] ?? [],
      );
    }
    default: {
      if (typeof v !== 'object' || Array.isArray(v)) return dynValue(v);
      const o = v as Record<string, unknown>;
      const embedded = isResourceRoot || !!s['x-kubernetes-embedded-resource'];
      if (s.properties || embedded) {
        const m = new CelMap(true);
        if (embedded) {
          if (typeof o.apiVersion === 'string') m.set('apiVersion', o.apiVersion);
          if (typeof o.kind === 'string') m.set('kind', o.kind);
          if (o.metadata !== undefined) m.set('metadata', metadataValue(o.metadata));
        }
        for (const [k, ps] of Object.entries(s.properties ?? {})) {
          if (embedded && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
          if (Object.hasOwn(o, k)) m.set(k, toCelValue(o[k], ps, !!ps['x-kubernetes-embedded-resource']));
        }
        if (!s.properties && s['x-kubernetes-preserve-unknown-fields']) {
          for (const [k, x] of Object.entries(o)) if (!m.has(k)) m.set(k, dynValue(x));
        }
        return m;
      }
      if (typeof s.additionalProperties === 'object') {
        const ap = s.additionalProperties;
        const m = new CelMap(false);
        for (const [k, x] of Object.entries(o)) m.set(k, toCelValue(x, ap, !!ap['x-kubernetes-embedded-resource']));
        return m;
      }
      return dynValue(v);
    }
  }
}

/** Property names as CEL sees them: reserved words and odd characters escaped. */
const celReserved = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** The property an escaped CEL field name stands for (`foo__dash__bar` is `foo-bar`). */
export function unescapeFieldName(name: string): string {
  const m = /^__(.+)__$/.exec(name);
  if (m && celReserved.has(m[1])) return m[1];
  return name.replace(/__(underscores|dot|dash|slash)__/g, (_, w: string) => ({ underscores: '__', dot: '.', dash: '-', slash: '/' })[w]!);
}
