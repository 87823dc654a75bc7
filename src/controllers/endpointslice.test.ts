import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { R } from '../client/resources.js';
import { EndpointSliceControllerName, LabelManagedBy, LabelServiceName, endpointSliceController, planAddressType, type EndpointSlice } from './endpointslice.js';
import { MirroringControllerName, desiredMirror, endpointSliceMirroringController } from './endpointslice-mirroring.js';
import { node, pod, runPod, startRig, table } from './endpoints.testkit.js';

const svc: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', labels: { app: 'web' } },
  spec: { selector: { app: 'web' }, clusterIP: '10.43.0.10', ipFamilies: ['IPv4'], ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
};

function running(i: number, o: { ready?: boolean; deleting?: boolean } = {}): KubeObject {
  const p = pod(`web-${i}`);
  p.metadata.namespace = 'default';
  p.metadata.uid = `uid-${i}`;
  if (o.deleting) p.metadata.deletionTimestamp = '2026-01-01T00:01:00Z';
  (p.spec as Record<string, unknown>).nodeName = 'node-1';
  const ip = `10.42.${Math.floor(i / 200)}.${(i % 200) + 2}`;
  p.status = { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] };
  return p;
}

const nodes = new Map([['node-1', node('node-1', { 'topology.kubernetes.io/zone': 'zone-a' })]]);
const nodeOf = (n: string) => nodes.get(n);

/** Applies a plan to a list of slices the way the API would (names for new ones). */
function apply(existing: EndpointSlice[], plan: { create: EndpointSlice[]; update: EndpointSlice[]; delete: EndpointSlice[] }): EndpointSlice[] {
  const byName = new Map(existing.map((s) => [s.metadata.name!, s]));
  for (const s of plan.delete) byName.delete(s.metadata.name!);
  for (const s of plan.update) byName.set(s.metadata.name!, s);
  plan.create.forEach((s, i) => byName.set(`web-new${byName.size}${i}`, { ...s, metadata: { ...s.metadata, name: `web-new${byName.size}${i}` } }));
  return [...byName.values()];
}

test('slices hold at most 100 endpoints, are refilled in place, and a Service with no endpoints keeps one placeholder', () => {
  const pods = Array.from({ length: 250 }, (_, i) => running(i));
  let plan = planAddressType(svc, pods, nodeOf, [], 'IPv4', 100, EndpointSliceControllerName);
  assert.deepEqual(plan.create.map((s) => s.endpoints!.length), [100, 100, 50]);
  const first = plan.create[0];
  assert.equal(first.metadata.generateName, 'web-');
  assert.deepEqual(first.metadata.labels, { app: 'web', [LabelServiceName]: 'web', [LabelManagedBy]: EndpointSliceControllerName });
  assert.deepEqual(first.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(first.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(plan.create.flatMap((s) => s.endpoints!).find((e) => e.targetRef?.name === 'web-0'), {
    addresses: ['10.42.0.2'],
    conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'uid-0' },
    nodeName: 'node-1',
    zone: 'zone-a',
  });
  let slices = apply([], plan);

  // Nothing changed: nothing to do.
  plan = planAddressType(svc, pods, nodeOf, slices, 'IPv4', 100, EndpointSliceControllerName);
  assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 0, 0]);

  // Ten pods go, five new ones come: the slice that lost endpoints is updated and refilled.
  const gone = new Set(slices[0].endpoints!.slice(0, 10).map((e) => e.targetRef!.name));
  const fewer = [...pods.filter((p) => !gone.has(p.metadata.name)), ...Array.from({ length: 5 }, (_, i) => running(300 + i))];
  plan = planAddressType(svc, fewer, nodeOf, slices, 'IPv4', 100, EndpointSliceControllerName);
  assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 1, 0]);
  assert.equal(plan.update[0].endpoints!.length, 95);
  slices = apply(slices, plan);

  // One pod terminates: still listed, not ready, still serving.
  const terminating = fewer.map((p, i) => (i === 0 ? running(Number(p.metadata.name!.slice(4)), { deleting: true }) : p));
  plan = planAddressType(svc, terminating, nodeOf, slices, 'IPv4', 100, EndpointSliceControllerName);
  assert.equal(plan.update.length, 1);
  const ep = plan.update[0].endpoints!.find((e) => e.targetRef?.name === fewer[0].metadata.name)!;
  assert.deepEqual(ep.conditions, { ready: false, serving: true, terminating: true });
  slices = apply(slices, plan);

  // All pods gone: one slice is recycled into the placeholder, the others deleted.
  plan = planAddressType(svc, [], nodeOf, slices, 'IPv4', 100, EndpointSliceControllerName);
  assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 1, 2]);
  assert.deepEqual([plan.update[0].endpoints, plan.update[0].ports], [[], []]);
  slices = apply(slices, plan);
  plan = planAddressType(svc, [], nodeOf, slices, 'IPv4', 100, EndpointSliceControllerName);
  assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 0, 0]);
});

