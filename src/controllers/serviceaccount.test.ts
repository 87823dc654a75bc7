import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../client/resources.js';
import { until } from '../testing/control-plane.js';
import { startControllers } from './controller-test-harness.js';
import { serviceAccountController } from './serviceaccount.js';
import { namespaceController } from './namespace.js';

test('every namespace gets a default ServiceAccount, recreated when deleted, and pods run as it', async () => {
  const h = await startControllers((ctx) => [serviceAccountController(ctx)]);
  try {
    const client = h.cp.client;
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await until(() => client.get(R.serviceaccounts, ns, 'default'), 5000, `default account in ${ns}`);
    }
    await client.create(R.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    // Created right away: admission waits for the controller to create the account.
    const pod = await client.create(R.pods, 'team', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
    const spec = pod.spec as any;
    assert.equal(spec.serviceAccountName, 'default');
    assert.match(spec.volumes[0].name, /^kube-api-access-/);
    const sa = await client.get(R.serviceaccounts, 'team', 'default');
    assert.deepEqual(Object.keys(sa!).sort(), ['apiVersion', 'kind', 'metadata']);

    await client.delete(R.serviceaccounts, 'team', 'default');
    const again = (await until(async () => {
      const now = await client.get(R.serviceaccounts, 'team', 'default');
      return now && now.metadata.uid !== sa!.metadata.uid ? now : undefined;
    }, 5000, 'the account to come back'))!;
    assert.equal(again.metadata.name, 'default');
  } finally {
    await h.stop();
  }
});

test('a namespace being deleted gets no new account', async () => {
  // The namespace controller empties the namespace; the account controller must not refill it.
  const h = await startControllers((ctx) => [
    serviceAccountController(ctx),
    namespaceController({ ...ctx, namespacedResources: () => [R.serviceaccounts, R.configmaps] }),
  ]);
  try {
    const client = h.cp.client;
    await client.create(R.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going' } });
    await until(() => client.get(R.serviceaccounts, 'going', 'default'), 5000, 'the account');
    // A finalizer of our own keeps the namespace Terminating while we look.
    await client.create(R.configmaps, 'going', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await client.delete(R.namespaces, '', 'going');
    await until(async () => !(await client.get(R.serviceaccounts, 'going', 'default')), 5000, 'the account to be deleted with its namespace');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await client.get(R.serviceaccounts, 'going', 'default'), undefined);
    const cm = await client.get(R.configmaps, 'going', 'held');
    await client.update(R.configmaps, 'going', { ...cm!, metadata: { ...cm!.metadata, finalizers: [] } });
  } finally {
    await h.stop();
  }
});
