import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { StatusError } from '../../machinery/errors.js';
import { FakeLookup, request } from './fake-lookup.js';
import { resourceQuotaAdmission } from './resource-quota.js';

function quota(name: string, hard: Record<string, string>, used: Record<string, string> | undefined, spec: Record<string, unknown> = {}) {
  return {
    plural: 'resourcequotas',
    obj: {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name, namespace: 'default' },
      spec: { hard, ...spec },
      status: used === undefined ? { hard } : { hard, used },
    } as KubeObject,
  };
}

function pod(name: string, resources?: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx', ...(resources ? { resources } : {}) }], ...extra },
    status: { phase: 'Pending' },
  };
}

async function used(lookup: FakeLookup, name: string): Promise<Record<string, string>> {
  return ((await lookup.get('', 'resourcequotas', 'default', name))!.status as any).used;
}

async function refusal(fn: () => Promise<void> | void): Promise<StatusError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, String(e));
    return e;
  }
  assert.fail('expected a refusal');
}

test('a pod within quota is charged to status.used', async () => {
  const lookup = new FakeLookup([quota('pods', { pods: '2' }, { pods: '1' })]);
  const plugin = resourceQuotaAdmission();
  await plugin.validate!(request('CREATE', 'pods', pod('a')), lookup);
  assert.deepEqual(await used(lookup, 'pods'), { pods: '2' });
});

test('exceeding a count: the upstream message', async () => {
  const lookup = new FakeLookup([quota('pods', { pods: '2' }, { pods: '2' })]);
  const e = await refusal(() => resourceQuotaAdmission().validate!(request('CREATE', 'pods', pod('web')), lookup));
  assert.equal(e.code, 403);
  assert.equal(e.message, 'pods "web" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2');
  assert.deepEqual(await used(lookup, 'pods'), { pods: '2' });
});

