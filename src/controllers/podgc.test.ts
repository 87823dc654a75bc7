// Pod GC against the real API server on a FakeClock: orphaned pods (their node gone) after the
// quarantine, finished pods beyond the threshold (oldest first), terminating pods never
// scheduled, and terminating pods on an out-of-service node.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { FakeClock } from '../machinery/clock.js';
import { R } from '../client/resources.js';
import { startTestControlPlane, until, type TestControlPlane } from '../testing/control-plane.js';
import { controllerHarness, type ControllerHarness } from '../testing/controllers.js';
import { PodGCController } from './podgc.js';

let cp: TestControlPlane;
const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'));
let harness: ControllerHarness;

before(async () => {
  cp = await startTestControlPlane({ controllers: false, clock });
  await cp.client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }).catch(() => {});
  harness = controllerHarness(cp, { clock, component: 'kube-controller-manager' });
  harness.run(new PodGCController(harness.ctx, { terminatedPodThreshold: 2 }));
  await harness.ctx.informers.waitForSync();
});

after(async () => {
  await harness.stop();
  await cp.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function advance(ms: number, stepMs = 10_000): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    clock.advance(Math.min(stepMs, ms - t));
    await sleep(30);
  }
}

function podObj(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...metadata }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec } };
}

async function pod(name: string): Promise<KubeObject | undefined> {
  return cp.client.get(R.pods, 'default', name);
}

async function setPhase(name: string, phase: string): Promise<void> {
  const p = (await pod(name))!;
  await cp.client.update(R.pods, 'default', { ...p, status: { ...(p.status as object), phase } }, { subresource: 'status' });
}

test('a pod bound to a node that no longer exists is marked Failed (DisruptionTarget) and deleted after the quarantine', async () => {
  await cp.client.create(R.nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'gone-soon' } });
  await cp.client.create(R.pods, 'default', podObj('orphan', { nodeName: 'gone-soon' }));
  await setPhase('orphan', 'Running');
  const rv = (await pod('orphan'))!.metadata.resourceVersion;
  const watch = cp.watch(`/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3Dorphan&resourceVersion=${rv}`);
  await cp.client.delete(R.nodes, '', 'gone-soon');
  await advance(40_000);
  assert.ok(await pod('orphan'), 'still in quarantine');
  await advance(30_000);
  await until(async () => !(await pod('orphan')), 5000, 'orphan deleted');
  await until(() => watch.events.some((e) => e.type === 'DELETED'), 5000, 'watch saw the delete');
  watch.stop();
  const failed = watch.events.find((e) => e.type === 'MODIFIED' && e.object.status?.phase === 'Failed');
  assert.ok(failed, 'marked Failed before deletion');
  const dt = (failed.object.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === 'DisruptionTarget')!;
  assert.deepEqual({ status: dt.status, reason: dt.reason, message: dt.message }, { status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
});

test('finished pods beyond the threshold are deleted, oldest first', async () => {
  for (const [i, name] of ['done-1', 'done-2', 'done-3', 'done-4'].entries()) {
    await cp.client.create(R.pods, 'default', podObj(name));
    await setPhase(name, i === 3 ? 'Failed' : 'Succeeded');
    clock.advance(1000);
  }
  await advance(20_000);
  await until(async () => !(await pod('done-1')) && !(await pod('done-2')), 5000, 'two oldest deleted');
  assert.ok(await pod('done-3'));
  assert.ok(await pod('done-4'));
});

test('a terminating pod that was never scheduled is deleted', async () => {
  await cp.client.create(R.pods, 'default', podObj('unscheduled', {}, { finalizers: ['example.com/hold'] }));
  await cp.client.delete(R.pods, 'default', 'unscheduled');
  assert.ok((await pod('unscheduled'))?.metadata.deletionTimestamp);
  await advance(20_000);
  await until(async () => ((await pod('unscheduled'))?.status as { phase?: string }).phase === 'Failed', 5000, 'marked Failed');
  await cp.client.patch(R.pods, 'default', 'unscheduled', 'merge', { metadata: { finalizers: null } });
  await until(async () => !(await pod('unscheduled')), 5000, 'gone');
});

test('terminating pods on a not-ready node tainted out-of-service are force-deleted', async () => {
  await cp.client.create(R.nodes, '', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'broken' },
    spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] },
    status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }] },
  });
  await cp.client.create(R.pods, 'default', podObj('stuck', { nodeName: 'broken' }));
  await setPhase('stuck', 'Running');
  await cp.client.delete(R.pods, 'default', 'stuck');
  assert.ok((await pod('stuck'))?.metadata.deletionTimestamp, 'waits for a kubelet that will not come');
  await advance(20_000);
  await until(async () => !(await pod('stuck')), 5000, 'force-deleted');
});
