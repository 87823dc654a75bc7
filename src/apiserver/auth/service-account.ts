// Service account tokens: the issuer that signs bound tokens (RS256 JWTs with a key kept in the
// data directory, claims as Kubernetes' serviceaccount token generator writes them) and the
// authenticator that accepts them — signature, issuer, audience and expiry checked, then the
// service account, and the pod (or secret, or node) the token is bound to, must still exist
// with the same UID.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import type { Authenticator, UserInfo } from './types.js';
import type { Registry } from '../registry/registry.js';

export const defaultIssuer = 'https://kubernetes.default.svc.cluster.local';
export const defaultAPIAudiences = ['https://kubernetes.default.svc.cluster.local'];
/** A token the kubelet asks for with this lifetime is extended to a year, warning after the asked time. */
export const warnOnlyBoundTokenExpirationSeconds = 3607;
export const expirationExtensionSeconds = 365 * 24 * 3600;

export interface BoundClaims {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  secret?: { name: string; uid: string };
  node?: { name: string; uid: string };
  warnafter?: number;
}

export interface TokenClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  nbf: number;
  sub: string;
  'kubernetes.io': BoundClaims;
}

function b64url(buf: Buffer | string): string {
  return Buffer.from(buf).toString('base64url');
}

/** Loads `<dir>/sa.key` (PEM, RSA 2048), creating it on first use. */
export function loadOrCreateServiceAccountKey(pkiDir: string): KeyObject {
  const path = join(pkiDir, 'sa.key');
  if (existsSync(path)) return createPrivateKey(readFileSync(path, 'utf8'));
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(path, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  return privateKey;
}

export class ServiceAccountTokenIssuer {
  readonly publicKey: KeyObject;
  readonly keyID: string;

  constructor(
    private readonly privateKey: KeyObject,
    readonly issuer = defaultIssuer,
    readonly apiAudiences = defaultAPIAudiences,
  ) {
    this.publicKey = createPublicKey(privateKey);
    this.keyID = b64url(createHash('sha256').update(this.publicKey.export({ type: 'spki', format: 'der' })).digest());
  }

  static fromDataDir(dataDir: string): ServiceAccountTokenIssuer {
    return new ServiceAccountTokenIssuer(loadOrCreateServiceAccountKey(join(dataDir, 'pki')));
  }

  /** Signs a bound token for the claims, valid from nowSeconds for lifetimeSeconds. */
  sign(audiences: string[], bound: BoundClaims, nowSeconds: number, lifetimeSeconds: number): { token: string; claims: TokenClaims } {
    const claims: TokenClaims = {
      aud: audiences,
      exp: nowSeconds + lifetimeSeconds,
      iat: nowSeconds,
      iss: this.issuer,
      jti: randomUUID(),
      'kubernetes.io': bound,
      nbf: nowSeconds,
      sub: `system:serviceaccount:${bound.namespace}:${bound.serviceaccount.name}`,
    };
    const header = b64url(JSON.stringify({ alg: 'RS256', kid: this.keyID }));
    const payload = b64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), this.privateKey);
    return { token: `${header}.${payload}.${b64url(signature)}`, claims };
  }

  /** The claims of a token this issuer signed, or undefined when the signature or form is wrong. */
  verify(token: string): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string };
      if (header.alg !== 'RS256') return undefined;
      if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'))) return undefined;
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims;
      if (claims.iss !== this.issuer) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }
}

export type ObjectLookup = (resource: 'serviceaccounts' | 'pods' | 'secrets' | 'nodes', namespace: string, name: string) => Promise<KubeObject | undefined>;

export function registryLookup(registry: Registry): ObjectLookup {
  return (resource, namespace, name) => registry.store('', resource).tryGet(resource === 'nodes' ? '' : namespace, name);
}

export interface ServiceAccountAuthenticatorOptions {
  issuer: ServiceAccountTokenIssuer;
  lookup: ObjectLookup;
  /** Audiences the API server accepts (default its own). */
  audiences?: string[];
  now?: () => number;
}

/** Authenticates bound service account tokens (Bearer JWTs) this cluster issued. */
export class ServiceAccountTokenAuthenticator implements Authenticator {
  constructor(private readonly o: ServiceAccountAuthenticatorOptions) {}

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m || m[1].split('.').length !== 3) return undefined;
    return this.authenticateToken(m[1]);
  }

  async authenticateToken(token: string): Promise<UserInfo | undefined> {
    const claims = this.o.issuer.verify(token);
    if (!claims) return undefined;
    const now = Math.floor((this.o.now ?? Date.now)() / 1000);
    const leeway = 60;
    if (claims.exp + leeway < now || claims.nbf - leeway > now) return undefined;
    const accepted = this.o.audiences ?? this.o.issuer.apiAudiences;
    if (!claims.aud?.some((a) => accepted.includes(a))) return undefined;
    const k = claims['kubernetes.io'];
    if (!k?.serviceaccount) return undefined;
    const sa = await this.o.lookup('serviceaccounts', k.namespace, k.serviceaccount.name);
    if (!sa || sa.metadata.uid !== k.serviceaccount.uid || sa.metadata.deletionTimestamp) return undefined;
    if (k.pod) {
      const pod = await this.o.lookup('pods', k.namespace, k.pod.name);
      if (!pod || pod.metadata.uid !== k.pod.uid || pod.metadata.deletionTimestamp) return undefined;
    }
    if (k.secret) {
      const secret = await this.o.lookup('secrets', k.namespace, k.secret.name);
      if (!secret || secret.metadata.uid !== k.secret.uid || secret.metadata.deletionTimestamp) return undefined;
    }
    const extra: Record<string, string[]> = { 'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`] };
    if (k.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [k.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid];
    }
    if (k.node) {
      extra['authentication.kubernetes.io/node-name'] = [k.node.name];
      extra['authentication.kubernetes.io/node-uid'] = [k.node.uid];
    }
    return {
      name: `system:serviceaccount:${k.namespace}:${k.serviceaccount.name}`,
      uid: k.serviceaccount.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${k.namespace}`, 'system:authenticated'],
      extra,
    };
  }
}