test('compute resources: requests and limits are summed over containers', async () => {
  const hard = { 'requests.cpu': '1', 'limits.memory': '1Gi', pods: '10' };
  const lookup = new FakeLookup([quota('compute', hard, { 'requests.cpu': '500m', 'limits.memory': '512Mi', pods: '1' })]);
  const plugin = resourceQuotaAdmission();
  const resources = { requests: { cpu: '200m', memory: '128Mi' }, limits: { cpu: '400m', memory: '256Mi' } };
  await plugin.validate!(request('CREATE', 'pods', pod('a', resources)), lookup);
  assert.deepEqual(await used(lookup, 'compute'), { 'limits.memory': '768Mi', pods: '2', 'requests.cpu': '700m' });
  const big = { requests: { cpu: '600m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
  const e = await refusal(() => plugin.validate!(request('CREATE', 'pods', pod('big', big)), lookup));
  assert.equal(
    e.message,
    'pods "big" is forbidden: exceeded quota: compute, requested: limits.memory=1Gi,requests.cpu=600m, used: limits.memory=768Mi,requests.cpu=700m, limited: limits.memory=1Gi,requests.cpu=1',
  );
});

test('a quota on cpu or memory requires every container to declare it', async () => {
  const lookup = new FakeLookup([quota('compute', { 'limits.cpu': '4', 'limits.memory': '4Gi', 'requests.cpu': '4' }, { 'limits.cpu': '0', 'limits.memory': '0', 'requests.cpu': '0' })]);
  const p = pod('web', { requests: { cpu: '100m' } });
  (p.spec as any).containers.push({ name: 'side', image: 'busybox', resources: { limits: { cpu: '100m' }, requests: { cpu: '100m' } } });
  const e = await refusal(() => resourceQuotaAdmission().validate!(request('CREATE', 'pods', p), lookup));
  assert.equal(e.message, 'pods "web" is forbidden: failed quota: compute: must specify limits.cpu for: app; limits.memory for: app,side');
});

test('object counts: legacy names and count/<resource>.<group>', async () => {
  const lookup = new FakeLookup([quota('objects', { configmaps: '1', 'count/deployments.apps': '1' }, { configmaps: '1', 'count/deployments.apps': '0' })]);
  const plugin = resourceQuotaAdmission();
  const cm: KubeObject = { metadata: { name: 'settings', namespace: 'default' } };
  const e = await refusal(() => plugin.validate!(request('CREATE', 'configmaps', cm), lookup));
  assert.equal(e.message, 'configmaps "settings" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=1, limited: configmaps=1');
  const deploy: KubeObject = { metadata: { name: 'web', namespace: 'default' }, spec: {} };
  await plugin.validate!(request('CREATE', 'deployments', deploy, { group: 'apps' }), lookup);
  assert.deepEqual(await used(lookup, 'objects'), { configmaps: '1', 'count/deployments.apps': '1' });
  const second = await refusal(() => plugin.validate!(request('CREATE', 'deployments', { ...deploy, metadata: { name: 'api', namespace: 'default' } }, { group: 'apps' }), lookup));
  assert.match(second.message, /^deployments.apps "api" is forbidden: exceeded quota: objects, requested: count\/deployments.apps=1/);
  // Updates do not count objects again.
  await plugin.validate!(request('UPDATE', 'deployments', deploy, { group: 'apps', oldObject: { ...deploy, metadata: { ...deploy.metadata, resourceVersion: '3' } } }), lookup);
});

test('scopes: BestEffort, NotTerminating and PriorityClass selectors pick the pods they cover', async () => {
  const lookup = new FakeLookup([
    quota('best-effort', { pods: '1' }, { pods: '1' }, { scopes: ['BestEffort'] }),
    quota('long-running', { pods: '5' }, { pods: '0' }, { scopes: ['NotTerminating'] }),
    quota('high', { pods: '1' }, { pods: '1' }, { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }),
  ]);
  const plugin = resourceQuotaAdmission();
  // A burstable, non-terminating pod of no class: only long-running counts it.
  await plugin.validate!(request('CREATE', 'pods', pod('burst', { requests: { cpu: '100m' } })), lookup);
  assert.deepEqual(await used(lookup, 'long-running'), { pods: '1' });
  assert.deepEqual(await used(lookup, 'best-effort'), { pods: '1' });
  // A terminating best-effort pod is over the BestEffort quota.
  const e = await refusal(() => plugin.validate!(request('CREATE', 'pods', pod('job', undefined, { activeDeadlineSeconds: 60 })), lookup));
  assert.equal(e.message, 'pods "job" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1');
  const high = await refusal(() => plugin.validate!(request('CREATE', 'pods', pod('vip', { requests: { cpu: '1' } }, { priorityClassName: 'high' })), lookup));
  assert.equal(high.message, 'pods "vip" is forbidden: exceeded quota: high, requested: pods=1, used: pods=1, limited: pods=1');
});

test('a quota whose status the controller has not filled in yet', async () => {
  const fresh = quota('new', { pods: '1' }, undefined);
  fresh.obj.status = {};
  const plugin = resourceQuotaAdmission();
  // Without status.hard it constrains nothing yet.
  await plugin.validate!(request('CREATE', 'pods', pod('a')), new FakeLookup([fresh]));
  // With hard but no usage, nothing it covers is admitted.
  const e = await refusal(() => plugin.validate!(request('CREATE', 'pods', pod('b')), new FakeLookup([quota('half', { pods: '1', services: '1' }, { services: '0' })])));
  assert.equal(e.message, 'pods "b" is forbidden: status unknown for quota: half, resources: pods');
});

test('concurrent creates in one namespace never overshoot', async () => {
  const lookup = new FakeLookup([quota('pods', { pods: '6' }, { pods: '0' })]);
  const plugin = resourceQuotaAdmission();
  const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => plugin.validate!(request('CREATE', 'pods', pod(`p${i}`)), lookup)));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 6);
  const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as StatusError).message);
  // Serialised in the namespace, every refusal is about the quota, none a lost write.
  assert.equal(refusals.length, 6);
  for (const m of refusals) assert.match(m, /^pods "p\d+" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=6, limited: pods=6$/);
  assert.deepEqual(await used(lookup, 'pods'), { pods: '6' });
  assert.equal(lookup.statusWrites.length, 6);
});

