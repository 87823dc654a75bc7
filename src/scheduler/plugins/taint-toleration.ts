// TaintToleration: Filter rejects a node with a NoSchedule or NoExecute taint the pod does not
// tolerate; Score prefers nodes with fewer untolerated PreferNoSchedule taints.

import { array, doNotScheduleTaint, findUntoleratedTaint, record, tolerationsTolerateTaint, type Taint, type Toleration } from '../helpers.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { defaultNormalizeScore } from './normalize.js';
import { Code, Status, type ClusterEvent, type CycleState, type EnqueueExtensions, type FilterPlugin, type PreScorePlugin, type ScorePlugin, type StateData } from '../types.js';

const preScoreKey = 'PreScoreTaintToleration';

class PreScoreState implements StateData {
  constructor(readonly tolerationsPreferNoSchedule: Toleration[]) {}
  clone(): StateData {
    return this;
  }
}

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = 'TaintToleration';

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    if (node.taints.length === 0) return null;
    const taint = findUntoleratedTaint(node.taints, pod.tolerations, doNotScheduleTaint);
    if (!taint) return null;
    return new Status(Code.UnschedulableAndUnresolvable, [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`]);
  }

  preScore(state: CycleState, pod: PodInfo): Status | null {
    state.write(preScoreKey, new PreScoreState(pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule')));
    return null;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    if (node.taints.length === 0) return 0;
    const tolerations = state.read<PreScoreState>(preScoreKey)?.tolerationsPreferNoSchedule ?? [];
    let n = 0;
    for (const taint of node.taints) {
      if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, taint)) n++;
    }
    return n;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: number[]): void {
    defaultNormalizeScore(scores, true);
  }

  events() {
    const tolerated = (pod: PodInfo, e: ClusterEvent) => {
      const taints = array<Taint>(record(e.newObj?.spec).taints);
      return !findUntoleratedTaint(taints, pod.tolerations, doNotScheduleTaint);
    };
    return [
      { kind: 'NodeAdd' as const, hint: tolerated },
      { kind: 'NodeUpdate' as const, updates: ['taint' as const], hint: tolerated },
      { kind: 'UnscheduledPodUpdate' as const, updates: ['tolerations' as const] },
    ];
  }
}
