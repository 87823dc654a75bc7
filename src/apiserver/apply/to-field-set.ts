// The fields a value sets, as structured-merge-diff's TypedValue.ToFieldSet: every scalar,
// every atomic list or map as a whole, every associative list item (and its fields), every
// map entry that is not a declared struct field, and every empty or null map entry. This is
// what an applier owns after applying a configuration.

import { FieldSet } from './field-set.js';
import { listItemElement } from './list-items.js';
import { fieldElement, type PathElement } from './path-element.js';
import { facetOf, fieldType, type TypeNode } from './type-model.js';
import { isMap } from './values.js';

export function fieldSetOf(value: unknown, type: TypeNode): FieldSet {
  const set = FieldSet.empty();
  collect(value, type, [], set);
  return set;
}

function collect(v: unknown, t: TypeNode, path: PathElement[], set: FieldSet): void {
  switch (facetOf(t, v)) {
    case 'scalar':
      set.insert(path);
      return;
    case 'list': {
      const list = t.list!;
      if (list.atomic) {
        set.insert(path);
        return;
      }
      if (Array.isArray(v)) collectListItems(v, t, path, set);
      return;
    }
    case 'map': {
      const map = t.map!;
      if (map.atomic) {
        set.insert(path);
        return;
      }
      if (!isMap(v)) return;
      for (const key in v) {
        const child = v[key];
        if (child === undefined) continue;
        path.push(fieldElement(key));
        collect(child, fieldType(map, key), path, set);
        if (child === null || (isMap(child) && isEmptyMap(child)) || !map.field(key)) set.insert(path);
        path.pop();
      }
      return;
    }
  }
}

function collectListItems(items: unknown[], t: TypeNode, path: PathElement[], set: FieldSet): void {
  const list = t.list!;
  // Duplicated items are owned as a whole: their fields cannot be told apart.
  const elements: (PathElement | undefined)[] = [];
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const item of items) {
    const pe = listItemElement(list, item);
    if (typeof pe === 'string') {
      elements.push(undefined);
      continue;
    }
    elements.push(pe);
    if (seen.has(pe.key)) {
      if (!duplicates.has(pe.key)) {
        duplicates.add(pe.key);
        path.push(pe);
        set.insert(path);
        path.pop();
      }
    } else seen.add(pe.key);
  }
  for (let i = 0; i < items.length; i++) {
    const pe = elements[i];
    if (!pe || duplicates.has(pe.key)) continue;
    path.push(pe);
    collect(items[i], list.element, path, set);
    set.insert(path);
    path.pop();
  }
}

export function isEmptyMap(m: Record<string, unknown>): boolean {
  for (const k in m) if (m[k] !== undefined) return false;
  return true;
}
