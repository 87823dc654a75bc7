// JSON patch (RFC 6902, application/json-patch+json) as the API server applies it, through
// evanphx/json-patch v4. kubelite reimplements it rather than wrapping fast-json-patch because
// Kubernetes' library differs from the RFC where users notice: `replace` of a missing object
// key adds it, negative array indices count from the end, `add` at path "" fails, `replace` at
// "" with a scalar does nothing, `copy` from a missing key writes null, and the accumulated
// size of `copy` operations is capped. Failures carry evanphx's messages as their cause; the
// server itself answers every one with the same generic 422.

import { goQuote, marshalGoJson } from './go-format.js';
import { GoPanic } from './go-equality.js';
import { cloneJson, deleteKey, getKey, hasKey, isJsonObject, setKey, type JsonObject, type JsonValue } from './json-value.js';

/** handlers.maxJSONPatchOperations in Kubernetes 1.32. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** genericapiserver's JSONPatchMaxCopyBytes default, which arms jsonpatch.AccumulatedCopySizeLimit. */
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;

/** An operation that does not apply; its message is the one evanphx/json-patch gives. */
export class JsonPatchFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchFailure';
  }
}

const NIL_DEREFERENCE = 'runtime error: invalid memory address or nil pointer dereference';

type Container = JsonObject | JsonValue[];
type Lookup = { value: JsonValue | undefined } | { error: string };

/**
 * Applies decoded operations (each an object, or null) to `doc` and returns the new document.
 * `doc` and `operations` must be private copies: they are changed in place.
 */
export function applyJsonPatch(doc: JsonValue, operations: readonly (JsonObject | null)[]): JsonValue {
  const state = { root: doc, copiedBytes: 0 };
  for (const op of operations) {
    const kind = operationKind(op);
    switch (kind) {
      case 'add':
        add(state, op!);
        break;
      case 'remove':
        remove(state, op!);
        break;
      case 'replace':
        replace(state, op!);
        break;
      case 'move':
        move(state, op!);
        break;
      case 'test':
        test(state, op!);
        break;
      case 'copy':
        copy(state, op!);
        break;
      default:
        throw new JsonPatchFailure(`Unexpected kind: ${kind}`);
    }
  }
  return state.root;
}

interface State {
  root: JsonValue;
  copiedBytes: number;
}

function operationKind(op: JsonObject | null): string {
  const kind = op === null ? undefined : getKey(op, 'op');
  return typeof kind === 'string' ? kind : 'unknown';
}

/** A string member of an operation: its value, or the error Go's decoder gives. */
function stringMember(op: JsonObject, name: 'path' | 'from'): { value: string } | { error: string } {
  const v = getKey(op, name);
  if (v === undefined || v === null) {
    return { error: name === 'path' ? 'operation missing path field: missing value' : 'operation, missing from field: missing value' };
  }
  if (typeof v !== 'string') {
    const kind = Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : 'number';
    return { error: `json: cannot unmarshal ${kind} into Go value of type string` };
  }
  return { value: v };
}

/** The operation's value; null when absent, as evanphx stores a nil node. */
function operationValue(op: JsonObject): JsonValue {
  return getKey(op, 'value') ?? null;
}

function decodePointerToken(token: string): string {
  return token.replace(/~[01]/g, (escape) => (escape === '~1' ? '/' : '~'));
}

/** evanphx's findObject: the container holding the last token of `path`, and that token. */
function findParent(root: JsonValue, path: string): [Container, string] | undefined {
  const tokens = path.split('/');
  if (tokens.length < 2) return undefined;
  let container: JsonValue = root;
  for (const token of tokens.slice(1, -1)) {
    if (!isContainer(container)) return undefined;
    const found = get(container, decodePointerToken(token));
    if ('error' in found || found.value === undefined || found.value === null) return undefined;
    container = found.value;
  }
  if (!isContainer(container)) return undefined;
  return [container, decodePointerToken(tokens[tokens.length - 1])];
}

function isContainer(v: JsonValue): v is Container {
  return typeof v === 'object' && v !== null;
}

/** strconv.Atoi, with its error messages. */
function parseIndex(token: string): { index: number } | { error: string } {
  if (!/^[+-]?[0-9]+$/.test(token)) return { error: `strconv.Atoi: parsing ${goQuote(token)}: invalid syntax` };
  const n = BigInt(token);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    return { error: `strconv.Atoi: parsing ${goQuote(token)}: value out of range` };
  }
  return { index: Number(n) };
}

