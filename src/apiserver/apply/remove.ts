// Removing a set of fields from a value, as structured-merge-diff's TypedValue.RemoveItems:
// a member of the set goes with everything below it; a node with members below it is rebuilt
// without them. Like upstream, a map or list left with nothing becomes null, which the final
// object drops (see dropNulls).

import type { FieldSet } from './field-set.js';
import { listItemElement } from './list-items.js';
import { sharedInterner } from '../../storage/interning.js';
import { fieldElement } from './path-element.js';
import { deduced, facetOf, fieldType, untypedAtomic, type TypeNode } from './type-model.js';
import { isMap, type JSONMap } from './values.js';

export function removeItems(value: unknown, toRemove: FieldSet, type: TypeNode): unknown {
  if (toRemove.isEmpty()) return value;
  return remove(value, toRemove, type);
}

function remove(v: unknown, toRemove: FieldSet, t: TypeNode): unknown {
  switch (facetOf(t, v)) {
    case 'list': {
      const list = t.list!;
      if (!Array.isArray(v) || v.length === 0 || list.atomic) return null;
      const out: unknown[] = [];
      for (const item of v) {
        const pe = listItemElement(list, item);
        if (typeof pe === 'string') {
          out.push(item);
          continue;
        }
        if (toRemove.hasMember(pe)) continue;
        const below = toRemove.childrenOf(pe);
        out.push(below ? remove(item, below, list.element) : item);
      }
      return out.length ? out : null;
    }
    case 'map': {
      const map = t.map!;
      if (!isMap(v) || map.atomic) return null;
      const out: JSONMap = {};
      let any = false;
      for (const key in v) {
        if (v[key] === undefined) continue;
        const pe = fieldElement(key);
        if (toRemove.hasMember(pe)) continue;
        const below = toRemove.childrenOf(pe);
        out[key] = below ? remove(v[key], below, fieldType(map, key)) : v[key];
        any = true;
      }
      return any ? out : null;
    }
    default:
      return v === undefined ? null : v;
  }
}

/**
 * The object as a typed Kubernetes object would hold it: null entries of fields that are not
 * nullable disappear (Go decodes them to zero values, which are omitted), at any depth.
 * Content kept as raw JSON (RawExtension, preserve-unknown-fields) keeps its nulls.
 */
export function dropNulls(value: unknown, type: TypeNode): unknown {
  if (type === deduced || type === untypedAtomic || typeof value !== 'object' || value === null) return value;
  // A part many stored objects share never changes (it is frozen): once it is known to hold
  // no null to drop, it is not walked again.
  const shared = sharedInterner.isShared(value);
  if (shared && withoutNulls.get(value) === type) return value;
  const out = dropNullsOnce(value, type);
  if (shared && out === value) withoutNulls.set(value, type);
  return out;
}

const withoutNulls = new WeakMap<object, TypeNode>();

function dropNullsOnce(value: object, type: TypeNode): unknown {
  if (Array.isArray(value)) {
    const element = type.list?.element;
    if (!element) return value;
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const cleaned = dropNulls(item, element);
      if (cleaned !== item) {
        out ??= value.slice();
        out[i] = cleaned;
      }
    });
    return out ?? value;
  }
  const map = type.map;
  if (!map) return value;
  const obj = value as JSONMap;
  let out: JSONMap | undefined;
  for (const key in obj) {
    const child = obj[key];
    const ft = map.field(key) ?? map.element;
    if (!ft) continue;
    if (child === null) {
      if (ft === deduced || ft === untypedAtomic || ft.nullable) continue;
      out ??= { ...obj };
      delete out[key];
      continue;
    }
    const cleaned = dropNulls(child, ft);
    if (cleaned !== child) {
      out ??= { ...obj };
      out[key] = cleaned;
    }
  }
  return out ?? value;
}
