// The scheduling framework's vocabulary, after kube-scheduler's pkg/scheduler/framework: plugin
// statuses and their codes, the per-cycle state plugins share, the extension points (PreEnqueue,
// PreFilter, Filter, PostFilter, PreScore, Score, Bind) and the diagnosis a failed cycle leaves —
// rendered into the "0/3 nodes are available: ..." message users read.

import type { KubeObject } from '../api/object.js';
import type { Labels } from '../machinery/labels.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

/** framework.Code. */
export const Code = {
  Success: 0,
  Error: 1,
  Unschedulable: 2,
  UnschedulableAndUnresolvable: 3,
  Wait: 4,
  Skip: 5,
  Pending: 6,
} as const;
export type Code = (typeof Code)[keyof typeof Code];

/** The highest score a Score plugin gives a node (framework.MaxNodeScore). */
export const MaxNodeScore = 100;

/** A plugin's answer. Hot paths use `null` for success instead of allocating one. */
export class Status {
  plugin = '';

  constructor(
    readonly code: Code,
    readonly reasons: readonly string[] = [],
    readonly error?: Error,
  ) {}

  static error(e: unknown): Status {
    const err = e instanceof Error ? e : new Error(String(e));
    return new Status(Code.Error, [err.message], err);
  }

  static skip(): Status {
    return new Status(Code.Skip);
  }

  message(): string {
    return this.reasons.join(', ');
  }

  isSuccess(): boolean {
    return this.code === Code.Success;
  }

  /** Unschedulable, UnschedulableAndUnresolvable or Pending: the pod cannot go there now. */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable || this.code === Code.Pending;
  }

  withPlugin(name: string): this {
    this.plugin = name;
    return this;
  }
}

/** Data a plugin keeps for one scheduling cycle; copied when preemption simulates a node. */
export interface StateData {
  clone(): StateData;
}

/** framework.CycleState: plugin data for one pod's scheduling attempt. */
export class CycleState {
  private data = new Map<string, StateData>();
  /** Plugins whose PreFilter answered Skip: their Filter is not run. */
  skipFilter = new Set<string>();
  /** Plugins whose PreScore answered Skip: their Score is not run. */
  skipScore = new Set<string>();
  /** The Filter plugins this cycle runs (all but the skipped ones), worked out once. */
  activeFilters: FilterPlugin[] | undefined;

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    c.skipFilter = new Set(this.skipFilter);
    c.skipScore = new Set(this.skipScore);
    c.activeFilters = this.activeFilters;
    return c;
  }
}

/** The other objects plugins read, from informers. */
export type ListedKind = 'services' | 'replicasets' | 'statefulsets' | 'replicationcontrollers' | 'poddisruptionbudgets' | 'persistentvolumeclaims';

/** What plugins may read besides the pod and node at hand. */
export interface Handle {
  /** Every node with a Node object, in the scheduler's round-robin order. */
  nodeInfos(): NodeInfo[];
  /** Nodes hosting at least one pod with (anti-)affinity. */
  nodeInfosWithAffinity(): NodeInfo[];
  /** Nodes hosting at least one pod with required anti-affinity. */
  nodeInfosWithRequiredAntiAffinity(): NodeInfo[];
  nodeInfo(name: string): NodeInfo | undefined;
  /** Labels of a namespace (for namespaceSelector), undefined when unknown. */
  namespaceLabels(namespace: string): Labels | undefined;
  /** Namespaces whose labels match. */
  namespacesMatching(matches: (labels: Labels | undefined) => boolean): string[];
  /** Read-only listers of the objects default spreading, volumes and preemption look at. */
  list(kind: ListedKind, namespace?: string): KubeObject[];
  get(kind: ListedKind, namespace: string, name: string): KubeObject | undefined;
  /** Pods nominated (by preemption) to run on a node. */
  nominatedPodsForNode(nodeName: string): PodInfo[];
  now(): number;
}

export interface Plugin {
  readonly name: string;
}

/** Gates a pod before it enters the active queue (SchedulingGates). */
export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: PodInfo): Status | null;
}

