// NodeResourcesBalancedAllocation (Score): prefers nodes whose cpu and memory would be used in
// similar proportions after placing the pod — 100 × (1 − the standard deviation of the shares).
// In 1.32 best-effort pods (no requests) are scored too, by the node's own balance (1.33 skips them).

import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { MaxNodeScore, type CycleState, type ScorePlugin } from '../types.js';
import { allocatableAndRequested, defaultScoringResources, podRequestFor, type ResourceSpec } from './node-resources-fit.js';

export function balancedResourceScore(requested: number[], allocatable: number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(1, requested[i] / allocatable[i]);
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0] - fractions[1]) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MaxNodeScore);
}

export class BalancedAllocation implements ScorePlugin {
  readonly name = 'NodeResourcesBalancedAllocation';
  private readonly requested: number[];
  private readonly allocatable: number[];

  private readonly cpuMemoryOnly: boolean;

  constructor(private readonly resources: ResourceSpec[] = defaultScoringResources) {
    this.cpuMemoryOnly = resources.length === 2 && resources[0].name === 'cpu' && resources[1].name === 'memory';
    this.requested = new Array(resources.length).fill(0);
    this.allocatable = new Array(resources.length).fill(0);
  }

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    if (this.cpuMemoryOnly) {
      // The default resources, without the generic lookups: shares of cpu and memory requested.
      const cpuAlloc = node.allocatable.milliCPU;
      const memAlloc = node.allocatable.memory;
      if (cpuAlloc === 0 || memAlloc === 0) return this.generic(pod, node);
      const cpu = Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / cpuAlloc);
      const mem = Math.min(1, (node.requested.memory + pod.requests.memory) / memAlloc);
      return Math.trunc((1 - Math.abs((cpu - mem) / 2)) * MaxNodeScore);
    }
    return this.generic(pod, node);
  }

  private generic(pod: PodInfo, node: NodeInfo): number {
    for (let i = 0; i < this.resources.length; i++) {
      const [alloc, req] = allocatableAndRequested(node, this.resources[i].name, podRequestFor(pod.requests, this.resources[i].name), true);
      this.allocatable[i] = alloc;
      this.requested[i] = alloc === 0 ? 0 : req;
    }
    return balancedResourceScore(this.requested, this.allocatable);
  }
}
