// Which endpoints a service port routes to, from Services and EndpointSlices as the API
// server stores them: readiness, draining pods, several slices, port names and protocols,
// and the services the proxy leaves alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { servicePortsFrom } from './service-ports.js';

function service(name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '198.18.144.20', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec }, status };
}

interface Ep {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

function slice(svc: string, name: string, endpoints: Ep[], ports: Record<string, unknown>[] = [{ name: '', port: 8080, protocol: 'TCP' }], addressType = 'IPv4'): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
    addressType,
    ports,
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node ?? 'node-a',
      conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
    })),
  } as KubeObject;
}

const ips = (eps: { ip: string; port: number }[]) => eps.map((e) => `${e.ip}:${e.port}`);

test('ready endpoints of every slice of the service, sorted, each once; not-ready pods get nothing', () => {
  const [sp] = servicePortsFrom(
    [service('web', {})],
    [
      slice('web', 'web-1', [{ ip: '198.19.144.4' }, { ip: '198.19.144.3', ready: false }]),
      slice('web', 'web-2', [{ ip: '198.19.144.2' }, { ip: '198.19.144.4' }]),
      slice('other', 'other-1', [{ ip: '198.19.144.9' }]),
    ],
    'node-a',
  );
  assert.equal(sp!.servicePortName, 'default/web');
  assert.deepEqual(ips(sp!.clusterEndpoints), ['198.19.144.2:8080', '198.19.144.4:8080']);
});

test('a nil ready condition counts as ready, as the API says', () => {
  const s = slice('web', 'web-1', [{ ip: '198.19.144.2' }]);
  delete (s as any).endpoints[0].conditions;
  const [sp] = servicePortsFrom([service('web', {})], [s], 'node-a');
  assert.deepEqual(ips(sp!.clusterEndpoints), ['198.19.144.2:8080']);
});

test('with no ready endpoint, serving endpoints that are terminating take the traffic', () => {
  const draining = slice('web', 'web-1', [
    { ip: '198.19.144.2', ready: false, serving: true, terminating: true },
    { ip: '198.19.144.3', ready: false, serving: false, terminating: true },
    { ip: '198.19.144.4', ready: false, serving: false },
  ]);
  assert.deepEqual(ips(servicePortsFrom([service('web', {})], [draining], 'node-a')[0]!.clusterEndpoints), ['198.19.144.2:8080']);
  // Once a ready pod exists, the draining one gets nothing more.
  const withReady = slice('web', 'web-1', [{ ip: '198.19.144.2', ready: false, serving: true, terminating: true }, { ip: '198.19.144.5' }]);
  assert.deepEqual(ips(servicePortsFrom([service('web', {})], [withReady], 'node-a')[0]!.clusterEndpoints), ['198.19.144.5:8080']);
});

test('ports match by name and protocol; the slice gives the target port', () => {
  const svc = service('web', {
    ports: [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 'web' },
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 },
    ],
  });
  const s = slice('web', 'web-1', [{ ip: '198.19.144.2' }], [
    { name: 'http', port: 8080, protocol: 'TCP' },
    { name: 'dns', port: 5353, protocol: 'UDP' },
  ]);
  const ports = servicePortsFrom([svc], [s], 'node-a');
  assert.deepEqual(
    ports.map((p) => [p.servicePortName, p.protocol, p.port, ips(p.clusterEndpoints)]),
    [
      ['default/web:dns', 'UDP', 53, ['198.19.144.2:5353']],
      ['default/web:http', 'TCP', 80, ['198.19.144.2:8080']],
    ],
  );
});

test('headless, ExternalName and unallocated services are not proxied; IPv6 slices are ignored', () => {
  const ports = servicePortsFrom(
    [
      service('headless', { clusterIP: 'None' }),
      service('ext', { type: 'ExternalName', externalName: 'example.com', clusterIP: undefined }),
      service('pending', { clusterIP: '' }),
      service('web', {}),
    ],
    [slice('headless', 'h', [{ ip: '198.19.144.2' }]), slice('web', 'w6', [{ ip: 'fd00::2' }], undefined, 'IPv6')],
    'node-a',
  );
  assert.deepEqual(ports.map((p) => [p.name, p.clusterEndpoints.length]), [['web', 0]]);
});

test('node ports for NodePort and LoadBalancer; load-balancer IPs from the status; external IPs; affinity', () => {
  const ports = servicePortsFrom(
    [
      service('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }),
      service('lb', { type: 'LoadBalancer', externalIPs: ['198.18.145.1'], ports: [{ port: 80, nodePort: 30081, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ ip: '192.0.2.2' }, { hostname: 'lb.example' }] } }),
      service('cip', { ports: [{ port: 80, nodePort: 30082, protocol: 'TCP' }], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }),
    ],
    [],
    'node-a',
  );
  const by = Object.fromEntries(ports.map((p) => [p.name, p]));
  assert.equal(by.np!.nodePort, 30080);
  assert.equal(by.lb!.nodePort, 30081);
  assert.deepEqual(by.lb!.loadBalancerIPs, ['192.0.2.2']);
  assert.deepEqual(by.lb!.externalIPs, ['198.18.145.1']);
  assert.equal(by.cip!.nodePort, 0, 'a ClusterIP service has no node port even if one is written');
  assert.equal(by.cip!.affinitySeconds, 60);
  assert.equal(by.np!.affinitySeconds, 0);
});

test('Local traffic policies use the endpoints on this node', () => {
  const [sp] = servicePortsFrom(
    [service('web', { type: 'NodePort', externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30080 }] })],
    [slice('web', 'w', [{ ip: '198.19.144.2', node: 'node-a' }, { ip: '198.19.160.2', node: 'node-b' }])],
    'node-a',
  );
  assert.equal(sp!.internalLocal, true);
  assert.equal(sp!.externalLocal, true);
  assert.deepEqual(ips(sp!.clusterEndpoints), ['198.19.144.2:8080', '198.19.160.2:8080']);
  assert.deepEqual(ips(sp!.localEndpoints), ['198.19.144.2:8080']);
});
