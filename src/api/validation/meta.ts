// ObjectMeta validation (create and update) and the small validators every kind shares:
// labels, annotations, label selectors, immutable fields, non-negative numbers. Messages are
// apimachinery's, word for word, because kubectl prints them as they come.

import { field, type FieldError } from '../../machinery/errors.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
} from './formats.js';
import { arr, byteLength, child, index, isInt, isObject, isSet, jsonEqual, obj, semanticEqual, str } from './shape.js';

export { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './formats.js';

export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'pathSegment' | 'none';

export const fieldImmutableErrorMsg = 'field is immutable';
export const isNegativeErrorMsg = 'must be greater than or equal to 0';
export const totalAnnotationSizeLimitB = 256 * 1024;

/** Kubernetes' ValidateNameFunc: `prefix` is true for generateName, whose trailing dash is fine. */
export function nameProblems(rule: NameRule, name: string, prefix: boolean): string[] {
  const masked = prefix ? maskTrailingDash(name) : name;
  switch (rule) {
    case 'subdomain':
      return isDNS1123Subdomain(masked);
    case 'label':
      return isDNS1123Label(masked);
    case 'dns1035':
      return isDNS1035Label(masked);
    case 'pathSegment':
      return prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name);
    case 'none':
      return [];
  }
}

function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? name.slice(0, -2) + 'a' : name;
}

export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => field.invalid(path, name, msg));
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(labels)) return errs;
  if (!isObject(labels)) return [field.invalid(path, labels, 'must be a map of string keys to string values')];
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...validateLabelName(k, path));
    if (typeof v !== 'string') {
      errs.push(field.invalid(path, v, 'label values must be strings'));
      continue;
    }
    for (const msg of isValidLabelValue(v)) errs.push(field.invalid(path, v, msg));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(annotations)) return errs;
  if (!isObject(annotations)) return [field.invalid(path, annotations, 'must be a map of string keys to string values')];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(field.invalid(path, k, msg));
    if (typeof v !== 'string') errs.push(field.invalid(path, v, 'annotation values must be strings'));
    total += byteLength(k) + byteLength(typeof v === 'string' ? v : '');
  }
  if (total > totalAnnotationSizeLimitB) errs.push(field.tooLong(path, '', totalAnnotationSizeLimitB));
  return errs;
}

export function validateNonnegative(value: unknown, path: string): FieldError[] {
  if (!isSet(value)) return [];
  if (typeof value !== 'number') return [field.invalid(path, value, 'must be an integer')];
  return value < 0 ? [field.invalid(path, value, isNegativeErrorMsg)] : [];
}

/** ValidateImmutableField: any semantic difference is "field is immutable", showing the new value. */
export function validateImmutableField(newVal: unknown, oldVal: unknown, path: string): FieldError[] {
  return semanticEqual(newVal, oldVal) ? [] : [field.invalid(path, newVal ?? null, fieldImmutableErrorMsg)];
}

/** metav1.LabelSelector (matchLabels and matchExpressions). */
export function validateLabelSelector(sel: unknown, path: string, opts: { allowInvalidLabelValueInSelector?: boolean } = {}): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(sel)) return errs;
  if (!isObject(sel)) return [field.invalid(path, sel, 'must be a label selector object')];
  errs.push(...validateLabels(sel.matchLabels, child(path, 'matchLabels')));
  arr(sel.matchExpressions).forEach((raw, i) => {
    errs.push(...validateLabelSelectorRequirement(raw, index(child(path, 'matchExpressions'), i), opts));
  });
  return errs;
}

export function validateLabelSelectorRequirement(
  raw: unknown,
  path: string,
  opts: { allowInvalidLabelValueInSelector?: boolean } = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const req = obj(raw);
  const values = arr(req.values);
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(field.required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(field.forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(field.invalid(child(path, 'operator'), str(req.operator), 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(req.key), child(path, 'key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const msg of isValidLabelValue(str(v))) errs.push(field.invalid(index(child(path, 'values'), i), str(v), msg));
    });
  }
  return errs;
}

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function validateFinalizerName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => field.invalid(path, name, msg));
}