export interface PreFilterResult {
  /** The only nodes worth filtering; undefined means all nodes. */
  nodeNames?: Set<string>;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): { result?: PreFilterResult; status?: Status | null } | Status | null;
  /** Updates the cycle state as if podToAdd ran on node (nominated pods, preemption). */
  addPod?(state: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | null;
  removePod?(state: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | null;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
}

export interface PostFilterResult {
  /** '' clears the pod's nominated node; undefined leaves it. */
  nominatedNodeName?: string;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, statuses: NodeToStatus): Promise<{ result?: PostFilterResult; status: Status }>;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): Status | null;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rescales the raw scores (same order as nodes) to 0..MaxNodeScore in place. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: number[], nodes: NodeInfo[]): void;
}

export interface BindPlugin extends Plugin {
  bind(pod: PodInfo, nodeName: string): Promise<Status | null>;
}

// --- cluster events that move pods out of the unschedulable pool (framework.ClusterEvent) ---

export type ClusterEventKind =
  | 'NodeAdd'
  | 'NodeUpdate'
  | 'NodeDelete'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete'
  | 'UnscheduledPodUpdate'
  | 'NamespaceUpdate'
  | 'PersistentVolumeClaimAdd'
  | 'PersistentVolumeClaimUpdate'
  | 'UnschedulableTimeout'
  | 'ForceActivate';

/** What changed on a node or an unscheduled pod (framework.ActionType's Update* flags). */
export type UpdateKind = 'allocatable' | 'label' | 'taint' | 'condition' | 'annotation' | 'tolerations' | 'schedulingGates' | 'scaleDown';

export interface ClusterEvent {
  kind: ClusterEventKind;
  updates?: ReadonlySet<UpdateKind>;
  oldObj?: KubeObject;
  newObj?: KubeObject;
}

/** Decides whether an event may make a pod this plugin rejected schedulable (QueueingHint). */
export type QueueingHint = (pod: PodInfo, event: ClusterEvent) => boolean;

export interface EnqueueExtensions {
  /** The events that can make this plugin's rejections go away, each with an optional finer check. */
  events(): { kind: ClusterEventKind; updates?: UpdateKind[]; hint?: QueueingHint }[];
}

// --- the diagnosis of a failed cycle ---

/** Statuses of the nodes a cycle rejected; nodes not listed share `absent`. */
export class NodeToStatus {
  readonly byNode = new Map<string, Status>();
  absent: Status = new Status(Code.UnschedulableAndUnresolvable);

  get(name: string): Status {
    return this.byNode.get(name) ?? this.absent;
  }

  set(name: string, status: Status): void {
    this.byNode.set(name, status);
  }

  get size(): number {
    return this.byNode.size;
  }

  /** Nodes whose status has this code, counting absent ones when the absent status has it. */
  nodesWithCode(nodes: NodeInfo[], code: Code): NodeInfo[] {
    const out: NodeInfo[] = [];
    for (const n of nodes) {
      const s = this.byNode.get(n.name);
      if (s ? s.code === code : this.absent.code === code) out.push(n);
    }
    return out;
  }
}

export interface Diagnosis {
  nodeToStatus: NodeToStatus;
  unschedulablePlugins: Set<string>;
  pendingPlugins: Set<string>;
  preFilterMsg: string;
  postFilterMsg: string;
}

export function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new NodeToStatus(), unschedulablePlugins: new Set(), pendingPlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
}

export function addPluginStatus(d: Diagnosis, s: Status): void {
  if (!s.plugin) return;
  if (s.isRejected()) d.unschedulablePlugins.add(s.plugin);
  if (s.code === Code.Pending) d.pendingPlugins.add(s.plugin);
}

/** The pod fits no node: framework.FitError. */
export class FitError {
  constructor(
    readonly pod: PodInfo,
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {}

  get message(): string {
    return fitErrorMessage(this.numAllNodes, this.diagnosis);
  }
}

/**
 * "0/X nodes are available: <PreFilterMsg>. <reason histogram>. <PostFilterMsg>", reasons counted
 * per node and sorted as strings, as FitError.Error() renders them in Kubernetes 1.32.
 */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    for (const s of d.nodeToStatus.byNode.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const absentNodes = numAllNodes - d.nodeToStatus.size;
    if (absentNodes > 0) for (const r of d.nodeToStatus.absent.reasons) counts.set(r, (counts.get(r) ?? 0) + absentNodes);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`);
    // Go's sort.Strings: byte order.
    parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}
