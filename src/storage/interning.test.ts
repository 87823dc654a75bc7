import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { internShared, thawShared, ValueInterner } from './interning.js';
import { SqliteStorage } from './sqlite/sqlite-storage.js';
import { markStored, storedJson } from './stored-json.js';

function templatePod(name: string, ip: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'web', 'pod-template-hash': '6d4cf56db6' },
      annotations: { 'prometheus.io/scrape': 'true' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6d4cf56db6', uid: 'u1', controller: true }],
      managedFields: [
        { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } },
        { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:podIPs': { [`k:{"ip":"${ip}"}`]: {} } } }, subresource: 'status' },
      ],
    },
    spec: { containers: [{ name: 'web', image: 'nginx' }] },
  };
}

describe('ValueInterner', () => {
  it('gives equal values one frozen copy, and different values their own', () => {
    const interner = new ValueInterner();
    const a = interner.intern({ app: 'web', tier: 'front' });
    const b = interner.intern({ app: 'web', tier: 'front' });
    const c = interner.intern({ app: 'db' });
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.ok(Object.isFrozen(a));
    assert.throws(() => {
      (a as Record<string, string>).app = 'x';
    }, TypeError);
  });

  it('shares equal subtrees of trees that differ elsewhere', () => {
    const interner = new ValueInterner();
    const a = interner.intern({ 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } }, 'f:volumes': { 'k:{"name":"kube-api-access-abcde"}': {} } } });
    const b = interner.intern({ 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } }, 'f:volumes': { 'k:{"name":"kube-api-access-fghij"}': {} } } });
    assert.notEqual(a, b);
    assert.equal(a['f:spec']['f:containers'], b['f:spec']['f:containers']);
    assert.notEqual(a['f:spec']['f:volumes'], b['f:spec']['f:volumes']);
    assert.equal(JSON.stringify(b), '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{}}},"f:volumes":{"k:{\\"name\\":\\"kube-api-access-fghij\\"}":{}}}}');
    // Order, types and array positions are part of a value: these stay apart.
    assert.notEqual(interner.intern({ x: 1, y: 2 }), interner.intern({ y: 2, x: 1 }));
    assert.notEqual(interner.intern({ x: '1' }), interner.intern({ x: 1 }));
    assert.notEqual(interner.intern([{ a: 1 }, { b: 2 }]), interner.intern([{ b: 2 }, { a: 1 }]));
  });

  it('shares metadata parts and specs alike across objects, keeping their JSON text', () => {
    const interner = new ValueInterner();
    const p1 = templatePod('a', '10.0.0.1');
    const p2 = templatePod('b', '10.0.0.2');
    const before2 = JSON.stringify(p2);
    internShared(p1, interner);
    internShared(p2, interner);
    assert.equal(JSON.stringify(p2), before2, 'the JSON text is unchanged');
    assert.equal(p1.metadata.labels, p2.metadata.labels);
    assert.equal(p1.metadata.annotations, p2.metadata.annotations);
    assert.equal(p1.metadata.ownerReferences, p2.metadata.ownerReferences);
    assert.equal(p1.spec, p2.spec);
    assert.equal(p1.metadata.managedFields![0], p2.metadata.managedFields![0]);
    assert.notEqual(p1.metadata.managedFields![1].fieldsV1, p2.metadata.managedFields![1].fieldsV1);
    assert.ok(Object.isFrozen(p2.metadata.managedFields![1].fieldsV1));
  });
});

