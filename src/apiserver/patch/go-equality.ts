// Go's `==` on interface{} values and its use of them as map keys, as the strategic merge
// patch code on the API server relies on both. Values of different dynamic types are never
// equal (int64 1 is not float64 1.5, nor string "1"); comparing or hashing two maps or two
// slices makes Go panic. Strategic merge patch is written in terms of these rules, so the same
// patch gives the same result (or the same failure) here as on a real cluster.

import { goTypeOf, type GoType } from './go-format.js';
import type { JsonValue } from './json-value.js';

/** Raised where the Go code would panic at runtime. */
export class GoPanic extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoPanic';
  }
}

function isUncomparable(t: GoType): t is 'map' | 'slice' {
  return t === 'map' || t === 'slice';
}

const TYPE_NAMES = { map: 'map[string]interface {}', slice: '[]interface {}' } as const;

/** A string that is equal for two values exactly when Go's `==` says they are; undefined for maps and slices. */
export function comparableKey(v: JsonValue): string | undefined {
  const t = goTypeOf(v);
  switch (t) {
    case 'nil':
      return 'nil';
    case 'string':
      return `s:${v as string}`;
    case 'bool':
      return `b:${v as boolean}`;
    case 'int64':
    case 'float64':
      return `${t}:${v as number}`;
    default:
      return undefined;
  }
}

/** The key a Go map[interface{}]... would hash `v` under; panics on maps and slices. */
export function hashKey(v: JsonValue): string {
  const key = comparableKey(v);
  if (key === undefined) {
    throw new GoPanic(`runtime error: hash of unhashable type ${TYPE_NAMES[goTypeOf(v) as 'map' | 'slice']}`);
  }
  return key;
}

/** Go's `a == b` for two interface{} values. */
export function goEqual(a: JsonValue, b: JsonValue): boolean {
  const ta = goTypeOf(a);
  if (ta !== goTypeOf(b)) return false;
  if (isUncomparable(ta)) throw uncomparablePanic(a);
  return a === b;
}

/**
 * Answers "the first position i where `valueOf(items[i]) == v`" in constant time, with Go's
 * semantics: a lookup of a map or slice panics at the first item holding a value of that same
 * kind. `valueOf` returns undefined for items that cannot be compared at all (such items are
 * skipped, as Go skips them).
 */
export class FirstPositionIndex {
  // One table per Go type, keyed by the JS value itself: no key strings to build per lookup.
  private readonly tables: Record<'nil' | 'string' | 'int64' | 'float64' | 'bool', Map<unknown, number>> = {
    nil: new Map(),
    string: new Map(),
    int64: new Map(),
    float64: new Map(),
    bool: new Map(),
  };
  private firstMap = Infinity;
  private firstSlice = Infinity;

  constructor(private readonly valueOf: (item: JsonValue) => JsonValue | undefined) {}

  static of(items: readonly JsonValue[], valueOf: (item: JsonValue) => JsonValue | undefined): FirstPositionIndex {
    const index = new FirstPositionIndex(valueOf);
    for (let i = 0; i < items.length; i++) index.add(i, items[i]);
    return index;
  }

  /** Records `item` at `position`; positions must be added in increasing order. */
  add(position: number, item: JsonValue): void {
    const v = this.valueOf(item);
    if (v === undefined) return;
    const t = goTypeOf(v);
    if (t === 'map') {
      if (this.firstMap === Infinity) this.firstMap = position;
    } else if (t === 'slice') {
      if (this.firstSlice === Infinity) this.firstSlice = position;
    } else {
      const table = this.tables[t];
      if (!table.has(v)) table.set(v, position);
    }
  }

  /**
   * Where a front-to-back Go scan for `v` stops: at the first equal item, or, when `v` is a
   * map or slice, at the first item of that kind, where Go panics. `at` is Infinity when the
   * scan runs off the end.
   */
  scan(v: JsonValue): { at: number; panics: boolean } {
    const t = goTypeOf(v);
    if (t === 'map' || t === 'slice') {
      const at = t === 'slice' ? this.firstSlice : this.firstMap;
      return { at, panics: at !== Infinity };
    }
    return { at: this.tables[t].get(v) ?? Infinity, panics: false };
  }

  /** First matching position, or Infinity; throws GoPanic where Go's scan would panic. */
  find(v: JsonValue): number {
    const { at, panics } = this.scan(v);
    if (panics) throw uncomparablePanic(v);
    return at;
  }
}

export function uncomparablePanic(v: JsonValue): GoPanic {
  return new GoPanic(`runtime error: comparing uncomparable type ${TYPE_NAMES[goTypeOf(v) as 'map' | 'slice']}`);
}
