// Volumes: the PersistentVolume binder, the local-path provisioner and the default
// StorageClass, wired together as the controller manager runs them.

import type { ControllerContext, Runnable } from '../controller.js';
import { localPathProvisioner, type LocalPathOptions } from './local-path.js';
import { persistentVolumeController, type PersistentVolumeControllerOptions } from './pv-controller.js';
import { defaultStorageClass, type DefaultStorageClassOptions } from './storage-class.js';

export { PersistentVolumeController, persistentVolumeController } from './pv-controller.js';
export { LocalPathProvisioner, localPathProvisioner, localPathProvisionerName } from './local-path.js';
export { defaultStorageClass, ensureDefaultStorageClass, defaultStorageClassObject } from './storage-class.js';

export interface VolumeControllersOptions {
  binder?: PersistentVolumeControllerOptions;
  /** The local-path provisioner; false leaves it (and the default class) out. */
  localPath: LocalPathOptions | false;
  /** The default `local-path` StorageClass at start (default: with the local-path provisioner). */
  defaultStorageClass?: DefaultStorageClassOptions | false;
}

export function volumeControllers(ctx: ControllerContext, o: VolumeControllersOptions): Runnable[] {
  const runnables: Runnable[] = [persistentVolumeController(ctx, o.binder)];
  if (o.localPath) {
    runnables.push(localPathProvisioner(ctx, o.localPath));
    if (o.defaultStorageClass !== false) runnables.push(defaultStorageClass(ctx, { provisioner: o.localPath.provisionerName, ...(o.defaultStorageClass ?? {}) }));
  }
  return runnables;
}
