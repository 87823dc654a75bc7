// Field-set operations that need the schema: counting declared struct fields as owned
// (structured-merge-diff's EnsureNamedFieldsAreMembers, which lets prune remove a struct an
// applier stopped applying) and reconciling stored ownership with a schema that has changed
// between atomic and granular since it was recorded (ReconcileFieldSetWithSchema).

import { FieldSet } from './field-set.js';
import type { PathElement } from './path-element.js';
import type { TypeNode } from './type-model.js';

/** `s` plus every declared struct field that has members below it. */
export function ensureNamedFieldsAreMembers(s: FieldSet, t: TypeNode | undefined): FieldSet {
  if (s.isEmpty()) return s;
  const map = t?.map;
  return s.mapEntries((e) => {
    let childType: TypeNode | undefined;
    let named = false;
    if (e.pe.kind === 'field' && map) {
      const declared = map.field(e.pe.name);
      named = declared !== undefined;
      childType = declared ?? map.element;
    } else if (e.pe.kind === 'key' && t?.list) {
      childType = t.list.element;
    }
    const children = e.children && ensureNamedFieldsAreMembers(e.children, childType);
    return { member: e.member || (named && e.children !== undefined), children };
  });
}

/** `s` adjusted to the current schema, or `s` itself when nothing changed. */
export function reconcileFieldSetWithSchema(s: FieldSet, root: TypeNode): FieldSet {
  const toRemove = FieldSet.empty();
  const toAdd = FieldSet.empty();
  reconcile(s, root, [], false, toRemove, toAdd);
  if (toRemove.isEmpty() && toAdd.isEmpty()) return s;
  return s.recursiveDifference(toRemove).union(toAdd);
}

// A node that became atomic is owned whole by whoever owned anything in it: its members are
// replaced by the node itself. Deduced maps (preserve-unknown-fields) carry no such tags.
function reconcile(s: FieldSet | undefined, t: TypeNode, path: PathElement[], isAtomic: boolean, toRemove: FieldSet, toAdd: FieldSet): void {
  if (t.map) {
    if (t.map.deducedOnly) return;
    if (!isAtomic && t.map.atomic) {
      if (s && !s.isEmpty()) {
        toRemove.insert(path);
        toAdd.insert(path);
      }
      return;
    }
    if (!s) return;
    for (const e of s.unorderedEntries()) {
      const child = e.pe.kind === 'field' ? (t.map.field(e.pe.name) ?? t.map.element) : t.map.element;
      if (!child) continue;
      path.push(e.pe);
      reconcile(e.children, child, path, e.member && !e.children, toRemove, toAdd);
      path.pop();
    }
    return;
  }
  if (t.scalar) return;
  if (t.list) {
    if (!isAtomic && t.list.atomic) {
      toRemove.insert(path);
      toAdd.insert(path);
      return;
    }
    if (!s) return;
    for (const e of s.unorderedEntries()) {
      path.push(e.pe);
      reconcile(e.children, t.list.element, path, e.member && !e.children, toRemove, toAdd);
      path.pop();
    }
  }
}
