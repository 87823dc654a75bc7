// Ownership bookkeeping for one write, as structured-merge-diff's merge.Updater:
//   - update: whoever wrote takes every field the write added or modified, from every other
//     manager (for an apply, only with force; otherwise that is a conflict); fields the write
//     removed leave every manager;
//   - apply: merge the configuration into the live object, make the applier own exactly the
//     configuration's fields, and prune what it applied last time, no longer applies, and
//     nobody else owns.
// Managers are keyed by their identifier (see managed-fields.ts). All API versions of a kind
// are taken to share one field layout, so no conversion happens between them.

import { compareValues, type Comparison } from './compare.js';
import { FieldSet } from './field-set.js';
import { mergeValues, MergeError } from './merge.js';
import type { Path } from './path-element.js';
import { removeItems } from './remove.js';
import { ensureNamedFieldsAreMembers, reconcileFieldSetWithSchema } from './schema-sets.js';
import { fieldSetOf } from './to-field-set.js';
import type { TypeNode } from './type-model.js';
import { compareGoStrings } from './go-format.js';
import { equalValues } from './values.js';

export interface VersionedSet {
  readonly set: FieldSet;
  readonly apiVersion: string;
  /** Recorded by an apply (operation Apply) rather than an update. */
  readonly applied: boolean;
}

/** Manager identifier → what it owns. */
export type ManagerSets = Map<string, VersionedSet>;

export interface Conflict {
  manager: string;
  path: Path;
}

/** An apply that would take fields other managers own; carries every such field. */
export class ConflictsError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} conflict(s)`);
    this.name = 'ConflictsError';
  }
}

export interface UpdaterOptions {
  /** The whole object's type. */
  type: TypeNode;
  /** Fields no write may own (reset fields: status on the main resource, spec on /status). */
  ignored?: FieldSet;
}

export interface UpdateResult {
  managers: ManagerSets;
  comparison: Comparison;
}

/** Gives `manager` what changed between `live` and `next`, as a non-apply write does. */
export function recordUpdate(live: unknown, next: unknown, apiVersion: string, managers: ManagerSets, manager: string, opts: UpdaterOptions): ManagerSets {
  const reconciled = reconcileManagers(managers, opts.type);
  const { managers: out, comparison } = takeOwnership(live, next, reconciled, manager, true, opts);
  let set = (out.get(manager)?.set ?? FieldSet.empty()).difference(comparison.removed).union(comparison.modified).union(comparison.added);
  if (opts.ignored) set = set.recursiveDifference(opts.ignored);
  if (set.isEmpty()) out.delete(manager);
  else out.set(manager, { set, apiVersion, applied: false });
  return out;
}

export interface ApplyResult {
  /** The merged and pruned object. */
  object: unknown;
  /** The object equals the live one: nothing to write but managedFields. */
  unchanged: boolean;
  managers: ManagerSets;
}

/** Applies `config` for `manager`; throws ConflictsError unless forced. */
export function recordApply(
  live: unknown,
  config: unknown,
  apiVersion: string,
  managers: ManagerSets,
  manager: string,
  force: boolean,
  opts: UpdaterOptions,
): ApplyResult {
  const out = reconcileManagers(managers, opts.type);
  let merged: unknown;
  try {
    merged = mergeValues(live, config, opts.type);
  } catch (e) {
    if (e instanceof MergeError) throw new Error(`failed to merge config: ${e.message}`);
    throw e;
  }
  const lastSet = out.get(manager);
  let set = fieldSetOf(config, opts.type);
  if (opts.ignored) set = set.recursiveDifference(opts.ignored);
  out.set(manager, { set, apiVersion, applied: true });
  const pruned = prune(merged, out, lastSet, opts.type);
  const { managers: result } = takeOwnership(live, pruned, out, manager, force, opts);
  return { object: pruned, unchanged: equalValues(live, pruned), managers: result };
}

function takeOwnership(live: unknown, next: unknown, managers: ManagerSets, writer: string, force: boolean, opts: UpdaterOptions): UpdateResult {
  const comparison = compareValues(live, next, opts.type);
  if (opts.ignored) {
    comparison.added = comparison.added.recursiveDifference(opts.ignored);
    comparison.modified = comparison.modified.recursiveDifference(opts.ignored);
    comparison.removed = comparison.removed.recursiveDifference(opts.ignored);
  }
  const changed = comparison.modified.union(comparison.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [manager, vs] of managers) {
    if (manager === writer) continue;
    const conflict = vs.set.intersection(changed);
    if (!conflict.isEmpty()) conflicts.set(manager, conflict);
  }
  if (!force && conflicts.size > 0) throw new ConflictsError(conflictsFromManagers(conflicts));
  const out: ManagerSets = new Map();
  for (const [manager, vs] of managers) {
    let set = vs.set;
    if (manager !== writer) {
      const taken = conflicts.get(manager);
      if (taken) set = set.difference(taken);
      set = set.difference(comparison.removed);
    }
    if (!set.isEmpty()) out.set(manager, set === vs.set ? vs : { ...vs, set });
  }
  return { managers: out, comparison };
}

/** One conflict per (manager, field), managers in identifier order, fields in set order. */
export function conflictsFromManagers(sets: Map<string, FieldSet>): Conflict[] {
  const out: Conflict[] = [];
  for (const manager of [...sets.keys()].sort(compareGoStrings)) {
    sets.get(manager)!.iterate((path) => out.push({ manager, path }));
  }
  return out;
}

// Removes what the applier owned last time and no longer applies, unless another manager
// (or the new configuration) owns it, and never what the applier did not own.
function prune(merged: unknown, managers: ManagerSets, lastSet: VersionedSet | undefined, type: TypeNode): unknown {
  if (!lastSet || lastSet.set.isEmpty()) return merged;
  const last = ensureNamedFieldsAreMembers(lastSet.set, type);
  let pruned = removeItems(merged, last, type);

  let managed = FieldSet.empty();
  for (const vs of managers.values()) managed = managed.union(vs.set);
  const mergedSet = ensureNamedFieldsAreMembers(fieldSetOf(merged, type), type);
  const kept = ensureNamedFieldsAreMembers(fieldSetOf(pruned, type), type).union(ensureNamedFieldsAreMembers(managed, type));
  pruned = removeItems(merged, mergedSet.difference(kept), type);

  const prunedSet = ensureNamedFieldsAreMembers(fieldSetOf(pruned, type), type);
  return removeItems(merged, mergedSet.difference(prunedSet).intersection(last), type);
}

function reconcileManagers(managers: ManagerSets, type: TypeNode): ManagerSets {
  const out: ManagerSets = new Map();
  for (const [manager, vs] of managers) {
    const set = reconcileFieldSetWithSchema(vs.set, type);
    out.set(manager, set === vs.set ? vs : { ...vs, set });
  }
  return out;
}
