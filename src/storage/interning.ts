// Sharing the parts of stored objects that many objects hold alike. The pods of one template
// carry the same labels, annotations, owner references and container specs, and managedFields
// entries whose fieldsV1 trees are nearly identical: parsed from JSON, every pod holds its own
// copy of each, and the fieldsV1 trees alone were most of a pod's heap (a 3.8 KB fieldsV1 text
// becomes ~11 KB of objects, most of them `{}` leaves). Stored objects never change (see
// StoredObject), so one frozen copy can serve them all.
//
// Sharing is by subtree (hash-consing): two trees that differ in one leaf, such as the fieldsV1
// of pods that differ only in the name of their token volume, still share every other subtree.
// A node's canonical copy is found by a hash of its scalars and its children's canonical ids,
// then compared member by member; canonical copies are held weakly, and those no stored object
// holds any more are swept out as the table grows.

import type { KubeObject } from '../api/object.js';

// FNV-1a over a node's members: its keys, its scalars and its children's canonical ids. Equal
// hashes are then compared member by member, so a collision only costs a comparison.
const fnvPrime = 16777619;

// Long strings are hashed from 32 of their characters (and their length): equal hashes are
// compared exactly anyway, and a bucket never grows past maxBucket (see internNode).
const sampled = 32;

function hashString(h: number, s: string): number {
  const n = s.length;
  h = Math.imul(h ^ n, fnvPrime);
  if (n <= sampled) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), fnvPrime);
  } else {
    for (let i = 0; i < sampled; i++) h = Math.imul(h ^ s.charCodeAt(Math.floor((i * (n - 1)) / (sampled - 1))), fnvPrime);
  }
  return h;
}

/** A scalar string as the interner keeps it: one instance, shared, and its hash. */
interface InternedString {
  s: string;
  h: number;
}

/** Strings longer than this are neither shared nor remembered (names, values, timestamps are). */
const maxInternedString = 256;
/** Strings remembered at most; the table starts over when full. */
const maxStrings = 65_536;

type Bucket = WeakRef<object> | WeakRef<object>[];

/** Canonical nodes kept per hash at most: beyond it a node is frozen but not shared. */
const maxBucket = 8;

export class ValueInterner {
  /** Canonical nodes by hash; a bucket holds more than one only on a collision. */
  private readonly canonical = new Map<number, Bucket>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  /** Recent scalar strings, so equal strings in stored objects are one string, hashed once. */
  private strings = new Map<string, InternedString>();
  /** Dead canonical nodes are swept out of the map when it grows past this size. */
  private sweepAt = 4096;

  /**
   * The canonical copy of `value` (plain JSON data): an equal, frozen tree whose every object
   * and array is shared with every other tree interned with an equal subtree there. `value`
   * must be the caller's to give away: its unfrozen nodes may be frozen or changed in place
   * (a child replaced by an equal canonical one).
   */
  intern<T>(value: T): T {
    return value !== null && typeof value === 'object' ? (this.internNode(value) as T) : value;
  }

  private internNode(node: object): object {
    if (this.ids.has(node)) return node;
    const isArray = Array.isArray(node);
    const rec = node as Record<string, unknown>;
    const keys = isArray ? undefined : Object.keys(rec);
    const n = isArray ? (node as unknown[]).length : keys!.length;
    const values = new Array<unknown>(n);
    let changed = false;
    let h = isArray ? 0x811c9dc5 : 0x01000193;
    for (let i = 0; i < n; i++) {
      const child: unknown = isArray ? (node as unknown[])[i] : rec[keys![i]];
      if (keys) h = Math.imul(h ^ this.string(keys[i]).h, fnvPrime);
      if (child !== null && typeof child === 'object') {
        const shared = this.internNode(child);
        if (shared !== child) changed = true;
        values[i] = shared;
        h = Math.imul(h ^ this.ids.get(shared)!, fnvPrime);
      } else if (typeof child === 'string') {
        const str = this.string(child);
        values[i] = str.s;
        h = Math.imul(h ^ 1 ^ str.h, fnvPrime);
      } else {
        values[i] = child;
        h = Math.imul(h ^ (typeof child === 'number' ? hashString(2, String(child)) : child === true ? 3 : child === false ? 4 : 5), fnvPrime);
      }
    }
    const known = this.find(h, isArray, keys, values);
    if (known) return known;
    // A new canonical node: its children, and its strings, become the shared ones.
    let canon = node;
    if (!Object.isFrozen(node)) {
      if (isArray) for (let i = 0; i < n; i++) (node as unknown[])[i] = values[i];
      else for (let i = 0; i < n; i++) rec[keys![i]] = values[i];
    } else if (changed) {
      canon = isArray ? values : Object.fromEntries(keys!.map((k, i) => [k, values[i]]));
    }
    Object.freeze(canon);
    this.ids.set(canon, this.nextId++);
    const bucket = this.canonical.get(h);
    if (bucket === undefined) this.canonical.set(h, new WeakRef(canon));
    else if (!Array.isArray(bucket)) this.canonical.set(h, [bucket, new WeakRef(canon)]);
    else if (bucket.length < maxBucket) bucket.push(new WeakRef(canon));
    if (this.canonical.size > this.sweepAt) this.sweep();
    return canon;
  }

