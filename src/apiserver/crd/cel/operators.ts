// CEL's operators over runtime values: equality (numbers compare across int, uint and double;
// set- and map-typed lists ignore order), ordering, and checked arithmetic (64-bit overflow,
// division by zero), string, bytes and list concatenation, timestamp and duration math.

import { CelDuration, CelError, CelList, CelMap, CelOptional, CelTimestamp, CelType, CelUint, checkInt, checkUint, type Val } from './values.js';

export const noSuchOverload = () => new CelError('no such overload');

function isNumber(v: Val): v is bigint | CelUint | number {
  return typeof v === 'bigint' || typeof v === 'number' || v instanceof CelUint;
}

function numericCompare(a: bigint | CelUint | number, b: bigint | CelUint | number): number {
  const x = a instanceof CelUint ? a.v : a;
  const y = b instanceof CelUint ? b.v : b;
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  const fx = Number(x);
  const fy = Number(y);
  if (Number.isNaN(fx) || Number.isNaN(fy)) return NaN;
  return fx < fy ? -1 : fx > fy ? 1 : 0;
}

function bytesCompare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function listItemKey(item: Val, keys: string[]): Val[] {
  return keys.map((k) => (item instanceof CelMap ? (item.get(k) ?? null) : null));
}

export function celEquals(a: Val, b: Val): boolean {
  if (isNumber(a) && isNumber(b)) return numericCompare(a, b) === 0;
  if (a === null || b === null) return a === b;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesCompare(a, b) === 0;
  if (a instanceof CelList && b instanceof CelList) {
    if (a.items.length !== b.items.length) return false;
    const lt = a.listType !== 'atomic' ? a.listType : b.listType;
    const keys = a.listType !== 'atomic' ? a.mapKeys : b.mapKeys;
    if (lt === 'set') return a.items.every((x) => b.items.some((y) => celEquals(x, y)));
    if (lt === 'map' && keys.length) {
      return a.items.every((x) => {
        const kx = listItemKey(x, keys);
        const match = b.items.find((y) => listItemKey(y, keys).every((v, i) => celEquals(v, kx[i])));
        return match !== undefined && celEquals(x, match);
      });
    }
    return a.items.every((x, i) => celEquals(x, b.items[i]));
  }
  if (a instanceof CelMap && b instanceof CelMap) {
    if (a.size !== b.size) return false;
    return a.keys().every((k) => b.has(k) && celEquals(a.get(k)!, b.get(k)!));
  }
  if (a instanceof CelTimestamp && b instanceof CelTimestamp) return a.nanos === b.nanos;
  if (a instanceof CelDuration && b instanceof CelDuration) return a.nanos === b.nanos;
  if (a instanceof CelType && b instanceof CelType) return a.name === b.name;
  if (a instanceof CelOptional && b instanceof CelOptional) return a.present === b.present && (!a.present || celEquals(a.value, b.value));
  return false;
}

/** Ordering for <, <=, >, >=; throws "no such overload" for unordered pairs. */
export function celCompare(a: Val, b: Val): number {
  if (isNumber(a) && isNumber(b)) return numericCompare(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesCompare(a, b);
  if (a instanceof CelTimestamp && b instanceof CelTimestamp) return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
  if (a instanceof CelDuration && b instanceof CelDuration) return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
  throw noSuchOverload();
}

export function celAdd(a: Val, b: Val): Val {
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkInt(a + b);
  if (a instanceof CelUint && b instanceof CelUint) return checkUint(a.v + b.v);
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  }
  if (a instanceof CelList && b instanceof CelList) return new CelList([...a.items, ...b.items]);
  if (a instanceof CelDuration && b instanceof CelDuration) return new CelDuration(checkInt(a.nanos + b.nanos));
  if (a instanceof CelTimestamp && b instanceof CelDuration) return CelTimestamp.fromNanos(a.nanos + b.nanos);
  if (a instanceof CelDuration && b instanceof CelTimestamp) return CelTimestamp.fromNanos(a.nanos + b.nanos);
  throw noSuchOverload();
}

export function celSubtract(a: Val, b: Val): Val {
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkInt(a - b);
  if (a instanceof CelUint && b instanceof CelUint) return checkUint(a.v - b.v);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a instanceof CelDuration && b instanceof CelDuration) return new CelDuration(checkInt(a.nanos - b.nanos));
  if (a instanceof CelTimestamp && b instanceof CelDuration) return CelTimestamp.fromNanos(a.nanos - b.nanos);
  if (a instanceof CelTimestamp && b instanceof CelTimestamp) return new CelDuration(checkInt(a.nanos - b.nanos));
  throw noSuchOverload();
}

export function celMultiply(a: Val, b: Val): Val {
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkInt(a * b);
  if (a instanceof CelUint && b instanceof CelUint) return checkUint(a.v * b.v);
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  throw noSuchOverload();
}

export function celDivide(a: Val, b: Val): Val {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b === 0n) throw new CelError('division by zero');
    return checkInt(a / b);
  }
  if (a instanceof CelUint && b instanceof CelUint) {
    if (b.v === 0n) throw new CelError('division by zero');
    return new CelUint(a.v / b.v);
  }
  if (typeof a === 'number' && typeof b === 'number') return a / b;
  throw noSuchOverload();
}

export function celModulo(a: Val, b: Val): Val {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b === 0n) throw new CelError('modulus by zero');
    return a % b;
  }
  if (a instanceof CelUint && b instanceof CelUint) {
    if (b.v === 0n) throw new CelError('modulus by zero');
    return new CelUint(a.v % b.v);
  }
  throw noSuchOverload();
}

export function celNegate(a: Val): Val {
  if (typeof a === 'bigint') return checkInt(-a);
  if (typeof a === 'number') return -a;
  if (a instanceof CelDuration) return new CelDuration(checkInt(-a.nanos));
  throw noSuchOverload();
}

export function celIn(a: Val, b: Val): boolean {
  if (b instanceof CelList) return b.items.some((x) => celEquals(a, x));
  if (b instanceof CelMap) return b.has(a);
  throw noSuchOverload();
}
