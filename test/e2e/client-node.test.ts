// The official JavaScript client (@kubernetes/client-node) against kubelite: list, watch,
// patch in every format, server-side apply through KubernetesObjectApi, and an informer.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startKubelite, eventually, type RunningCluster } from './harness.js';

describe('@kubernetes/client-node', () => {
  let c: RunningCluster;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  before(async () => {
    c = await startKubelite();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
  });
  after(async () => {
    await c?.stop();
  });

  it('creates and lists with label selectors and pagination', async () => {
    for (let i = 0; i < 5; i++) {
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: `cm-${i}`, labels: { parity: i % 2 ? 'odd' : 'even' } }, data: { i: String(i) } },
      });
    }
    const odd = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'parity=odd' });
    assert.deepEqual(odd.items.map((x) => x.metadata?.name), ['cm-1', 'cm-3']);
    const page = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'parity', limit: 2 });
    assert.equal(page.items.length, 2);
    assert.ok(page.metadata?._continue);
    const rest = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'parity', limit: 10, _continue: page.metadata!._continue });
    assert.equal(rest.items.length, 3);
  });

  it('watches from a resourceVersion and sees ADDED, MODIFIED and DELETED', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const events: { type: string; name: string }[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata!.resourceVersion, allowWatchBookmarks: true },
      (type, obj: k8s.V1ConfigMap) => events.push({ type, name: obj.metadata!.name! }),
      () => {},
    );
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched' } } });
      await core.patchNamespacedConfigMap({ name: 'watched', namespace: 'default', body: { data: { a: 'b' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ name: 'watched', namespace: 'default' });
      await eventually(() => events.filter((e) => e.name === 'watched').length >= 3, 10_000, 'three watch events');
      assert.deepEqual(events.filter((e) => e.name === 'watched').map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    } finally {
      req.abort();
    }
  });

  it('patches with JSON patch, merge patch and strategic merge patch', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }, { name: 'side', image: 'busybox' }] } },
        },
      },
    });
    await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'default', body: [{ op: 'replace', path: '/spec/replicas', value: 3 }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    await apps.patchNamespacedDeployment({ name: 'web', namespace: 'default', body: { metadata: { labels: { tier: 'front' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    const d = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    assert.equal(d.spec?.replicas, 3);
    assert.equal(d.metadata?.labels?.tier, 'front');
    assert.deepEqual(d.spec?.template.spec?.containers.map((x) => `${x.name}=${x.image}`), ['app=nginx:1.26', 'side=busybox']);
  });

  it('applies server-side through KubernetesObjectApi', async () => {
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const applied = await objects.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'default' }, data: { x: '1' } } as k8s.KubernetesObject,
      undefined,
      undefined,
      'my-tool',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    assert.equal((applied as k8s.V1ConfigMap).data?.x, '1');
    const read = await core.readNamespacedConfigMap({ name: 'ssa', namespace: 'default' });
    assert.equal(read.metadata?.managedFields?.[0].manager, 'my-tool');
    assert.equal(read.metadata?.managedFields?.[0].operation, 'Apply');
  });

  it('keeps an informer cache in step', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'informed' } } });
      await eventually(() => informer.list('default').some((x) => x.metadata?.name === 'informed'), 10_000, 'informer add');
    } finally {
      await informer.stop();
    }
  });

  it('reports API errors as the server sent them', async () => {
    await assert.rejects(core.readNamespacedConfigMap({ name: 'missing', namespace: 'default' }), (e: unknown) => {
      const err = e as { code?: number; body?: string };
      assert.equal(err.code, 404);
      assert.match(String(err.body), /configmaps \\?"missing\\?" not found/);
      return true;
    });
  });
});
