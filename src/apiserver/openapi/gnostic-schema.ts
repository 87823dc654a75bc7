// The protobuf messages of gnostic's `openapi.v2` package: the binary form of a Swagger 2.0
// document that kubectl asks /openapi/v2 for (it validates `kind: List` manifests and finds
// which kinds take the fieldValidation parameter with it). Field numbers are gnostic's, so
// any gnostic reader decodes our bytes. Names are the camelCase of the proto's, which is also
// how the Swagger keys they come from are spelled, so the encoder maps keys to fields by name.
// The four OAuth2 security schemes are left out: the API server publishes only a bearer token.

import protobuf from 'protobufjs';

/** `[field number, type]`, or `[field number, type, 'repeated']`. */
type FieldSpec = readonly [number, string] | readonly [number, string, 'repeated'];

interface MessageSpec {
  fields: Record<string, FieldSpec>;
  /** The fields form gnostic's single `oneof` (exactly one of them is set). */
  oneof?: true;
}

const extensions = (id: number): Record<string, FieldSpec> => ({ vendorExtension: [id, 'NamedAny', 'repeated'] });
const named = (valueType: string): MessageSpec => ({ fields: { name: [1, 'string'], value: [2, valueType] } });
const mapOf = (namedType: string): MessageSpec => ({ fields: { additionalProperties: [1, namedType, 'repeated'] } });

/** The validation keywords a non-body parameter, header or items object shares, from `first` on. */
function primitiveFields(first: number): Record<string, FieldSpec> {
  const keys: [string, string, 'repeated'?][] = [
    ['type', 'string'], ['format', 'string'], ['items', 'PrimitivesItems'], ['collectionFormat', 'string'],
    ['default', 'Any'], ['maximum', 'double'], ['exclusiveMaximum', 'bool'], ['minimum', 'double'],
    ['exclusiveMinimum', 'bool'], ['maxLength', 'int64'], ['minLength', 'int64'], ['pattern', 'string'],
    ['maxItems', 'int64'], ['minItems', 'int64'], ['uniqueItems', 'bool'], ['enum', 'Any', 'repeated'],
    ['multipleOf', 'double'],
  ];
  const out: Record<string, FieldSpec> = {};
  keys.forEach(([name, type, rule], i) => {
    out[name] = rule ? [first + i, type, rule] : [first + i, type];
  });
  return out;
}

const parameterHead: Record<string, FieldSpec> = {
  required: [1, 'bool'], in: [2, 'string'], description: [3, 'string'], name: [4, 'string'],
};
// Query and formData parameters have allowEmptyValue before the shared keywords; header and
// path parameters do not.
const headerOrPathParameter: MessageSpec = { fields: { ...parameterHead, ...primitiveFields(5), ...extensions(22) } };
const queryOrFormParameter: MessageSpec = {
  fields: { ...parameterHead, allowEmptyValue: [5, 'bool'], ...primitiveFields(6), ...extensions(23) },
};

