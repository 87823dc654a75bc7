// Validation of every core/v1 kind, keyed by Kind. ObjectMeta (name rule, namespace,
// labels, annotations...) is checked by the registry with validateObjectMeta and each
// entry's nameRule; these add the kind's own rules.

import { componentStatusValidation } from './componentstatus.js';
import { configMapValidation } from './configmap.js';
import { coreEventValidation } from './core-event.js';
import { endpointsValidation } from './endpoints.js';
import { limitRangeValidation } from './limitrange.js';
import { namespaceValidation } from './namespace.js';
import { nodeValidation } from './node.js';
import { persistentVolumeValidation } from './persistentvolume.js';
import { persistentVolumeClaimValidation } from './persistentvolumeclaim.js';
import { bindingValidation, podTemplateValidation, podValidation } from './pod.js';
import { replicationControllerValidation } from './replicationcontroller.js';
import { resourceQuotaValidation } from './resourcequota.js';
import { secretValidation } from './secret.js';
import { serviceValidation } from './service.js';
import { serviceAccountValidation } from './serviceaccount.js';
import type { KindValidation } from './types.js';

export const coreValidation: Record<string, KindValidation> = {
  Binding: bindingValidation,
  ComponentStatus: componentStatusValidation,
  ConfigMap: configMapValidation,
  Endpoints: endpointsValidation,
  Event: coreEventValidation,
  LimitRange: limitRangeValidation,
  Namespace: namespaceValidation,
  Node: nodeValidation,
  PersistentVolume: persistentVolumeValidation,
  PersistentVolumeClaim: persistentVolumeClaimValidation,
  Pod: podValidation,
  PodTemplate: podTemplateValidation,
  ReplicationController: replicationControllerValidation,
  ResourceQuota: resourceQuotaValidation,
  Secret: secretValidation,
  Service: serviceValidation,
  ServiceAccount: serviceAccountValidation,
};
