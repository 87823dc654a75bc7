import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import type { ResourceRef } from '../client/interface.js';
import { R, refOf } from '../client/resources.js';
import { formatResourceList } from '../apiserver/admission/resources/resource-list.js';
import { StatusError } from '../machinery/errors.js';
import { until, type TestControlPlane } from '../testing/control-plane.js';
import { startControllers } from './controller-test-harness.js';
import { calculateUsage, releasesUsage, resourceQuotaController } from './resourcequota.js';
import { serviceAccountController } from './serviceaccount.js';

function resourceFor(cp: TestControlPlane) {
  return (group: string, plural: string): ResourceRef | undefined => {
    const r = cp.server.scheme.all().find((x) => x.group === group && x.plural === plural);
    return r ? refOf(r) : undefined;
  };
}

const pod = (name: string, cpu: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu }, limits: { cpu, memory: '128Mi' } } }] },
});

async function status(cp: TestControlPlane, name: string): Promise<{ hard?: Record<string, string>; used?: Record<string, string> }> {
  return ((await cp.client.get(R.resourcequotas, 'default', name))?.status ?? {}) as never;
}

async function refused(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return e;
  }
  assert.fail('expected a refusal');
}

test('status follows spec.hard and the namespace contents; admission enforces it', async () => {
  const h = await startControllers((ctx, cp) => [serviceAccountController(ctx), resourceQuotaController({ ...ctx, resourceFor: resourceFor(cp), resyncPeriodMs: 60_000 })]);
  try {
    const { cp } = h;
    const client = cp.client;
    await until(() => client.get(R.serviceaccounts, 'default', 'default'), 5000, 'the default account');
    await client.create(R.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before' } });
    await client.create(R.resourcequotas, 'default', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'compute' },
      spec: { hard: { pods: '2', 'requests.cpu': '1', 'limits.memory': '1Gi', configmaps: '5', 'count/deployments.apps': '1' } },
    });
    const first = await until(async () => ((await status(cp, 'compute')).used ? status(cp, 'compute') : undefined), 5000, 'the first count');
    assert.deepEqual(first, {
      hard: { configmaps: '5', 'count/deployments.apps': '1', 'limits.memory': '1Gi', pods: '2', 'requests.cpu': '1' },
      used: { configmaps: '1', 'count/deployments.apps': '0', 'limits.memory': '0', pods: '0', 'requests.cpu': '0' },
    });

    await client.create(R.pods, 'default', pod('a', '400m'));
    await client.create(R.pods, 'default', pod('b', '400m'));
    let e = await refused(client.create(R.pods, 'default', pod('c', '100m')));
    assert.equal(e.code, 403);
    assert.equal(e.message, 'pods "c" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2');

    // Deleting a pod gives its share back.
    await client.delete(R.pods, 'default', 'a', { gracePeriodSeconds: 0 });
    await until(async () => (await status(cp, 'compute')).used?.pods === '1', 5000, 'the recount after a deletion');
    assert.deepEqual((await status(cp, 'compute')).used, { configmaps: '1', 'count/deployments.apps': '0', 'limits.memory': '128Mi', pods: '1', 'requests.cpu': '400m' });
    e = await refused(client.create(R.pods, 'default', pod('big', '700m')));
    assert.equal(e.message, 'pods "big" is forbidden: exceeded quota: compute, requested: requests.cpu=700m, used: requests.cpu=400m, limited: requests.cpu=1');

    // Object counts of any resource, by count/<resource>.<group>.
    const deployment = (name: string): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    await client.create(R.deployments, 'default', deployment('one'));
    e = await refused(client.create(R.deployments, 'default', deployment('two')));
    assert.match(e.message, /^deployments.apps "two" is forbidden: exceeded quota: compute, requested: count\/deployments.apps=1, used: count\/deployments.apps=1, limited: count\/deployments.apps=1$/);

    // A new limit is reflected in status and enforced.
    const q = (await client.get(R.resourcequotas, 'default', 'compute'))!;
    await client.update(R.resourcequotas, 'default', { ...q, spec: { hard: { pods: '5', 'requests.cpu': '1', 'limits.memory': '1Gi', configmaps: '5', 'count/deployments.apps': '1' } } });
    await until(async () => (await status(cp, 'compute')).hard?.pods === '5', 5000, 'status.hard to follow spec.hard');
    await client.create(R.pods, 'default', pod('d', '100m'));
  } finally {
    await h.stop();
  }
});

