// InterPodAffinity. Filter: the node's topology domain must hold pods matching each required
// affinity term (a pod matching its own terms may start a group), must hold no pod matching a
// required anti-affinity term, and must not host pods whose own required anti-affinity the
// incoming pod matches. Score: preferred (anti-)affinity of the incoming pod and of existing
// pods, summed per topology domain with their weights (existing pods' required affinity counts
// with hardPodAffinityWeight 1), rescaled to 0..100 between the lowest and highest.

import type { Labels } from '../../machinery/labels.js';
import { Selector } from '../../machinery/labels.js';
import type { NodeInfo } from '../node-info.js';
import { podMatchesAllAffinityTerms, termMatches, type AffinityTerm, type PodInfo, type WeightedAffinityTerm } from '../pod-info.js';
import { Code, MaxNodeScore, Status, type CycleState, type EnqueueExtensions, type FilterPlugin, type Handle, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type StateData } from '../types.js';

export const errReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";
export const errReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const errReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

const preFilterKey = 'PreFilterInterPodAffinity';
const preScoreKey = 'PreScoreInterPodAffinity';

/** Matched-term counts per topology pair ("key\0value"). */
type TopologyCounts = Map<string, number>;

function pair(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function bump(m: TopologyCounts, labels: Labels, key: string, by: number): void {
  const value = labels[key];
  if (value === undefined) return;
  const p = pair(key, value);
  const n = (m.get(p) ?? 0) + by;
  if (n === 0) m.delete(p);
  else m.set(p, n);
}

/** For each term of `terms`, if `pod` matches all of them, counts the node's domain. */
function updateWithAffinityTerms(m: TopologyCounts, terms: readonly AffinityTerm[], pod: PodInfo, labels: Labels, by: number): void {
  if (!podMatchesAllAffinityTerms(terms, pod)) return;
  for (const t of terms) bump(m, labels, t.topologyKey, by);
}

/** For each term `pod` matches, counts the node's domain. */
function updateWithAntiAffinityTerms(m: TopologyCounts, terms: readonly AffinityTerm[], pod: PodInfo, nsLabels: Labels | undefined, labels: Labels, by: number): void {
  for (const t of terms) if (termMatches(t, pod, nsLabels)) bump(m, labels, t.topologyKey, by);
}

class PreFilterState implements StateData {
  constructor(
    readonly pod: PodInfo,
    readonly requiredAffinityTerms: AffinityTerm[],
    readonly requiredAntiAffinityTerms: AffinityTerm[],
    readonly namespaceLabels: Labels | undefined,
    public existingAntiAffinityCounts: TopologyCounts,
    public affinityCounts: TopologyCounts,
    public antiAffinityCounts: TopologyCounts,
  ) {}

  clone(): StateData {
    return new PreFilterState(this.pod, this.requiredAffinityTerms, this.requiredAntiAffinityTerms, this.namespaceLabels, new Map(this.existingAntiAffinityCounts), new Map(this.affinityCounts), new Map(this.antiAffinityCounts));
  }

  updateWithPod(p: PodInfo, labels: Labels, by: number): void {
    updateWithAntiAffinityTerms(this.existingAntiAffinityCounts, p.requiredAntiAffinityTerms, this.pod, this.namespaceLabels, labels, by);
    updateWithAffinityTerms(this.affinityCounts, this.requiredAffinityTerms, p, labels, by);
    updateWithAntiAffinityTerms(this.antiAffinityCounts, this.requiredAntiAffinityTerms, p, undefined, labels, by);
  }
}

class PreScoreState implements StateData {
  constructor(readonly topologyScore: Map<string, Map<string, number>>) {}
  clone(): StateData {
    return this;
  }
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = 'InterPodAffinity';

  constructor(
    private readonly handle: Handle,
    private readonly hardPodAffinityWeight = 1,
    private readonly ignorePreferredTermsOfExistingPods = false,
  ) {}

  /** A term's namespaceSelector turned into the namespaces it selects now (mergeAffinityTermNamespacesIfNotEmpty). */
  private merge<T extends AffinityTerm>(term: T): T {
    if (term.namespaceSelector.isEmpty()) return term;
    const namespaces = new Set(term.namespaces);
    for (const ns of this.handle.namespacesMatching((labels) => term.namespaceSelector.matches(labels))) namespaces.add(ns);
    return { ...term, namespaces, namespaceSelector: Selector.nothing() };
  }

  preFilter(state: CycleState, pod: PodInfo): Status | null {
    if (pod.parseError) return new Status(Code.UnschedulableAndUnresolvable, [`parsing pod: ${pod.parseError}`]);
    const withAnti = this.handle.nodeInfosWithRequiredAntiAffinity();
    const required = pod.requiredAffinityTerms.map((t) => this.merge(t));
    const requiredAnti = pod.requiredAntiAffinityTerms.map((t) => this.merge(t));
    if (withAnti.length === 0 && required.length === 0 && requiredAnti.length === 0) return Status.skip();
    const nsLabels = this.handle.namespaceLabels(pod.namespace);
    const existing: TopologyCounts = new Map();
    for (const node of withAnti) {
      for (const p of node.podsWithRequiredAntiAffinity) updateWithAntiAffinityTerms(existing, p.requiredAntiAffinityTerms, pod, nsLabels, node.labels, 1);
    }
    const affinityCounts: TopologyCounts = new Map();
    const antiAffinityCounts: TopologyCounts = new Map();
    if (required.length || requiredAnti.length) {
      for (const node of this.handle.nodeInfos()) {
        for (const p of node.pods) {
          if (required.length) updateWithAffinityTerms(affinityCounts, required, p, node.labels, 1);
          if (requiredAnti.length) updateWithAntiAffinityTerms(antiAffinityCounts, requiredAnti, p, undefined, node.labels, 1);
        }
      }
    }
    if (existing.size === 0 && required.length === 0 && requiredAnti.length === 0) return Status.skip();
    state.write(preFilterKey, new PreFilterState(pod, required, requiredAnti, nsLabels, existing, affinityCounts, antiAffinityCounts));
    return null;
  }

  addPod(state: CycleState, _pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | null {
    state.read<PreFilterState>(preFilterKey)?.updateWithPod(podToAdd, node.labels, 1);
    return null;
  }

  removePod(state: CycleState, _pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | null {
    state.read<PreFilterState>(preFilterKey)?.updateWithPod(podToRemove, node.labels, -1);
    return null;
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfo): Status | null {
    const s = state.read<PreFilterState>(preFilterKey);
    if (!s) return Status.error(new Error(`error reading "${preFilterKey}" from cycleState: not found`));
    if (!satisfyPodAffinity(s, node)) return new Status(Code.UnschedulableAndUnresolvable, [errReasonAffinityRulesNotMatch]);
    if (!satisfyPodAntiAffinity(s, node)) return new Status(Code.Unschedulable, [errReasonAntiAffinityRulesNotMatch]);
    if (!satisfyExistingPodsAntiAffinity(s, node)) return new Status(Code.Unschedulable, [errReasonExistingAntiAffinityRulesNotMatch]);
    return null;
  }

  preScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): Status | null {
    if (nodes.length === 0) return Status.skip();
    const hasConstraints = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
    if (this.ignorePreferredTermsOfExistingPods && !hasConstraints) return Status.skip();
    // Without preferences of its own, only pods with affinity can score nodes for this pod.
    const all = hasConstraints ? this.handle.nodeInfos() : this.handle.nodeInfosWithAffinity();
    if (all.length === 0) return Status.skip();
    const preferred = pod.preferredAffinityTerms.map((t) => this.merge(t));
    const preferredAnti = pod.preferredAntiAffinityTerms.map((t) => this.merge(t));
    const nsLabels = this.handle.namespaceLabels(pod.namespace);
    const scores = new Map<string, Map<string, number>>();
    const processTerm = (term: AffinityTerm, weight: number, target: PodInfo, targetNs: Labels | undefined, labels: Labels, multiplier: number) => {
      if (!termMatches(term, target, targetNs)) return;
      const value = labels[term.topologyKey];
      if (value === undefined) return;
      let m = scores.get(term.topologyKey);
      if (!m) scores.set(term.topologyKey, (m = new Map()));
      m.set(value, (m.get(value) ?? 0) + weight * multiplier);
    };
    const processTerms = (terms: readonly WeightedAffinityTerm[], target: PodInfo, targetNs: Labels | undefined, labels: Labels, multiplier: number) => {
      for (const t of terms) processTerm(t, t.weight, target, targetNs, labels, multiplier);
    };
    for (const node of all) {
      const labels = node.labels;
      if (Object.keys(labels).length === 0) continue;
      for (const existing of hasConstraints ? node.pods : node.podsWithAffinity) {
        processTerms(preferred, existing, undefined, labels, 1);
        processTerms(preferredAnti, existing, undefined, labels, -1);
        if (this.hardPodAffinityWeight > 0) {
          for (const t of existing.requiredAffinityTerms) processTerm(t, this.hardPodAffinityWeight, pod, nsLabels, labels, 1);
        }
        processTerms(existing.preferredAffinityTerms, pod, nsLabels, labels, 1);
        processTerms(existing.preferredAntiAffinityTerms, pod, nsLabels, labels, -1);
      }
    }
    if (scores.size === 0) return Status.skip();
    state.write(preScoreKey, new PreScoreState(scores));
    return null;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const s = state.read<PreScoreState>(preScoreKey);
    if (!s) return 0;
    let score = 0;
    for (const [key, values] of s.topologyScore) {
      const v = node.labels[key];
      if (v !== undefined) score += values.get(v) ?? 0;
    }
    return score;
  }

  normalizeScore(state: CycleState, _pod: PodInfo, scores: number[]): void {
    const s = state.read<PreScoreState>(preScoreKey);
    if (!s || s.topologyScore.size === 0) return;
    let min = Infinity;
    let max = -Infinity;
    for (const x of scores) {
      if (x > max) max = x;
      if (x < min) min = x;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc(MaxNodeScore * ((scores[i] - min) / diff)) : 0;
  }

  events() {
    return [
      { kind: 'AssignedPodAdd' as const },
      { kind: 'AssignedPodUpdate' as const, updates: ['label' as const] },
      { kind: 'AssignedPodDelete' as const },
      { kind: 'NodeAdd' as const },
      { kind: 'NodeUpdate' as const, updates: ['label' as const] },
      { kind: 'UnscheduledPodUpdate' as const, updates: ['label' as const] },
    ];
  }
}

function satisfyPodAffinity(s: PreFilterState, node: NodeInfo): boolean {
  let podsExist = true;
  for (const term of s.requiredAffinityTerms) {
    const value = node.labels[term.topologyKey];
    // Every topology key must be on the node.
    if (value === undefined) return false;
    if ((s.affinityCounts.get(pair(term.topologyKey, value)) ?? 0) <= 0) podsExist = false;
  }
  if (!podsExist) {
    // The first pod of a group with affinity to itself: allowed when nothing else matches.
    return s.affinityCounts.size === 0 && podMatchesAllAffinityTerms(s.requiredAffinityTerms, s.pod);
  }
  return true;
}

function satisfyPodAntiAffinity(s: PreFilterState, node: NodeInfo): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const term of s.requiredAntiAffinityTerms) {
    const value = node.labels[term.topologyKey];
    if (value !== undefined && (s.antiAffinityCounts.get(pair(term.topologyKey, value)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfyExistingPodsAntiAffinity(s: PreFilterState, node: NodeInfo): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const key in node.labels) {
    if ((s.existingAntiAffinityCounts.get(pair(key, node.labels[key])) ?? 0) > 0) return false;
  }
  return true;
}
