import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGnosticDocument, encodeGnosticDocument, toGnosticDocument } from './gnostic.js';

type Json = Record<string, any>;

/** A small Swagger 2.0 document using every construct the API server publishes, and a few more. */
const swagger: Json = {
  swagger: '2.0',
  info: { title: 'Kubernetes', version: 'v1.32.0' },
  paths: {
    '/api/v1/namespaces/{namespace}/configmaps/{name}': {
      patch: {
        consumes: ['application/merge-patch+json'],
        description: 'partially update the specified ConfigMap',
        operationId: 'patchCoreV1NamespacedConfigMap',
        parameters: [
          { in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } },
          { description: 'fieldValidation instructs…', in: 'query', name: 'fieldValidation', type: 'string', uniqueItems: true },
          { $ref: '#/parameters/force-tOGGb0Yi' },
        ],
        produces: ['application/json'],
        responses: {
          '200': { description: 'OK', schema: { $ref: '#/definitions/io.k8s.api.core.v1.ConfigMap' } },
          '401': { description: 'Unauthorized' },
          default: { $ref: '#/responses/error' },
        },
        schemes: ['https'],
        tags: ['core_v1'],
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: '', kind: 'ConfigMap', version: 'v1' },
      },
      parameters: [
        { description: 'name of the ConfigMap', in: 'path', name: 'name', required: true, type: 'string', uniqueItems: true },
        { description: 'If true, then the output is pretty printed.', in: 'query', name: 'pretty', type: 'string', uniqueItems: true },
        { in: 'header', name: 'X-Trace', type: 'string' },
      ],
    },
    'x-paths-note': 'kept',
  },
  definitions: {
    'io.k8s.api.core.v1.ConfigMap': {
      description: 'ConfigMap holds configuration data for pods to consume.',
      properties: {
        data: { additionalProperties: { type: 'string' }, type: 'object' },
        immutable: { type: 'boolean' },
        metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', description: "Standard object's metadata." },
      },
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'ConfigMap', version: 'v1' }],
    },
    'io.k8s.api.core.v1.PodSpec': {
      properties: {
        containers: {
          items: { $ref: '#/definitions/io.k8s.api.core.v1.Container' },
          type: 'array',
          'x-kubernetes-list-map-keys': ['name'],
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-patch-merge-key': 'name',
          'x-kubernetes-patch-strategy': 'merge',
        },
        restartPolicy: { default: 'Always', enum: ['Always', 'OnFailure', 'Never'], type: 'string' },
      },
      required: ['containers'],
      type: 'object',
    },
    'com.example.v1.Widget': {
      additionalProperties: false,
      properties: {
        size: { maximum: 10, minimum: 0, type: 'integer', format: 'int32', minLength: 0 },
        choice: { type: 'string', anyOf: [{ enum: ['a'] }], nullable: true },
        tags: { items: [{ type: 'string' }], type: ['array'] },
      },
      type: 'object',
    },
  },
  security: [{ BearerToken: [] }],
  securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
};

const yamlOf = (m: Json | undefined) => m?.value?.yaml;
const named = (list: Json[], name: string) => list.find((e) => e.name === name)?.value;