test('pods on unknown nodes are left out and reported; slices of other owners are deleted', () => {
  const lost = running(1);
  (lost.spec as Record<string, unknown>).nodeName = 'gone';
  const foreign: EndpointSlice = { metadata: { name: 'web-old', ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'old-uid' }] }, addressType: 'IPv4', endpoints: [], ports: [] };
  const plan = planAddressType(svc, [running(0), lost], nodeOf, [foreign], 'IPv4', 100, EndpointSliceControllerName);
  assert.equal(plan.missingNodes.length, 1);
  assert.match(plan.missingNodes[0], /skipping Pod web-1 for Service default\/web: Node gone Not Found/);
  assert.deepEqual(plan.delete.map((s) => s.metadata.name), ['web-old']);
  assert.equal(plan.create[0].endpoints!.length, 1);
});

test('mirroring: one group per address type and port set, at most 1000 addresses per subset, bad IPs skipped', () => {
  const ep: KubeObject = {
    metadata: { name: 'ext', namespace: 'default' },
    subsets: [
      { addresses: [{ ip: '192.0.2.10' }, { ip: 'not-an-ip' }], notReadyAddresses: [{ ip: '192.0.2.11' }], ports: [{ name: 'db', port: 5432, protocol: 'TCP' }] },
      { addresses: Array.from({ length: 1002 }, (_, i) => ({ ip: `198.51.${Math.floor(i / 250)}.${i % 250}` })), ports: [{ port: 80 }] },
    ],
  };
  const d = desiredMirror(ep, 1000);
  assert.equal(d.invalid, 1);
  assert.equal(d.skipped, 3);
  const groups = [...d.groups.values()];
  assert.deepEqual(groups.map((g) => [g.addressType, g.ports, g.endpoints.size]), [
    ['IPv4', [{ name: 'db', port: 5432, protocol: 'TCP' }], 2],
    ['IPv4', [{ name: '', port: 80, protocol: 'TCP' }], 1000],
  ]);
  assert.deepEqual([...groups[0].endpoints.values()].map((e) => e.conditions), [{ ready: true }, { ready: false }]);
});

// ---- against the real API server ----

