// The TokenRequest subresource (POST .../serviceaccounts/NAME/token, `kubectl create token`):
// a bound service account token, as pkg/registry/core/serviceaccount/storage/token.go issues
// it — bound to a pod, secret or node that must exist with the given UID (and, for a pod, run
// as this account), 10 minutes to 2^32 seconds, the kubelet's 3607 s request extended to a year.

import type { KubeObject } from '../../api/object.js';
import { rfc3339 } from '../../machinery/clock.js';
import { StatusError, Reason, badRequest, conflict, field, invalid, methodNotAllowed, notFound } from '../../machinery/errors.js';
import { decodeBody, readBody } from '../body.js';
import { checkTypeMeta, type HandlerContext, type ResourceRequest } from '../handlers.js';
import { writeObject } from '../respond.js';
import type { Registry } from '../registry/registry.js';
import { expirationExtensionSeconds, warnOnlyBoundTokenExpirationSeconds, type BoundClaims, type ServiceAccountTokenIssuer } from '../auth/service-account.js';

const issuers = new WeakMap<Registry, ServiceAccountTokenIssuer>();

/** Makes the registry's API server issue tokens with this issuer (call once at start). */
export function setTokenIssuer(registry: Registry, issuer: ServiceAccountTokenIssuer): void {
  issuers.set(registry, issuer);
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string };
}

export async function handleTokenRequest(_ctx: HandlerContext, r: ResourceRequest, registry: Registry): Promise<void> {
  if (r.info.verb !== 'create') throw methodNotAllowed();
  const body = checkTypeMeta(await decodeBody(await readBody(r.req), r.req.headers['content-type']), r.resource, 'v1', 'TokenRequest', 'authentication.k8s.io');
  writeObject(r.res, 201, await issueServiceAccountToken(registry, r.info.namespace, r.info.name, body));
}

/** Answers a TokenRequest for the service account namespace/name (HTTP and in-process clients alike). */
export async function issueServiceAccountToken(registry: Registry, ns: string, name: string, body: KubeObject): Promise<KubeObject> {
  const issuer = issuers.get(registry);
  if (!issuer) throw new StatusError(503, Reason.ServiceUnavailable, 'the API server has no service account token issuer');
  const spec = (body.spec ?? {}) as TokenRequestSpec;
  const expirationSeconds = spec.expirationSeconds ?? 3600;
  const errs = [];
  if (expirationSeconds < 600) errs.push(field.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'));
  if (expirationSeconds > 2 ** 32) errs.push(field.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  // Upstream reports these without a name: `TokenRequest.authentication.k8s.io "" is invalid`.
  if (errs.length) throw invalid('TokenRequest', 'authentication.k8s.io', '', errs);

  const sa = await registry.store('', 'serviceaccounts').tryGet(ns, name);
  if (!sa) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
  const bound: BoundClaims = { namespace: ns, serviceaccount: { name, uid: sa.metadata.uid ?? '' } };
  let pod: KubeObject | undefined;
  const ref = spec.boundObjectRef;
  if (ref) {
    const { group, version } = splitApiVersion(ref.apiVersion ?? '');
    // Upstream names the kind where a resource belongs in this Conflict: `on Pod "web"`.
    const uidMismatch = () =>
      conflict({ group, resource: ref.kind ?? '' }, ref.name ?? '', `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    switch (group === '' ? ref.kind : undefined) {
      case 'Pod': {
        pod = await registry.store('', 'pods').tryGet(ns, ref.name ?? '');
        if (!pod) throw notFound({ group: '', resource: 'pods' }, ref.name ?? '');
        if (ref.uid && ref.uid !== pod.metadata.uid) throw uidMismatch();
        const podSA = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? 'default';
        if (podSA !== name) throw badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
        bound.pod = { name: ref.name ?? '', uid: pod.metadata.uid ?? '' };
        const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
        if (nodeName) {
          const node = await registry.store('', 'nodes').tryGet('', nodeName);
          if (node) bound.node = { name: nodeName, uid: node.metadata.uid ?? '' };
        }
        break;
      }
      case 'Secret': {
        const secret = await registry.store('', 'secrets').tryGet(ns, ref.name ?? '');
        if (!secret) throw notFound({ group: '', resource: 'secrets' }, ref.name ?? '');
        if (ref.uid && ref.uid !== secret.metadata.uid) throw uidMismatch();
        bound.secret = { name: ref.name ?? '', uid: secret.metadata.uid ?? '' };
        break;
      }
      case 'Node': {
        const node = await registry.store('', 'nodes').tryGet('', ref.name ?? '');
        if (!node) throw notFound({ group: '', resource: 'nodes' }, ref.name ?? '');
        if (ref.uid && ref.uid !== node.metadata.uid) throw uidMismatch();
        bound.node = { name: ref.name ?? '', uid: node.metadata.uid ?? '' };
        break;
      }
      default:
        throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${ref.kind ?? ''}`);
    }
  }
  const audiences = spec.audiences?.length ? spec.audiences : issuer.apiAudiences;
  const now = Math.floor(registry.options.clock.now() / 1000);
  let lifetime = expirationSeconds;
  if (pod && expirationSeconds === warnOnlyBoundTokenExpirationSeconds && audiences.every((a) => issuer.apiAudiences.includes(a))) {
    bound.warnafter = now + expirationSeconds;
    lifetime = expirationExtensionSeconds;
  }
  const { token } = issuer.sign(audiences, bound, now, lifetime);
  const out: KubeObject = {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: ns, creationTimestamp: null },
    spec: ref ? { audiences, expirationSeconds, boundObjectRef: ref } : { audiences, expirationSeconds },
    status: { token, expirationTimestamp: rfc3339((now + expirationSeconds) * 1000) },
  };
  return out;
}
