// Renders a decoded protobuf message as the JSON Go's encoding/json would write for the same
// Go struct after gogo-protobuf unmarshalled it. That is what a real API server holds after
// reading a protobuf body, so an object created through protobuf matches one created through
// JSON: the same keys in the same order, `null` where Go has a nil slice or a zero metav1.Time,
// `{}` for value structs, zero scalars only where the json tag lacks omitempty.

import type { FieldSpec, MessageSpec, WireSchema } from './wire-schema.js';
import { isScalarType, isSpecialType } from './wire-schema.js';
import type { Int64 } from './go-values.js';
import {
  DecodeError,
  checkQuantity,
  formatGoDuration,
  formatMicroTime,
  formatTime,
  int64ToBigInt,
  int64ToNumber,
} from './go-values.js';

/** A message as protobufjs decodes it: own properties are the fields present on the wire. */
type Decoded = Record<string, unknown>;

/** Marks a field Go leaves out of the JSON. */
const omit = Symbol('omit');

export function messageToGoJson(schema: WireSchema, messageName: string, decoded: Decoded | undefined): Record<string, unknown> {
  const spec = schema.messages.get(messageName);
  if (!spec) throw new DecodeError(`no schema for ${messageName}`);
  const out: Record<string, unknown> = {};
  writeFields(schema, spec, decoded, out);
  return out;
}

function writeFields(schema: WireSchema, spec: MessageSpec, decoded: Decoded | undefined, out: Record<string, unknown>): void {
  for (const f of spec.fields) {
    const present = decoded !== undefined && Object.hasOwn(decoded, f.name);
    const value = present ? decoded[f.name] : undefined;
    if (f.inline) {
      // A nil embedded pointer contributes nothing; a value struct contributes its zero fields.
      if (f.pointer && !present) continue;
      writeFields(schema, schema.messages.get(f.type)!, value as Decoded | undefined, out);
      continue;
    }
    const json = fieldToGoJson(schema, f, present, value);
    if (json !== omit) out[f.name] = json;
  }
}

function fieldToGoJson(schema: WireSchema, f: FieldSpec, present: boolean, value: unknown): unknown {
  if (f.cardinality === 'list') {
    // protobufjs gives [] when the field is absent; Go has a nil slice either way.
    const items = (value as unknown[] | undefined) ?? [];
    if (items.length === 0) return f.omitEmpty ? omit : null;
    return items.map((item) => elementToGoJson(schema, f.type, item));
  }
  if (f.cardinality === 'map') {
    const entries = Object.entries((value as Record<string, unknown> | undefined) ?? {});
    if (entries.length === 0) return f.omitEmpty ? omit : null;
    // encoding/json writes map keys sorted by their bytes.
    entries.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) setOwn(out, k, elementToGoJson(schema, f.type, v));
    return out;
  }
  if (f.pointer && !present) return f.omitEmpty ? omit : null;
  if (f.type === 'bytes') {
    // A present bytes field is a non-nil slice in Go, even when empty.
    const bytes = present ? (value as Uint8Array) : undefined;
    if (f.omitEmpty && (bytes === undefined || bytes.length === 0)) return omit;
    return bytes === undefined ? null : Buffer.from(bytes).toString('base64');
  }
  if (isScalarType(f.type)) {
    const v = scalarToGoJson(f.type, present ? value : undefined);
    if (f.omitEmpty && !f.pointer && isZeroScalar(v)) return omit;
    return v;
  }
  // Go's omitempty never drops a struct, so value structs always appear, zero or not.
  return elementToGoJson(schema, f.type, present ? value : undefined);
}

/** A list element, map value or struct-typed field; undefined means Go's zero value. */
function elementToGoJson(schema: WireSchema, type: string, value: unknown): unknown {
  if (type === 'bytes') return Buffer.from((value as Uint8Array | undefined) ?? []).toString('base64');
  if (isScalarType(type)) return scalarToGoJson(type, value);
  if (isSpecialType(type)) return specialToGoJson(type, value as Decoded | undefined);
  const spec = schema.messages.get(type)!;
  if (spec.listOf) {
    // Named slices (authentication's ExtraValue) decode to an empty, non-nil slice.
    const items = ((value as Decoded | undefined)?.items as unknown[] | undefined) ?? [];
    return items.map((item) => elementToGoJson(schema, spec.listOf!, item));
  }
  const out: Record<string, unknown> = {};
  writeFields(schema, spec, value as Decoded | undefined, out);
  return out;
}

/** Sets a key as an own property even when it is "__proto__", as JSON.parse would. */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function scalarToGoJson(type: string, value: unknown): unknown {
  switch (type) {
    case 'string':
      return (value as string | undefined) ?? '';
    case 'bool':
      return (value as boolean | undefined) ?? false;
    case 'int32':
      return (value as number | undefined) ?? 0;
    case 'int64':
      return value === undefined ? 0 : int64ToNumber(value as Int64);
    case 'double': {
      const n = (value as number | undefined) ?? 0;
      if (!Number.isFinite(n)) throw new DecodeError(`json: unsupported value: ${n}`);
      return n;
    }
    default:
      throw new DecodeError(`unsupported scalar type ${type}`);
  }
}

function isZeroScalar(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

function has(decoded: Decoded | undefined, name: string): decoded is Decoded {
  return decoded !== undefined && Object.hasOwn(decoded, name);
}

function specialToGoJson(type: string, d: Decoded | undefined): unknown {
  switch (type) {
    case 'Time': {
      // An empty message is Go's zero time; otherwise nanoseconds are dropped, as Go does.
      if (!has(d, 'seconds') && !has(d, 'nanos')) return null;
      return formatTime(has(d, 'seconds') ? int64ToNumber(d.seconds as Int64) : 0);
    }
    case 'MicroTime': {
      if (!has(d, 'seconds') && !has(d, 'nanos')) return null;
      const seconds = has(d, 'seconds') ? int64ToNumber(d.seconds as Int64) : 0;
      return formatMicroTime(seconds, has(d, 'nanos') ? (d.nanos as number) : 0);
    }
    case 'Duration':
      return formatGoDuration(has(d, 'duration') ? int64ToBigInt(d.duration as Int64) : 0n);
    case 'Quantity':
      // The zero Quantity renders as "0"; a written one must parse.
      return has(d, 'string') ? checkQuantity(d.string as string) : '0';
    case 'IntOrString': {
      const kind = has(d, 'type') ? int64ToNumber(d.type as Int64) : 0;
      if (kind === 0) return has(d, 'intVal') ? (d.intVal as number) : 0;
      if (kind === 1) return has(d, 'strVal') ? (d.strVal as string) : '';
      throw new DecodeError('impossible IntOrString.Type');
    }
    case 'RawExtension':
      return rawJson(has(d, 'raw') ? (d.raw as Uint8Array) : undefined, 'RawExtension');
    case 'FieldsV1':
      return rawJson(has(d, 'Raw') ? (d.Raw as Uint8Array) : undefined, 'metav1.FieldsV1');
    default:
      throw new DecodeError(`unsupported type ${type}`);
  }
}

/** RawExtension and FieldsV1 carry JSON text; Go writes it through unchanged. */
function rawJson(raw: Uint8Array | undefined, what: string): unknown {
  if (raw === undefined || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw new DecodeError(`${what} does not hold JSON`);
  }
}
