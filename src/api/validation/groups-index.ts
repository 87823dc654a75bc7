// Validation of every built-in kind outside core/v1, keyed `group/Kind` (Event exists in two
// groups, so the group is part of the key).

import { controllerRevisionValidation } from './controllerrevision.js';
import { customResourceDefinitionValidation } from './crd.js';
import { cronJobValidation } from './cronjob.js';
import { csiDriverValidation } from './csidriver.js';
import { csiNodeValidation } from './csinode.js';
import { certificateSigningRequestValidation } from './csr.js';
import { daemonSetValidation } from './daemonset.js';
import { deploymentValidation } from './deployment.js';
import { endpointSliceValidation } from './endpointslice.js';
import { eventV1Validation } from './event-v1.js';
import { horizontalPodAutoscalerValidation } from './hpa.js';
import { ingressValidation } from './ingress.js';
import { ingressClassValidation } from './ingressclass.js';
import { jobValidation } from './job.js';
import { leaseValidation } from './lease.js';
import { networkPolicyValidation } from './networkpolicy.js';
import { podDisruptionBudgetValidation } from './pdb.js';
import { priorityClassValidation } from './priorityclass.js';
import { clusterRoleBindingValidation, clusterRoleValidation, roleBindingValidation, roleValidation } from './rbac.js';
import { replicaSetValidation } from './replicaset.js';
import { runtimeClassValidation } from './runtimeclass.js';
import { statefulSetValidation } from './statefulset.js';
import { storageClassValidation } from './storageclass.js';
import type { KindValidation } from './types.js';
import { volumeAttachmentValidation } from './volumeattachment.js';

export const groupValidation: Record<string, KindValidation> = {
  'apiextensions.k8s.io/CustomResourceDefinition': customResourceDefinitionValidation,
  'apps/ControllerRevision': controllerRevisionValidation,
  'apps/DaemonSet': daemonSetValidation,
  'apps/Deployment': deploymentValidation,
  'apps/ReplicaSet': replicaSetValidation,
  'apps/StatefulSet': statefulSetValidation,
  'autoscaling/HorizontalPodAutoscaler': horizontalPodAutoscalerValidation,
  'batch/CronJob': cronJobValidation,
  'batch/Job': jobValidation,
  'certificates.k8s.io/CertificateSigningRequest': certificateSigningRequestValidation,
  'coordination.k8s.io/Lease': leaseValidation,
  'discovery.k8s.io/EndpointSlice': endpointSliceValidation,
  'events.k8s.io/Event': eventV1Validation,
  'networking.k8s.io/Ingress': ingressValidation,
  'networking.k8s.io/IngressClass': ingressClassValidation,
  'networking.k8s.io/NetworkPolicy': networkPolicyValidation,
  'node.k8s.io/RuntimeClass': runtimeClassValidation,
  'policy/PodDisruptionBudget': podDisruptionBudgetValidation,
  'rbac.authorization.k8s.io/ClusterRole': clusterRoleValidation,
  'rbac.authorization.k8s.io/ClusterRoleBinding': clusterRoleBindingValidation,
  'rbac.authorization.k8s.io/Role': roleValidation,
  'rbac.authorization.k8s.io/RoleBinding': roleBindingValidation,
  'scheduling.k8s.io/PriorityClass': priorityClassValidation,
  'storage.k8s.io/CSIDriver': csiDriverValidation,
  'storage.k8s.io/CSINode': csiNodeValidation,
  'storage.k8s.io/StorageClass': storageClassValidation,
  'storage.k8s.io/VolumeAttachment': volumeAttachmentValidation,
};
