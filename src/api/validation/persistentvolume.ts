// PersistentVolume validation: access modes, capacity (storage only), exactly one volume
// source, reclaim policy, node affinity (required for local volumes), and the update rules
// (the source, volumeMode and node affinity are fixed once created).

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { specDiff } from './diff.js';
import { isDNS1123Subdomain } from './formats.js';
import { fieldImmutableErrorMsg } from './meta.js';
import { validateAccessModes, supportedVolumeModes } from './persistentvolumeclaim.js';
import { readResourceList, validateBasicResource, validatePositiveQuantityValue } from './resources.js';
import { hasInvalidLabelValueInNodeSelectorTerms, validateNodeSelector } from './scheduling.js';
import { arr, child, isObject, isSet, key, obj, semanticEqual, str, type JsonObject } from './shape.js';
import type { KindValidation } from './types.js';
import { persistentVolumeSourceKeys, persistentVolumeSources } from './volumes.js';

const reclaimPolicies = ['Delete', 'Recycle', 'Retain'];

export interface PersistentVolumeOptions {
  allowInvalidLabelValueInRequiredNodeAffinity?: boolean;
}

/** ValidatePersistentVolumeSpec; `inline` is for CSI volumes inlined in pods (VolumeAttachment). */
export function validatePersistentVolumeSpec(raw: unknown, pvName: string, inline: boolean, path: string, opts: PersistentVolumeOptions = {}): FieldError[] {
  const spec = obj(raw);
  const errs: FieldError[] = [];
  if (inline) {
    if (isSet(spec.claimRef)) errs.push(field.forbidden(child(path, 'claimRef'), 'may not be specified in the context of inline volumes'));
    if (Object.keys(obj(spec.capacity)).length !== 0) errs.push(field.forbidden(child(path, 'capacity'), 'may not be specified in the context of inline volumes'));
    if (!isSet(spec.csi)) errs.push(field.required(child(path, 'csi'), 'has to be specified in the context of inline volumes'));
  }
  if (arr(spec.accessModes).length === 0) errs.push(field.required(child(path, 'accessModes'), ''));
  errs.push(...validateAccessModes(spec.accessModes, child(path, 'accessModes')));
  if (!inline) {
    const capacity = obj(spec.capacity);
    const capPath = child(path, 'capacity');
    if (Object.keys(capacity).length === 0) errs.push(field.required(capPath, ''));
    if (!Object.prototype.hasOwnProperty.call(capacity, 'storage') || Object.keys(capacity).length > 1) {
      errs.push(field.notSupported(capPath, capacity, ['storage']));
    }
    for (const [name, q] of readResourceList(spec.capacity, capPath, errs)) {
      errs.push(...validateBasicResource(q, key(capPath, name)));
      errs.push(...validatePositiveQuantityValue(q, key(capPath, name)));
    }
  }
  const reclaim = str(spec.persistentVolumeReclaimPolicy);
  if (reclaim !== '') {
    if (inline) {
      if (reclaim !== 'Retain') errs.push(field.forbidden(child(path, 'persistentVolumeReclaimPolicy'), 'may only be Retain in the context of inline volumes'));
    } else if (!reclaimPolicies.includes(reclaim)) {
      errs.push(field.notSupported(child(path, 'persistentVolumeReclaimPolicy'), reclaim, reclaimPolicies));
    }
  }
  let nodeAffinitySpecified = false;
  if (isSet(spec.nodeAffinity)) {
    if (inline) errs.push(field.forbidden(child(path, 'nodeAffinity'), 'may not be specified in the context of inline volumes'));
    else {
      nodeAffinitySpecified = true;
      const required = obj(spec.nodeAffinity).required;
      if (isSet(required)) {
        errs.push(...validateNodeSelector(required, opts.allowInvalidLabelValueInRequiredNodeAffinity ?? false, child(child(path, 'nodeAffinity'), 'required')));
      } else {
        errs.push(field.required(child(child(path, 'nodeAffinity'), 'required'), 'must specify required node constraints'));
      }
    }
  }
  let numVolumes = 0;
  for (const [jsonKey, reported, validatedAs, check] of persistentVolumeSources) {
    if (!isSet(spec[jsonKey])) continue;
    // FlexVolume never reports "more than 1 volume type": upstream counts it unconditionally.
    if (numVolumes > 0 && reported !== '') {
      errs.push(field.forbidden(child(path, reported), 'may not specify more than 1 volume type'));
      continue;
    }
    numVolumes++;
    errs.push(...check(obj(spec[jsonKey]), child(path, validatedAs), pvName));
    if (jsonKey === 'local' && !nodeAffinitySpecified) errs.push(field.required(child(path, 'nodeAffinity'), 'Local volume requires node affinity'));
  }
  if (numVolumes === 0) errs.push(field.required(path, 'must specify a volume type'));
  const hostPath = str(obj(spec.hostPath).path);
  if (isSet(spec.hostPath) && cleanPath(hostPath) === '/' && reclaim === 'Recycle') {
    errs.push(field.forbidden(child(path, 'persistentVolumeReclaimPolicy'), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  const sc = str(spec.storageClassName);
  if (sc !== '') {
    if (inline) errs.push(field.forbidden(child(path, 'storageClassName'), 'may not be specified in the context of inline volumes'));
    else errs.push(...isDNS1123Subdomain(sc).map((m) => field.invalid(child(path, 'storageClassName'), sc, m)));
  }
  if (isSet(spec.volumeMode)) {
    const mode = str(spec.volumeMode);
    if (inline) {
      if (mode !== 'Filesystem') errs.push(field.forbidden(child(path, 'volumeMode'), 'may not specify volumeMode other than Filesystem in the context of inline volumes'));
    } else if (!supportedVolumeModes.includes(mode)) errs.push(field.notSupported(child(path, 'volumeMode'), mode, supportedVolumeModes));
  }
  return errs;
}

/** path.Clean, enough to recognise "/" in its spellings ("//", "/./", "/a/.."). */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return p.startsWith('/') ? '/' + out.join('/') : out.join('/') || '.';
}

function pvOptions(old?: KubeObject): PersistentVolumeOptions {
  const terms = obj(obj(obj(old?.spec).nodeAffinity).required).nodeSelectorTerms;
  return { allowInvalidLabelValueInRequiredNodeAffinity: old ? hasInvalidLabelValueInNodeSelectorTerms(terms) : false };
}

function pvSource(spec: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of persistentVolumeSourceKeys) if (isSet(spec[k])) out[k] = spec[k];
  return out;
}

const betaToGALabels: Record<string, string> = {
  'failure-domain.beta.kubernetes.io/zone': 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region': 'topology.kubernetes.io/region',
  'beta.kubernetes.io/os': 'kubernetes.io/os',
  'beta.kubernetes.io/arch': 'kubernetes.io/arch',
  'beta.kubernetes.io/instance-type': 'node.kubernetes.io/instance-type',
};

/** Node affinity with beta label keys rewritten to their GA names, which an update may do. */
function maskBetaLabels(affinity: unknown, newer: unknown): unknown {
  if (!isObject(affinity)) return affinity;
  const newTerms = arr(obj(obj(newer).required).nodeSelectorTerms);
  const terms = arr(obj(affinity.required).nodeSelectorTerms).map((t, i) => {
    const newExprs = arr(obj(newTerms[i]).matchExpressions);
    const exprs = arr(obj(t).matchExpressions).map((e, j) => {
      const oldKey = str(obj(e).key);
      const newKey = str(obj(newExprs[j]).key);
      return oldKey !== newKey && betaToGALabels[oldKey] === newKey ? { ...obj(e), key: newKey } : e;
    });
    return { ...obj(t), matchExpressions: exprs };
  });
  return { ...affinity, required: { ...obj(affinity.required), nodeSelectorTerms: terms } };
}

export function validatePersistentVolumeUpdate(pv: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(pv.spec);
  const oldSpec = obj(old.spec);
  const newSource = pvSource(spec);
  const oldSource = pvSource(oldSpec);
  // A controller-expand secret may be added to a CSI volume that had none.
  const newCSI = obj(newSource.csi);
  if (isSet(oldSource.csi) && !isSet(obj(oldSource.csi).controllerExpandSecretRef) && isSet(newCSI.controllerExpandSecretRef)) {
    const { controllerExpandSecretRef: _ignored, ...rest } = newCSI;
    void _ignored;
    newSource.csi = rest;
  }
  if (!semanticEqual(newSource, oldSource)) {
    errs.push(
      field.forbidden(
        'spec.persistentvolumesource',
        `spec.persistentvolumesource is immutable after creation\n${specDiff('core.PersistentVolumeSource', oldSource, newSource)}`,
      ),
    );
  }
  if (!semanticEqual(spec.volumeMode, oldSpec.volumeMode)) errs.push(field.invalid('volumeMode', spec.volumeMode ?? null, fieldImmutableErrorMsg));
  if (isSet(oldSpec.nodeAffinity) && !semanticEqual(spec.nodeAffinity, maskBetaLabels(oldSpec.nodeAffinity, spec.nodeAffinity))) {
    errs.push(field.invalid('nodeAffinity', spec.nodeAffinity ?? null, `${fieldImmutableErrorMsg}, except for updating from beta label to GA`));
  }
  return errs;
}

export function validatePersistentVolumeStatusUpdate(pv: KubeObject): FieldError[] {
  return str(pv.metadata?.resourceVersion) === '' ? [field.required('resourceVersion', '')] : [];
}

export const persistentVolumeValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: (pv) => validatePersistentVolumeSpec(pv.spec, str(pv.metadata?.name), false, 'spec', pvOptions()),
  validateUpdate: validatePersistentVolumeUpdate,
  validateStatusUpdate: (pv) => validatePersistentVolumeStatusUpdate(pv),
};
