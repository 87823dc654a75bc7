// One scheduling cycle's algorithm (schedule_one.go's schedulePod): run PreFilter, try the
// pod's nominated node first, filter the nodes round-robin from where the last cycle stopped
// until enough feasible ones are found (percentageOfNodesToScore: adaptive, 50% − nodes/125,
// at least 5% and at least 100 nodes), score those, and pick the highest total — ties broken at
// random. It reads the cache synchronously: nothing changes while it runs.

import type { SchedulerCache } from './cache.js';
import type { Framework } from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { addPluginStatus, Code, FitError, newDiagnosis, Status, type CycleState, type Diagnosis } from './types.js';

/** minFeasibleNodesToFind and minFeasibleNodesPercentageToFind. */
export const minFeasibleNodesToFind = 100;
export const minFeasibleNodesPercentageToFind = 5;

export interface ScheduleResult {
  suggestedHost: string;
  evaluatedNodes: number;
  feasibleNodes: number;
}

/** No Node exists at all (ErrNoNodesAvailable). */
export class NoNodesAvailable {
  readonly message = 'no nodes available to schedule pods';
}

/** How many feasible nodes to find before scoring: all of a small cluster, a share of a big one. */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage === 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < minFeasibleNodesPercentageToFind) percentage = minFeasibleNodesPercentageToFind;
  }
  const n = Math.trunc((numAllNodes * percentage) / 100);
  return n < minFeasibleNodesToFind ? minFeasibleNodesToFind : n;
}

export interface AlgorithmOptions {
  /** 0 (the default) is adaptive. */
  percentageOfNodesToScore?: number;
  random?: () => number;
  /** False skips nominated pods (they are kept by the queue). */
  nominatedPods?: () => boolean;
}

export class SchedulingAlgorithm {
  /** Where the next cycle starts looking, so every node gets its turn. */
  nextStartNodeIndex = 0;
  private readonly percentage: number;
  private readonly random: () => number;
  private readonly anyNominated: () => boolean;

  constructor(
    readonly framework: Framework,
    readonly cache: SchedulerCache,
    opts: AlgorithmOptions = {},
  ) {
    this.percentage = opts.percentageOfNodesToScore ?? 0;
    this.random = opts.random ?? Math.random;
    this.anyNominated = opts.nominatedPods ?? (() => true);
  }

  /** Picks a node, or explains why none fits. Throws on plugin errors. */
  schedulePod(state: CycleState, pod: PodInfo): ScheduleResult | FitError | NoNodesAvailable {
    const nodes = this.cache.nodeList();
    if (nodes.length === 0) return new NoNodesAvailable();
    const { feasible, diagnosis } = this.findNodesThatFitPod(state, pod, nodes);
    if (feasible.length === 0) return new FitError(pod, nodes.length, diagnosis);
    if (feasible.length === 1) return { suggestedHost: feasible[0].name, evaluatedNodes: 1 + diagnosis.nodeToStatus.size, feasibleNodes: 1 };
    const scores = this.prioritizeNodes(state, pod, feasible);
    return { suggestedHost: this.selectHost(feasible, scores), evaluatedNodes: feasible.length + diagnosis.nodeToStatus.size, feasibleNodes: feasible.length };
  }

  findNodesThatFitPod(state: CycleState, pod: PodInfo, allNodes: NodeInfo[]): { feasible: NodeInfo[]; diagnosis: Diagnosis } {
    const fw = this.framework;
    const diagnosis = newDiagnosis();
    const pre = fw.runPreFilter(state, pod, allNodes);
    diagnosis.unschedulablePlugins = new Set(pre.pluginsWithNodes);
    if (pre.status && !pre.status.isSuccess()) {
      if (!pre.status.isRejected()) throw new PluginError(pre.status);
      // Every node shares the PreFilter's status, so preemption sees it too.
      diagnosis.nodeToStatus.absent = pre.status;
      diagnosis.preFilterMsg = pre.status.message();
      addPluginStatus(diagnosis, pre.status);
      return { feasible: [], diagnosis };
    }
    // A node nominated by an earlier preemption is likely the only one that fits: try it first.
    const nominated = pod.nominatedNodeName;
    if (nominated) {
      const node = this.cache.nodeInfo(nominated);
      if (node) {
        const feasible = this.findNodesThatPassFilters(state, pod, diagnosis, [node], false);
        if (feasible.length) return { feasible, diagnosis };
      }
    }
    let nodes = allNodes;
    if (pre.nodeNames) {
      nodes = [];
      for (const name of pre.nodeNames) {
        const n = this.cache.nodeInfo(name);
        if (n) nodes.push(n);
      }
      diagnosis.nodeToStatus.absent = new Status(Code.UnschedulableAndUnresolvable, [`node(s) didn't satisfy plugin(s) [${[...diagnosis.unschedulablePlugins].sort().join(' ')}]`]);
    }
    const feasible = this.findNodesThatPassFilters(state, pod, diagnosis, nodes, true);
    return { feasible, diagnosis };
  }

  private findNodesThatPassFilters(state: CycleState, pod: PodInfo, diagnosis: Diagnosis, nodes: NodeInfo[], advance: boolean): NodeInfo[] {
    const fw = this.framework;
    const numAll = nodes.length;
    if (numAll === 0) return [];
    let numToFind = numFeasibleNodesToFind(this.percentage, numAll);
    if (!fw.hasScorePlugins) numToFind = 1;
    const feasible: NodeInfo[] = [];
    const start = advance ? this.nextStartNodeIndex % numAll : 0;
    const nominated = this.anyNominated();
    let processed = 0;
    if (!fw.hasFilterPlugins) {
      for (let i = 0; i < Math.min(numToFind, numAll); i++) feasible.push(nodes[(start + i) % numAll]);
      processed = feasible.length;
    } else {
      for (let i = 0; i < numAll; i++) {
        const node = nodes[(start + i) % numAll];
        processed++;
        const s = nominated ? fw.runFilterWithNominatedPods(state, pod, node) : fw.runFilter(state, pod, node);
        if (!s) {
          feasible.push(node);
          if (feasible.length >= numToFind) break;
          continue;
        }
        if (s.code === Code.Error) throw new PluginError(s);
        diagnosis.nodeToStatus.set(node.name, s);
        addPluginStatus(diagnosis, s);
      }
    }
    if (advance) this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % Math.max(1, this.cache.nodeList().length);
    return feasible;
  }

  /** Total weighted scores per node (PreScore, Score, NormalizeScore, weights). */
  prioritizeNodes(state: CycleState, pod: PodInfo, nodes: NodeInfo[], perPlugin?: Map<string, number[]>): number[] {
    const fw = this.framework;
    if (!fw.hasScorePlugins) return nodes.map(() => 1);
    const s = fw.runPreScore(state, pod, nodes);
    if (s) throw new PluginError(s);
    return fw.runScore(state, pod, nodes, perPlugin);
  }

  /** The highest score; among equals each is equally likely (reservoir sampling). */
  selectHost(nodes: NodeInfo[], scores: number[]): string {
    let best = 0;
    let count = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
        count = 1;
      } else if (scores[i] === scores[best]) {
        count++;
        if (Math.floor(this.random() * count) === 0) best = i;
      }
    }
    return nodes[best].name;
  }
}

/** A plugin failed (not a rejection): the pod is retried after backoff with reason SchedulerError. */
export class PluginError extends Error {
  constructor(readonly status: Status) {
    super(status.message());
  }
}
