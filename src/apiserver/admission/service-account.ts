// ServiceAccount: every new pod runs as a service account ("default" unless it names one) that
// must exist, inherits its imagePullSecrets, and — unless the pod or the account opts out —
// gets the projected kube-api-access-XXXXX volume (a bound token, the cluster CA and the
// namespace) mounted at /var/run/secrets/kubernetes.io/serviceaccount in every container.

import type { KubeObject } from '../../api/object.js';
import { notFound } from '../../machinery/errors.js';
import { randomNameSuffix } from '../registry/store.js';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from './types.js';
import { admissionForbidden, asObject, plainError, asObjects, asString, ensureArray, isMainResource, type AdmissionPhase, type JsonObject } from './util.js';

export const defaultServiceAccountName = 'default';
export const serviceAccountVolumePrefix = 'kube-api-access-';
export const defaultAPITokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
export const enforceMountableSecretsAnnotation = 'kubernetes.io/enforce-mountable-secrets';
const mirrorPodAnnotation = 'kubernetes.io/config.mirror';
/** serviceaccount.WarnOnlyBoundTokenExpirationSeconds: an hour plus seven seconds. */
export const boundTokenExpirationSeconds = 3607;

export interface ServiceAccountAdmissionOptions {
  /** Pause between lookups of a missing "default" account (upstream: 100–200ms, ten tries). */
  retryDelayMs?: () => number;
  /** How to wait; a request in flight keeps the process alive, so a plain timer by default. */
  sleep?: (ms: number) => Promise<void>;
  /** The volume name suffix (tests pin it). */
  nameSuffix?: () => string;
}

/** TokenVolumeSource: the projected volume, already in its defaulted form. */
export function tokenVolumeSource(): JsonObject {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: boundTokenExpirationSeconds, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

function shouldAutomount(sa: KubeObject, spec: JsonObject): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (typeof sa.automountServiceAccountToken === 'boolean') return sa.automountServiceAccountToken;
  return true;
}

/** Mounts the token volume in every container without something at the token path already. */
export function mountServiceAccountToken(spec: JsonObject, suffix: () => string): void {
  const volumes = asObjects(spec.volumes);
  const existing = volumes.find((v) => asString(v.name).startsWith(serviceAccountVolumePrefix));
  const volumeName = existing ? asString(existing.name) : serviceAccountVolumePrefix + suffix();
  let needsVolume = false;
  for (const kind of ['initContainers', 'containers']) {
    for (const c of asObjects(spec[kind])) {
      if (asObjects(c.volumeMounts).some((m) => m.mountPath === defaultAPITokenMountPath)) continue;
      ensureArray(c, 'volumeMounts').push({ name: volumeName, readOnly: true, mountPath: defaultAPITokenMountPath });
      needsVolume = true;
    }
  }
  if (!existing && needsVolume) ensureArray(spec, 'volumes').push({ name: volumeName, projected: tokenVolumeSource() });
}

/** Why the account does not allow a secret the pod uses, when it enforces mountable secrets. */
export function secretReferenceViolation(sa: KubeObject, spec: JsonObject): string | undefined {
  const saName = sa.metadata.name ?? '';
  const mountable = new Set(asObjects(sa.secrets).map((s) => asString(s.name)));
  for (const v of asObjects(spec.volumes)) {
    const secret = v.secret;
    if (!secret) continue;
    const name = asString(asObject(secret).secretName);
    if (!mountable.has(name)) return `volume with secret.secretName="${name}" is not allowed because service account ${saName} does not reference that secret`;
  }
  for (const [kind, label] of [
    ['initContainers', 'init container'],
    ['containers', 'container'],
  ] as const) {
    for (const c of asObjects(spec[kind])) {
      for (const env of asObjects(c.env)) {
        const ref = asObject(asObject(env.valueFrom).secretKeyRef);
        if (env.valueFrom && asObject(env.valueFrom).secretKeyRef && !mountable.has(asString(ref.name))) {
          return `${label} ${asString(c.name)} with envVar ${asString(env.name)} referencing secret.secretName="${asString(ref.name)}" is not allowed because service account ${saName} does not reference that secret`;
        }
      }
      for (const from of asObjects(c.envFrom)) {
        if (!from.secretRef) continue;
        const name = asString(asObject(from.secretRef).name);
        if (!mountable.has(name)) {
          return `${label} ${asString(c.name)} with envFrom referencing secret.secretName="${name}" is not allowed because service account ${saName} does not reference that secret`;
        }
      }
    }
  }
  const pullSecrets = new Set(asObjects(sa.imagePullSecrets).map((s) => asString(s.name)));
  const refs = asObjects(spec.imagePullSecrets);
  for (let i = 0; i < refs.length; i++) {
    const name = asString(refs[i].name);
    if (!pullSecrets.has(name)) return `imagePullSecrets[${i}].name="${name}" is not allowed because service account ${saName} does not reference that imagePullSecret`;
  }
  return undefined;
}

