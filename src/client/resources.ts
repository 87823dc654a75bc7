// ResourceRefs for the built-in resources, at their preferred versions: `R.pods`, `R.deployments`.

import { builtinResources, type ResourceType } from '../api/scheme.js';
import type { ResourceRef } from './interface.js';

export function refOf(r: ResourceType, version = r.versions[0]): ResourceRef {
  return { group: r.group, version, plural: r.plural, kind: r.kind, namespaced: r.namespaced };
}

function builtin(group: string, plural: string): ResourceRef {
  const r = builtinResources.find((x) => x.group === group && x.plural === plural);
  if (!r) throw new Error(`no built-in resource ${plural}.${group}`);
  return refOf(r);
}

export const R = {
  namespaces: builtin('', 'namespaces'),
  pods: builtin('', 'pods'),
  services: builtin('', 'services'),
  endpoints: builtin('', 'endpoints'),
  nodes: builtin('', 'nodes'),
  events: builtin('', 'events'),
  configmaps: builtin('', 'configmaps'),
  secrets: builtin('', 'secrets'),
  serviceaccounts: builtin('', 'serviceaccounts'),
  persistentvolumes: builtin('', 'persistentvolumes'),
  persistentvolumeclaims: builtin('', 'persistentvolumeclaims'),
  replicationcontrollers: builtin('', 'replicationcontrollers'),
  resourcequotas: builtin('', 'resourcequotas'),
  limitranges: builtin('', 'limitranges'),
  deployments: builtin('apps', 'deployments'),
  replicasets: builtin('apps', 'replicasets'),
  statefulsets: builtin('apps', 'statefulsets'),
  daemonsets: builtin('apps', 'daemonsets'),
  controllerrevisions: builtin('apps', 'controllerrevisions'),
  jobs: builtin('batch', 'jobs'),
  cronjobs: builtin('batch', 'cronjobs'),
  leases: builtin('coordination.k8s.io', 'leases'),
  endpointslices: builtin('discovery.k8s.io', 'endpointslices'),
  poddisruptionbudgets: builtin('policy', 'poddisruptionbudgets'),
  horizontalpodautoscalers: builtin('autoscaling', 'horizontalpodautoscalers'),
  storageclasses: builtin('storage.k8s.io', 'storageclasses'),
  priorityclasses: builtin('scheduling.k8s.io', 'priorityclasses'),
  customresourcedefinitions: builtin('apiextensions.k8s.io', 'customresourcedefinitions'),
} as const;
