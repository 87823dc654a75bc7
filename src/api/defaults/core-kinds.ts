// Defaulting of the core/v1 kinds other than pods and services, one function per kind, as
// pkg/apis/core/v1/defaults.go applies them (quantities canonicalised on the way).

import type { KubeObject } from '../object.js';
import { setDefaultsPersistentVolumeClaimSpec, setDefaultsPodTemplateSpec, defaultCommonVolumeSources } from './pod.js';
import { defaultResourceList } from './quantities.js';

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ensureObject(holder: JsonObject, k: string): JsonObject {
  if (!isObject(holder[k])) holder[k] = {};
  return holder[k] as JsonObject;
}

function objects(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function absent(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

export function setDefaultsEndpoints(ep: KubeObject): void {
  for (const ss of objects(ep.subsets)) for (const p of objects(ss.ports)) if (absent(p.protocol)) p.protocol = 'TCP';
}

/** Secret: type Opaque, and stringData folded into data (base64) as conversion does. */
export function setDefaultsSecret(secret: KubeObject): void {
  if (absent(secret.type)) secret.type = 'Opaque';
  if (isObject(secret.stringData)) {
    const data = ensureObject(secret, 'data');
    for (const [k, v] of Object.entries(secret.stringData)) {
      if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
    }
  }
  delete secret.stringData;
}

export function setDefaultsNamespace(ns: KubeObject): void {
  const name = ns.metadata?.name;
  if (typeof name === 'string' && name.length > 0) {
    ns.metadata.labels = { ...(isObject(ns.metadata.labels) ? ns.metadata.labels : {}), 'kubernetes.io/metadata.name': name };
  }
  const status = ensureObject(ns, 'status');
  if (absent(status.phase)) status.phase = 'Active';
}

export function setDefaultsNode(node: KubeObject): void {
  if (!isObject(node.status)) return;
  const status = node.status;
  defaultResourceList(status, 'capacity');
  defaultResourceList(status, 'allocatable');
  if ((status.allocatable === undefined || status.allocatable === null) && isObject(status.capacity)) status.allocatable = { ...status.capacity };
}

export function setDefaultsPersistentVolume(pv: KubeObject): void {
  const status = ensureObject(pv, 'status');
  if (absent(status.phase)) status.phase = 'Pending';
  const spec = ensureObject(pv, 'spec');
  if (absent(spec.persistentVolumeReclaimPolicy)) spec.persistentVolumeReclaimPolicy = 'Retain';
  if (absent(spec.volumeMode)) spec.volumeMode = 'Filesystem';
  defaultResourceList(spec, 'capacity');
  defaultCommonVolumeSources(spec);
}

export function setDefaultsPersistentVolumeClaim(pvc: KubeObject): void {
  const status = ensureObject(pvc, 'status');
  if (absent(status.phase)) status.phase = 'Pending';
  setDefaultsPersistentVolumeClaimSpec(ensureObject(pvc, 'spec'));
  defaultResourceList(status, 'capacity');
  defaultResourceList(status, 'allocatedResources');
}

/** LimitRangeItem: for Container limits, default ← max, defaultRequest ← default ← min. */
export function setDefaultsLimitRange(lr: KubeObject): void {
  if (!isObject(lr.spec)) return;
  for (const item of objects(lr.spec.limits)) {
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) defaultResourceList(item, k);
    if (item.type !== 'Container') continue;
    const def = ensureObject(item, 'default');
    const defReq = ensureObject(item, 'defaultRequest');
    for (const [k, v] of Object.entries(isObject(item.max) ? item.max : {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(isObject(item.min) ? item.min : {})) if (!(k in defReq)) defReq[k] = v;
    // Empty maps are omitted when serialised.
    if (Object.keys(def).length === 0) delete item.default;
    if (Object.keys(defReq).length === 0) delete item.defaultRequest;
  }
}

export function setDefaultsResourceQuota(rq: KubeObject): void {
  defaultResourceList(rq.spec, 'hard');
  defaultResourceList(rq.status, 'hard');
  defaultResourceList(rq.status, 'used');
}

/** RC: replicas 1; selector and labels from the template's labels when unset. */
export function setDefaultsReplicationController(rc: KubeObject): void {
  const spec = ensureObject(rc, 'spec');
  const template = isObject(spec.template) ? spec.template : undefined;
  const labels = template && isObject(template.metadata) && isObject(template.metadata.labels) ? template.metadata.labels : undefined;
  if (labels) {
    if (!isObject(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    if (!isObject(rc.metadata.labels) || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...(labels as Record<string, string>) };
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (template) setDefaultsPodTemplateSpec(template);
}

export function setDefaultsPodTemplate(pt: KubeObject): void {
  if (isObject(pt.template)) setDefaultsPodTemplateSpec(pt.template);
}
