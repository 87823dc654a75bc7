// A custom resource's schema as the Swagger 2.0 document publishes it. kubectl builds its
// client-side validation models from that document and refuses the whole document over a
// single node it cannot model, and Swagger 2.0 lacks OpenAPI v3's junctors and nullable. So,
// like the API server, the v2 form drops allOf/anyOf/oneOf/not, makes nullable and
// unknown-field-preserving nodes untyped and shapeless, and never leaves an array without
// items; a schema that preserves unknown fields at its root is published as a bare object.

import type { StructuralSchema } from '../../api/schema/structural.js';

function convert(node: StructuralSchema): StructuralSchema {
  const out: StructuralSchema = { ...node };
  delete out.allOf;
  delete out.anyOf;
  delete out.oneOf;
  delete out.not;
  const preserves = out['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.nullable) {
    // An untyped value with items or properties breaks kubectl's models.
    delete out.type;
    delete out.nullable;
    delete out.items;
    delete out.properties;
  }
  if (preserves) {
    // kubectl would otherwise reject the fields the schema lets through.
    delete out.items;
    delete out.properties;
  }
  if (out.type === 'array' && !out.items) delete out.type;
  if (preserves && out.type === 'object') delete out.type;

  // A field that may be null may also be missing, as far as kubectl's check of required fields goes.
  if (out.required && out.properties) {
    const required = out.required.filter((name) => !out.properties![name]?.nullable);
    if (required.length) out.required = required;
    else delete out.required;
  }
  if (typeof out.additionalProperties === 'object' && out.additionalProperties.nullable) delete out.required;

  if (out.properties) {
    const properties: Record<string, StructuralSchema> = {};
    for (const [name, property] of Object.entries(out.properties)) properties[name] = convert(property);
    out.properties = properties;
  }
  if (out.items) out.items = convert(out.items);
  if (typeof out.additionalProperties === 'object') out.additionalProperties = convert(out.additionalProperties);
  return out;
}

/**
 * The v2 form of a custom resource's schema, or undefined when it is published as a bare
 * object: no schema, or one that keeps unknown fields at its root (describing its fields
 * would make kubectl reject every field the schema does not name).
 */
export function customResourceSchemaV2(schema: StructuralSchema | undefined): StructuralSchema | undefined {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields'] === true) return undefined;
  return convert(schema);
}
