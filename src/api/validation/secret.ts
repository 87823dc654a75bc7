// Secret validation: keys, the 1 MiB limit, the keys each well-known type requires, and the
// update rules (type never changes; an immutable Secret keeps its data).

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { decodedLength, maxConfigSize, sameMap } from './configmap.js';
import { isConfigMapKey } from './formats.js';
import { fieldImmutableErrorMsg } from './meta.js';
import { byteLength, key, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

export const SecretType = {
  Opaque: 'Opaque',
  ServiceAccountToken: 'kubernetes.io/service-account-token',
  Dockercfg: 'kubernetes.io/dockercfg',
  DockerConfigJSON: 'kubernetes.io/dockerconfigjson',
  BasicAuth: 'kubernetes.io/basic-auth',
  SSHAuth: 'kubernetes.io/ssh-auth',
  TLS: 'kubernetes.io/tls',
  BootstrapToken: 'bootstrap.kubernetes.io/token',
} as const;

function decodeBase64(v: string): string {
  return Buffer.from(v, 'base64').toString('utf8');
}

/** What Go's json.Unmarshal into a map says about bad input (the common cases). */
function jsonObjectError(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 'unexpected end of JSON input';
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    const first = trimmed[0];
    if (!'{["-0123456789tfn'.includes(first)) return `invalid character '${first}' looking for beginning of value`;
    for (const literal of ['true', 'false', 'null']) {
      if (first !== literal[0]) continue;
      for (let i = 1; i < literal.length; i++) {
        if (i >= trimmed.length) return 'unexpected end of JSON input';
        if (trimmed[i] !== literal[i]) return `invalid character '${trimmed[i]}' in literal ${literal} (expecting '${literal[i]}')`;
      }
    }
    return 'unexpected end of JSON input';
  }
  if (parsed === null) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = Array.isArray(parsed) ? 'array' : typeof parsed === 'string' ? 'string' : typeof parsed === 'number' ? 'number' : 'bool';
    return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
  }
  return undefined;
}

/** The data the Secret ends up with: stringData (plain text) overrides data (base64). */
function effectiveData(secret: KubeObject): Map<string, { bytes: number; text: () => string }> {
  const out = new Map<string, { bytes: number; text: () => string }>();
  for (const [k, v] of Object.entries(obj(secret.data))) out.set(k, { bytes: decodedLength(str(v)), text: () => decodeBase64(str(v)) });
  for (const [k, v] of Object.entries(obj(secret.stringData))) out.set(k, { bytes: byteLength(str(v)), text: () => str(v) });
  return out;
}

export function validateSecret(secret: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = effectiveData(secret);
  let total = 0;
  for (const [k, v] of data) {
    errs.push(...isConfigMapKey(k).map((m) => field.invalid(key('data', k), k, m)));
    total += v.bytes;
  }
  if (total > maxConfigSize) errs.push(field.tooLong('data', '', maxConfigSize));
  switch (str(secret.type)) {
    case SecretType.ServiceAccountToken: {
      const name = str(obj(secret.metadata?.annotations)['kubernetes.io/service-account.name']);
      if (name === '') errs.push(field.required(key('metadata.annotations', 'kubernetes.io/service-account.name'), ''));
      break;
    }
    case SecretType.Dockercfg:
    case SecretType.DockerConfigJSON: {
      const k = secret.type === SecretType.Dockercfg ? '.dockercfg' : '.dockerconfigjson';
      const v = data.get(k);
      if (!v) {
        errs.push(field.required(key('data', k), ''));
        break;
      }
      const problem = jsonObjectError(v.text());
      if (problem) errs.push(field.invalid(key('data', k), '<secret contents redacted>', problem));
      break;
    }
    case SecretType.BasicAuth:
      if (!data.has('username') && !data.has('password')) {
        errs.push(field.required(key('data', 'username'), ''));
        errs.push(field.required(key('data', 'password'), ''));
      }
      break;
    case SecretType.SSHAuth:
      if ((data.get('ssh-privatekey')?.bytes ?? 0) === 0) errs.push(field.required(key('data', 'ssh-privatekey'), ''));
      break;
    case SecretType.TLS:
      if (!data.has('tls.crt')) errs.push(field.required(key('data', 'tls.crt'), ''));
      if (!data.has('tls.key')) errs.push(field.required(key('data', 'tls.key'), ''));
      break;
  }
  return errs;
}

export function validateSecretUpdate(secret: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (str(secret.type) !== str(old.type)) errs.push(field.invalid('type', str(secret.type), fieldImmutableErrorMsg));
  if (old.immutable === true) {
    if (secret.immutable !== true) errs.push(field.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!sameMap(secret.data, old.data)) errs.push(field.forbidden('data', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export const secretValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
};
