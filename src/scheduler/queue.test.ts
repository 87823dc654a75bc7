import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../machinery/clock.js';
import { Framework } from './framework.js';
import { PodInfo } from './pod-info.js';
import { NodeResourcesFit } from './plugins/node-resources-fit.js';
import { SchedulingGates } from './plugins/scheduling-gates.js';
import { TaintToleration } from './plugins/taint-toleration.js';
import { SchedulingQueue, type QueuedPodInfo } from './queue.js';
import { makeNode, makePod, TestCluster } from './testkit.js';

function setup() {
  const clock = new FakeClock();
  const c = new TestCluster();
  const fw = new Framework(c.handle, [{ plugin: new SchedulingGates() }, { plugin: new TaintToleration() }, { plugin: new NodeResourcesFit() }]);
  const q = new SchedulingQueue({ clock, preEnqueue: (p) => fw.runPreEnqueue(p), isWorthRequeuing: (p, e) => fw.isWorthRequeuing(p, e) });
  q.run();
  return { clock, q };
}

const info = (name: string, s: Parameters<typeof makePod>[1] = {}) => new PodInfo(makePod(name, s));

/** Pops and fails a pod as rejected by the given plugins. */
function fail(q: SchedulingQueue, p: QueuedPodInfo, ...plugins: string[]) {
  p.unschedulablePlugins = new Set(plugins);
  return q.addUnschedulable(p);
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by the time the pod was queued', async () => {
    const { clock, q } = setup();
    q.add(info('low', { priority: 0 }));
    clock.advance(10);
    q.add(info('high', { priority: 1000 }));
    clock.advance(10);
    q.add(info('low-later', { priority: 0 }));
    q.add(info('mid', { priority: 10 }));
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await q.pop())!.info.name);
    assert.deepEqual(order, ['high', 'mid', 'low', 'low-later']);
  });

  it('waits for a pod when empty', async () => {
    const { q } = setup();
    const popped = q.pop();
    q.add(info('late'));
    assert.equal((await popped)?.info.name, 'late');
    q.close();
    assert.equal(await q.pop(), undefined);
  });

  it('backs off 1 s, 2 s, 4 s, 8 s, then 10 s per attempt', () => {
    const { q } = setup();
    const p: QueuedPodInfo = { info: info('p'), timestamp: 0, initialAttemptTimestamp: undefined, attempts: 0, unschedulablePlugins: new Set(), pendingPlugins: new Set(), gated: false, seq: 0 };
    const durations = [1, 2, 3, 4, 5, 6].map((attempts) => q.backoffDuration({ ...p, attempts }));
    assert.deepEqual(durations, [1000, 2000, 4000, 8000, 10_000, 10_000]);
    assert.equal(q.backoffDuration({ ...p, attempts: 0 }), 0);
  });

  it('keeps a rejected pod until an event its rejecting plugin cares about', () => {
    const { clock, q } = setup();
    q.add(info('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }));
    const p = q.tryPop()!;
    assert.equal(fail(q, p, 'TaintToleration'), 'unschedulable');
    q.done(p.info.uid);
    // A node whose taint the pod does not tolerate: the hint says no.
    q.moveAllToActiveOrBackoffQueue({ kind: 'NodeAdd', newObj: makeNode('n', { taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }] }) });
    assert.equal(q.where(p.info.uid), 'unschedulable');
    // A pod deletion does not concern TaintToleration.
    q.moveAllToActiveOrBackoffQueue({ kind: 'AssignedPodDelete', oldObj: makePod('x', { nodeName: 'n' }) });
    assert.equal(q.where(p.info.uid), 'unschedulable');
    // A tolerated node: moved, to backoffQ while the 1 s backoff runs.
    q.moveAllToActiveOrBackoffQueue({ kind: 'NodeAdd', newObj: makeNode('m', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }) });
    assert.equal(q.where(p.info.uid), 'backoffQ');
    clock.advance(999);
    assert.equal(q.where(p.info.uid), 'backoffQ');
    clock.advance(1);
    assert.equal(q.where(p.info.uid), 'activeQ');
  });

  it('moves a pod straight to activeQ when its backoff is already over', () => {
    const { clock, q } = setup();
    q.add(info('p', { cpu: '8' }));
    const p = q.tryPop()!;
    fail(q, p, 'NodeResourcesFit');
    q.done(p.info.uid);
    clock.advance(5000);
    q.moveAllToActiveOrBackoffQueue({ kind: 'NodeAdd', newObj: makeNode('small', { cpu: '2' }) });
    assert.equal(q.where(p.info.uid), 'unschedulable');
    q.moveAllToActiveOrBackoffQueue({ kind: 'NodeAdd', newObj: makeNode('big', { cpu: '16' }) });
    assert.equal(q.where(p.info.uid), 'activeQ');
  });

  it('retries pods left unschedulable for 5 minutes at the next 30 s flush', () => {
    const { clock, q } = setup();
    q.add(info('p'));
    const p = q.tryPop()!;
    fail(q, p, 'TaintToleration');
    q.done(p.info.uid);
    clock.advance(5 * 60_000);
    assert.equal(q.where(p.info.uid), 'unschedulable');
    clock.advance(30_000);
    assert.equal(q.where(p.info.uid), 'activeQ');
  });

  it('sends a pod to backoffQ when a helpful event arrived during its cycle', () => {
    const { q } = setup();
    q.add(info('p', { cpu: '8' }));
    const p = q.tryPop()!;
    q.moveAllToActiveOrBackoffQueue({ kind: 'NodeAdd', newObj: makeNode('big', { cpu: '16' }) });
    assert.equal(fail(q, p, 'NodeResourcesFit'), 'backoffQ');
  });

  it('sends a pod that failed with an error (no rejecting plugin) to backoffQ', () => {
    const { q } = setup();
    q.add(info('p'));
    const p = q.tryPop()!;
    assert.equal(fail(q, p), 'backoffQ');
  });

  it('holds gated pods until their gates are removed', () => {
    const { q } = setup();
    const gated = makePod('g', { schedulingGates: [{ name: 'example.com/wait' }] });
    q.add(new PodInfo(gated));
    assert.equal(q.where('uid-default-g'), 'unschedulable');
    q.activateAll();
    assert.equal(q.where('uid-default-g'), 'unschedulable');
    q.update(gated, new PodInfo({ ...gated, spec: { ...(gated.spec as object), schedulingGates: [] } }));
    assert.equal(q.where('uid-default-g'), 'activeQ');
  });

  it('records nominated pods per node', () => {
    const { q } = setup();
    q.add(info('p', { nominatedNodeName: 'n1' }));
    assert.deepEqual(q.nominatedPodsForNode('n1').map((p) => p.name), ['p']);
    q.addNominated(info('p'), 'n2');
    assert.deepEqual(q.nominatedPodsForNode('n1'), []);
    assert.equal(q.nominatedNodeOf('uid-default-p'), 'n2');
    q.delete('uid-default-p');
    assert.equal(q.noNominations, true);
  });
});
