import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { ClusterRecords, type Lookup } from './records.js';

function svc(ns: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec } as KubeObject;
}

function slice(ns: string, service: string, endpoints: Record<string, unknown>[], ports: Record<string, unknown>[] = []): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints,
    ports,
  } as unknown as KubeObject;
}

function data(l: Lookup): unknown[] {
  assert.equal(l.kind, 'answer');
  return l.kind === 'answer' ? l.answers.map((a) => a.data) : [];
}

function cluster(): ClusterRecords {
  const r = new ClusterRecords('cluster.local');
  r.setService(svc('default', 'ver', { clusterIP: '198.18.0.20', clusterIPs: ['198.18.0.20'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }));
  r.setService(svc('default', 'nginx', { clusterIP: 'None', ports: [{ name: 'web', port: 80, protocol: 'TCP' }] }));
  r.setSlice(
    slice(
      'default',
      'nginx',
      [
        { addresses: ['198.19.0.5'], hostname: 'web-0', conditions: { ready: true } },
        { addresses: ['198.19.0.6'], hostname: 'web-1', conditions: { ready: true } },
        { addresses: ['198.19.0.7'], hostname: 'web-2', conditions: { ready: false } },
      ],
      [{ name: 'web', port: 8080, protocol: 'TCP' }],
    ),
  );
  r.setService(svc('prod', 'db', { type: 'ExternalName', externalName: 'db.example.com' }));
  return r;
}

test('a ClusterIP Service answers its address, case-insensitively and with a final dot', () => {
  const r = cluster();
  assert.deepEqual(data(r.lookup('ver.default.svc.cluster.local', 'A')), ['198.18.0.20']);
  assert.deepEqual(data(r.lookup('VER.Default.svc.cluster.local.', 'A')), ['198.18.0.20']);
  // It exists, but has no IPv6 address: NODATA, not NXDOMAIN.
  assert.deepEqual(data(r.lookup('ver.default.svc.cluster.local', 'AAAA')), []);
});

test('names that do not exist are NXDOMAIN; names outside the zone are external', () => {
  const r = cluster();
  assert.equal(r.lookup('nope.default.svc.cluster.local', 'A').kind, 'nxdomain');
  assert.equal(r.lookup('ver.other.svc.cluster.local', 'A').kind, 'nxdomain');
  assert.equal(r.lookup('ver.default.cluster.local', 'A').kind, 'nxdomain');
  assert.equal(r.lookup('example.com', 'A').kind, 'external');
  assert.equal(r.lookup('default.svc.cluster.local', 'A').kind, 'answer');
});

test('a headless Service answers its ready endpoints, and each by hostname', () => {
  const r = cluster();
  assert.deepEqual(data(r.lookup('nginx.default.svc.cluster.local', 'A')), ['198.19.0.5', '198.19.0.6']);
  assert.deepEqual(data(r.lookup('web-0.nginx.default.svc.cluster.local', 'A')), ['198.19.0.5']);
  assert.equal(r.lookup('web-2.nginx.default.svc.cluster.local', 'A').kind, 'nxdomain');
  r.setService(svc('default', 'nginx', { clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'web', port: 80 }] }));
  assert.deepEqual(data(r.lookup('web-2.nginx.default.svc.cluster.local', 'A')), ['198.19.0.7']);
});

test('SRV records list the named port: per endpoint for headless, the Service otherwise', () => {
  const r = cluster();
  const headless = r.lookup('_web._tcp.nginx.default.svc.cluster.local', 'SRV');
  assert.deepEqual(data(headless), [
    { priority: 0, weight: 50, port: 8080, target: 'web-0.nginx.default.svc.cluster.local' },
    { priority: 0, weight: 50, port: 8080, target: 'web-1.nginx.default.svc.cluster.local' },
  ]);
  assert.equal(headless.kind === 'answer' && headless.additionals.length, 2);
  assert.deepEqual(data(r.lookup('_http._tcp.ver.default.svc.cluster.local', 'SRV')), [{ priority: 0, weight: 100, port: 80, target: 'ver.default.svc.cluster.local' }]);
  assert.equal(r.lookup('_http._udp.ver.default.svc.cluster.local', 'SRV').kind, 'nxdomain');
  // SRV on the Service name lists every named port.
  assert.equal(data(r.lookup('nginx.default.svc.cluster.local', 'SRV')).length, 2);
});

test('ExternalName answers a CNAME; pod names answer their address', () => {
  const r = cluster();
  assert.deepEqual(r.lookup('db.prod.svc.cluster.local', 'A'), { kind: 'answer', answers: [{ type: 'CNAME', name: 'db.prod.svc.cluster.local', ttl: 5, data: 'db.example.com' }], additionals: [] });
  assert.deepEqual(data(r.lookup('198-19-0-5.default.pod.cluster.local', 'A')), ['198.19.0.5']);
  assert.equal(r.lookup('1-2-3.default.pod.cluster.local', 'A').kind, 'nxdomain');
});

test('PTR answers for ClusterIPs and headless endpoints; removals are seen', () => {
  const r = cluster();
  assert.deepEqual(data(r.lookup('20.0.18.198.in-addr.arpa', 'PTR')), ['ver.default.svc.cluster.local']);
  assert.deepEqual(data(r.lookup('5.0.19.198.in-addr.arpa', 'PTR')), ['web-0.nginx.default.svc.cluster.local']);
  r.deleteService(svc('default', 'ver', {}));
  assert.equal(r.lookup('20.0.18.198.in-addr.arpa', 'PTR').kind, 'external');
  assert.equal(r.lookup('ver.default.svc.cluster.local', 'A').kind, 'nxdomain');
  r.deleteSlice(slice('default', 'nginx', []));
  assert.deepEqual(data(r.lookup('nginx.default.svc.cluster.local', 'A')), []);
});

test('dns-version answers the specification version', () => {
  assert.deepEqual(data(cluster().lookup('dns-version.cluster.local', 'TXT')), ['1.1.0']);
});
