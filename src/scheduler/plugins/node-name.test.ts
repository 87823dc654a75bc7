import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterOn, makeNode, makePod, TestCluster } from '../testkit.js';
import { NodeName } from './node-name.js';
import { NodeUnschedulable } from './node-unschedulable.js';
import { SchedulingGates } from './scheduling-gates.js';
import { PodInfo } from '../pod-info.js';

describe('NodeName', () => {
  it('fits only the node the pod names', () => {
    const c = new TestCluster([makeNode('a'), makeNode('b')]);
    const fw = c.framework(() => [{ plugin: new NodeName() }]);
    assert.equal(filterOn(fw, c, makePod('p'), 'a'), null);
    assert.equal(filterOn(fw, c, makePod('p', { nodeName: 'a' }), 'a'), null);
    assert.deepEqual(filterOn(fw, c, makePod('p', { nodeName: 'a' }), 'b'), ["node(s) didn't match the requested node name"]);
  });
});

describe('NodeUnschedulable', () => {
  it('keeps pods off cordoned nodes unless they tolerate node.kubernetes.io/unschedulable', () => {
    const c = new TestCluster([makeNode('cordoned', { unschedulable: true })]);
    const fw = c.framework(() => [{ plugin: new NodeUnschedulable() }]);
    assert.deepEqual(filterOn(fw, c, makePod('p'), 'cordoned'), ['node(s) were unschedulable']);
    const ds = makePod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.equal(filterOn(fw, c, ds, 'cordoned'), null);
  });
});

describe('SchedulingGates', () => {
  it('holds back pods with gates', () => {
    const g = new SchedulingGates();
    assert.equal(g.preEnqueue(new PodInfo(makePod('p'))), null);
    const s = g.preEnqueue(new PodInfo(makePod('p', { schedulingGates: [{ name: 'example.com/a' }, { name: 'b' }] })));
    assert.deepEqual(s?.reasons, ['waiting for scheduling gates: [example.com/a b]']);
  });
});
