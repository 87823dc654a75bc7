// Name reservation for CustomResourceDefinitions, as the apiextensions-apiserver's naming and
// establishing controllers decide it: a CRD's requested names become its accepted names unless
// another CRD of the same group already accepted them; NamesAccepted says which name clashed,
// and Established turns True once the initial names are accepted (and stays True after).

import { semanticEqual } from '../../api/validation/shape.js';
import type { Condition, Definition, Names } from './definition.js';

export const ConditionType = {
  NamesAccepted: 'NamesAccepted',
  Established: 'Established',
  Terminating: 'Terminating',
} as const;

/** A condition to set; setCondition stamps its transition time. */
export type NewCondition = Omit<Condition, 'lastTransitionTime'>;

/**
 * SetCRDCondition: replaces the condition of the same type (keeping its transition time when
 * the status does not change) or appends it.
 */
export function setCondition(conditions: Condition[], next: NewCondition, now: string): Condition[] {
  const out = conditions.map((c) => ({ ...c }));
  const existing = out.find((c) => c.type === next.type);
  if (!existing) {
    out.push({ type: next.type, status: next.status, lastTransitionTime: now, reason: next.reason, message: next.message });
    return out;
  }
  if (existing.status !== next.status || !existing.lastTransitionTime) existing.lastTransitionTime = now;
  existing.status = next.status;
  existing.reason = next.reason;
  existing.message = next.message;
  return out;
}

export function removeCondition(conditions: Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

/** IsCRDConditionEquivalent: equal apart from the transition time. */
export function equivalentCondition(a: NewCondition | undefined, b: NewCondition | undefined): boolean {
  if (!a || !b) return a === b;
  return a.type === b.type && a.status === b.status && (a.reason ?? '') === (b.reason ?? '') && (a.message ?? '') === (b.message ?? '');
}

function conflict(requested: string, accepted: string, used: Set<string>): string | undefined {
  if (requested === accepted || !used.has(requested)) return undefined;
  return `${JSON.stringify(requested)} is already in use`;
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  // reflect.DeepEqual: a nil list differs from an empty one.
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface NamingOutcome {
  acceptedNames: Names;
  namesAccepted: NewCondition;
  established: NewCondition;
}

/**
 * calculateNamesAndConditions: `group` holds every CRD of the same API group, this one
 * included (its own accepted names are in use by itself).
 */
export function calculateNames(crd: Definition, group: Definition[]): NamingOutcome {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const other of group) {
    const n = other.acceptedNames;
    resources.add(n.plural);
    resources.add(n.singular);
    for (const s of n.shortNames ?? []) resources.add(s);
    kinds.add(n.kind);
    kinds.add(n.listKind);
  }
  const requested = crd.names;
  const accepted = crd.acceptedNames;
  const names: Names = { ...accepted };
  let namesAccepted: NewCondition = { type: ConditionType.NamesAccepted, status: 'Unknown' };
  const fail = (reason: string, message: string) => {
    namesAccepted = { type: ConditionType.NamesAccepted, status: 'False', reason, message };
  };

  const pluralConflict = conflict(requested.plural, accepted.plural, resources);
  if (pluralConflict) fail('PluralConflict', pluralConflict);
  else names.plural = requested.plural;

  const singularConflict = conflict(requested.singular, accepted.singular, resources);
  if (singularConflict) fail('SingularConflict', singularConflict);
  else names.singular = requested.singular;

  if (!sameList(requested.shortNames, accepted.shortNames)) {
    const mine = new Set(accepted.shortNames ?? []);
    const errors: string[] = [];
    for (const s of requested.shortNames ?? []) {
      if (mine.has(s) || s === accepted.plural || s === accepted.singular) continue;
      const c = conflict(s, '', resources);
      if (c) errors.push(c);
    }
    if (errors.length) fail('ShortNamesConflict', errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
    else names.shortNames = requested.shortNames;
  }

  const kindConflict = conflict(requested.kind, accepted.kind, kinds);
  if (kindConflict) fail('KindConflict', kindConflict);
  else names.kind = requested.kind;

  const listKindConflict = conflict(requested.listKind, accepted.listKind, kinds);
  if (listKindConflict) fail('ListKindConflict', listKindConflict);
  else names.listKind = requested.listKind;

  names.categories = requested.categories;
  if (names.categories === undefined) delete names.categories;
  if (names.shortNames === undefined) delete names.shortNames;

  if (namesAccepted.status === 'Unknown') {
    namesAccepted = { type: ConditionType.NamesAccepted, status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };
  }

  // Established is False until the establishing step sees NamesAccepted; once True it stays.
  let established: NewCondition = { type: ConditionType.Established, status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' };
  const old = crd.condition(ConditionType.Established);
  if (old) established = { type: old.type, status: old.status, reason: old.reason, message: old.message };
  if (established.status !== 'True' && namesAccepted.status === 'True') {
    established = { type: ConditionType.Established, status: 'False', reason: 'Installing', message: 'the initial names have been accepted' };
  }
  return { acceptedNames: names, namesAccepted, established };
}

/** The naming step has work to do only when the requested names are not all accepted yet. */
export function namesNeedReconcile(crd: Definition): boolean {
  return !semanticEqual(crd.names, crd.acceptedNames);
}

export const establishedCondition: NewCondition = {
  type: ConditionType.Established,
  status: 'True',
  reason: 'InitialNamesAccepted',
  message: 'the initial names have been accepted',
};

/** Accepted names in the JSON form status.acceptedNames has (Go's field order, omitempty). */
export function acceptedNamesJson(n: Names): Record<string, unknown> {
  const out: Record<string, unknown> = { plural: n.plural };
  if (n.singular) out.singular = n.singular;
  if (n.shortNames?.length) out.shortNames = n.shortNames;
  out.kind = n.kind;
  if (n.listKind) out.listKind = n.listKind;
  if (n.categories?.length) out.categories = n.categories;
  return out;
}

/** A condition as status.conditions holds it (Go's field order). */
export function conditionJson(c: Condition): Record<string, unknown> {
  const out: Record<string, unknown> = { type: c.type, status: c.status };
  if (c.lastTransitionTime) out.lastTransitionTime = c.lastTransitionTime;
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  return out;
}
