// LoadBalancer services get the Ready nodes' addresses as their ingress (k3s's servicelb), follow
// nodes coming and going, leave services of another loadBalancerClass alone, and lose the
// ingress when they stop being LoadBalancers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { R } from '../client/resources.js';
import { until } from '../testing/control-plane.js';
import { startControllers } from '../controllers/controller-test-harness.js';
import { loadBalancerIngress, serviceLoadBalancerController } from './service-lb.js';

function node(name: string, ip: string, ready = true, external?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: {
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      addresses: [{ type: 'InternalIP', address: ip }, ...(external ? [{ type: 'ExternalIP', address: external }] : []), { type: 'Hostname', address: name }],
    },
  };
}

test('the ingress is every Ready node address, ExternalIP first, sorted', () => {
  assert.deepEqual(loadBalancerIngress([node('b', '192.0.2.12'), node('a', '192.0.2.11'), node('c', '192.0.2.13', false), node('d', '192.0.2.14', true, '198.18.146.4')]), [
    { ip: '192.0.2.11', ipMode: 'VIP' },
    { ip: '192.0.2.12', ipMode: 'VIP' },
    { ip: '198.18.146.4', ipMode: 'VIP' },
  ]);
});

test('LoadBalancer services show the nodes as EXTERNAL-IP and follow them', async () => {
  const h = await startControllers((ctx) => [serviceLoadBalancerController(ctx)]);
  try {
    const client = h.cp.client;
    const existing = (await client.list(R.nodes, '')).items.map((n) => n.metadata.name);
    for (const name of existing) await client.delete(R.nodes, '', name!);
    const created = await client.create(R.nodes, '', node('n1', '192.0.2.21'));
    await client.update(R.nodes, '', { ...created, status: node('n1', '192.0.2.21').status }, { subresource: 'status' });
    const svc = (name: string, more: Record<string, unknown> = {}) =>
      client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: name }, ...more } });
    await svc('web');
    await svc('other-class', { loadBalancerClass: 'example.com/lb' });
    await client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'plain' }, spec: { ports: [{ port: 80 }] } });
    const ingressOf = async (name: string) => JSON.stringify(((await client.get(R.services, 'default', name))!.status as { loadBalancer?: { ingress?: unknown } }).loadBalancer?.ingress ?? []);

    await until(async () => (await ingressOf('web')) === JSON.stringify([{ ip: '192.0.2.21', ipMode: 'VIP' }]), 5000, 'the ingress of web');

    // A second node joins: both addresses.
    const n2 = await client.create(R.nodes, '', node('n2', '192.0.2.22'));
    await client.update(R.nodes, '', { ...n2, status: node('n2', '192.0.2.22').status }, { subresource: 'status' });
    await until(async () => (await ingressOf('web')) === JSON.stringify([{ ip: '192.0.2.21', ipMode: 'VIP' }, { ip: '192.0.2.22', ipMode: 'VIP' }]), 5000, 'two nodes');

    // A node that goes NotReady drops out.
    const cur = (await client.get(R.nodes, '', 'n1'))!;
    await client.update(R.nodes, '', { ...cur, status: node('n1', '192.0.2.21', false).status }, { subresource: 'status' });
    await until(async () => (await ingressOf('web')) === JSON.stringify([{ ip: '192.0.2.22', ipMode: 'VIP' }]), 5000, 'n1 gone from the ingress');

    assert.equal(await ingressOf('other-class'), '[]');
    assert.equal(await ingressOf('plain'), '[]');

    // No longer a LoadBalancer: the ingress goes.
    const web = (await client.get(R.services, 'default', 'web'))!;
    await client.update(R.services, 'default', { ...web, spec: { ...(web.spec as object), type: 'ClusterIP', allocateLoadBalancerNodePorts: undefined, externalTrafficPolicy: undefined, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } });
    await until(async () => (await ingressOf('web')) === '[]', 5000, 'the ingress cleared');
  } finally {
    await h.stop();
  }
});
