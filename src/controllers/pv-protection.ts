// The PV protection controller: a PersistentVolume being deleted keeps its
// kubernetes.io/pv-protection finalizer while it is bound to a claim, and loses it once it is
// not. Volumes created before the admission plugin added the finalizer get it here.

import type { KubeObject } from '../api/object.js';
import { R } from '../client/resources.js';
import { pvProtectionFinalizer } from '../apiserver/admission/storage-object-in-use-protection.js';
import { controllerFor, type Controller, type ControllerContext, type Reconciler } from './controller.js';

/** The persistent volume controller marks a volume Bound while a claim holds it. */
export function volumeIsBound(pv: KubeObject): boolean {
  return (pv.status as { phase?: string } | undefined)?.phase === 'Bound';
}

export class PVProtectionReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  async reconcile(name: string): Promise<void> {
    const pv = this.ctx.informers.informerFor(R.persistentvolumes).get('', name);
    if (!pv) return;
    const finalizers = pv.metadata.finalizers ?? [];
    const protectedVolume = finalizers.includes(pvProtectionFinalizer);
    if (pv.metadata.deletionTimestamp) {
      if (!protectedVolume || volumeIsBound(pv)) return;
      await this.setFinalizers(pv, finalizers.filter((f) => f !== pvProtectionFinalizer));
      return;
    }
    if (!protectedVolume) await this.setFinalizers(pv, [...finalizers, pvProtectionFinalizer]);
  }

  private async setFinalizers(pv: KubeObject, finalizers: string[]): Promise<void> {
    const metadata: KubeObject['metadata'] = { ...pv.metadata, finalizers };
    if (finalizers.length === 0) delete metadata.finalizers;
    await this.ctx.client.update(R.persistentvolumes, '', { ...pv, metadata });
  }
}

export function pvProtectionController(ctx: ControllerContext): Controller {
  return controllerFor(ctx, R.persistentvolumes).named('pv-protection-controller').complete(new PVProtectionReconciler(ctx));
}
