// NodeAffinity: Filter keeps the nodes matching the pod's spec.nodeSelector and required node
// affinity (PreFilter narrows to the nodes named by metadata.name matchFields, as DaemonSet pods
// carry); Score adds the weights of the preferred terms a node matches.

import { array, PreferredSchedulingTerms, record, RequiredNodeAffinity } from '../helpers.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { defaultNormalizeScore } from './normalize.js';
import {
  Code,
  Status,
  type ClusterEvent,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type ScorePlugin,
  type StateData,
} from '../types.js';

export const errReasonPod = "node(s) didn't match Pod's node affinity/selector";
export const errReasonConflict = 'pod affinity terms conflict';
const preFilterKey = 'PreFilterNodeAffinity';
const preScoreKey = 'PreScoreNodeAffinity';

class PreFilterState implements StateData {
  constructor(readonly required: RequiredNodeAffinity) {}
  clone(): StateData {
    return this;
  }
}

class PreScoreState implements StateData {
  constructor(readonly preferred: PreferredSchedulingTerms) {}
  clone(): StateData {
    return this;
  }
}

interface Term {
  matchFields?: { key: string; operator: string; values?: string[] }[];
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = 'NodeAffinity';

  preFilter(state: CycleState, pod: PodInfo): { result?: PreFilterResult; status?: Status | null } | Status | null {
    const spec = pod.spec;
    const nodeAffinity = record(record(spec.affinity).nodeAffinity);
    const required = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    const noNodeAffinity = required === undefined || required === null;
    if (noNodeAffinity && (spec.nodeSelector === undefined || spec.nodeSelector === null)) return Status.skip();
    state.write(preFilterKey, new PreFilterState(pod.requiredNodeAffinity));
    const terms = array<Term>(record(required).nodeSelectorTerms);
    if (noNodeAffinity || terms.length === 0) return null;
    // Terms naming nodes by metadata.name limit the nodes worth checking.
    let nodeNames: Set<string> | undefined;
    for (const t of terms) {
      let termNames: Set<string> | undefined;
      for (const r of array<{ key: string; operator: string; values?: string[] }>(t.matchFields)) {
        if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
        const s = new Set(r.values ?? []);
        termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
      }
      // A term without a name requirement allows every node: the terms are ORed.
      if (!termNames) return null;
      nodeNames = nodeNames ? new Set([...nodeNames, ...termNames]) : termNames;
    }
    if (nodeNames && nodeNames.size === 0) return new Status(Code.UnschedulableAndUnresolvable, [errReasonConflict]);
    return { result: { nodeNames } };
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const required = state.read<PreFilterState>(preFilterKey)?.required ?? pod.requiredNodeAffinity;
    if (required.matches(node.name, node.labels)) return null;
    return new Status(Code.UnschedulableAndUnresolvable, [errReasonPod]);
  }

  preScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): Status | null {
    if (nodes.length === 0) return null;
    const preferred = new PreferredSchedulingTerms(record(record(record(pod.spec.affinity).nodeAffinity)).preferredDuringSchedulingIgnoredDuringExecution);
    if (preferred.isEmpty) return Status.skip();
    state.write(preScoreKey, new PreScoreState(preferred));
    return null;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const s = state.read<PreScoreState>(preScoreKey);
    return s ? s.preferred.score(node.name, node.labels) : 0;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: number[]): void {
    defaultNormalizeScore(scores, false);
  }

  events() {
    const matches = (pod: PodInfo, e: ClusterEvent) => !!e.newObj && pod.requiredNodeAffinity.matches(e.newObj.metadata.name ?? '', e.newObj.metadata.labels ?? {});
    return [
      { kind: 'NodeAdd' as const, hint: matches },
      { kind: 'NodeUpdate' as const, updates: ['label' as const], hint: matches },
    ];
  }
}