  private string(s: string): InternedString {
    let known = this.strings.get(s);
    if (known === undefined) {
      known = { s, h: hashString(0x811c9dc5, s) };
      if (s.length <= maxInternedString) {
        if (this.strings.size >= maxStrings) this.strings = new Map();
        this.strings.set(s, known);
      }
    }
    return known;
  }

  private find(h: number, isArray: boolean, keys: string[] | undefined, values: unknown[]): object | undefined {
    const bucket = this.canonical.get(h);
    if (bucket === undefined) return undefined;
    if (!Array.isArray(bucket)) {
      const c = bucket.deref();
      return c && ValueInterner.same(c, isArray, keys, values) ? c : undefined;
    }
    for (const ref of bucket) {
      const c = ref.deref();
      if (c && ValueInterner.same(c, isArray, keys, values)) return c;
    }
    return undefined;
  }

  /** Whether canonical node `c` has exactly these members (children compared as canonical). */
  private static same(c: object, isArray: boolean, keys: string[] | undefined, values: unknown[]): boolean {
    if (Array.isArray(c) !== isArray) return false;
    if (isArray) {
      const arr = c as unknown[];
      if (arr.length !== values.length) return false;
      for (let i = 0; i < values.length; i++) if (arr[i] !== values[i]) return false;
      return true;
    }
    const rec = c as Record<string, unknown>;
    let i = 0;
    for (const k in rec) {
      if (i >= values.length || k !== keys![i] || rec[k] !== values[i]) return false;
      i++;
    }
    return i === values.length;
  }

  /** Drops the nodes nobody holds any more; runs when the map has doubled since the last time. */
  private sweep(): void {
    for (const [hash, bucket] of this.canonical) {
      if (!Array.isArray(bucket)) {
        if (bucket.deref() === undefined) this.canonical.delete(hash);
        continue;
      }
      const live = bucket.filter((r) => r.deref() !== undefined);
      if (live.length === 0) this.canonical.delete(hash);
      else this.canonical.set(hash, live.length === 1 ? live[0] : live);
    }
    this.sweepAt = Math.max(4096, this.canonical.size * 2);
  }

  /** How many hashes of canonical values are held (some values may already be unreachable). */
  get size(): number {
    return this.canonical.size;
  }
}

function isNonEmptyObject(v: unknown): v is object {
  if (!v || typeof v !== 'object') return false;
  for (const _ in v) return true;
  return false;
}

/**
 * Replaces `obj`'s spec and, in its metadata, the labels, annotations, owner references and
 * managed fields with canonical copies (see ValueInterner.intern). `obj` and its metadata must
 * be the caller's to change; what they hold is handed over to the interner.
 */
export function internShared(obj: KubeObject, interner: ValueInterner): void {
  const o = obj as Record<string, unknown>;
  if (isNonEmptyObject(o.spec)) o.spec = interner.intern(o.spec);
  const m = obj.metadata as Record<string, unknown> | undefined;
  if (!m) return;
  for (const field of ['labels', 'annotations', 'ownerReferences', 'managedFields'] as const) {
    const v = m[field];
    if (isNonEmptyObject(v)) m[field] = interner.intern(v);
  }
}
