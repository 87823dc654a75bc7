// Test fixtures for the scheduler's unit tests: Node and Pod objects in a few words, and a
// cluster of them in a SchedulerCache behind a Handle, with a Framework over chosen plugins.

import type { KubeObject } from '../api/object.js';
import type { Client, ClientWatchEvent, ListResult, PatchType, ResourceRef, WriteOptions } from '../client/interface.js';
import type { EventRecorder } from '../controllers/events.js';
import { SchedulerCache } from './cache.js';
import { SchedulingAlgorithm } from './cycle.js';
import { Framework, type PluginEntry } from './framework.js';
import type { Taint, Toleration } from './helpers.js';
import type { NodeInfo } from './node-info.js';
import { PodInfo } from './pod-info.js';
import { CycleState, type Handle } from './types.js';

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
  extra?: Record<string, string>;
}

export function makeNode(name: string, s: NodeSpec = {}): KubeObject {
  const allocatable = { cpu: s.cpu ?? '4', memory: s.memory ?? '32Gi', pods: s.pods ?? '110', ...(s.extra ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...(s.labels ?? {}) } },
    spec: { ...(s.taints ? { taints: s.taints } : {}), ...(s.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True' }], ...(s.images ? { images: s.images } : {}) },
  };
}

export interface PodSpec {
  namespace?: string;
  uid?: string;
  cpu?: string;
  memory?: string;
  /** Requests per container, overriding cpu/memory. */
  containers?: { cpu?: string; memory?: string; image?: string; hostPort?: number; hostIP?: string; protocol?: string; extra?: Record<string, string> }[];
  initContainers?: { cpu?: string; memory?: string; restartPolicy?: string }[];
  overhead?: Record<string, string>;
  labels?: Record<string, string>;
  nodeName?: string;
  nominatedNodeName?: string;
  priority?: number;
  preemptionPolicy?: string;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  topologySpreadConstraints?: Record<string, unknown>[];
  ownerReferences?: KubeObject['metadata']['ownerReferences'];
  schedulingGates?: { name: string }[];
  deleting?: boolean;
  startTime?: string;
  conditions?: Record<string, unknown>[];
}

function requests(cpu?: string, memory?: string, extra?: Record<string, string>): Record<string, string> | undefined {
  const r: Record<string, string> = { ...(extra ?? {}) };
  if (cpu) r.cpu = cpu;
  if (memory) r.memory = memory;
  return Object.keys(r).length ? r : undefined;
}

export function makePod(name: string, s: PodSpec = {}): KubeObject {
  const ns = s.namespace ?? 'default';
  const containers = (s.containers ?? [{ cpu: s.cpu, memory: s.memory }]).map((c, i) => {
    const req = requests(c.cpu, c.memory, c.extra);
    return {
      name: `c${i}`,
      image: c.image ?? 'nginx',
      ...(req ? { resources: { requests: req } } : {}),
      ...(c.hostPort ? { ports: [{ containerPort: c.hostPort, hostPort: c.hostPort, ...(c.hostIP ? { hostIP: c.hostIP } : {}), protocol: c.protocol ?? 'TCP' }] } : {}),
    };
  });
  const spec: Record<string, unknown> = { containers, schedulerName: 'default-scheduler', priority: s.priority ?? 0 };
  if (s.initContainers) {
    spec.initContainers = s.initContainers.map((c, i) => {
      const req = requests(c.cpu, c.memory);
      return { name: `init${i}`, image: 'busybox', ...(req ? { resources: { requests: req } } : {}), ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}) };
    });
  }
  if (s.overhead) spec.overhead = s.overhead;
  if (s.nodeName) spec.nodeName = s.nodeName;
  if (s.preemptionPolicy) spec.preemptionPolicy = s.preemptionPolicy;
  if (s.tolerations) spec.tolerations = s.tolerations;
  if (s.nodeSelector) spec.nodeSelector = s.nodeSelector;
  if (s.affinity) spec.affinity = s.affinity;
  if (s.topologySpreadConstraints) spec.topologySpreadConstraints = s.topologySpreadConstraints;
  if (s.schedulingGates) spec.schedulingGates = s.schedulingGates;
  const status: Record<string, unknown> = { phase: 'Pending' };
  if (s.nominatedNodeName) status.nominatedNodeName = s.nominatedNodeName;
  if (s.startTime) status.startTime = s.startTime;
  if (s.conditions) status.conditions = s.conditions;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid: s.uid ?? `uid-${ns}-${name}`,
      labels: s.labels ?? {},
      ...(s.ownerReferences ? { ownerReferences: s.ownerReferences } : {}),
      ...(s.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec,
    status,
  };
}

/** A cache of nodes and pods with a Handle over it, for plugin and cycle tests. */
export class TestCluster {
  readonly cache = new SchedulerCache();
  readonly namespaces = new Map<string, Record<string, string>>([['default', {}]]);
  readonly objects: Record<string, KubeObject[]> = { services: [], replicasets: [], statefulsets: [], replicationcontrollers: [], poddisruptionbudgets: [], persistentvolumeclaims: [] };
  readonly nominated = new Map<string, PodInfo[]>();
  now = Date.parse('2026-01-01T00:00:00Z');