describe('ValueInterner and data that is not plain JSON', () => {
  it('leaves a node holding anything else, and every node above it, as it is', () => {
    const interner = new ValueInterner();
    const when = new Date(0);
    const value = { a: { when }, b: { x: 1 }, c: [undefined], d: { n: Number.NaN } };
    const out = interner.intern(value);
    assert.equal(out, value);
    assert.ok(!Object.isFrozen(value) && !Object.isFrozen(value.a) && !Object.isFrozen(value.c) && !Object.isFrozen(value.d));
    assert.equal(value.a.when, when);
    assert.ok(!interner.has(value));
    // What is plain below it is shared all the same.
    assert.ok(interner.has(interner.intern({ x: 1 })));
  });

  it('internMembers finds what intern made, and makes what is missing', () => {
    const interner = new ValueInterner();
    const leaf = interner.intern({});
    const made = interner.intern({ 'f:a': {}, 'f:b': { '.': {} } });
    assert.equal(interner.internMembers(['f:a', 'f:b'], [leaf, interner.intern({ '.': {} })]), made);
    const fresh = interner.internMembers(['f:c'], [leaf]);
    assert.deepEqual(fresh, { 'f:c': {} });
    assert.ok(Object.isFrozen(fresh) && interner.has(fresh));
    assert.equal(interner.intern({ 'f:c': {} }), fresh);
  });

  it('tells the nodes found again (shared) from those only one tree holds', () => {
    const interner = new ValueInterner();
    const a = interner.intern({ env: [{ name: 'A' }], volume: { name: 'token-abcde' } });
    const b = interner.intern({ env: [{ name: 'A' }], volume: { name: 'token-fghij' } });
    assert.ok(interner.isShared(b.env) && interner.isShared(b.env[0]));
    assert.ok(!interner.isShared(a.volume) && !interner.isShared(b.volume) && !interner.isShared(b));
    // A part repeated inside one object is one node, but not one that recurs across objects.
    const c = interner.intern({ web: { mount: 'token-klmno' }, sidecar: { mount: 'token-klmno' } });
    assert.equal(c.web, c.sidecar);
    assert.ok(!interner.isShared(c.web));
  });

  it('thawShared gives an object back copies of its shared parts', () => {
    const interner = new ValueInterner();
    const pod = templatePod('a', '10.0.0.1');
    internShared(pod, interner);
    thawShared(pod);
    assert.ok(!Object.isFrozen(pod.spec) && !Object.isFrozen(pod.metadata.labels));
    assert.deepEqual(pod, { ...templatePod('a', '10.0.0.1') });
  });
});

describe('stored objects share what they hold alike', () => {
  it('two pods of one template written to the store share labels and managed fields; reads are unchanged', async () => {
    const store = new SqliteStorage({ path: ':memory:' });
    const a = await store.create('/registry/pods/default/a', templatePod('a', '10.0.0.1'));
    const b = await store.create('/registry/pods/default/b', templatePod('b', '10.0.0.2'), { owned: true });
    assert.equal(a.value.metadata.labels, b.value.metadata.labels);
    assert.equal(a.value.metadata.managedFields![0].fieldsV1, b.value.metadata.managedFields![0].fieldsV1);
    const got = await store.get('/registry/pods/default/b');
    const expected = templatePod('b', '10.0.0.2');
    expected.metadata.resourceVersion = String(b.revision);
    assert.deepEqual(JSON.parse(storedJson(got!.value)), expected);
    // An update that changes a label gets its own labels; the other pod keeps the shared ones.
    const changed = templatePod('b', '10.0.0.2');
    changed.metadata.labels = { ...changed.metadata.labels, app: 'other' };
    const b2 = await store.update('/registry/pods/default/b', b.revision, changed);
    assert.equal(b2.value.metadata.labels!.app, 'other');
    assert.equal((await store.get('/registry/pods/default/a'))!.value.metadata.labels!.app, 'web');
    await store.close();
  });
});

describe('storedJson', () => {
  it('answers the text of a marked object, also after its remembered text has been forgotten', () => {
    const first = { metadata: { name: 'first' }, data: { v: 'x'.repeat(1000) } };
    markStored(first, JSON.stringify(first));
    assert.equal(storedJson(first), JSON.stringify(first));
    // Far more text than the budget (32 Mi characters) pushes the first text out.
    for (let i = 0; i < 40; i++) {
      const big = { metadata: { name: `big-${i}` }, data: { v: 'y'.repeat(1 << 20) } };
      markStored(big, JSON.stringify(big));
    }
    assert.equal(storedJson(first), JSON.stringify(first));
    const unmarked = { a: 1 };
    assert.equal(storedJson(unmarked), '{"a":1}');
    unmarked.a = 2;
    assert.equal(storedJson(unmarked), '{"a":2}', 'an object the store did not mark is never answered from memory');
  });
});
