// Plain JSON values as the patch code handles them. Patches come from strangers, so every map
// access goes through own-property helpers (a key named `__proto__` or `constructor` is just a
// key), and every walk over a value is iterative: a document nested ten thousand deep must not
// overflow the stack.

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const hasOwnProperty = Object.prototype.hasOwnProperty;

export function hasKey(o: JsonObject, key: string): boolean {
  return hasOwnProperty.call(o, key);
}

/** The value under `key`, or undefined when the object has no such own key. */
export function getKey(o: JsonObject, key: string): JsonValue | undefined {
  return hasOwnProperty.call(o, key) ? o[key] : undefined;
}

export function setKey(o: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    // A plain assignment would replace the object's prototype instead of adding a field.
    Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    o[key] = value;
  }
}

export function deleteKey(o: JsonObject, key: string): void {
  if (hasOwnProperty.call(o, key)) delete o[key];
}

/**
 * A deep copy that is pure JSON: own enumerable keys only, `undefined` dropped from objects and
 * turned into null in arrays (as JSON.stringify does), non-finite numbers become null.
 */
export function cloneJson(value: unknown): JsonValue {
  const root = copyScalar(value);
  if (root === OMIT) return null;
  if (root !== NEEDS_COPY) return root;
  const out: JsonValue = Array.isArray(value) ? [] : {};
  const work: Array<[unknown, JsonValue]> = [[value, out]];
  while (work.length > 0) {
    const [src, dst] = work.pop()!;
    if (Array.isArray(src)) {
      const target = dst as JsonValue[];
      for (let i = 0; i < src.length; i++) {
        const item: unknown = src[i];
        const scalar = copyScalar(item);
        if (scalar !== NEEDS_COPY) {
          target.push(scalar === OMIT ? null : scalar);
        } else {
          const child: JsonValue = Array.isArray(item) ? [] : {};
          target.push(child);
          work.push([item, child]);
        }
      }
    } else {
      const target = dst as JsonObject;
      for (const key of Object.keys(src as object)) {
        const item: unknown = (src as Record<string, unknown>)[key];
        const scalar = copyScalar(item);
        if (scalar === OMIT) continue;
        if (scalar !== NEEDS_COPY) {
          setKey(target, key, scalar);
        } else {
          const child: JsonValue = Array.isArray(item) ? [] : {};
          setKey(target, key, child);
          work.push([item, child]);
        }
      }
    }
  }
  return out;
}

const NEEDS_COPY = Symbol('needs-copy');
const OMIT = Symbol('omit');

function copyScalar(v: unknown): JsonValue | typeof NEEDS_COPY | typeof OMIT {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'object':
      return v === null ? null : NEEDS_COPY;
    case 'bigint':
      return Number(v);
    default:
      return OMIT; // undefined, functions, symbols: JSON has no such values
  }
}

/**
 * Go's JSON decoder refuses documents nested deeper than this many objects and arrays
 * (encoding/json's maxNestingDepth), and so does every Kubernetes patch path.
 */
export const MAX_NESTING_DEPTH = 10000;

/**
 * The opening bracket of the first container, in document order, that lies deeper than
 * `limit`; undefined when the value is shallow enough.
 */
export function firstContainerBeyondDepth(value: unknown, limit = MAX_NESTING_DEPTH): '{' | '[' | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  // Depth-first in document order: children are pushed in reverse so the first is popped first.
  const nodes: object[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > limit) return Array.isArray(node) ? '[' : '{';
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const child: unknown = node[i];
        if (typeof child === 'object' && child !== null) {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i--) {
        const child: unknown = (node as Record<string, unknown>)[keys[i]];
        if (typeof child === 'object' && child !== null) {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return undefined;
}
