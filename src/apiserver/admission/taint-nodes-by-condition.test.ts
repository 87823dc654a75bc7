import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { FakeLookup, request } from './fake-lookup.js';
import { taintNodesByCondition } from './taint-nodes-by-condition.js';

const node = (taints?: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: taints ? { taints } : {} });

test('a new node is tainted not-ready:NoSchedule', async () => {
  const n = node();
  await taintNodesByCondition.admit!(request('CREATE', 'nodes', n), new FakeLookup());
  assert.deepEqual((n.spec as any).taints, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
});

test('its own taints stay, and an existing not-ready taint (any value) is not doubled', async () => {
  const n = node([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
  await taintNodesByCondition.admit!(request('CREATE', 'nodes', n), new FakeLookup());
  assert.deepEqual((n.spec as any).taints, [
    { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
  ]);
  const already = node([{ key: 'node.kubernetes.io/not-ready', value: 'x', effect: 'NoSchedule' }]);
  await taintNodesByCondition.admit!(request('CREATE', 'nodes', already), new FakeLookup());
  assert.equal((already.spec as any).taints.length, 1);
});

test('updates and status writes are not tainted', async () => {
  const n = node();
  await taintNodesByCondition.admit!(request('UPDATE', 'nodes', n, { oldObject: n }), new FakeLookup());
  await taintNodesByCondition.admit!(request('CREATE', 'nodes', n, { subresource: 'status' }), new FakeLookup());
  assert.equal((n.spec as any).taints, undefined);
});