/** limitEphemeralContainerSecretReferences: the same rule for containers added by `kubectl debug`. */
export function ephemeralSecretReferenceViolation(sa: KubeObject, spec: JsonObject): string | undefined {
  const saName = sa.metadata.name ?? '';
  const mountable = new Set(asObjects(sa.secrets).map((s) => asString(s.name)));
  for (const c of asObjects(spec.ephemeralContainers)) {
    for (const env of asObjects(c.env)) {
      const ref = asObject(env.valueFrom).secretKeyRef;
      if (ref && !mountable.has(asString(asObject(ref).name))) {
        return `ephemeral container ${asString(c.name)} with envVar ${asString(env.name)} referencing secret.secretName="${asString(asObject(ref).name)}" is not allowed because service account ${saName} does not reference that secret`;
      }
    }
    for (const from of asObjects(c.envFrom)) {
      if (from.secretRef && !mountable.has(asString(asObject(from.secretRef).name))) {
        return `ephemeral container ${asString(c.name)} with envFrom referencing secret.secretName="${asString(asObject(from.secretRef).name)}" is not allowed because service account ${saName} does not reference that secret`;
      }
    }
  }
  return undefined;
}

function enforcesMountableSecrets(sa: KubeObject): boolean {
  const v = sa.metadata.annotations?.[enforceMountableSecretsAnnotation];
  // strconv.ParseBool's true spellings.
  return v !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}

function isMirrorPod(pod: KubeObject): boolean {
  return pod.metadata.annotations?.[mirrorPodAnnotation] !== undefined;
}

/** Why a mirror pod (a kubelet's static pod) may not be admitted, if it may not. */
function mirrorPodViolation(spec: JsonObject): string | undefined {
  if (asString(spec.serviceAccountName) !== '') return 'a mirror pod may not reference service accounts';
  const usesSecret =
    asObjects(spec.imagePullSecrets).length > 0 ||
    asObjects(spec.volumes).some((v) => v.secret || asObjects(asObject(v.projected).sources).some((s) => s.secret)) ||
    ['initContainers', 'containers', 'ephemeralContainers'].some((kind) =>
      asObjects(spec[kind]).some((c) => asObjects(c.envFrom).some((f) => f.secretRef) || asObjects(c.env).some((e) => asObject(e.valueFrom).secretKeyRef)),
    );
  if (usesSecret) return 'a mirror pod may not reference secrets';
  if (asObjects(spec.volumes).some((v) => asObjects(asObject(v.projected).sources).some((s) => s.serviceAccountToken))) {
    return 'a mirror pod may not use ServiceAccountToken volume projections';
  }
  return undefined;
}

