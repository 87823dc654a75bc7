// The StatefulSet's pure rules (pkg/controller/statefulset/stateful_set_utils.go): pod identity
// (`web-3`, hostname, subdomain, the pod-name and pod-index labels), storage (`www-web-3`
// claims), the claim retention policy as ownerReferences, which revision a new pod gets, and
// the status arithmetic. No I/O here.

import type { KubeObject, OwnerReference } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import type { LabelSelector } from '../../machinery/labels.js';
import { applyRevision, newControllerRevision, templatePatch, type ControllerRevision, type OwnerKind } from '../history.js';
import { isPodAvailable, isPodReady } from '../replicaset.js';

export const StatefulSetPodNameLabel = 'statefulset.kubernetes.io/pod-name';
export const PodIndexLabel = 'apps.kubernetes.io/pod-index';
/** apps.StatefulSetRevisionLabel (= ControllerRevisionHashLabelKey). */
export const StatefulSetRevisionLabel = 'controller-revision-hash';

export const statefulSetKind: OwnerKind = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
export const podKind: OwnerKind = { apiVersion: 'v1', kind: 'Pod' };

export type RetentionPolicyType = 'Retain' | 'Delete';

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] }; spec?: Record<string, unknown> };
  serviceName?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  volumeClaimTemplates?: KubeObject[];
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: RetentionPolicyType; whenScaled?: RetentionPolicyType };
  ordinals?: { start?: number };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: unknown[];
  availableReplicas: number;
}

export interface StatefulSet extends KubeObject {
  spec: StatefulSetSpec;
  status?: Partial<StatefulSetStatus>;
}

export interface Pod extends KubeObject {
  spec?: {
    nodeName?: string;
    hostname?: string;
    subdomain?: string;
    volumes?: { name: string; persistentVolumeClaim?: { claimName?: string; readOnly?: boolean }; [k: string]: unknown }[];
    [k: string]: unknown;
  };
  status?: { phase?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[]; [k: string]: unknown };
}

// ---- identity ----

