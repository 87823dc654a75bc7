// How strategic merge patch merges one list field, and the order the merged list comes out in.
// Kubernetes' rules (k8s.io/apimachinery strategicpatch, mergeSlice and normalizeElementOrder):
// a list of maps merges item by item on its merge key; a list of scalars is the union of both;
// `$patch: delete|replace` items act on the whole list. The result keeps the patch's items in
// the patch's order, interleaves the items only the server had by their old positions, and
// puts items new to the server before server-only items they cannot be placed against. The
// quadratic scans of the Go code are replaced by hash indexes with the same answers.

import type { StructuralSchema } from '../../api/schema/structural.js';
import { formatGo, goTypeOf, type GoType } from './go-format.js';
import { comparableKey, FirstPositionIndex, goEqual, GoPanic, hashKey, uncomparablePanic } from './go-equality.js';
import { sliceStable } from './go-sort.js';
import { getKey, hasKey, isJsonObject, type JsonObject, type JsonValue } from './json-value.js';
import { elementKindName } from './patch-meta.js';
import {
  errBadArgType,
  errBadPatchType,
  errNoListOfLists,
  errNoMergeKey,
  errNotAMap,
  MergeError,
} from './strategic-errors.js';

export const DIRECTIVE = '$patch';

/** Merges two maps that are items of a list (mergeMap, passed in to avoid an import cycle). */
export type MergeItem = (original: JsonObject, patch: JsonObject, schema: StructuralSchema | undefined) => JsonObject;

export interface ListMerge {
  merged: JsonValue[];
  /**
   * The original list as the Go caller's slice sees it afterwards. Deleting items shifts Go's
   * backing array in place and appending new items then overwrites its tail, so the caller's
   * slice (same length as before) holds the surviving items, then the first appended items,
   * then stale leftovers. Kubernetes orders `$setElementOrder` lists against exactly that.
   */
  originalAfter: JsonValue[];
}

/**
 * One list field: merged when its strategy is `merge` (or when the patch lists values to delete
 * with $deleteFromPrimitiveList), otherwise replaced by the patch's list as it stands.
 */
export function mergeListField(
  original: JsonValue[],
  patch: JsonValue[],
  items: StructuralSchema | undefined,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
  mergeItem: MergeItem,
): JsonValue[] {
  return mergeListFieldTracked(original, patch, items, strategy, mergeKey, isDeleteList, mergeItem).merged;
}

export function mergeListFieldTracked(
  original: JsonValue[],
  patch: JsonValue[],
  items: StructuralSchema | undefined,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
  mergeItem: MergeItem,
): ListMerge {
  if (strategy !== 'merge' && !isDeleteList) return { merged: patch, originalAfter: original };
  if (original.length === 0 && patch.length === 0) return { merged: original, originalAfter: original };

  const kind = elementKind([original, patch]);
  if (kind !== 'map') {
    if (isDeleteList) return { merged: deleteValues(original, patch), originalAfter: original };
    const merged = dedupeScalars([...original, ...patch]);
    const [inPatch, serverOnly] = mergeKey === '' ? partitionScalars(merged, patch) : partitionMaps(merged, patch, mergeKey);
    return { merged: normalizeElementOrder(inPatch, serverOnly, patch, original, mergeKey, kind), originalAfter: original };
  }

  if (mergeKey === '') throw new MergeError(`cannot merge lists without merge key for ${elementKindName(items)}`);
  const backing = new SharedBacking(original, mergeKey);
  const { plainItems, replace } = applyItemDirectives(backing, patch, mergeKey);
  const serverItems = replace ? plainItems : backing.liveItems();
  const patchItems = replace ? [] : plainItems;
  const merged = mergeItemsByKey(serverItems, patchItems, mergeKey, items, mergeItem);
  const appended = replace ? [] : merged.slice(serverItems.length);
  const [inPatch, serverOnly] = partitionMaps(merged, patchItems, mergeKey);
  return {
    merged: normalizeElementOrder(inPatch, serverOnly, patchItems, serverItems, mergeKey, kind),
    originalAfter: backing.callerView(appended),
  };
}

/**
 * sliceElementType: every item of every list must have one Go type, and not be a list. Go
 * dereferences nil when the first item is null.
 */
