// JSON values as structured-merge-diff sees them: a total order (numbers, then strings,
// booleans, lists, maps, null) and an equality that ignores map key order and treats 1 and
// 1.0 alike. Objects reach the field manager as plain JSON; `undefined` means absent.

import { compareGoStrings } from './go-format.js';

export type JSONMap = Record<string, unknown>;

export function isMap(v: unknown): v is JSONMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isScalar(v: unknown): v is string | number | boolean {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean';
}

/** structured-merge-diff's value.Compare. */
export function compareValues(a: unknown, b: unknown): number {
  const ta = rank(a);
  const tb = rank(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case 0:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1:
      return compareGoStrings(a as string, b as string);
    case 2:
      return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; ; i++) {
        if (i >= la.length && i >= lb.length) return 0;
        if (i >= la.length) return -1;
        if (i >= lb.length) return 1;
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
    }
    case 4:
      return compareMaps(a as JSONMap, b as JSONMap);
    default:
      return 0;
  }
}

function rank(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return 0;
    case 'string':
      return 1;
    case 'boolean':
      return 2;
    case 'object':
      return v === null ? 5 : Array.isArray(v) ? 3 : 4;
    default:
      return 5;
  }
}

// Upstream walks the union of both maps' keys in lexical order and decides at the first key
// where they differ; a map that runs out of keys first sorts first.
function compareMaps(a: JSONMap, b: JSONMap): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length === 0 && kb.length === 0) return 0;
  const keys = [...new Set([...ka, ...kb])].sort(compareGoStrings);
  let i = 0;
  for (const k of keys) {
    let c: number;
    if (i === ka.length) c = -1;
    else if (i === kb.length) c = 1;
    else if (!(k in a)) c = 1;
    else if (!(k in b)) c = -1;
    else c = compareValues(a[k], b[k]);
    i++;
    if (c !== 0) return c;
  }
  return 0;
}

/** structured-merge-diff's value.Equals. */
export function equalValues(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalValues(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ma = a as JSONMap;
  const mb = b as JSONMap;
  let count = 0;
  for (const k in ma) {
    if (ma[k] === undefined) continue;
    count++;
    if (mb[k] === undefined || !equalValues(ma[k], mb[k])) return false;
  }
  for (const k in mb) if (mb[k] !== undefined) count--;
  return count === 0;
}
