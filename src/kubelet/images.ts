// Image pulls as the kubelet's image manager does them: by imagePullPolicy (Always, IfNotPresent,
// Never), with per-image back-off after a failure (ErrImagePull, then ImagePullBackOff), the
// pod's imagePullSecrets as registry credentials, and the events `kubectl describe` shows.

import type { KubeObject } from '../api/object.js';
import type { Clock } from '../machinery/clock.js';
import { Backoff, goDuration } from './backoff.js';
import type { Recorder } from './events.js';
import type { ContainerRuntime, ImageAuth } from './runtime/interface.js';
import { normalizeImage } from './runtime/simulated/pod-status.js';
import type { Container, Pod } from './types.js';
import { WaitingReason } from './status/generate.js';

export type EnsureImageResult = { ok: true; imageRef: string } | { ok: false; reason: string; message: string };

/** The registry host of an image reference (docker.io for Docker Hub names). */
export function registryOf(image: string): string {
  const n = normalizeImage(image);
  return n.slice(0, n.indexOf('/'));
}

function hostOfKey(key: string): string {
  let k = key.replace(/^https?:\/\//, '');
  k = k.split('/')[0];
  if (k === 'index.docker.io' || k === 'registry-1.docker.io') return 'docker.io';
  return k;
}

/** Credentials from dockerconfigjson / dockercfg secrets that match the image's registry, in order. */
export function credentialsFor(image: string, secrets: KubeObject[]): ImageAuth[] {
  const registry = registryOf(image);
  const out: ImageAuth[] = [];
  for (const s of secrets) {
    const data = (s.data ?? {}) as Record<string, string>;
    let auths: Record<string, { username?: string; password?: string; auth?: string; identitytoken?: string; registrytoken?: string }> = {};
    try {
      if (data['.dockerconfigjson']) auths = JSON.parse(Buffer.from(data['.dockerconfigjson'], 'base64').toString('utf8')).auths ?? {};
      else if (data['.dockercfg']) auths = JSON.parse(Buffer.from(data['.dockercfg'], 'base64').toString('utf8'));
    } catch {
      continue;
    }
    for (const [key, a] of Object.entries(auths)) {
      if (hostOfKey(key) !== registry) continue;
      let { username, password } = a;
      if ((!username || !password) && a.auth) {
        const decoded = Buffer.from(a.auth, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        if (i > 0) {
          username = decoded.slice(0, i);
          password = decoded.slice(i + 1);
        }
      }
      const auth: ImageAuth = { serverAddress: key };
      if (username) auth.username = username;
      if (password) auth.password = password;
      if (a.auth) auth.auth = a.auth;
      if (a.identitytoken) auth.identityToken = a.identitytoken;
      if (a.registrytoken) auth.registryToken = a.registrytoken;
      out.push(auth);
    }
  }
  return out;
}

/** The default policy when none is set: Always for :latest or untagged, else IfNotPresent. */
export function pullPolicyOf(c: Container): 'Always' | 'IfNotPresent' | 'Never' {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  return !last.includes(':') || last.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

const referencePattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

function validImage(image: string): boolean {
  // Registry hosts may carry upper case and dots; repositories may not.
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  const rest = first && (first.includes('.') || first.includes(':') || first === 'localhost') ? `${first.toLowerCase()}${image.slice(slash)}` : image;
  return referencePattern.test(rest);
}

export class ImageManager {
  readonly backoff: Backoff;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly clock: Clock,
    private readonly recorder: Recorder,
  ) {
    this.backoff = new Backoff(clock, 10_000, 300_000);
  }

  async ensureImageExists(pod: Pod, c: Container, pullSecrets: KubeObject[]): Promise<EnsureImageResult> {
    const image = c.image ?? '';
    if (!validImage(image)) {
      const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      this.recorder.container(pod, c, 'Warning', 'InspectFailed', message);
      return { ok: false, reason: WaitingReason.InvalidImageName, message };
    }
    let present: Awaited<ReturnType<ContainerRuntime['imageStatus']>>;
    try {
      present = await this.runtime.imageStatus(image);
    } catch (e) {
      const message = `Failed to inspect image "${image}": ${(e as Error).message}`;
      this.recorder.container(pod, c, 'Warning', 'InspectFailed', message);
      return { ok: false, reason: 'ImageInspectError', message };
    }
    const policy = pullPolicyOf(c);
    const shouldPull = policy === 'Always' || (policy === 'IfNotPresent' && !present);
    if (!shouldPull) {
      if (present) {
        this.recorder.container(pod, c, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return { ok: true, imageRef: present.id };
      }
      const message = `Container image "${image}" is not present with pull policy of Never`;
      this.recorder.container(pod, c, 'Warning', 'ErrImageNeverPull', message);
      return { ok: false, reason: WaitingReason.ErrImageNeverPull, message };
    }
    const key = `${pod.metadata.uid}_${image}`;
    const now = this.clock.now();
    if (this.backoff.isInBackOffSinceUpdate(key, now)) {
      this.recorder.container(pod, c, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
      const last = this.lastErrors.get(key);
      return { ok: false, reason: WaitingReason.ImagePullBackOff, message: `Back-off pulling image "${image}"${last ? `: ${last}` : ''}` };
    }
    this.recorder.container(pod, c, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = this.clock.now();
    const creds = credentialsFor(image, pullSecrets);
    let ref: string | undefined;
    let lastError: Error | undefined;
    for (const auth of creds.length ? creds : [undefined]) {
      try {
        ref = await this.runtime.pullImage(image, auth);
        break;
      } catch (e) {
        lastError = e as Error;
      }
    }
    if (ref === undefined) {
      const err = lastError?.message ?? 'unknown error';
      this.recorder.container(pod, c, 'Warning', 'Failed', `Failed to pull image "${image}": ${err}`);
      this.backoff.next(key, this.clock.now());
      this.lastErrors.set(key, `${WaitingReason.ErrImagePull}: ${err}`);
      return { ok: false, reason: WaitingReason.ErrImagePull, message: err };
    }
    const took = goDuration(this.clock.now() - started);
    const info = await this.runtime.imageStatus(image).catch(() => undefined);
    this.recorder.container(pod, c, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${info?.size ?? 0} bytes.`);
    this.backoff.reset(key);
    this.lastErrors.delete(key);
    return { ok: true, imageRef: info?.id ?? ref };
  }

  /** When the image's pull back-off ends, if it is backing off. */
  backoffEnds(pod: Pod, image: string): number | undefined {
    return this.backoff.expiresAt(`${pod.metadata.uid}_${image}`);
  }

  private readonly lastErrors = new Map<string, string>();

  forgetPod(uid: string): void {
    this.backoff.forgetPrefix(`${uid}_`);
    for (const k of [...this.lastErrors.keys()]) if (k.startsWith(`${uid}_`)) this.lastErrors.delete(k);
  }
}
