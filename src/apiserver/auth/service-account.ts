// Service account tokens: the issuer that signs them (RS256 JWTs with the key pair kept in
// DATA_DIR/pki/sa.key and sa.pub, claims as Kubernetes' serviceaccount token generator writes
// them) and the authenticator that accepts them — signature, issuer, audience and expiry
// checked, then the service account, and the pod (or secret, or node) a bound token names, must
// still exist with the same UID. Legacy tokens (issuer kubernetes/serviceaccount, kept in
// Secrets of type kubernetes.io/service-account-token) hold while their Secret holds them.

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

/**
 * Loads `<dir>/sa.key` (PEM, RSA 2048), creating it on first use, and keeps `<dir>/sa.pub`
 * (PKIX PEM) beside it, as kubeadm names the service account key pair.
 */
export function loadOrCreateServiceAccountKey(pkiDir: string): KeyObject {
  const path = join(pkiDir, 'sa.key');
  let privateKey: KeyObject;
  if (existsSync(path)) {
    privateKey = createPrivateKey(readFileSync(path, 'utf8'));
  } else {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    writeFileSync(path, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  }
  const pubPath = join(pkiDir, 'sa.pub');
  if (!existsSync(pubPath)) writeFileSync(pubPath, createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
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
    return { token: this.signed(claims), claims };
  }

  /** Signs a legacy (Secret-stored, never expiring) token, as the tokens controller did before 1.24. */
  signLegacy(claims: Omit<LegacyTokenClaims, 'iss' | 'sub'>): string {
    const full: LegacyTokenClaims = {
      iss: legacyIssuer,
      ...claims,
      sub: `system:serviceaccount:${claims[legacyClaim.namespace]}:${claims[legacyClaim.serviceAccountName]}`,
    };
    return this.signed(full);
  }

  private signed(claims: object): string {
    const header = b64url(JSON.stringify({ alg: 'RS256', kid: this.keyID }));
    const payload = b64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), this.privateKey);
    return `${header}.${payload}.${b64url(signature)}`;
  }

  /**
   * The claims of a token this issuer signed (bound or legacy), or undefined when the form,
   * the algorithm, the signature or the issuer is not this issuer's: such a token is not ours
   * to judge, and other authenticators may still take it.
   */
  verify(token: string): TokenClaims | LegacyTokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string };
      if (header.alg !== 'RS256') return undefined;
      if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'))) return undefined;
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims | LegacyTokenClaims;
      if (claims.iss !== this.issuer && claims.iss !== legacyIssuer) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }
}

/** The issuer of legacy Secret-based tokens. */
export const legacyIssuer = 'kubernetes/serviceaccount';
export const legacyClaim = {
  namespace: 'kubernetes.io/serviceaccount/namespace',
  secretName: 'kubernetes.io/serviceaccount/secret.name',
  serviceAccountName: 'kubernetes.io/serviceaccount/service-account.name',
  serviceAccountUID: 'kubernetes.io/serviceaccount/service-account.uid',
} as const;

export interface LegacyTokenClaims {
  iss: typeof legacyIssuer;
  sub: string;
  [legacyClaim.namespace]: string;
  [legacyClaim.secretName]: string;
  [legacyClaim.serviceAccountName]: string;
  [legacyClaim.serviceAccountUID]: string;
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

/**
 * What an authenticator makes of a token: a user and the audiences the token is good for, or
 * an error saying why a token that was ours is refused (none when the token is not ours).
 */
export type TokenAuthentication = { user: UserInfo; audiences: string[]; error?: undefined } | { user?: undefined; audiences?: undefined; error?: string };

/** The leeway go-jose gives exp, nbf and iat, and Kubernetes gives deletions of bound objects. */
const leewaySeconds = 60;

/** The secret's `token` key, decoded. */
function secretToken(secret: KubeObject): string | undefined {
  const data = (secret as { data?: Record<string, string> }).data;
  return data?.token === undefined ? undefined : Buffer.from(data.token, 'base64').toString('utf8');
}

/**
 * Authenticates the service account tokens this cluster issued: bound tokens (TokenRequest)
 * and legacy tokens stored in Secrets of type kubernetes.io/service-account-token.
 */
export class ServiceAccountTokenAuthenticator implements Authenticator {
  constructor(private readonly o: ServiceAccountAuthenticatorOptions) {}

