// Node validation: taints (in spec and in the legacy annotation), capacity and allocatable,
// pod CIDRs, and what an update may change (pod CIDRs and providerID only from unset).

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isValidCIDR, parseCIDR } from './formats.js';
import { readResourceList, validateResourceQuantityValue } from './resources.js';
import { validateNodeTaints } from './scheduling.js';
import { arr, child, index, isSet, jsonEqual, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

const taintsAnnotation = 'scheduler.alpha.kubernetes.io/taints';
const preferAvoidPodsAnnotation = 'scheduler.alpha.kubernetes.io/preferAvoidPods';

function validateNodeSpecificAnnotations(annotations: unknown, path: string): FieldError[] {
  const ann = obj(annotations);
  const errs: FieldError[] = [];
  if (str(ann[taintsAnnotation]) !== '') {
    let taints: unknown;
    try {
      taints = JSON.parse(str(ann[taintsAnnotation]));
    } catch (e) {
      errs.push(field.invalid(path, taintsAnnotation, (e as Error).message));
    }
    if (Array.isArray(taints) && taints.length > 0) errs.push(...validateNodeTaints(taints, child(path, taintsAnnotation)));
  }
  if (str(ann[preferAvoidPodsAnnotation]) !== '') {
    let avoids: unknown;
    try {
      avoids = JSON.parse(str(ann[preferAvoidPodsAnnotation]));
    } catch (e) {
      errs.push(field.invalid(child(path, 'AvoidPods'), preferAvoidPodsAnnotation, (e as Error).message));
    }
    arr(obj(avoids).preferAvoidPods).forEach((entry, i) => {
      const p = index(child(path, preferAvoidPodsAnnotation), i);
      const controller = obj(obj(entry).podSignature).podController;
      if (!isSet(controller)) errs.push(field.required(child(p, 'PodSignature'), ''));
      else if (obj(controller).controller !== true) {
        errs.push(field.invalid(child(child(child(p, 'PodSignature'), 'PodController'), 'Controller'), false, 'must point to a controller'));
      }
    });
  }
  return errs;
}

/** Capacity and allocatable; upstream names these paths with dots, not brackets. */
function validateNodeResources(node: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const status = obj(node.status);
  for (const list of ['capacity', 'allocatable']) {
    for (const [name, q] of readResourceList(status[list], `status.${list}`, errs)) {
      errs.push(...validateResourceQuantityValue(name, q, `status.${list}.${name}`));
    }
  }
  return errs;
}

function podCIDRs(spec: Record<string, unknown>): string[] {
  const list = arr(spec.podCIDRs).map(str);
  // Old clients set only the singular field; conversion fills the list from it.
  if (list.length === 0 && str(spec.podCIDR) !== '') return [str(spec.podCIDR)];
  return list;
}

function validateConfigMapNodeConfigSource(src: Record<string, unknown>, path: string, inStatus: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (inStatus) {
    if (str(src.uid) === '') errs.push(field.required(child(path, 'uid'), 'uid must be set in status'));
    if (str(src.resourceVersion) === '') errs.push(field.required(child(path, 'resourceVersion'), 'resourceVersion must be set in status'));
  } else {
    if (str(src.uid) !== '') errs.push(field.forbidden(child(path, 'uid'), 'uid must not be set in spec'));
    if (str(src.resourceVersion) !== '') errs.push(field.forbidden(child(path, 'resourceVersion'), 'resourceVersion must not be set in spec'));
  }
  const ns = str(src.namespace);
  if (ns === '') errs.push(field.required(child(path, 'namespace'), 'namespace must be set'));
  else errs.push(...isDNS1123Label(ns).map((m) => field.invalid(child(path, 'namespace'), ns, m)));
  const name = str(src.name);
  if (name === '') errs.push(field.required(child(path, 'name'), 'name must be set'));
  else errs.push(...isDNS1123Subdomain(name).map((m) => field.invalid(child(path, 'name'), name, m)));
  const k = str(src.kubeletConfigKey);
  if (k === '') errs.push(field.required(child(path, 'kubeletConfigKey'), 'kubeletConfigKey must be set'));
  else errs.push(...isConfigMapKey(k).map((m) => field.invalid(child(path, 'kubeletConfigKey'), k, m)));
  return errs;
}

function validateNodeConfigSource(raw: unknown, path: string, inStatus: boolean): FieldError[] {
  const src = obj(raw);
  const errs: FieldError[] = [];
  let count = 0;
  if (isSet(src.configMap)) {
    count++;
    errs.push(...validateConfigMapNodeConfigSource(obj(src.configMap), child(path, 'configMap'), inStatus));
  }
  if (count !== 1) errs.push(field.invalid(path, src, 'exactly one reference subfield must be non-nil'));
  return errs;
}

export function validateNode(node: KubeObject): FieldError[] {
  const spec = obj(node.spec);
  const errs = validateNodeSpecificAnnotations(node.metadata?.annotations, 'metadata.annotations');
  // Upstream reports spec.taints errors under "metadata.taints".
  if (arr(spec.taints).length > 0) errs.push(...validateNodeTaints(spec.taints, 'metadata.taints'));
  errs.push(...validateNodeResources(node));
  const cidrs = podCIDRs(spec);
  if (cidrs.length > 0) {
    cidrs.forEach((c, i) => errs.push(...isValidCIDR(c).map((m) => field.invalid(index('spec.podCIDRs', i), c, m))));
    if (cidrs.length > 1) {
      const fams = cidrs.map((c) => parseCIDR(c)?.family);
      if (!(cidrs.length === 2 && fams[0] !== undefined && fams[1] !== undefined && fams[0] !== fams[1])) {
        errs.push(field.invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
      }
      const seen = new Set<string>();
      cidrs.forEach((c, i) => {
        if (seen.has(c)) errs.push(field.duplicate(index('spec.podCIDRs', i), c));
        seen.add(c);
      });
    }
  }
  return errs;
}

/** ValidateNodeUpdate, used for both spec and status writes (ObjectMeta is checked by the registry). */
export function validateNodeUpdate(node: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateNodeSpecificAnnotations(node.metadata?.annotations, 'metadata.annotations');
  errs.push(...validateNodeResources(node));
  errs.push(...nodeTransitionErrors(node, old));
  if (arr(obj(node.spec).taints).length > 0) errs.push(...validateNodeTaints(obj(node.spec).taints, 'metadata.taints'));
  return errs;
}

/** The part of ValidateNodeUpdate about changes: addresses, pod CIDRs, providerID, config source. */
function nodeTransitionErrors(node: KubeObject, old: KubeObject): FieldError[] {
  const spec = obj(node.spec);
  const oldSpec = obj(old.spec);
  const errs: FieldError[] = [];
  const seen: unknown[] = [];
  arr(obj(node.status).addresses).forEach((a, i) => {
    const addr = { type: str(obj(a).type), address: str(obj(a).address) };
    if (seen.some((s) => jsonEqual(s, addr))) errs.push(field.duplicate(index('status.addresses', i), addr));
    seen.push(addr);
  });
  const oldCIDRs = podCIDRs(oldSpec);
  const newCIDRs = podCIDRs(spec);
  if (oldCIDRs.length > 0) {
    const msg = 'node updates may not change podCIDR except from "" to valid';
    if (oldCIDRs.length !== newCIDRs.length) errs.push(field.forbidden('spec.podCIDRs', msg));
    else oldCIDRs.forEach((c, i) => c !== newCIDRs[i] && errs.push(field.forbidden('spec.podCIDRs', msg)));
  }
  if (str(oldSpec.providerID) !== '' && str(oldSpec.providerID) !== str(spec.providerID)) {
    errs.push(field.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if (isSet(spec.configSource)) errs.push(...validateNodeConfigSource(spec.configSource, 'spec.configSource', false));
  const config = obj(obj(node.status).config);
  for (const k of ['assigned', 'active', 'lastKnownGood']) {
    if (isSet(config[k])) errs.push(...validateNodeConfigSource(config[k], `status.config.${k}`, true));
  }
  if (str(spec.externalID) !== str(oldSpec.externalID)) errs.push(field.forbidden('spec.externalID', 'may not be updated'));
  return errs;
}

export const nodeValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: (node) => validateNode(node),
  validateUpdate: (node, old) => nodeTransitionErrors(node, old),
  validateStatusUpdate: (node, old) => validateNodeUpdate(node, old),
};
