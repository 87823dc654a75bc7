// A pod as the scheduler reads it, parsed once (framework.PodInfo): resource requests in plain
// numbers, tolerations, host ports, inter-pod affinity terms with their selectors, images.
// The pod object itself comes from an informer cache and is never changed.

import type { KubeObject } from '../api/object.js';
import { selectorFromLabelSelector, type LabelSelector, type Labels, Selector } from '../machinery/labels.js';
import { quantityMilliValue, quantityValue, tryParseQuantity } from '../machinery/quantity.js';
import { array, normalizedImageName, record, RequiredNodeAffinity, sanitizeHostPort, str, type HostPort, type Toleration } from './helpers.js';

/** Requests in the units the scheduler counts: millicores, bytes, and whole units for the rest. */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended, hugepages and other scalar resources. */
  scalar: Map<string, number> | undefined;
}

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined };
}

export function cloneResource(r: Resource): Resource {
  return { milliCPU: r.milliCPU, memory: r.memory, ephemeralStorage: r.ephemeralStorage, scalar: r.scalar ? new Map(r.scalar) : undefined };
}

/** schedutil.DefaultMilliCPURequest and DefaultMemoryRequest: what a request-less container counts as for scoring. */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

/** v1helper.IsScalarResourceName: extended (domain/name), hugepages-*, attachable-volumes-*. */
export function isScalarResourceName(name: string): boolean {
  if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name === 'pods') return false;
  return name.includes('/') || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

function addList(into: Resource, list: Record<string, unknown>, factor = 1): void {
  for (const [name, raw] of Object.entries(list)) {
    const q = tryParseQuantity(raw);
    if (!q) continue;
    if (name === 'cpu') into.milliCPU += factor * quantityMilliValue(q);
    else if (name === 'memory') into.memory += factor * quantityValue(q);
    else if (name === 'ephemeral-storage') into.ephemeralStorage += factor * quantityValue(q);
    else if (isScalarResourceName(name)) {
      into.scalar ??= new Map();
      into.scalar.set(name, (into.scalar.get(name) ?? 0) + factor * quantityValue(q));
    }
  }
}

function addResource(into: Resource, r: Resource): void {
  into.milliCPU += r.milliCPU;
  into.memory += r.memory;
  into.ephemeralStorage += r.ephemeralStorage;
  if (r.scalar) {
    into.scalar ??= new Map();
    for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + v);
  }
}

function maxResource(into: Resource, r: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  if (r.scalar) {
    into.scalar ??= new Map();
    for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
  }
}

function containerRequests(c: Record<string, unknown>, nonZero: boolean): Resource {
  const r = emptyResource();
  const requests = record(record(c.resources).requests);
  addList(r, requests);
  if (nonZero) {
    if (!('cpu' in requests)) r.milliCPU = defaultMilliCPURequest;
    if (!('memory' in requests)) r.memory = defaultMemoryRequest;
  }
  return r;
}

/**
 * resourcehelper.PodRequests: the sum of the app containers (and restartable "sidecar" init
 * containers), raised to what any init container needs while it runs beside the sidecars
 * started before it, plus the pod overhead. `nonZero` counts request-less containers at
 * 100m CPU and 200Mi memory, as scoring does.
 */
export function podRequests(pod: KubeObject, nonZero = false): Resource {
  const spec = record(pod.spec);
  const reqs = emptyResource();
  for (const c of array<Record<string, unknown>>(spec.containers)) addResource(reqs, containerRequests(c, nonZero));
  const sidecars = emptyResource();
  const initMax = emptyResource();
  for (const c of array<Record<string, unknown>>(spec.initContainers)) {
    let use = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      addResource(reqs, use);
      addResource(sidecars, use);
      use = sidecars;
    } else {
      addResource(use, sidecars);
    }
    maxResource(initMax, use);
  }
  maxResource(reqs, initMax);
  addList(reqs, record(spec.overhead));
  return reqs;
}

/** A parsed PodAffinityTerm (framework.AffinityTerm). */
export interface AffinityTerm {
  namespaces: Set<string>;
  selector: Selector;
  topologyKey: string;
  namespaceSelector: Selector;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and has matching labels. */
export function termMatches(term: AffinityTerm, pod: PodInfo, nsLabels: Labels | undefined): boolean {
  if (term.namespaces.has(pod.namespace) || term.namespaceSelector.matches(nsLabels)) {
    return term.selector.matches(pod.labels);
  }
  return false;
}

function parseTerm(namespace: string, raw: Record<string, unknown>): AffinityTerm {
  const namespaces = array<string>(raw.namespaces);
  const nsSel = raw.namespaceSelector as LabelSelector | null | undefined;
  return {
    namespaces: new Set(namespaces.length === 0 && (nsSel === undefined || nsSel === null) ? [namespace] : namespaces),
    selector: selectorFromLabelSelector(raw.labelSelector as LabelSelector | null | undefined),
    topologyKey: str(raw.topologyKey),
    namespaceSelector: selectorFromLabelSelector(nsSel),
  };
}

export interface ContainerImage {
  name: string;
}

let nextSeq = 0;

export class PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
  readonly uid: string;
  readonly labels: Labels;
  readonly priority: number;
  readonly nodeName: string;
  readonly deleting: boolean;
  /** Requests as NodeResourcesFit checks them. */
  readonly requests: Resource;
  /** Requests with request-less containers counted at the defaults, as scoring sees them. */
  readonly nonZeroRequests: Resource;
  readonly tolerations: Toleration[];
  readonly hostPorts: HostPort[];
  readonly images: string[];
  readonly numContainers: number;
  readonly requiredAffinityTerms: AffinityTerm[] = [];
  readonly requiredAntiAffinityTerms: AffinityTerm[] = [];
  readonly preferredAffinityTerms: WeightedAffinityTerm[] = [];
  readonly preferredAntiAffinityTerms: WeightedAffinityTerm[] = [];
  readonly hasAffinity: boolean;
  readonly hasRequiredAntiAffinity: boolean;
  /** A label selector in a term did not parse (the API server does not always catch it). */
  readonly parseError: string | undefined;
  /** Order of creation in this process: a stable tie-break. */
  readonly seq = nextSeq++;
  private requiredNodeAffinityCache: RequiredNodeAffinity | undefined;

