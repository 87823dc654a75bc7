// The fields each kind lets `--field-selector` match on, as Kubernetes' per-kind
// GetAttrs/SelectableFields declare them. Every kind has metadata.name and metadata.namespace.

import type { KubeObject } from '../../api/object.js';

type Getter = (obj: KubeObject) => string | undefined;

function path(...keys: string[]): Getter {
  return (obj) => {
    let v: unknown = obj;
    for (const k of keys) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[k];
    }
    if (v === undefined || v === null) return undefined;
    return typeof v === 'object' ? undefined : String(v);
  };
}

const eventFields: Record<string, Getter> = {
  'involvedObject.kind': path('involvedObject', 'kind'),
  'involvedObject.namespace': path('involvedObject', 'namespace'),
  'involvedObject.name': path('involvedObject', 'name'),
  'involvedObject.uid': path('involvedObject', 'uid'),
  'involvedObject.apiVersion': path('involvedObject', 'apiVersion'),
  'involvedObject.resourceVersion': path('involvedObject', 'resourceVersion'),
  'involvedObject.fieldPath': path('involvedObject', 'fieldPath'),
  reason: path('reason'),
  reportingComponent: path('reportingComponent'),
  source: path('source', 'component'),
  type: path('type'),
};

/** Keyed by `group/plural`. */
const byResource: Record<string, Record<string, Getter>> = {
  '/pods': {
    'spec.nodeName': path('spec', 'nodeName'),
    'spec.restartPolicy': path('spec', 'restartPolicy'),
    'spec.schedulerName': path('spec', 'schedulerName'),
    'spec.serviceAccountName': path('spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => String(Boolean((o.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork)),
    'status.phase': path('status', 'phase'),
    'status.podIP': path('status', 'podIP'),
    'status.nominatedNodeName': path('status', 'nominatedNodeName'),
  },
  '/events': eventFields,
  'events.k8s.io/events': eventFields,
  '/secrets': { type: path('type') },
  '/namespaces': { 'status.phase': path('status', 'phase') },
  '/nodes': { 'spec.unschedulable': (o) => String(Boolean((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable)) },
  '/replicationcontrollers': { 'status.replicas': path('status', 'replicas') },
  'apps/replicasets': { 'status.replicas': path('status', 'replicas') },
  'batch/jobs': { 'status.successful': path('status', 'successful') },
  'certificates.k8s.io/certificatesigningrequests': { 'spec.signerName': path('spec', 'signerName') },
};

export interface FieldSet {
  supported: Set<string>;
  values(obj: KubeObject): Record<string, string>;
}

const cache = new Map<string, FieldSet>();

/** The selectable fields of a resource; custom resources may add their own getters. */
export function selectableFields(group: string, plural: string, namespaced: boolean, extra?: Record<string, Getter>): FieldSet {
  const key = `${group}/${plural}`;
  if (!extra) {
    const cached = cache.get(key);
    if (cached) return cached;
  }
  const getters: Record<string, Getter> = { 'metadata.name': path('metadata', 'name'), ...(byResource[key] ?? {}), ...(extra ?? {}) };
  if (namespaced) getters['metadata.namespace'] = path('metadata', 'namespace');
  const set: FieldSet = {
    supported: new Set(Object.keys(getters)),
    values(obj) {
      const out: Record<string, string> = {};
      for (const [name, get] of Object.entries(getters)) out[name] = get(obj) ?? '';
      return out;
    },
  };
  if (!extra) cache.set(key, set);
  return set;
}

export function jsonPathGetter(jsonPath: string): Getter {
  return path(...jsonPath.replace(/^\./, '').split('.'));
}