const messages: Record<string, MessageSpec> = {
  Document: {
    fields: {
      swagger: [1, 'string'], info: [2, 'Info'], host: [3, 'string'], basePath: [4, 'string'],
      schemes: [5, 'string', 'repeated'], consumes: [6, 'string', 'repeated'], produces: [7, 'string', 'repeated'],
      paths: [8, 'Paths'], definitions: [9, 'Definitions'], parameters: [10, 'ParameterDefinitions'],
      responses: [11, 'ResponseDefinitions'], security: [12, 'SecurityRequirement', 'repeated'],
      securityDefinitions: [13, 'SecurityDefinitions'], tags: [14, 'Tag', 'repeated'], externalDocs: [15, 'ExternalDocs'],
      ...extensions(16),
    },
  },
  Info: {
    fields: {
      title: [1, 'string'], version: [2, 'string'], description: [3, 'string'], termsOfService: [4, 'string'],
      contact: [5, 'Contact'], license: [6, 'License'], ...extensions(7),
    },
  },
  Contact: { fields: { name: [1, 'string'], url: [2, 'string'], email: [3, 'string'], ...extensions(4) } },
  License: { fields: { name: [1, 'string'], url: [2, 'string'], ...extensions(3) } },
  ExternalDocs: { fields: { description: [1, 'string'], url: [2, 'string'], ...extensions(3) } },
  Tag: { fields: { name: [1, 'string'], description: [2, 'string'], externalDocs: [3, 'ExternalDocs'], ...extensions(4) } },

  Paths: { fields: { vendorExtension: [1, 'NamedAny', 'repeated'], path: [2, 'NamedPathItem', 'repeated'] } },
  PathItem: {
    fields: {
      ref: [1, 'string'], get: [2, 'Operation'], put: [3, 'Operation'], post: [4, 'Operation'], delete: [5, 'Operation'],
      options: [6, 'Operation'], head: [7, 'Operation'], patch: [8, 'Operation'],
      parameters: [9, 'ParametersItem', 'repeated'], ...extensions(10),
    },
  },
  Operation: {
    fields: {
      tags: [1, 'string', 'repeated'], summary: [2, 'string'], description: [3, 'string'], externalDocs: [4, 'ExternalDocs'],
      operationId: [5, 'string'], produces: [6, 'string', 'repeated'], consumes: [7, 'string', 'repeated'],
      parameters: [8, 'ParametersItem', 'repeated'], responses: [9, 'Responses'], schemes: [10, 'string', 'repeated'],
      deprecated: [11, 'bool'], security: [12, 'SecurityRequirement', 'repeated'], ...extensions(13),
    },
  },

  ParametersItem: { oneof: true, fields: { parameter: [1, 'Parameter'], jsonReference: [2, 'JsonReference'] } },
  Parameter: { oneof: true, fields: { bodyParameter: [1, 'BodyParameter'], nonBodyParameter: [2, 'NonBodyParameter'] } },
  NonBodyParameter: {
    oneof: true,
    fields: {
      headerParameterSubSchema: [1, 'HeaderParameterSubSchema'],
      formDataParameterSubSchema: [2, 'FormDataParameterSubSchema'],
      queryParameterSubSchema: [3, 'QueryParameterSubSchema'],
      pathParameterSubSchema: [4, 'PathParameterSubSchema'],
    },
  },
  BodyParameter: {
    fields: {
      description: [1, 'string'], name: [2, 'string'], in: [3, 'string'], required: [4, 'bool'], schema: [5, 'Schema'],
      ...extensions(6),
    },
  },
  HeaderParameterSubSchema: headerOrPathParameter,
  PathParameterSubSchema: headerOrPathParameter,
  QueryParameterSubSchema: queryOrFormParameter,
  FormDataParameterSubSchema: queryOrFormParameter,
  PrimitivesItems: { fields: { ...primitiveFields(1), ...extensions(18) } },
  JsonReference: { fields: { ref: [1, 'string'], description: [2, 'string'] } },

  Responses: { fields: { responseCode: [1, 'NamedResponseValue', 'repeated'], ...extensions(2) } },
  ResponseValue: { oneof: true, fields: { response: [1, 'Response'], jsonReference: [2, 'JsonReference'] } },
  Response: {
    fields: {
      description: [1, 'string'], schema: [2, 'SchemaItem'], headers: [3, 'Headers'], examples: [4, 'Examples'],
      ...extensions(5),
    },
  },
  Header: { fields: { ...primitiveFields(1), description: [18, 'string'], ...extensions(19) } },
  SchemaItem: { oneof: true, fields: { schema: [1, 'Schema'], fileSchema: [2, 'FileSchema'] } },
  FileSchema: {
    fields: {
      format: [1, 'string'], title: [2, 'string'], description: [3, 'string'], default: [4, 'Any'],
      required: [5, 'string', 'repeated'], type: [6, 'string'], readOnly: [7, 'bool'], externalDocs: [8, 'ExternalDocs'],
      example: [9, 'Any'], ...extensions(10),
    },
  },

  Schema: {
    fields: {
      ref: [1, 'string'], format: [2, 'string'], title: [3, 'string'], description: [4, 'string'], default: [5, 'Any'],
      multipleOf: [6, 'double'], maximum: [7, 'double'], exclusiveMaximum: [8, 'bool'], minimum: [9, 'double'],
      exclusiveMinimum: [10, 'bool'], maxLength: [11, 'int64'], minLength: [12, 'int64'], pattern: [13, 'string'],
      maxItems: [14, 'int64'], minItems: [15, 'int64'], uniqueItems: [16, 'bool'], maxProperties: [17, 'int64'],
      minProperties: [18, 'int64'], required: [19, 'string', 'repeated'], enum: [20, 'Any', 'repeated'],
      additionalProperties: [21, 'AdditionalPropertiesItem'], type: [22, 'TypeItem'], items: [23, 'ItemsItem'],
      allOf: [24, 'Schema', 'repeated'], properties: [25, 'Properties'], discriminator: [26, 'string'],
      readOnly: [27, 'bool'], xml: [28, 'Xml'], externalDocs: [29, 'ExternalDocs'], example: [30, 'Any'],
      ...extensions(31),
    },
  },
  AdditionalPropertiesItem: { oneof: true, fields: { schema: [1, 'Schema'], boolean: [2, 'bool'] } },
  ItemsItem: { fields: { schema: [1, 'Schema', 'repeated'] } },
  TypeItem: { fields: { value: [1, 'string', 'repeated'] } },
  Xml: {
    fields: {
      name: [1, 'string'], namespace: [2, 'string'], prefix: [3, 'string'], attribute: [4, 'bool'], wrapped: [5, 'bool'],
      ...extensions(6),
    },
  },

  SecurityDefinitionsItem: {
    oneof: true,
    fields: { basicAuthenticationSecurity: [1, 'BasicAuthenticationSecurity'], apiKeySecurity: [2, 'ApiKeySecurity'] },
  },
  BasicAuthenticationSecurity: { fields: { type: [1, 'string'], description: [2, 'string'], ...extensions(3) } },
  ApiKeySecurity: {
    fields: { type: [1, 'string'], name: [2, 'string'], in: [3, 'string'], description: [4, 'string'], ...extensions(5) },
  },
  SecurityRequirement: mapOf('NamedStringArray'),
  StringArray: { fields: { value: [1, 'string', 'repeated'] } },

  // Swagger maps become ordered lists of (name, value) pairs.
  Definitions: mapOf('NamedSchema'),
  Properties: mapOf('NamedSchema'),
  ParameterDefinitions: mapOf('NamedParameter'),
  ResponseDefinitions: mapOf('NamedResponse'),
  SecurityDefinitions: mapOf('NamedSecurityDefinitionsItem'),
  Headers: mapOf('NamedHeader'),
  Examples: mapOf('NamedAny'),
  VendorExtension: mapOf('NamedAny'),
  NamedAny: named('Any'),
  NamedSchema: named('Schema'),
  NamedPathItem: named('PathItem'),
  NamedParameter: named('Parameter'),
  NamedResponse: named('Response'),
  NamedResponseValue: named('ResponseValue'),
  NamedSecurityDefinitionsItem: named('SecurityDefinitionsItem'),
  NamedHeader: named('Header'),
  NamedStringArray: named('StringArray'),

  // An arbitrary value (a default, an example, an enum member, a vendor extension): gnostic
  // keeps its YAML text; `value` is for extension handlers, which the API server has none of.
  Any: { fields: { value: [1, 'google.protobuf.Any'], yaml: [2, 'string'] } },
};

function typeDescriptor(spec: MessageSpec): protobuf.IType {
  const fields: Record<string, protobuf.IField> = {};
  for (const [name, [id, type, rule]] of Object.entries(spec.fields)) fields[name] = rule ? { id, type, rule } : { id, type };
  return spec.oneof ? { fields, oneofs: { oneof: { oneof: Object.keys(spec.fields) } } } : { fields };
}

function buildRoot(): protobuf.Root {
  const nested: Record<string, protobuf.IType> = {};
  for (const [name, spec] of Object.entries(messages)) nested[name] = typeDescriptor(spec);
  const root = protobuf.Root.fromJSON({
    nested: {
      openapi: { nested: { v2: { nested } } },
      google: {
        nested: {
          protobuf: { nested: { Any: { fields: { typeUrl: { id: 1, type: 'string' }, value: { id: 2, type: 'bytes' } } } } },
        },
      },
    },
  });
  root.resolveAll();
  return root;
}

let root: protobuf.Root | undefined;

/** The message type `openapi.v2.NAME` (Document, Schema, …). */
export function gnosticType(name: string): protobuf.Type {
  root ??= buildRoot();
  return root.lookupType(`openapi.v2.${name}`);
}
