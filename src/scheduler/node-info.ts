// A node and the pods on it, summed up for the filters (framework.NodeInfo): allocatable and
// requested resources in plain numbers, ports in use, parsed taints, the pods with affinity.
// Kept up to date incrementally by the cache as pods come and go.

import type { KubeObject } from '../api/object.js';
import type { Labels } from '../machinery/labels.js';
import { quantityMilliValue, quantityValue, tryParseQuantity } from '../machinery/quantity.js';
import { array, HostPortInfo, record, type Taint } from './helpers.js';
import { cloneResource, emptyResource, isScalarResourceName, type PodInfo, type Resource } from './pod-info.js';

export interface ImageStateSummary {
  size: number;
  /** How many nodes have the image. */
  numNodes: number;
}

let generation = 0;

export class NodeInfo {
  node: KubeObject | undefined;
  name: string;
  labels: Labels = {};
  taints: Taint[] = [];
  unschedulable = false;
  allocatable: Resource = emptyResource();
  allowedPodNumber = 0;
  requested: Resource = emptyResource();
  /** Requests with request-less containers counted at the scoring defaults. */
  nonZeroRequested: Resource = emptyResource();
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new HostPortInfo();
  /** Images on the node (normalized names) with cluster-wide spread. */
  imageStates = new Map<string, ImageStateSummary>();
  /** Bumped on every change. */
  generation = ++generation;

  constructor(name: string) {
    this.name = name;
  }

  setNode(node: KubeObject): void {
    this.node = node;
    this.name = node.metadata.name ?? this.name;
    this.labels = node.metadata.labels ?? {};
    const spec = record(node.spec);
    this.taints = array<Taint>(spec.taints);
    this.unschedulable = spec.unschedulable === true;
    const allocatable = emptyResource();
    let pods = 0;
    for (const [name, raw] of Object.entries(record(record(node.status).allocatable))) {
      const q = tryParseQuantity(raw);
      if (!q) continue;
      if (name === 'cpu') allocatable.milliCPU = quantityMilliValue(q);
      else if (name === 'memory') allocatable.memory = quantityValue(q);
      else if (name === 'ephemeral-storage') allocatable.ephemeralStorage = quantityValue(q);
      else if (name === 'pods') pods = quantityValue(q);
      else if (isScalarResourceName(name)) {
        allocatable.scalar ??= new Map();
        allocatable.scalar.set(name, quantityValue(q));
      }
    }
    this.allocatable = allocatable;
    this.allowedPodNumber = pods;
    this.generation = ++generation;
  }

  addPod(p: PodInfo): void {
    this.pods.push(p);
    if (p.hasAffinity) this.podsWithAffinity.push(p);
    if (p.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity.push(p);
    this.update(p, 1);
  }

  /** Removes the pod with p's uid; false when it is not here. */
  removePod(p: PodInfo): boolean {
    const i = this.pods.findIndex((x) => x.uid === p.uid);
    if (i < 0) return false;
    const existing = this.pods[i];
    this.pods[i] = this.pods[this.pods.length - 1];
    this.pods.pop();
    if (existing.hasAffinity) this.podsWithAffinity = this.podsWithAffinity.filter((x) => x.uid !== p.uid);
    if (existing.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((x) => x.uid !== p.uid);
    this.update(existing, -1);
    return true;
  }

  private update(p: PodInfo, sign: 1 | -1): void {
    add(this.requested, p.requests, sign);
    this.nonZeroRequested.milliCPU += sign * p.nonZeroRequests.milliCPU;
    this.nonZeroRequested.memory += sign * p.nonZeroRequests.memory;
    for (const hp of p.hostPorts) {
      if (sign > 0) this.usedPorts.add(hp);
      else this.usedPorts.remove(hp);
    }
    this.generation = ++generation;
  }

  /** A copy whose pods and sums can change without touching this one (preemption, nominated pods). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.labels = this.labels;
    c.taints = this.taints;
    c.unschedulable = this.unschedulable;
    c.allocatable = this.allocatable;
    c.allowedPodNumber = this.allowedPodNumber;
    c.requested = cloneResource(this.requested);
    c.nonZeroRequested = cloneResource(this.nonZeroRequested);
    c.pods = [...this.pods];
    c.podsWithAffinity = [...this.podsWithAffinity];
    c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    c.usedPorts = this.usedPorts.clone();
    c.imageStates = this.imageStates;
    c.generation = this.generation;
    return c;
  }

  /** The node's status.images: normalized name → size. */
  images(): Map<string, number> {
    const out = new Map<string, number>();
    for (const img of array<Record<string, unknown>>(record(this.node?.status).images)) {
      const size = typeof img.sizeBytes === 'number' ? img.sizeBytes : 0;
      for (const n of array<string>(img.names)) out.set(n, size);
    }
    return out;
  }

  /** The node's zone key (utilnode.GetZoneKey): region and zone labels, '' when neither is set. */
  zoneKey(): string {
    const region = this.labels['topology.kubernetes.io/region'] ?? this.labels['failure-domain.beta.kubernetes.io/region'] ?? '';
    const zone = this.labels['topology.kubernetes.io/zone'] ?? this.labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
    return region || zone ? `${region}:\x00:${zone}` : '';
  }
}

function add(into: Resource, r: Resource, sign: number): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  if (r.scalar) {
    into.scalar ??= new Map();
    for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + sign * v);
  }
}
