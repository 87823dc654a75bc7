// Turns a Swagger 2.0 document into gnostic's openapi.v2.Document protobuf, the form kubectl
// downloads /openapi/v2 in. The API server gets it by parsing its JSON document with gnostic
// and marshalling the result; this follows gnostic's mapping: every Swagger map becomes an
// ordered list of (name, value) pairs, `x-` keys become vendor extensions whose value is the
// YAML text of the JSON value, parameters split into body / query / path / header / formData
// messages by their `in`, and proto3 leaves zero values (empty strings, false, 0) unwritten.
// Keys Swagger 2.0 does not have (anyOf, nullable) are left out where gnostic would refuse the
// whole document.

import type protobuf from 'protobufjs';
import { memoizedAnyYaml } from './any-yaml.js';
import { gnosticType } from './gnostic-schema.js';

type Json = Record<string, unknown>;
/** A gnostic message as protobufjs encodes it: field name → value. */
export type GnosticMessage = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Messages that stand for a Swagger map: every key becomes a (name, value) pair. */
const namedLists = new Set([
  'Definitions', 'Properties', 'ParameterDefinitions', 'ResponseDefinitions', 'SecurityDefinitions', 'Headers',
  'Examples', 'VendorExtension', 'SecurityRequirement',
]);

const nonBodyParameterField: Record<string, string> = {
  header: 'headerParameterSubSchema',
  formData: 'formDataParameterSubSchema',
  query: 'queryParameterSubSchema',
  path: 'pathParameterSubSchema',
};

const responseCode = /^([0-9]{3})$|^(default)$/;

class GnosticWriter {
  private readonly yaml = memoizedAnyYaml();

  /** The message of type `name` for a JSON value; undefined when the value cannot be one. */
  message(name: string, value: unknown): GnosticMessage | undefined {
    switch (name) {
      case 'Any':
        return { yaml: this.yaml(value) };
      case 'TypeItem':
        if (typeof value === 'string') return { value: [value] };
        return Array.isArray(value) ? { value: value.filter((t) => typeof t === 'string') } : undefined;
      case 'StringArray':
        return Array.isArray(value) ? { value: value.filter((t) => typeof t === 'string') } : undefined;
      case 'ItemsItem': {
        // Swagger allows a list of item schemas; gnostic reads a single one, the only form published.
        const schemas = (Array.isArray(value) ? value : [value]).map((s) => this.message('Schema', s)).filter((s) => s !== undefined);
        return schemas.length ? { schema: schemas } : undefined;
      }
      case 'AdditionalPropertiesItem':
        if (typeof value === 'boolean') return { boolean: value };
        return this.oneof('schema', this.message('Schema', value));
    }
    if (!isObject(value)) return undefined;
    switch (name) {
      case 'ParametersItem':
        return '$ref' in value ? this.oneof('jsonReference', this.message('JsonReference', value)) : this.oneof('parameter', this.message('Parameter', value));
      case 'Parameter': {
        if (value.in === 'body') return this.oneof('bodyParameter', this.message('BodyParameter', value));
        const field = typeof value.in === 'string' ? nonBodyParameterField[value.in] : undefined;
        if (!field) return undefined;
        const sub = this.message(field.charAt(0).toUpperCase() + field.slice(1), value);
        return this.oneof('nonBodyParameter', this.oneof(field, sub));
      }
      case 'ResponseValue':
        return '$ref' in value ? this.oneof('jsonReference', this.message('JsonReference', value)) : this.oneof('response', this.message('Response', value));
      case 'SchemaItem':
        return value.type === 'file' ? this.oneof('fileSchema', this.message('FileSchema', value)) : this.oneof('schema', this.message('Schema', value));
      case 'SecurityDefinitionsItem':
        if (value.type === 'basic') return this.oneof('basicAuthenticationSecurity', this.message('BasicAuthenticationSecurity', value));
        if (value.type === 'apiKey') return this.oneof('apiKeySecurity', this.message('ApiKeySecurity', value));
        return undefined;
      case 'Paths':
        return this.split(value, 'path', 'PathItem', (key) => key.startsWith('/'));
      case 'Responses':
        return this.split(value, 'responseCode', 'ResponseValue', (key) => responseCode.test(key));
    }
    const type = gnosticType(name);
    if (namedLists.has(name)) return this.namedList(type, value);
    return this.fields(type, value);
  }

