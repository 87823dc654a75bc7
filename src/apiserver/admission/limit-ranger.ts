// LimitRanger: containers without requests or limits get the defaults of the namespace's
// LimitRanges (and the pod a kubernetes.io/limit-ranger annotation saying so); then pods and
// claims outside a LimitRange's min, max or limit/request ratio are refused.

import type { KubeObject } from '../../api/object.js';
import { podQOSClass } from '../../api/helpers/qos.js';
import { formatQuantity, quantityScaledValue, type Quantity } from '../../machinery/quantity.js';
import { podLimits, podRequests } from './resources/pod-resources.js';
import { parseResourceList, type ResourceList } from './resources/resource-list.js';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from './types.js';
import { admissionForbidden, aggregateMessage, asObject, asObjects, ensureObject, isObject, type JsonObject } from './util.js';

export const limitRangerAnnotation = 'kubernetes.io/limit-ranger';

/** resource.MaxMilliValue: above it, comparisons fall back to whole units. */
const maxMilliValue = 9223372036854775n;

interface LimitRangeItem {
  type: string;
  min: ResourceList;
  max: ResourceList;
  maxLimitRequestRatio: ResourceList;
  default: JsonObject;
  defaultRequest: JsonObject;
}

function itemsOf(lr: KubeObject): LimitRangeItem[] {
  return asObjects(asObject(lr.spec).limits).map((l) => ({
    type: typeof l.type === 'string' ? l.type : '',
    min: parseResourceList(l.min),
    max: parseResourceList(l.max),
    maxLimitRequestRatio: parseResourceList(l.maxLimitRequestRatio),
    default: asObject(l.default),
    defaultRequest: asObject(l.defaultRequest),
  }));
}

function sortedEntries(list: ResourceList): [string, Quantity][] {
  return [...list].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function isPod(attrs: AdmissionAttributes): boolean {
  return attrs.resource.group === '' && attrs.resource.plural === 'pods';
}

function isClaim(attrs: AdmissionAttributes): boolean {
  return attrs.resource.group === '' && attrs.resource.plural === 'persistentvolumeclaims';
}

/** Pods on create, claims on create and update; objects being deleted are left alone. */
function applies(attrs: AdmissionAttributes): boolean {
  if (attrs.subresource !== '' || !attrs.object) return false;
  if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return false;
  // Containers cannot change after creation, so pod updates have nothing to check.
  if (isPod(attrs) && attrs.operation === 'UPDATE') return false;
  if (!isPod(attrs) && !isClaim(attrs)) return false;
  return !attrs.oldObject?.metadata.deletionTimestamp;
}

// ---- defaulting ----

/** The Container defaults of one LimitRange, later items overriding earlier ones. */
function containerDefaults(lr: KubeObject): { limits: JsonObject; requests: JsonObject } {
  const limits: JsonObject = {};
  const requests: JsonObject = {};
  for (const item of itemsOf(lr)) {
    if (item.type !== 'Container') continue;
    Object.assign(requests, item.defaultRequest);
    Object.assign(limits, item.default);
  }
  return { limits, requests };
}

function fillMissing(resources: JsonObject, key: 'limits' | 'requests', defaults: JsonObject): string[] {
  const names = Object.keys(defaults);
  if (names.length === 0) return [];
  const current = isObject(resources[key]) ? (resources[key] as JsonObject) : undefined;
  const set = names.filter((n) => !current || !(n in current));
  if (set.length === 0) return [];
  const target = ensureObject(resources, key);
  for (const n of set) target[n] = defaults[n];
  return set.sort();
}

/** mergePodResourceRequirements: fills absent entries and annotates what it set. */
export function applyContainerDefaults(pod: KubeObject, lr: KubeObject): void {
  const defaults = containerDefaults(lr);
  const spec = asObject(pod.spec);
  const notes: string[] = [];
  for (const [kind, label] of [
    ['containers', 'container'],
    ['initContainers', 'init container'],
  ] as const) {
    for (const c of asObjects(spec[kind])) {
      const hasDefaults = Object.keys(defaults.limits).length > 0 || Object.keys(defaults.requests).length > 0;
      if (!hasDefaults) continue;
      const resources = ensureObject(c, 'resources');
      const limits = fillMissing(resources, 'limits', defaults.limits);
      const requests = fillMissing(resources, 'requests', defaults.requests);
      const name = typeof c.name === 'string' ? c.name : '';
      if (requests.length) notes.push(`${requests.join(', ')} request for ${label} ${name}`);
      if (limits.length) notes.push(`${limits.join(', ')} limit for ${label} ${name}`);
    }
  }
  if (notes.length === 0) return;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [limitRangerAnnotation]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

// ---- constraints ----

interface Observed {
  request: bigint;
  limit: bigint;
  enforced: bigint;
}

/** requestLimitEnforcedValues: milli precision unless a value would overflow it. */
function observedValues(request: Quantity | undefined, limit: Quantity | undefined, enforced: Quantity): Observed {
  const units = (q: Quantity | undefined, scale: number) => (q ? quantityScaledValue(q, scale) : 0n);
  const whole = { request: units(request, 0), limit: units(limit, 0), enforced: units(enforced, 0) };
  if (whole.request <= maxMilliValue && whole.limit <= maxMilliValue && whole.enforced <= maxMilliValue) {
    return { request: units(request, -3), limit: units(limit, -3), enforced: units(enforced, -3) };
  }
  return whole;
}

export function minConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const v = observedValues(req, lim, enforced);
  const e = formatQuantity(enforced);
  if (!req) return `minimum ${name} usage per ${limitType} is ${e}.  No request is specified`;
  if (v.request < v.enforced) return `minimum ${name} usage per ${limitType} is ${e}, but request is ${formatQuantity(req)}`;
  if (lim && v.limit < v.enforced) return `minimum ${name} usage per ${limitType} is ${e}, but limit is ${formatQuantity(lim)}`;
  return undefined;
}

export function maxConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const v = observedValues(req, lim, enforced);
  const e = formatQuantity(enforced);
  if (!lim) return `maximum ${name} usage per ${limitType} is ${e}.  No limit is specified`;
  if (v.limit > v.enforced) return `maximum ${name} usage per ${limitType} is ${e}, but limit is ${formatQuantity(lim)}`;
  if (req && v.request > v.enforced) return `maximum ${name} usage per ${limitType} is ${e}, but request is ${formatQuantity(req)}`;
  return undefined;
}

