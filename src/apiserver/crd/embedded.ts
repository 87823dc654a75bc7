// Objects nested in a custom resource under x-kubernetes-embedded-resource are resources of
// their own: they need apiVersion and kind, and their metadata is checked as ObjectMeta
// (schemaobjectmeta.Validate; a missing name is allowed).

import type { StructuralSchema } from '../../api/schema/structural.js';
import { validateObjectMeta } from '../../api/validation/meta.js';
import { isDNS1035Label } from '../../api/validation/formats.js';
import { isObject, type JsonObject } from '../../api/validation/shape.js';
import { field, type FieldError } from '../../machinery/errors.js';

function validateEmbeddedResource(path: string, x: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const at = (k: string) => (path ? `${path}.${k}` : k);
  if (!Object.hasOwn(x, 'apiVersion')) errs.push(field.required(at('apiVersion'), ''));
  if (!Object.hasOwn(x, 'kind')) errs.push(field.required(at('kind'), ''));
  for (const [k, v] of Object.entries(x)) {
    if (k === 'apiVersion') {
      if (typeof v !== 'string') errs.push(field.invalid(at(k), v, 'must be a string'));
      else if (v === '') errs.push(field.required(at(k), ''));
      else if ((v.match(/\//g) ?? []).length > 1) errs.push(field.invalid(at(k), v, `unexpected GroupVersion string: ${v}`));
    } else if (k === 'kind') {
      if (typeof v !== 'string') errs.push(field.invalid(at(k), v, 'must be a string'));
      else if (v === '') errs.push(field.required(at(k), ''));
      else {
        const msgs = isDNS1035Label(v.toLowerCase());
        if (msgs.length) errs.push(field.invalid(at(k), v, `may have mixed case, but should otherwise match: ${msgs.join(',')}`));
      }
    } else if (k === 'metadata' && isObject(v)) {
      const meta = { ...v, name: typeof v.name === 'string' && v.name !== '' ? v.name : 'fakename' };
      const namespaced = typeof v.namespace === 'string' && v.namespace !== '';
      errs.push(...validateObjectMeta(meta, { namespaced, nameRule: 'pathSegment', path: at('metadata') }));
    }
  }
  return errs;
}

/** Validates every embedded resource below the root (the root itself is checked elsewhere). */
export function validateEmbeddedResources(path: string, x: unknown, s: StructuralSchema | undefined): FieldError[] {
  if (!s) return [];
  if (Array.isArray(x)) return x.flatMap((v, i) => validateEmbeddedResources(`${path}[${i}]`, v, s.items));
  if (!isObject(x)) return [];
  const errs = s['x-kubernetes-embedded-resource'] ? validateEmbeddedResource(path, x) : [];
  for (const [k, v] of Object.entries(x)) {
    const prop = s.properties?.[k];
    if (prop) errs.push(...validateEmbeddedResources(path ? `${path}.${k}` : k, v, prop));
    else if (typeof s.additionalProperties === 'object') errs.push(...validateEmbeddedResources(`${path}[${k}]`, v, s.additionalProperties));
  }
  return errs;
}
