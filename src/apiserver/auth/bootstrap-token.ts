// Node join tokens. A join token is a Kubernetes bootstrap token — `abcdef.0123456789abcdef`,
// stored as the Secret kube-system/bootstrap-token-abcdef of type
// bootstrap.kubernetes.io/token, as kubeadm makes them — and authenticates as upstream's do:
// `system:bootstrap:abcdef` in `system:bootstrappers` (plus its auth-extra-groups).
//
// A node agent does not send the join token itself: it derives a credential bound to its node
// name, `kubelite-node:<node>:<token id>:<HMAC-SHA256(token secret, node)>`, which
// authenticates as `system:node:<node>` in `system:nodes` — the identity a kubelet gets from
// TLS bootstrapping upstream. Like an auto-approved node CSR, any holder of the join token may
// become any node; deleting the Secret (or its expiry) revokes every credential made from it.

import { createHash, createHmac, randomInt, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../api/object.js';
import type { Client } from '../../client/interface.js';
import { R } from '../../client/resources.js';
import type { Authenticator, UserInfo } from './types.js';

export const bootstrapTokenSecretType = 'bootstrap.kubernetes.io/token';
export const bootstrapTokenNamespace = 'kube-system';
/** The extra group kubelite's join tokens carry (kubeadm's is system:bootstrappers:kubeadm:default-node-token). */
export const nodeJoinGroup = 'system:bootstrappers:kubelite:default-node-token';
const joinDescription = 'kubelite node join token';

const tokenRe = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const nodeCredentialRe = /^kubelite-node:([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?):([a-z0-9]{6}):([A-Za-z0-9_-]{43})$/;

export function parseBootstrapToken(token: string): { id: string; secret: string } | undefined {
  const m = tokenRe.exec(token);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

/** A fresh token, `[a-z0-9]{6}.[a-z0-9]{16}`. */
export function generateBootstrapToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');
  return `${pick(6)}.${pick(16)}`;
}

/** The Secret that stores a bootstrap token. */
export function bootstrapTokenSecret(token: string, opts: { description?: string; expiresAt?: Date; extraGroups?: string[] } = {}): KubeObject {
  const t = parseBootstrapToken(token);
  if (!t) throw new Error('a bootstrap token has the form [a-z0-9]{6}.[a-z0-9]{16}');
  const data: Record<string, string> = {
    'token-id': t.id,
    'token-secret': t.secret,
    'usage-bootstrap-authentication': 'true',
    'usage-bootstrap-signing': 'true',
    'auth-extra-groups': (opts.extraGroups ?? [nodeJoinGroup]).join(','),
    description: opts.description ?? joinDescription,
  };
  if (opts.expiresAt) data.expiration = opts.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `bootstrap-token-${t.id}`, namespace: bootstrapTokenNamespace },
    type: bootstrapTokenSecretType,
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  } as KubeObject;
}

function secretData(secret: KubeObject): Record<string, string> {
  const data = ((secret as { data?: Record<string, string> }).data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/**
 * The join token `kubelite up` prints: an unexpired kubelite join token already stored, or a
 * new one (no expiry unless ttlMs is given).
 */
export async function ensureNodeJoinToken(client: Client, opts: { ttlMs?: number; now?: number } = {}): Promise<string> {
  const now = opts.now ?? Date.now();
  const list = await client.list(R.secrets, bootstrapTokenNamespace, { fieldSelector: `type=${bootstrapTokenSecretType}` }).catch(() => ({ items: [] as KubeObject[] }));
  for (const s of list.items) {
    const d = secretData(s);
    if (d.description !== joinDescription || !d['token-id'] || !d['token-secret']) continue;
    if (d.expiration && Date.parse(d.expiration) <= now + 60_000) continue;
    return `${d['token-id']}.${d['token-secret']}`;
  }
  const token = generateBootstrapToken();
  await client.create(R.secrets, bootstrapTokenNamespace, bootstrapTokenSecret(token, { expiresAt: opts.ttlMs ? new Date(now + opts.ttlMs) : undefined }));
  return token;
}

function mac(secret: string, nodeName: string): string {
  return createHmac('sha256', secret).update(`node:${nodeName}`).digest('base64url');
}

/** The credential a node agent presents, derived from the join token and its node name. */
export function nodeCredential(joinToken: string, nodeName: string): string {
  const t = parseBootstrapToken(joinToken);
  if (!t) throw new Error('the join token must have the form [a-z0-9]{6}.[a-z0-9]{16}');
  return `kubelite-node:${nodeName}:${t.id}:${mac(t.secret, nodeName)}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Reads a Secret (undefined when there is none). */
export type SecretLookup = (namespace: string, name: string) => Promise<KubeObject | undefined>;

export class BootstrapTokenAuthenticator implements Authenticator {
  constructor(
    private readonly lookup: SecretLookup,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token's Secret data when the Secret is a valid, unexpired bootstrap token for authentication. */
  private async validSecret(id: string): Promise<Record<string, string> | undefined> {
    const secret = await this.lookup(bootstrapTokenNamespace, `bootstrap-token-${id}`).catch(() => undefined);
    if (!secret || (secret as { type?: string }).type !== bootstrapTokenSecretType) return undefined;
    if (secret.metadata.deletionTimestamp) return undefined;
    const d = secretData(secret);
    if (d['token-id'] !== id || !d['token-secret']) return undefined;
    if (d['usage-bootstrap-authentication'] !== 'true') return undefined;
    if (d.expiration) {
      const exp = Date.parse(d.expiration);
      if (Number.isNaN(exp) || exp <= this.now()) return undefined;
    }
    return d;
  }

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) return undefined;
    const token = m[1];
    const plain = parseBootstrapToken(token);
    if (plain) {
      const d = await this.validSecret(plain.id);
      if (!d || !safeEqual(d['token-secret'], plain.secret)) return undefined;
      const extra = (d['auth-extra-groups'] ?? '')
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g.startsWith('system:bootstrappers:'));
      return { name: `system:bootstrap:${plain.id}`, groups: ['system:bootstrappers', ...extra, 'system:authenticated'] };
    }
    const node = nodeCredentialRe.exec(token);
    if (node) {
      const [, nodeName, , id, given] = node;
      const d = await this.validSecret(id);
      if (!d || !safeEqual(mac(d['token-secret'], nodeName), given)) return undefined;
      return { name: `system:node:${nodeName}`, groups: ['system:nodes', 'system:authenticated'] };
    }
    return undefined;
  }
}

/** kubeadm's CA pin: `sha256:` and the hex SHA-256 of the CA's SubjectPublicKeyInfo. */
export function caCertHash(caPem: string): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** The command `kubelite up` prints for joining another node. */
export function joinCommand(opts: { server: string; token: string; caPem: string }): string {
  return `kubelite agent --server ${opts.server} --token ${opts.token} --ca-cert-hash ${caCertHash(opts.caPem)}`;
}
