// NodeName (Filter): a pod that names a node in spec.nodeName fits only that node.

import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { Code, Status, type CycleState, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin } from '../types.js';

export const errReasonNodeName = "node(s) didn't match the requested node name";

export class NodeName implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = 'NodeName';

  /** Pending pods rarely name a node: nothing to check then. */
  preFilter(_state: CycleState, pod: PodInfo): Status | null {
    return pod.nodeName ? null : Status.skip();
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const want = pod.nodeName;
    if (!want || want === node.name) return null;
    return new Status(Code.UnschedulableAndUnresolvable, [errReasonNodeName]);
  }

  events() {
    return [{ kind: 'NodeAdd' as const, hint: (pod: PodInfo, e: { newObj?: { metadata: { name?: string } } }) => !pod.nodeName || pod.nodeName === e.newObj?.metadata.name }];
  }
}
