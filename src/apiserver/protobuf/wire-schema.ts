// The wire schema: which protobuf message each built-in kind is, its field numbers, and how Go
// renders each field as JSON. Go's rules (omitempty, pointers, embedded structs) decide which
// zero values appear, so the schema carries them beside the numbers.
//
// The schema is written as text, one package per module under ./schema/:
//
//   package <pkg> [<apiVersion>]     messages below are named <pkg>.<Name>; a package without an
//                                    apiVersion holds kinds every group version accepts
//   [@]<Name>                        a message; @ marks a kind a client sends as a whole body
//     <json> <number> <type> [flags] a field, in Go struct order (the order Go writes JSON in)
//   <Name> = <type>[]                a named Go slice: on the wire { repeated <type> items = 1 }
//
//   type:  string int32 int64 bool bytes double
//          Time MicroTime Duration Quantity IntOrString RawExtension FieldsV1
//          Message (this package) or pkg.Message (another)
//          suffixed [] for a repeated field, or written map<type> for a map keyed by string
//   flags: ?  omitempty: Go leaves the zero value out of JSON
//          *  pointer: absent on the wire means nil, not the zero value
//          ^  embedded struct (json inline): its fields join the parent's JSON object

export const scalarTypes = ['string', 'int32', 'int64', 'bool', 'bytes', 'double'] as const;
export type ScalarType = (typeof scalarTypes)[number];

/** Types whose Go JSON form is not a plain object: each has its own conversion. */
export const specialTypes = ['Time', 'MicroTime', 'Duration', 'Quantity', 'IntOrString', 'RawExtension', 'FieldsV1'] as const;
export type SpecialType = (typeof specialTypes)[number];

export interface FieldSpec {
  /** The JSON name; for an embedded struct, the protobuf field name (it has no JSON name). */
  name: string;
  number: number;
  /** A scalar, a special type, or a qualified message name such as `core.v1.Container`. */
  type: string;
  cardinality: 'single' | 'list' | 'map';
  omitEmpty: boolean;
  pointer: boolean;
  inline: boolean;
}

export interface MessageSpec {
  /** Qualified name: `core.v1.Container`. */
  name: string;
  fields: FieldSpec[];
  /** Set for a named Go slice: the element type of its `items` field. */
  listOf?: string;
}

export interface KindSpec {
  /** `apps/v1`; undefined for kinds every group version accepts (DeleteOptions). */
  apiVersion?: string;
  kind: string;
  message: string;
}

export interface WireSchema {
  messages: Map<string, MessageSpec>;
  kinds: KindSpec[];
}

export function isScalarType(t: string): t is ScalarType {
  return (scalarTypes as readonly string[]).includes(t);
}

export function isSpecialType(t: string): t is SpecialType {
  return (specialTypes as readonly string[]).includes(t);
}

/** Parses schema texts; throws on any malformed line or dangling reference (a bug, not input). */
export function parseWireSchema(texts: readonly string[]): WireSchema {
  const messages = new Map<string, MessageSpec>();
  const kinds: KindSpec[] = [];
  for (const text of texts) {
    let pkg = '';
    let apiVersion: string | undefined;
    let current: MessageSpec | undefined;
    for (const [i, raw] of text.split('\n').entries()) {
      const line = raw.trimEnd();
      if (!line.trim()) continue;
      const where = () => `schema line ${i + 1} ("${line.trim()}")`;
      let m: RegExpMatchArray | null;
      if ((m = line.match(/^package (\w+\.\w+)(?: (\S+))?$/))) {
        pkg = m[1];
        apiVersion = m[2];
        current = undefined;
      } else if ((m = line.match(/^(\w+) = (\S+)\[\]$/))) {
        const name = `${pkg}.${m[1]}`;
        const listOf = qualify(pkg, m[2]);
        current = undefined;
        addMessage(messages, { name, listOf, fields: [field('items', 1, listOf, 'list', '')] }, where);
      } else if ((m = line.match(/^(@?)(\w+)$/))) {
        if (!pkg) throw new Error(`${where()}: message outside a package`);
        current = { name: `${pkg}.${m[2]}`, fields: [] };
        addMessage(messages, current, where);
        if (m[1]) kinds.push({ apiVersion, kind: m[2], message: current.name });
      } else if ((m = line.match(/^ {2}(\w+) (\d+) (\S+?)(\[\])?(?: ([?*^]+))?$/))) {
        if (!current) throw new Error(`${where()}: field outside a message`);
        const [, name, num, rawType, list, flags = ''] = m;
        const mapped = rawType.match(/^map<(\S+)>$/);
        const type = qualify(pkg, mapped ? mapped[1] : rawType);
        const cardinality = mapped ? 'map' : list ? 'list' : 'single';
        current.fields.push(field(name, Number(num), type, cardinality, flags));
      } else {
        throw new Error(`${where()}: not understood`);
      }
    }
  }
  for (const msg of messages.values()) {
    const numbers = new Set<number>();
    for (const f of msg.fields) {
      if (numbers.has(f.number)) throw new Error(`${msg.name}: field number ${f.number} used twice`);
      numbers.add(f.number);
      if (!isScalarType(f.type) && !isSpecialType(f.type) && !messages.has(f.type)) {
        throw new Error(`${msg.name}.${f.name}: unknown type ${f.type}`);
      }
      if (f.inline && (f.cardinality !== 'single' || !messages.has(f.type))) {
        throw new Error(`${msg.name}.${f.name}: only a single message can be embedded`);
      }
    }
  }
  return { messages, kinds };
}

function field(name: string, number: number, type: string, cardinality: FieldSpec['cardinality'], flags: string): FieldSpec {
  return {
    name,
    number,
    type,
    cardinality,
    omitEmpty: flags.includes('?'),
    pointer: flags.includes('*'),
    inline: flags.includes('^'),
  };
}

function qualify(pkg: string, type: string): string {
  if (isScalarType(type) || isSpecialType(type) || type.includes('.')) return type;
  return `${pkg}.${type}`;
}

function addMessage(messages: Map<string, MessageSpec>, msg: MessageSpec, where: () => string): void {
  if (messages.has(msg.name)) throw new Error(`${where()}: ${msg.name} defined twice`);
  messages.set(msg.name, msg);
}

/** The message a body of this apiVersion and kind carries, if kubelite knows it. */
export function messageForKind(schema: WireSchema, apiVersion: string, kind: string): string | undefined {
  const exact = schema.kinds.find((k) => k.kind === kind && k.apiVersion === apiVersion);
  if (exact) return exact.message;
  return schema.kinds.find((k) => k.kind === kind && k.apiVersion === undefined)?.message;
}