export function elementKind(lists: JsonValue[][]): GoType {
  let first: GoType | undefined;
  for (const list of lists) {
    for (const item of list) {
      const t = goTypeOf(item);
      if (first === undefined) {
        if (t === 'nil') throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
        if (t === 'slice') throw errNoListOfLists();
        first = t;
      } else if (t !== first) {
        throw new MergeError(`list element types are not identical: ${formatGo(lists)}`);
      }
    }
  }
  if (first === undefined) throw new MergeError('no elements in any of the given slices');
  return first;
}

/** `$deleteFromPrimitiveList/<field>`: drops every occurrence of the listed values. */
function deleteValues(current: JsonValue[], toDelete: JsonValue[]): JsonValue[] {
  const doomed = new Set(toDelete.map(hashKey));
  return current.filter((v) => !doomed.has(hashKey(v)));
}

/**
 * deduplicateScalars, which moves the last item into each duplicate's slot. Simulated with
 * position heaps for the values that occur more than once, so a huge list costs n log n, not
 * n², and comes out in the same order.
 */
export function dedupeScalars(input: readonly JsonValue[]): JsonValue[] {
  const items = input.slice();
  // elementKind guarantees one Go type, so the JS values themselves are exact keys.
  const counts = new Map<JsonValue, number>();
  for (const v of items) counts.set(v, (counts.get(v) ?? 0) + 1);
  const heaps = new Map<JsonValue, number[]>();
  for (let p = 0; p < items.length; p++) {
    if (counts.get(items[p])! > 1) heapFor(heaps, items[p]).push(p); // ascending pushes form a heap
  }

  let last = items.length - 1;
  for (let i = 0; i < last; i++) {
    const value = items[i];
    const heap = heaps.get(value);
    if (!heap) continue;
    for (;;) {
      while (heap.length > 0 && (heap[0] <= i || heap[0] > last || items[heap[0]] !== value)) heapPop(heap);
      if (heap.length === 0) break;
      const p = heapPop(heap);
      const moved = items[last];
      items[p] = moved;
      const movedHeap = p !== last ? heaps.get(moved) : undefined;
      if (movedHeap) heapPush(movedHeap, p);
      last--;
    }
  }
  return items.slice(0, last + 1);
}

function heapFor(heaps: Map<JsonValue, number[]>, key: JsonValue): number[] {
  let heap = heaps.get(key);
  if (!heap) heaps.set(key, (heap = []));
  return heap;
}

function heapPush(heap: number[], value: number): void {
  let i = heap.push(value) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= value) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = value;
}

function heapPop(heap: number[]): number {
  const top = heap[0];
  const tail = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const child = left + 1 < heap.length && heap[left + 1] < heap[left] ? left + 1 : left;
      if (heap[child] >= tail) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = tail;
  }
  return top;
}

/**
 * Finds list items by the value of their merge key the way findMapInSliceBasedOnKeyValue
 * scans: front to back, failing at the first item that is not a map, skipping maps without
 * the key.
 */
class MergeKeyIndex {
  private readonly positions: FirstPositionIndex;
  private firstNonMap = Infinity;

  constructor(items: readonly JsonValue[], mergeKey: string) {
    this.positions = new FirstPositionIndex((item) => (isJsonObject(item) ? getKey(item, mergeKey) : undefined));
    items.forEach((item, i) => this.add(i, item));
  }

  add(position: number, item: JsonValue): void {
    if (!isJsonObject(item) && this.firstNonMap === Infinity) this.firstNonMap = position;
    this.positions.add(position, item);
  }

  /** Position of the first item whose merge key equals `value`; Infinity when there is none. */
  search(value: JsonValue): number {
    const { at, panics } = this.positions.scan(value);
    if (this.firstNonMap < at) throw errNotAMap(this.firstNonMap);
    if (panics) throw uncomparablePanic(value);
    return at;
  }
}

/**
 * The server's list as a Go slice with a backing array: `$patch: delete` removes items the way
 * deleteMatchingEntries does (append(s[:i], s[i+1:]...)), and remembers what each removal
 * leaves behind past the new end, which the caller's longer slice still shows.
 */
class SharedBacking {
  private readonly removed: boolean[];
  private readonly leftovers: JsonValue[] = [];
  private readonly positionsByKey = new Map<string, number[]>();
  private readonly index: MergeKeyIndex;
  private liveCount: number;
  private last: number;

