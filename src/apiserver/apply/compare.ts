// Which fields differ between two versions of an object, as structured-merge-diff's
// TypedValue.Compare: fields only in the new one are added, fields only in the old one
// removed, leaves present in both with different values modified. Atomic lists and maps, and
// empty ones, compare as single leaves. A write's manager takes ownership of what it added
// or modified; what it removed leaves every manager's set.

import { FieldSet } from './field-set.js';
import { listItemElement } from './list-items.js';
import { sharedInterner } from '../../storage/interning.js';
import { fieldElement, type PathElement } from './path-element.js';
import { facetOf, fieldType, type TypeNode } from './type-model.js';
import { equalValues, isMap, type JSONMap } from './values.js';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compares `before` with `after` (undefined: absent). */
export function compareValues(before: unknown, after: unknown, type: TypeNode): Comparison {
  const c: Comparison = { added: FieldSet.empty(), modified: FieldSet.empty(), removed: FieldSet.empty() };
  if (before !== undefined || after !== undefined) compare(before, after, type, [], c);
  return c;
}

export function isSame(c: Comparison): boolean {
  return c.added.isEmpty() && c.modified.isEmpty() && c.removed.isEmpty();
}

// What an absent-before value adds depends only on the value and its type. For a value that
// recurs across objects, a canonical node that many stored objects share (a template's
// container env, probes, tolerations), it is worked out once and then grafted, shared, into
// every comparison that meets it again: a create is mostly such values. Only recurring nodes
// are remembered, so this holds an entry per distinct shared part, not one per object.
const addedBelow = new WeakMap<object, { type: TypeNode; added: FieldSet }>();

function compare(l: unknown, r: unknown, t: TypeNode, path: PathElement[], c: Comparison): void {
  // The same value on both sides differs nowhere.
  if (l === r) return;
  if (l === undefined && path.length > 0 && r !== null && typeof r === 'object' && sharedInterner.isShared(r)) {
    c.added.graft(path, addedFieldsOf(r, t));
    return;
  }
  compareFresh(l, r, t, path, c);
}

/** The fields a shared (so frozen) value adds below where it is, relative to it. */
function addedFieldsOf(r: object, t: TypeNode): FieldSet {
  const known = addedBelow.get(r);
  if (known?.type === t) return known.added;
  const sub: Comparison = { added: FieldSet.empty(), modified: FieldSet.empty(), removed: FieldSet.empty() };
  compareFresh(undefined, r, t, [], sub);
  const added = sub.added.seal();
  addedBelow.set(r, { type: t, added });
  return added;
}

function compareFresh(l: unknown, r: unknown, t: TypeNode, path: PathElement[], c: Comparison): void {
  const fl = facetOf(t, l);
  const fr = facetOf(t, r);
  const state = { inLeaf: false };
  if (r === undefined) visit(fl, l, r, t, path, c, state);
  else if (l === undefined || fl === fr) visit(fr, l, r, t, path, c, state);
  else {
    // A value that changed shape (a map where a string was) is walked as both.
    visit(fl, l, r, t, path, c, { inLeaf: false });
    visit(fr, l, r, t, path, c, state);
  }
  if (!state.inLeaf) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  }
}

function leaf(l: unknown, r: unknown, path: PathElement[], c: Comparison, state: { inLeaf: boolean }): void {
  if (state.inLeaf) return;
  state.inLeaf = true;
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!equalValues(l, r)) c.modified.insert(path);
}

function visit(
  facet: ReturnType<typeof facetOf>,
  l: unknown,
  r: unknown,
  t: TypeNode,
  path: PathElement[],
  c: Comparison,
  state: { inLeaf: boolean },
): void {
  switch (facet) {
    case 'scalar':
      leaf(l, r, path, c, state);
      return;
    case 'list': {
      const ll = Array.isArray(l) ? l : undefined;
      const rl = Array.isArray(r) ? r : undefined;
      if (t.list!.atomic || (!ll?.length && !rl?.length)) leaf(l, r, path, c, state);
      else compareListItems(ll ?? [], rl ?? [], t, path, c);
      return;
    }
    case 'map': {
      const lm = isMap(l) ? l : undefined;
      const rm = isMap(r) ? r : undefined;
      if (t.map!.atomic || (isEmpty(lm) && isEmpty(rm))) leaf(l, r, path, c, state);
      else compareMapItems(lm ?? {}, rm ?? {}, t, path, c);
      return;
    }
  }
}

function isEmpty(m: JSONMap | undefined): boolean {
  if (!m) return true;
  for (const k in m) if (m[k] !== undefined) return false;
  return true;
}

function compareMapItems(l: JSONMap, r: JSONMap, t: TypeNode, path: PathElement[], c: Comparison): void {
  const map = t.map!;
  for (const key in l) {
    if (l[key] === undefined) continue;
    path.push(fieldElement(key));
    compare(l[key], r[key], fieldType(map, key), path, c);
    path.pop();
  }
  for (const key in r) {
    if (r[key] === undefined || l[key] !== undefined) continue;
    path.push(fieldElement(key));
    compare(undefined, r[key], fieldType(map, key), path, c);
    path.pop();
  }
}

function compareListItems(l: unknown[], r: unknown[], t: TypeNode, path: PathElement[], c: Comparison): void {
  const list = t.list!;
  // Items are matched by path element; duplicates are compared as a group.
  const all: PathElement[] = [];
  const lValues = new Map<string, unknown[]>();
  const rValues = new Map<string, unknown[]>();
  for (const item of l) {
    const pe = listItemElement(list, item);
    if (typeof pe === 'string') continue;
    const seen = lValues.get(pe.key);
    if (seen) seen.push(item);
    else {
      lValues.set(pe.key, [item]);
      all.push(pe);
    }
  }
  for (const item of r) {
    const pe = listItemElement(list, item);
    if (typeof pe === 'string') continue;
    const seen = rValues.get(pe.key);
    if (seen) seen.push(item);
    else {
      rValues.set(pe.key, [item]);
      if (!lValues.has(pe.key)) all.push(pe);
    }
  }
  for (const pe of all) {
    const ls = lValues.get(pe.key) ?? [];
    const rs = rValues.get(pe.key) ?? [];
    path.push(pe);
    if (ls.length <= 1 && rs.length <= 1) {
      compare(ls[0], rs[0], list.element, path, c);
    } else if (ls.length >= 2 && rs.length >= 2) {
      if (ls.length !== rs.length || ls.some((v, i) => !equalValues(v, rs[i]))) c.modified.insert(path);
    } else if (ls.length >= 2) {
      if (rs.length) compare(undefined, rs[0], list.element, path, c);
      c.removed.insert(path);
    } else {
      if (ls.length) compare(ls[0], undefined, list.element, path, c);
      c.added.insert(path);
    }
    path.pop();
  }
}
