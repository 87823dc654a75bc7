// A set of field paths, as structured-merge-diff's fieldpath.Set: a tree whose nodes are
// path elements, each either a member of the set, a parent of members, or both. Managers own
// field sets; managedFields stores them as FieldsV1 JSON (`{"f:spec":{"f:replicas":{}}}`,
// with `.` marking a node that is itself a member).
//
// A set is immutable once built: every operation returns a new set that may share subtrees
// with its inputs. insert() exists only for filling a set under construction.

import {
  comparePathElements,
  parsePathElement,
  PathElementError,
  type Path,
  type PathElement,
} from './path-element.js';
import { sharedInterner } from '../../storage/interning.js';

export interface Entry {
  readonly pe: PathElement;
  /** The path ending here is in the set. */
  readonly member: boolean;
  /** Members below this node; never an empty set. */
  readonly children: FieldSet | undefined;
}

export class FieldSet {
  private sorted: Entry[] | undefined;
  // toFieldsV1() as the root, and as the value of a member that is also a parent (with `.`),
  // once asked for.
  private fieldsV1: Record<string, unknown> | undefined;
  private fieldsV1Member: Record<string, unknown> | undefined;
  /** Shared by other sets (see graft): never changed again; an insert below copies it first. */
  private sealed = false;

  private constructor(private readonly entries: Map<string, Entry>) {}

  static empty(): FieldSet {
    return new FieldSet(new Map());
  }

  static of(...paths: Path[]): FieldSet {
    const s = FieldSet.empty();
    for (const p of paths) s.insert(p);
    return s;
  }

  isEmpty(): boolean {
    return this.entries.size === 0;
  }

  /** Adds a path (not its parents). The empty path, the whole object, is never tracked. */
  insert(path: Path): void {
    if (path.length === 0) return;
    this.parentOf(path).addMember(path[path.length - 1]);
  }

  /**
   * Adds a path and, below it, every member of `below`, which becomes part of this set as it
   * is, not copied: `below` is sealed, and an insert that later reaches into it copies it.
   */
  graft(path: Path, below: FieldSet): void {
    if (path.length === 0) throw new Error('graft: the empty path is never tracked');
    below.seal();
    const set = this.parentOf(path);
    const pe = path[path.length - 1];
    const e = set.entries.get(pe.key);
    const children = below.isEmpty() ? e?.children : e?.children ? e.children.union(below) : below;
    set.entries.set(pe.key, { pe: e?.pe ?? pe, member: true, children });
    set.changed();
  }

  /** Marks the set, and every set below it, as shared with others: none is changed again. */
  seal(): FieldSet {
    if (this.sealed) return this;
    this.sealed = true;
    for (const e of this.entries.values()) e.children?.seal();
    return this;
  }

