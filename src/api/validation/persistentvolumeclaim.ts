// PersistentVolumeClaim validation: the claim spec (also used by ephemeral volumes and
// StatefulSet volumeClaimTemplates), the update rules (only storage requests may grow, and
// volumeName may be set once) and status updates.

import { field, type FieldError } from '../../machinery/errors.js';
import { compareQuantities, quantityScaledValue, zeroQuantity } from '../../machinery/quantity.js';
import type { KubeObject } from '../object.js';
import { specDiff } from './diff.js';
import { isDNS1123Label, isDNS1123Subdomain } from './formats.js';
import { fieldImmutableErrorMsg, validateLabelSelector } from './meta.js';
import { readQuantity, readResourceList, validateBasicResource, validatePositiveQuantityValue, validateResourceQuantityValue } from './resources.js';
import { arr, child, isObject, isSet, jsonEqual, key, obj, semanticEqual, str, type JsonObject } from './shape.js';
import type { KindValidation } from './types.js';

export const supportedAccessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const supportedVolumeModes = ['Block', 'Filesystem'];
const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

export interface ClaimSpecOptions {
  allowInvalidLabelValueInSelector?: boolean;
  allowInvalidAPIGroupInDataSourceOrRef?: boolean;
}

/** Access modes are a set of known values; ReadWriteOncePod excludes the others. */
export function validateAccessModes(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let rwop = false;
  let other = false;
  for (const m of arr(raw)) {
    const mode = str(m);
    if (!supportedAccessModes.includes(mode)) errs.push(field.notSupported(path, m, supportedAccessModes));
    if (mode === 'ReadWriteOncePod') rwop = true;
    else if (supportedAccessModes.includes(mode)) other = true;
  }
  if (rwop && other) errs.push(field.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateDataSource(raw: unknown, path: string, allowInvalidAPIGroup: boolean, isRef: boolean): FieldError[] {
  const ds = obj(raw);
  const errs: FieldError[] = [];
  if (str(ds.name) === '') errs.push(field.required(child(path, 'name'), ''));
  if (str(ds.kind) === '') errs.push(field.required(child(path, 'kind'), ''));
  const apiGroup = str(ds.apiGroup);
  if (apiGroup === '' && ds.kind !== 'PersistentVolumeClaim') {
    errs.push(field.invalid(path, str(ds.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  }
  if (apiGroup !== '' && !allowInvalidAPIGroup) errs.push(...isDNS1123Subdomain(apiGroup).map((m) => field.invalid(child(path, 'apiGroup'), apiGroup, m)));
  if (isRef && str(ds.namespace) !== '') {
    errs.push(...isDNS1123Label(str(ds.namespace)).map((m) => field.invalid(child(path, 'namespace'), str(ds.namespace), m)));
  }
  return errs;
}

export function validatePersistentVolumeClaimSpec(raw: unknown, path: string, opts: ClaimSpecOptions = {}): FieldError[] {
  const spec = obj(raw);
  const errs: FieldError[] = [];
  if (arr(spec.accessModes).length === 0) errs.push(field.required(child(path, 'accessModes'), 'at least 1 access mode is required'));
  if (isSet(spec.selector)) {
    errs.push(...validateLabelSelector(spec.selector, child(path, 'selector'), { allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector }));
  }
  errs.push(...validateAccessModes(spec.accessModes, child(path, 'accessModes')));
  const storagePath = key(child(path, 'resources'), 'storage');
  const requests = obj(obj(spec.resources).requests);
  if (!Object.prototype.hasOwnProperty.call(requests, 'storage')) {
    errs.push(field.required(storagePath, ''));
  } else {
    const q = readQuantity(requests.storage, storagePath, errs);
    if (q) {
      const positive = validatePositiveQuantityValue(q, storagePath);
      errs.push(...(positive.length ? positive : validateResourceQuantityValue('storage', q, storagePath)));
    }
  }
  const sc = str(spec.storageClassName);
  if (sc !== '') errs.push(...isDNS1123Subdomain(sc).map((m) => field.invalid(child(path, 'storageClassName'), sc, m)));
  if (isSet(spec.volumeMode) && !supportedVolumeModes.includes(str(spec.volumeMode))) {
    errs.push(field.notSupported(child(path, 'volumeMode'), spec.volumeMode, supportedVolumeModes));
  }
  const allowGroup = opts.allowInvalidAPIGroupInDataSourceOrRef ?? false;
  if (isSet(spec.dataSource)) errs.push(...validateDataSource(spec.dataSource, child(path, 'dataSource'), allowGroup, false));
  if (isSet(spec.dataSourceRef)) errs.push(...validateDataSource(spec.dataSourceRef, child(path, 'dataSourceRef'), allowGroup, true));
  const ref = obj(spec.dataSourceRef);
  if (isSet(spec.dataSourceRef) && str(ref.namespace) !== '') {
    if (isSet(spec.dataSource)) errs.push(field.invalid(path, child(path, 'dataSource'), 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (isSet(spec.dataSource) && isSet(spec.dataSourceRef)) {
    const ds = obj(spec.dataSource);
    const same = jsonEqual(ds.apiGroup, ref.apiGroup) && str(ds.kind) === str(ref.kind) && str(ds.name) === str(ref.name);
    if (!same) errs.push(field.invalid(path, child(path, 'dataSource'), 'must match dataSourceRef'));
  }
  return errs;
}

function validateClaim(pvc: KubeObject, opts: ClaimSpecOptions = {}): FieldError[] {
  return validatePersistentVolumeClaimSpec(pvc.spec, 'spec', opts);
}

function annotationsOf(o: KubeObject): Record<string, unknown> {
  return obj(o.metadata?.annotations);
}

/** ValidatePersistentVolumeClaimUpdate (ObjectMeta is checked by the registry). */
export function validatePersistentVolumeClaimUpdate(pvc: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const newSpec: JsonObject = { ...obj(pvc.spec) };
  const oldSpec: JsonObject = { ...obj(old.spec) };
  if (str(oldSpec.volumeName) === '') oldSpec.volumeName = newSpec.volumeName;

  const oldAnn = annotationsOf(old);
  const newAnn = annotationsOf(pvc);
  const oldHasAnn = Object.prototype.hasOwnProperty.call(oldAnn, betaStorageClassAnnotation);
  const newHasAnn = Object.prototype.hasOwnProperty.call(newAnn, betaStorageClassAnnotation);
  const upgradeFromAnnotation =
    oldHasAnn &&
    !isSet(oldSpec.storageClassName) &&
    isSet(newSpec.storageClassName) &&
    str(newSpec.storageClassName) === str(oldAnn[betaStorageClassAnnotation]) &&
    (!newHasAnn || str(newAnn[betaStorageClassAnnotation]) === str(oldAnn[betaStorageClassAnnotation]));
  if (upgradeFromAnnotation) {
    delete newSpec.storageClassName;
  } else {
    if (str(newAnn[betaStorageClassAnnotation]) !== str(oldAnn[betaStorageClassAnnotation])) {
      errs.push(field.invalid(`metadata.annotations.${betaStorageClassAnnotation}`, str(newAnn[betaStorageClassAnnotation]), fieldImmutableErrorMsg));
    }
    const upgradeFromNil =
      isSet(newSpec.storageClassName) &&
      !isSet(obj(old.spec).storageClassName) &&
      (!oldHasAnn || str(newSpec.storageClassName) === str(oldAnn[betaStorageClassAnnotation]));
    if (upgradeFromNil) newSpec.storageClassName = oldSpec.storageClassName;
  }

  const bound = obj(pvc.status).phase === 'Bound';
  const newRequests = obj(obj(newSpec.resources).requests);
  if (bound && isObject(obj(newSpec.resources).requests)) {
    const oldStorage = obj(obj(obj(old.spec).resources).requests).storage;
    newSpec.resources = { ...obj(newSpec.resources), requests: { ...newRequests, storage: oldStorage } };
  }
  if (bound && isSet(newSpec.volumeAttributesClassName)) newSpec.volumeAttributesClassName = oldSpec.volumeAttributesClassName;

  if (!semanticEqual(withQuantitiesCompared(newSpec), withQuantitiesCompared(oldSpec))) {
    errs.push(
      field.forbidden(
        'spec',
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff('core.PersistentVolumeClaimSpec', oldSpec, newSpec)}`,
      ),
    );
  }
  const scratch: FieldError[] = [];
  const oldSize = readResourceList(obj(obj(old.spec).resources).requests, 'x', scratch).get('storage') ?? zeroQuantity;
  const newSize = readResourceList(obj(obj(pvc.spec).resources).requests, 'x', scratch).get('storage') ?? zeroQuantity;
  if (compareQuantities(newSize, oldSize) < 0) {
    errs.push(field.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  }
  if (!semanticEqual(obj(pvc.spec).volumeMode, obj(old.spec).volumeMode)) {
    errs.push(field.invalid('volumeMode', obj(pvc.spec).volumeMode ?? null, fieldImmutableErrorMsg));
  }
  return errs;
}

/** Quantities compare by value ("1Gi" equals "1024Mi"), as Semantic.DeepEqual compares them. */
function withQuantitiesCompared(spec: JsonObject): JsonObject {
  const resources = obj(spec.resources);
  const canon = (list: unknown) => {
    const scratch: FieldError[] = [];
    const out: Record<string, string> = {};
    for (const [k, q] of readResourceList(list, 'x', scratch)) out[k] = String(quantityScaledValue(q, -9));
    return isSet(list) ? out : undefined;
  };
  return { ...spec, resources: { ...resources, requests: canon(resources.requests), limits: canon(resources.limits) } };
}

export function validatePersistentVolumeClaimStatusUpdate(pvc: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (str(pvc.metadata?.resourceVersion) === '') errs.push(field.required('resourceVersion', ''));
  if (arr(obj(pvc.spec).accessModes).length === 0) errs.push(field.required('Spec.accessModes', ''));
  const capPath = 'status.capacity';
  for (const [name, q] of readResourceList(obj(pvc.status).capacity, capPath, errs)) errs.push(...validateBasicResource(q, key(capPath, name)));
  return errs;
}

export const persistentVolumeClaimValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: (pvc) => validateClaim(pvc),
  validateUpdate: (pvc, old) => validatePersistentVolumeClaimUpdate(pvc, old),
  validateStatusUpdate: (pvc) => validatePersistentVolumeClaimStatusUpdate(pvc),
};
