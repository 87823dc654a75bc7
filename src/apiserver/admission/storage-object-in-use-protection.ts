// StorageObjectInUseProtection: claims and volumes are created with a finalizer, so deleting one
// that a pod still uses (or a bound volume) waits until the protection controllers see it free.

import type { AdmissionPlugin } from './types.js';
import { isMainResource } from './util.js';

export const pvcProtectionFinalizer = 'kubernetes.io/pvc-protection';
export const pvProtectionFinalizer = 'kubernetes.io/pv-protection';

export const storageObjectInUseProtection: AdmissionPlugin = {
  name: 'StorageObjectInUseProtection',
  admit(attrs) {
    if (attrs.operation !== 'CREATE' || !attrs.object) return;
    let finalizer: string;
    if (isMainResource(attrs, '', 'persistentvolumeclaims')) finalizer = pvcProtectionFinalizer;
    else if (isMainResource(attrs, '', 'persistentvolumes')) finalizer = pvProtectionFinalizer;
    else return;
    const meta = attrs.object.metadata;
    if (meta.finalizers?.includes(finalizer)) return;
    meta.finalizers = [...(meta.finalizers ?? []), finalizer];
  },
};
