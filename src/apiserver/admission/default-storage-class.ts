// DefaultStorageClass: a new claim that names no storage class gets the cluster's default one
// (the StorageClass annotated storageclass.kubernetes.io/is-default-class: "true"; the newest
// wins when there are several).

import type { KubeObject } from '../../api/object.js';
import type { AdmissionLookup, AdmissionPlugin } from './types.js';
import { annotation, creationTime, isMainResource, type JsonObject } from './util.js';

export const isDefaultStorageClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
export const betaIsDefaultStorageClassAnnotation = 'storageclass.beta.kubernetes.io/is-default-class';
export const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** storageutil.IsDefaultAnnotation. */
export function isDefaultStorageClass(sc: KubeObject): boolean {
  return annotation(sc, isDefaultStorageClassAnnotation) === 'true' || annotation(sc, betaIsDefaultStorageClassAnnotation) === 'true';
}

/** GetDefaultClass: among default classes, the newest, then the first by name. */
export async function defaultStorageClass(lookup: AdmissionLookup): Promise<KubeObject | undefined> {
  const defaults = (await lookup.list('storage.k8s.io', 'storageclasses', '')).filter(isDefaultStorageClass);
  defaults.sort((a, b) => creationTime(b) - creationTime(a) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  return defaults[0];
}

/** A claim "has a class" once either the beta annotation or spec.storageClassName (even "") is set. */
export function claimHasClass(claim: KubeObject): boolean {
  if (annotation(claim, betaStorageClassAnnotation) !== undefined) return true;
  const spec = claim.spec as JsonObject | undefined;
  return spec?.storageClassName !== undefined && spec.storageClassName !== null;
}

/** GetPersistentVolumeClaimClass: the beta annotation wins over the field. */
export function claimClass(claim: KubeObject): string {
  const beta = annotation(claim, betaStorageClassAnnotation);
  if (beta !== undefined) return beta;
  const name = (claim.spec as JsonObject | undefined)?.storageClassName;
  return typeof name === 'string' ? name : '';
}

export const defaultStorageClassAdmission: AdmissionPlugin = {
  name: 'DefaultStorageClass',
  async admit(attrs, lookup) {
    if (attrs.operation !== 'CREATE' || !isMainResource(attrs, '', 'persistentvolumeclaims') || !attrs.object) return;
    const claim = attrs.object;
    if (claimHasClass(claim)) return;
    const def = await defaultStorageClass(lookup);
    if (!def) return;
    if (!claim.spec || typeof claim.spec !== 'object') claim.spec = {};
    (claim.spec as JsonObject).storageClassName = def.metadata.name;
  },
};