  constructor(
    private readonly items: readonly JsonValue[],
    mergeKey: string,
  ) {
    this.removed = new Array<boolean>(items.length).fill(false);
    this.liveCount = items.length;
    this.last = items.length - 1;
    this.index = new MergeKeyIndex(items, mergeKey);
    items.forEach((item, position) => {
      if (!isJsonObject(item) || !hasKey(item, mergeKey)) return;
      const key = comparableKey(item[mergeKey]);
      if (key === undefined) return;
      const positions = this.positionsByKey.get(key);
      if (positions) positions.push(position);
      else this.positionsByKey.set(key, [position]);
    });
  }

  /** Removes every item whose merge key equals `value`, first match first. */
  deleteMatching(value: JsonValue): void {
    if (this.index.search(value) === Infinity) return;
    const key = comparableKey(value)!;
    for (const position of this.positionsByKey.get(key) ?? []) {
      if (this.removed[position]) continue;
      // Shifting the tail left leaves the old last element in the slot past the new end.
      this.leftovers[this.liveCount - 1] = this.items[this.last];
      this.removed[position] = true;
      this.liveCount--;
      while (this.last >= 0 && this.removed[this.last]) this.last--;
    }
    this.positionsByKey.delete(key);
  }

  liveItems(): JsonValue[] {
    return this.items.filter((_, position) => !this.removed[position]);
  }

  /** The caller's slice after `appended` items were appended to the shortened one. */
  callerView(appended: readonly JsonValue[]): JsonValue[] {
    const view = this.liveItems();
    for (let position = view.length; position < this.items.length; position++) {
      const nth = position - this.liveCount;
      view.push(nth < appended.length ? appended[nth] : this.leftovers[position]);
    }
    return view;
  }
}

