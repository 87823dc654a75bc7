// Scheduling constraints: node selectors and node affinity, pod (anti-)affinity, tolerations,
// node taints and topology spread constraints. Shared by pods, persistent volumes (node
// affinity) and nodes (taints).

import { field, type FieldError } from '../../machinery/errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidLabelValue } from './formats.js';
import { validateLabelName, validateLabelSelector } from './meta.js';
import { isNotPositiveErrorMsg } from './resources.js';
import { arr, child, index, isSet, obj, str, strMap } from './shape.js';

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

export function validateNodeSelectorRequirement(raw: unknown, allowInvalidLabelValue: boolean, path: string): FieldError[] {
  const rq = obj(raw);
  const errs: FieldError[] = [];
  const values = arr(rq.values);
  switch (rq.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(field.required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(field.forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(field.required(child(path, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(field.invalid(child(path, 'operator'), str(rq.operator), 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(rq.key), child(path, 'key')));
  if (!allowInvalidLabelValue) {
    values.forEach((v, i) => errs.push(...isValidLabelValue(str(v)).map((m) => field.invalid(index(child(path, 'values'), i), str(v), m))));
  }
  return errs;
}

function validateNodeFieldSelectorRequirement(raw: unknown, path: string): FieldError[] {
  const rq = obj(raw);
  const errs: FieldError[] = [];
  const values = arr(rq.values);
  if (rq.operator === 'In' || rq.operator === 'NotIn') {
    if (values.length !== 1) errs.push(field.required(child(path, 'values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(field.invalid(child(path, 'operator'), str(rq.operator), 'not a valid selector operator'));
  }
  if (rq.key !== 'metadata.name') errs.push(field.invalid(child(path, 'key'), str(rq.key), 'not a valid field selector key'));
  else values.forEach((v, i) => errs.push(...isDNS1123Subdomain(str(v)).map((m) => field.invalid(index(child(path, 'values'), i), str(v), m))));
  return errs;
}

export function validateNodeSelectorTerm(raw: unknown, allowInvalidLabelValue: boolean, path: string): FieldError[] {
  const term = obj(raw);
  const errs: FieldError[] = [];
  arr(term.matchExpressions).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(r, allowInvalidLabelValue, index(child(path, 'matchExpressions'), j))));
  arr(term.matchFields).forEach((r, j) => errs.push(...validateNodeFieldSelectorRequirement(r, index(child(path, 'matchFields'), j))));
  return errs;
}

export function validateNodeSelector(raw: unknown, allowInvalidLabelValue: boolean, path: string): FieldError[] {
  const terms = arr(obj(raw).nodeSelectorTerms);
  const termPath = child(path, 'nodeSelectorTerms');
  if (terms.length === 0) return [field.required(termPath, 'must have at least one node selector term')];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, allowInvalidLabelValue, index(termPath, i)));
}

/** True when any required term carries a value that is not a valid label value (kept on update). */
export function hasInvalidLabelValueInNodeSelectorTerms(terms: unknown): boolean {
  return arr(terms).some((t) => arr(obj(t).matchExpressions).some((e) => arr(obj(e).values).some((v) => isValidLabelValue(str(v)).length > 0)));
}

function validatePreferredSchedulingTerms(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(raw).forEach((t, i) => {
    const term = obj(t);
    const weight = num(term.weight);
    if (weight <= 0 || weight > 100) errs.push(field.invalid(child(index(path, i), 'weight'), weight, 'must be in the range 1-100'));
    // Preferred terms may use any value: they can still succeed on a one-node cluster.
    errs.push(...validateNodeSelectorTerm(term.preference, true, child(index(path, i), 'preference')));
  });
  return errs;
}

function validateLabelKeys(path: string, keys: unknown[], selector: unknown): FieldError[] {
  if (keys.length === 0) return [];
  if (!isSet(selector)) return [field.forbidden(path, 'must not be specified when labelSelector is not set')];
  return keys.flatMap((k, i) => validateLabelName(str(k), index(path, i)));
}

function validateMatchLabelKeysAndMismatchLabelKeys(path: string, matchKeys: unknown[], mismatchKeys: unknown[], selector: unknown): FieldError[] {
  const errs = [
    ...validateLabelKeys(child(path, 'matchLabelKeys'), matchKeys, selector),
    ...validateLabelKeys(child(path, 'mismatchLabelKeys'), mismatchKeys, selector),
  ];
  if (isSet(selector)) {
    const sel = obj(selector);
    const matchIndex = new Map(matchKeys.map((k, i) => [str(k), i] as [string, number]));
    const selectorKeys = new Set(Object.keys(obj(sel.matchLabels)));
    for (const expr of arr(sel.matchExpressions)) {
      const k = str(obj(expr).key);
      const i = matchIndex.get(k);
      if (i !== undefined && selectorKeys.has(k)) errs.push(field.invalid(index(path, i), k, 'exists in both matchLabelKeys and labelSelector'));
      selectorKeys.add(k);
    }
  }
  const mismatch = new Set(mismatchKeys.map(str));
  matchKeys.forEach((k, i) => {
    if (mismatch.has(str(k))) errs.push(field.invalid(index(child(path, 'matchLabelKeys'), i), str(k), 'exists in both matchLabelKeys and mismatchLabelKeys'));
  });
  return errs;
}

function validatePodAffinityTerm(raw: unknown, allowInvalidLabelValue: boolean, path: string): FieldError[] {
  const term = obj(raw);
  const opts = { allowInvalidLabelValueInSelector: allowInvalidLabelValue };
  const errs = [
    ...validateLabelSelector(term.labelSelector, child(path, 'labelSelector'), opts),
    ...validateLabelSelector(term.namespaceSelector, child(path, 'namespaceSelector'), opts),
  ];
  for (const ns of arr(term.namespaces)) errs.push(...isDNS1123Label(str(ns)).map((m) => field.invalid(child(path, 'namespace'), str(ns), m)));
  errs.push(...validateMatchLabelKeysAndMismatchLabelKeys(path, arr(term.matchLabelKeys), arr(term.mismatchLabelKeys), term.labelSelector));
  const topologyKey = str(term.topologyKey);
  if (topologyKey === '') errs.push(field.required(child(path, 'topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(topologyKey, child(path, 'topologyKey')));
  return errs;
}

function validatePodAffinitySide(raw: unknown, allowInvalidLabelValue: boolean, path: string): FieldError[] {
  const a = obj(raw);
  const errs: FieldError[] = [];
  const requiredPath = child(path, 'requiredDuringSchedulingIgnoredDuringExecution');
  arr(a.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => errs.push(...validatePodAffinityTerm(t, allowInvalidLabelValue, index(requiredPath, i))));
  const preferredPath = child(path, 'preferredDuringSchedulingIgnoredDuringExecution');
  arr(a.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, j) => {
    const weighted = obj(t);
    const weight = num(weighted.weight);
    if (weight <= 0 || weight > 100) errs.push(field.invalid(child(index(preferredPath, j), 'weight'), weight, 'must be in the range 1-100'));
    errs.push(...validatePodAffinityTerm(weighted.podAffinityTerm, allowInvalidLabelValue, child(index(preferredPath, j), 'podAffinityTerm')));
  });
  return errs;
}

export interface AffinityOptions {
  allowInvalidLabelValueInSelector?: boolean;
  allowInvalidLabelValueInRequiredNodeAffinity?: boolean;
}

export function validateAffinity(raw: unknown, path: string, opts: AffinityOptions = {}): FieldError[] {
  if (!isSet(raw)) return [];
  const affinity = obj(raw);
  const errs: FieldError[] = [];
  if (isSet(affinity.nodeAffinity)) {
    const na = obj(affinity.nodeAffinity);
    const p = child(path, 'nodeAffinity');
    if (isSet(na.requiredDuringSchedulingIgnoredDuringExecution)) {
      errs.push(
        ...validateNodeSelector(
          na.requiredDuringSchedulingIgnoredDuringExecution,
          opts.allowInvalidLabelValueInRequiredNodeAffinity ?? false,
          child(p, 'requiredDuringSchedulingIgnoredDuringExecution'),
        ),
      );
    }
    if (arr(na.preferredDuringSchedulingIgnoredDuringExecution).length > 0) {
      errs.push(...validatePreferredSchedulingTerms(na.preferredDuringSchedulingIgnoredDuringExecution, child(p, 'preferredDuringSchedulingIgnoredDuringExecution')));
    }
  }
  const allowInvalid = opts.allowInvalidLabelValueInSelector ?? false;
  if (isSet(affinity.podAffinity)) errs.push(...validatePodAffinitySide(affinity.podAffinity, allowInvalid, child(path, 'podAffinity')));
  if (isSet(affinity.podAntiAffinity)) errs.push(...validatePodAffinitySide(affinity.podAntiAffinity, allowInvalid, child(path, 'podAntiAffinity')));
  return errs;
}

// --- taints and tolerations ---

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTaintEffect(effect: string, allowEmpty: boolean, path: string): FieldError[] {
  if (!allowEmpty && effect === '') return [field.required(path, '')];
  return taintEffects.includes(effect) ? [] : [field.notSupported(path, effect, taintEffects)];
}

export function validateTolerations(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(raw).forEach((t, i) => {
    const tol = obj(t);
    const p = index(path, i);
    const k = str(tol.key);
    const operator = str(tol.operator);
    const value = str(tol.value);
    const effect = str(tol.effect);
    if (k.length > 0) errs.push(...validateLabelName(k, child(p, 'key')));
    if (k.length === 0 && operator !== 'Exists') {
      errs.push(field.invalid(child(p, 'operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (isSet(tol.tolerationSeconds) && effect !== 'NoExecute') {
      errs.push(field.invalid(child(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (operator) {
      case 'Equal':
      case '': {
        const problems = isValidLabelValue(value);
        if (problems.length) errs.push(field.invalid(child(p, 'operator'), value, problems.join(';')));
        break;
      }
      case 'Exists':
        if (value.length > 0) errs.push(field.invalid(child(p, 'operator'), value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(field.notSupported(child(p, 'operator'), operator, ['Equal', 'Exists']));
    }
    if (effect.length > 0) errs.push(...validateTaintEffect(effect, true, child(p, 'effect')));
  });
  return errs;
}

export function validateNodeTaints(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Map<string, Set<string>>();
  arr(raw).forEach((t, i) => {
    const taint = obj(t);
    const p = index(path, i);
    const k = str(taint.key);
    const effect = str(taint.effect);
    errs.push(...validateLabelName(k, child(p, 'key')));
    const problems = isValidLabelValue(str(taint.value));
    if (problems.length) errs.push(field.invalid(child(p, 'value'), str(taint.value), problems.join(';')));
    errs.push(...validateTaintEffect(effect, false, child(p, 'effect')));
    const keys = unique.get(effect) ?? new Set<string>();
    if (keys.has(k)) {
      const dup = field.duplicate(p, taint);
      dup.detail = 'taints must be unique by key and effect pair';
      errs.push(dup);
      return;
    }
    keys.add(k);
    unique.set(effect, keys);
  });
  return errs;
}

// --- topology spread ---

const scheduleActions = ['DoNotSchedule', 'ScheduleAnyway'];
const nodeInclusionPolicies = ['Honor', 'Ignore'];

export function validateTopologySpreadConstraints(raw: unknown, path: string, opts: { allowInvalidLabelSelector?: boolean } = {}): FieldError[] {
  const errs: FieldError[] = [];
  const constraints = arr(raw).map(obj);
  constraints.forEach((c, i) => {
    const p = index(path, i);
    const maxSkew = num(c.maxSkew);
    if (maxSkew <= 0) errs.push(field.invalid(child(p, 'maxSkew'), maxSkew, isNotPositiveErrorMsg));
    if (str(c.topologyKey) === '') errs.push(field.required(child(p, 'topologyKey'), 'can not be empty'));
    const action = str(c.whenUnsatisfiable);
    if (!scheduleActions.includes(action)) errs.push(field.notSupported(child(p, 'whenUnsatisfiable'), action, scheduleActions));
    const dup = constraints.slice(i + 1).some((o) => str(o.topologyKey) === str(c.topologyKey) && str(o.whenUnsatisfiable) === action);
    if (dup) errs.push(field.duplicate(child(p, '{topologyKey, whenUnsatisfiable}'), `{${str(c.topologyKey)}, ${action}}`));
    if (isSet(c.minDomains)) {
      const minDomains = num(c.minDomains);
      if (minDomains <= 0) errs.push(field.invalid(child(p, 'minDomains'), minDomains, isNotPositiveErrorMsg));
      if (action !== 'DoNotSchedule') {
        errs.push(field.invalid(child(p, 'minDomains'), minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
      }
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (isSet(c[f]) && !nodeInclusionPolicies.includes(str(c[f]))) errs.push(field.notSupported(child(p, f), c[f], nodeInclusionPolicies));
    }
    const matchLabelKeys = arr(c.matchLabelKeys);
    if (matchLabelKeys.length > 0) {
      const mlkPath = child(p, 'matchLabelKeys');
      const selectorKeys = new Set<string>();
      if (isSet(c.labelSelector)) {
        const sel = obj(c.labelSelector);
        for (const k of Object.keys(obj(sel.matchLabels))) selectorKeys.add(k);
        for (const e of arr(sel.matchExpressions)) selectorKeys.add(str(obj(e).key));
      } else {
        errs.push(field.forbidden(mlkPath, 'must not be specified when labelSelector is not set'));
      }
      matchLabelKeys.forEach((k, j) => {
        errs.push(...validateLabelName(str(k), index(mlkPath, j)));
        if (selectorKeys.has(str(k))) errs.push(field.invalid(index(mlkPath, j), str(k), 'exists in both matchLabelKeys and labelSelector'));
      });
    }
    if (!opts.allowInvalidLabelSelector) errs.push(...validateLabelSelector(c.labelSelector, child(p, 'labelSelector')));
  });
  return errs;
}

/** spec.nodeSelector on gated pods: additions only. */
export function validateNodeSelectorMutation(path: string, newSel: unknown, oldSel: unknown): FieldError[] {
  const n = strMap(newSel);
  for (const [k, v] of Object.entries(strMap(oldSel))) {
    if (n[k] !== v) return [field.invalid(path, newSel ?? null, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)')];
  }
  return [];
}