test('a status write that loses a race is retried against the fresh quota', async () => {
  const lookup = new FakeLookup([quota('pods', { pods: '3' }, { pods: '1' })]);
  let competed = false;
  lookup.beforeStatusWrite = () => {
    if (competed) return;
    competed = true;
    // The quota controller recounts meanwhile.
    lookup.put('', 'resourcequotas', quota('pods', { pods: '3' }, { pods: '2' }).obj);
  };
  await resourceQuotaAdmission().validate!(request('CREATE', 'pods', pod('a')), lookup);
  assert.deepEqual(await used(lookup, 'pods'), { pods: '3' });
  assert.equal(lookup.statusWrites.length, 1);
});

test('a write that keeps losing fails with the conflict after the retries', async () => {
  const lookup = new FakeLookup([quota('pods', { pods: '3' }, { pods: '0' })]);
  lookup.beforeStatusWrite = () => void lookup.put('', 'resourcequotas', quota('pods', { pods: '3' }, { pods: '0' }).obj);
  const e = await refusal(() => resourceQuotaAdmission({ retries: 2 }).validate!(request('CREATE', 'pods', pod('a')), lookup));
  assert.equal(e.code, 409);
});

test('dry runs are checked but not charged', async () => {
  const lookup = new FakeLookup([quota('pods', { pods: '1' }, { pods: '0' })]);
  await resourceQuotaAdmission().validate!(request('CREATE', 'pods', pod('a'), { dryRun: true }), lookup);
  assert.deepEqual(await used(lookup, 'pods'), { pods: '0' });
  assert.equal(lookup.statusWrites.length, 0);
});

test('updates charge only what grows: services turning NodePort, claims growing', async () => {
  const lookup = new FakeLookup([quota('svc', { 'services.nodeports': '1', 'requests.storage': '10Gi' }, { 'services.nodeports': '0', 'requests.storage': '4Gi' })]);
  const plugin = resourceQuotaAdmission();
  const svc = (type: string, ports: number): KubeObject => ({
    metadata: { name: 'web', namespace: 'default', resourceVersion: '7' },
    spec: { type, ports: Array.from({ length: ports }, (_, i) => ({ port: 80 + i })) },
  });
  const e = await refusal(() => plugin.validate!(request('UPDATE', 'services', svc('NodePort', 2), { oldObject: svc('ClusterIP', 2) }), lookup));
  assert.equal(e.message, 'services "web" is forbidden: exceeded quota: svc, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1');
  await plugin.validate!(request('UPDATE', 'services', svc('NodePort', 1), { oldObject: svc('ClusterIP', 1) }), lookup);
  const claim = (size: string): KubeObject => ({ metadata: { name: 'data', namespace: 'default', resourceVersion: '9' }, spec: { resources: { requests: { storage: size } } } });
  await plugin.validate!(request('UPDATE', 'persistentvolumeclaims', claim('6Gi'), { oldObject: claim('4Gi') }), lookup);
  assert.deepEqual(await used(lookup, 'svc'), { 'requests.storage': '6Gi', 'services.nodeports': '1' });
});

test('without a status write, charges are kept in the process until the controller recounts', async () => {
  const lookup = new FakeLookup([quota('pods', { pods: '2' }, { pods: '1' })]);
  const plugin = resourceQuotaAdmission();
  const readOnly = lookup.readOnly();
  await plugin.validate!(request('CREATE', 'pods', pod('a')), readOnly);
  const e = await refusal(() => plugin.validate!(request('CREATE', 'pods', pod('b')), readOnly));
  assert.equal(e.message, 'pods "b" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2');
  // The controller stores a fresh count: that is the truth again.
  lookup.put('', 'resourcequotas', quota('pods', { pods: '2' }, { pods: '0' }).obj);
  await plugin.validate!(request('CREATE', 'pods', pod('c')), readOnly);
});

test('subresources, events, cluster-scoped objects and deletes are not evaluated', async () => {
  const lookup = new FakeLookup([quota('all', { pods: '0', 'count/events': '0' }, { pods: '0', 'count/events': '0' })]);
  const plugin = resourceQuotaAdmission();
  await plugin.validate!(request('CREATE', 'pods', pod('a'), { subresource: 'binding' }), lookup);
  await plugin.validate!(request('CREATE', 'events', { metadata: { name: 'e', namespace: 'default' } }), lookup);
  await plugin.validate!(request('CREATE', 'namespaces', { metadata: { name: 'n' } }), lookup);
  await plugin.validate!(request('DELETE', 'pods', undefined, { oldObject: pod('a') }), lookup);
});
