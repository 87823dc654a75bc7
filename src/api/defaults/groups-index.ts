// Defaulting of every built-in kind outside core/v1, keyed `group/Kind`. Kinds without
// defaults upstream (PodDisruptionBudget, Ingress, Lease, CSR, events.k8s.io Event…) have no
// entry.

import type { KubeObject } from '../object.js';
import { setDefaultsCustomResourceDefinition } from './crd.js';
import { setDefaultsCronJob } from './cronjob.js';
import { setDefaultsDaemonSet } from './daemonset.js';
import { setDefaultsDeployment } from './deployment.js';
import { setDefaultsEndpointSlice } from './endpointslice.js';
import { setDefaultsHorizontalPodAutoscaler } from './hpa.js';
import { setDefaultsIngressClass } from './ingressclass.js';
import { setDefaultsJob } from './job.js';
import { setDefaultsNetworkPolicy } from './networkpolicy.js';
import { setDefaultsPriorityClass } from './priorityclass.js';
import { setDefaultsClusterRoleBinding, setDefaultsRoleBinding } from './rbac.js';
import { setDefaultsReplicaSet } from './replicaset.js';
import { setDefaultsStatefulSet } from './statefulset.js';
import { setDefaultsCSIDriver, setDefaultsStorageClass } from './storage.js';

export const groupDefaults: Record<string, (obj: KubeObject) => void> = {
  'apiextensions.k8s.io/CustomResourceDefinition': setDefaultsCustomResourceDefinition,
  'apps/DaemonSet': setDefaultsDaemonSet,
  'apps/Deployment': setDefaultsDeployment,
  'apps/ReplicaSet': setDefaultsReplicaSet,
  'apps/StatefulSet': setDefaultsStatefulSet,
  'autoscaling/HorizontalPodAutoscaler': setDefaultsHorizontalPodAutoscaler,
  'batch/CronJob': setDefaultsCronJob,
  'batch/Job': setDefaultsJob,
  'discovery.k8s.io/EndpointSlice': setDefaultsEndpointSlice,
  'networking.k8s.io/IngressClass': setDefaultsIngressClass,
  'networking.k8s.io/NetworkPolicy': setDefaultsNetworkPolicy,
  'rbac.authorization.k8s.io/ClusterRoleBinding': setDefaultsClusterRoleBinding,
  'rbac.authorization.k8s.io/RoleBinding': setDefaultsRoleBinding,
  'scheduling.k8s.io/PriorityClass': setDefaultsPriorityClass,
  'storage.k8s.io/CSIDriver': setDefaultsCSIDriver,
  'storage.k8s.io/StorageClass': setDefaultsStorageClass,
};
