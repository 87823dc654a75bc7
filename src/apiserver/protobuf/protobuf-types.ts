// Turns the wire schema into protobufjs types, plus the fixed messages every body uses: the
// runtime.Unknown envelope and the apimachinery types with custom encodings (Time, Quantity…).
// protobufjs does the byte-level reading; the Go JSON rules live in go-json.ts.

import protobuf from 'protobufjs';
import type { WireSchema } from './wire-schema.js';
import { isScalarType, isSpecialType } from './wire-schema.js';

/** Namespace of the fixed messages, apart from any API package name. */
const fixed = 'wire';

// Field numbers as k8s.io/apimachinery 1.32 defines them.
const fixedMessages: Record<string, [name: string, number: number, type: string, rule?: 'repeated'][]> = {
  TypeMeta: [
    ['apiVersion', 1, 'string'],
    ['kind', 2, 'string'],
  ],
  Unknown: [
    ['typeMeta', 1, `.${fixed}.TypeMeta`],
    ['raw', 2, 'bytes'],
    ['contentEncoding', 3, 'string'],
    ['contentType', 4, 'string'],
  ],
  Time: [
    ['seconds', 1, 'int64'],
    ['nanos', 2, 'int32'],
  ],
  MicroTime: [
    ['seconds', 1, 'int64'],
    ['nanos', 2, 'int32'],
  ],
  Duration: [['duration', 1, 'int64']],
  Quantity: [['string', 1, 'string']],
  IntOrString: [
    ['type', 1, 'int64'],
    ['intVal', 2, 'int32'],
    ['strVal', 3, 'string'],
  ],
  RawExtension: [['raw', 1, 'bytes']],
  FieldsV1: [['Raw', 1, 'bytes']],
};

export interface ProtobufTypes {
  unknown: protobuf.Type;
  /** The protobufjs type of a schema message or a special type. */
  type(name: string): protobuf.Type;
}

export function buildProtobufTypes(schema: WireSchema): ProtobufTypes {
  const root = new protobuf.Root();
  for (const [name, fields] of Object.entries(fixedMessages)) {
    const t = new protobuf.Type(name);
    for (const [fname, num, type, rule] of fields) t.add(new protobuf.Field(fname, num, type, rule));
    root.define(fixed).add(t);
  }
  const wireType = (type: string): string => {
    if (isScalarType(type)) return type;
    if (isSpecialType(type)) return `.${fixed}.${type}`;
    return `.${type}`;
  };
  for (const msg of schema.messages.values()) {
    const dot = msg.name.lastIndexOf('.');
    const t = new protobuf.Type(msg.name.slice(dot + 1));
    for (const f of msg.fields) {
      if (f.cardinality === 'map') t.add(new protobuf.MapField(f.name, f.number, 'string', wireType(f.type)));
      else t.add(new protobuf.Field(f.name, f.number, wireType(f.type), f.cardinality === 'list' ? 'repeated' : undefined));
    }
    root.define(msg.name.slice(0, dot)).add(t);
  }
  root.resolveAll();
  const types = new Map<string, protobuf.Type>();
  const type = (name: string): protobuf.Type => {
    let t = types.get(name);
    if (!t) {
      t = root.lookupType(isSpecialType(name) ? `.${fixed}.${name}` : `.${name}`);
      types.set(name, t);
    }
    return t;
  };
  return { unknown: type(`${fixed}.Unknown`), type };
}
