// The TokenRequest subresource against the real API server: what the kubelet's token manager
// gets for a pod's kube-api-access volume (through the in-process client a local node uses and
// the REST client an agent uses), the kubelet's 3607 s extension, and upstream's refusals.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { R } from '../../client/resources.js';
import { realClock } from '../../machinery/clock.js';
import { TokenManager } from '../../kubelet/tokens.js';
import type { Pod } from '../../kubelet/types.js';
import { startTestControlPlane, type TestControlPlane } from '../../testing/control-plane.js';

function claimsOf(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

describe('TokenRequest', () => {
  let cp: TestControlPlane;
  let pod: KubeObject;
  const whoami = async (token: string) => {
    const r = await cp.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, { Authorization: `Bearer ${token}` });
    return r.status === 201 ? r.json<{ status: { userInfo: { username: string; extra?: Record<string, string[]> } } }>().status.userInfo : r.status;
  };
  const tokenRequest = (name: string, spec: Record<string, unknown>) =>
    cp.request('POST', `/api/v1/namespaces/default/serviceaccounts/${name}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec });

  before(async () => {
    cp = await startTestControlPlane({ controllers: false });
    await cp.client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } });
    await cp.client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'default' } });
    pod = await cp.client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
  });
  after(async () => {
    await cp?.stop();
  });

  it('admission gives the pod a kube-api-access volume projecting a service account token', () => {
    const volumes = (pod.spec as { volumes: { name: string; projected?: { sources: Record<string, unknown>[] } }[] }).volumes;
    const access = volumes.find((v) => v.name.startsWith('kube-api-access-'));
    assert.ok(access?.projected, 'a projected kube-api-access volume');
    assert.deepEqual(access.projected.sources[0], { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } });
  });

  for (const via of ['in-process', 'REST'] as const) {
    it(`the kubelet's token manager gets a pod-bound token (${via} client), extended to a year as upstream`, async () => {
      const client = via === 'in-process' ? cp.inProcessClient('kubelet') : cp.client;
      const logs: string[] = [];
      const tokens = new TokenManager(client, realClock, (m) => logs.push(m));
      const token = await tokens.get(pod as unknown as Pod, undefined, 3607);
      assert.deepEqual(logs, []);
      const c = claimsOf(token);
      assert.deepEqual(c['kubernetes.io'].pod, { name: 'web', uid: pod.metadata.uid });
      assert.equal(c.exp - c.iat, 365 * 24 * 3600);
      assert.equal(c['kubernetes.io'].warnafter, c.iat + 3607);
      const user = await whoami(token);
      assert.equal(typeof user === 'object' && user.username, 'system:serviceaccount:default:default');
      // Cached until 80 % of the asked lifetime: the same token again.
      assert.equal(await tokens.get(pod as unknown as Pod, undefined, 3607), token);
    });
  }

  it('answers the TokenRequest with the defaults filled in and the asked expiry', async () => {
    const r = await tokenRequest('default', {});
    assert.equal(r.status, 201);
    const tr = r.json<{ spec: Record<string, unknown>; status: { token: string; expirationTimestamp: string } }>();
    assert.deepEqual(tr.spec, { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600 });
    const c = claimsOf(tr.status.token);
    assert.equal(Date.parse(tr.status.expirationTimestamp) / 1000, c.exp);
    assert.equal(c.exp - c.nbf, 3600);
  });

  it('refuses as upstream does: short lifetimes, other accounts, stale UIDs, unknown kinds', async () => {
    const short = await tokenRequest('default', { expirationSeconds: 599 });
    assert.equal(short.status, 422);
    assert.equal(short.json<{ message: string }>().message, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes');
    const other = await tokenRequest('robot', { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web' } });
    assert.equal(other.status, 400);
    assert.equal(other.json<{ message: string }>().message, 'cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.');
    const stale = await tokenRequest('default', { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'not-the-uid' } });
    assert.equal(stale.status, 409);
    assert.equal(
      stale.json<{ message: string }>().message,
      'Operation cannot be fulfilled on Pod "web": the UID in the bound object reference (not-the-uid) does not match the UID in record. The object might have been deleted and then recreated',
    );
    const kind = await tokenRequest('default', { boundObjectRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' } });
    assert.equal(kind.status, 400);
    assert.equal(kind.json<{ message: string }>().message, 'cannot bind token to object of type apps/v1, Kind=Deployment');
  });
});
