import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { ServiceAccountTokenAuthenticator, ServiceAccountTokenIssuer, legacyClaim, type ObjectLookup } from './service-account.js';

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
    assert.match(readFileSync(join(dir, 'pki', 'sa.pub'), 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
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

  it('says why a token that is ours is refused, as a TokenReview reports it', async () => {
    const expired = issuer.sign(issuer.apiAudiences, bound, now / 1000 - 7200, 3600).token;
    assert.deepEqual(await auth.review(expired), { error: 'Token has expired.' });
    // Within go-jose's minute of leeway an expired token still holds.
    assert.ok((await auth.review(issuer.sign(issuer.apiAudiences, bound, now / 1000 - 3630, 3600).token)).user);
    const vault = issuer.sign(['vault'], bound, now / 1000, 3600).token;
    assert.deepEqual(await auth.review(vault), { error: 'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]' });
    assert.deepEqual((await auth.review(vault, ['vault', 'other'])).audiences, ['vault']);
    const ghost = issuer.sign(issuer.apiAudiences, { ...bound, pod: { name: 'ghost', uid: 'x' } }, now / 1000, 3600).token;
    assert.deepEqual(await auth.review(ghost), { error: 'Token has been invalidated' });
    const recreated = issuer.sign(issuer.apiAudiences, { ...bound, serviceaccount: { name: 'default', uid: 'old-uid' } }, now / 1000, 3600).token;
    assert.deepEqual(await auth.review(recreated), { error: 'ServiceAccount UID (sa-uid) does not match claim (old-uid)' });
    // Another cluster's token (another key) is not ours to judge: no error, other authenticators may take it.
    const stranger = new ServiceAccountTokenIssuer(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    assert.deepEqual(await auth.review(stranger.sign(stranger.apiAudiences, bound, now / 1000, 3600).token), {});
  });

  it('legacy Secret-based tokens hold while their Secret holds them', async () => {
    const legacy = issuer.signLegacy({
      [legacyClaim.namespace]: 'default',
      [legacyClaim.secretName]: 'robot-token',
      [legacyClaim.serviceAccountName]: 'default',
      [legacyClaim.serviceAccountUID]: 'sa-uid',
    });
    const claims = JSON.parse(Buffer.from(legacy.split('.')[1], 'base64url').toString());
    assert.equal(claims.iss, 'kubernetes/serviceaccount');
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    assert.equal(claims.exp, undefined, 'legacy tokens never expire');
    assert.deepEqual(await auth.review(legacy), { error: 'Token has been invalidated' });
    const secret = (token: string): KubeObject => ({ metadata: { name: 'robot-token', namespace: 'default', uid: 's-uid' }, data: { token: Buffer.from(token).toString('base64') } }) as KubeObject;
    objects.set('secrets/default/robot-token', secret('another token'));
    assert.deepEqual(await auth.review(legacy), { error: "Token does not match server's copy" });
    objects.set('secrets/default/robot-token', secret(legacy));
    const r = await auth.review(legacy);
    assert.equal(r.user?.name, 'system:serviceaccount:default:default');
    assert.deepEqual(r.audiences, ['https://kubernetes.default.svc.cluster.local']);
    assert.match((await auth.review(legacy, ['vault'])).error ?? '', /is invalid for the target audiences \["vault"\]/);
    objects.delete('secrets/default/robot-token');
  });

  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