  constructor(readonly pod: KubeObject) {
    const meta = pod.metadata;
    const spec = record(pod.spec);
    this.namespace = meta.namespace ?? '';
    this.name = meta.name ?? '';
    this.key = `${this.namespace}/${this.name}`;
    this.uid = meta.uid ?? this.key;
    this.labels = meta.labels ?? {};
    this.priority = typeof spec.priority === 'number' ? spec.priority : 0;
    this.nodeName = str(spec.nodeName);
    this.deleting = !!meta.deletionTimestamp;
    this.requests = podRequests(pod);
    this.nonZeroRequests = podRequests(pod, true);
    this.tolerations = array<Toleration>(spec.tolerations);
    const containers = array<Record<string, unknown>>(spec.containers);
    const initContainers = array<Record<string, unknown>>(spec.initContainers);
    this.hostPorts = [];
    for (const c of containers) {
      for (const p of array<Record<string, unknown>>(c.ports)) {
        const hostPort = typeof p.hostPort === 'number' ? p.hostPort : 0;
        if (hostPort > 0) this.hostPorts.push(sanitizeHostPort(str(p.hostIP), str(p.protocol), hostPort));
      }
    }
    this.images = [...initContainers, ...containers].map((c) => normalizedImageName(str(c.image)));
    this.numContainers = containers.length + initContainers.length;

    const affinity = record(spec.affinity);
    const podAffinity = affinity.podAffinity ? record(affinity.podAffinity) : undefined;
    const podAntiAffinity = affinity.podAntiAffinity ? record(affinity.podAntiAffinity) : undefined;
    this.hasAffinity = !!podAffinity || !!podAntiAffinity;
    let parseError: string | undefined;
    const parse = (raw: unknown): AffinityTerm | undefined => {
      try {
        return parseTerm(this.namespace, record(raw));
      } catch (e) {
        parseError ??= (e as Error).message;
        return undefined;
      }
    };
    if (podAffinity) {
      for (const t of array(podAffinity.requiredDuringSchedulingIgnoredDuringExecution)) {
        const term = parse(t);
        if (term) this.requiredAffinityTerms.push(term);
      }
      for (const w of array<Record<string, unknown>>(podAffinity.preferredDuringSchedulingIgnoredDuringExecution)) {
        const term = parse(w.podAffinityTerm);
        if (term) this.preferredAffinityTerms.push({ ...term, weight: typeof w.weight === 'number' ? w.weight : 0 });
      }
    }
    if (podAntiAffinity) {
      for (const t of array(podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution)) {
        const term = parse(t);
        if (term) this.requiredAntiAffinityTerms.push(term);
      }
      for (const w of array<Record<string, unknown>>(podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution)) {
        const term = parse(w.podAffinityTerm);
        if (term) this.preferredAntiAffinityTerms.push({ ...term, weight: typeof w.weight === 'number' ? w.weight : 0 });
      }
    }
    this.hasRequiredAntiAffinity = this.requiredAntiAffinityTerms.length > 0;
    this.parseError = parseError;
  }

  get spec(): Record<string, unknown> {
    return record(this.pod.spec);
  }

  get status(): Record<string, unknown> {
    return record(this.pod.status);
  }

  get schedulerName(): string {
    return str(this.spec.schedulerName) || 'default-scheduler';
  }

  get nominatedNodeName(): string {
    return str(this.status.nominatedNodeName);
  }

  get requiredNodeAffinity(): RequiredNodeAffinity {
    return (this.requiredNodeAffinityCache ??= new RequiredNodeAffinity(this.pod));
  }

  /** status.startTime, for preemption's tie-breaks; creation time when not started. */
  get startTime(): number {
    const t = str(this.status.startTime) || str(this.pod.metadata.creationTimestamp);
    return t ? Date.parse(t) : 0;
  }
}

/** Every term must match the pod (podMatchesAllAffinityTerms); false for no terms. */
export function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], pod: PodInfo): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod, undefined)) return false;
  return true;
}

export { Selector };
