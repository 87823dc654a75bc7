// NodeResourcesFit: Filter checks the pod's requests (containers summed, raised to the largest
// init container, plus overhead) against what the node has left of its allocatable cpu, memory,
// ephemeral storage, extended resources and pod count. Score is the LeastAllocated strategy:
// nodes with more free cpu and memory (after placing the pod, request-less containers counted at
// 100m / 200Mi) score higher.

import { NodeInfo } from '../node-info.js';
import type { PodInfo, Resource } from '../pod-info.js';
import { Code, MaxNodeScore, Status, type ClusterEvent, type CycleState, type EnqueueExtensions, type FilterPlugin, type PreScorePlugin, type ScorePlugin } from '../types.js';

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/** fitsRequest: every resource the pod does not fit on the node, "Too many pods" first. */
export function fitsRequest(req: Resource, node: NodeInfo, ignored?: ReadonlySet<string>): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  if (node.pods.length + 1 > node.allowedPodNumber) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: node.pods.length, capacity: node.allowedPodNumber });
  }
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && (!req.scalar || req.scalar.size === 0)) return out;
  const alloc = node.allocatable;
  const used = node.requested;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) {
    out.push({ resourceName: 'cpu', reason: 'Insufficient cpu', requested: req.milliCPU, used: used.milliCPU, capacity: alloc.milliCPU });
  }
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
    out.push({ resourceName: 'memory', reason: 'Insufficient memory', requested: req.memory, used: used.memory, capacity: alloc.memory });
  }
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    out.push({ resourceName: 'ephemeral-storage', reason: 'Insufficient ephemeral-storage', requested: req.ephemeralStorage, used: used.ephemeralStorage, capacity: alloc.ephemeralStorage });
  }
  if (req.scalar) {
    for (const [name, q] of req.scalar) {
      if (q === 0 || ignored?.has(name)) continue;
      const a = alloc.scalar?.get(name) ?? 0;
      const u = used.scalar?.get(name) ?? 0;
      if (q > a - u) out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: q, used: u, capacity: a });
    }
  }
  return out;
}

export interface ResourceSpec {
  name: string;
  weight: number;
}

/** The default scoring resources of NodeResourcesFit and BalancedAllocation. */
export const defaultScoringResources: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** resourceAllocationScorer.calculateResourceAllocatableRequest: (allocatable, requested incl. the pod). */
export function allocatableAndRequested(node: NodeInfo, resource: string, podRequest: number, useRequested: boolean): [number, number] {
  const requested = useRequested ? node.requested : node.nonZeroRequested;
  switch (resource) {
    case 'cpu':
      return [node.allocatable.milliCPU, requested.milliCPU + podRequest];
    case 'memory':
      return [node.allocatable.memory, requested.memory + podRequest];
    case 'ephemeral-storage':
      return [node.allocatable.ephemeralStorage, node.requested.ephemeralStorage + podRequest];
    default: {
      if (podRequest === 0) return [0, 0];
      const a = node.allocatable.scalar?.get(resource);
      if (a === undefined) return [0, 0];
      return [a, (node.requested.scalar?.get(resource) ?? 0) + podRequest];
    }
  }
}

export function podRequestFor(r: Resource, resource: string): number {
  switch (resource) {
    case 'cpu':
      return r.milliCPU;
    case 'memory':
      return r.memory;
    case 'ephemeral-storage':
      return r.ephemeralStorage;
    default:
      return r.scalar?.get(resource) ?? 0;
  }
}

/** leastRequestedScore: free share after placing the pod, 0..100. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MaxNodeScore) / capacity);
}

export class NodeResourcesFit implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = 'NodeResourcesFit';
  private readonly cpuMemoryOnly: boolean;

  constructor(
    private readonly resources: ResourceSpec[] = defaultScoringResources,
    private readonly ignoredResources: ReadonlySet<string> = new Set(),
  ) {
    this.cpuMemoryOnly = resources.length === 2 && resources[0].name === 'cpu' && resources[1].name === 'memory';
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const req = pod.requests;
    // The common case without allocations beyond cpu and memory, without building a list.
    if (
      node.pods.length + 1 <= node.allowedPodNumber &&
      req.milliCPU <= node.allocatable.milliCPU - node.requested.milliCPU &&
      req.memory <= node.allocatable.memory - node.requested.memory &&
      req.ephemeralStorage === 0 &&
      !req.scalar
    ) {
      return null;
    }
    const insufficient = fitsRequest(req, node, this.ignoredResources);
    if (insufficient.length === 0) return null;
    return new Status(
      Code.Unschedulable,
      insufficient.map((r) => r.reason),
    );
  }

  preScore(): Status | null {
    return null;
  }

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const req = pod.nonZeroRequests;
    if (this.cpuMemoryOnly) {
      // leastResourceScorer over cpu and memory, weights 1 and 1.
      let sum = 0;
      let weights = 0;
      const cpuAlloc = node.allocatable.milliCPU;
      if (cpuAlloc !== 0) {
        sum += leastRequestedScore(node.nonZeroRequested.milliCPU + req.milliCPU, cpuAlloc) * this.resources[0].weight;
        weights += this.resources[0].weight;
      }
      const memAlloc = node.allocatable.memory;
      if (memAlloc !== 0) {
        sum += leastRequestedScore(node.nonZeroRequested.memory + req.memory, memAlloc) * this.resources[1].weight;
        weights += this.resources[1].weight;
      }
      return weights === 0 ? 0 : Math.trunc(sum / weights);
    }
    let sum = 0;
    let weights = 0;
    for (const r of this.resources) {
      const [alloc, requested] = allocatableAndRequested(node, r.name, podRequestFor(r.name === 'cpu' || r.name === 'memory' ? req : pod.requests, r.name), false);
      if (alloc === 0) continue;
      sum += leastRequestedScore(requested, alloc) * r.weight;
      weights += r.weight;
    }
    return weights === 0 ? 0 : Math.trunc(sum / weights);
  }

  events() {
    const fitsEmpty = (pod: PodInfo, e: ClusterEvent) => {
      if (!e.newObj) return true;
      const n = new NodeInfo(e.newObj.metadata.name ?? '');
      n.setNode(e.newObj);
      return fitsRequest(pod.requests, n, this.ignoredResources).length === 0;
    };
    // Any deleted pod frees at least a pod slot.
    const freesResources = () => true;
    return [
      { kind: 'NodeAdd' as const, hint: fitsEmpty },
      { kind: 'NodeUpdate' as const, updates: ['allocatable' as const, 'taint' as const, 'label' as const], hint: fitsEmpty },
      { kind: 'AssignedPodDelete' as const, hint: freesResources },
      { kind: 'AssignedPodUpdate' as const, updates: ['scaleDown' as const] },
      { kind: 'UnscheduledPodUpdate' as const, updates: ['scaleDown' as const] },
    ];
  }
}
