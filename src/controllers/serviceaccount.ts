// The service account controller: every active namespace has a "default" ServiceAccount, the
// account pods run as when they name none; deleting it brings it back.

import type { KubeObject } from '../api/object.js';
import { R } from '../client/resources.js';
import { controllerFor, type Controller, type ControllerContext, type Reconciler } from './controller.js';

export const defaultServiceAccountName = 'default';

/** Whether objects may still be created in the namespace (Active, not being deleted). */
export function namespaceIsActive(ns: KubeObject): boolean {
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  return !ns.metadata.deletionTimestamp && (phase === undefined || phase === 'Active');
}

/** Creates that fail because the namespace is gone or going are not retried. */
export function namespaceGoneOrTerminating(e: unknown): boolean {
  const err = e as { code?: number; details?: { kind?: string; causes?: { reason?: string }[] } };
  if (err.code === 404 && err.details?.kind === 'namespaces') return true;
  return (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

export class ServiceAccountsReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  async reconcile(namespace: string): Promise<void> {
    const ns = this.ctx.informers.informerFor(R.namespaces).get('', namespace);
    if (!ns || !namespaceIsActive(ns)) return;
    if (this.ctx.informers.informerFor(R.serviceaccounts).get(namespace, defaultServiceAccountName)) return;
    try {
      await this.ctx.client.create(R.serviceaccounts, namespace, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: defaultServiceAccountName, namespace },
      });
    } catch (e) {
      const reason = (e as { reason?: string }).reason;
      if (reason === 'AlreadyExists' || namespaceGoneOrTerminating(e)) return;
      throw e;
    }
  }
}

export function serviceAccountController(ctx: ControllerContext): Controller {
  return controllerFor(ctx, R.namespaces)
    .named('serviceaccount-controller')
    .watches(R.serviceaccounts, (sa) => (sa.metadata.name === defaultServiceAccountName && sa.metadata.namespace ? [sa.metadata.namespace] : []))
    .complete(new ServiceAccountsReconciler(ctx));
}
