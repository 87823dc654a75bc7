import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { ServiceAccountTokenAuthenticator, ServiceAccountTokenIssuer, type ObjectLookup } from './service-account.js';

describe('service account tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sa-key-'));
  const issuer = ServiceAccountTokenIssuer.fromDataDir(dir);
  const objects = new Map<string, KubeObject>([
    ['serviceaccounts/default/default', { metadata: { name: 'default', namespace: 'default', uid: 'sa-uid' } }],
    ['pods/default/web', { metadata: { name: 'web', namespace: 'default', uid: 'pod-uid' } }],
  ]);
  const lookup: ObjectLookup = async (r, ns, name) => objects.get(`${r}/${ns}/${name}`);
  const now = Date.parse('2026-01-01T00:00:00Z');
  const auth = new ServiceAccountTokenAuthenticator({ issuer, lookup, now: () => now });
  const bound = { namespace: 'default', serviceaccount: { name: 'default', uid: 'sa-uid' }, pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' } };

  it('keeps the signing key in the data directory, private', () => {
    assert.equal(statSync(join(dir, 'pki', 'sa.key')).mode & 0o777, 0o600);
    const again = ServiceAccountTokenIssuer.fromDataDir(dir);
    assert.equal(again.keyID, issuer.keyID);
  });

  it('signs RS256 JWTs with the upstream claims and authenticates them', async () => {
    const { token, claims } = issuer.sign(issuer.apiAudiences, bound, now / 1000, 3600);
    const [h] = token.split('.');
    assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'RS256', kid: issuer.keyID });
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
    const user = await auth.authenticateToken(token);
    assert.deepEqual(user, {
      name: 'system:serviceaccount:default:default',
      uid: 'sa-uid',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`],
        'authentication.kubernetes.io/pod-name': ['web'],
        'authentication.kubernetes.io/pod-uid': ['pod-uid'],
        'authentication.kubernetes.io/node-name': ['n1'],
        'authentication.kubernetes.io/node-uid': ['node-uid'],
      },
    });
  });

  it('refuses expired, tampered, foreign-audience and unbound tokens', async () => {
    const expired = issuer.sign(issuer.apiAudiences, bound, now / 1000 - 7200, 3600).token;
    assert.equal(await auth.authenticateToken(expired), undefined);
    const good = issuer.sign(issuer.apiAudiences, bound, now / 1000, 3600).token;
    const [h, p, s] = good.split('.');
    const forged = JSON.parse(Buffer.from(p, 'base64url').toString());
    forged.sub = 'system:serviceaccount:kube-system:admin';
    assert.equal(await auth.authenticateToken(`${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`), undefined);
    assert.equal(await auth.authenticateToken(issuer.sign(['vault'], bound, now / 1000, 3600).token), undefined);
    const gonePod = issuer.sign(issuer.apiAudiences, { ...bound, pod: { name: 'web', uid: 'other-uid' } }, now / 1000, 3600).token;
    assert.equal(await auth.authenticateToken(gonePod), undefined, 'a pod re-created under the name is another pod');
  });

  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