  private oneof(field: string, value: GnosticMessage | undefined): GnosticMessage | undefined {
    return value === undefined ? undefined : { [field]: value };
  }

  /** A message whose fields are the object's keys of the same name, plus its `x-` extensions. */
  private fields(type: protobuf.Type, json: Json): GnosticMessage {
    const out: GnosticMessage = {};
    const extensions: GnosticMessage[] = [];
    for (const key of Object.keys(json)) {
      const value = json[key];
      if (key.startsWith('x-')) {
        extensions.push({ name: key, value: { yaml: this.yaml(value) } });
        continue;
      }
      const name = key === '$ref' ? 'ref' : key;
      if (name === 'vendorExtension' || !Object.hasOwn(type.fields, name)) continue;
      const converted = this.field(type.fields[name], value);
      if (converted !== undefined) out[name] = converted;
    }
    if (extensions.length && Object.hasOwn(type.fields, 'vendorExtension')) out.vendorExtension = extensions;
    return out;
  }

  private field(field: protobuf.Field, value: unknown): unknown {
    if (field.repeated) {
      if (!Array.isArray(value)) return undefined;
      const items = value.map((v) => this.single(field, v)).filter((v) => v !== undefined);
      return items.length ? items : undefined;
    }
    const single = this.single(field, value);
    // proto3 has no presence for scalars: a zero value is not written.
    if (single === '' || single === false || single === 0) return undefined;
    return single;
  }

  private single(field: protobuf.Field, value: unknown): unknown {
    switch (field.type) {
      case 'string':
        return typeof value === 'string' ? value : undefined;
      case 'bool':
        return typeof value === 'boolean' ? value : undefined;
      case 'double':
        return typeof value === 'number' ? value : undefined;
      case 'int64':
        return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
      default:
        return this.message(field.resolvedType!.name, value);
    }
  }

  /** A Swagger map as `additionalProperties`, a list of (name, value) pairs in key order. */
  private namedList(type: protobuf.Type, json: Json): GnosticMessage {
    const pairType = type.fields.additionalProperties.resolvedType as protobuf.Type;
    const valueType = pairType.fields.value.resolvedType ? pairType.fields.value.resolvedType.name : pairType.fields.value.type;
    return { additionalProperties: this.pairs(json, Object.keys(json), valueType) };
  }

  /** Paths and Responses: the keys `isEntry` accepts become pairs, `x-` keys extensions. */
  private split(json: Json, field: string, valueType: string, isEntry: (key: string) => boolean): GnosticMessage {
    const keys = Object.keys(json);
    const out: GnosticMessage = {};
    const extensions = keys.filter((k) => k.startsWith('x-')).map((name) => ({ name, value: { yaml: this.yaml(json[name]) } }));
    if (extensions.length) out.vendorExtension = extensions;
    const entries = this.pairs(json, keys.filter(isEntry), valueType);
    if (entries.length) out[field] = entries;
    return out;
  }

  private pairs(json: Json, keys: string[], valueType: string): GnosticMessage[] {
    const out: GnosticMessage[] = [];
    for (const name of keys) {
      const value = this.message(valueType, json[name]);
      out.push(value === undefined ? { name } : { name, value });
    }
    return out;
  }
}

/** The gnostic Document message of a Swagger 2.0 document, as plain objects. */
export function toGnosticDocument(doc: Json): GnosticMessage {
  return new GnosticWriter().message('Document', doc) ?? {};
}

/** The protobuf bytes of a Swagger 2.0 document: the body of /openapi/v2 in protobuf. */
export function encodeGnosticDocument(doc: Json): Buffer {
  const bytes = gnosticType('Document').encode(toGnosticDocument(doc)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads protobuf bytes back into plain objects (int64s as numbers, unset fields absent). */
export function decodeGnosticDocument(bytes: Uint8Array): GnosticMessage {
  const type = gnosticType('Document');
  return type.toObject(type.decode(bytes), { longs: Number, bytes: Array }) as GnosticMessage;
}
