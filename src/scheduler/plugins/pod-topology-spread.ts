// PodTopologySpread. Filter (whenUnsatisfiable: DoNotSchedule): placing the pod in the node's
// domain must keep (matching pods there + itself − the fewest in any eligible domain) within
// maxSkew, the fewest counting as 0 while fewer than minDomains domains exist. Score
// (ScheduleAnyway, and the system default constraints — hostname maxSkew 3, zone maxSkew 5 —
// for pods of a Service, ReplicaSet, StatefulSet or ReplicationController that set none):
// fewer matching pods in the node's domains score higher.

import type { KubeObject } from '../../api/object.js';
import { controllerOf } from '../../api/object.js';
import { selectorFromLabelSelector, selectorFromMap, Selector, type LabelSelector, type Labels, type Requirement } from '../../machinery/labels.js';
import { array, doNotScheduleTaint, findUntoleratedTaint, record } from '../helpers.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { Code, MaxNodeScore, Status, type CycleState, type EnqueueExtensions, type FilterPlugin, type Handle, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type StateData } from '../types.js';

export const errReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const errReasonNodeLabelNotMatch = errReasonConstraintsNotMatch + ' (missing required label)';

const preFilterKey = 'PreFilterPodTopologySpread';
const preScoreKey = 'PreScorePodTopologySpread';
const hostnameKey = 'kubernetes.io/hostname';

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  nodeTaintsPolicy: 'Honor' | 'Ignore';
}

interface RawConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector?: LabelSelector | null;
  minDomains?: number;
  nodeAffinityPolicy?: string;
  nodeTaintsPolicy?: string;
  matchLabelKeys?: string[];
}

/** The system default constraints (systemDefaultConstraints). */
export const systemDefaultConstraints: RawConstraint[] = [
  { topologyKey: hostnameKey, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

/** The constraints with this action, selectors parsed and matchLabelKeys merged from the pod's labels. */
export function filterConstraints(constraints: RawConstraint[], podLabels: Labels, action: string): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = selectorFromLabelSelector(c.labelSelector);
    const keys = array<string>(c.matchLabelKeys);
    if (keys.length) {
      const extra: Requirement[] = [];
      for (const k of keys) if (k in podLabels) extra.push({ key: k, operator: 'In', values: [podLabels[k]] });
      if (extra.length) selector = new Selector([...selector.requirements, ...extra]);
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy === 'Ignore' ? 'Ignore' : 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy === 'Honor' ? 'Honor' : 'Ignore',
    });
  }
  return out;
}

function nodeHasAllKeys(labels: Labels, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (!(c.topologyKey in labels)) return false;
  return true;
}

function matchNodeInclusionPolicies(c: SpreadConstraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !pod.requiredNodeAffinity.matches(node.name, node.labels)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(node.taints, pod.tolerations, doNotScheduleTaint)) return false;
  return true;
}

/** countPodsMatchSelector: pods in the namespace matching, terminating ones left out. */
export function countPodsMatchSelector(pods: readonly PodInfo[], selector: Selector, namespace: string): number {
  if (selector.isEmpty()) return 0;
  let n = 0;
  for (const p of pods) {
    if (p.deleting || p.namespace !== namespace) continue;
    if (selector.matches(p.labels)) n++;
  }
  return n;
}

class PreFilterState implements StateData {
  private mins: (number | undefined)[];

  constructor(
    readonly constraints: SpreadConstraint[],
    readonly matchNum: Map<string, number>[],
  ) {
    this.mins = constraints.map(() => undefined);
  }

  clone(): StateData {
    return new PreFilterState(this.constraints, this.matchNum.map((m) => new Map(m)));
  }

  /** The global minimum, 0 while there are fewer domains than minDomains. */
  minMatchNum(i: number): number {
    const m = this.matchNum[i];
    if (m.size < this.constraints[i].minDomains) return 0;
    let min = this.mins[i];
    if (min === undefined) {
      min = 2 ** 31 - 1;
      for (const v of m.values()) if (v < min) min = v;
      this.mins[i] = min;
    }
    return min;
  }

