import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointSlicePrinter, endpointsPrinter, ingressClassPrinter, ingressPrinter, networkPolicyPrinter, servicePrinter } from './networking.js';
import { ago, cells, headers, shown } from './testing.js';

function service(spec: Record<string, unknown>, status: Record<string, unknown> = {}) {
  return { metadata: { name: 'web', creationTimestamp: ago(12, 'd') }, spec, status };
}

test('service columns', () => {
  assert.deepEqual(headers(servicePrinter), ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
  assert.deepEqual(headers(servicePrinter, true), ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
});

test('a ClusterIP service without external IPs', () => {
  const svc = service({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], selector: { 'k8s-app': 'kube-dns' } });
  assert.deepEqual(cells(servicePrinter, svc), ['web', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', '12d', 'k8s-app=kube-dns']);
});

test('a NodePort service shows port:nodePort/protocol and its external IPs', () => {
  const svc = service({ type: 'NodePort', clusterIPs: ['10.96.4.2'], externalIPs: ['192.0.2.10', '192.0.2.11'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] });
  assert.deepEqual(cells(servicePrinter, svc), ['web', 'NodePort', '10.96.4.2', '192.0.2.10,192.0.2.11', '80:30080/TCP', '12d', '<none>']);
});

test('load balancers: <pending>, then sorted ingress addresses (not elided server-side)', () => {
  const spec = { type: 'LoadBalancer', clusterIPs: ['10.96.7.7'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] };
  assert.equal(shown(servicePrinter, service(spec))[3], '<pending>');
  const lb = service(spec, { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { ip: '198.51.100.4', hostname: 'lb.example.com' }, { hostname: 'a.example.com' }, { ip: '203.0.113.9' }] } });
  assert.equal(shown(servicePrinter, lb)[3], '198.51.100.4,203.0.113.9,a.example.com');
  const withExternal = service({ ...spec, externalIPs: ['192.0.2.1'] }, { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } });
  assert.equal(shown(servicePrinter, withExternal)[3], '203.0.113.9,192.0.2.1');
  assert.equal(shown(servicePrinter, service({ ...spec, externalIPs: ['192.0.2.1'] }))[3], '192.0.2.1');
});

test('headless, ExternalName and untyped services', () => {
  const headless = service({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [] });
  assert.deepEqual(shown(servicePrinter, headless), ['web', 'ClusterIP', 'None', '<none>', '<none>', '12d']);
  const external = service({ type: 'ExternalName', externalName: 'db.example.com' });
  assert.deepEqual(shown(servicePrinter, external), ['web', 'ExternalName', '<none>', 'db.example.com', '<none>', '12d']);
  assert.deepEqual(shown(servicePrinter, { metadata: { name: 'x' } }), ['x', '', '<none>', '<unknown>', '<none>', '<unknown>']);
});

test('endpoints: host:port for each port, at most three, then a count of the rest', () => {
  assert.deepEqual(headers(endpointsPrinter), ['NAME', 'ENDPOINTS', 'AGE']);
  const ep = {
    metadata: { name: 'web', creationTimestamp: ago(1, 'h') },
    subsets: [
      { addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.7' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090 }] },
      { addresses: [{ ip: 'fd00::5' }], ports: [{ port: 8080 }] },
    ],
  };
  assert.deepEqual(cells(endpointsPrinter, ep), ['web', '10.244.1.5:8080,10.244.2.7:8080,10.244.1.5:9090 + 2 more...', '60m']);
  const small = { metadata: { name: 's' }, subsets: [{ addresses: [{ ip: 'fd00::5' }], ports: [{ port: 80 }] }] };
  assert.equal(cells(endpointsPrinter, small)[1], '[fd00::5]:80');
  const headless = { metadata: { name: 'h' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }] };
  assert.equal(cells(endpointsPrinter, headless)[1], '10.0.0.1,10.0.0.2');
  assert.equal(cells(endpointsPrinter, { metadata: { name: 'none' } })[1], '<none>');
  assert.equal(cells(endpointsPrinter, { metadata: { name: 'none' }, subsets: [{ notReadyAddresses: [{ ip: '10.0.0.3' }], ports: [{ port: 80 }] }] })[1], '');
});

test('endpointslices: address type, ports and addresses', () => {
  assert.deepEqual(headers(endpointSlicePrinter), ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
  const slice = {
    metadata: { name: 'web-abc12', creationTimestamp: ago(6, 'm') },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'grpc' }, {}, { port: 9000 }],
    endpoints: [{ addresses: ['10.244.1.5'] }, { addresses: ['10.244.2.7', '10.244.2.8'] }, { addresses: ['10.244.3.1'] }],
  };
  assert.deepEqual(cells(endpointSlicePrinter, slice), ['web-abc12', 'IPv4', '8080,grpc,* + 1 more...', '10.244.1.5,10.244.2.7,10.244.2.8 + 1 more...', '6m']);
  const empty = { metadata: { name: 'empty' }, addressType: 'IPv6' };
  assert.deepEqual(cells(endpointSlicePrinter, empty), ['empty', 'IPv6', '<unset>', '<unset>', '<unknown>']);
});

test('ingress: class, hosts, address and ports', () => {
  assert.deepEqual(headers(ingressPrinter), ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
  const ing = {
    metadata: { name: 'site', creationTimestamp: ago(10 * 365, 'd') },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }, {}, { host: 'c.example.com' }, { host: 'd.example.com' }],
      tls: [{ hosts: ['a.example.com'], secretName: 'tls' }],
    },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.5', hostname: 'ignored.example.com' }, { hostname: 'lb.example.com' }] } },
  };
  assert.deepEqual(cells(ingressPrinter, ing), ['site', 'nginx', 'a.example.com,b.example.com,c.example.com + 2 more...', '192.0.2.5,lb.example.com', '80, 443', '10y']);
  const bare = { metadata: { name: 'default-backend' }, spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } };
  assert.deepEqual(cells(ingressPrinter, bare), ['default-backend', '<none>', '*', '', '80', '<unknown>']);
});

test('ingressclass: controller and parameters reference', () => {
  const withGroup = { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } } };
  assert.deepEqual(cells(ingressClassPrinter, withGroup), ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '<unknown>']);
  const coreKind = { metadata: { name: 'c' }, spec: { controller: 'example.com/ctl', parameters: { kind: 'ConfigMap', name: 'cfg' } } };
  assert.equal(cells(ingressClassPrinter, coreKind)[2], 'ConfigMap/cfg');
  assert.equal(cells(ingressClassPrinter, { metadata: { name: 'n' }, spec: { controller: 'x' } })[2], '<none>');
});

test('networkpolicy: pod selector, <none> when it selects every pod', () => {
  assert.deepEqual(headers(networkPolicyPrinter), ['NAME', 'POD-SELECTOR', 'AGE']);
  const np = { metadata: { name: 'deny', creationTimestamp: ago(90, 's') }, spec: { podSelector: { matchLabels: { role: 'db' } } } };
  assert.deepEqual(cells(networkPolicyPrinter, np), ['deny', 'role=db', '90s']);
  assert.equal(cells(networkPolicyPrinter, { metadata: { name: 'all' }, spec: { podSelector: {} } })[1], '<none>');
});
