// Binding rules shared by the PersistentVolume controller and the local-path provisioner
// (upstream pkg/controller/volume/persistentvolume/util and component-helpers/storage/volume):
// the annotations that record a binding, which class a claim or volume has, and which volume
// best fits a claim.

import type { KubeObject } from '../../api/object.js';
import { compareQuantities, parseQuantity, zeroQuantity, type Quantity } from '../../machinery/quantity.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';

export const Ann = {
  /** On a claim whose binding the controller completed. */
  BindCompleted: 'pv.kubernetes.io/bind-completed',
  /** On a claim or volume whose binding the controller (not the user) set. */
  BoundByController: 'pv.kubernetes.io/bound-by-controller',
  /** On a dynamically provisioned volume: who provisioned (and must delete) it. */
  DynamicallyProvisioned: 'pv.kubernetes.io/provisioned-by',
  /** On a claim: the node the scheduler chose for a WaitForFirstConsumer claim. */
  SelectedNode: 'volume.kubernetes.io/selected-node',
  /** On a claim: the provisioner asked to provision it. */
  StorageProvisioner: 'volume.kubernetes.io/storage-provisioner',
  BetaStorageProvisioner: 'volume.beta.kubernetes.io/storage-provisioner',
  /** The class, before spec.storageClassName existed. */
  BetaStorageClass: 'volume.beta.kubernetes.io/storage-class',
  IsDefaultClass: 'storageclass.kubernetes.io/is-default-class',
  BetaIsDefaultClass: 'storageclass.beta.kubernetes.io/is-default-class',
} as const;

export const ClaimPhase = { Pending: 'Pending', Bound: 'Bound', Lost: 'Lost' } as const;
export const VolumePhase = { Pending: 'Pending', Available: 'Available', Bound: 'Bound', Released: 'Released', Failed: 'Failed' } as const;

export interface ClaimRef {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
}

export interface ClaimSpec {
  accessModes?: string[];
  selector?: LabelSelector | null;
  resources?: { requests?: Record<string, string> };
  volumeName?: string;
  storageClassName?: string | null;
  volumeMode?: string;
}

export interface VolumeSpec {
  capacity?: Record<string, string>;
  accessModes?: string[];
  claimRef?: ClaimRef | null;
  persistentVolumeReclaimPolicy?: string;
  storageClassName?: string;
  volumeMode?: string;
  hostPath?: { path: string; type?: string };
  local?: { path: string };
  nodeAffinity?: unknown;
  [source: string]: unknown;
}

export const claimSpec = (c: KubeObject): ClaimSpec => (c.spec ?? {}) as ClaimSpec;
export const volumeSpec = (v: KubeObject): VolumeSpec => (v.spec ?? {}) as VolumeSpec;
export const phaseOf = (o: KubeObject): string | undefined => (o.status as { phase?: string } | undefined)?.phase;
export const hasAnnotation = (o: KubeObject, k: string): boolean => o.metadata.annotations?.[k] !== undefined;

/** GetPersistentVolumeClaimClass: the beta annotation wins, then spec.storageClassName. */
export function claimClass(claim: KubeObject): string {
  const ann = claim.metadata.annotations?.[Ann.BetaStorageClass];
  if (ann !== undefined) return ann;
  return claimSpec(claim).storageClassName ?? '';
}

/** Whether the claim asked for a class at all (even ""), as opposed to leaving it unset. */
export function claimHasClass(claim: KubeObject): boolean {
  if (hasAnnotation(claim, Ann.BetaStorageClass)) return true;
  const sc = claimSpec(claim).storageClassName;
  return sc !== undefined && sc !== null;
}

export function volumeClass(volume: KubeObject): string {
  const ann = volume.metadata.annotations?.[Ann.BetaStorageClass];
  if (ann !== undefined) return ann;
  return volumeSpec(volume).storageClassName ?? '';
}

export function storageOf(list: Record<string, string> | undefined): Quantity {
  const v = list?.storage;
  if (v === undefined) return zeroQuantity;
  try {
    return parseQuantity(v);
  } catch {
    return zeroQuantity;
  }
}

export const requestedStorage = (claim: KubeObject): Quantity => storageOf(claimSpec(claim).resources?.requests);
export const volumeStorage = (volume: KubeObject): Quantity => storageOf(volumeSpec(volume).capacity);

