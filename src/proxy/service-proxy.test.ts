// The proxy's runner against the real API server, on an in-memory iptables: it clears what a
// killed instance left, follows Services and EndpointSlices within a second, coalesces bursts
// of changes, installs its jumps once, and leaves nothing behind when stopped.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { R } from '../client/resources.js';
import { startTestControlPlane, until, type TestControlPlane } from '../testing/control-plane.js';
import { ChainNames, chainPrefixFor } from './chains.js';
import { FakeIptables } from './fake-iptables.testkit.js';
import { startServiceProxy } from './service-proxy.js';

let cp: TestControlPlane;

before(async () => {
  cp = await startTestControlPlane({ controllers: false, nodes: 0 });
});

after(async () => {
  await cp?.stop();
});

function slice(svc: string, ips: string[], notReady: string[] = []): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${svc}-abc`, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    endpoints: [...ips.map((ip) => ({ ip, ready: true })), ...notReady.map((ip) => ({ ip, ready: false }))].map((e) => ({ addresses: [e.ip], nodeName: 'node-a', conditions: { ready: e.ready, serving: e.ready, terminating: false } })),
  } as KubeObject;
}

const dnatTargets = (fake: FakeIptables) =>
  [...fake.tables.nat!.values()]
    .flat()
    .map((r) => /--to-destination (\S+)/.exec(r)?.[1])
    .filter((t): t is string => !!t && !t.startsWith('192.0.2.'))  // the kubernetes Service's endpoint
    .sort();

test('the runner follows the API, coalesces bursts, and cleans up before and after', async () => {
  const fake = new FakeIptables();
  const chains = new ChainNames(chainPrefixFor('node-a'));
  const other = new ChainNames(chainPrefixFor('node-b'));
  // Left by a kill -9 of this node's proxy, and another node's proxy that is still running.
  await fake.restore(`*nat\n:${chains.services} - [0:0]\n:${chains.prefix}-SEP-OLD - [0:0]\n-A ${chains.services} -j ${chains.prefix}-SEP-OLD\n-A PREROUTING -j ${chains.services}\n:${other.services} - [0:0]\n-A PREROUTING -j ${other.services}\nCOMMIT\n`);

  const svc = await cp.client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'web' } } });
  const clusterIP = (svc.spec as { clusterIP: string }).clusterIP;
  await cp.client.create(R.endpointslices, 'default', slice('web', ['198.19.144.2', '198.19.144.3', '198.19.144.4'], ['198.19.144.5']));

  const logs: string[] = [];
  const running = startServiceProxy({ client: cp.client, nodeName: 'node-a', nodeIP: '192.0.2.2', podCIDR: '198.19.144.0/24', clusterCIDR: '198.19.144.0/20', iptables: fake, minSyncIntervalMs: 150, log: (m) => logs.push(m) });
  try {
    await until(() => fake.rules('nat', 'PREROUTING').some((r) => r.includes(`kubelite service portals ${chains.prefix}`)), 5000, 'jumps installed');
    assert.ok(!fake.grep(`${chains.prefix}-SEP-OLD`).length, 'the stale chain is gone');
    assert.ok(fake.rules('nat', 'PREROUTING').includes(`-j ${other.services}`), "the other node's jump stays");
    assert.deepEqual(dnatTargets(fake), ['198.19.144.2:8080', '198.19.144.3:8080', '198.19.144.4:8080'], 'not-ready 198.19.144.5 gets nothing');
    assert.ok(fake.rules('nat', chains.services).some((r) => r.includes(`-d ${clusterIP}/32 --dport 80`)));

    // Scale to one: the rules follow within a second.
    const changedAt = Date.now();
    const current = await cp.client.get(R.endpointslices, 'default', 'web-abc');
    await cp.client.update(R.endpointslices, 'default', { ...slice('web', ['198.19.144.3']), metadata: { ...current!.metadata } });
    await until(() => dnatTargets(fake).join() === '198.19.144.3:8080', 1000, 'rules for one endpoint');
    const followMs = Date.now() - changedAt;

    // A burst of 20 changes in ~200 ms costs a handful of restores, not 20.
    const restoresBefore = fake.payloads.length;
    for (let i = 0; i < 20; i++) {
      const s = await cp.client.get(R.endpointslices, 'default', 'web-abc');
      await cp.client.update(R.endpointslices, 'default', { ...slice('web', [`198.19.144.${10 + i}`]), metadata: { ...s!.metadata } });
    }
    await until(() => dnatTargets(fake).join() === '198.19.144.29:8080', 2000, 'the last state of the burst');
    const restores = fake.payloads.length - restoresBefore;
    assert.ok(restores < 12, `${restores} restores for 20 changes`);

    // Local services (the DNS server) can be set later.
    running.proxy.setLocalServices([{ ip: '198.18.0.10', port: 53, protocol: 'UDP', to: '127.0.0.1:5353', name: 'kube-dns' }]);
    await until(() => dnatTargets(fake).includes('127.0.0.1:5353'), 1000, 'the local service');

    // Deleting the service removes its chains; the jumps were installed exactly once.
    await cp.client.delete(R.services, 'default', 'web');
    await until(() => !fake.grep(chains.clusterChain('default/web', 'TCP')).length, 1000, 'service chains removed');
    assert.equal(fake.rules('nat', 'PREROUTING').filter((r) => r.includes(chains.prefix)).length, 1);
    assert.ok(followMs < 1000, `followed in ${followMs} ms`);
  } finally {
    await running.stop();
  }
  assert.deepEqual(fake.grep(chains.prefix), [], 'nothing of ours remains after stop');
  assert.ok(fake.rules('nat', 'PREROUTING').includes(`-j ${other.services}`));
  assert.ok(logs.some((l) => /removed \d+ rules and chains left by an earlier run/.test(l)), logs.join('\n'));
});