const statefulPodRegex = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: `web-12` is ordinal 12 of `web`; -1 when the name has no ordinal. */
export function parentNameAndOrdinal(podName: string | undefined): { parent: string; ordinal: number } {
  const m = statefulPodRegex.exec(podName ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  // strconv.ParseInt(s, 10, 32): out of int32 range is a parse error.
  return { parent: m[1], ordinal: Number.isSafeInteger(n) && n <= 2147483647 ? n : -1 };
}

export function getOrdinal(pod: KubeObject): number {
  return parentNameAndOrdinal(pod.metadata.name).ordinal;
}

export function replicasOf(set: StatefulSet): number {
  return set.spec.replicas ?? 1;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

export function endOrdinal(set: StatefulSet): number {
  return startOrdinal(set) + replicasOf(set) - 1;
}

export function podInOrdinalRange(pod: KubeObject, set: StatefulSet): boolean {
  const ordinal = getOrdinal(pod);
  return ordinal >= startOrdinal(set) && ordinal <= endOrdinal(set);
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

export function claimName(set: StatefulSet, claim: KubeObject, ordinal: number): string {
  return `${claim.metadata.name}-${set.metadata.name}-${ordinal}`;
}

/** A pod is the set's member when its name is `<set>-<ordinal>`. */
export function isMemberOf(set: StatefulSet, pod: KubeObject): boolean {
  return parentNameAndOrdinal(pod.metadata.name).parent === set.metadata.name;
}

export function identityMatches(set: StatefulSet, pod: KubeObject): boolean {
  const { parent, ordinal } = parentNameAndOrdinal(pod.metadata.name);
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.name === podName(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[StatefulSetPodNameLabel] === pod.metadata.name
  );
}

/** updateIdentity: name, namespace, and the pod-name and pod-index labels. */
export function updateIdentity(set: StatefulSet, pod: Pod): void {
  const ordinal = getOrdinal(pod);
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [StatefulSetPodNameLabel]: pod.metadata.name, [PodIndexLabel]: String(ordinal) };
}

// ---- storage ----

/** The claims a pod of this ordinal uses, by template name: named, namespaced, labelled. */
export function persistentVolumeClaims(set: StatefulSet, pod: KubeObject): Map<string, KubeObject> {
  const ordinal = getOrdinal(pod);
  const claims = new Map<string, KubeObject>();
  for (const template of set.spec.volumeClaimTemplates ?? []) {
    const claim = deepCopy(template);
    claim.metadata = { ...claim.metadata, name: claimName(set, template, ordinal), namespace: set.metadata.namespace };
    claim.metadata.labels = { ...(claim.metadata.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) };
    if (Object.keys(claim.metadata.labels).length === 0) delete claim.metadata.labels;
    claims.set(template.metadata.name!, claim);
  }
  return claims;
}

/** Whether the pod mounts every claim of the set's templates under the template's name. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = getOrdinal(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  for (const template of set.spec.volumeClaimTemplates ?? []) {
    const v = volumes.get(template.metadata.name!);
    if (!v?.persistentVolumeClaim || v.persistentVolumeClaim.claimName !== claimName(set, template, ordinal)) return false;
  }
  return true;
}

/** updateStorage: claim volumes first, then the pod's other volumes (same-named ones replaced). */
export function updateStorage(set: StatefulSet, pod: Pod): void {
  const claims = persistentVolumeClaims(set, pod);
  if (claims.size === 0 && !pod.spec?.volumes) return;
  const volumes: NonNullable<NonNullable<Pod['spec']>['volumes']> = [];
  for (const [name, claim] of claims) volumes.push({ name, persistentVolumeClaim: { claimName: claim.metadata.name } });
  for (const v of pod.spec?.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  pod.spec = { ...(pod.spec ?? {}), volumes };
}

// ---- the claim retention policy (ownerReferences on the claims) ----

export function retentionPolicy(set: StatefulSet): { whenDeleted: RetentionPolicyType; whenScaled: RetentionPolicyType } {
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

function matchesRef(ref: OwnerReference, obj: KubeObject, kind: OwnerKind): boolean {
  return ref.apiVersion === kind.apiVersion && ref.kind === kind.kind && ref.name === obj.metadata.name;
}

function hasOwnerRef(target: KubeObject, owner: KubeObject): boolean {
  return (target.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);
}

/** A reference to an object of this kind and name but another uid: left by a previous incarnation. */
export function hasStaleOwnerRef(target: KubeObject, obj: KubeObject, kind: OwnerKind): boolean {
  const ref = (target.metadata.ownerReferences ?? []).find((r) => matchesRef(r, obj, kind));
  return ref !== undefined && ref.uid !== (obj.metadata.uid ?? '');
}

/** Another controller manages the claim (only matters when some policy deletes claims). */
function hasUnexpectedController(claim: KubeObject, set: StatefulSet, pod: KubeObject): boolean {
  const policy = retentionPolicy(set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false;
  for (const ref of claim.metadata.ownerReferences ?? []) {
    if (matchesRef(ref, set, statefulSetKind)) {
      if (ref.uid !== set.metadata.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod, podKind)) {
      if (ref.uid !== (pod.metadata.uid ?? '')) return true;
      continue;
    }
    if (ref.controller) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: KubeObject, set: StatefulSet, pod: KubeObject): boolean {
  return (claim.metadata.ownerReferences ?? []).some((r) => (r.uid === set.metadata.uid || r.uid === pod.metadata.uid) && !r.controller);
}

/**
 * isClaimOwnerUpToDate: Retain/Retain → no reference to the set or pod; whenDeleted=Delete →
 * the set controls the claim; whenScaled=Delete → a pod scaled away controls its claims (so
 * they go with it). Claims left by earlier incarnations, or held by other controllers, are not
 * touched.
 */
export function isClaimOwnerUpToDate(claim: KubeObject, set: StatefulSet, pod: KubeObject): boolean {
  if (hasStaleOwnerRef(claim, set, statefulSetKind) || hasStaleOwnerRef(claim, pod, podKind)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const policy = retentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  if (policy.whenScaled === 'Delete' && policy.whenDeleted === 'Delete') {
    return scaledDown !== hasOwnerRef(claim, set) && scaledDown === hasOwnerRef(claim, pod);
  }
  if (policy.whenScaled === 'Delete') return !hasOwnerRef(claim, set) && scaledDown === hasOwnerRef(claim, pod);
  if (policy.whenDeleted === 'Delete') return hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
  return !hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
}

/** updateClaimOwnerRefForSetAndPod: the claim's ownerReferences as the policy wants them. */
export function updateClaimOwnerRefs(claim: KubeObject, set: StatefulSet, pod: KubeObject): void {
  const unexpected = hasUnexpectedController(claim, set, pod);
  let refs = (claim.metadata.ownerReferences ?? []).filter((r) => !matchesRef(r, set, statefulSetKind) && !matchesRef(r, pod, podKind));
  const add = (owner: KubeObject, kind: OwnerKind) => {
    if (refs.some((r) => r.uid === owner.metadata.uid)) return;
    refs = [...refs, { apiVersion: kind.apiVersion, kind: kind.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true }];
  };
  if (!unexpected) {
    const policy = retentionPolicy(set);
    const scaledDown = !podInOrdinalRange(pod, set);
    if (policy.whenScaled === 'Delete' && scaledDown) add(pod, podKind);
    if (policy.whenDeleted === 'Delete' && (policy.whenScaled !== 'Delete' || !scaledDown)) add(set, statefulSetKind);
  }
  if (refs.length) claim.metadata.ownerReferences = refs;
  else delete claim.metadata.ownerReferences;
}

// ---- pod state ----

export function phaseOf(pod: Pod): string {
  return pod.status?.phase ?? '';
}

/** The API server has it (a placeholder for a pod still to create has no phase). */
export function isCreated(pod: Pod): boolean {
  return phaseOf(pod) !== '';
}

export function isTerminating(pod: KubeObject): boolean {
  return !!pod.metadata.deletionTimestamp;
}

export function isRunningAndReady(pod: Pod): boolean {
  return phaseOf(pod) === 'Running' && isPodReady(pod);
}

export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  return isPodAvailable(pod, minReadySeconds, nowMs);
}

export function isHealthy(pod: Pod): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}

export function allowsBurst(set: StatefulSet): boolean {
  return set.spec.podManagementPolicy === 'Parallel';
}

export function podRevision(pod: KubeObject): string {
  return pod.metadata.labels?.[StatefulSetRevisionLabel] ?? '';
}

// ---- new pods and revisions ----

/** newStatefulSetPod: from the template, owned by the set, with its identity and storage. */
export function newStatefulSetPod(set: StatefulSet, ordinal: number): Pod {
  const template = set.spec.template ?? {};
  const name = set.metadata.name!;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(set, ordinal),
      // GetPodFromTemplate names generated pods after the owner; StatefulSet pods keep it.
      generateName: `${name}-`,
      namespace: set.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      ownerReferences: [{ apiVersion: statefulSetKind.apiVersion, kind: statefulSetKind.kind, name, uid: set.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: deepCopy(template.spec ?? {}),
  };
  if (template.metadata?.annotations && Object.keys(template.metadata.annotations).length) pod.metadata.annotations = { ...template.metadata.annotations };
  if (template.metadata?.finalizers?.length) pod.metadata.finalizers = [...template.metadata.finalizers];
  updateIdentity(set, pod);
  // initIdentity: hostname and subdomain are set once, at creation.
  pod.spec!.hostname = pod.metadata.name;
  if (set.spec.serviceName) pod.spec!.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  return pod;
}

/**
 * newVersionedStatefulSetPod: ordinals below the partition are created from the current
 * revision, the others from the update revision; the revision is recorded in a label.
 */
export function newVersionedStatefulSetPod(currentSet: StatefulSet, updateSet: StatefulSet, currentRevision: string, updateRevision: string, ordinal: number): Pod {
  const strategy = currentSet.spec.updateStrategy;
  const start = startOrdinal(currentSet);
  const useCurrent =
    (strategy?.type === 'RollingUpdate' && !strategy.rollingUpdate && ordinal < start + (currentSet.status?.currentReplicas ?? 0)) ||
    (!!strategy?.rollingUpdate && ordinal < start + (strategy.rollingUpdate.partition ?? 0));
  const pod = newStatefulSetPod(useCurrent ? currentSet : updateSet, ordinal);
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [StatefulSetRevisionLabel]: useCurrent ? currentRevision : updateRevision };
  return pod;
}

/** newRevision: the set's template as a revision, carrying the set's annotations (change-cause). */
export function newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  const cr = newControllerRevision(set, statefulSetKind, set.spec.template?.metadata?.labels, templatePatch(set), revision, collisionCount);
  cr.metadata.annotations = { ...(cr.metadata.annotations ?? {}), ...(set.metadata.annotations ?? {}) };
  if (Object.keys(cr.metadata.annotations).length === 0) delete cr.metadata.annotations;
  return cr;
}

export { applyRevision };

// ---- status ----

/** The status as the API serialises it: zeros and empty strings omitted, except replicas and availableReplicas. */
export function normalizeStatus(s: Partial<StatefulSetStatus> | undefined): StatefulSetStatus {
  const out = {} as StatefulSetStatus;
  if (s?.observedGeneration) out.observedGeneration = s.observedGeneration;
  out.replicas = s?.replicas ?? 0;
  if (s?.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s?.currentReplicas) out.currentReplicas = s.currentReplicas;
  if (s?.updatedReplicas) out.updatedReplicas = s.updatedReplicas;
  if (s?.currentRevision) out.currentRevision = s.currentRevision;
  if (s?.updateRevision) out.updateRevision = s.updateRevision;
  // A pointer upstream: 0 is written once the controller has set it.
  if (s?.collisionCount !== undefined && s.collisionCount !== null) out.collisionCount = s.collisionCount;
  if (s?.conditions?.length) out.conditions = s.conditions;
  out.availableReplicas = s?.availableReplicas ?? 0;
  return out;
}

/** computeReplicaStatus summed over pod lists: created, ready, available, current and updated pods. */
export function countReplicas(pods: Pod[], minReadySeconds: number, nowMs: number, currentRevision: string, updateRevision: string): Pick<StatefulSetStatus, 'replicas' | 'availableReplicas'> & Required<Pick<StatefulSetStatus, 'readyReplicas' | 'currentReplicas' | 'updatedReplicas'>> {
  const c = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const pod of pods) {
    if (isCreated(pod)) c.replicas++;
    if (isRunningAndReady(pod)) {
      c.readyReplicas++;
      if (isRunningAndAvailable(pod, minReadySeconds, nowMs)) c.availableReplicas++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      const revision = podRevision(pod);
      if (revision === currentRevision) c.currentReplicas++;
      if (revision === updateRevision) c.updatedReplicas++;
    }
  }
  return c;
}

/** completeRollingUpdate: every wanted pod updated and ready makes the update revision current. */
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  const replicas = replicasOf(set);
  if (set.spec.updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === replicas && status.readyReplicas === replicas && status.replicas === replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

/** inconsistentStatus: whether the computed status differs from the stored one in what matters. */
export function inconsistentStatus(set: StatefulSet, status: StatefulSetStatus): boolean {
  const old = normalizeStatus(set.status);
  return (
    (status.observedGeneration ?? 0) > (old.observedGeneration ?? 0) ||
    status.replicas !== old.replicas ||
    (status.currentReplicas ?? 0) !== (old.currentReplicas ?? 0) ||
    (status.readyReplicas ?? 0) !== (old.readyReplicas ?? 0) ||
    (status.updatedReplicas ?? 0) !== (old.updatedReplicas ?? 0) ||
    (status.currentRevision ?? '') !== (old.currentRevision ?? '') ||
    status.availableReplicas !== old.availableReplicas ||
    (status.updateRevision ?? '') !== (old.updateRevision ?? '')
  );
}