/** For claims, whose limits are not user input: the max applies to the request. */
export function maxRequestConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList): string | undefined {
  const req = requests.get(name);
  const v = observedValues(req, undefined, enforced);
  const e = formatQuantity(enforced);
  if (!req) return `maximum ${name} usage per ${limitType} is ${e}.  No request is specified`;
  if (v.request > v.enforced) return `maximum ${name} usage per ${limitType} is ${e}, but request is ${formatQuantity(req)}`;
  return undefined;
}

export function limitRequestRatioConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const v = observedValues(req, lim, enforced);
  const e = formatQuantity(enforced);
  if (!req || v.request === 0n) return `${name} max limit to request ratio per ${limitType} is ${e}, but no request is specified or request is 0`;
  if (!lim || v.limit === 0n) return `${name} max limit to request ratio per ${limitType} is ${e}, but no limit is specified or limit is 0`;
  const displayed = Number(v.limit) / Number(v.request);
  let observed = displayed;
  let allowed = Number(quantityScaledValue(enforced, 0));
  if (quantityScaledValue(enforced, 0) <= maxMilliValue) {
    observed *= 1000;
    allowed = Number(quantityScaledValue(enforced, -3));
  }
  if (observed > allowed) return `${name} max limit to request ratio per ${limitType} is ${e}, but provided ratio is ${displayed.toFixed(6)}`;
  return undefined;
}

function checkItem(item: LimitRangeItem, requests: ResourceList, limits: ResourceList, errs: string[]): void {
  const t = item.type;
  for (const [k, v] of sortedEntries(item.min)) push(errs, minConstraint(t, k, v, requests, limits));
  for (const [k, v] of sortedEntries(item.max)) push(errs, maxConstraint(t, k, v, requests, limits));
  for (const [k, v] of sortedEntries(item.maxLimitRequestRatio)) push(errs, limitRequestRatioConstraint(t, k, v, requests, limits));
}

function push(errs: string[], e: string | undefined): void {
  if (e) errs.push(e);
}

/** PodValidateLimitFunc: every container, then the pod as a whole. */
export function podLimitViolations(lr: KubeObject, pod: KubeObject): string[] {
  const errs: string[] = [];
  const spec = asObject(pod.spec);
  for (const item of itemsOf(lr)) {
    if (item.type === 'Container') {
      for (const c of [...asObjects(spec.containers), ...asObjects(spec.initContainers)]) {
        const resources = asObject(c.resources);
        checkItem(item, parseResourceList(resources.requests), parseResourceList(resources.limits), errs);
      }
    } else if (item.type === 'Pod') {
      checkItem(item, podRequests(pod, { excludeOverhead: true }), podLimits(pod, { excludeOverhead: true }), errs);
    }
  }
  return errs;
}

/** PersistentVolumeClaimValidateLimitFunc: min and max of the requested storage. */
export function claimLimitViolations(lr: KubeObject, claim: KubeObject): string[] {
  const errs: string[] = [];
  const requests = parseResourceList(asObject(asObject(claim.spec).resources).requests);
  for (const item of itemsOf(lr)) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [k, v] of sortedEntries(item.min)) push(errs, minConstraint(item.type, k, v, requests, new Map()));
    for (const [k, v] of sortedEntries(item.max)) push(errs, maxRequestConstraint(item.type, k, v, requests));
  }
  return errs;
}

/** One read per request: the validating phase sees the ranges the mutating phase applied. */
const rangesOfRequest = new WeakMap<AdmissionAttributes, Promise<KubeObject[]>>();

function limitRanges(attrs: AdmissionAttributes, lookup: AdmissionLookup): Promise<KubeObject[]> {
  let ranges = rangesOfRequest.get(attrs);
  if (!ranges) {
    ranges = lookup.list('', 'limitranges', attrs.namespace);
    rangesOfRequest.set(attrs, ranges);
  }
  return ranges;
}

export const limitRanger: AdmissionPlugin = {
  name: 'LimitRanger',
  async admit(attrs, lookup) {
    if (!applies(attrs) || !isPod(attrs)) return;
    const pod = attrs.object!;
    for (const lr of await limitRanges(attrs, lookup)) applyContainerDefaults(pod, lr);
    // The registry records status.qosClass before admission; upstream computes it after, from
    // the defaulted resources, so it is brought up to date here.
    const status = pod.status;
    if (isObject(status) && typeof status.qosClass === 'string') status.qosClass = podQOSClass(pod);
  },
  async validate(attrs, lookup) {
    if (!applies(attrs)) return;
    for (const lr of await limitRanges(attrs, lookup)) {
      const errs = isPod(attrs) ? podLimitViolations(lr, attrs.object!) : claimLimitViolations(lr, attrs.object!);
      if (errs.length) throw admissionForbidden(attrs, aggregateMessage(errs), 'validate');
    }
  },
};
