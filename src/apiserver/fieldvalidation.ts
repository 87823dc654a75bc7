// Server-side field validation: what the real API server's decoder notices in a request body.
// For built-in kinds that is Go's typed JSON decoding (sigs.k8s.io/json in strict mode):
// unknown and duplicate fields, reported with paths like `spec.template.spec.containers[0].imagee`,
// and type mismatches, which fail the request with Go's own wording
// (`json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`).
// For custom resources it is structural pruning: fields the schema does not declare are dropped
// (prune) and reported with sorted paths. One walk over the decoded object does the work; the
// raw body is scanned only to find duplicate keys, which JSON.parse silently merges.

import { badRequest, type StatusError } from '../machinery/errors.js';
import { definitionNode, type StructuralSchema } from '../api/schema/structural.js';

export type FieldValidationDirective = 'Ignore' | 'Warn' | 'Strict';

export interface FieldCheckOptions {
  /** Kind and version as the body names them; set, they prefix decodeError as the API server does. */
  kind?: string;
  version?: string;
  /** The body as received, to find duplicate keys; without it duplicates go unnoticed. */
  raw?: string | Uint8Array;
  /**
   * Check values the way Go's typed decoder does (built-in kinds). Defaults to true when the
   * schema root names a Go definition; custom resources are decoded untyped and only pruned.
   */
  typed?: boolean;
}

export interface FieldCheck {
  /** Paths of fields the schema does not declare: document order (typed) or sorted (pruning). */
  unknownFields: string[];
  /** Paths of keys that occur twice in one object. */
  duplicateFields: string[];
  /** Set when decoding fails outright (400 BadRequest), whatever the directive. */
  decodeError?: string;
}

/** The decoder's strict-error limit: it stops collecting after this many. */
const maxStrictErrors = 100;

/** Finds unknown and duplicate fields and decoding errors in a decoded request body. */
export function checkFields(schema: StructuralSchema, obj: unknown, options: FieldCheckOptions = {}): FieldCheck {
  const typed = options.typed ?? schema['x-kubelite-definition'] !== undefined;
  let unknownFields: string[];
  let decodeError: string | undefined;
  if (typed) {
    const decoder = new TypedDecoder();
    decoder.decode(schema, obj);
    unknownFields = decoder.unknown;
    decodeError = decoder.error();
  } else {
    unknownFields = pruneTree(schema, obj, true, false);
  }
  const duplicateFields = options.raw === undefined ? [] : findDuplicateKeys(options.raw);
  const result: FieldCheck = { unknownFields, duplicateFields };
  if (decodeError !== undefined) {
    result.decodeError = options.kind ? decodeErrorMessage(options.kind, options.version ?? '', decodeError) : decodeError;
  }
  return result;
}

/** The API server's wrapping of a decoding error: `Deployment in version "v1" cannot be handled as a Deployment: …`. */
export function decodeErrorMessage(kind: string, version: string, error: string): string {
  return `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${error}`;
}

/** The strict errors of a check, one string per field, as warnings and strict errors list them. */
export function strictErrors(check: FieldCheck): string[] {
  const out = check.unknownFields.map((p) => `unknown field ${JSON.stringify(p)}`);
  for (const p of check.duplicateFields) out.push(`duplicate field ${JSON.stringify(p)}`);
  return out.slice(0, maxStrictErrors);
}

/** `strict decoding error: unknown field "spec.foo", duplicate field "metadata.name"`, or undefined. */
export function strictDecodingMessage(check: FieldCheck): string | undefined {
  const errors = strictErrors(check);
  return errors.length ? `strict decoding error: ${errors.join(', ')}` : undefined;
}

/**
 * What a write does with a check under a fieldValidation directive: the 400 to answer with, or
 * the warnings to send. `body` requests (create, update) name the kind in the message; patches
 * report the bare strict error, as the API server's patch path does.
 */
export function fieldValidationOutcome(
  check: FieldCheck,
  directive: FieldValidationDirective,
  how: { kind: string; version: string; request: 'body' | 'patch' },
): { error?: StatusError; warnings: string[] } {
  if (check.decodeError !== undefined) {
    const message = check.decodeError.includes(' cannot be handled as a ') || how.request === 'patch'
      ? check.decodeError
      : decodeErrorMessage(how.kind, how.version, check.decodeError);
    return { error: badRequest(message), warnings: [] };
  }
  const strict = strictDecodingMessage(check);
  if (!strict || directive === 'Ignore') return { warnings: [] };
  if (directive === 'Warn') return { warnings: strictErrors(check) };
  const message = how.request === 'patch' ? strict : decodeErrorMessage(how.kind, how.version, strict);
  return { error: badRequest(message), warnings: [] };
}

