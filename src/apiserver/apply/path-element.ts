// One step from a value to a child in server-side apply's field model, as
// structured-merge-diff's fieldpath.PathElement: a field name (f:), the key fields of an
// associative list item (k:), the value of a set item (v:) or an index (i:). Each element
// carries its FieldsV1 spelling, which doubles as its identity; elements sort as upstream
// sorts them, which fixes the order of FieldsV1 keys and of conflict lists.

import { compareGoStrings, goFloat, goJSON, goJSONString, goQuote } from './go-format.js';
import { compareValues } from './values.js';

export type KeyFields = readonly (readonly [name: string, value: unknown])[];

export type PathElement =
  | { readonly kind: 'field'; readonly name: string; readonly key: string }
  | { readonly kind: 'key'; readonly fields: KeyFields; readonly key: string }
  | { readonly kind: 'value'; readonly value: unknown; readonly key: string }
  | { readonly kind: 'index'; readonly index: number; readonly key: string };

export type Path = readonly PathElement[];

// Field names repeat across every object of a kind; sharing their elements saves an
// allocation per field per walk. The cache is dropped whole when user data (label keys,
// annotation keys) has grown it large.
const fieldCache = new Map<string, PathElement>();
const fieldCacheLimit = 20000;

export function fieldElement(name: string): PathElement {
  let pe = fieldCache.get(name);
  if (!pe) {
    if (fieldCache.size >= fieldCacheLimit) fieldCache.clear();
    pe = { kind: 'field', name, key: 'f:' + name };
    fieldCache.set(name, pe);
  }
  return pe;
}

// Elements read from FieldsV1 and single-key elements (a container's name) recur on every
// write of an object; both are cached, bounded like the field cache.
const keyCache = new Map<string, Map<unknown, PathElement>>();
let keyCacheSize = 0;
const parsedCache = new Map<string, PathElement>();

/** A list-map item's element; `fields` need not be sorted. */
export function keyElement(fields: KeyFields): PathElement {
  if (fields.length === 1) {
    const [name, v] = fields[0];
    if (typeof v === 'string' || typeof v === 'number') {
      // Strings and numbers never collide as Map keys, so one map per key name serves both.
      let byValue = keyCache.get(name);
      if (!byValue) {
        byValue = new Map();
        keyCache.set(name, byValue);
      }
      let pe = byValue.get(v);
      if (!pe) {
        if (++keyCacheSize > fieldCacheLimit) {
          keyCache.clear();
          keyCacheSize = 0;
        }
        pe = makeKeyElement(fields);
        byValue.set(v, pe);
      }
      return pe;
    }
  }
  return makeKeyElement(fields);
}

function makeKeyElement(fields: KeyFields): PathElement {
  const sorted = fields.length > 1 ? [...fields].sort((a, b) => compareGoStrings(a[0], b[0])) : fields;
  const key = 'k:{' + sorted.map(([n, v]) => goJSONString(n) + ':' + goJSON(v)).join(',') + '}';
  return { kind: 'key', fields: sorted, key };
}

export function valueElement(value: unknown): PathElement {
  return { kind: 'value', value, key: 'v:' + goJSON(value) };
}

export function indexElement(index: number): PathElement {
  return { kind: 'index', index, key: 'i:' + index };
}

const kindRank = { field: 0, key: 1, value: 2, index: 3 } as const;

/** Upstream's order: field names, then keys, then values, then indexes; each by content. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return kindRank[a.kind] - kindRank[b.kind];
  switch (a.kind) {
    case 'field':
      return compareGoStrings(a.name, (b as typeof a).name);
    case 'key':
      return compareKeyFields(a.fields, (b as typeof a).fields);
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index': {
      const bi = (b as typeof a).index;
      return a.index < bi ? -1 : a.index > bi ? 1 : 0;
    }
  }
}

function compareKeyFields(a: KeyFields, b: KeyFields): number {
  for (let i = 0; ; i++) {
    if (i >= a.length && i >= b.length) return 0;
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const byName = compareGoStrings(a[i][0], b[i][0]);
    if (byName !== 0) return byName;
    const byValue = compareValues(a[i][1], b[i][1]);
    if (byValue !== 0) return byValue;
  }
}

/** The human form used in conflict messages: `.spec`, `[name="nginx"]`, `[=foo]`, `[0]`. */
export function pathElementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return '.' + pe.name;
    case 'key':
      return '[' + pe.fields.map(([n, v]) => `${n}=${valueString(v)}`).join(',') + ']';
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

export function pathString(path: Path): string {
  let out = '';
  for (const pe of path) out += pathElementString(pe);
  return out;
}

/** structured-merge-diff's value.ToString. */
export function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'number':
      return goFloat(v);
    case 'string':
      return goQuote(v);
    case 'boolean':
      return String(v);
    case 'object':
      if (Array.isArray(v)) return '[' + v.map(valueString).join(',') + ']';
      return Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${k}=${valueString(x)}`)
        .join('');
    default:
      return '{{undefined}}';
  }
}

/** Thrown for a FieldsV1 key that is not a path element. */
export class PathElementError extends Error {}

/**
 * Reads a FieldsV1 key. Returns undefined for a well-formed key of a kind this version does
 * not know, which upstream skips rather than rejects.
 */
export function parsePathElement(s: string): PathElement | undefined {
  if (s.charCodeAt(0) === 0x66 /* f */ && s.charCodeAt(1) === 0x3a /* : */) return fieldElement(s.slice(2));
  const hit = parsedCache.get(s);
  if (hit) return hit;
  const pe = readPathElement(s);
  if (pe) {
    if (parsedCache.size >= fieldCacheLimit) parsedCache.clear();
    parsedCache.set(s, pe);
  }
  return pe;
}

function readPathElement(s: string): PathElement | undefined {
  if (s.length < 2) throw new PathElementError('key must be 2 characters long:');
  if (s[1] !== ':') throw new PathElementError(`missing colon: ${s}`);
  const rest = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldElement(rest);
    case 'v':
      return valueElement(parseJSON(rest));
    case 'k': {
      const obj = parseJSON(rest);
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
        throw new PathElementError(`ReadObjectCB: expect { or n, but found ${rest.charAt(0) || 'EOF'}`);
      }
      return keyElement(Object.entries(obj as Record<string, unknown>));
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(rest)) throw new PathElementError(`strconv.Atoi: parsing ${goQuote(rest)}: invalid syntax`);
      return indexElement(Number(rest));
    }
    default:
      return undefined;
  }
}

function parseJSON(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new PathElementError((e as Error).message);
  }
}
