// The DaemonSet's pure rules (pkg/controller/daemon/util and the predicates of
// daemon_controller.go): which nodes should run a daemon pod (nodeName, nodeSelector, required
// node affinity, taints against the pod's tolerations), the tolerations every daemon pod gets,
// the node affinity that pins a pod to its node, revision labels, surge and unavailability
// budgets, and the status as the API serialises it. No I/O here.

import type { KubeObject } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import type { LabelSelector } from '../../machinery/labels.js';
import { scaledValue } from '../deployment/util.js';

/** apps.DefaultDaemonSetUniqueLabelKey: the revision hash on pods and revisions. */
export const DaemonSetRevisionLabel = 'controller-revision-hash';
/** extensions.DaemonSetTemplateGenerationKey: the template generation on pods (older rollouts). */
export const DaemonSetTemplateGenerationLabel = 'pod-template-generation';
/** apps.DeprecatedTemplateGeneration: the API server's count of template changes, on the DaemonSet. */
export const DeprecatedTemplateGeneration = 'deprecated.daemonset.template.generation';

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  hostNetwork?: boolean;
  [k: string]: unknown;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; [k: string]: unknown };
  spec?: PodSpec;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: unknown[];
}

export interface DaemonSet extends KubeObject {
  spec: {
    selector?: LabelSelector;
    template?: PodTemplate;
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: Partial<DaemonSetStatus>;
}

export interface Node extends KubeObject {
  spec?: { taints?: Taint[]; unschedulable?: boolean; [k: string]: unknown };
}

// ---- template generation ----

/** GetTemplateGeneration: the annotation's number; undefined when absent or not a number. */
export function templateGeneration(ds: KubeObject): number | undefined {
  const v = ds.metadata.annotations?.[DeprecatedTemplateGeneration];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return undefined;
  return Number(v);
}

/**
 * The API server's part (daemonSetStrategy.PrepareForCreate/PrepareForUpdate with the apps/v1
 * conversion of spec.templateGeneration): a new DaemonSet is at template generation 1; an
 * update keeps the stored number, one more when the pod template changed. `sameTemplate`
 * compares templates semantically.
 */
export function prepareTemplateGeneration(ds: KubeObject, old: KubeObject | undefined, sameTemplate: (a: unknown, b: unknown) => boolean): void {
  let generation = 1;
  if (old) {
    generation = templateGeneration(old) ?? 0;
    const tmpl = (o: KubeObject) => (o.spec as { template?: unknown } | undefined)?.template;
    if (!sameTemplate(tmpl(ds), tmpl(old))) generation++;
  }
  ds.metadata.annotations = { ...(ds.metadata.annotations ?? {}), [DeprecatedTemplateGeneration]: String(generation) };
}

// ---- tolerations ----

/** v1.Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** FindMatchingUntoleratedTaint: the first taint (passing the filter) no toleration tolerates. */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  return taints.find((taint) => filter(taint) && !tolerations.some((t) => toleratesTaint(t, taint)));
}

/** Toleration.MatchToleration: the same key, operator, value and effect. */
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.effect ?? '') === (b.effect ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '');
}

/** AddOrUpdateTolerationInPodSpec: replaces a matching toleration (dropping its seconds) or appends. */
function addOrUpdateToleration(spec: PodSpec, toleration: Toleration): void {
  const existing = spec.tolerations ?? [];
  let updated = false;
  const out: Toleration[] = [];
  for (const t of existing) {
    if (sameToleration(t, toleration)) {
      if (t.tolerationSeconds === undefined) return;
      out.push({ ...toleration });
      updated = true;
      continue;
    }
    out.push(t);
  }
  if (!updated) out.push({ ...toleration });
  spec.tolerations = out;
}

/**
 * AddOrUpdateDaemonPodTolerations: daemon pods survive node problems (not-ready and unreachable
 * NoExecute, with no time limit) and are placed on nodes under pressure or cordoned; those on
 * the host network also on nodes whose network is not ready.
 */
export function addDaemonPodTolerations(spec: PodSpec): void {
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' });
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' });
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' });
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' });
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' });
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
  if (spec.hostNetwork) addOrUpdateToleration(spec, { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
}

// ---- node affinity ----

function requirementMatches(r: NodeSelectorRequirement, get: (key: string) => string | undefined): boolean {
  const value = get(r.key);
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1 || !/^[+-]?\d+$/.test(value) || !/^[+-]?\d+$/.test(values[0])) return false;
      const a = BigInt(value);
      const b = BigInt(values[0]);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A node selector term: non-empty, every expression on labels and every field (metadata.name) matching. */
function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  const labelOf = (k: string) => (Object.prototype.hasOwnProperty.call(labels, k) ? labels[k] : undefined);
  const fieldOf = (k: string) => (k === 'metadata.name' ? node.metadata.name : undefined);
  return exprs.every((r) => requirementMatches(r, labelOf)) && fields.every((r) => (r.operator === 'In' || r.operator === 'NotIn') && requirementMatches(r, fieldOf));
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector and the required terms. */
export function podMatchesNodeAffinity(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the single term
 * `metadata.name In [node]`, so the default scheduler places the pod on exactly that node.
 */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const selector = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  if (!affinity) return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: selector } };
  const out = deepCopy(affinity);
  if (!out.nodeAffinity) {
    out.nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: selector };
    return out;
  }
  out.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { ...(out.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? {}), nodeSelectorTerms: selector.nodeSelectorTerms };
  return out;
}