  readonly handle: Handle = {
    nodeInfos: () => this.cache.nodeList(),
    nodeInfosWithAffinity: () => this.cache.nodesWithAffinity(),
    nodeInfosWithRequiredAntiAffinity: () => this.cache.nodesWithRequiredAntiAffinity(),
    nodeInfo: (name) => this.cache.nodeInfo(name),
    namespaceLabels: (ns) => this.namespaces.get(ns),
    namespacesMatching: (m) => [...this.namespaces].filter(([, l]) => m(l)).map(([n]) => n),
    list: (kind, ns) => this.objects[kind].filter((o) => !ns || o.metadata.namespace === ns),
    get: (kind, ns, name) => this.objects[kind].find((o) => o.metadata.namespace === ns && o.metadata.name === name),
    nominatedPodsForNode: (n) => this.nominated.get(n) ?? [],
    now: () => this.now,
  };

  constructor(nodes: KubeObject[] = [], pods: KubeObject[] = []) {
    for (const n of nodes) this.cache.addNode(n);
    for (const p of pods) this.cache.addPod(p);
  }

  node(name: string): NodeInfo {
    const n = this.cache.nodeInfo(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  framework(plugins: (h: Handle) => PluginEntry[]): Framework {
    return new Framework(this.handle, plugins(this.handle));
  }

  algorithm(fw: Framework, random: () => number = () => 0.999): SchedulingAlgorithm {
    return new SchedulingAlgorithm(fw, this.cache, { random });
  }
}

/** Runs PreFilter then Filter on one node: null when the pod fits, else the status's reasons. */
export function filterOn(fw: Framework, cluster: TestCluster, pod: KubeObject | PodInfo, nodeName: string): string[] | null {
  const info = pod instanceof PodInfo ? pod : new PodInfo(pod);
  const state = new CycleState();
  const pre = fw.runPreFilter(state, info, cluster.cache.nodeList());
  if (pre.status && !pre.status.isSuccess()) return [...pre.status.reasons];
  if (pre.nodeNames && !pre.nodeNames.has(nodeName)) return ['(not in PreFilter result)'];
  const s = fw.runFilter(state, info, cluster.node(nodeName));
  return s ? [...s.reasons] : null;
}

/** PreScore then Score (normalized, unweighted per plugin) over every node: name → score. */
export function scoresOf(fw: Framework, cluster: TestCluster, pod: KubeObject, plugin: string): Record<string, number> {
  const info = new PodInfo(pod);
  const state = new CycleState();
  const nodes = cluster.cache.nodeList();
  fw.runPreFilter(state, info, nodes);
  fw.runPreScore(state, info, nodes);
  const per = new Map<string, number[]>();
  fw.runScore(state, info, nodes, per);
  const scores = per.get(plugin) ?? nodes.map(() => 0);
  return Object.fromEntries(nodes.map((n, i) => [n.name, scores[i]]));
}

/** A Client that records writes and answers them with success (preemption and binding tests). */
export class RecordingClient implements Client {
  readonly actions: { verb: string; namespace: string; name: string; body?: unknown }[] = [];

  async get(): Promise<KubeObject | undefined> {
    return undefined;
  }
  async list(): Promise<ListResult> {
    return { items: [], resourceVersion: '1' };
  }
  async *watch(): AsyncIterable<ClientWatchEvent> {
    return;
  }
  async create(_r: ResourceRef, namespace: string, obj: KubeObject): Promise<KubeObject> {
    this.actions.push({ verb: 'create', namespace, name: obj.metadata.name ?? '', body: obj });
    return obj;
  }
  async update(_r: ResourceRef, namespace: string, obj: KubeObject): Promise<KubeObject> {
    this.actions.push({ verb: 'update', namespace, name: obj.metadata.name ?? '', body: obj });
    return obj;
  }
  async patch(_r: ResourceRef, namespace: string, name: string, _type: PatchType, patch: unknown, options?: WriteOptions): Promise<KubeObject> {
    this.actions.push({ verb: options?.subresource ? `patch/${options.subresource}` : 'patch', namespace, name, body: patch });
    return { metadata: { name, namespace } };
  }
  async delete(_r: ResourceRef, namespace: string, name: string): Promise<KubeObject | undefined> {
    this.actions.push({ verb: 'delete', namespace, name });
    return undefined;
  }
  async createSubresource(_r: ResourceRef, namespace: string, name: string, subresource: string, body: KubeObject): Promise<KubeObject> {
    this.actions.push({ verb: `create/${subresource}`, namespace, name, body });
    return { metadata: {} };
  }
}

/** An EventRecorder that keeps what it is given. */
export class RecordingRecorder implements EventRecorder {
  readonly events: { name: string; type: string; reason: string; message: string }[] = [];
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ name: obj.metadata.name ?? '', type, reason, message });
  }
}
