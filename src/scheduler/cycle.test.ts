import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FitError } from './types.js';
import { numFeasibleNodesToFind, NoNodesAvailable, type ScheduleResult } from './cycle.js';
import { PodInfo } from './pod-info.js';
import { schedulingPlugins } from './plugins/registry.js';
import { makeNode, makePod, TestCluster } from './testkit.js';
import { CycleState } from './types.js';

const controlPlane = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

function schedule(c: TestCluster, pod: ReturnType<typeof makePod>, random?: () => number) {
  const alg = c.algorithm(c.framework(schedulingPlugins), random);
  return alg.schedulePod(new CycleState(), new PodInfo(pod));
}

describe('numFeasibleNodesToFind', () => {
  it('is every node below 100, then 50% − nodes/125 (at least 5%, at least 100 nodes)', () => {
    assert.equal(numFeasibleNodesToFind(0, 50), 50);
    assert.equal(numFeasibleNodesToFind(0, 100), 100);
    assert.equal(numFeasibleNodesToFind(0, 1000), 420);
    assert.equal(numFeasibleNodesToFind(0, 5000), 500);
    assert.equal(numFeasibleNodesToFind(0, 6000), 300);
    assert.equal(numFeasibleNodesToFind(0, 100_000), 5000);
    assert.equal(numFeasibleNodesToFind(10, 500), 100);
    assert.equal(numFeasibleNodesToFind(30, 5000), 1500);
  });
});

describe('schedulePod', () => {
  it('explains a pod that fits nowhere, per node, as upstream words it', () => {
    const c = new TestCluster([makeNode('cp', { taints: [controlPlane] }), makeNode('cp2', { taints: [controlPlane] }), makeNode('worker', { cpu: '1' })]);
    const r = schedule(c, makePod('web', { cpu: '2' }));
    assert.ok(r instanceof FitError);
    assert.equal(r.message, '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.');
    assert.deepEqual([...r.diagnosis.unschedulablePlugins].sort(), ['NodeResourcesFit', 'TaintToleration']);
  });

  it('reports no nodes at all', () => {
    assert.ok(schedule(new TestCluster(), makePod('p')) instanceof NoNodesAvailable);
  });

  it('counts nodes a PreFilter result left out (DaemonSet pods)', () => {
    const c = new TestCluster([makeNode('a', { cpu: '1' }), makeNode('b'), makeNode('c')]);
    const ds = makePod('ds', { cpu: '2', affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }] } } } });
    const r = schedule(c, ds);
    assert.ok(r instanceof FitError);
    assert.equal(r.message, "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });

  it('picks the highest total score: the least allocated node', () => {
    const c = new TestCluster([makeNode('busy'), makeNode('idle')], [makePod('x', { nodeName: 'busy', cpu: '3', memory: '16Gi' })]);
    const r = schedule(c, makePod('p', { cpu: '100m', memory: '100Mi' })) as ScheduleResult;
    assert.equal(r.suggestedHost, 'idle');
    assert.equal(r.feasibleNodes, 2);
  });

  it('breaks ties at random', () => {
    const c = new TestCluster([makeNode('a'), makeNode('b'), makeNode('c')]);
    const picks = new Set<string>();
    for (const v of [0, 0.4, 0.99]) picks.add((schedule(c, makePod('p'), () => v) as ScheduleResult).suggestedHost);
    assert.ok(picks.size > 1, [...picks].join());
  });

  it('tries the nominated node first', () => {
    const c = new TestCluster([makeNode('a'), makeNode('b', { cpu: '8' })]);
    const r = schedule(c, makePod('p', { nominatedNodeName: 'a', cpu: '1' })) as ScheduleResult;
    assert.deepEqual(r, { suggestedHost: 'a', evaluatedNodes: 1, feasibleNodes: 1 });
  });

  it('filters round-robin from where the last cycle stopped, and stops once enough nodes fit', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${String(i).padStart(4, '0')}`));
    const c = new TestCluster(nodes);
    const alg = c.algorithm(c.framework(schedulingPlugins));
    const r1 = alg.schedulePod(new CycleState(), new PodInfo(makePod('p1'))) as ScheduleResult;
    assert.equal(r1.evaluatedNodes, 420);
    assert.equal(alg.nextStartNodeIndex, 420);
    alg.schedulePod(new CycleState(), new PodInfo(makePod('p2')));
    alg.schedulePod(new CycleState(), new PodInfo(makePod('p3')));
    assert.equal(alg.nextStartNodeIndex, 260);
  });

  it('looks at nodes zone by zone, so the first ones span zones', () => {
    const zone = (z: string) => ({ labels: { 'topology.kubernetes.io/zone': z } });
    const c = new TestCluster([makeNode('a1', zone('a')), makeNode('a2', zone('a')), makeNode('b1', zone('b')), makeNode('c1', zone('c')), makeNode('b2', zone('b'))]);
    assert.deepEqual(c.cache.nodeList().map((n) => n.name), ['a1', 'b1', 'c1', 'a2', 'b2']);
  });
});
