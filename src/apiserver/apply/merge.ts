// Merging an applied configuration into the live object, as structured-merge-diff's
// TypedValue.Merge: the configuration wins on every leaf it sets, granular maps merge key by
// key, associative lists merge item by item (in an order that keeps the live order unless
// the configuration reorders shared items), atomic lists and maps are replaced whole.
// Nothing is removed here; removing what an applier stopped applying is the updater's prune.

import { listItemElement } from './list-items.js';
import type { PathElement } from './path-element.js';
import { facetOf, fieldType, type TypeNode } from './type-model.js';
import { isMap, type JSONMap } from './values.js';

/** Thrown when a list cannot be merged (an item without its key, duplicates in the configuration). */
export class MergeError extends Error {}

/** live merged with config; undefined when neither has anything (upstream's nil output). */
export function mergeValues(live: unknown, config: unknown, type: TypeNode): unknown {
  if (live === undefined && config === undefined) return undefined;
  return merge(live, config, type);
}

function merge(l: unknown, r: unknown, t: TypeNode): unknown {
  // When the two differ in shape upstream walks both, but only the configuration's walk
  // decides the result.
  const facet = r === undefined ? facetOf(t, l) : facetOf(t, r);
  switch (facet) {
    case 'list': {
      const ll = Array.isArray(l) ? l : undefined;
      const rl = Array.isArray(r) ? r : undefined;
      if (t.list!.atomic || (!ll?.length && !rl?.length)) return keepConfig(l, r);
      return mergeListItems(ll ?? [], rl ?? [], t);
    }
    case 'map': {
      const lm = isMap(l) ? l : undefined;
      const rm = isMap(r) ? r : undefined;
      if (t.map!.atomic || (isEmpty(lm) && isEmpty(rm))) return keepConfig(l, r);
      return mergeMapItems(lm ?? {}, rm ?? {}, t);
    }
    default:
      return keepConfig(l, r);
  }
}

function keepConfig(l: unknown, r: unknown): unknown {
  return r !== undefined ? r : l;
}

function isEmpty(m: JSONMap | undefined): boolean {
  if (!m) return true;
  for (const k in m) if (m[k] !== undefined) return false;
  return true;
}

function mergeMapItems(l: JSONMap, r: JSONMap, t: TypeNode): JSONMap | undefined {
  const map = t.map!;
  const out: JSONMap = {};
  let any = false;
  for (const key in l) {
    if (l[key] === undefined) continue;
    const v = merge(l[key], r[key], fieldType(map, key));
    if (v !== undefined) {
      out[key] = v;
      any = true;
    }
  }
  for (const key in r) {
    if (r[key] === undefined || l[key] !== undefined) continue;
    const v = merge(undefined, r[key], fieldType(map, key));
    if (v !== undefined) {
      out[key] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}

interface Indexed {
  elements: PathElement[];
  /** First value per element; null for an element that occurs more than once in the live list. */
  values: Map<string, unknown>;
}

function indexItems(t: TypeNode, items: unknown[], allowDuplicates: boolean): Indexed {
  const list = t.list!;
  const elements: PathElement[] = [];
  const values = new Map<string, unknown>();
  items.forEach((item, i) => {
    const pe = listItemElement(list, item);
    if (typeof pe === 'string') throw new MergeError(`element ${i}: ${pe}`);
    if (values.has(pe.key)) {
      if (!allowDuplicates) throw new MergeError(`duplicate entries for key ${pe.key}`);
      values.set(pe.key, null);
    } else values.set(pe.key, item);
    elements.push(pe);
  });
  return { elements, values };
}

// Upstream's ordering: walk both lists; items only in the live list stay where they are;
// items in the configuration come in its order, and an item both lists share waits for its
// turn in the configuration's order.
function mergeListItems(l: unknown[], r: unknown[], t: TypeNode): unknown[] | undefined {
  const element = t.list!.element;
  const rhs = indexItems(t, r, false);
  const lhs = indexItems(t, l, true);
  const sharedOrder = rhs.elements.filter((pe) => lhs.values.has(pe.key));
  let sharedIndex = 0;
  let nextShared: PathElement | undefined = sharedOrder[sharedIndex++];
  const mergedRHS = new Set<string>();
  const out: unknown[] = [];
  const push = (v: unknown): void => {
    if (v !== undefined) out.push(v);
  };
  const lLen = lhs.elements.length;
  const rLen = rhs.elements.length;
  for (let lI = 0, rI = 0; lI < lLen || rI < rLen; ) {
    if (lI < lLen && rI < rLen) {
      const pe = lhs.elements[lI];
      if (pe.key === rhs.elements[rI].key) {
        mergedRHS.add(pe.key);
        push(merge(lhs.values.get(pe.key), rhs.values.get(pe.key), element));
        lI++;
        rI++;
        nextShared = sharedOrder[sharedIndex++];
        continue;
      }
      if (rhs.values.has(pe.key) && nextShared && nextShared.key !== pe.key) {
        lI++;
        continue;
      }
    }
    if (lI < lLen) {
      const pe = lhs.elements[lI];
      if (!rhs.values.has(pe.key)) {
        push(merge(l[lI], undefined, element));
        lI++;
        continue;
      } else if (mergedRHS.has(pe.key)) {
        lI++;
      }
    }
    if (rI < rLen) {
      const pe = rhs.elements[rI];
      mergedRHS.add(pe.key);
      const live = lhs.values.has(pe.key) ? lhs.values.get(pe.key) : undefined;
      push(merge(live, rhs.values.get(pe.key), element));
      rI++;
      if (nextShared && nextShared.key === pe.key) nextShared = sharedOrder[sharedIndex++];
    }
  }
  return out.length ? out : undefined;
}