/** mergeSliceWithSpecialElements: `$patch: delete` and `$patch: replace` items. */
function applyItemDirectives(
  backing: SharedBacking,
  patch: JsonValue[],
  mergeKey: string,
): { plainItems: JsonValue[]; replace: boolean } {
  const plainItems: JsonValue[] = [];
  let replace = false;
  for (const item of patch as JsonObject[]) {
    if (!hasKey(item, DIRECTIVE)) {
      plainItems.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!hasKey(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      backing.deleteMatching(item[mergeKey]);
    } else if (directive === 'replace') {
      replace = true; // keep going: the other directives still have to be valid
    } else if (directive === 'merge') {
      throw new MergeError('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, item);
    }
  }
  return { plainItems, replace };
}

/** mergeSliceWithoutSpecialElements: patch items merge into the item with their key, or are appended. */
function mergeItemsByKey(
  original: JsonValue[],
  patch: JsonValue[],
  mergeKey: string,
  items: StructuralSchema | undefined,
  mergeItem: MergeItem,
): JsonValue[] {
  const merged = original.slice();
  let index = new MergeKeyIndex(merged, mergeKey);
  for (const item of patch as JsonObject[]) {
    if (!hasKey(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    const value = item[mergeKey];
    const at = index.search(value);
    if (at === Infinity) {
      merged.push(item);
      index.add(merged.length - 1, item);
      continue;
    }
    const before = merged[at];
    const after = mergeItem(before as JsonObject, item, items);
    merged[at] = after;
    // A null merge key in the patch item deletes the key it matched on: reindex then.
    if (after !== before || !hasKey(after, mergeKey) || comparableKey(after[mergeKey]) !== comparableKey(value)) {
      index = new MergeKeyIndex(merged, mergeKey);
    }
  }
  return merged;
}

/** Splits scalars into those present in `by` and the rest (partitionPrimitivesByPresentInList). */
export function partitionScalars(list: readonly JsonValue[], by: readonly JsonValue[]): [JsonValue[], JsonValue[]] {
  const present = new Set(by.map(hashKey));
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of list) (present.has(hashKey(v)) ? inPatch : serverOnly).push(v);
  return [inPatch, serverOnly];
}

/** Splits maps into those whose merge key appears in `by` and the rest (partitionMapsByPresentInList). */
export function partitionMaps(list: readonly JsonValue[], by: readonly JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const index = new MergeKeyIndex(by, mergeKey);
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of list) {
    if (!isJsonObject(v)) throw errBadArgType('map', v);
    if (!hasKey(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (index.search(v[mergeKey]) === Infinity ? serverOnly : inPatch).push(v);
  }
  return [inPatch, serverOnly];
}

/**
 * Go's index(list, value, mergeKey, kind): the first position whose merge key (for maps) or
 * value (otherwise) equals that of `item`; a non-map, or a map without the key, counts as nil.
 */
class OrderIndex {
  private readonly index: FirstPositionIndex;

  constructor(
    list: readonly JsonValue[],
    private readonly mergeKey: string,
    private readonly kind: GoType,
  ) {
    this.index = FirstPositionIndex.of(list, (item) => this.valueOf(item));
  }

  private valueOf(item: JsonValue): JsonValue {
    if (this.kind !== 'map') return item;
    return isJsonObject(item) ? (getKey(item, this.mergeKey) ?? null) : null;
  }

  private readonly known = new Map<JsonValue, number>();

  /** The position, or -1. Remembered per item: sorting asks about each item many times. */
  positionOf(item: JsonValue): number {
    let position = this.known.get(item);
    if (position === undefined) {
      const at = this.index.find(this.valueOf(item));
      position = at === Infinity ? -1 : at;
      this.known.set(item, position);
    }
    return position;
  }
}

/**
 * normalizeElementOrder: patch items sorted by the patch's order, server-only items by the
 * server's, then the two interleaved.
 */
export function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
  kind: GoType,
): JsonValue[] {
  const sortedPatch = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const sortedServer = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return interleave(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
}

/** normalizeSliceOrder: a stable sort by position in `order`; `$patch: delete` items go last. */
function sortByOrder(toSort: JsonValue[], order: readonly JsonValue[], mergeKey: string, kind: GoType): JsonValue[] {
  let toDelete: JsonValue[] = [];
  if (kind === 'map') {
    requireMergeKeys(mergeKey, toSort);
    requireMergeKeys(mergeKey, order);
    [toSort, toDelete] = splitDeletions(toSort);
  }
  const index = new OrderIndex(order, mergeKey, kind);
  // Go's comparator answers "less" whenever either side is missing from `order`; only the
  // exact Go algorithm turns that into the same order.
  sliceStable(toSort, (a, b) => {
    const ia = index.positionOf(a);
    if (ia >= 0) {
      const ib = index.positionOf(b);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return toSort.concat(toDelete);
}

/** mergeSortedSlice: server-only items go before a patch item only when the server had them before it. */
function interleave(
  serverOnly: JsonValue[],
  patchItems: JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
  kind: GoType,
): JsonValue[] {
  const index = new OrderIndex(serverOrder, mergeKey, kind);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (i >= serverOnly.length) {
      out.push(patchItems[j++]);
    } else if (j >= patchItems.length) {
      out.push(serverOnly[i++]);
    } else {
      const li = index.positionOf(serverOnly[i]);
      const ri = index.positionOf(patchItems[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(patchItems[j++]);
    }
  }
  return out;
}

/** validateMergeKeyInLists. */
function requireMergeKeys(mergeKey: string, list: readonly JsonValue[]): void {
  for (const item of list) {
    if (!isJsonObject(item)) throw errBadArgType('map', item);
    if (!hasKey(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
  }
}

/** extractToDeleteItems: items carrying `$patch: delete` apart from the others. */
function splitDeletions(list: readonly JsonValue[]): [JsonValue[], JsonValue[]] {
  const keep: JsonValue[] = [];
  const doomed: JsonValue[] = [];
  for (const item of list) {
    if (!isJsonObject(item)) throw errBadArgType('map', item);
    (getKey(item, DIRECTIVE) === 'delete' ? doomed : keep).push(item);
  }
  return [keep, doomed];
}

/**
 * validatePatchWithSetOrderList: the patch's items (deletions aside) must appear in the
 * `$setElementOrder` list, in the same relative order.
 */
export function checkPatchAgainstOrder(patchList: readonly JsonValue[], order: readonly JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? splitDeletions(patchList)[0] : patchList;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isJsonObject(item) && hasKey(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeysEqual(item, order[o], mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw new MergeError(
      `The order in patch list:\n${formatGo(patchList as JsonValue[])}\n doesn't match $setElementOrder list:\n${formatGo(order as JsonValue[])}\n`,
    );
  }
}

function mergeKeysEqual(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (mergeKey === '') return goEqual(left, right);
  if (!isJsonObject(left)) throw errBadArgType('map', left);
  if (!isJsonObject(right)) throw errBadArgType('map', right);
  if (!hasKey(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!hasKey(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return goEqual(left[mergeKey], right[mergeKey]);
}
