// NodePorts (Filter): the host ports a pod asks for must be free on the node, 0.0.0.0
// conflicting with every address.

import type { NodeInfo } from '../node-info.js';
import { PodInfo } from '../pod-info.js';
import { Code, Status, type ClusterEvent, type CycleState, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin } from '../types.js';

export const errReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";

export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = 'NodePorts';

  preFilter(_state: CycleState, pod: PodInfo): Status | null {
    return pod.hostPorts.length === 0 ? Status.skip() : null;
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    if (node.usedPorts.size === 0) return null;
    for (const p of pod.hostPorts) if (node.usedPorts.conflicts(p)) return new Status(Code.Unschedulable, [errReasonNodePorts]);
    return null;
  }

  events() {
    // A deleted pod frees ports only if it held some the pending pod wants.
    const freesPorts = (pod: PodInfo, e: ClusterEvent) => {
      if (!e.oldObj) return true;
      const gone = new PodInfo(e.oldObj);
      return gone.hostPorts.some((g) => pod.hostPorts.some((p) => p.port === g.port && p.protocol === g.protocol));
    };
    return [
      { kind: 'NodeAdd' as const },
      { kind: 'AssignedPodDelete' as const, hint: freesPorts },
    ];
  }
}
