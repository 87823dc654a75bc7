import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { ApiServer } from '../server.js';
import { SqliteStorage } from '../../storage/sqlite/sqlite-storage.js';
import { loadCustomResources } from './controller.js';
import { customResourceDefinitionDeletionHooks } from './deletion.js';
import { genericObjectMetaErrors } from './behaviour.js';
import type { FieldError } from '../../machinery/errors.js';
import { cronTabCRD, startTestServer, type TestServer } from './fixtures.js';

const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const crontabs = '/apis/stable.example.com/v1/namespaces/default/crontabs';

function cronTab(name: string, spec: Record<string, unknown> = { cronSpec: '* * * * */5' }, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name, ...extra.metadata }, spec };
}

async function established(t: TestServer, name: string): Promise<KubeObject> {
  return t.eventually(async () => {
    const r = await t.request('GET', `${crdPath}/${name}`);
    const conditions = (r.body?.status?.conditions ?? []) as { type: string; status: string }[];
    return conditions.some((c) => c.type === 'Established' && c.status === 'True') ? (r.body as KubeObject) : undefined;
  }, `${name} to be established`);
}

test('a created CRD gets accepted names and conditions, and its resource is served', async () => {
  const t = await startTestServer();
  try {
    assert.equal((await t.request('POST', crdPath, cronTabCRD())).status, 201);
    const crd = await established(t, 'crontabs.stable.example.com');
    const status = crd.status as Record<string, any>;
    assert.deepEqual(status.acceptedNames, { plural: 'crontabs', singular: 'crontab', shortNames: ['ct'], kind: 'CronTab', listKind: 'CronTabList' });
    assert.deepEqual(
      status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message]),
      [
        ['NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'],
        ['Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'],
      ],
    );
    assert.deepEqual(status.storedVersions, ['v1']);
    const managers = (crd.metadata.managedFields ?? []).map((m) => `${m.manager}/${m.subresource ?? ''}`);
    assert.ok(managers.includes('kube-apiserver/status'), 'the status is written through the status subresource');

    const discovery = await t.request('GET', '/apis/stable.example.com/v1');
    assert.deepEqual(
      discovery.body.resources.map((r: any) => [r.name, r.kind]),
      [
        ['crontabs', 'CronTab'],
        ['crontabs/scale', 'Scale'],
        ['crontabs/status', 'CronTab'],
      ],
    );
    const created = await t.request('POST', crontabs, cronTab('one'));
    assert.equal(created.status, 201);
    assert.equal(created.body.spec.replicas, 1, 'the schema default applies');
    const openapi = await t.request('GET', '/openapi/v3/apis/stable.example.com/v1');
    assert.equal(openapi.status, 200);
    assert.ok(openapi.body.components.schemas['com.example.stable.v1.CronTab']);
  } finally {
    await t.stop();
  }
});

test('a CRD whose kind another CRD of the group holds is not accepted until the name is free', async () => {
  const t = await startTestServer();
  try {
    await t.request('POST', crdPath, cronTabCRD());
    await established(t, 'crontabs.stable.example.com');
    const rival = cronTabCRD();
    rival.metadata.name = 'crontabz.stable.example.com';
    Object.assign((rival.spec as any).names, { plural: 'crontabz', singular: 'crontabz', listKind: 'CronTabzList', shortNames: ['cz'] });
    assert.equal((await t.request('POST', crdPath, rival)).status, 201);
    const refused = await t.eventually(async () => {
      const r = await t.request('GET', `${crdPath}/crontabz.stable.example.com`);
      return r.body.status?.conditions?.length ? r.body : undefined;
    }, 'naming');
    assert.deepEqual(
      refused.status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message]),
      [
        ['NamesAccepted', 'False', 'KindConflict', '"CronTab" is already in use'],
        ['Established', 'False', 'NotAccepted', 'not all names are accepted'],
      ],
    );
    assert.equal((await t.request('GET', '/apis/stable.example.com/v1/namespaces/default/crontabz')).status, 404);

    await t.request('DELETE', `${crdPath}/crontabs.stable.example.com`);
    await established(t, 'crontabz.stable.example.com');
    const discovery = await t.request('GET', '/apis/stable.example.com/v1');
    assert.deepEqual(discovery.body.resources.filter((r: any) => !r.name.includes('/')).map((r: any) => r.name), ['crontabz']);
  } finally {
    await t.stop();
  }
});