const invalidIndex = (index: number): string => `Unable to access invalid index: ${index}: invalid index referenced`;

function get(container: Container, key: string): Lookup {
  if (!Array.isArray(container)) return { value: getKey(container, key) };
  const parsed = parseIndex(key);
  if ('error' in parsed) return parsed;
  let index = parsed.index;
  if (index < 0) {
    if (index < -container.length) return { error: invalidIndex(index) };
    index += container.length;
  }
  if (index >= container.length) return { error: invalidIndex(index) };
  return { value: container[index] };
}

function insert(container: Container, key: string, value: JsonValue): string | undefined {
  if (!Array.isArray(container)) {
    setKey(container, key, value);
    return undefined;
  }
  if (key === '-') {
    container.push(value);
    return undefined;
  }
  const parsed = parseIndex(key);
  if ('error' in parsed) return `value was not a proper array index: '${key}': ${parsed.error}`;
  let index = parsed.index;
  const grown = container.length + 1;
  if (index >= grown) return invalidIndex(index);
  if (index < 0) {
    if (index < -grown) return invalidIndex(index);
    index += grown;
  }
  container.splice(index, 0, value);
  return undefined;
}

function removeAt(container: Container, key: string): string | undefined {
  if (!Array.isArray(container)) {
    if (!hasKey(container, key)) return `Unable to remove nonexistent key: ${key}: missing value`;
    deleteKey(container, key);
    return undefined;
  }
  const parsed = parseIndex(key);
  if ('error' in parsed) return parsed.error;
  let index = parsed.index;
  if (index >= container.length) return invalidIndex(index);
  if (index < 0) {
    if (index < -container.length) return invalidIndex(index);
    index += container.length;
  }
  container.splice(index, 1);
  return undefined;
}

/** Only called after `get` succeeded for the same key, so the index is valid. */
function overwrite(container: Container, key: string, value: JsonValue): void {
  if (!Array.isArray(container)) {
    setKey(container, key, value);
    return;
  }
  let index = Number(key);
  if (index < 0) index += container.length;
  container[index] = value;
}

function add(state: State, op: JsonObject): void {
  const path = stringMember(op, 'path');
  if ('error' in path) throw new JsonPatchFailure('add operation failed to decode path: missing value');
  const target = findParent(state.root, path.value);
  if (!target) throw new JsonPatchFailure(`add operation does not apply: doc is missing path: "${path.value}": missing value`);
  const error = insert(target[0], target[1], operationValue(op));
  if (error) throw new JsonPatchFailure(`error in add for path: '${path.value}': ${error}`);
}

function remove(state: State, op: JsonObject): void {
  const path = stringMember(op, 'path');
  if ('error' in path) throw new JsonPatchFailure('remove operation failed to decode path: missing value');
  const target = findParent(state.root, path.value);
  if (!target) throw new JsonPatchFailure(`remove operation does not apply: doc is missing path: "${path.value}": missing value`);
  const error = removeAt(target[0], target[1]);
  if (error) throw new JsonPatchFailure(`error in remove for path: '${path.value}': ${error}`);
}

function replace(state: State, op: JsonObject): void {
  const path = stringMember(op, 'path');
  if ('error' in path) throw new JsonPatchFailure(`replace operation failed to decode path: ${path.error}`);
  if (path.value === '') {
    if (!hasKey(op, 'value')) throw new GoPanic(NIL_DEREFERENCE);
    const value = op.value;
    // A scalar or null at the root is silently ignored: evanphx wraps a nil error there.
    if (isContainer(value)) state.root = value;
    return;
  }
  const target = findParent(state.root, path.value);
  if (!target) throw new JsonPatchFailure(`replace operation does not apply: doc is missing path: ${path.value}: missing value`);
  if ('error' in get(target[0], target[1])) {
    throw new JsonPatchFailure(`replace operation does not apply: doc is missing key: ${path.value}: missing value`);
  }
  overwrite(target[0], target[1], operationValue(op));
}

