// The tokens controller for legacy service account tokens: a Secret of type
// kubernetes.io/service-account-token that names an account in its
// kubernetes.io/service-account.name annotation gets a never-expiring token (plus ca.crt and
// namespace) signed with the service account key, as kube-controller-manager's tokens
// controller does; when the account is gone (or is another account by UID) the Secret is
// deleted. It needs the signing key, so it runs beside the API server, not in the controller
// manager.

import type { KubeObject } from '../../api/object.js';
import { InformerFactory } from '../../client/informer.js';
import type { Client } from '../../client/interface.js';
import { R } from '../../client/resources.js';
import type { Clock } from '../../machinery/clock.js';
import { controllerFor, type Controller, type ControllerContext, type Reconciler, type Runnable } from '../../controllers/controller.js';
import { ClientEventRecorder } from '../../controllers/events.js';
import { legacyClaim, type ServiceAccountTokenIssuer } from './service-account.js';

export const serviceAccountTokenSecretType = 'kubernetes.io/service-account-token';
export const serviceAccountNameAnnotation = 'kubernetes.io/service-account.name';
export const serviceAccountUIDAnnotation = 'kubernetes.io/service-account.uid';

interface LegacyTokensDeps extends ControllerContext {
  issuer: ServiceAccountTokenIssuer;
  /** The cluster CA (PEM) a token Secret carries as ca.crt. */
  rootCA: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export class LegacyTokensReconciler implements Reconciler {
  constructor(private readonly deps: LegacyTokensDeps) {}

  /** The account, from the cache or, on a miss (just created beside the Secret), the store. */
  private async account(namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.deps.informers.informerFor(R.serviceaccounts).get(namespace, name) ?? (await this.deps.client.get(R.serviceaccounts, namespace, name));
  }

  async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const secret = this.deps.informers.informerFor(R.secrets).get(namespace, name);
    if (!secret || (secret as { type?: string }).type !== serviceAccountTokenSecretType || secret.metadata.deletionTimestamp) return;
    const annotations = secret.metadata.annotations ?? {};
    const saName = annotations[serviceAccountNameAnnotation];
    if (!saName) return;
    const sa = await this.account(namespace, saName);
    const wantedUID = annotations[serviceAccountUIDAnnotation];
    if (!sa || (wantedUID && wantedUID !== sa.metadata.uid)) {
      await this.deps.client.delete(R.secrets, namespace, name, { preconditions: { uid: secret.metadata.uid } }).catch((e: { code?: number }) => {
        if (e.code !== 404 && e.code !== 409) throw e;
      });
      return;
    }
    const data = { ...((secret as { data?: Record<string, string> }).data ?? {}) };
    const wanted: Record<string, string> = { 'ca.crt': b64(this.deps.rootCA), namespace: b64(namespace) };
    if (!data.token) {
      wanted.token = b64(
        this.deps.issuer.signLegacy({
          [legacyClaim.namespace]: namespace,
          [legacyClaim.secretName]: name,
          [legacyClaim.serviceAccountName]: saName,
          [legacyClaim.serviceAccountUID]: sa.metadata.uid ?? '',
        }),
      );
    }
    const changed = Object.entries(wanted).some(([k, v]) => data[k] !== v) || wantedUID !== sa.metadata.uid;
    if (!changed) return;
    await this.deps.client.update(R.secrets, namespace, {
      ...secret,
      metadata: { ...secret.metadata, annotations: { ...annotations, [serviceAccountUIDAnnotation]: sa.metadata.uid ?? '' } },
      data: { ...data, ...wanted },
    } as KubeObject);
  }
}

export function legacyTokensController(deps: LegacyTokensDeps): Controller {
  const secrets = () => deps.informers.informerFor(R.secrets);
  return controllerFor(deps, R.secrets)
    .named('serviceaccount-tokens-controller')
    .watches(R.serviceaccounts, (sa) =>
      secrets()
        .list(sa.metadata.namespace)
        .filter((s) => (s as { type?: string }).type === serviceAccountTokenSecretType && s.metadata.annotations?.[serviceAccountNameAnnotation] === sa.metadata.name)
        .map((s) => `${s.metadata.namespace}/${s.metadata.name}`),
    )
    .complete(new LegacyTokensReconciler(deps));
}

/** The controller with its own informers, as one Runnable for the process that holds the key. */
export function legacyTokens(opts: { client: Client; clock: Clock; log: (msg: string) => void; issuer: ServiceAccountTokenIssuer; rootCA: string }): Runnable {
  return {
    async start(signal) {
      const informers = new InformerFactory(opts.client, opts.log);
      const recorder = new ClientEventRecorder(opts.client, 'kube-controller-manager', opts.clock, opts.log);
      const controller = legacyTokensController({ ...opts, informers, recorder });
      informers.start(signal);
      await controller.start(signal);
    },
  };
}
