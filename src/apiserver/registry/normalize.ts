// The typed round trip Kubernetes' decoder gives every built-in object: a JSON null becomes
// the Go zero value and is then omitted, so `ports: null` left by a patch, or `nodeSelector:
// null` in a create, is not stored. Free-form fields (x-kubernetes-preserve-unknown-fields,
// RawExtension) keep what they were given.

import type { StructuralSchema } from '../../api/schema/structural.js';

function childSchema(schema: StructuralSchema | undefined, key: string): StructuralSchema | undefined {
  if (!schema) return undefined;
  const prop = schema.properties?.[key];
  if (prop) return prop;
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

export function dropNulls(value: unknown, schema: StructuralSchema | undefined): void {
  if (schema?.['x-kubernetes-preserve-unknown-fields'] && !schema.properties) return;
  if (Array.isArray(value)) {
    for (const item of value) if (item && typeof item === 'object') dropNulls(item, schema?.items);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === null) {
      // Go writes a zero metav1.Time as null (lastProbeTime: null): such nulls stay.
      if (childSchema(schema, key)?.format !== 'date-time') delete obj[key];
    }
    else if (typeof v === 'object') dropNulls(v, childSchema(schema, key));
  }
}
