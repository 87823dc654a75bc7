// The printer for each built-in kind: what `kubectl get` shows when it asks for
// `application/json;as=Table;v=v1;g=meta.k8s.io`. Kinds Kubernetes gives no printer of their
// own map to the default NAME / CREATED AT table; unknown kinds (custom resources) get
// undefined, so the caller can build their columns from the CRD.

import { horizontalPodAutoscalerPrinter, horizontalPodAutoscalerV1Printer } from './autoscaling.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import { certificateSigningRequestPrinter, componentStatusPrinter, leasePrinter, priorityClassPrinter, runtimeClassPrinter } from './cluster.js';
import { configMapPrinter, namespacePrinter, secretPrinter, serviceAccountPrinter } from './config.js';
import { defaultPrinter } from './default.js';
import { eventPrinter, eventsV1EventPrinter } from './event.js';
import { endpointSlicePrinter, endpointsPrinter, ingressClassPrinter, ingressPrinter, networkPolicyPrinter, servicePrinter } from './networking.js';
import { nodePrinter } from './node.js';
import { podPrinter } from './pod.js';
import { podDisruptionBudgetPrinter, resourceQuotaPrinter } from './policy.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac.js';
import {
  csiDriverPrinter,
  csiNodePrinter,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  storageClassPrinter,
  volumeAttachmentPrinter,
} from './storage.js';
import type { TablePrinter } from './types.js';
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  podTemplatePrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from './workloads.js';

export { defaultPrinter } from './default.js';
export type { ColumnDefinition, PrintContext, TablePrinter, TableRowCondition } from './types.js';

/** Printers keyed by "group/Kind" (core kinds have an empty group). */
const printers = new Map<string, TablePrinter>([
  ['/Pod', podPrinter],
  ['/PodTemplate', podTemplatePrinter],
  ['/ReplicationController', replicationControllerPrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/Node', nodePrinter],
  ['/Event', eventPrinter],
  ['/Namespace', namespacePrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/PersistentVolume', persistentVolumePrinter],
  ['/PersistentVolumeClaim', persistentVolumeClaimPrinter],
  ['/ResourceQuota', resourceQuotaPrinter],
  ['/ComponentStatus', componentStatusPrinter],
  ['/LimitRange', defaultPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['apps/ControllerRevision', controllerRevisionPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerPrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['events.k8s.io/Event', eventsV1EventPrinter],
  ['networking.k8s.io/Ingress', ingressPrinter],
  ['networking.k8s.io/IngressClass', ingressClassPrinter],
  ['networking.k8s.io/NetworkPolicy', networkPolicyPrinter],
  ['policy/PodDisruptionBudget', podDisruptionBudgetPrinter],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingPrinter],
  ['rbac.authorization.k8s.io/Role', defaultPrinter],
  ['rbac.authorization.k8s.io/ClusterRole', defaultPrinter],
  ['storage.k8s.io/StorageClass', storageClassPrinter],
  ['storage.k8s.io/CSIDriver', csiDriverPrinter],
  ['storage.k8s.io/CSINode', csiNodePrinter],
  ['storage.k8s.io/VolumeAttachment', volumeAttachmentPrinter],
  ['scheduling.k8s.io/PriorityClass', priorityClassPrinter],
  ['node.k8s.io/RuntimeClass', runtimeClassPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['certificates.k8s.io/CertificateSigningRequest', certificateSigningRequestPrinter],
  ['apiextensions.k8s.io/CustomResourceDefinition', defaultPrinter],
]);

/**
 * The printer for objects of this group, version and kind as they are handed to it (an
 * autoscaling/v1 HPA is read in its v1 shape). Undefined for kinds that are not built in.
 */
export function printerFor(group: string, version: string, kind: string): TablePrinter | undefined {
  if (group === 'autoscaling' && kind === 'HorizontalPodAutoscaler' && version === 'v1') return horizontalPodAutoscalerV1Printer;
  return printers.get(`${group}/${kind}`);
}
