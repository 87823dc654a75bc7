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
const stringSeed = 0x811c9dc5;

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
  /** Canonical nodes found again by a later intern() than the one that made them. */
  private readonly found = new WeakSet<object>();
  private nextId = 1;
  /** The first id the current intern() gives: nodes from earlier calls have lower ones. */
  private callStart = 1;
  /** Recent scalar strings, so equal strings in stored objects are one string. */
  private strings = new Map<string, string>();
  /** Dead canonical nodes are swept out of the map when it grows past this size. */
  private sweepAt = 4096;

  /**
   * The canonical copy of `value`: an equal, frozen tree whose every object and array is
   * shared with every other tree interned with an equal subtree there. `value` must be the
   * caller's to give away: its unfrozen nodes may be frozen or changed in place (a child
   * replaced by an equal canonical one). Only plain JSON data is interned (what
   * JSON.stringify then JSON.parse gives back equal): a node holding anything else (a Date,
   * undefined, NaN), and every node above it, is left as it is, so a canonical node is
   * always plain data.
   */
  intern<T>(value: T): T {
    if (value === null || typeof value !== 'object') return value;
    this.callStart = this.nextId;
    return this.internNode(value) as T;
  }

  /**
   * The canonical object with exactly these members, in this order: `values` are scalars or
   * canonical nodes. Nothing is built unless no such object exists yet, and what is built is
   * made whole (Object.fromEntries), in V8's compact form whatever its size: adding many keys
   * one by one turns an object into a slower and larger dictionary.
   */
  internMembers(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
    let h = 0x01000193;
    for (let i = 0; i < keys.length; i++) {
      h = Math.imul(h ^ hashString(stringSeed, keys[i]), fnvPrime);
      const v = values[i];
      const id = v !== null && typeof v === 'object' ? this.ids.get(v) : undefined;
      if (id === undefined) return this.intern(Object.fromEntries(keys.map((k, j) => [k, values[j]])));
      h = Math.imul(h ^ id, fnvPrime);
    }
    h &= 0x3fffffff;
    const known = this.find(h, false, keys, values);
    if (known) return known as Record<string, unknown>;
    return this.add(h, Object.fromEntries(keys.map((k, j) => [k, values[j]])));
  }

  /** Whether `value` is a canonical node of this interner (and so frozen, plain JSON data). */
  has(value: object): boolean {
    return this.ids.has(value);
  }

  /**
   * Whether a canonical node has been found for another tree since it was made: one that
   * recurs across objects (a template's container env), worth remembering work done on,
   * unlike the nodes that hold one object's own data (its token volume's name), the nodes
   * above them, and a part that merely repeats inside one object (that volume's mount in
   * each of its containers).
   */
  isShared(value: object): boolean {
    return this.found.has(value);
  }

  private internNode(node: object): object {
    if (this.ids.has(node)) return node;
    const isArray = Array.isArray(node);
    if (Object.getPrototypeOf(node) !== (isArray ? Array.prototype : Object.prototype)) return node;
    const rec = node as Record<string, unknown>;
    const keys = isArray ? undefined : Object.keys(rec);
    const n = isArray ? (node as unknown[]).length : keys!.length;
    const values = new Array<unknown>(n);
    let changed = false;
    let h = isArray ? 0x811c9dc5 : 0x01000193;
    for (let i = 0; i < n; i++) {
      const child: unknown = isArray ? (node as unknown[])[i] : rec[keys![i]];
      if (keys) h = Math.imul(h ^ hashString(stringSeed, keys[i]), fnvPrime);
      if (child === null) {
        values[i] = child;
        h = Math.imul(h ^ 5, fnvPrime);
      } else if (typeof child === 'object') {
        const shared = this.internNode(child);
        const id = this.ids.get(shared);
        if (id === undefined) return node;
        if (shared !== child) changed = true;
        values[i] = shared;
        h = Math.imul(h ^ id, fnvPrime);
      } else if (typeof child === 'string') {
        // Hashed here, and shared through the string table only if this node turns out to
        // be new (below): most nodes are found, and their strings are the found node's.
        values[i] = child;
        h = Math.imul(h ^ 1 ^ hashString(stringSeed, child), fnvPrime);
      } else if (typeof child === 'boolean') {
        values[i] = child;
        h = Math.imul(h ^ (child ? 3 : 4), fnvPrime);
      } else if (typeof child === 'number' && Number.isFinite(child) && !Object.is(child, -0)) {
        values[i] = child;
        h = Math.imul(h ^ hashString(2, String(child)), fnvPrime);
      } else {
        return node;
      }
    }
    // As a Map key, a hash that fits a small integer costs no heap number.
    h &= 0x3fffffff;
    const known = this.find(h, isArray, keys, values);
    if (known) return known;
    // A new canonical node: its children, and its strings, become the shared ones.
    for (let i = 0; i < n; i++) if (typeof values[i] === 'string') values[i] = this.string(values[i] as string);
    let canon = node;
    if (!Object.isFrozen(node)) {
      if (isArray) for (let i = 0; i < n; i++) (node as unknown[])[i] = values[i];
      else for (let i = 0; i < n; i++) rec[keys![i]] = values[i];
    } else if (changed) {
      canon = isArray ? values : Object.fromEntries(keys!.map((k, i) => [k, values[i]]));
    }
    return this.add(h, canon);
  }

  /** Makes `canon` (whose children are canonical) the canonical node for hash `h`. */
  private add<T extends object>(h: number, canon: T): T {
    Object.freeze(canon);
    this.ids.set(canon, this.nextId++);
    const bucket = this.canonical.get(h);
    if (bucket === undefined) this.canonical.set(h, new WeakRef(canon));
    else if (!Array.isArray(bucket)) this.canonical.set(h, [bucket, new WeakRef(canon)]);
    else if (bucket.length < maxBucket) bucket.push(new WeakRef(canon));
    if (this.canonical.size > this.sweepAt) this.sweep();
    return canon;
  }

  /** The shared instance of a scalar string (strings up to maxInternedString long). */
  private string(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (s.length <= maxInternedString) {
      if (this.strings.size >= maxStrings) this.strings = new Map();
      this.strings.set(s, s);
    }
    return s;
  }

  private find(h: number, isArray: boolean, keys: readonly string[] | undefined, values: readonly unknown[]): object | undefined {
    const bucket = this.canonical.get(h);
    if (bucket === undefined) return undefined;
    if (!Array.isArray(bucket)) {
      const c = bucket.deref();
      return c && ValueInterner.same(c, isArray, keys, values) ? this.foundAgain(c) : undefined;
    }
    for (const ref of bucket) {
      const c = ref.deref();
      if (c && ValueInterner.same(c, isArray, keys, values)) return this.foundAgain(c);
    }
    return undefined;
  }

  private foundAgain(c: object): object {
    if (this.ids.get(c)! < this.callStart) this.found.add(c);
    return c;
  }

  /** Whether canonical node `c` has exactly these members (children compared as canonical). */
  private static same(c: object, isArray: boolean, keys: readonly string[] | undefined, values: readonly unknown[]): boolean {
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

/**
 * The interner the stores and the field manager share. Canonical values are frozen and only
 * weakly held, so one table for the whole process costs nothing, and it lets a tree built
 * from canonical parts elsewhere (the FieldsV1 the field manager makes for every write) be
 * recognised when it is stored, at its root, instead of being hashed again node by node.
 */
export const sharedInterner = new ValueInterner();

function isNonEmptyObject(v: unknown): v is object {
  if (!v || typeof v !== 'object') return false;
  for (const _ in v) return true;
  return false;
}

const sharedFields = ['labels', 'annotations', 'ownerReferences', 'managedFields'] as const;

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
  for (const field of sharedFields) {
    const v = m[field];
    if (isNonEmptyObject(v)) m[field] = interner.intern(v);
  }
}

/** Undoes internShared: `obj` gets copies of the parts it shares, which it may change again. */
export function thawShared(obj: KubeObject): void {
  const o = obj as Record<string, unknown>;
  if (isFrozenObject(o.spec)) o.spec = structuredClone(o.spec);
  const m = obj.metadata as Record<string, unknown> | undefined;
  if (!m) return;
  for (const field of sharedFields) if (isFrozenObject(m[field])) m[field] = structuredClone(m[field]);
}

function isFrozenObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && Object.isFrozen(v);
}