  /** The set holding the last element of `path`, made (or copied, if shared) on the way. */
  private parentOf(path: Path): FieldSet {
    let set: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) {
      // A change below changes this set's FieldsV1, not its entries.
      set.fieldsV1 = set.fieldsV1Member = undefined;
      set = set.descend(path[i]);
    }
    return set;
  }

  private changed(): void {
    this.sorted = undefined;
    this.fieldsV1 = this.fieldsV1Member = undefined;
  }

  private addMember(pe: PathElement): void {
    const e = this.entries.get(pe.key);
    if (e?.member) return;
    this.entries.set(pe.key, { pe: e?.pe ?? pe, member: true, children: e?.children });
    this.changed();
  }

  private descend(pe: PathElement): FieldSet {
    const e = this.entries.get(pe.key);
    if (e?.children && !e.children.sealed) return e.children;
    // A shared child is copied, one level: its own children stay shared (sealed) until reached.
    // A new one may briefly be empty; insert() fills it before returning.
    const children = e?.children ? new FieldSet(new Map(e.children.entries)) : FieldSet.empty();
    this.entries.set(pe.key, { pe: e?.pe ?? pe, member: e?.member ?? false, children });
    this.changed();
    return children;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let set: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1; i++) {
      set = set.entries.get(path[i].key)?.children;
      if (!set) return false;
    }
    return set.entries.get(path[path.length - 1].key)?.member ?? false;
  }

  /** Whether the single element `pe` is a member. */
  hasMember(pe: PathElement): boolean {
    return this.entries.get(pe.key)?.member ?? false;
  }

  /** The members below `pe`, relative to it; undefined when there are none. */
  childrenOf(pe: PathElement): FieldSet | undefined {
    return this.entries.get(pe.key)?.children;
  }

  /** The members below `pe`, relative to it (upstream's WithPrefix). */
  withPrefix(pe: PathElement): FieldSet {
    return this.entries.get(pe.key)?.children ?? FieldSet.empty();
  }

  union(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    const out = new Map(this.entries);
    for (const [key, b] of other.entries) {
      const a = out.get(key);
      if (!a) {
        out.set(key, b);
        continue;
      }
      const member = a.member || b.member;
      const children = a.children && b.children ? a.children.union(b.children) : (a.children ?? b.children);
      if (member !== a.member || children !== a.children) out.set(key, { pe: a.pe, member, children });
    }
    return new FieldSet(out);
  }

  intersection(other: FieldSet): FieldSet {
    const out = new Map<string, Entry>();
    const [small, large] = this.entries.size <= other.entries.size ? [this, other] : [other, this];
    for (const [key, a] of small.entries) {
      const b = large.entries.get(key);
      if (!b) continue;
      const member = a.member && b.member;
      const children = a.children && b.children ? nonEmpty(a.children.intersection(b.children)) : undefined;
      if (member || children) out.set(key, { pe: a.pe, member, children });
    }
    return new FieldSet(out);
  }

  /**
   * Members of this set that are not members of `other`. Like upstream, a member of `other`
   * does not remove the members below it: it takes the node, not the subtree.
   */
  difference(other: FieldSet): FieldSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    const out = new Map<string, Entry>();
    let changed = false;
    for (const [key, a] of this.entries) {
      const b = other.entries.get(key);
      if (!b) {
        out.set(key, a);
        continue;
      }
      const member = a.member && !b.member;
      const children = a.children && b.children ? nonEmpty(a.children.difference(b.children)) : a.children;
      if (member !== a.member || children !== a.children) changed = true;
      if (member || children) out.set(key, member === a.member && children === a.children ? a : { pe: a.pe, member, children });
    }
    return changed ? new FieldSet(out) : this;
  }

  /** Like difference(), but a member of `other` also removes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    const out = new Map<string, Entry>();
    let changed = false;
    for (const [key, a] of this.entries) {
      const b = other.entries.get(key);
      if (!b) {
        out.set(key, a);
        continue;
      }
      changed = true;
      if (b.member) continue;
      const children = a.children && b.children ? nonEmpty(a.children.recursiveDifference(b.children)) : a.children;
      if (a.member || children) out.set(key, { pe: a.pe, member: a.member, children });
    }
    return changed ? new FieldSet(out) : this;
  }

  equals(other: FieldSet): boolean {
    if (this === other) return true;
    if (this.entries.size !== other.entries.size) return false;
    for (const [key, a] of this.entries) {
      const b = other.entries.get(key);
      if (!b || a.member !== b.member) return false;
      if (a.children !== b.children && !(a.children && b.children && a.children.equals(b.children))) return false;
    }
    return true;
  }

  /**
   * A set with every entry passed through fn, which may change membership and children
   * (returning neither drops the entry).
   */
  mapEntries(fn: (e: Entry) => { member: boolean; children: FieldSet | undefined }): FieldSet {
    const out = new Map<string, Entry>();
    let changed = false;
    for (const [key, e] of this.entries) {
      const r = fn(e);
      const children = r.children && !r.children.isEmpty() ? r.children : undefined;
      if (r.member === e.member && children === e.children) {
        out.set(key, e);
        continue;
      }
      changed = true;
      if (r.member || children) out.set(key, { pe: e.pe, member: r.member, children });
    }
    return changed ? new FieldSet(out) : this;
  }

  /** The entries in no particular order (cheaper than sortedEntries when order does not matter). */
  unorderedEntries(): IterableIterator<Entry> {
    return this.entries.values();
  }

  /** The entries in upstream order. */
  sortedEntries(): readonly Entry[] {
    if (!this.sorted) this.sorted = [...this.entries.values()].sort((a, b) => comparePathElements(a.pe, b.pe));
    return this.sorted;
  }

  /** Calls fn for every member, depth first: a node's members before its children's. */
  iterate(fn: (path: Path) => void, prefix: PathElement[] = []): void {
    const entries = this.sortedEntries();
    for (const e of entries) if (e.member) fn([...prefix, e.pe]);
    for (const e of entries) {
      if (!e.children) continue;
      prefix.push(e.pe);
      e.children.iterate(fn, prefix);
      prefix.pop();
    }
  }

  paths(): Path[] {
    const out: Path[] = [];
    this.iterate((p) => out.push(p));
    return out;
  }

  /**
   * FieldsV1: keys in upstream order, `.` first where a parent is itself a member. The result
   * is frozen and shared: objects of one shape (the pods of a Deployment) record the same
   * fields, and they hold one copy of them instead of one each. The tree is built bottom up
   * in the interner the store uses, a node from its members' canonical copies (one hash per
   * node, and no object made when an equal one exists): no JSON text, no parse, no second
   * walk when the object is stored, which finds the tree interned at its root.
   */
  toFieldsV1(): Record<string, unknown> {
    return this.fieldsV1Node(false);
  }

  private fieldsV1Node(member: boolean): Record<string, unknown> {
    const known = member ? this.fieldsV1Member : this.fieldsV1;
    if (known) return known;
    const keys: string[] = member ? ['.'] : [];
    const values: unknown[] = member ? [emptyFields] : [];
    for (const e of this.sortedEntries()) {
      keys.push(e.pe.key);
      values.push(e.children ? e.children.fieldsV1Node(e.member) : emptyFields);
    }
    const node = sharedInterner.internMembers(keys, values);
    if (member) this.fieldsV1Member = node;
    else this.fieldsV1 = node;
    return node;
  }

  /** Reads FieldsV1; throws on malformed keys, skips keys of unknown kinds as upstream does. */
  static fromFieldsV1(fields: unknown): FieldSet {
    if (fields === null || fields === undefined) return FieldSet.empty();
    return FieldSet.read(fields).children ?? FieldSet.empty();
  }

  // Upstream's readIterV1: a node with no (known) keys is a member; `.` marks a parent that
  // is also a member.
  private static read(node: unknown): { children: FieldSet | undefined; isMember: boolean } {
    if (node === null) return { children: undefined, isMember: true };
    if (typeof node !== 'object' || Array.isArray(node)) {
      throw new PathElementError(`ReadMapCB: expect { or n, but found ${String(JSON.stringify(node)).charAt(0)}`);
    }
    let entries: Map<string, Entry> | undefined;
    let isMember = false;
    const obj = node as Record<string, unknown>;
    for (const key in obj) {
      const value = obj[key];
      if (key === '.') {
        isMember = true;
        continue;
      }
      const pe = parsePathElement(key);
      if (!pe) continue;
      const sub = FieldSet.read(value);
      entries ??= new Map();
      const previous = entries.get(pe.key);
      const children = previous?.children && sub.children ? previous.children.union(sub.children) : (sub.children ?? previous?.children);
      entries.set(pe.key, { pe, member: sub.isMember || (previous?.member ?? false), children });
    }
    if (!entries) return { children: undefined, isMember: true };
    return { children: new FieldSet(entries), isMember };
  }
}

/** The FieldsV1 of a leaf (and of a member that is also a parent, under `.`). */
const emptyFields: Record<string, unknown> = sharedInterner.intern({});

function nonEmpty(s: FieldSet): FieldSet | undefined {
  return s.isEmpty() ? undefined : s;
}

