import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { FakeLookup, request } from './fake-lookup.js';

const pod = (tolerations?: unknown[]): KubeObject => ({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'a', image: 'x' }], ...(tolerations ? { tolerations } : {}) } });

const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

test('pods tolerate not-ready and unreachable nodes for 300 seconds', async () => {
  const p = pod();
  await defaultTolerationSeconds.admit!(request('CREATE', 'pods', p), new FakeLookup());
  assert.deepEqual((p.spec as any).tolerations, [notReady, unreachable]);
});

test('a pod that already tolerates them keeps its own', async () => {
  const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 6000 };
  const p = pod([own]);
  await defaultTolerationSeconds.admit!(request('CREATE', 'pods', p), new FakeLookup());
  assert.deepEqual((p.spec as any).tolerations, [own, notReady]);
  // An empty key (or effect) tolerates everything.
  const all = pod([{ operator: 'Exists' }]);
  await defaultTolerationSeconds.admit!(request('CREATE', 'pods', all), new FakeLookup());
  assert.deepEqual((all.spec as any).tolerations, [{ operator: 'Exists' }]);
  // A NoSchedule toleration does not cover NoExecute.
  const noSchedule = pod([{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }]);
  await defaultTolerationSeconds.admit!(request('CREATE', 'pods', noSchedule), new FakeLookup());
  assert.equal((noSchedule.spec as any).tolerations.length, 3);
});

test('updates that drop them get them back; other resources are untouched', async () => {
  const p = pod();
  await defaultTolerationSeconds.admit!(request('UPDATE', 'pods', p, { oldObject: p }), new FakeLookup());
  assert.equal((p.spec as any).tolerations.length, 2);
  const cm: KubeObject = { metadata: { name: 'c', namespace: 'default' } };
  await defaultTolerationSeconds.admit!(request('CREATE', 'configmaps', cm), new FakeLookup());
  assert.deepEqual(cm, { metadata: { name: 'c', namespace: 'default' } });
});
