import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { KubeObject } from '../src/api/object.js';
import { ClusterRecords } from '../src/dns/records.js';
import { DnsServer } from '../src/dns/server.js';
import { renderNetwork, type NetworkResults } from './network.js';
import { dnsLoad, httpLoad, type LoadFigures } from './net-load.js';

const machine = { cpuModel: 'AMD EPYC', cpus: 2, memoryGiB: 24, node: 'v20.20.2', kubectl: 'v1.32', kernel: '6.1', loadAverage: 1, date: '2026-11-23T12:00:00.000Z' };
const figures = (perSecond: number, errors = 0): LoadFigures => ({ ok: perSecond * 4, errors, elapsedMs: 4000, perSecond, latencyMs: { p50: 5, p99: 20 } });

test('the ClusterIP passes at 80% of direct and the Ready → traffic p99 under 1 s', () => {
  const results: NetworkResults = {
    machine,
    concurrency: 12,
    roundMs: 4000,
    throughput: [
      { from: 'host', direct: [figures(1000), figures(2000), figures(1500)], clusterIP: [figures(1300), figures(1200), figures(5000)] },
      { from: 'pod', direct: [figures(1000)], clusterIP: [figures(790, 2)] },
    ],
    readyToTraffic: { count: 20, p50: 60, p99: 999, max: 999 },
    dns: [{ where: 'loopback', figures: figures(8000) }],
  };
  const text = renderNetwork(results);
  // From the host, round by round: 130%, 60%, 333% of direct: the median is 130%; 79% from the pod.
  assert.match(text, /\| from the host \| 1,500 \(1,000, 2,000, 1,500\) \| 1,300 \(1,300, 1,200, 5,000\) \| 130% \| 20\.0 ms \/ 20\.0 ms \| 0 \/ 0 \| PASS \|/);
  assert.match(text, /\| from the pod \| 1,000 \(1,000\) \| 790 \(790\) \| 79% \| .* \| 0 \/ 2 \| FAIL \|/);
  assert.match(text, /\| 20 \| 60\.0 ms \| 999 ms \| 999 ms \| PASS \|/);
  assert.match(text, /\| loopback \| 8,000 \| 5\.00 ms \| 20\.0 ms \| 0 \|/);
  assert.match(renderNetwork({ ...results, readyToTraffic: { count: 20, p50: 60, p99: 1000, max: 1200 } }), /\| 1,000 ms \| 1,200 ms \| FAIL \|/);
});

test('a machine without containers says why', () => {
  const text = renderNetwork({ machine, concurrency: 12, roundMs: 4000, throughput: [], readyToTraffic: { count: 0, p50: NaN, p99: NaN, max: NaN }, dns: [], skipped: 'needs root (iptables, containerd)' });
  assert.match(text, /Skipped: needs root \(iptables, containerd\)\./);
});

test('the HTTP load counts answered requests, one connection each, and failures', async () => {
  let connections = 0;
  const server = createServer((_req, res) => res.end('ok')).on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const f = await httpLoad([`127.0.0.1:${port}`], 300, 4);
    assert.ok(f.ok > 10, `${f.ok} requests`);
    assert.equal(f.errors, 0);
    assert.equal(connections, f.ok);
    assert.ok(Math.abs(f.perSecond - (f.ok * 1000) / f.elapsedMs) < 1e-9);
    server.close();
    const refused = await httpLoad([`127.0.0.1:${port}`], 100, 2);
    assert.equal(refused.ok, 0);
    assert.ok(refused.errors > 0);
  } finally {
    server.close();
  }
});

test('the DNS load keeps queries in flight against the cluster DNS server and counts NXDOMAIN as failed', async () => {
  const records = new ClusterRecords('cluster.local');
  records.setService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '198.18.210.5', clusterIPs: ['198.18.210.5'], ports: [{ port: 80 }] } } as KubeObject);
  const server = new DnsServer({ records, host: '127.0.0.1', port: 0, upstreams: [] });
  await server.listen();
  try {
    const f = await dnsLoad(`127.0.0.1:${server.port}`, 'web.default.svc.cluster.local', 300, 8);
    assert.ok(f.ok > 50, `${f.ok} answers`);
    assert.equal(f.errors, 0);
    const missing = await dnsLoad(`127.0.0.1:${server.port}`, 'nope.default.svc.cluster.local', 100, 2);
    assert.equal(missing.ok, 0);
    assert.ok(missing.errors > 0);
  } finally {
    await server.close();
  }
});