test('deleting a CRD finalizes it: instances go first, creates are refused meanwhile', async () => {
  const t = await startTestServer();
  try {
    // What the registry is to do for CRDs (see the report): the deletion hooks, and ObjectMeta
    // validated without the core kinds' finalizer rule. Installed here so the test covers the path.
    const store = t.server.registry.store('apiextensions.k8s.io', 'customresourcedefinitions') as unknown as {
      deps: { hooks: object; validate: (o: KubeObject, old: KubeObject | undefined, sub: string) => FieldError[] };
    };
    const validate = store.deps.validate;
    store.deps.hooks = { ...store.deps.hooks, ...customResourceDefinitionDeletionHooks(t.server.registry.options.clock) };
    store.deps.validate = (o, old, sub) => genericObjectMetaErrors(validate(o, old, sub));

    await t.request('POST', crdPath, cronTabCRD());
    await established(t, 'crontabs.stable.example.com');
    await t.request('POST', crontabs, cronTab('plain'));
    await t.request('POST', crontabs, cronTab('held', undefined, { metadata: { name: 'held', finalizers: ['example.com/hold'] } }));

    const deleted = await t.request('DELETE', `${crdPath}/crontabs.stable.example.com`);
    assert.ok(deleted.status < 300, deleted.text);
    assert.deepEqual(deleted.body.metadata.finalizers, ['customresourcecleanup.apiextensions.k8s.io']);
    assert.ok(deleted.body.metadata.deletionTimestamp);
    const terminating = await t.eventually(async () => {
      const r = await t.request('GET', `${crdPath}/crontabs.stable.example.com`);
      const c = r.body.status.conditions.find((x: any) => x.type === 'Terminating');
      return c?.reason === 'InstanceDeletionInProgress' ? c : undefined;
    }, 'Terminating');
    assert.deepEqual([terminating.status, terminating.message], ['True', 'CustomResource deletion is in progress']);

    const refused = await t.request('POST', crontabs, cronTab('late'));
    assert.equal(refused.status, 405);
    assert.equal(refused.body.message, 'create not allowed while custom resource definition is terminating');

    await t.eventually(async () => (await t.request('GET', `${crontabs}/plain`)).status === 404, 'plain to go');
    const held = await t.request('GET', `${crontabs}/held`);
    assert.ok(held.body.metadata.deletionTimestamp, 'an instance with a finalizer waits');
    assert.equal((await t.request('GET', `${crdPath}/crontabs.stable.example.com`)).status, 200, 'so does the CRD');

    await t.request('PATCH', `${crontabs}/held`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    await t.eventually(async () => (await t.request('GET', `${crdPath}/crontabs.stable.example.com`)).status === 404, 'the CRD to go');
    await t.eventually(async () => (await t.request('GET', '/apis/stable.example.com/v1')).status === 404, 'the resource to leave discovery');
  } finally {
    await t.stop();
  }
});

test('stored CRDs are served as soon as they are loaded, before the controller runs', async () => {
  const storage = new SqliteStorage({ path: ':memory:', freeze: true });
  const first = new ApiServer({ storage, authenticator: { authenticate: () => ({ name: 'admin', groups: ['system:masters'] }) }, port: 0, log: () => {} });
  const controller = await loadCustomResources(first.registry);
  await first.start();
  const stop = new AbortController();
  const running = controller.start(stop.signal);
  await fetch(`${first.url}${crdPath}`, { method: 'POST', body: JSON.stringify(cronTabCRD()), headers: { 'Content-Type': 'application/json' } });
  for (let i = 0; i < 200 && !controller.servedResource('crontabs.stable.example.com'); i++) await new Promise((r) => setTimeout(r, 10));
  stop.abort();
  await running;
  await first.stop();

  const second = new ApiServer({ storage, authenticator: { authenticate: () => ({ name: 'admin', groups: ['system:masters'] }) }, port: 0, log: () => {} });
  assert.equal(second.scheme.resource('stable.example.com', 'v1', 'crontabs'), undefined);
  await loadCustomResources(second.registry);
  const r = second.scheme.resource('stable.example.com', 'v1', 'crontabs');
  assert.equal(r?.kind, 'CronTab');
  assert.deepEqual(r?.shortNames, ['ct']);
  await storage.close();
});

test('every served version works, stored in the storage version and converted on the way out', async () => {
  const t = await startTestServer();
  try {
    const crd = cronTabCRD();
    const v1 = (crd.spec as any).versions[0];
    const beta = { ...structuredClone(v1), name: 'v1beta1', storage: false, additionalPrinterColumns: [] };
    beta.schema.openAPIV3Schema.properties.spec.properties.replicas.default = 2;
    (crd.spec as any).versions = [beta, v1];
    await t.request('POST', crdPath, crd);
    await established(t, 'crontabs.stable.example.com');
    const betaPath = '/apis/stable.example.com/v1beta1/namespaces/default/crontabs';
    const created = await t.request('POST', betaPath, { ...cronTab('b'), apiVersion: 'stable.example.com/v1beta1' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.apiVersion, 'stable.example.com/v1beta1');
    assert.equal(created.body.spec.replicas, 2, "the request version's default");
    const asV1 = await t.request('GET', `${crontabs}/b`);
    assert.equal(asV1.body.apiVersion, 'stable.example.com/v1');
    const stored = await t.server.registry.options.storage.get('/registry/stable.example.com/crontabs/default/b');
    assert.equal(stored?.value.apiVersion, 'stable.example.com/v1');
    const table = await t.request('GET', betaPath, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.deepEqual(table.body.columnDefinitions.map((c: any) => c.name), ['Name', 'Age'], 'each version prints its own columns');
  } finally {
    await t.stop();
  }
});

test('a changed CRD changes what is served', async () => {
  const t = await startTestServer();
  try {
    await t.request('POST', crdPath, cronTabCRD());
    const crd = await established(t, 'crontabs.stable.example.com');
    const spec = crd.spec as any;
    spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.color = { type: 'string', enum: ['red', 'blue'] };
    spec.versions[0].selectableFields = [{ jsonPath: '.spec.color' }];
    spec.names.shortNames = ['ct', 'cron'];
    assert.equal((await t.request('PUT', `${crdPath}/crontabs.stable.example.com`, crd)).status, 200);
    await t.eventually(async () => {
      const d = await t.request('GET', '/apis/stable.example.com/v1');
      return d.body.resources[0].shortNames.length === 2;
    }, 'the new short name');
    const bad = await t.request('POST', crontabs, cronTab('x', { cronSpec: '* * * * *', color: 'green' }));
    assert.equal(bad.body.message, 'CronTab.stable.example.com "x" is invalid: spec.color: Unsupported value: "green": supported values: "red", "blue"');
    await t.request('POST', crontabs, cronTab('r', { cronSpec: '* * * * *', color: 'red' }));
    await t.request('POST', crontabs, cronTab('b', { cronSpec: '* * * * *', color: 'blue' }));
    const red = await t.request('GET', `${crontabs}?fieldSelector=spec.color%3Dred`);
    assert.deepEqual(red.body.items.map((i: any) => i.metadata.name), ['r']);
  } finally {
    await t.stop();
  }
});

test('cluster-scoped custom resources live outside namespaces', async () => {
  const t = await startTestServer();
  try {
    const crd = cronTabCRD();
    (crd.spec as any).scope = 'Cluster';
    await t.request('POST', crdPath, crd);
    await established(t, 'crontabs.stable.example.com');
    const created = await t.request('POST', '/apis/stable.example.com/v1/crontabs', cronTab('global'));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.metadata.namespace, undefined);
    assert.equal((await t.request('GET', '/apis/stable.example.com/v1/crontabs/global')).status, 200);
    assert.equal((await t.request('GET', '/apis/stable.example.com/v1/namespaces/default/crontabs')).status, 404);
    const discovery = await t.request('GET', '/apis/stable.example.com/v1');
    assert.equal(discovery.body.resources[0].namespaced, false);
  } finally {
    await t.stop();
  }
});

test('defaults added to a CRD later show on objects stored before, as they are read', async () => {
  const t = await startTestServer();
  try {
    await t.request('POST', crdPath, cronTabCRD());
    const crd = await established(t, 'crontabs.stable.example.com');
    await t.request('POST', crontabs, cronTab('old'));
    (crd.spec as any).versions[0].schema.openAPIV3Schema.properties.spec.properties.image = { type: 'string', default: 'busybox:1.36' };
    assert.equal((await t.request('PUT', `${crdPath}/crontabs.stable.example.com`, crd)).status, 200);
    const got = await t.eventually(async () => {
      const r = await t.request('GET', `${crontabs}/old`);
      return r.body.spec.image ? r.body : undefined;
    }, 'the new default');
    assert.deepEqual(got.spec, { cronSpec: '* * * * */5', replicas: 1, image: 'busybox:1.36' });
    const stored = await t.server.registry.options.storage.get('/registry/stable.example.com/crontabs/default/old');
    assert.equal((stored?.value.spec as Record<string, unknown>).image, undefined, 'storage is not rewritten');
  } finally {
    await t.stop();
  }
});
