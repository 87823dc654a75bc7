import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../client/resources.js';
import { until } from '../testing/control-plane.js';
import { startControllers } from './controller-test-harness.js';
import { rootCAPublisher } from './root-ca-publisher.js';

const description =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

test('every namespace gets kube-root-ca.crt with the cluster CA, kept as published', async () => {
  const h = await startControllers((ctx, cp) => [rootCAPublisher({ ...ctx, rootCA: cp.caPem })]);
  try {
    const client = h.cp.client;
    const ca = h.cp.caPem;
    assert.match(ca, /^-----BEGIN CERTIFICATE-----/);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const cm = (await until(() => client.get(R.configmaps, ns, 'kube-root-ca.crt'), 5000, `kube-root-ca.crt in ${ns}`))!;
      assert.deepEqual(cm.data, { 'ca.crt': ca });
      assert.deepEqual(cm.metadata.annotations, { 'kubernetes.io/description': description });
    }
    await client.create(R.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    const cm = (await until(() => client.get(R.configmaps, 'team', 'kube-root-ca.crt'), 5000, 'the ConfigMap in a new namespace'))!;

    // An edit is put right.
    await client.update(R.configmaps, 'team', { ...cm, data: { 'ca.crt': 'tampered', extra: 'x' } });
    await until(async () => JSON.stringify((await client.get(R.configmaps, 'team', 'kube-root-ca.crt'))?.data) === JSON.stringify({ 'ca.crt': ca }), 5000, 'the CA to be restored');

    // A deletion too.
    await client.delete(R.configmaps, 'team', 'kube-root-ca.crt');
    const back = (await until(async () => {
      const now = await client.get(R.configmaps, 'team', 'kube-root-ca.crt');
      return now && now.metadata.uid !== cm.metadata.uid ? now : undefined;
    }, 5000, 'the ConfigMap to come back'))!;
    assert.deepEqual(back.data, { 'ca.crt': ca });
    // Other ConfigMaps are none of its business.
    await client.create(R.configmaps, 'team', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mine' }, data: { a: 'b' } });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual((await client.get(R.configmaps, 'team', 'mine'))!.data, { a: 'b' });
  } finally {
    await h.stop();
  }
});
