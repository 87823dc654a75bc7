// Per-resource behaviour of the generic store, as Kubernetes' RESTCreateStrategy and
// RESTUpdateStrategy express it: what a create resets, whether generation is tracked, whether
// PUT may create, and the initial status a new object shows before any controller acts.

import type { KubeObject } from '../../api/object.js';
import type { ResourceType } from '../../api/scheme.js';
import { podQOSClass } from '../../api/helpers/qos.js';

export interface Strategy {
  /** metadata.generation starts at 1 and grows whenever anything but metadata and status changes. */
  tracksGeneration: boolean;
  /** The status subresource exists: main-resource writes keep the old status. */
  hasStatus: boolean;
  /** On create, status is replaced by this (undefined: the submitted status is kept). */
  initialStatus?: (obj: KubeObject) => Record<string, unknown> | undefined;
  allowCreateOnUpdate: boolean;
  allowUnconditionalUpdate: boolean;
}

const createOnUpdate = new Set([
  '/endpoints',
  '/events',
  'events.k8s.io/events',
  '/limitranges',
  '/services',
  '/serviceaccounts',
  '/replicationcontrollers',
  'coordination.k8s.io/leases',
  'rbac.authorization.k8s.io/roles',
  'rbac.authorization.k8s.io/rolebindings',
  'rbac.authorization.k8s.io/clusterroles',
  'rbac.authorization.k8s.io/clusterrolebindings',
]);

const generationTracked = new Set([
  '/replicationcontrollers',
  'apps/deployments',
  'apps/replicasets',
  'apps/statefulsets',
  'apps/daemonsets',
  'batch/jobs',
  'batch/cronjobs',
  'autoscaling/horizontalpodautoscalers',
  'policy/poddisruptionbudgets',
  'networking.k8s.io/ingresses',
  'networking.k8s.io/ingressclasses',
  'networking.k8s.io/networkpolicies',
  'discovery.k8s.io/endpointslices',
  'apiextensions.k8s.io/customresourcedefinitions',
]);

/** What `kubectl get -o yaml` shows in status right after a create, per kind. */
const initialStatuses: Record<string, (obj: KubeObject) => Record<string, unknown> | undefined> = {
  '/pods': (pod) => ({ phase: 'Pending', qosClass: podQOSClass(pod) }),
  '/namespaces': () => ({ phase: 'Active' }),
  '/persistentvolumeclaims': () => ({ phase: 'Pending' }),
  '/persistentvolumes': () => ({ phase: 'Pending' }),
  '/services': () => ({ loadBalancer: {} }),
  '/replicationcontrollers': () => ({ replicas: 0 }),
  '/resourcequotas': () => ({}),
  'apps/replicasets': () => ({ replicas: 0 }),
  'apps/statefulsets': () => ({ replicas: 0, availableReplicas: 0 }),
  'apps/daemonsets': () => ({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }),
  'apps/deployments': () => ({}),
  'batch/jobs': () => ({}),
  'batch/cronjobs': () => ({}),
  'autoscaling/horizontalpodautoscalers': () => ({ desiredReplicas: 0 }),
  'policy/poddisruptionbudgets': () => ({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }),
  'networking.k8s.io/ingresses': () => ({ loadBalancer: {} }),
  'apiextensions.k8s.io/customresourcedefinitions': () => undefined,
  'storage.k8s.io/volumeattachments': () => undefined,
};

/** Kinds whose creator may set status too (a kubelet registering its Node, a CSR). */
const statusKeptOnCreate = new Set(['/nodes', 'certificates.k8s.io/certificatesigningrequests']);

export function strategyFor(r: ResourceType): Strategy {
  const key = `${r.group}/${r.plural}`;
  const hasStatus = 'status' in r.subresources;
  let initialStatus: Strategy["initialStatus"] = initialStatuses[key];
  if (!initialStatus && hasStatus && !statusKeptOnCreate.has(key)) initialStatus = () => ({});
  if (r.custom) {
    // Custom resources: status is reset only when the status subresource is enabled.
    initialStatus = hasStatus ? (): Record<string, unknown> | undefined => undefined : undefined;
  }
  return {
    tracksGeneration: generationTracked.has(key) || r.custom === true,
    hasStatus,
    initialStatus: statusKeptOnCreate.has(key) ? undefined : initialStatus,
    allowCreateOnUpdate: createOnUpdate.has(key),
    // Custom resources require a resourceVersion on PUT, as apiextensions-apiserver does.
    allowUnconditionalUpdate: r.custom !== true,
  };
}
