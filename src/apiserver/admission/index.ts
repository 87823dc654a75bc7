// The default admission chain, in Kubernetes' order (the default-enabled plugins of
// kube-apiserver 1.32): every plugin's admit() runs in this order, then every validate().

import type { Clock } from '../../machinery/clock.js';
import { defaultIngressClassAdmission } from './default-ingress-class.js';
import { defaultStorageClassAdmission } from './default-storage-class.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { limitRanger } from './limit-ranger.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { persistentVolumeClaimResize } from './persistent-volume-claim-resize.js';
import { priority } from './priority.js';
import { resourceQuotaAdmission } from './resource-quota.js';
import { runtimeClass } from './runtime-class.js';
import { serviceAccountAdmission } from './service-account.js';
import { storageObjectInUseProtection } from './storage-object-in-use-protection.js';
import { taintNodesByCondition } from './taint-nodes-by-condition.js';
import type { AdmissionPlugin } from './types.js';

/** Every plugin kube-apiserver 1.32 enables by default, in its order. */
export function kubernetesAdmissionPlugins(clock: Clock): AdmissionPlugin[] {
  return [
    namespaceLifecycle,
    limitRanger,
    serviceAccountAdmission(),
    taintNodesByCondition,
    priority,
    defaultTolerationSeconds,
    defaultStorageClassAdmission,
    storageObjectInUseProtection,
    persistentVolumeClaimResize,
    runtimeClass,
    defaultIngressClassAdmission,
    resourceQuotaAdmission({ clock }),
  ];
}

/** The chain the registry runs. */
export function defaultAdmissionPlugins(clock: Clock): AdmissionPlugin[] {
  return kubernetesAdmissionPlugins(clock);
}
