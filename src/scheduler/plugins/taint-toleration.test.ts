import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toleratesTaint } from '../helpers.js';
import { filterOn, makeNode, makePod, scoresOf, TestCluster } from '../testkit.js';
import { TaintToleration } from './taint-toleration.js';

const plugins = () => [{ plugin: new TaintToleration() }];
const controlPlane = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

describe('TaintToleration', () => {
  it('matches tolerations the way ToleratesTaint does', () => {
    const taint = { key: 'node-type', value: 'production', effect: 'NoSchedule' };
    assert.ok(toleratesTaint({ key: 'node-type', operator: 'Equal', value: 'production', effect: 'NoSchedule' }, taint));
    assert.ok(toleratesTaint({ key: 'node-type', value: 'production' }, taint));
    assert.ok(toleratesTaint({ key: 'node-type', operator: 'Exists' }, taint));
    assert.ok(toleratesTaint({ operator: 'Exists' }, taint));
    assert.ok(!toleratesTaint({ key: 'node-type', value: 'staging' }, taint));
    assert.ok(!toleratesTaint({ key: 'node-type', operator: 'Exists', effect: 'NoExecute' }, taint));
    assert.ok(!toleratesTaint({ key: 'other', operator: 'Exists' }, taint));
  });

  it('rejects untolerated NoSchedule and NoExecute taints, naming the first one', () => {
    const c = new TestCluster([
      makeNode('cp', { taints: [controlPlane] }),
      makeNode('prod', { taints: [{ key: 'node-type', value: 'production', effect: 'NoSchedule' }, { key: 'gpu', value: 'true', effect: 'NoExecute' }] }),
      makeNode('soft', { taints: [{ key: 'x', value: 'y', effect: 'PreferNoSchedule' }] }),
    ]);
    const fw = c.framework(plugins);
    assert.deepEqual(filterOn(fw, c, makePod('p'), 'cp'), ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }']);
    assert.deepEqual(filterOn(fw, c, makePod('p'), 'prod'), ['node(s) had untolerated taint {node-type: production}']);
    const tolerant = makePod('p', { tolerations: [{ key: 'node-type', operator: 'Equal', value: 'production', effect: 'NoSchedule' }] });
    assert.deepEqual(filterOn(fw, c, tolerant, 'prod'), ['node(s) had untolerated taint {gpu: true}']);
    assert.equal(filterOn(fw, c, makePod('p'), 'soft'), null);
  });

  it('scores fewer untolerated PreferNoSchedule taints higher', () => {
    const soft = (key: string) => ({ key, value: 'v', effect: 'PreferNoSchedule' });
    const c = new TestCluster([makeNode('clean'), makeNode('one', { taints: [soft('a')] }), makeNode('two', { taints: [soft('a'), soft('b')] })]);
    const fw = c.framework(plugins);
    assert.deepEqual(scoresOf(fw, c, makePod('p'), 'TaintToleration'), { clean: 100, one: 50, two: 0 });
    const tolerates = makePod('p', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] });
    assert.deepEqual(scoresOf(fw, c, tolerates, 'TaintToleration'), { clean: 100, one: 100, two: 0 });
  });
});