/** GetTargetNodeName: the pod's node, or the node its pinning affinity names. */
export function targetNodeName(pod: KubeObject): string | undefined {
  const spec = (pod.spec ?? {}) as PodSpec;
  if (spec.nodeName) return spec.nodeName;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In') return f.values?.length === 1 ? f.values[0] : undefined;
    }
  }
  return undefined;
}

// ---- should a node run the daemon pod ----

/** NewPod: the template's pod on this node, with the daemon tolerations. */
export function newPod(ds: DaemonSet, nodeName: string): { metadata: KubeObject['metadata']; spec: PodSpec } {
  const template = ds.spec.template ?? {};
  const spec = deepCopy(template.spec ?? {}) as PodSpec;
  spec.nodeName = nodeName;
  addDaemonPodTolerations(spec);
  return { metadata: { ...deepCopy(template.metadata ?? {}), namespace: ds.metadata.namespace }, spec };
}

/**
 * NodeShouldRunDaemonPod: shouldRun — a pod belongs on the node (name, selector, affinity,
 * tolerated NoSchedule/NoExecute taints); shouldContinueRunning — one already there may stay
 * (only an untolerated NoExecute taint evicts it).
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const pod = newPod(ds, node.metadata.name!);
  const templateNode = ds.spec.template?.spec?.nodeName;
  if (templateNode && templateNode !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!podMatchesNodeAffinity(pod.spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = pod.spec.tolerations ?? [];
  if (findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute' || t.effect === 'NoSchedule')) {
    return { shouldRun: false, shouldContinueRunning: !findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute') };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

// ---- pods of a revision ----

/** CreatePodTemplate: the template with the daemon tolerations, the generation and the revision hash. */
export function createPodTemplate(template: PodTemplate | undefined, generation: number | undefined, hash: string): PodTemplate {
  const out = deepCopy(template ?? {});
  out.spec = out.spec ?? {};
  addDaemonPodTolerations(out.spec);
  out.metadata = out.metadata ?? {};
  const labels = { ...(out.metadata.labels ?? {}) };
  if (generation !== undefined) labels[DaemonSetTemplateGenerationLabel] = String(generation);
  if (hash) labels[DaemonSetRevisionLabel] = hash;
  out.metadata.labels = labels;
  return out;
}

/** IsPodUpdated: the pod carries the current revision's hash (or, for old pods, template generation). */
export function isPodUpdated(pod: KubeObject, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  const templateMatches = generation !== undefined && labels[DaemonSetTemplateGenerationLabel] === String(generation);
  const hashMatches = hash.length > 0 && labels[DaemonSetRevisionLabel] === hash;
  return hashMatches || templateMatches;
}

// ---- budgets ----

function rollingUpdate(ds: DaemonSet) {
  return ds.spec.updateStrategy?.type === 'RollingUpdate' ? ds.spec.updateStrategy.rollingUpdate : undefined;
}

/** SurgeCount: extra pods allowed during a rollout (percentages of the desired count, rounded up). */
export function surgeCount(ds: DaemonSet, numberToSchedule: number): number {
  const ru = rollingUpdate(ds);
  if (!ru || ru.maxSurge === undefined || ru.maxSurge === null) return 0;
  return scaledValue(ru.maxSurge, numberToSchedule, true);
}

/** UnavailableCount: pods allowed to be unavailable during a rollout (rounded up). */
export function unavailableCount(ds: DaemonSet, numberToSchedule: number): number {
  const ru = rollingUpdate(ds);
  if (!ru) return 0;
  return scaledValue(ru.maxUnavailable ?? 0, numberToSchedule, true);
}

/** AllowsSurge: more than one pod may run on a node during a rollout. */
export function allowsSurge(ds: DaemonSet): boolean {
  try {
    return surgeCount(ds, 1) > 0;
  } catch {
    return false;
  }
}

function timeOf(s: string | null | undefined): number {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** podByCreationTimestampAndPhase: scheduled pods first, then oldest, then by name. */
export function byCreationTimestampAndPhase(a: KubeObject, b: KubeObject): number {
  const na = !!(a.spec as PodSpec | undefined)?.nodeName;
  const nb = !!(b.spec as PodSpec | undefined)?.nodeName;
  if (na !== nb) return na ? -1 : 1;
  const ta = timeOf(a.metadata.creationTimestamp);
  const tb = timeOf(b.metadata.creationTimestamp);
  if (ta === tb) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  return ta - tb;
}

/** The status as the API serialises it: the four counts always, the rest when set. */
export function normalizeDaemonSetStatus(s: Partial<DaemonSetStatus> | undefined): DaemonSetStatus {
  const out: DaemonSetStatus = {
    currentNumberScheduled: s?.currentNumberScheduled ?? 0,
    numberMisscheduled: s?.numberMisscheduled ?? 0,
    desiredNumberScheduled: s?.desiredNumberScheduled ?? 0,
    numberReady: s?.numberReady ?? 0,
  };
  if (s?.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s?.updatedNumberScheduled) out.updatedNumberScheduled = s.updatedNumberScheduled;
  if (s?.numberAvailable) out.numberAvailable = s.numberAvailable;
  if (s?.numberUnavailable) out.numberUnavailable = s.numberUnavailable;
  if (s?.collisionCount !== undefined && s.collisionCount !== null) out.collisionCount = s.collisionCount;
  if (s?.conditions?.length) out.conditions = s.conditions;
  return out;
}
