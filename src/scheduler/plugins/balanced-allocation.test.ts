import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, scoresOf, TestCluster } from '../testkit.js';
import { BalancedAllocation, balancedResourceScore } from './balanced-allocation.js';

describe('NodeResourcesBalancedAllocation', () => {
  it('is 100 × (1 − std) of the requested shares', () => {
    assert.equal(balancedResourceScore([1, 1], [2, 2]), 100);
    assert.equal(balancedResourceScore([1, 0], [2, 2]), 75);
    assert.equal(balancedResourceScore([3, 0], [2, 2]), 50);
    assert.equal(balancedResourceScore([1, 1, 0], [2, 2, 2]), 76);
  });

  it('prefers the node where cpu and memory stay in proportion', () => {
    const c = new TestCluster(
      [makeNode('even', { cpu: '4', memory: '4Gi' }), makeNode('skewed', { cpu: '4', memory: '4Gi' })],
      [makePod('x', { nodeName: 'skewed', cpu: '2' })],
    );
    const scores = scoresOf(c.framework(() => [{ plugin: new BalancedAllocation() }]), c, makePod('p', { cpu: '1', memory: '1Gi' }), 'NodeResourcesBalancedAllocation');
    assert.deepEqual(scores, { even: 100, skewed: 75 });
  });

  it('scores best-effort pods by the node\'s own balance, as 1.32 does', () => {
    const c = new TestCluster([makeNode('empty', { cpu: '4', memory: '4Gi' }), makeNode('skewed', { cpu: '4', memory: '4Gi' })], [makePod('x', { nodeName: 'skewed', cpu: '2' })]);
    const fw = c.framework(() => [{ plugin: new BalancedAllocation() }]);
    assert.deepEqual(scoresOf(fw, c, makePod('p'), 'NodeResourcesBalancedAllocation'), { empty: 100, skewed: 75 });
  });
});
