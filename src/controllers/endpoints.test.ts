import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { R } from '../client/resources.js';
import { EndpointsAnnotations, HeadlessServiceLabel, TriggerTimeTracker, desiredSubsets, endpointsController, findPort, repackSubsets, rfc3339Nano, truncateSubsets, type EndpointSubset } from './endpoints.js';
import { node, pod, runPod, startRig, table } from './endpoints.testkit.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');

function svc(name: string, spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z', ...(labels ? { labels } : {}) }, spec };
}

function running(name: string, ip: string, o: { ready?: boolean; ports?: { name?: string; containerPort: number; protocol?: string }[]; deleting?: boolean; hostname?: string; subdomain?: string; phase?: string } = {}): KubeObject {
  const p = pod(name, { labels: { app: 'web' }, ports: o.ports, hostname: o.hostname, subdomain: o.subdomain });
  p.metadata.namespace = 'default';
  p.metadata.uid = `uid-${name}`;
  if (o.deleting) p.metadata.deletionTimestamp = '2026-01-01T00:01:00Z';
  (p.spec as Record<string, unknown>).nodeName = 'node-1';
  p.status = {
    phase: o.phase ?? 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: '2026-01-01T00:00:30Z' }],
  };
  return p;
}

test('named target ports resolve per pod; unready pods are listed apart; terminal and terminating pods drop out', () => {
  const s = svc('web', { selector: { app: 'web' }, clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
  const pods = [
    running('a', '10.42.0.2', { ports: [{ name: 'http', containerPort: 8080 }] }),
    running('b', '10.42.0.3', { ports: [{ name: 'http', containerPort: 9090 }] }),
    running('c', '10.42.0.4', { ports: [{ name: 'http', containerPort: 8080 }], ready: false }),
    running('d', '10.42.0.5', { ports: [{ name: 'web', containerPort: 8080 }] }), // no port named http
    running('e', '10.42.0.6', { ports: [{ name: 'http', containerPort: 8080 }], deleting: true }),
    running('f', '10.42.0.7', { ports: [{ name: 'http', containerPort: 8080 }], phase: 'Succeeded' }),
  ];
  const subsets = desiredSubsets(s, pods);
  const ref = (n: string) => ({ kind: 'Pod', namespace: 'default', name: n, uid: `uid-${n}` });
  assert.deepEqual(
    subsets.map((x) => ({ ready: x.addresses?.map((a) => a.ip), notReady: x.notReadyAddresses?.map((a) => a.ip), ports: x.ports })),
    [
      { ready: ['10.42.0.2'], notReady: ['10.42.0.4'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { ready: ['10.42.0.3'], notReady: undefined, ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] },
    ],
  );
  assert.deepEqual(subsets[0].addresses![0], { ip: '10.42.0.2', nodeName: 'node-1', targetRef: ref('a') });
  // publishNotReadyAddresses: not-ready and terminating pods count as ready.
  const tolerant = svc('web', { ...(s.spec as object), publishNotReadyAddresses: true });
  const all = desiredSubsets(tolerant, pods);
  assert.deepEqual(all.flatMap((x) => (x.addresses ?? []).map((a) => a.ip)).sort(), ['10.42.0.2', '10.42.0.3', '10.42.0.4', '10.42.0.6']);
  assert.equal(findPort(pods[0], { port: 80, targetPort: 8443 }), 8443);
  assert.equal(findPort(pods[0], { port: 80, targetPort: 'http', protocol: 'UDP' }), undefined);
});

test('headless services: hostnames for pods of their subdomain; no ports keeps the addresses', () => {
  const s = svc('nginx', { selector: { app: 'web' }, clusterIP: 'None' });
  const pods = [running('web-0', '10.42.0.2', { hostname: 'web-0', subdomain: 'nginx' }), running('web-1', '10.42.0.3', { hostname: 'web-1', subdomain: 'other' })];
  const subsets = desiredSubsets(s, pods);
  assert.equal(subsets.length, 1);
  assert.deepEqual(
    subsets[0].addresses!.map((a) => [a.ip, a.hostname]),
    [
      ['10.42.0.2', 'web-0'],
      ['10.42.0.3', undefined],
    ],
  );
  assert.equal(subsets[0].ports, undefined);
});

test('repacking merges addresses that share ports; an address not ready on one port is not ready', () => {
  const a = { ip: '10.42.0.9' };
  const b = { ip: '10.42.0.1' };
  const p80 = { name: 'http', port: 80, protocol: 'TCP' };
  const p443 = { name: 'https', port: 443, protocol: 'TCP' };
  const packed = repackSubsets([
    { addresses: [a], ports: [p80] },
    { addresses: [b], ports: [p80] },
    { addresses: [a], ports: [p443] },
    { notReadyAddresses: [b], ports: [p443] },
  ]);
  assert.deepEqual(packed, [
    { addresses: [b, a], ports: [p80] },
    { addresses: [a], notReadyAddresses: [b], ports: [p443] },
  ]);
});

test('over 1000 addresses: ready ones are kept first, in proportion per subset', () => {
  const addrs = (n: number, base: number) => Array.from({ length: n }, (_, i) => ({ ip: `10.${base}.${Math.floor(i / 250)}.${i % 250}` }));
  const subsets: EndpointSubset[] = [
    { addresses: addrs(600, 1), notReadyAddresses: addrs(100, 2), ports: [{ port: 80 }] },
    { addresses: addrs(300, 3), notReadyAddresses: addrs(100, 4), ports: [{ port: 81 }] },
  ];
  assert.equal(truncateSubsets(subsets), true);
  assert.deepEqual(
    subsets.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0]),
    [
      [600, 50],
      [300, 50],
    ],
  );
  const big: EndpointSubset[] = [{ addresses: addrs(1200, 5), notReadyAddresses: addrs(5, 6), ports: [{ port: 80 }] }];
  assert.equal(truncateSubsets(big), true);
  assert.deepEqual([big[0].addresses!.length, big[0].notReadyAddresses], [1000, undefined]);
  assert.equal(truncateSubsets([{ addresses: addrs(10, 7) }]), false);
});

test('trigger time: the Service creation first, then the earliest change since the last sync', () => {
  const tracker = new TriggerTimeTracker();
  const s = svc('web', { selector: { app: 'web' } });
  const p1 = running('a', '10.42.0.2');
  assert.equal(tracker.compute(s, [p1]), t0);
  assert.equal(tracker.compute(s, [p1]), undefined);
  const p2 = running('b', '10.42.0.3');
  (p2.status as { conditions: { lastTransitionTime: string }[] }).conditions[0].lastTransitionTime = '2026-01-01T00:05:00Z';
  assert.equal(tracker.compute(s, [p1, p2]), Date.parse('2026-01-01T00:05:00Z'));
  assert.equal(rfc3339Nano(t0), '2026-01-01T00:00:00Z');
  assert.equal(rfc3339Nano(t0 + 120), '2026-01-01T00:00:00.12Z');
});

// ---- against the real API server ----

test('the kubia Service: endpoints follow pod readiness, deletion and the Service itself (kubectl get endpoints)', async () => {
  const rig = await startRig((ctx, r) => [endpointsController(ctx, { recorder: r.recorder('endpoint-controller') })]);
  try {
    const { client, clock } = rig;
    await client.create(R.nodes, '', node('node-1'));
    await client.create(R.services, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubia', labels: { app: 'kubia' } },
      spec: { selector: { app: 'kubia' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const ep = () => client.get(R.endpoints, 'default', 'kubia');
    const created = await rig.until(ep, 'Endpoints kubia');
    assert.deepEqual(created.metadata.labels, { app: 'kubia' });
    assert.equal(created.metadata.annotations?.[EndpointsAnnotations.LastChangeTriggerTime], '2026-01-01T00:00:00Z');
    assert.equal(created.subsets, undefined);
    assert.match((await rig.kubectl(['get', 'endpoints', 'kubia'])).stdout, /kubia\s+<none>/);

    for (const [i, ready] of [true, true, false].entries()) {
      await runPod(client, clock, pod(`kubia-${i}`, { labels: { app: 'kubia' }, ports: [{ containerPort: 8080 }] }), { node: 'node-1', ip: `10.42.0.${i + 2}`, ready });
    }
    const withPods = await rig.until(async () => {
      const e = await ep();
      const s = (e?.subsets ?? []) as EndpointSubset[];
      return s[0]?.addresses?.length === 2 && s[0]?.notReadyAddresses?.length === 1 ? e : undefined;
    }, 'two ready and one not-ready address');
    const subset = (withPods.subsets as EndpointSubset[])[0];
    assert.deepEqual(subset.ports, [{ port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(subset.notReadyAddresses![0].targetRef?.name, 'kubia-2');
    assert.equal(subset.addresses![0].nodeName, 'node-1');
    const rows = table((await rig.kubectl(['get', 'endpoints', 'kubia'])).stdout);
    assert.deepEqual(rows[1].slice(0, 2), ['kubia', '10.42.0.2:8080,10.42.0.3:8080']);

    // The third pod becomes ready; the first is deleted (gracefully: it is terminating).
    await runPod(client, clock, pod('kubia-2'), { ready: true });
    await client.delete(R.pods, 'default', 'kubia-0');
    await rig.until(async () => {
      const s = ((await ep())?.subsets ?? []) as EndpointSubset[];
      return s.length === 1 && s[0].addresses?.map((a) => a.ip).join() === '10.42.0.3,10.42.0.4' && !s[0].notReadyAddresses;
    }, 'the terminating pod gone and the third pod ready');

    // A Service's labels are the Endpoints' labels; a headless Service marks them.
    await client.patch(R.services, 'default', 'kubia', 'merge', { metadata: { labels: { app: 'kubia', tier: 'web' } } });
    await rig.until(async () => (await ep())?.metadata.labels?.tier === 'web', 'labels copied');

    await client.delete(R.services, 'default', 'kubia');
    await rig.until(async () => !(await ep()), 'Endpoints deleted with the Service');
  } finally {
    await rig.stop();
  }
});

test('leftover Endpoints without a Service are removed at start; headless Services are labelled', async () => {
  const rig = await startRig(() => []);
  try {
    const { client } = rig;
    await client.create(R.endpoints, 'default', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'orphan' }, subsets: [{ addresses: [{ ip: '10.42.0.9' }], ports: [{ port: 80 }] }] });
    await client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx' }, spec: { clusterIP: 'None', selector: { app: 'nginx' }, ports: [{ port: 80 }] } });
    rig.h.run(endpointsController(rig.h.ctx));
    await rig.until(async () => !(await client.get(R.endpoints, 'default', 'orphan')), 'the orphan removed');
    const headless = await rig.until(() => client.get(R.endpoints, 'default', 'nginx'), 'headless Endpoints');
    assert.deepEqual(headless.metadata.labels, { [HeadlessServiceLabel]: '' });
    // The API server's own Endpoints (no selector on `kubernetes`) are left alone.
    assert.ok((await client.get(R.services, 'default', 'kubernetes')) !== undefined);
  } finally {
    await rig.stop();
  }
});