test('scoped quotas count only the pods in their scopes', async () => {
  const h = await startControllers((ctx, cp) => [serviceAccountController(ctx), resourceQuotaController({ ...ctx, resourceFor: resourceFor(cp), resyncPeriodMs: 60_000 })]);
  try {
    const { cp } = h;
    const client = cp.client;
    await until(() => client.get(R.serviceaccounts, 'default', 'default'), 5000, 'the default account');
    await client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'besteffort' }, spec: { containers: [{ name: 'a', image: 'x' }] } });
    await client.create(R.pods, 'default', pod('burstable', '100m'));
    await client.create(R.resourcequotas, 'default', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'be' }, spec: { hard: { pods: '1' }, scopes: ['BestEffort'] } });
    await client.create(R.resourcequotas, 'default', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'nbe' }, spec: { hard: { pods: '10', 'requests.cpu': '2' }, scopes: ['NotBestEffort'] } });
    await until(async () => (await status(cp, 'be')).used && (await status(cp, 'nbe')).used, 5000, 'both counts');
    assert.deepEqual((await status(cp, 'be')).used, { pods: '1' });
    assert.deepEqual((await status(cp, 'nbe')).used, { pods: '1', 'requests.cpu': '100m' });
    const e = await refused(client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'another' }, spec: { containers: [{ name: 'a', image: 'x' }] } }));
    assert.equal(e.message, 'pods "another" is forbidden: exceeded quota: be, requested: pods=1, used: pods=1, limited: pods=1');
    await client.create(R.pods, 'default', pod('fine', '100m'));
  } finally {
    await h.stop();
  }
});

test('calculateUsage masks to what the quota tracks and skips what it cannot list', async () => {
  const quota: KubeObject = { metadata: { name: 'q', namespace: 'ns' }, spec: { hard: { pods: '5', 'requests.memory': '1Gi', 'count/widgets.example.com': '3' } } };
  const pods: KubeObject[] = [
    { metadata: { name: 'a' }, spec: { containers: [{ name: 'c', resources: { requests: { memory: '100Mi' } } }] }, status: { phase: 'Running' } },
    { metadata: { name: 'b' }, spec: { containers: [{ name: 'c', resources: { requests: { memory: '100Mi' } } }] }, status: { phase: 'Failed' } },
  ];
  const hard = new Map(Object.entries({ pods: '5', 'requests.memory': '1Gi', 'count/widgets.example.com': '3' }).map(([k, v]) => [k, { unscaled: BigInt(parseInt(v)), scale: 0, format: 'DecimalSI' as const }]));
  const usage = await calculateUsage(quota, hard, async (e) => (e.plural === 'pods' ? pods : e.plural === 'widgets' ? undefined : []), Date.now());
  assert.deepEqual(formatResourceList(usage), { pods: '1', 'requests.memory': '100Mi' });
});

test('updates that release usage: pods finishing, services changing type', () => {
  const running: KubeObject = { metadata: { name: 'p' }, status: { phase: 'Running' } };
  const done: KubeObject = { metadata: { name: 'p' }, status: { phase: 'Succeeded' } };
  assert.equal(releasesUsage(R.pods, running, done, Date.now()), true);
  assert.equal(releasesUsage(R.pods, done, done, Date.now()), false);
  const svc = (type: string): KubeObject => ({ metadata: { name: 's' }, spec: { type } });
  assert.equal(releasesUsage(R.services, svc('NodePort'), svc('ClusterIP'), Date.now()), true);
  assert.equal(releasesUsage(R.services, svc('ClusterIP'), svc('ClusterIP'), Date.now()), false);
});