/**
 * Removes the fields a structural schema does not declare, as the API server does for custom
 * resources, and returns their paths, sorted. At the root (and in embedded resources)
 * apiVersion, kind and metadata are left alone: metadata has its own rules.
 */
export function prune(schema: StructuralSchema, obj: unknown, options: { isResourceRoot?: boolean } = {}): string[] {
  return pruneTree(schema, obj, options.isResourceRoot ?? true, true);
}

const metaFields = new Set(['apiVersion', 'kind', 'metadata']);

function pruneTree(schema: StructuralSchema, obj: unknown, isResourceRoot: boolean, remove: boolean): string[] {
  const root = isResourceRoot && !schema['x-kubernetes-embedded-resource'] ? { ...schema, 'x-kubernetes-embedded-resource': true } : schema;
  const walk = new PruneWalk(remove);
  walk.value(obj, root);
  return walk.paths.sort();
}

/**
 * One pruning walk. The path is kept as a stack of keys and list indices and joined only for
 * a field that is reported: most objects have none, and building every field's path cost
 * more than the rest of the walk.
 */
class PruneWalk {
  readonly paths: string[] = [];
  private readonly path: (string | number)[] = [];

  constructor(private readonly remove: boolean) {}

  value(x: unknown, s: StructuralSchema | undefined): void {
    if (s?.['x-kubernetes-preserve-unknown-fields']) {
      this.skip(x, s);
      return;
    }
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) this.child(i, x[i], s?.items);
      return;
    }
    if (x === null || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!s) {
        this.report(k);
        if (this.remove) delete o[k];
        continue;
      }
      if (s['x-kubernetes-embedded-resource'] && metaFields.has(k)) continue;
      const prop = s.properties?.[k];
      if (prop) this.child(k, o[k], prop);
      else if (typeof s.additionalProperties === 'object') this.child(k, o[k], s.additionalProperties);
      else if (s.additionalProperties === true) continue;
      else {
        if (!metaFields.has(k) || this.path.length > 0) this.report(k);
        if (this.remove) delete o[k];
      }
    }
  }

  /** Below preserve-unknown-fields: only what the schema does declare is pruned further down. */
  private skip(x: unknown, s: StructuralSchema): void {
    if (Array.isArray(x)) {
      if (s.items) for (let i = 0; i < x.length; i++) this.skipChild(i, x[i], s.items);
      return;
    }
    if (x === null || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (s['x-kubernetes-embedded-resource'] && metaFields.has(k)) continue;
      const prop = s.properties?.[k];
      if (prop) this.child(k, o[k], prop);
      else if (typeof s.additionalProperties === 'object') this.child(k, o[k], s.additionalProperties);
    }
  }

  private child(step: string | number, x: unknown, s: StructuralSchema | undefined): void {
    this.path.push(step);
    this.value(x, s);
    this.path.pop();
  }

  private skipChild(step: number, x: unknown, s: StructuralSchema): void {
    this.path.push(step);
    this.skip(x, s);
    this.path.pop();
  }

  private report(key: string): void {
    const path = this.joined();
    this.paths.push(path ? `${path}.${key}` : key);
  }

  /** The path so far, `a.b[0].c`: keys joined with dots, indices in brackets. */
  private joined(): string {
    let path = '';
    for (const step of this.path) path = typeof step === 'number' ? `${path}[${step}]` : path ? `${path}.${step}` : step;
    return path;
  }
}

// ---------------------------------------------------------------------------------------------
// Typed decoding of built-in kinds.

type JsonKind = 'string' | 'number' | 'bool' | 'object' | 'array' | 'null';

function jsonKind(v: unknown): JsonKind {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return Array.isArray(v) ? 'array' : 'object';
  }
}

