// Quota evaluators (pkg/quota/v1/evaluator/core and generic): for one kind of object, which
// quota resources it is charged against, how much one object uses, which scopes it falls in,
// and what it must declare. Pods, Services and PersistentVolumeClaims have their own; every
// other resource is an object count (`count/deployments.apps`, or the old aliases `configmaps`,
// `secrets`...).

import type { KubeObject } from '../../../api/object.js';
import { podQOSClass, effectivePodQOSClass } from '../../../api/helpers/qos.js';
import { quantityFromValue, quantityScaledValue, tryParseQuantity, type Quantity } from '../../../machinery/quantity.js';
import { claimClass } from '../default-storage-class.js';
import { podLimits, podRequests } from '../resources/pod-resources.js';
import { addLists, parseResourceList, type ResourceList } from '../resources/resource-list.js';
import { asObject, asObjects } from '../util.js';
import { requirementMatchesValue, type ScopeRequirement } from './scopes.js';

export interface QuotaEvaluator {
  readonly group: string;
  readonly plural: string;
  /** Whether this operation can change usage (object counts only change on create). */
  handles(operation: string): boolean;
  /** The quota resource names, of those given, that this kind is charged against. */
  matchingResources(names: string[]): string[];
  /** What one object uses. `now` decides whether a terminating pod still counts. */
  usage(obj: KubeObject, now: number): ResourceList;
  /** Whether the object falls in a scope. */
  matchesScope(req: ScopeRequirement, obj: KubeObject, phase: 'admission' | 'stored'): boolean;
  /** Why the object cannot be charged against these resources (pods must declare cpu/memory). */
  constraints(required: string[], obj: KubeObject): string | undefined;
}

const one = (): Quantity => quantityFromValue(1);

/** ObjectCountQuotaResourceNameFor: count/pods, count/deployments.apps. */
export function objectCountName(group: string, plural: string): string {
  return group ? `count/${plural}.${group}` : `count/${plural}`;
}

/** The group and plural a count/... name counts, if it is one. */
export function parseObjectCountName(name: string): { group: string; plural: string } | undefined {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', plural: rest } : { group: rest.slice(dot + 1), plural: rest.slice(0, dot) };
}

/** The object counts that predate count/...: quota `configmaps: 10` counts ConfigMaps. */
export const legacyObjectCountAliases: Record<string, string> = {
  configmaps: 'configmaps',
  resourcequotas: 'resourcequotas',
  replicationcontrollers: 'replicationcontrollers',
  secrets: 'secrets',
};

// ---- object counts ----

export function objectCountEvaluator(group: string, plural: string): QuotaEvaluator {
  const names = [objectCountName(group, plural)];
  if (group === '' && legacyObjectCountAliases[plural]) names.push(legacyObjectCountAliases[plural]);
  return {
    group,
    plural,
    handles: (op) => op === 'CREATE',
    matchingResources: (input) => input.filter((n) => names.includes(n)),
    usage: () => new Map(names.map((n) => [n, one()])),
    // MatchesNoScopeFunc: a scoped quota never counts plain objects.
    matchesScope: () => false,
    constraints: () => undefined,
  };
}

// ---- pods ----

const podCountName = objectCountName('', 'pods');
const podResources = new Set([
  podCountName,
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
]);
const podResourcePrefixes = ['hugepages-', 'requests.hugepages-'];
/** What pods must declare per container once a quota tracks it (a historical coupling kept for compatibility). */
const validationSet = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isQualifiedName(name: string): boolean {
  const parts = name.split('/');
  if (parts.length > 2) return false;
  const local = parts[parts.length - 1];
  if (local.length === 0 || local.length > 63 || !qualifiedNamePart.test(local)) return false;
  if (parts.length === 2) return parts[0].length > 0 && parts[0].length <= 253 && dnsSubdomain.test(parts[0]);
  return true;
}