test('kubectl get endpointslices: a Service’s slice follows its pods, with zones and conditions', async () => {
  const rig = await startRig((ctx, r) => [endpointSliceController(ctx, { recorder: r.recorder('endpoint-slice-controller') })]);
  try {
    const { client, clock } = rig;
    await client.create(R.nodes, '', node('node-1', { 'topology.kubernetes.io/zone': 'zone-a' }));
    await client.create(R.services, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubia' },
      spec: { selector: { app: 'kubia' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    const slices = async () => (await client.list(R.endpointslices, 'default', { labelSelector: `${LabelServiceName}=kubia` })).items as EndpointSlice[];
    const placeholder = (await rig.until(async () => ((await slices()).length === 1 ? await slices() : undefined), 'the placeholder slice'))[0];
    assert.match(placeholder.metadata.name!, /^kubia-[a-z0-9]{5}$/);
    assert.equal(placeholder.addressType, 'IPv4');
    assert.equal(placeholder.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], '2026-01-01T00:00:00Z');
    let rows = table((await rig.kubectl(['get', 'endpointslices'])).stdout);
    assert.deepEqual(rows.find((r) => r[0] === placeholder.metadata.name)?.slice(0, 4), [placeholder.metadata.name, 'IPv4', '<unset>', '<unset>']);

    for (const i of [0, 1, 2]) {
      await runPod(client, clock, pod(`kubia-${i}`, { labels: { app: 'kubia' }, ports: [{ name: 'http', containerPort: 8080 }] }), { node: 'node-1', ip: `10.42.0.${i + 2}`, ready: i < 2 });
    }
    const full = await rig.until(async () => {
      const s = await slices();
      return s.length === 1 && s[0].endpoints?.length === 3 ? s[0] : undefined;
    }, 'three endpoints in one slice');
    assert.equal(full.metadata.name, placeholder.metadata.name, 'the placeholder is reused');
    assert.deepEqual(full.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const byPod = new Map(full.endpoints!.map((e) => [e.targetRef?.name, e]));
    assert.deepEqual(byPod.get('kubia-2')?.conditions, { ready: false, serving: false, terminating: false });
    assert.equal(byPod.get('kubia-0')?.zone, 'zone-a');
    rows = table((await rig.kubectl(['get', 'endpointslices', '-l', `${LabelServiceName}=kubia`])).stdout);
    assert.deepEqual(rows[1].slice(0, 4), [full.metadata.name, 'IPv4', '8080', '10.42.0.2,10.42.0.3,10.42.0.4']);
    const yaml = (await rig.kubectl(['get', 'endpointslice', full.metadata.name!, '-o', 'jsonpath={.metadata.labels}'])).stdout;
    assert.deepEqual(JSON.parse(yaml), { [LabelServiceName]: 'kubia', [LabelManagedBy]: EndpointSliceControllerName });

    // A deleted (terminating) pod stays as terminating, serving while ready.
    await client.delete(R.pods, 'default', 'kubia-0');
    await rig.until(async () => {
      const e = (await slices())[0].endpoints!.find((x) => x.targetRef?.name === 'kubia-0');
      return e && e.conditions?.terminating === true && e.conditions.ready === false && e.conditions.serving === true;
    }, 'kubia-0 terminating');
    await client.delete(R.pods, 'default', 'kubia-0', { gracePeriodSeconds: 0 });
    await rig.until(async () => (await slices())[0].endpoints!.length === 2, 'kubia-0 gone');
  } finally {
    await rig.stop();
  }
});

test('selector-less Services: manual Endpoints are mirrored, skip-mirror is honoured, and the mirror follows', async () => {
  const rig = await startRig((ctx, r) => [endpointSliceMirroringController(ctx, { recorder: r.recorder('endpoint-slice-mirroring-controller') }), endpointSliceController(ctx)]);
  try {
    const { client } = rig;
    await client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'external-db' }, spec: { ports: [{ port: 5432 }] } });
    await client.create(R.endpoints, 'default', {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'external-db', labels: { team: 'data' } },
      subsets: [{ addresses: [{ ip: '192.0.2.42' }], ports: [{ port: 5432 }] }],
    });
    const mirrored = async () => (await client.list(R.endpointslices, 'default', { labelSelector: `${LabelServiceName}=external-db` })).items as EndpointSlice[];
    const [slice] = await rig.until(async () => ((await mirrored()).length === 1 ? await mirrored() : undefined), 'a mirrored slice');
    assert.match(slice.metadata.name!, /^external-db-[a-z0-9]{5}$/);
    assert.deepEqual(slice.metadata.labels, { team: 'data', [LabelServiceName]: 'external-db', [LabelManagedBy]: MirroringControllerName });
    assert.equal(slice.metadata.ownerReferences?.[0].kind, 'Endpoints');
    assert.deepEqual(slice.endpoints, [{ addresses: ['192.0.2.42'], conditions: { ready: true } }]);
    assert.deepEqual(slice.ports, [{ name: '', port: 5432, protocol: 'TCP' }]);

    await client.patch(R.endpoints, 'default', 'external-db', 'merge', { subsets: [{ addresses: [{ ip: '192.0.2.42' }, { ip: '192.0.2.43' }], ports: [{ port: 5432 }] }] });
    await rig.until(async () => (await mirrored())[0]?.endpoints?.length === 2, 'the second address mirrored');

    // The API server's own `kubernetes` Endpoints carry skip-mirror: no mirror of them.
    assert.equal((await client.list(R.endpointslices, 'default', { labelSelector: `${LabelManagedBy}=${MirroringControllerName},${LabelServiceName}=kubernetes` })).items.length, 0);

    // Given a selector, the Service's slices come from the EndpointSlice controller instead.
    await client.patch(R.services, 'default', 'external-db', 'merge', { spec: { selector: { app: 'db' } } });
    await rig.until(async () => {
      const s = await mirrored();
      return s.length === 1 && s[0].metadata.labels?.[LabelManagedBy] === EndpointSliceControllerName;
    }, 'the mirror replaced by a controller-managed placeholder');
  } finally {
    await rig.stop();
  }
});