export function serviceAccountAdmission(options: ServiceAccountAdmissionOptions = {}): AdmissionPlugin {
  const retryDelay = options.retryDelayMs ?? (() => 100 + Math.floor(Math.random() * 100));
  const suffix = options.nameSuffix ?? (() => randomNameSuffix());

  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** getServiceAccount: the controller creates "default" soon after a namespace, so it is retried. */
  async function getServiceAccount(lookup: AdmissionLookup, namespace: string, name: string): Promise<KubeObject> {
    const attempts = name === defaultServiceAccountName ? 10 : 1;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(retryDelay());
      const sa = await lookup.get('', 'serviceaccounts', namespace, name);
      if (sa) return sa;
    }
    throw notFound({ group: '', resource: 'serviceaccount' }, name);
  }

  async function lookupOrRefuse(attrs: AdmissionAttributes, lookup: AdmissionLookup, name: string, phase: AdmissionPhase): Promise<KubeObject> {
    try {
      return await getServiceAccount(lookup, attrs.namespace, name);
    } catch (e) {
      throw admissionForbidden(attrs, `error looking up service account ${attrs.namespace}/${name}: ${(e as Error).message}`, phase);
    }
  }

  const applies = (attrs: AdmissionAttributes) => isMainResource(attrs, '', 'pods') && attrs.operation === 'CREATE' && !!attrs.object;

  async function validate(attrs: AdmissionAttributes, lookup: AdmissionLookup, phase: AdmissionPhase): Promise<void> {
    const pod = attrs.object!;
    const spec = asObject(pod.spec);
    if (isMirrorPod(pod)) {
      const why = mirrorPodViolation(spec);
      if (why) throw admissionForbidden(attrs, why, phase);
      return;
    }
    const saName = asString(spec.serviceAccountName);
    if (saName === '') throw admissionForbidden(attrs, `no service account specified for pod ${attrs.namespace}/${pod.metadata.name ?? ''}`, phase);
    const sa = await lookupOrRefuse(attrs, lookup, saName, phase);
    if (enforcesMountableSecrets(sa)) {
      const why = secretReferenceViolation(sa, spec);
      if (why) throw admissionForbidden(attrs, why, phase);
    }
  }

  return {
    name: 'ServiceAccount',
    async admit(attrs, lookup) {
      if (!applies(attrs)) return;
      const pod = attrs.object!;
      if (!pod.spec || typeof pod.spec !== 'object') pod.spec = {};
      const spec = pod.spec as JsonObject;
      if (isMirrorPod(pod)) return validate(attrs, lookup, 'admit');
      // v1's deprecated serviceAccount field names the account when serviceAccountName does not.
      if (asString(spec.serviceAccountName) === '') spec.serviceAccountName = asString(spec.serviceAccount) || defaultServiceAccountName;
      spec.serviceAccount = spec.serviceAccountName;
      const sa = await lookupOrRefuse(attrs, lookup, asString(spec.serviceAccountName), 'admit');
      if (shouldAutomount(sa, spec)) mountServiceAccountToken(spec, suffix);
      if (asObjects(spec.imagePullSecrets).length === 0) {
        const pull = asObjects(sa.imagePullSecrets).map((s) => ({ name: asString(s.name) }));
        if (pull.length) spec.imagePullSecrets = pull;
      }
      await validate(attrs, lookup, 'admit');
    },
    async validate(attrs, lookup) {
      const pods = attrs.resource.group === '' && attrs.resource.plural === 'pods';
      if (pods && attrs.operation === 'UPDATE' && attrs.subresource === 'ephemeralcontainers' && attrs.object) {
        const spec = asObject(attrs.object.spec);
        const saName = asString(spec.serviceAccountName);
        if (saName === '') throw admissionForbidden(attrs, `no service account specified for pod ${attrs.namespace}/${attrs.object.metadata.name ?? ''}`, 'validate');
        const sa = await lookupOrRefuse(attrs, lookup, saName, 'validate');
        const why = enforcesMountableSecrets(sa) ? ephemeralSecretReferenceViolation(sa, spec) : undefined;
        // Upstream returns this one unwrapped: it reaches the client as a plain 500.
        if (why) throw plainError(why);
        return;
      }
      if (!applies(attrs)) return;
      await validate(attrs, lookup, 'validate');
    },
  };
}
