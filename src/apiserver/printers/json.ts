// Reading plain JSON objects that may be partial or carry the wrong types. Printers see
// whatever is stored (or whatever a client sent to dry-run), and a table must never fail
// because a field is missing: each reader falls back to Go's zero value for the field.

export type Json = Record<string, unknown>;

/** The value at a path of object keys, or undefined as soon as one step is missing. */
export function at(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Json)[key];
  }
  return v;
}

/** An object at the path, or an empty one (a Go struct left at its zero value). */
export function obj(value: unknown, ...path: string[]): Json {
  const v = at(value, ...path);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

/** An object at the path, or undefined (a nil Go pointer). */
export function optObj(value: unknown, ...path: string[]): Json | undefined {
  const v = at(value, ...path);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

/** The objects of an array at the path; non-object items read as empty objects. */
export function list(value: unknown, ...path: string[]): Json[] {
  const v = at(value, ...path);
  if (!Array.isArray(v)) return [];
  return v.map((item) => (typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Json) : {}));
}

/** The raw items of an array at the path (strings, numbers…). */
export function items(value: unknown, ...path: string[]): unknown[] {
  const v = at(value, ...path);
  return Array.isArray(v) ? v : [];
}

/** A string at the path, or "" (numbers and booleans are written as Go would print them). */
export function str(value: unknown, ...path: string[]): string {
  const v = at(value, ...path);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** A string at the path, or undefined when absent (a nil *string). */
export function optStr(value: unknown, ...path: string[]): string | undefined {
  const v = at(value, ...path);
  return typeof v === 'string' ? v : undefined;
}

/** An integer at the path, or 0. */
export function int(value: unknown, ...path: string[]): number {
  return optInt(value, ...path) ?? 0;
}

/** An integer at the path, or undefined when absent (a nil *int32). */
export function optInt(value: unknown, ...path: string[]): number | undefined {
  const v = at(value, ...path);
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

/** A boolean at the path, or false. */
export function bool(value: unknown, ...path: string[]): boolean {
  return at(value, ...path) === true;
}

/** A boolean at the path, or undefined when absent (a nil *bool). */
export function optBool(value: unknown, ...path: string[]): boolean | undefined {
  const v = at(value, ...path);
  return typeof v === 'boolean' ? v : undefined;
}

/** A map of strings at the path (labels, selectors, annotations); other values are dropped. */
export function stringMap(value: unknown, ...path: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(value, ...path))) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** The number of keys of a map at the path. */
export function mapSize(value: unknown, ...path: string[]): number {
  return Object.keys(obj(value, ...path)).length;
}
