// storage.k8s.io/v1 defaults: StorageClasses delete released volumes and bind immediately;
// CSIDrivers need attaching, get no pod info, publish no capacity, apply fsGroup for
// ReadWriteOnce volumes with an fsType, serve persistent volumes, need no republish and do not
// mount with SELinux contexts — unless stated.

import type { KubeObject } from '../object.js';
import { ensureObject, setIfAbsent } from './groups-common.js';

export function setDefaultsStorageClass(sc: KubeObject): void {
  setIfAbsent(sc, 'reclaimPolicy', 'Delete');
  setIfAbsent(sc, 'volumeBindingMode', 'Immediate');
}

export function setDefaultsCSIDriver(d: KubeObject): void {
  const spec = ensureObject(d, 'spec');
  if (!spec) return;
  setIfAbsent(spec, 'attachRequired', true);
  setIfAbsent(spec, 'podInfoOnMount', false);
  setIfAbsent(spec, 'storageCapacity', false);
  setIfAbsent(spec, 'fsGroupPolicy', 'ReadWriteOnceWithFSType');
  if (!Array.isArray(spec.volumeLifecycleModes) || spec.volumeLifecycleModes.length === 0) spec.volumeLifecycleModes = ['Persistent'];
  setIfAbsent(spec, 'requiresRepublish', false);
  setIfAbsent(spec, 'seLinuxMount', false);
}