function move(state: State, op: JsonObject): void {
  const from = stringMember(op, 'from');
  if ('error' in from) throw new JsonPatchFailure(`move operation failed to decode from: ${from.error}`);
  const source = findParent(state.root, from.value);
  if (!source) throw new JsonPatchFailure(`move operation does not apply: doc is missing from path: ${from.value}: missing value`);
  const found = get(source[0], source[1]);
  if ('error' in found) throw new JsonPatchFailure(`error in move for path: '${source[1]}': ${found.error}`);
  const removed = removeAt(source[0], source[1]);
  if (removed) throw new JsonPatchFailure(`error in move for path: '${source[1]}': ${removed}`);
  const path = stringMember(op, 'path');
  if ('error' in path) throw new JsonPatchFailure(`move operation failed to decode path: ${path.error}`);
  const target = findParent(state.root, path.value);
  if (!target) throw new JsonPatchFailure(`move operation does not apply: doc is missing destination path: ${path.value}: missing value`);
  const error = insert(target[0], target[1], found.value ?? null);
  if (error) throw new JsonPatchFailure(`error in move for path: '${path.value}': ${error}`);
}

function test(state: State, op: JsonObject): void {
  const path = stringMember(op, 'path');
  if ('error' in path) throw new JsonPatchFailure(`test operation failed to decode path: ${path.error}`);
  const hasValue = hasKey(op, 'value');
  if (path.value === '') {
    if (!hasValue) throw new GoPanic(NIL_DEREFERENCE);
    if (!valuesEqual(state.root, op.value)) throw new JsonPatchFailure('testing value  failed: test failed');
    return;
  }
  const target = findParent(state.root, path.value);
  if (!target) throw new JsonPatchFailure(`test operation does not apply: is missing path: ${path.value}: missing value`);
  const found = get(target[0], target[1]);
  if ('error' in found) throw new JsonPatchFailure(`error in test for path: '${path.value}': ${found.error}`);
  const actual = found.value ?? null;
  if (actual === null) {
    if (!hasValue) throw new GoPanic(NIL_DEREFERENCE);
    if (op.value === null) return;
  } else if (hasValue && valuesEqual(actual, op.value)) {
    return;
  }
  throw new JsonPatchFailure(`testing value ${path.value} failed: test failed`);
}

function copy(state: State, op: JsonObject): void {
  const from = stringMember(op, 'from');
  if ('error' in from) throw new JsonPatchFailure(`copy operation failed to decode from: ${from.error}`);
  const source = findParent(state.root, from.value);
  if (!source) throw new JsonPatchFailure(`copy operation does not apply: doc is missing from path: ${from.value}: missing value`);
  const found = get(source[0], source[1]);
  if ('error' in found) throw new JsonPatchFailure(`error in copy for from: '${from.value}': ${found.error}`);
  const path = stringMember(op, 'path');
  if ('error' in path) throw new JsonPatchFailure('copy operation failed to decode path: missing value');
  const target = findParent(state.root, path.value);
  if (!target) throw new JsonPatchFailure(`copy operation does not apply: doc is missing destination path: ${path.value}: missing value`);
  const original = found.value ?? null;
  if (original !== null) {
    state.copiedBytes += Buffer.byteLength(marshalGoJson(original));
    if (state.copiedBytes > MAX_JSON_PATCH_COPY_BYTES) {
      throw new JsonPatchFailure(
        `Unable to complete the copy, the accumulated size increase of copy is ${state.copiedBytes}, exceeding the limit ${MAX_JSON_PATCH_COPY_BYTES}`,
      );
    }
  }
  const error = insert(target[0], target[1], cloneJson(original));
  if (error) throw new JsonPatchFailure(`error while adding value during copy: ${error}`);
}

/**
 * evanphx's lazyNode.equal: structural equality where a null member of an object only equals
 * null, and a null met while comparing arrays dereferences nil (a panic in Go).
 */
function valuesEqual(a: JsonValue, b: JsonValue): boolean {
  const work: Array<[JsonValue, JsonValue]> = [[a, b]];
  while (work.length > 0) {
    const [x, y] = work.pop()!;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = x.length - 1; i >= 0; i--) {
        if (x[i] === null || y[i] === null) throw new GoPanic(NIL_DEREFERENCE);
        work.push([x[i], y[i]]);
      }
    } else if (isJsonObject(x)) {
      if (!isJsonObject(y)) return false;
      const keys = Object.keys(x);
      if (keys.length !== Object.keys(y).length) return false;
      for (const key of keys) {
        if (!hasKey(y, key)) return false;
        const xv = x[key];
        const yv = y[key];
        if ((xv === null) !== (yv === null)) return false;
        if (xv !== null) work.push([xv, yv]);
      }
    } else if (x === null || y === null || typeof y === 'object' || x !== y) {
      return false;
    }
  }
  return true;
}
