// The PVC protection controller: a claim being deleted keeps its kubernetes.io/pvc-protection
// finalizer while a scheduled pod still uses it, and loses it — completing the deletion — once
// none does. Claims created before the admission plugin added the finalizer get it here.

import type { KubeObject } from '../api/object.js';
import { controllerOf, splitKey } from '../api/object.js';
import { R } from '../client/resources.js';
import { pvcProtectionFinalizer } from '../apiserver/admission/storage-object-in-use-protection.js';
import { controllerFor, type Controller, type ControllerContext, type Reconciler } from './controller.js';

interface Volume {
  name?: string;
  persistentVolumeClaim?: { claimName?: string };
  ephemeral?: unknown;
}

function volumesOf(pod: KubeObject): Volume[] {
  const v = (pod.spec as { volumes?: unknown } | undefined)?.volumes;
  return Array.isArray(v) ? (v as Volume[]) : [];
}

/** The claims a pod refers to: named ones, and the `<pod>-<volume>` claims of its ephemeral volumes. */
export function claimsOfPod(pod: KubeObject): string[] {
  return volumesOf(pod).flatMap((v) => {
    if (v.persistentVolumeClaim?.claimName) return [v.persistentVolumeClaim.claimName];
    if (v.ephemeral) return [`${pod.metadata.name}-${v.name}`];
    return [];
  });
}

/** Done with by its kubelet (deletion with no grace left) or force-deleted. */
function podIsShutDown(pod: KubeObject): boolean {
  return !!pod.metadata.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds === 0;
}

/**
 * podUsesPVC: only scheduled pods count (a kubelet will not start a pod whose claim is being
 * deleted). Any scheduled pod naming the claim holds it, whatever its phase; an ephemeral
 * claim is held by its own pod until that pod has shut down.
 */
export function podUsesClaim(pod: KubeObject, claim: KubeObject): boolean {
  if (!(pod.spec as { nodeName?: string } | undefined)?.nodeName) return false;
  return volumesOf(pod).some((v) => {
    if (v.persistentVolumeClaim) return v.persistentVolumeClaim.claimName === claim.metadata.name;
    if (v.ephemeral && !podIsShutDown(pod) && `${pod.metadata.name}-${v.name}` === claim.metadata.name) {
      const owner = controllerOf(claim);
      return owner !== undefined && owner.uid === pod.metadata.uid;
    }
    return false;
  });
}

export class PVCProtectionReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const claim = this.ctx.informers.informerFor(R.persistentvolumeclaims).get(namespace, name);
    if (!claim) return;
    const finalizers = claim.metadata.finalizers ?? [];
    const protectedClaim = finalizers.includes(pvcProtectionFinalizer);
    if (claim.metadata.deletionTimestamp) {
      if (!protectedClaim || (await this.inUse(claim))) return;
      await this.setFinalizers(claim, finalizers.filter((f) => f !== pvcProtectionFinalizer));
      this.ctx.log(`pvc-protection-controller: removed finalizer from ${key}`);
      return;
    }
    if (!protectedClaim) await this.setFinalizers(claim, [...finalizers, pvcProtectionFinalizer]);
  }

  /** The cache first; if it shows no user, the API server, since the cache may lag a new pod. */
  private async inUse(claim: KubeObject): Promise<boolean> {
    const namespace = claim.metadata.namespace ?? '';
    if (this.ctx.informers.informerFor(R.pods).list(namespace).some((p) => podUsesClaim(p, claim))) return true;
    const live = await this.ctx.client.list(R.pods, namespace);
    return live.items.some((p) => podUsesClaim(p, claim));
  }

  private async setFinalizers(claim: KubeObject, finalizers: string[]): Promise<void> {
    const metadata: KubeObject['metadata'] = { ...claim.metadata, finalizers };
    if (finalizers.length === 0) delete metadata.finalizers;
    await this.ctx.client.update(R.persistentvolumeclaims, claim.metadata.namespace ?? '', { ...claim, metadata });
  }
}

export function pvcProtectionController(ctx: ControllerContext): Controller {
  return controllerFor(ctx, R.persistentvolumeclaims)
    .named('pvc-protection-controller')
    .watches(R.pods, (pod) => claimsOfPod(pod).map((c) => `${pod.metadata.namespace}/${c}`))
    .complete(new PVCProtectionReconciler(ctx));
}
