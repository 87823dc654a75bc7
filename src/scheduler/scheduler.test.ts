// The whole scheduler against the real API server (in process, real HTTPS): bindings, the
// PodScheduled condition and events, retries when the cluster changes (on a FakeClock),
// preemption, leader election, and what kubectl shows.

import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '../api/object.js';
import { renderKubeconfig } from '../cluster/kubeconfig.js';
import type { InProcessClient } from '../client/in-process.js';
import { R } from '../client/resources.js';
import { FakeClock } from '../machinery/clock.js';
import { startTestControlPlane, until, type TestControlPlane } from '../testing/control-plane.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import { makeNode, makePod, type NodeSpec, type PodSpec } from './testkit.js';

const run = promisify(execFile);

/** Polls until fn gives a value (not undefined, false, 0 or ''). */
async function waitFor<T>(fn: () => T | undefined | false | 0 | '' | Promise<T | undefined | false | 0 | ''>, what: string): Promise<T> {
  return (await until(fn, 5000, what)) as T;
}
const controlPlaneTaint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

interface Running {
  scheduler: Scheduler;
  stop(): Promise<void>;
}

describe('scheduler (in-process control plane)', () => {
  let cp: TestControlPlane;
  let client: InProcessClient;
  let clock: FakeClock;
  let ns = 0;
  const running: Running[] = [];

  before(async () => {
    cp = await startTestControlPlane({ controllers: false });
    client = cp.inProcessClient('test');
    // The ServiceAccount admission plugin wants the default service account.
    await client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }).catch(() => {});
  });

  after(async () => {
    await cp?.stop();
  });

  // Each test has its own nodes and scheduler.
  beforeEach(async () => {
    for (const n of (await client.list(R.nodes, '')).items) await client.delete(R.nodes, '', n.metadata.name!);
  });
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
  });

  /** A fresh namespace and its own nodes (node names are prefixed) per test. */
  async function newNamespace(): Promise<string> {
    const name = `s${++ns}`;
    await client.create(R.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await client.create(R.serviceaccounts, name, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }).catch(() => {});
    return name;
  }

  async function start(opts: Partial<SchedulerOptions> = {}): Promise<Scheduler> {
    clock = new FakeClock(Date.now());
    const scheduler = new Scheduler({ client: cp.inProcessClient('default-scheduler'), clock, leaderElection: false, random: () => 0.5, ...opts });
    const ac = new AbortController();
    const done = scheduler.start(ac.signal);
    running.push({
      scheduler,
      async stop() {
        ac.abort();
        await done;
      },
    });
    await scheduler.ready;
    return scheduler;
  }

  /** A Ready node, untainted as the node lifecycle controller would leave it. */
  async function node(name: string, spec: NodeSpec = {}): Promise<void> {
    const created = await client.create(R.nodes, '', makeNode(name, spec));
    const taints = ((created.spec as { taints?: { key: string }[] }).taints ?? []).filter((t) => t.key !== 'node.kubernetes.io/not-ready');
    await client.update(R.nodes, '', { ...created, spec: { ...(created.spec as object), taints } });
  }

  async function pod(namespace: string, name: string, spec: PodSpec = {}, extra: Record<string, unknown> = {}): Promise<KubeObject> {
    const p = makePod(name, { ...spec, namespace });
    delete p.metadata.uid;
    delete (p.spec as Record<string, unknown>).priority;
    delete p.status;
    return client.create(R.pods, namespace, { ...p, spec: { ...(p.spec as object), ...extra } });
  }

  const getPod = async (namespace: string, name: string) => (await client.get(R.pods, namespace, name))!;
  const nodeOf = async (namespace: string, name: string) => ((await getPod(namespace, name)).spec as { nodeName?: string }).nodeName;
  const condition = async (namespace: string, name: string) =>
    ((await getPod(namespace, name)).status as { conditions?: Record<string, unknown>[] }).conditions?.find((c) => c.type === 'PodScheduled');
  async function events(namespace: string, name: string): Promise<KubeObject[]> {
    return (await client.list(R.events, namespace)).items.filter((e) => (e.involvedObject as { name?: string }).name === name);
  }

  it('binds a pod and records Scheduled', async () => {
    const namespace = await newNamespace();
    await node(`${namespace}-node-1`, { cpu: '2' });
    await start();
    await pod(namespace, 'web', { cpu: '1' });
    assert.equal(await waitFor(() => nodeOf(namespace, 'web'), 'binding'), `${namespace}-node-1`);
    const scheduled = await waitFor(async () => (await events(namespace, 'web')).find((e) => e.reason === 'Scheduled'), 'event');
    assert.equal(scheduled.message, `Successfully assigned ${namespace}/web to ${namespace}-node-1`);
    assert.equal(scheduled.type, 'Normal');
    assert.deepEqual(scheduled.source, { component: 'default-scheduler' });
    assert.equal((await condition(namespace, 'web'))?.status, 'True');
  });

  it('marks an unschedulable pod with upstream\'s condition and event, and retries when a node is added', async () => {
    const namespace = await newNamespace();
    await node(`${namespace}-cp-1`, { taints: [controlPlaneTaint] });
    await node(`${namespace}-cp-2`, { taints: [controlPlaneTaint] });
    await node(`${namespace}-small`, { cpu: '1' });
    const scheduler = await start();
    await pod(namespace, 'big', { cpu: '2' });
    const cond = await waitFor(() => condition(namespace, 'big'), 'condition');
    assert.equal(cond.status, 'False');
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(
      cond.message,
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
    const failed = await waitFor(async () => (await events(namespace, 'big')).find((e) => e.reason === 'FailedScheduling'), 'event');
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.message, cond.message);
    const uid = (await getPod(namespace, 'big')).metadata.uid!;
    await waitFor(() => scheduler.instance!.queue.where(uid) === 'unschedulable', 'unschedulable pool');

    // A node that fits moves the pod out of the pool (to backoffQ, 1 s) and it is scheduled.
    await node(`${namespace}-large`, { cpu: '4' });
    await waitFor(() => scheduler.instance!.queue.where(uid) !== 'unschedulable', 'moved by NodeAdd');
    clock.advance(1000);
    assert.equal(await waitFor(() => nodeOf(namespace, 'big'), 'binding'), `${namespace}-large`);
  });

  it('retries a pod with a nodeSelector when a node gets the label', async () => {
    const namespace = await newNamespace();
    await node(`${namespace}-n`);
    const scheduler = await start();
    const created = await pod(namespace, 'kubia-gpu', {}, { nodeSelector: { gpu: `${namespace}-true` } });
    await waitFor(async () => String((await condition(namespace, 'kubia-gpu'))?.message ?? '').includes("didn't match Pod's node affinity/selector"), 'condition');
    await waitFor(() => scheduler.instance!.queue.where(created.metadata.uid!) === 'unschedulable', 'pool');
    await client.patch(R.nodes, '', `${namespace}-n`, 'merge', { metadata: { labels: { gpu: `${namespace}-true` } } });
    await waitFor(() => scheduler.instance!.queue.where(created.metadata.uid!) === 'backoffQ', 'moved by the label');
    clock.advance(1000);
    assert.equal(await waitFor(() => nodeOf(namespace, 'kubia-gpu'), 'binding'), `${namespace}-n`);
  });

  it('ignores pods for other schedulers and pods that name a node', async () => {
    const namespace = await newNamespace();
    await node(`${namespace}-n`);
    const scheduler = await start();
    await pod(namespace, 'custom', {}, { schedulerName: 'my-scheduler' });
    await pod(namespace, 'pinned', {}, { nodeName: `${namespace}-n` });
    await pod(namespace, 'mine');
    await waitFor(() => nodeOf(namespace, 'mine'), 'binding');
    assert.equal(await nodeOf(namespace, 'custom'), undefined);
    assert.equal(await condition(namespace, 'custom'), undefined);
    assert.equal(scheduler.instance!.cache.nodeInfo(`${namespace}-n`)!.pods.length, 2);
  });

  it('preempts lower-priority pods and schedules the preemptor on the nominated node', async () => {
    const namespace = await newNamespace();
    for (const [name, value] of [[`${namespace}-low`, 10], [`${namespace}-high`, 1000]] as const) {
      await client.create(R.priorityclasses, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
    }
    await node(`${namespace}-only`, { cpu: '2', labels: { pool: namespace } });
    const scheduler = await start();
    for (const name of ['filler-1', 'filler-2']) await pod(namespace, name, { cpu: '1', nodeSelector: { pool: namespace } }, { priorityClassName: `${namespace}-low` });
    await waitFor(async () => (await nodeOf(namespace, 'filler-1')) && (await nodeOf(namespace, 'filler-2')), 'fillers');
    const urgent = await pod(namespace, 'urgent', { cpu: '1', nodeSelector: { pool: namespace } }, { priorityClassName: `${namespace}-high` });
    assert.equal((urgent.spec as { priority?: number }).priority, 1000, 'the Priority admission plugin sets spec.priority');
    const nominated = await waitFor(async () => ((await getPod(namespace, 'urgent')).status as { nominatedNodeName?: string }).nominatedNodeName, 'nomination');
    assert.equal(nominated, `${namespace}-only`);
    // One victim was enough; it is terminating (graceful deletion) with DisruptionTarget.
    const fillers = await Promise.all(['filler-1', 'filler-2'].map((n) => getPod(namespace, n)));
    const victims = fillers.filter((p) => p.metadata.deletionTimestamp);
    assert.equal(victims.length, 1);
    const disruption = ((victims[0].status as { conditions?: Record<string, unknown>[] }).conditions ?? []).find((c) => c.type === 'DisruptionTarget');
    assert.equal(disruption?.reason, 'PreemptionByScheduler');
    const preempted = await waitFor(async () => (await events(namespace, victims[0].metadata.name!)).find((e) => e.reason === 'Preempted'), 'Preempted event');
    assert.equal(preempted.message, `Preempted by pod ${urgent.metadata.uid} on node ${namespace}-only`);
    // The kubelet would finish the deletion; then the preemptor fits on its nominated node.
    await client.delete(R.pods, namespace, victims[0].metadata.name!, { gracePeriodSeconds: 0 });
    await waitFor(() => scheduler.instance!.queue.where(urgent.metadata.uid!) !== 'unschedulable', 'moved by the deletion');
    clock.advance(10_000);
    assert.equal(await waitFor(() => nodeOf(namespace, 'urgent'), 'binding'), `${namespace}-only`);
  });

  it('spreads the pods of one ReplicaSet over the nodes', async () => {
    const namespace = await newNamespace();
    for (const n of ['a', 'b', 'c']) await node(`${namespace}-${n}`, { labels: { 'topology.kubernetes.io/zone': n } });
    const rs = await client.create(R.replicasets, namespace, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: { replicas: 6, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid!, controller: true }];
    const scheduler = await start();
    for (let i = 0; i < 6; i++) await pod(namespace, `web-${i}`, { labels: { app: 'web' }, ownerReferences: owner, cpu: '10m' });
    await waitFor(async () => (await Promise.all([0, 1, 2, 3, 4, 5].map((i) => nodeOf(namespace, `web-${i}`)))).every(Boolean), 'all bound');
    const perNode = ['a', 'b', 'c'].map((n) => scheduler.instance!.cache.nodeInfo(`${namespace}-${n}`)!.pods.length);
    assert.deepEqual(perNode, [2, 2, 2]);
  });

  it('leaves gated pods alone until their scheduling gates are removed', async () => {
    const namespace = await newNamespace();
    await node(`${namespace}-n`);
    const scheduler = await start();
    const gated = await pod(namespace, 'gated', {}, { schedulingGates: [{ name: 'example.com/quota' }] });
    await waitFor(() => scheduler.instance!.queue.where(gated.metadata.uid!) === 'unschedulable', 'gated in the pool');
    assert.equal(scheduler.instance!.stats.attempts, 0);
    await client.patch(R.pods, namespace, 'gated', 'merge', { spec: { schedulingGates: null } });
    assert.equal(await waitFor(() => nodeOf(namespace, 'gated'), 'binding'), `${namespace}-n`);
  });

  it('takes the kube-scheduler Lease when leader election is on', async () => {
    await start({ leaderElection: true, identity: 'test-scheduler' });
    const lease = await waitFor(() => client.get(R.leases, 'kube-system', 'kube-scheduler'), 'lease');
    assert.equal((lease.spec as { holderIdentity?: string }).holderIdentity, 'test-scheduler');
  });

  it('shows in kubectl describe and get events as upstream', async () => {
    const namespace = await newNamespace();
    await node(`${namespace}-a`, { cpu: '1', taints: [{ key: namespace, effect: 'NoSchedule' }] });
    await start();
    await pod(namespace, 'web', { cpu: '100m' }, { tolerations: [{ key: namespace, operator: 'Exists', effect: 'NoSchedule' }] });
    await pod(namespace, 'huge', { cpu: '64' }, { tolerations: [{ key: namespace, operator: 'Exists', effect: 'NoSchedule' }] });
    await waitFor(async () => (await events(namespace, 'web')).length && (await events(namespace, 'huge')).length, 'events');
    const dir = mkdtempSync(join(tmpdir(), 'kubelite-sched-'));
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, renderKubeconfig({ server: cp.url, caPem: cp.caPem, token: cp.adminToken }));
      const kubectl = (...args: string[]) => run('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '-n', namespace, ...args]);
      const web = (await kubectl('describe', 'pod', 'web')).stdout;
      assert.match(web, new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned ${namespace}/web to ${namespace}-a`));
      const huge = (await kubectl('describe', 'pod', 'huge')).stdout;
      assert.match(huge, /PodScheduled\s+False/);
      assert.match(huge, /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/\d+ nodes are available: /);
      const wide = (await kubectl('get', 'pods', '-o', 'wide')).stdout;
      assert.match(wide, new RegExp(`web\\s+0/1\\s+Pending\\s+0\\s+\\S+\\s+<none>\\s+${namespace}-a`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      }
  });
});
