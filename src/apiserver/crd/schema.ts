// A CRD version's openAPIV3Schema as the registry's StructuralSchema: the same JSON with every
// nested schema converted (properties, items, additionalProperties, allOf/anyOf/oneOf/not), and
// each `default` pruned by the schema it sits at, as the API server prunes defaults before
// serving (structuraldefaulting.PruneDefaults) so that a default never carries unknown fields.

import type { StructuralSchema } from '../../api/schema/structural.js';
import { isObject, type JsonObject } from '../../api/validation/shape.js';
import { deepCopy } from '../../api/object.js';
import { pruneValue } from './defaulting.js';

const nestedLists = ['allOf', 'anyOf', 'oneOf'] as const;

function convert(raw: JsonObject): StructuralSchema {
  const out: Record<string, unknown> = { ...raw };
  if (isObject(raw.properties)) {
    const props: Record<string, StructuralSchema> = {};
    for (const [k, v] of Object.entries(raw.properties)) props[k] = convert(isObject(v) ? v : {});
    out.properties = props;
  }
  if (isObject(raw.items)) out.items = convert(raw.items);
  else delete out.items;
  if (isObject(raw.additionalProperties)) out.additionalProperties = convert(raw.additionalProperties);
  else if (typeof raw.additionalProperties !== 'boolean') delete out.additionalProperties;
  for (const k of nestedLists) {
    if (Array.isArray(raw[k])) out[k] = (raw[k] as unknown[]).map((s) => convert(isObject(s) ? s : {}));
  }
  if (isObject(raw.not)) out.not = convert(raw.not);
  return out as StructuralSchema;
}

function pruneDefaults(s: StructuralSchema): void {
  if (s.default !== undefined && s.default !== null) {
    s.default = deepCopy(s.default);
    pruneValue(s.default, s, !!s['x-kubernetes-embedded-resource']);
  }
  for (const p of Object.values(s.properties ?? {})) pruneDefaults(p);
  if (s.items) pruneDefaults(s.items);
  if (typeof s.additionalProperties === 'object') pruneDefaults(s.additionalProperties);
}

/** The structural schema of one CRD version (undefined when the version has none). */
export function structuralSchemaOf(openAPIV3Schema: JsonObject | undefined): StructuralSchema | undefined {
  if (!openAPIV3Schema) return undefined;
  const s = convert(deepCopy(openAPIV3Schema));
  pruneDefaults(s);
  return s;
}