export function isVolumeBoundToClaim(volume: KubeObject, claim: KubeObject): boolean {
  const ref = volumeSpec(volume).claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

/** CheckAccessModes: the volume offers every mode the claim asks for. */
export function checkAccessModes(claim: KubeObject, volume: KubeObject): boolean {
  const offered = new Set(volumeSpec(volume).accessModes ?? []);
  return (claimSpec(claim).accessModes ?? []).every((m) => offered.has(m));
}

export function volumeModeMismatch(claim: KubeObject, volume: KubeObject): boolean {
  return (claimSpec(claim).volumeMode ?? 'Filesystem') !== (volumeSpec(volume).volumeMode ?? 'Filesystem');
}

/** checkVolumeSatisfyClaim: why a volume the claim names cannot serve it (undefined: it can). */
export function volumeUnsatisfiable(volume: KubeObject, claim: KubeObject): string | undefined {
  if (volume.metadata.deletionTimestamp) return `the volume is marked for deletion "${volume.metadata.name}"`;
  if (compareQuantities(volumeStorage(volume), requestedStorage(claim)) < 0) return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim, volume)) return 'incompatible volumeMode';
  if (!checkAccessModes(claim, volume)) return 'incompatible accessMode';
  return undefined;
}

/**
 * FindMatchingVolume: a volume pre-bound to the claim if big enough; otherwise (unless binding
 * waits for the first consumer) the smallest Available, unclaimed volume of the claim's class
 * whose labels fit the claim's selector and that is big enough.
 */
export function findMatchingVolume(claim: KubeObject, volumes: KubeObject[], delayBinding: boolean): KubeObject | undefined {
  const requested = requestedStorage(claim);
  const requestedClass = claimClass(claim);
  const selectorSpec = claimSpec(claim).selector;
  const selector = selectorSpec ? selectorFromLabelSelector(selectorSpec) : undefined;
  let smallest: KubeObject | undefined;
  for (const volume of volumes) {
    const qty = volumeStorage(volume);
    if (volumeModeMismatch(claim, volume)) continue;
    if (volume.metadata.deletionTimestamp) continue;
    if (isVolumeBoundToClaim(volume, claim)) {
      if (compareQuantities(qty, requested) < 0) continue;
      return volume;
    }
    if (delayBinding) continue;
    if (phaseOf(volume) !== VolumePhase.Available) continue;
    if (volumeSpec(volume).claimRef) continue;
    if (selector && !selector.matches(volume.metadata.labels)) continue;
    if (volumeClass(volume) !== requestedClass) continue;
    if (compareQuantities(qty, requested) >= 0 && (!smallest || compareQuantities(volumeStorage(smallest), qty) > 0)) smallest = volume;
  }
  return smallest;
}

/**
 * findBestMatchForClaim: volumes are indexed by their access-mode sets; the sets that contain
 * every requested mode are tried from the fewest modes up, and the first set with a match wins.
 */
export function findBestMatchForClaim(claim: KubeObject, volumes: KubeObject[], delayBinding: boolean): KubeObject | undefined {
  const wanted = claimSpec(claim).accessModes ?? [];
  const groups = new Map<string, { size: number; volumes: KubeObject[] }>();
  for (const v of volumes) {
    const modes = [...new Set(volumeSpec(v).accessModes ?? [])].sort();
    if (!wanted.every((m) => modes.includes(m))) continue;
    const key = modes.join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { size: modes.length, volumes: [] }));
    g.volumes.push(v);
  }
  const ordered = [...groups.entries()].sort((a, b) => a[1].size - b[1].size || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [, g] of ordered) {
    const found = findMatchingVolume(claim, g.volumes, delayBinding);
    if (found) return found;
  }
  return undefined;
}

/** The ObjectReference a bound volume keeps to its claim. */
export function claimRefOf(claim: KubeObject): ClaimRef {
  return {
    kind: 'PersistentVolumeClaim',
    namespace: claim.metadata.namespace,
    name: claim.metadata.name,
    uid: claim.metadata.uid,
    apiVersion: 'v1',
    resourceVersion: claim.metadata.resourceVersion,
  };
}

export function isDefaultClass(sc: KubeObject): boolean {
  const a = sc.metadata.annotations ?? {};
  return a[Ann.IsDefaultClass] === 'true' || a[Ann.BetaIsDefaultClass] === 'true';
}

/** GetDefaultClass: of several default classes, the newest (then the first by name). */
export function defaultClass(classes: KubeObject[]): KubeObject | undefined {
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => {
    const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    return tb - ta || (a.metadata.name! < b.metadata.name! ? -1 : 1);
  });
  return defaults[0];
}

/** The claims a pod mounts (by name, in its namespace). */
export function podClaimNames(pod: KubeObject): string[] {
  const volumes = ((pod.spec as { volumes?: { name: string; persistentVolumeClaim?: { claimName: string }; ephemeral?: unknown }[] } | undefined)?.volumes ?? []);
  const names: string[] = [];
  for (const v of volumes) {
    if (v.persistentVolumeClaim?.claimName) names.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) names.push(`${pod.metadata.name}-${v.name}`);
  }
  return names;
}

export function isPodTerminated(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
