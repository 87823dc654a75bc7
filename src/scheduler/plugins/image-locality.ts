// ImageLocality (Score): prefers nodes that already have the pod's images, weighted by image
// size and by how widely the image is spread (to avoid piling pods on the one node that has it).

import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { MaxNodeScore, type CycleState, type Handle, type ScorePlugin } from '../types.js';

const mb = 1024 * 1024;
const minThreshold = 23 * mb;
const maxContainerThreshold = 1000 * mb;

export function imageLocalityScore(sumScores: number, numContainers: number): number {
  const maxThreshold = maxContainerThreshold * numContainers;
  const s = Math.min(Math.max(sumScores, minThreshold), maxThreshold);
  if (maxThreshold === minThreshold) return 0;
  return Math.trunc((MaxNodeScore * (s - minThreshold)) / (maxThreshold - minThreshold));
}

export class ImageLocality implements ScorePlugin {
  readonly name = 'ImageLocality';

  constructor(private readonly handle: Handle) {}

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    if (node.imageStates.size === 0) return imageLocalityScore(0, pod.numContainers);
    const total = this.handle.nodeInfos().length;
    let sum = 0;
    for (const image of pod.images) {
      const state = node.imageStates.get(image);
      if (state) sum += Math.trunc(state.size * (state.numNodes / total));
    }
    return imageLocalityScore(sum, pod.numContainers);
  }
}
