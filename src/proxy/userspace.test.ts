// The userspace proxy against the real API server, with three HTTP servers standing in for
// host-network pods: the ClusterIP's loopback twin and the node port
// spread over the ready ones, follow endpoint changes, skip an endpoint that refuses, honour
// ClientIP affinity, and close their listeners on stop. Endpoints may not be loopback
// addresses (the API rejects them), so the "pods" get three /32 addresses on lo, which needs
// root; without it the forwarding test is skipped.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, get, type Server } from 'node:http';
import type { KubeObject } from '../api/object.js';
import { R } from '../client/resources.js';
import { startTestControlPlane, until, type TestControlPlane } from '../testing/control-plane.js';
import { UserspaceProxy, loopbackTwin } from './userspace.js';

let cp: TestControlPlane;
const pods: Server[] = [];
let podPort = 0;

// In this helper's range (services 198.18.144.0/24), on lo only.
const podIPs = ['198.18.144.241', '198.18.144.242', '198.18.144.243'];
const refused = '198.18.144.244';
const isRoot = process.getuid?.() === 0;

before(async () => {
  cp = await startTestControlPlane({ controllers: false, nodes: 0 });
  if (!isRoot) return;
  // The refused one too, with no server: connecting gets a reset here instead of leaving the machine.
  for (const ip of [...podIPs, refused]) execFileSync('ip', ['addr', 'replace', `${ip}/32`, 'dev', 'lo']);
  // One port on three addresses, like three host-network pods on three nodes.
  for (const ip of podIPs) {
    const s = createServer((_req, res) => res.end(ip));
    await new Promise<void>((r) => s.listen(podPort, ip, r));
    podPort = (s.address() as { port: number }).port;
    pods.push(s);
  }
});

after(async () => {
  for (const s of pods) s.close();
  if (isRoot) for (const ip of [...podIPs, refused]) execFileSync('ip', ['addr', 'del', `${ip}/32`, 'dev', 'lo']);
  await cp?.stop();
});

function fetchText(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host, port, path: '/', agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function slice(svc: string, ready: string[], notReady: string[] = []): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${svc}-abc`, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    ports: [{ name: '', port: podPort, protocol: 'TCP' }],
    endpoints: [...ready.map((ip) => [ip, true] as const), ...notReady.map((ip) => [ip, false] as const)].map(([ip, ok]) => ({ addresses: [ip], conditions: { ready: ok, serving: ok, terminating: false } })),
  } as KubeObject;
}

test('loopbackTwin keeps the last three octets', () => {
  assert.equal(loopbackTwin('198.18.144.20'), '127.18.144.20');
  assert.equal(loopbackTwin('10.43.0.1'), '127.43.0.1');
});

test('service ports and node ports are served on loopback and follow the endpoints', { skip: isRoot ? false : 'needs root to add addresses to lo' }, async () => {
  const svc = await cp.client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', ports: [{ port: 18080, targetPort: podPort }] } });
  const twin = loopbackTwin((svc.spec as { clusterIP: string }).clusterIP);
  const nodePort = (svc.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort;
  await cp.client.create(R.endpointslices, 'default', slice('web', podIPs, [refused]));
  const logs: string[] = [];
  const proxy = new UserspaceProxy({ client: cp.client, nodeName: 'node-a', log: (m) => logs.push(m) });
  const ac = new AbortController();
  const running = proxy.start(ac.signal);
  try {
    await until(() => proxy.serving.has(`${twin}:18080`) && proxy.serving.has(`127.0.0.1:${nodePort}`), 5000, 'listeners');
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) seen.add(await fetchText(twin, 18080));
    assert.deepEqual([...seen].sort(), podIPs);
    assert.ok(podIPs.includes(await fetchText('127.0.0.1', nodePort)));

    // An endpoint that refuses (its server stopped, the slice not yet updated) is skipped.
    const current = await cp.client.get(R.endpointslices, 'default', 'web-abc');
    await cp.client.update(R.endpointslices, 'default', { ...slice('web', [podIPs[1]!, refused]), metadata: { ...current!.metadata } });
    await until(async () => {
      const answers = new Set<string>();
      for (let i = 0; i < 10; i++) answers.add(await fetchText(twin, 18080));
      return [...answers].join() === podIPs[1];
    }, 2000, 'only the second pod answering');

    // ClientIP affinity.
    const sticky = await cp.client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'sticky' }, spec: { sessionAffinity: 'ClientIP', ports: [{ port: 18081, targetPort: podPort }] } });
    const stickyTwin = loopbackTwin((sticky.spec as { clusterIP: string }).clusterIP);
    await cp.client.create(R.endpointslices, 'default', slice('sticky', podIPs));
    await until(() => proxy.serving.has(`${stickyTwin}:18081`), 5000, 'the sticky listener');
    const answers = new Set<string>();
    for (let i = 0; i < 12; i++) answers.add(await fetchText(stickyTwin, 18081));
    assert.equal(answers.size, 1);

    // A deleted service stops being served.
    await cp.client.delete(R.services, 'default', 'sticky');
    await until(() => !proxy.serving.has(`${stickyTwin}:18081`), 2000, 'the listener closed');
  } finally {
    ac.abort();
    await running;
  }
  assert.equal(proxy.serving.size, 0);
  await assert.rejects(fetchText(twin, 18080));
});
