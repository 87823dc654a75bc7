// Resource names and amounts: which names a container, quota or limit range may use, and the
// rules for their quantities (non-negative, integers for countable resources, requests not
// above limits, hugepages). Shared by pods, quotas, limit ranges, nodes and volumes.

import { field, type FieldError } from '../../machinery/errors.js';
import { compareQuantities, formatQuantity, quantityScaledValue, quantitySign, tryParseQuantity, type Quantity } from '../../machinery/quantity.js';
import { isQualifiedName, isDNS1123Label } from './formats.js';
import { arr, child, index, isObject, isSet, key, obj, str } from './shape.js';

export const isNegativeErrorMsg = 'must be greater than or equal to 0';
export const isNotIntegerErrorMsg = 'must be an integer';
export const isNotPositiveErrorMsg = 'must be greater than zero';
export const isInvalidQuotaResource = 'must be a standard resource for quota';

const hugePagesPrefix = 'hugepages-';
const quotaHugePagesPrefix = 'requests.hugepages-';
const defaultNamespacePrefix = 'kubernetes.io/';
const requestsPrefix = 'requests.';

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith(hugePagesPrefix);
}

function isQuotaHugePageResourceName(name: string): boolean {
  return name.startsWith(hugePagesPrefix) || name.startsWith(quotaHugePagesPrefix);
}