/** The Go type of a schema node, as reflect's Type.String() prints it in decoding errors. */
export function goTypeOf(node: StructuralSchema): string {
  const named = node['x-kubelite-go-type'];
  if (named) return named;
  const def = definitionNode(node)?.['x-kubelite-definition'];
  if (def) {
    const parts = def.split('.');
    return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  }
  switch (node.type) {
    case 'string':
      return node.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return node.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${node.items ? goTypeOf(node.items) : 'interface {}'}`;
    case 'object':
      if (typeof node.additionalProperties === 'object') return `map[string]${goTypeOf(node.additionalProperties)}`;
      return node.properties ? 'struct' : 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

function goStructName(node: StructuralSchema): string {
  const def = definitionNode(node)?.['x-kubelite-definition'];
  return def ? def.slice(def.lastIndexOf('.') + 1) : '';
}

const int32Min = -2147483648;
const int32Max = 2147483647;

/** Thrown to stop decoding at a fatal error, as Go's decoder returns at once from an Unmarshaler. */
class FatalDecodeError {
  constructor(readonly message: string) {}
}

/** How a node decodes, worked out once per node: the walk runs on every write. */
const Decode = {
  Any: 0,
  Struct: 1,
  Map: 2,
  Array: 3,
  String: 4,
  Bytes: 5,
  Int32: 6,
  Int64: 7,
  Float: 8,
  Bool: 9,
  IntOrString: 10,
  Quantity: 11,
  Time: 12,
  MicroTime: 13,
} as const;
type Decode = (typeof Decode)[keyof typeof Decode];

interface CompiledNode {
  decode: Decode;
  /** The Go struct name of a Struct node (DeploymentSpec). */
  struct: string;
}

const compiledNodes = new WeakMap<StructuralSchema, CompiledNode>();

function compile(node: StructuralSchema): CompiledNode {
  let c = compiledNodes.get(node);
  if (!c) {
    c = { decode: decodeOf(node), struct: goStructName(node) };
    compiledNodes.set(node, c);
  }
  return c;
}

function decodeOf(node: StructuralSchema): Decode {
  const def = definitionNode(node)?.['x-kubelite-definition'];
  if (def === 'io.k8s.apimachinery.pkg.api.resource.Quantity') return Decode.Quantity;
  if (def === 'io.k8s.apimachinery.pkg.apis.meta.v1.Time') return Decode.Time;
  if (def === 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime') return Decode.MicroTime;
  if (node['x-kubernetes-int-or-string']) return Decode.IntOrString;
  if (node['x-kubernetes-preserve-unknown-fields'] && !node.properties) return Decode.Any;
  switch (node.type) {
    case 'object':
      if (typeof node.additionalProperties === 'object') return Decode.Map;
      return node.properties ? Decode.Struct : Decode.Any;
    case 'array':
      return node.items ? Decode.Array : Decode.Any;
    case 'string':
      return node.format === 'byte' ? Decode.Bytes : Decode.String;
    case 'integer':
      return node.format === 'int32' ? Decode.Int32 : Decode.Int64;
    case 'number':
      return Decode.Float;
    case 'boolean':
      return Decode.Bool;
    default:
      return Decode.Any;
  }
}

/**
 * Walks a decoded body against a built-in schema the way sigs.k8s.io/json decodes into Go
 * structs. Paths are kept as stacks and joined only when something is reported.
 */
class TypedDecoder {
  readonly unknown: string[] = [];
  private readonly seenUnknown = new Set<string>();
  private firstError: string | undefined;
  private fatal: string | undefined;
  /** The strict-error path: keys, and list indices as numbers. */
  private readonly strictPath: (string | number)[] = [];
  /** Go's error context: the JSON names of the struct fields from the root. */
  private readonly fieldStack: string[] = [];
  private struct = '';

  decode(schema: StructuralSchema, value: unknown): void {
    try {
      this.value(schema, value);
    } catch (e) {
      if (e instanceof FatalDecodeError) this.fatal = e.message;
      else throw e;
    }
  }

  error(): string | undefined {
    return this.fatal ?? this.firstError;
  }

  private typeError(value: string, node: StructuralSchema | string): string {
    const type = typeof node === 'string' ? node : goTypeOf(node);
    if (!this.struct && this.fieldStack.length === 0) return `json: cannot unmarshal ${value} into Go value of type ${type}`;
    return `json: cannot unmarshal ${value} into Go struct field ${this.struct}.${this.fieldStack.join('.')} of type ${type}`;
  }

  private mismatch(v: unknown, node: StructuralSchema): void {
    this.firstError ??= this.typeError(jsonKind(v), node);
  }

  private value(node: StructuralSchema, v: unknown): void {
    if (v === null || v === undefined) return;
    const c = compile(node);
    switch (c.decode) {
      case Decode.Any:
        return;
      case Decode.Struct:
        if (typeof v !== 'object' || Array.isArray(v)) this.mismatch(v, node);
        else this.structFields(node.properties!, c.struct, v as Record<string, unknown>);
        return;
      case Decode.Map:
        if (typeof v !== 'object' || Array.isArray(v)) this.mismatch(v, node);
        else this.mapValues(node.additionalProperties as StructuralSchema, v as Record<string, unknown>);
        return;
      case Decode.Array:
        if (!Array.isArray(v)) this.mismatch(v, node);
        else this.arrayItems(node.items!, v);
        return;
      case Decode.String:
        if (typeof v !== 'string') this.mismatch(v, node);
        return;
      case Decode.Bytes:
        if (typeof v !== 'string') this.mismatch(v, node);
        else {
          const bad = base64Error(v);
          if (bad !== undefined) this.firstError ??= `illegal base64 data at input byte ${bad}`;
        }
        return;
      case Decode.Int32:
      case Decode.Int64:
        if (typeof v !== 'number') this.mismatch(v, node);
        else if (!fitsInteger(v, c.decode === Decode.Int32 ? 'int32' : 'int64')) this.firstError ??= this.typeError(`number ${String(v)}`, node);
        return;
      case Decode.Float:
        if (typeof v !== 'number') this.mismatch(v, node);
        return;
      case Decode.Bool:
        if (typeof v !== 'boolean') this.mismatch(v, node);
        return;
      case Decode.IntOrString:
        // A string is taken as is; anything else is decoded into the int32.
        if (typeof v === 'string') return;
        if (typeof v !== 'number') throw new FatalDecodeError(this.typeError(jsonKind(v), 'int32'));
        if (!fitsInteger(v, 'int32')) throw new FatalDecodeError(this.typeError(`number ${String(v)}`, 'int32'));
        return;
      case Decode.Quantity: {
        const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '{';
        const error = quantitySyntaxError(text.trim());
        if (error) throw new FatalDecodeError(error);
        return;
      }
      case Decode.Time:
      case Decode.MicroTime: {
        if (typeof v !== 'string') throw new FatalDecodeError(this.typeError(jsonKind(v), 'string'));
        const error = rfc3339Error(v, c.decode === Decode.MicroTime);
        if (error) throw new FatalDecodeError(error);
        return;
      }
    }
  }

  private structFields(properties: Record<string, StructuralSchema>, name: string, o: Record<string, unknown>): void {
    const outer = this.struct;
    for (const key in o) {
      const prop = properties[key];
      this.strictPath.push(key);
      if (prop === undefined) {
        this.recordUnknown();
      } else {
        const v = o[key];
        if (v !== null) {
          this.fieldStack.push(key);
          this.struct = name || outer;
          this.value(prop, v);
          this.struct = outer;
          this.fieldStack.pop();
        }
      }
      this.strictPath.pop();
    }
  }

  private mapValues(values: StructuralSchema, o: Record<string, unknown>): void {
    for (const key in o) {
      this.strictPath.push(key);
      this.value(values, o[key]);
      this.strictPath.pop();
    }
  }

  private arrayItems(items: StructuralSchema, a: unknown[]): void {
    for (let i = 0; i < a.length; i++) {
      this.strictPath.push(i);
      this.value(items, a[i]);
      this.strictPath.pop();
    }
  }

  private recordUnknown(): void {
    if (this.unknown.length >= maxStrictErrors) return;
    let path = '';
    for (const segment of this.strictPath) {
      if (typeof segment === 'number') path += `[${segment}]`;
      else path += path ? `.${segment}` : segment;
    }
    if (this.seenUnknown.has(path)) return;
    this.seenUnknown.add(path);
    this.unknown.push(path);
  }
}

function fitsInteger(n: number, format: string | undefined): boolean {
  if (!Number.isInteger(n)) return false;
  return format === 'int32' ? n >= int32Min && n <= int32Max : Number.isSafeInteger(n) || Math.abs(n) < 2 ** 63;
}

// ---------------------------------------------------------------------------------------------
// Scalars with their own decoders.

const quantityFormatError =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const quantitySuffixError = "unable to parse quantity's suffix";
const quantitySuffixes = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

/** Why resource.ParseQuantity rejects a string, in its words; undefined when it parses. */
export function quantitySyntaxError(s: string): string | undefined {
  if (s.length === 0) return quantityFormatError;
  if (s === '0') return undefined;
  let pos = 0;
  if (s[0] === '-' || s[0] === '+') pos++;
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  while (isDigit(s[pos])) pos++;
  if (pos >= s.length) return undefined;
  if (s[pos] === '.') {
    pos++;
    while (isDigit(s[pos])) pos++;
    if (pos >= s.length) return undefined;
  }
  const suffixStart = pos;
  while (pos < s.length && 'eEinumkKMGTP'.includes(s[pos])) pos++;
  if (pos < s.length && (s[pos] === '-' || s[pos] === '+')) pos++;
  while (isDigit(s[pos])) pos++;
  if (pos < s.length) return quantityFormatError;
  const suffix = s.slice(suffixStart);
  if (quantitySuffixes.has(suffix)) return undefined;
  if (/^[eE][-+]?\d+$/.test(suffix)) return undefined;
  return quantitySuffixError;
}

/** The index Go's base64.StdEncoding reports for bad input, or undefined when it decodes. */
export function base64Error(s: string): number | undefined {
  const isAlphabet = (c: number): boolean =>
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
  const isNewline = (c: number): boolean => c === 10 || c === 13;
  let si = 0;
  for (;;) {
    let j = 0;
    for (; j < 4; j++) {
      if (si === s.length) {
        if (j === 0) return undefined;
        return si - j;
      }
      const c = s.charCodeAt(si++);
      if (isAlphabet(c)) continue;
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 61) return si - 1;
      // Padding: only in the last two positions of a quantum, then only newlines may follow.
      if (j === 0 || j === 1) return si - 1;
      if (j === 2) {
        while (si < s.length && isNewline(s.charCodeAt(si))) si++;
        if (si === s.length) return s.length;
        if (s.charCodeAt(si) !== 61) return si - 1;
        si++;
      }
      while (si < s.length && isNewline(s.charCodeAt(si))) si++;
      return si < s.length ? si : undefined;
    }
  }
}

const rfc3339Layout = '2006-01-02T15:04:05Z07:00';
const rfc3339MicroLayout = '2006-01-02T15:04:05.000000Z07:00';

/** Go's time.Parse error for an RFC 3339 timestamp (metav1.Time, or MicroTime with micro set). */
export function rfc3339Error(value: string, micro: boolean): string | undefined {
  if ((micro ? microTimestamp : timestamp).test(value) && plausibleDate(value)) return undefined;
  return rfc3339Detail(value, micro);
}

const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:\d\d)$/;
const microTimestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(?:Z|[+-]\d\d:\d\d)$/;

/** The fast path: fields in range for any month (days past the 28th take the slow path). */
function plausibleDate(v: string): boolean {
  const two = (i: number): number => (v.charCodeAt(i) - 48) * 10 + (v.charCodeAt(i + 1) - 48);
  const month = two(5);
  const day = two(8);
  return month >= 1 && month <= 12 && day >= 1 && day <= 28 && two(11) <= 23 && two(14) <= 59 && two(17) <= 59;
}

function rfc3339Detail(value: string, micro: boolean): string | undefined {
  const layout = micro ? rfc3339MicroLayout : rfc3339Layout;
  const fail = (rest: string, element: string): string =>
    `parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(element)}`;
  const range = (what: string): string => `parsing time ${JSON.stringify(value)}: ${what} out of range`;
  let rest = value;
  const digits = (n: number, element: string): number | string => {
    const m = rest.slice(0, n);
    if (m.length < n || !/^\d+$/.test(m)) return fail(rest, element);
    rest = rest.slice(n);
    return Number(m);
  };
  const literal = (lit: string): string | undefined => {
    if (!rest.startsWith(lit)) return fail(rest, lit);
    rest = rest.slice(lit.length);
    return undefined;
  };
  const steps: [number, string][] = [
    [4, '2006'],
    [2, '01'],
    [2, '02'],
    [2, '15'],
    [2, '04'],
    [2, '05'],
  ];
  const separators = ['-', '-', 'T', ':', ':', ''];
  const values: number[] = [];
  for (let i = 0; i < steps.length; i++) {
    const n = digits(steps[i][0], steps[i][1]);
    if (typeof n === 'string') return n;
    values.push(n);
    if (separators[i]) {
      const err = literal(separators[i]);
      if (err) return err;
    }
  }
  if (micro) {
    const m = rest.match(/^\.\d{6}/);
    if (!m) return fail(rest, '.000000');
    rest = rest.slice(7);
  } else if (rest.startsWith('.') || rest.startsWith(',')) {
    const m = rest.match(/^[.,]\d+/);
    if (m) rest = rest.slice(m[0].length);
  }
  if (rest.startsWith('Z')) rest = rest.slice(1);
  else {
    const m = rest.match(/^[+-]\d\d:\d\d/);
    if (!m) return fail(rest, 'Z07:00');
    rest = rest.slice(6);
  }
  if (rest) return `parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(rest)}`;
  const [year, month, day, hour, minute, second] = values;
  if (month < 1 || month > 12) return range('month');
  const daysIn = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysIn) return range('day');
  if (hour > 23) return range('hour');
  if (minute > 59) return range('minute');
  if (second > 59) return range('second');
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Duplicate keys, from the raw text.

/**
 * Whether JSON text may hold a key twice in one object: cheap, where findDuplicateKeys is
 * thorough. JSON.parse keeps one property per key, so the text has duplicates exactly when
 * it holds more keys than `parsed`, which must be JSON.parse of it, unchanged since.
 */
export function mayHaveDuplicateKeys(raw: string | Uint8Array, parsed: unknown): boolean {
  return countKeysInJson(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw) !== countKeys(parsed);
}

/** Object keys in valid JSON text: strings followed by a colon. */
function countKeysInJson(text: Uint8Array): number {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  const n = buf.length;
  let count = 0;
  let i = buf.indexOf(34 /* " */);
  while (i >= 0) {
    // The closing quote: one not escaped by an odd run of backslashes.
    let j = buf.indexOf(34, i + 1);
    while (j > 0) {
      let backslashes = 0;
      while (buf[j - 1 - backslashes] === 92) backslashes++;
      if (backslashes % 2 === 0) break;
      j = buf.indexOf(34, j + 1);
    }
    if (j < 0) break;
    let k = j + 1;
    while (k < n && (buf[k] === 32 || buf[k] === 10 || buf[k] === 13 || buf[k] === 9)) k++;
    if (buf[k] === 58 /* : */) count++;
    i = buf.indexOf(34, k);
  }
  return count;
}

function countKeys(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  let count = 0;
  if (Array.isArray(v)) {
    for (const item of v) if (item !== null && typeof item === 'object') count += countKeys(item);
    return count;
  }
  for (const key in v) {
    count++;
    const child = (v as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object') count += countKeys(child);
  }
  return count;
}

/**
 * Scans JSON text for keys that occur twice in one object and returns their paths
 * (`metadata.name`, `spec.containers[0].image`). The text is assumed to be valid JSON: the
 * caller has parsed it already.
 */
export function findDuplicateKeys(raw: string | Uint8Array): string[] {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const utf8 = typeof raw !== 'string';
  const out: string[] = [];
  // One frame per open container: an object's keys so far and its current key, or an array's index.
  const keys: (Set<string> | null)[] = [];
  const current: (string | number)[] = [];
  let expectKey = false;
  const n = text.length;
  // Where the next backslash is (n when there is none), kept current lazily.
  let nextBackslash = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Jump from quote to quote; a quote preceded by an odd run of backslashes is escaped.
      let j = text.indexOf('"', i + 1);
      while (j > 0) {
        let backslashes = 0;
        while (text.charCodeAt(j - 1 - backslashes) === 92) backslashes++;
        if (backslashes % 2 === 0) break;
        j = text.indexOf('"', j + 1);
      }
      if (j < 0) j = n;
      if (expectKey) {
        if (nextBackslash < i) {
          nextBackslash = text.indexOf('\\', i);
          if (nextBackslash < 0) nextBackslash = n;
        }
        const escaped = nextBackslash < j;
        let key = text.slice(i + 1, j);
        if (escaped) key = JSON.parse(text.slice(i, j + 1)) as string;
        if (utf8) key = Buffer.from(key, 'latin1').toString('utf8');
        const seen = keys[keys.length - 1]!;
        if (seen.has(key)) {
          if (out.length < maxStrictErrors) out.push(duplicatePath(current, key));
        } else seen.add(key);
        current[current.length - 1] = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 123 /* { */) {
      keys.push(new Set());
      current.push('');
      expectKey = true;
    } else if (c === 91 /* [ */) {
      keys.push(null);
      current.push(0);
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      keys.pop();
      current.pop();
    } else if (c === 44 /* , */) {
      const top = current.length - 1;
      if (keys[top] === null) current[top] = (current[top] as number) + 1;
      else expectKey = true;
    }
  }
  return out;
}

function duplicatePath(stack: (string | number)[], key: string): string {
  let path = '';
  for (let i = 0; i < stack.length - 1; i++) {
    const s = stack[i];
    if (typeof s === 'number') path += `[${s}]`;
    else path += path ? `.${s}` : s;
  }
  return path ? `${path}.${key}` : key;
}