test('a Swagger document decodes back to gnostic messages of the same structure', () => {
  const doc = decodeGnosticDocument(encodeGnosticDocument(swagger)) as Json;
  assert.equal(doc.swagger, '2.0');
  assert.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.32.0' });
  assert.deepEqual(doc.paths.vendorExtension, [{ name: 'x-paths-note', value: { yaml: 'kept\n' } }]);
  assert.deepEqual(doc.paths.path.map((p: Json) => p.name), ['/api/v1/namespaces/{namespace}/configmaps/{name}']);

  const item = doc.paths.path[0].value;
  assert.deepEqual(item.parameters[0], {
    parameter: {
      nonBodyParameter: {
        pathParameterSubSchema: { required: true, in: 'path', description: 'name of the ConfigMap', name: 'name', type: 'string', uniqueItems: true },
      },
    },
  });
  assert.equal(item.parameters[1].parameter.nonBodyParameter.queryParameterSubSchema.name, 'pretty');
  assert.equal(item.parameters[2].parameter.nonBodyParameter.headerParameterSubSchema.name, 'X-Trace');

  const patch = item.patch;
  assert.equal(patch.operationId, 'patchCoreV1NamespacedConfigMap');
  assert.deepEqual(patch.tags, ['core_v1']);
  assert.deepEqual(patch.consumes, ['application/merge-patch+json']);
  assert.deepEqual(patch.schemes, ['https']);
  assert.deepEqual(patch.parameters[0], {
    parameter: { bodyParameter: { name: 'body', in: 'body', required: true, schema: { ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } } },
  });
  assert.equal(patch.parameters[1].parameter.nonBodyParameter.queryParameterSubSchema.name, 'fieldValidation');
  assert.deepEqual(patch.parameters[2], { jsonReference: { ref: '#/parameters/force-tOGGb0Yi' } });
  assert.deepEqual(patch.responses.responseCode.map((r: Json) => r.name), ['200', '401', 'default']);
  assert.deepEqual(named(patch.responses.responseCode, '200'), {
    response: { description: 'OK', schema: { schema: { ref: '#/definitions/io.k8s.api.core.v1.ConfigMap' } } },
  });
  assert.deepEqual(named(patch.responses.responseCode, 'default'), { jsonReference: { ref: '#/responses/error' } });
  assert.deepEqual(patch.vendorExtension, [
    { name: 'x-kubernetes-action', value: { yaml: 'patch\n' } },
    { name: 'x-kubernetes-group-version-kind', value: { yaml: 'group: ""\nkind: ConfigMap\nversion: v1\n' } },
  ]);

  const defs = doc.definitions.additionalProperties;
  assert.deepEqual(defs.map((d: Json) => d.name), ['io.k8s.api.core.v1.ConfigMap', 'io.k8s.api.core.v1.PodSpec', 'com.example.v1.Widget']);
  const configMap = named(defs, 'io.k8s.api.core.v1.ConfigMap');
  assert.deepEqual(configMap.type, { value: ['object'] });
  assert.deepEqual(configMap.properties.additionalProperties.map((p: Json) => p.name), ['data', 'immutable', 'metadata']);
  assert.deepEqual(named(configMap.properties.additionalProperties, 'data'), {
    additionalProperties: { schema: { type: { value: ['string'] } } },
    type: { value: ['object'] },
  });
  assert.deepEqual(named(configMap.properties.additionalProperties, 'metadata'), {
    ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    description: "Standard object's metadata.",
  });
  assert.deepEqual(configMap.vendorExtension, [
    { name: 'x-kubernetes-group-version-kind', value: { yaml: '- group: ""\n  kind: ConfigMap\n  version: v1\n' } },
  ]);

  const podSpec = named(defs, 'io.k8s.api.core.v1.PodSpec');
  assert.deepEqual(podSpec.required, ['containers']);
  const containers = named(podSpec.properties.additionalProperties, 'containers');
  assert.deepEqual(containers.items, { schema: [{ ref: '#/definitions/io.k8s.api.core.v1.Container' }] });
  assert.deepEqual(
    containers.vendorExtension.map((e: Json) => [e.name, yamlOf(e)]),
    [
      ['x-kubernetes-list-map-keys', '- name\n'],
      ['x-kubernetes-list-type', 'map\n'],
      ['x-kubernetes-patch-merge-key', 'name\n'],
      ['x-kubernetes-patch-strategy', 'merge\n'],
    ],
  );
  const restartPolicy = named(podSpec.properties.additionalProperties, 'restartPolicy');
  assert.deepEqual(restartPolicy.default, { yaml: 'Always\n' });
  assert.deepEqual(restartPolicy.enum, [{ yaml: 'Always\n' }, { yaml: 'OnFailure\n' }, { yaml: 'Never\n' }]);

  assert.deepEqual(doc.security, [{ additionalProperties: [{ name: 'BearerToken', value: {} }] }]);
  assert.deepEqual(doc.securityDefinitions.additionalProperties, [
    {
      name: 'BearerToken',
      value: { apiKeySecurity: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' } },
    },
  ]);
});

test('proto3 zero values are not written, and keys Swagger 2.0 lacks are left out', () => {
  const doc = decodeGnosticDocument(encodeGnosticDocument(swagger)) as Json;
  const widget = named(doc.definitions.additionalProperties, 'com.example.v1.Widget');
  // additionalProperties: false is a oneof member, so false is still written.
  assert.deepEqual(widget.additionalProperties, { boolean: false });
  const props = widget.properties.additionalProperties;
  // minimum: 0 and minLength: 0 are zero values: gnostic's Go messages cannot tell them from unset.
  assert.deepEqual(named(props, 'size'), { format: 'int32', maximum: 10, type: { value: ['integer'] } });
  assert.deepEqual(named(props, 'choice'), { type: { value: ['string'] } });
  assert.deepEqual(named(props, 'tags'), { items: { schema: [{ type: { value: ['string'] } }] }, type: { value: ['array'] } });
  // The body parameter of a DELETE is optional: required: false is simply absent.
  const optional = toGnosticDocument({ paths: { '/x': { delete: { parameters: [{ in: 'body', name: 'body', required: false, schema: {} }] } } } }) as Json;
  assert.deepEqual(optional.paths.path[0].value.delete.parameters[0].parameter.bodyParameter, { name: 'body', in: 'body', schema: {} });
});

test('field numbers and wire types are gnostic openapi_v2 ones', () => {
  const bytes = encodeGnosticDocument({
    swagger: '2.0',
    info: { title: 'T', version: 'v' },
    definitions: { A: { type: 'object', 'x-k': 'v' } },
  });
  const len = (...parts: number[][]) => [parts.flat().length, ...parts.flat()];
  const str = (s: string) => len([...Buffer.from(s)]);
  // Schema: type (22) = TypeItem{value (1)}, vendor_extension (31) = NamedAny{name (1), value (2) = Any{yaml (2)}}.
  const schema = [[0xb2, 0x01, ...len([0x0a, ...str('object')])], [0xfa, 0x01, ...len([0x0a, ...str('x-k')], [0x12, ...len([0x12, ...str('v\n')])])]];
  const expected = [
    0x0a, ...str('2.0'), // Document.swagger = 1
    0x12, ...len([0x0a, ...str('T')], [0x12, ...str('v')]), // Document.info = 2: title = 1, version = 2
    0x4a, ...len([0x0a, ...len([0x0a, ...str('A')], [0x12, ...len(...schema)])]), // Document.definitions = 9
  ];
  assert.deepEqual([...bytes], expected);
});

test('an empty document encodes to nothing', () => {
  assert.equal(encodeGnosticDocument({}).length, 0);
  assert.deepEqual(decodeGnosticDocument(new Uint8Array()), {});
});
