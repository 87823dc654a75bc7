// The root CA publisher: every namespace has a kube-root-ca.crt ConfigMap holding the cluster
// CA (ca.crt), which the kube-api-access volume of every pod projects, so workloads can verify
// the API server. Edits and deletions are put right.

import type { KubeObject } from '../api/object.js';
import { R } from '../client/resources.js';
import { controllerFor, type Controller, type ControllerContext, type Reconciler } from './controller.js';
import { namespaceGoneOrTerminating, namespaceIsActive } from './serviceaccount.js';

export const rootCACertConfigMapName = 'kube-root-ca.crt';
export const descriptionAnnotation = 'kubernetes.io/description';
export const rootCADescription =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface RootCAPublisherDeps extends ControllerContext {
  /** The cluster CA certificate, PEM. */
  rootCA: string;
}

export class RootCAPublisher implements Reconciler {
  constructor(private readonly deps: RootCAPublisherDeps) {}

  async reconcile(namespace: string): Promise<void> {
    const ns = this.deps.informers.informerFor(R.namespaces).get('', namespace);
    if (!ns || !namespaceIsActive(ns)) return;
    const data = { 'ca.crt': this.deps.rootCA };
    const cm = this.deps.informers.informerFor(R.configmaps).get(namespace, rootCACertConfigMapName);
    if (!cm) {
      try {
        await this.deps.client.create(R.configmaps, namespace, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: rootCACertConfigMapName, namespace, annotations: { [descriptionAnnotation]: rootCADescription } },
          data,
        });
      } catch (e) {
        if ((e as { reason?: string }).reason === 'AlreadyExists' || namespaceGoneOrTerminating(e)) return;
        throw e;
      }
      return;
    }
    const current = (cm.data ?? {}) as Record<string, string>;
    const same = Object.keys(current).length === 1 && current['ca.crt'] === this.deps.rootCA;
    if (same && cm.metadata.annotations?.[descriptionAnnotation]) return;
    const updated: KubeObject = {
      ...cm,
      metadata: { ...cm.metadata, annotations: { ...(cm.metadata.annotations ?? {}), [descriptionAnnotation]: rootCADescription } },
      data,
    };
    await this.deps.client.update(R.configmaps, namespace, updated);
  }
}

export function rootCAPublisher(deps: RootCAPublisherDeps): Controller {
  return controllerFor(deps, R.namespaces)
    .named('root-ca-cert-publisher')
    .watches(R.configmaps, (cm) => (cm.metadata.name === rootCACertConfigMapName && cm.metadata.namespace ? [cm.metadata.namespace] : []))
    .complete(new RootCAPublisher(deps));
}
