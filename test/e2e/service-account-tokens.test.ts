// Service account tokens as a user meets them: `kubectl create token` (TokenRequest), the token
// as a credential (`kubectl --token … auth whoami`), bound tokens dying with their pod, and
// TokenReview through `kubectl create -f`.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, startKubelite, type RunningCluster } from './harness.js';

function claimsOf(jwt: string): Record<string, unknown> {
  const parts = jwt.trim().split('.');
  assert.equal(parts.length, 3, `a JWT has three parts: ${jwt}`);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('service account tokens', () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite({ args: ['--runtime', 'simulated', '--nodes', '1', '--service-cidr', '198.18.112.0/24'] });
    // The service account controller makes `default` in every namespace.
    await eventually(() => c.kubectl('get serviceaccount default').code === 0, 15_000, 'the default service account');
  });
  after(async () => {
    await c?.stop();
  });

  it('keeps the signing key pair in the data directory as kubeadm names it', () => {
    assert.match(readFileSync(join(c.dataDir, 'pki', 'sa.key'), 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.match(readFileSync(join(c.dataDir, 'pki', 'sa.pub'), 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
  });

  it('kubectl create token prints a JWT that authenticates as the service account', () => {
    const token = c.k('create token default').trim();
    const claims = claimsOf(token);
    assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    assert.deepEqual(claims.aud, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal((claims.exp as number) - (claims.iat as number), 3600);
    const sa = JSON.parse(c.k('get serviceaccount default -o json'));
    assert.deepEqual((claims['kubernetes.io'] as Record<string, unknown>).serviceaccount, { name: 'default', uid: sa.metadata.uid });

    const whoami = c.k(['auth', 'whoami', '--token', token, '-o', 'json']);
    const user = JSON.parse(whoami).status.userInfo;
    assert.equal(user.username, 'system:serviceaccount:default:default');
    assert.equal(user.uid, sa.metadata.uid);
    assert.deepEqual(user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    // The token is a credential for any request (every authenticated user may do everything until RBAC).
    const pods = c.kubectl(['get', 'pods', '--token', token]);
    assert.equal(pods.code, 0, pods.stderr);
  });

  it('--duration sets the lifetime; below 10 minutes the API server refuses with 422', () => {
    const claims = claimsOf(c.k('create token default --duration=20m'));
    assert.equal((claims.exp as number) - (claims.iat as number), 1200);
    const r = c.kubectl('create token default --duration=5m');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TokenRequest\.authentication\.k8s\.io "" is invalid: spec\.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
  });

  it('--audience: the token is for that audience, not for the API server', () => {
    const token = c.k('create token default --audience vault --audience https://example.com').trim();
    assert.deepEqual(claimsOf(token).aud, ['vault', 'https://example.com']);
    const r = c.kubectl(['auth', 'whoami', '--token', token]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Unauthorized/);
  });

  it('a token for a missing service account is 404 NotFound', () => {
    const r = c.kubectl('create token nobody');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /serviceaccounts "nobody" not found/);
  });

  it('a token bound to a pod carries the pod and its node, and stops working when the pod goes', async () => {
    c.k('run bound-web --image=nginx');
    const pod = await eventually(() => {
      const p = JSON.parse(c.k('get pod bound-web -o json'));
      return p.spec.nodeName ? p : undefined;
    }, 15_000, 'the pod to be scheduled');
    const token = c.k('create token default --bound-object-kind Pod --bound-object-name bound-web').trim();
    const k8s = claimsOf(token)['kubernetes.io'] as Record<string, { name: string; uid: string }>;
    assert.deepEqual(k8s.pod, { name: 'bound-web', uid: pod.metadata.uid });
    assert.equal(k8s.node?.name, pod.spec.nodeName);
    const user = JSON.parse(c.k(['auth', 'whoami', '--token', token, '-o', 'json'])).status.userInfo;
    assert.deepEqual(user.extra['authentication.kubernetes.io/pod-name'], ['bound-web']);
    assert.deepEqual(user.extra['authentication.kubernetes.io/pod-uid'], [pod.metadata.uid]);
    assert.deepEqual(user.extra['authentication.kubernetes.io/node-name'], [pod.spec.nodeName]);

    c.k('delete pod bound-web --wait=true --timeout=30s');
    const r = c.kubectl(['get', 'pods', '--token', token]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Unauthorized|You must be logged in to the server/);
  });

  it('binding: a missing pod is 404, an unsupported kind is refused by kubectl, a Secret binds', () => {
    const missing = c.kubectl('create token default --bound-object-kind Pod --bound-object-name ghost');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /pods "ghost" not found/);
    const kind = c.kubectl('create token default --bound-object-kind Deployment --bound-object-name x');
    assert.equal(kind.code, 1);
    assert.match(kind.stderr, /supported --bound-object-kind values are Node, Pod, Secret/);
    const secret = c.k('create secret generic token-anchor --from-literal=a=b');
    assert.match(secret, /secret\/token-anchor created/);
    const token = c.k('create token default --bound-object-kind Secret --bound-object-name token-anchor').trim();
    assert.equal((claimsOf(token)['kubernetes.io'] as Record<string, { name: string }>).secret?.name, 'token-anchor');
    assert.equal(c.kubectl(['auth', 'whoami', '--token', token]).code, 0);
    c.k('delete secret token-anchor');
    assert.equal(c.kubectl(['auth', 'whoami', '--token', token]).code, 1, 'a token bound to a deleted secret is refused');
  });

  it('a Secret of type kubernetes.io/service-account-token gets a legacy token, good until its account goes', async () => {
    c.k('create serviceaccount build-robot');
    c.k('create -f -', {
      input: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: build-robot-secret\n  annotations:\n    kubernetes.io/service-account.name: build-robot\ntype: kubernetes.io/service-account-token\n',
    });
    const secret = await eventually(() => {
      const s = JSON.parse(c.k('get secret build-robot-secret -o json'));
      return s.data?.token ? s : undefined;
    }, 15_000, 'the tokens controller to fill the secret');
    const token = Buffer.from(secret.data.token, 'base64').toString();
    assert.equal(Buffer.from(secret.data.namespace, 'base64').toString(), 'default');
    assert.equal(Buffer.from(secret.data['ca.crt'], 'base64').toString(), c.caPem);
    const sa = JSON.parse(c.k('get serviceaccount build-robot -o json'));
    assert.equal(secret.metadata.annotations['kubernetes.io/service-account.uid'], sa.metadata.uid);
    assert.equal(claimsOf(token).iss, 'kubernetes/serviceaccount');
    // kubectl describe shows a service account token in full.
    assert.match(c.k('describe secret build-robot-secret'), new RegExp(`token:\\s+${token.replace(/\./g, '\\.')}`));
    const user = JSON.parse(c.k(['auth', 'whoami', '--token', token, '-o', 'json'])).status.userInfo;
    assert.equal(user.username, 'system:serviceaccount:default:build-robot');

    c.k('delete serviceaccount build-robot');
    await eventually(() => c.kubectl('get secret build-robot-secret').code === 1, 15_000, 'the token secret to go with its account');
    assert.equal(c.kubectl(['auth', 'whoami', '--token', token]).code, 1);
  });

  it('TokenReview created with kubectl create -f says who a token is', () => {
    const token = c.k('create token default').trim();
    const review = (spec: string) =>
      JSON.parse(
        c.k('create -o json -f -', {
          input: `apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nmetadata:\n  name: check\nspec:\n${spec}`,
        }),
      );
    const ok = review(`  token: ${token}\n`);
    assert.equal(ok.kind, 'TokenReview');
    assert.equal(ok.status.authenticated, true);
    assert.equal(ok.status.user.username, 'system:serviceaccount:default:default');
    assert.deepEqual(ok.status.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    assert.deepEqual(ok.status.audiences, ['https://kubernetes.default.svc.cluster.local']);

    const vaultToken = c.k('create token default --audience vault').trim();
    const forVault = review(`  token: ${vaultToken}\n  audiences: [vault]\n`);
    assert.equal(forVault.status.authenticated, true);
    assert.deepEqual(forVault.status.audiences, ['vault']);
    const wrongAudience = review(`  token: ${vaultToken}\n`);
    assert.equal(wrongAudience.status.authenticated, undefined);
    assert.match(wrongAudience.status.error, /token audiences \["vault"\] is invalid for the target audiences \["https:\/\/kubernetes.default.svc.cluster.local"\]/);

    const bad = review('  token: not-a-token\n');
    assert.equal(bad.status.authenticated, undefined);
    assert.equal(bad.status.error, 'invalid bearer token');

    // The admin's own token reviews too, for the API server's audience only.
    const admin = review(`  token: ${c.token}\n`);
    assert.equal(admin.status.user.username, 'system:admin');

    const empty = c.kubectl('create -f -', { input: 'apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec: {}\n' });
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /token is required for TokenReview in authentication/);
  });
});