/** Core kinds also demand that an unqualified finalizer be one of Kubernetes' own. */
function validateKubeFinalizerName(name: string, path: string): FieldError[] {
  const errs = validateFinalizerName(name, path);
  if (name.split('/').length === 1 && !standardFinalizers.has(name)) {
    errs.push(field.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(finalizers).map(str);
  for (const f of list) errs.push(...validateFinalizerName(f, path));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(field.invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  list.forEach((f, i) => errs.push(...validateKubeFinalizerName(f, index(path, i))));
  return errs;
}

function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const raw of arr(refs)) {
    const ref = obj(raw);
    const apiVersion = str(ref.apiVersion);
    const kind = str(ref.kind);
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    if (version.length === 0) errs.push(field.invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (kind.length === 0) errs.push(field.invalid(child(path, 'kind'), kind, 'kind must not be empty'));
    if (str(ref.name).length === 0) errs.push(field.invalid(child(path, 'name'), str(ref.name), 'name must not be empty'));
    if (str(ref.uid).length === 0) errs.push(field.invalid(child(path, 'uid'), str(ref.uid), 'uid must not be empty'));
    if (group === '' && version === 'v1' && kind === 'Event') {
      errs.push(field.invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const name = `${kind}/${str(ref.name)}`;
      if (firstController !== '') {
        errs.push(
          field.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`),
        );
      } else firstController = name;
    }
  }
  return errs;
}

function validateFieldManager(manager: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (byteLength(manager) > 128) errs.push(field.tooLong(path, '', 128));
  let i = 0;
  for (const ch of manager) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
      const hex = c.toString(16).toUpperCase().padStart(4, '0');
      errs.push(field.invalid(path, manager, `invalid character U+${hex} (at position ${i})`));
    }
    i += byteLength(ch);
  }
  return errs;
}

function validateManagedFields(entries: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(entries).forEach((raw, i) => {
    const e = obj(raw);
    const p = index(path, i);
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push(field.invalid(child(p, 'operation'), str(e.operation), 'must be `Apply` or `Update`'));
    }
    if (str(e.fieldsType).length > 0 && e.fieldsType !== 'FieldsV1') {
      errs.push(field.invalid(child(p, 'fieldsType'), str(e.fieldsType), 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(str(e.manager), child(p, 'manager')));
    if (byteLength(str(e.subresource)) > 256) errs.push(field.tooLong(child(p, 'subresource'), '', 256));
  });
  return errs;
}

/** Fields whose JSON type is wrong are reported once, instead of as many confusing errors. */
function typeErrors(meta: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['name', 'generateName', 'namespace', 'uid', 'resourceVersion']) {
    if (isSet(meta[f]) && typeof meta[f] !== 'string') errs.push(field.invalid(child(path, f), meta[f], 'must be a string'));
  }
  for (const f of ['ownerReferences', 'finalizers', 'managedFields']) {
    if (isSet(meta[f]) && !Array.isArray(meta[f])) errs.push(field.invalid(child(path, f), meta[f], 'must be a list'));
  }
  if (isSet(meta.generation) && !isInt(meta.generation)) errs.push(field.invalid(child(path, 'generation'), meta.generation, 'must be an integer'));
  return errs;
}

/**
 * ValidateObjectMeta for a create: name (or generateName) per the kind's rule, namespace
 * required or forbidden, labels, annotations, owner references, finalizers, managed fields.
 */
export function validateObjectMeta(
  meta: unknown,
  opts: { namespaced: boolean; nameRule: NameRule; path?: string },
): FieldError[] {
  const path = opts.path ?? 'metadata';
  if (!isObject(meta)) return [field.required(child(path, 'name'), 'name or generateName is required')];
  const errs = typeErrors(meta, path);
  const name = str(meta.name);
  const generateName = str(meta.generateName);
  const namespace = str(meta.namespace);
  if (generateName.length !== 0) {
    for (const msg of nameProblems(opts.nameRule, generateName, true)) errs.push(field.invalid(child(path, 'generateName'), generateName, msg));
  }
  if (name.length === 0) errs.push(field.required(child(path, 'name'), 'name or generateName is required'));
  else for (const msg of nameProblems(opts.nameRule, name, false)) errs.push(field.invalid(child(path, 'name'), name, msg));
  if (opts.namespaced) {
    if (namespace.length === 0) errs.push(field.required(child(path, 'namespace'), ''));
    else for (const msg of nameProblems('label', namespace, false)) errs.push(field.invalid(child(path, 'namespace'), namespace, msg));
  } else if (namespace.length !== 0) {
    errs.push(field.forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  if (isInt(meta.generation) && meta.generation < 0) errs.push(field.invalid(child(path, 'generation'), meta.generation, isNegativeErrorMsg));
  errs.push(...validateLabels(meta.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, child(path, 'finalizers')));
  errs.push(...validateManagedFields(meta.managedFields, child(path, 'managedFields')));
  return errs;
}

/** ValidateObjectMetaUpdate: identity and timestamps are immutable; no new finalizers while deleting. */
export function validateObjectMetaUpdate(meta: unknown, oldMeta: unknown, path = 'metadata'): FieldError[] {
  const m = obj(meta);
  const old = obj(oldMeta);
  const errs = typeErrors(m, path);
  if (isSet(old.deletionTimestamp)) {
    const oldFinalizers = new Set(arr(old.finalizers).map(str));
    const extra = [...new Set(arr(m.finalizers).map(str))].filter((f) => !oldFinalizers.has(f)).sort();
    if (extra.length) {
      errs.push(
        field.forbidden(
          child(path, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
    }
  }
  if (str(m.resourceVersion).length === 0) errs.push(field.invalid(child(path, 'resourceVersion'), str(m.resourceVersion), 'must be specified for an update'));
  const generation = isInt(m.generation) ? m.generation : 0;
  const oldGeneration = isInt(old.generation) ? old.generation : 0;
  if (generation < oldGeneration) errs.push(field.invalid(child(path, 'generation'), generation, 'must not be decremented'));
  for (const f of ['name', 'namespace', 'uid']) {
    if (str(m[f]) !== str(old[f])) errs.push(field.invalid(child(path, f), str(m[f]), fieldImmutableErrorMsg));
  }
  for (const f of ['creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
    if (!sameTimeOrNumber(m[f], old[f])) errs.push(field.invalid(child(path, f), m[f] ?? null, fieldImmutableErrorMsg));
  }
  errs.push(...validateLabels(m.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(m.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateManagedFields(m.managedFields, child(path, 'managedFields')));
  arr(m.finalizers).forEach((f, i) => errs.push(...validateKubeFinalizerName(str(f), index(child(path, 'finalizers'), i))));
  return errs;
}

/** Timestamps compare as instants at second precision, the precision metav1.Time keeps. */
function sameTimeOrNumber(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    const ta = Date.parse(a);
    const tb = Date.parse(b);
    if (!Number.isNaN(ta) && !Number.isNaN(tb)) return Math.floor(ta / 1000) === Math.floor(tb / 1000);
  }
  return jsonEqual(a, b);
}