/** Unprefixed names and kubernetes.io/ names are Kubernetes' own. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes(defaultNamespacePrefix);
}

export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith(requestsPrefix)) return false;
  return isQualifiedName(requestsPrefix + name).length === 0;
}

export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

export function isStandardContainerResourceName(name: string): boolean {
  return standardContainerResources.has(name) || isHugePageResourceName(name);
}

const standardQuotaResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
]);

export function isStandardQuotaResourceName(name: string): boolean {
  return standardQuotaResources.has(name) || isQuotaHugePageResourceName(name);
}

const standardResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);

export function isStandardResourceName(name: string): boolean {
  return standardResources.has(name) || isQuotaHugePageResourceName(name);
}

const integerResources = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

export function isIntegerResourceName(name: string): boolean {
  return integerResources.has(name) || isExtendedResourceName(name);
}

/** Any resource name: a qualified name, and unprefixed ones must be standard. */
export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => field.invalid(path, name, msg));
  if (errs.length) return errs;
  if (name.split('/').length === 1 && !isStandardResourceName(name)) {
    return [field.invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (name.split('/').length === 1) {
    if (!isStandardContainerResourceName(name)) return [...errs, field.invalid(path, name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [...errs, field.invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return errs;
}

export function validateResourceQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (name.split('/').length === 1 && !isStandardQuotaResourceName(name)) {
    return [...errs, field.invalid(path, name, isInvalidQuotaResource)];
  }
  return errs;
}

/**
 * Reads a quantity field. Unparsable input is normally rejected by the decoder; here it
 * becomes a field error so validation never throws.
 */
export function readQuantity(raw: unknown, path: string, errs: FieldError[]): Quantity | undefined {
  const q = tryParseQuantity(raw);
  if (!q) {
    errs.push(
      field.invalid(path, raw, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
    );
  }
  return q;
}

/** A resource list (`{cpu: "100m"}`) as parsed quantities; bad entries become errors. */
export function readResourceList(raw: unknown, path: string, errs: FieldError[]): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  if (!isSet(raw)) return out;
  if (!isObject(raw)) {
    errs.push(field.invalid(path, raw, 'must be a map of resource names to quantities'));
    return out;
  }
  for (const [name, value] of Object.entries(raw)) {
    const q = readQuantity(value, key(path, name), errs);
    if (q) out.set(name, q);
  }
  return out;
}

export function validateNonnegativeQuantity(q: Quantity, path: string): FieldError[] {
  return quantitySign(q) < 0 ? [field.invalid(path, formatQuantity(q), isNegativeErrorMsg)] : [];
}

export function validatePositiveQuantityValue(q: Quantity, path: string): FieldError[] {
  return quantitySign(q) <= 0 ? [field.invalid(path, formatQuantity(q), isNotPositiveErrorMsg)] : [];
}

/** ValidateResourceQuantityValue: never negative, whole numbers for countable resources. */
export function validateResourceQuantityValue(resource: string, q: Quantity, path: string): FieldError[] {
  const errs = validateNonnegativeQuantity(q, path);
  if (isIntegerResourceName(resource) && quantityScaledValue(q, -3) % 1000n !== 0n) {
    errs.push(field.invalid(path, formatQuantity(q), isNotIntegerErrorMsg));
  }
  return errs;
}

/** validateBasicResource: the whole-unit value may not be negative. */
export function validateBasicResource(q: Quantity, path: string): FieldError[] {
  const v = quantityScaledValue(q, 0);
  return v < 0n ? [field.invalid(path, Number(v), 'must be a valid resource quantity')] : [];
}

/** A hugepage request must be a whole number of pages: `hugepages-2Mi: 3Mi` is not. */
function hugePageValueProblem(name: string, q: Quantity): string | undefined {
  const size = tryParseQuantity(name.slice(hugePagesPrefix.length));
  const sizeValue = size ? quantityScaledValue(size, 0) : 0n;
  if (sizeValue <= 0n) return `${formatQuantity(q)} is not positive integer multiple of ${name}`;
  if (quantityScaledValue(q, 0) % sizeValue !== 0n) return `${formatQuantity(q)} is not positive integer multiple of ${name}`;
  return undefined;
}

export interface ResourceRequirementsOptions {
  /** Validates each resource name (container names by default). */
  nameFn?: (name: string, path: string) => FieldError[];
  /** Names of spec.resourceClaims, which resources.claims must reference. */
  podClaimNames?: Set<string>;
}

/** A container's (or pod overhead's) requests and limits. */
export function validateResourceRequirements(raw: unknown, path: string, opts: ResourceRequirementsOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  const req = obj(raw);
  const nameFn = opts.nameFn ?? validateContainerResourceName;
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = readResourceList(req.limits, limPath, errs);
  const requests = readResourceList(req.requests, reqPath, errs);
  let limCPUOrMemory = false;
  let reqCPUOrMemory = false;
  let limHugePages = false;
  let reqHugePages = false;
  for (const [name, q] of limits) {
    const p = key(limPath, name);
    errs.push(...nameFn(name, p));
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePageResourceName(name)) {
      limHugePages = true;
      const problem = hugePageValueProblem(name, q);
      if (problem) errs.push(field.invalid(p, formatQuantity(q), problem));
    }
    if (name === 'cpu' || name === 'memory') limCPUOrMemory = true;
  }
  for (const [name, q] of requests) {
    const p = key(reqPath, name);
    errs.push(...nameFn(name, p));
    errs.push(...validateResourceQuantityValue(name, q, p));
    const limit = limits.get(name);
    if (limit) {
      if (compareQuantities(q, limit) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(field.invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      } else if (compareQuantities(q, limit) > 0) {
        errs.push(field.invalid(reqPath, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(field.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) {
      reqHugePages = true;
      const problem = hugePageValueProblem(name, q);
      if (problem) errs.push(field.invalid(p, formatQuantity(q), problem));
    }
    if (name === 'cpu' || name === 'memory') reqCPUOrMemory = true;
  }
  if (!limCPUOrMemory && !reqCPUOrMemory && (reqHugePages || limHugePages)) {
    errs.push(field.forbidden(path, 'HugePages require cpu or memory'));
  }
  errs.push(...validateResourceClaimNames(req.claims, opts.podClaimNames ?? new Set(), child(path, 'claims')));
  return errs;
}

function validateResourceClaimNames(raw: unknown, podClaimNames: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(raw).forEach((c, i) => {
    const claim = obj(c);
    const name = str(claim.name);
    const request = str(claim.request);
    const p = index(path, i);
    if (name === '') {
      errs.push(field.required(p, ''));
      return;
    }
    if (names.has(name)) {
      errs.push(field.duplicate(p, name));
    } else {
      let k = name;
      if (request !== '') {
        errs.push(...isDNS1123Label(request).map((msg) => field.invalid(child(p, 'request'), request, msg)));
        k += '/' + request;
      }
      if (names.has(k)) errs.push(field.duplicate(p, k));
      else if (request === '') {
        for (const existing of names) {
          const slash = existing.indexOf('/');
          if (slash >= 0 && existing.slice(0, slash) === name) errs.push(field.duplicate(p, name));
        }
      }
      names.add(k);
    }
    if (!podClaimNames.has(name)) {
      const e = field.notFound(p, name);
      e.detail =
        'must be one of the names in pod.spec.resourceClaims' +
        (podClaimNames.size === 0 ? ' which is empty' : ': ' + [...podClaimNames].sort().join(', '));
      errs.push(e);
    }
  });
  return errs;
}
