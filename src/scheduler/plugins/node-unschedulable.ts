// NodeUnschedulable (Filter): a cordoned node (spec.unschedulable) takes only pods that
// tolerate the node.kubernetes.io/unschedulable:NoSchedule taint.

import { record, tolerationsTolerateTaint } from '../helpers.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { Code, Status, type ClusterEvent, type CycleState, type EnqueueExtensions, type FilterPlugin } from '../types.js';

export const errReasonUnschedulable = 'node(s) were unschedulable';
const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  readonly name = 'NodeUnschedulable';

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    if (!node.unschedulable) return null;
    if (tolerationsTolerateTaint(pod.tolerations, unschedulableTaint)) return null;
    return new Status(Code.UnschedulableAndUnresolvable, [errReasonUnschedulable]);
  }

  events() {
    const schedulable = (pod: PodInfo, e: ClusterEvent) => record(e.newObj?.spec).unschedulable !== true || tolerationsTolerateTaint(pod.tolerations, unschedulableTaint);
    return [
      { kind: 'NodeAdd' as const, hint: schedulable },
      { kind: 'NodeUpdate' as const, updates: ['taint' as const], hint: schedulable },
      { kind: 'UnscheduledPodUpdate' as const, updates: ['tolerations' as const] },
    ];
  }
}
