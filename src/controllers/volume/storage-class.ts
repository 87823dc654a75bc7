// The cluster's default StorageClass, as k3s ships it: `local-path`, served by the local-path
// provisioner, deleting volumes with their claims, and binding only once a pod needs the
// claim (so the volume lands on that pod's node). Created at start when absent; a class that
// exists (even edited, or another default) is left as it is.

import type { KubeObject } from '../../api/object.js';
import type { Client } from '../../client/interface.js';
import { sleep } from '../../machinery/abort.js';
import { R } from '../../client/resources.js';
import type { ControllerContext, Runnable } from '../controller.js';
import { localPathProvisionerName } from './local-path.js';
import { Ann } from './util.js';

export interface DefaultStorageClassOptions {
  name?: string;
  provisioner?: string;
}

export function defaultStorageClassObject(o: DefaultStorageClassOptions = {}): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: o.name ?? 'local-path', annotations: { [Ann.IsDefaultClass]: 'true' } },
    provisioner: o.provisioner ?? localPathProvisionerName,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}

/** Creates the default class unless a class of that name exists. Returns whether it created it. */
export async function ensureDefaultStorageClass(client: Client, o: DefaultStorageClassOptions = {}): Promise<boolean> {
  const sc = defaultStorageClassObject(o);
  if (await client.get(R.storageclasses, '', sc.metadata.name!)) return false;
  try {
    await client.create(R.storageclasses, '', sc);
    return true;
  } catch (e) {
    if ((e as { reason?: string }).reason === 'AlreadyExists') return false;
    throw e;
  }
}

/** A Runnable that ensures the class once at start (retrying while the API is unavailable). */
export function defaultStorageClass(ctx: ControllerContext, o: DefaultStorageClassOptions = {}): Runnable {
  return {
    async start(signal: AbortSignal): Promise<void> {
      for (let attempt = 0; !signal.aborted; attempt++) {
        try {
          if (await ensureDefaultStorageClass(ctx.client, o)) ctx.log(`created the default StorageClass ${o.name ?? 'local-path'}`);
          return;
        } catch (e) {
          ctx.log(`default StorageClass: ${(e as Error).message}`);
          await sleep(Math.min(1000 * 2 ** attempt, 30_000), signal, ctx.clock);
        }
      }
    },
  };
}