/** helper.IsExtendedResourceName: a domain-qualified name outside kubernetes.io. */
export function isExtendedResourceName(name: string): boolean {
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  if (native || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`);
}

function isExtendedResourceNameForQuota(name: string): boolean {
  return name.startsWith('requests.') && isExtendedResourceName(name.slice('requests.'.length));
}

/** podComputeUsageHelper: quota names from a request and a limit list. */
export function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = new Map([['pods', one()]]);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = requests.get(r);
    if (req) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    const lim = limits.get(r);
    if (lim) out.set(`limits.${r}`, lim);
  }
  for (const [name, req] of requests) {
    if (name.startsWith('hugepages-')) {
      out.set(name, req);
      out.set(`requests.${name}`, req);
    }
    if (isExtendedResourceName(name)) out.set(`requests.${name}`, req);
  }
  return out;
}

/** QuotaV1Pod: terminal pods, and pods stuck past their deletion grace period, use nothing. */
export function podCountsForQuota(pod: KubeObject, now: number): boolean {
  const phase = asObject(pod.status).phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const m = pod.metadata;
  if (m.deletionTimestamp && m.deletionGracePeriodSeconds !== undefined) {
    if (now > Date.parse(m.deletionTimestamp) + m.deletionGracePeriodSeconds * 1000) return false;
  }
  return true;
}

function isTerminating(pod: KubeObject): boolean {
  const ads = asObject(pod.spec).activeDeadlineSeconds;
  return typeof ads === 'number' && ads >= 0;
}

function usesCrossNamespacePodAffinity(pod: KubeObject): boolean {
  const affinity = asObject(asObject(pod.spec).affinity);
  const crosses = (term: Record<string, unknown>) =>
    (Array.isArray(term.namespaces) && term.namespaces.length > 0) || (term.namespaceSelector !== undefined && term.namespaceSelector !== null);
  for (const key of ['podAffinity', 'podAntiAffinity']) {
    const a = asObject(affinity[key]);
    if (asObjects(a.requiredDuringSchedulingIgnoredDuringExecution).some(crosses)) return true;
    if (asObjects(a.preferredDuringSchedulingIgnoredDuringExecution).some((w) => crosses(asObject(w.podAffinityTerm)))) return true;
  }
  return false;
}

export const podEvaluator: QuotaEvaluator = {
  group: '',
  plural: 'pods',
  // In-place resize (the only way a pod's usage changes on update) is off in 1.32.
  handles: (op) => op === 'CREATE',
  matchingResources(input) {
    const out = input.filter((n) => podResources.has(n));
    for (const n of input) {
      if (podResourcePrefixes.some((p) => n.startsWith(p))) out.push(n);
      if (isExtendedResourceNameForQuota(n)) out.push(n);
    }
    return out;
  },
  usage(pod, now) {
    const counted: ResourceList = new Map([[podCountName, one()]]);
    if (!podCountsForQuota(pod, now)) return counted;
    return addLists(counted, computeUsage(podRequests(pod), podLimits(pod)));
  },
  matchesScope(req, pod, phase) {
    const spec = asObject(pod.spec);
    switch (req.scopeName) {
      case 'Terminating':
        return isTerminating(pod);
      case 'NotTerminating':
        return !isTerminating(pod);
      case 'BestEffort':
      case 'NotBestEffort': {
        // An incoming pod's recorded class may predate admission's defaults: compute it.
        const qos = phase === 'admission' ? podQOSClass(pod) : effectivePodQOSClass(pod);
        return (qos === 'BestEffort') === (req.scopeName === 'BestEffort');
      }
      case 'PriorityClass': {
        const name = typeof spec.priorityClassName === 'string' && spec.priorityClassName !== '' ? spec.priorityClassName : undefined;
        return requirementMatchesValue(req, name);
      }
      case 'CrossNamespacePodAffinity':
        return usesCrossNamespacePodAffinity(pod);
      default:
        return false;
    }
  },
  constraints(required, pod) {
    const needed = required.filter((r) => validationSet.has(r));
    if (needed.length === 0) return undefined;
    const missing = new Map<string, Set<string>>();
    const spec = asObject(pod.spec);
    for (const c of [...asObjects(spec.containers), ...asObjects(spec.initContainers)]) {
      const resources = asObject(c.resources);
      const have = computeUsage(parseResourceList(resources.requests), parseResourceList(resources.limits));
      for (const r of needed) {
        if (have.has(r)) continue;
        if (!missing.has(r)) missing.set(r, new Set());
        missing.get(r)!.add(typeof c.name === 'string' ? c.name : '');
      }
    }
    if (missing.size === 0) return undefined;
    const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
    return `must specify ${parts.join('; ')}`;
  },
};

// ---- services ----

const serviceCountName = objectCountName('', 'services');
const serviceResources = new Set([serviceCountName, 'services', 'services.nodeports', 'services.loadbalancers']);

/** GetQuotaServiceType: the service types quota tells apart. */
export function quotaServiceType(svc: KubeObject): string {
  const t = asObject(svc.spec).type;
  return t === 'NodePort' || t === 'LoadBalancer' ? t : '';
}

export const serviceEvaluator: QuotaEvaluator = {
  group: '',
  plural: 'services',
  handles: (op) => op === 'CREATE' || op === 'UPDATE',
  matchingResources: (input) => input.filter((n) => serviceResources.has(n)),
  usage(svc) {
    const spec = asObject(svc.spec);
    const ports = asObjects(spec.ports);
    const out: ResourceList = new Map([
      [serviceCountName, one()],
      ['services', one()],
      ['services.loadbalancers', quantityFromValue(0)],
      ['services.nodeports', quantityFromValue(0)],
    ]);
    if (spec.type === 'NodePort') {
      out.set('services.nodeports', quantityFromValue(ports.length));
    } else if (spec.type === 'LoadBalancer') {
      // Without node port allocation only explicitly requested node ports count.
      const explicit = ports.filter((p) => typeof p.nodePort === 'number' && p.nodePort !== 0).length;
      out.set('services.nodeports', quantityFromValue(spec.allocateLoadBalancerNodePorts === false ? explicit : ports.length));
      out.set('services.loadbalancers', one());
    }
    return out;
  },
  matchesScope: () => false,
  constraints: () => undefined,
};

// ---- persistent volume claims ----

const claimCountName = objectCountName('', 'persistentvolumeclaims');
const claimResources = ['persistentvolumeclaims', 'requests.storage'];
/** `gold.storageclass.storage.k8s.io/requests.storage`: quota per storage class. */
export const storageClassSuffix = '.storageclass.storage.k8s.io/';

/** Storage is charged in whole bytes (a fractional request rounds up). */
function roundUpToUnit(q: Quantity): Quantity {
  if (q.scale >= 0) return q;
  return { unscaled: quantityScaledValue(q, 0), scale: 0, format: q.format };
}

export const persistentVolumeClaimEvaluator: QuotaEvaluator = {
  group: '',
  plural: 'persistentvolumeclaims',
  handles: (op) => op === 'CREATE' || op === 'UPDATE',
  matchingResources(input) {
    return input.filter((n) => n === claimCountName || claimResources.includes(n) || claimResources.some((r) => n.endsWith(storageClassSuffix + r)));
  },
  usage(claim) {
    const out: ResourceList = new Map([
      ['persistentvolumeclaims', one()],
      [claimCountName, one()],
    ]);
    const cls = claimClass(claim);
    if (cls) out.set(`${cls}${storageClassSuffix}persistentvolumeclaims`, one());
    const requested = tryParseQuantity(asObject(asObject(asObject(claim.spec).resources).requests).storage);
    if (requested) {
      const storage = roundUpToUnit(requested);
      out.set('requests.storage', storage);
      if (cls) out.set(`${cls}${storageClassSuffix}requests.storage`, storage);
    }
    return out;
  },
  matchesScope: () => false,
  constraints: () => undefined,
};

const dedicated: QuotaEvaluator[] = [podEvaluator, serviceEvaluator, persistentVolumeClaimEvaluator];

/** The evaluator for a resource: a dedicated one, or an object count. */
export function evaluatorFor(group: string, plural: string): QuotaEvaluator {
  return dedicated.find((e) => e.group === group && e.plural === plural) ?? objectCountEvaluator(group, plural);
}

/**
 * The evaluators a quota with these hard resources needs: the dedicated ones, the legacy
 * aliases, and an object count for every other count/... name.
 */
export function evaluatorsForResources(names: string[]): QuotaEvaluator[] {
  const out = [...dedicated, ...Object.keys(legacyObjectCountAliases).map((p) => objectCountEvaluator('', p))];
  for (const n of names) {
    const target = parseObjectCountName(n);
    if (!target) continue;
    if (out.some((e) => e.group === target.group && e.plural === target.plural)) continue;
    out.push(objectCountEvaluator(target.group, target.plural));
  }
  return out;
}