  update(updated: PodInfo, pod: PodInfo, node: NodeInfo, delta: number): void {
    if (updated.namespace !== pod.namespace || !nodeHasAllKeys(node.labels, this.constraints)) return;
    this.constraints.forEach((c, i) => {
      if (!matchNodeInclusionPolicies(c, pod, node)) return;
      if (!c.selector.matches(updated.labels)) return;
      const v = node.labels[c.topologyKey];
      this.matchNum[i].set(v, (this.matchNum[i].get(v) ?? 0) + delta);
      this.mins[i] = undefined;
    });
  }
}

class PreScoreState implements StateData {
  constructor(
    readonly constraints: SpreadConstraint[],
    readonly ignoredNodes: Set<string>,
    readonly counts: Map<string, number>[],
    readonly weights: number[],
  ) {}
  clone(): StateData {
    return this;
  }
}

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = 'PodTopologySpread';

  constructor(
    private readonly handle: Handle,
    private readonly defaultConstraints: RawConstraint[] = systemDefaultConstraints,
    /** True when the defaults are the system ones (nodes lacking a zone still get hostname spreading). */
    private readonly systemDefaulted = true,
  ) {}

  private constraints(pod: PodInfo, action: string): SpreadConstraint[] {
    const own = array<RawConstraint>(pod.spec.topologySpreadConstraints);
    if (own.length > 0) return filterConstraints(own, pod.labels, action);
    const defaults = filterConstraints(this.defaultConstraints, pod.labels, action);
    if (defaults.length === 0) return [];
    const selector = this.defaultSelector(pod);
    if (selector.isEmpty()) return [];
    return defaults.map((c) => ({ ...c, selector }));
  }

  /** helper.DefaultSelector: the selectors of the pod's Services and of its controller. */
  defaultSelector(pod: PodInfo): Selector {
    const labelSet: Record<string, string> = {};
    for (const svc of this.handle.list('services', pod.namespace)) {
      const sel = record(svc.spec).selector;
      if (sel === undefined || sel === null) continue;
      const s = selectorFromMap(record(sel) as Labels);
      if (s.matches(pod.labels)) Object.assign(labelSet, record(sel));
    }
    let selector = selectorFromMap(labelSet);
    const owner = controllerOf(pod.pod);
    if (!owner) return selector;
    const kind = `${owner.apiVersion}/${owner.kind}`;
    let controller: KubeObject | undefined;
    if (kind === 'v1/ReplicationController') {
      controller = this.handle.get('replicationcontrollers', pod.namespace, owner.name);
      if (controller) selector = selectorFromMap({ ...labelSet, ...(record(record(controller.spec).selector) as Labels) });
    } else if (kind === 'apps/v1/ReplicaSet' || kind === 'apps/v1/StatefulSet') {
      controller = this.handle.get(owner.kind === 'ReplicaSet' ? 'replicasets' : 'statefulsets', pod.namespace, owner.name);
      if (controller) {
        try {
          const other = selectorFromLabelSelector(record(controller.spec).selector as LabelSelector);
          selector = new Selector([...selector.requirements, ...other.requirements]);
        } catch {
          // An invalid selector adds nothing.
        }
      }
    }
    return selector;
  }

  preFilter(state: CycleState, pod: PodInfo): Status | null {
    let constraints: SpreadConstraint[];
    try {
      constraints = this.constraints(pod, 'DoNotSchedule');
    } catch (e) {
      return Status.error(new Error(`calculating preFilterState: ${(e as Error).message}`));
    }
    if (constraints.length === 0) return Status.skip();
    const matchNum = constraints.map(() => new Map<string, number>());
    for (const node of this.handle.nodeInfos()) {
      if (!nodeHasAllKeys(node.labels, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!matchNodeInclusionPolicies(c, pod, node)) return;
        const v = node.labels[c.topologyKey];
        matchNum[i].set(v, (matchNum[i].get(v) ?? 0) + countPodsMatchSelector(node.pods, c.selector, pod.namespace));
      });
    }
    state.write(preFilterKey, new PreFilterState(constraints, matchNum));
    return null;
  }

  addPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | null {
    state.read<PreFilterState>(preFilterKey)?.update(podToAdd, pod, node, 1);
    return null;
  }

  removePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | null {
    state.read<PreFilterState>(preFilterKey)?.update(podToRemove, pod, node, -1);
    return null;
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const s = state.read<PreFilterState>(preFilterKey);
    if (!s) return Status.error(new Error(`error reading "${preFilterKey}" from cycleState: not found`));
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const value = node.labels[c.topologyKey];
      if (value === undefined) return new Status(Code.UnschedulableAndUnresolvable, [errReasonNodeLabelNotMatch]);
      const selfMatch = c.selector.matches(pod.labels) ? 1 : 0;
      const skew = (s.matchNum[i].get(value) ?? 0) + selfMatch - s.minMatchNum(i);
      if (skew > c.maxSkew) return new Status(Code.Unschedulable, [errReasonConstraintsNotMatch]);
    }
    return null;
  }

  preScore(state: CycleState, pod: PodInfo, filtered: NodeInfo[]): Status | null {
    const all = this.handle.nodeInfos();
    if (filtered.length === 0 || all.length === 0) return Status.skip();
    let constraints: SpreadConstraint[];
    try {
      constraints = this.constraints(pod, 'ScheduleAnyway');
    } catch (e) {
      return Status.error(new Error(`calculating preScoreState: ${(e as Error).message}`));
    }
    if (constraints.length === 0) return Status.skip();
    // Only own constraints need every topology key on a node; system defaults let nodes
    // without a zone still spread by hostname.
    const requireAll = array(pod.spec.topologySpreadConstraints).length > 0 || !this.systemDefaulted;
    const ignored = new Set<string>();
    const counts = constraints.map(() => new Map<string, number>());
    const sizes = constraints.map(() => 0);
    for (const node of filtered) {
      if (requireAll && !nodeHasAllKeys(node.labels, constraints)) {
        ignored.add(node.name);
        continue;
      }
      constraints.forEach((c, i) => {
        if (c.topologyKey === hostnameKey) return;
        const v = node.labels[c.topologyKey] ?? '';
        if (!counts[i].has(v)) {
          counts[i].set(v, 0);
          sizes[i]++;
        }
      });
    }
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === hostnameKey ? filtered.length - ignored.size : sizes[i]) + 2));
    const needsCounting = constraints.some((c) => c.topologyKey !== hostnameKey);
    if (needsCounting) {
      for (const node of all) {
        if (requireAll && !nodeHasAllKeys(node.labels, constraints)) continue;
        constraints.forEach((c, i) => {
          if (c.topologyKey === hostnameKey) return;
          if (!matchNodeInclusionPolicies(c, pod, node)) return;
          const v = node.labels[c.topologyKey] ?? '';
          const current = counts[i].get(v);
          if (current === undefined) return;
          counts[i].set(v, current + countPodsMatchSelector(node.pods, c.selector, pod.namespace));
        });
      }
    }
    state.write(preScoreKey, new PreScoreState(constraints, ignored, counts, weights));
    return null;
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const s = state.read<PreScoreState>(preScoreKey);
    if (!s || s.ignoredNodes.has(node.name)) return 0;
    let score = 0;
    s.constraints.forEach((c, i) => {
      const v = node.labels[c.topologyKey];
      if (v === undefined) return;
      const cnt = c.topologyKey === hostnameKey ? countPodsMatchSelector(node.pods, c.selector, pod.namespace) : (s.counts[i].get(v) ?? 0);
      score += cnt * s.weights[i] + (c.maxSkew - 1);
    });
    return Math.round(score);
  }

  normalizeScore(state: CycleState, _pod: PodInfo, scores: number[], nodes: NodeInfo[]): void {
    const s = state.read<PreScoreState>(preScoreKey);
    if (!s) return;
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.has(nodes[i].name)) continue;
      if (scores[i] < min) min = scores[i];
      if (scores[i] > max) max = scores[i];
    }
    for (let i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.has(nodes[i].name)) scores[i] = 0;
      else if (max === 0) scores[i] = MaxNodeScore;
      else scores[i] = Math.trunc((MaxNodeScore * (max + min - scores[i])) / max);
    }
  }

  events() {
    return [
      { kind: 'AssignedPodAdd' as const },
      { kind: 'AssignedPodUpdate' as const, updates: ['label' as const] },
      { kind: 'AssignedPodDelete' as const, hint: (pod: PodInfo, e: { oldObj?: KubeObject }) => !e.oldObj || e.oldObj.metadata.namespace === pod.namespace },
      { kind: 'NodeAdd' as const },
      { kind: 'NodeDelete' as const },
      { kind: 'NodeUpdate' as const, updates: ['label' as const, 'taint' as const] },
      { kind: 'UnscheduledPodUpdate' as const, updates: ['label' as const] },
    ];
  }
}