  /** The audiences the API server itself answers to. */
  get apiAudiences(): string[] {
    return this.o.audiences ?? this.o.issuer.apiAudiences;
  }

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m || m[1].split('.').length !== 3) return undefined;
    return this.authenticateToken(m[1]);
  }

  async authenticateToken(token: string, audiences?: string[]): Promise<UserInfo | undefined> {
    return (await this.review(token, audiences)).user;
  }

  /** Judges a token for the given audiences (default the API server's), as a TokenReview does. */
  async review(token: string, audiences: string[] = this.apiAudiences): Promise<TokenAuthentication> {
    const claims = this.o.issuer.verify(token);
    if (!claims) return {};
    const now = Math.floor((this.o.now ?? Date.now)() / 1000);
    if (claims.iss === legacyIssuer) return this.reviewLegacy(token, claims as LegacyTokenClaims, audiences);
    const c = claims as TokenClaims;
    if (typeof c.exp === 'number' && now > c.exp + leewaySeconds) return { error: 'Token has expired.' };
    if ((typeof c.nbf === 'number' && now < c.nbf - leewaySeconds) || (typeof c.iat === 'number' && now < c.iat - leewaySeconds)) {
      return { error: 'Token could not be validated.' };
    }
    const tokenAudiences = Array.isArray(c.aud) ? c.aud : typeof c.aud === 'string' ? [c.aud] : [];
    const matched = tokenAudiences.filter((a) => audiences.includes(a));
    if (!matched.length) return { error: `token audiences ${goQuote(tokenAudiences)} is invalid for the target audiences ${goQuote(audiences)}` };
    const k = c['kubernetes.io'];
    if (!k?.serviceaccount) return { error: 'Token could not be validated.' };
    const refused = await this.boundObjectsGone(k, now);
    if (refused) return { error: refused };
    const extra: Record<string, string[]> = {};
    if (c.jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${c.jti}`];
    if (k.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [k.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid];
    }
    if (k.node) {
      extra['authentication.kubernetes.io/node-name'] = [k.node.name];
      extra['authentication.kubernetes.io/node-uid'] = [k.node.uid];
    }
    return { user: serviceAccountUser(k.namespace, k.serviceaccount.name, k.serviceaccount.uid, extra), audiences: matched };
  }

  /** Why a bound token no longer holds (its account or bound object is gone or another), or undefined. */
  private async boundObjectsGone(k: BoundClaims, now: number): Promise<string | undefined> {
    // Objects deleted more than the leeway ago no longer vouch for the token.
    const deleted = (o: KubeObject) => !!o.metadata.deletionTimestamp && Date.parse(o.metadata.deletionTimestamp) / 1000 < now - leewaySeconds;
    const sa = await this.o.lookup('serviceaccounts', k.namespace, k.serviceaccount.name);
    if (!sa) return `serviceaccounts "${k.serviceaccount.name}" not found`;
    if (deleted(sa)) return `ServiceAccount ${k.namespace}/${k.serviceaccount.name} has been deleted`;
    if (sa.metadata.uid !== k.serviceaccount.uid) return `ServiceAccount UID (${sa.metadata.uid}) does not match claim (${k.serviceaccount.uid})`;
    if (k.secret) {
      const secret = await this.o.lookup('secrets', k.namespace, k.secret.name);
      if (!secret || deleted(secret)) return 'Token has been invalidated';
      if (secret.metadata.uid !== k.secret.uid) return `Secret UID (${secret.metadata.uid}) does not match claim (${k.secret.uid})`;
    }
    if (k.pod) {
      const pod = await this.o.lookup('pods', k.namespace, k.pod.name);
      if (!pod || deleted(pod)) return 'Token has been invalidated';
      if (pod.metadata.uid !== k.pod.uid) return `Pod UID (${pod.metadata.uid}) does not match claim (${k.pod.uid})`;
    }
    // A token bound to a node (not through a pod) dies with the node.
    if (k.node && !k.pod) {
      const node = await this.o.lookup('nodes', '', k.node.name);
      if (!node || deleted(node)) return 'Token has been invalidated';
      if (node.metadata.uid !== k.node.uid) return `Node UID (${node.metadata.uid}) does not match claim (${k.node.uid})`;
    }
    return undefined;
  }

  /**
   * Legacy tokens carry no audience and never expire: they hold while their Secret holds this
   * very token and the account keeps its UID. Like every audience-agnostic authenticator they
   * answer only for the API server's own audiences.
   */
  private async reviewLegacy(token: string, c: LegacyTokenClaims, audiences: string[]): Promise<TokenAuthentication> {
    const matched = this.apiAudiences.filter((a) => audiences.includes(a));
    if (!matched.length) return { error: `token audiences ${goQuote(this.apiAudiences)} is invalid for the target audiences ${goQuote(audiences)}` };
    const ns = c[legacyClaim.namespace];
    const saName = c[legacyClaim.serviceAccountName];
    const saUID = c[legacyClaim.serviceAccountUID];
    const secretName = c[legacyClaim.secretName];
    if (!ns || !saName || !secretName) return { error: 'Token could not be validated.' };
    const secret = await this.o.lookup('secrets', ns, secretName);
    if (!secret || secret.metadata.deletionTimestamp) return { error: 'Token has been invalidated' };
    if (secretToken(secret) !== token) return { error: "Token does not match server's copy" };
    const sa = await this.o.lookup('serviceaccounts', ns, saName);
    if (!sa || sa.metadata.deletionTimestamp) return { error: `ServiceAccount ${ns}/${saName} has been deleted` };
    if (saUID && sa.metadata.uid !== saUID) return { error: `ServiceAccount UID (${sa.metadata.uid}) does not match claim (${saUID})` };
    return { user: serviceAccountUser(ns, saName, sa.metadata.uid ?? '', {}), audiences: matched };
  }
}

function serviceAccountUser(namespace: string, name: string, uid: string, extra: Record<string, string[]>): UserInfo {
  const user: UserInfo = {
    name: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
  if (Object.keys(extra).length) user.extra = extra;
  return user;
}

/** A string slice as Go's %q prints it: ["a" "b"]. */
function goQuote(values: string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}
