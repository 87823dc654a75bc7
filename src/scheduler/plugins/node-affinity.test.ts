import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterOn, makeNode, makePod, scoresOf, TestCluster } from '../testkit.js';
import { NodeAffinity } from './node-affinity.js';
import { CycleState } from '../types.js';
import { PodInfo } from '../pod-info.js';

const plugins = () => [{ plugin: new NodeAffinity() }];
const required = (...terms: unknown[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
const reason = ["node(s) didn't match Pod's node affinity/selector"];

describe('NodeAffinity', () => {
  const c = new TestCluster([
    makeNode('gpu', { labels: { gpu: 'true', cores: '16', zone: 'a' } }),
    makeNode('plain', { labels: { cores: '4', zone: 'b' } }),
  ]);
  const fw = c.framework(plugins);

  it('filters by spec.nodeSelector', () => {
    const pod = makePod('kubia-gpu', { nodeSelector: { gpu: 'true' } });
    assert.equal(filterOn(fw, c, pod, 'gpu'), null);
    assert.deepEqual(filterOn(fw, c, pod, 'plain'), reason);
  });

  it('filters by required terms: In, NotIn, Exists, DoesNotExist, Gt, Lt; terms ORed', () => {
    const expr = (key: string, operator: string, values?: string[]) => required({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
    assert.equal(filterOn(fw, c, makePod('p', { affinity: expr('gpu', 'In', ['true']) }), 'gpu'), null);
    assert.deepEqual(filterOn(fw, c, makePod('p', { affinity: expr('gpu', 'In', ['true']) }), 'plain'), reason);
    assert.equal(filterOn(fw, c, makePod('p', { affinity: expr('gpu', 'NotIn', ['true']) }), 'plain'), null);
    assert.equal(filterOn(fw, c, makePod('p', { affinity: expr('gpu', 'DoesNotExist') }), 'plain'), null);
    assert.deepEqual(filterOn(fw, c, makePod('p', { affinity: expr('gpu', 'Exists') }), 'plain'), reason);
    assert.equal(filterOn(fw, c, makePod('p', { affinity: expr('cores', 'Gt', ['8']) }), 'gpu'), null);
    assert.deepEqual(filterOn(fw, c, makePod('p', { affinity: expr('cores', 'Gt', ['8']) }), 'plain'), reason);
    assert.equal(filterOn(fw, c, makePod('p', { affinity: expr('cores', 'Lt', ['8']) }), 'plain'), null);
    const ored = required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] });
    assert.equal(filterOn(fw, c, makePod('p', { affinity: ored }), 'plain'), null);
    // An empty term matches nothing.
    assert.deepEqual(filterOn(fw, c, makePod('p', { affinity: required({}) }), 'gpu'), reason);
  });

  it('needs both nodeSelector and affinity to match', () => {
    const pod = makePod('p', { nodeSelector: { zone: 'a' }, affinity: required({ matchExpressions: [{ key: 'cores', operator: 'In', values: ['4'] }] }) });
    assert.deepEqual(filterOn(fw, c, pod, 'gpu'), reason);
    assert.deepEqual(filterOn(fw, c, pod, 'plain'), reason);
  });

  it('narrows to nodes named by metadata.name matchFields (DaemonSet pods), and reports conflicts', () => {
    const ds = makePod('ds', { affinity: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['plain'] }] }) });
    const pre = fw.runPreFilter(new CycleState(), new PodInfo(ds), c.cache.nodeList());
    assert.deepEqual([...(pre.nodeNames ?? [])], ['plain']);
    assert.deepEqual(pre.pluginsWithNodes, ['NodeAffinity']);
    assert.equal(filterOn(fw, c, ds, 'plain'), null);
    const conflict = makePod('ds', { affinity: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }, { key: 'metadata.name', operator: 'In', values: ['b'] }] }) });
    assert.deepEqual(filterOn(fw, c, conflict, 'plain'), ['pod affinity terms conflict']);
  });

  it('scores the weights of matching preferred terms, normalized to 100', () => {
    const pod = makePod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 80, preference: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] } },
            { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } },
          ],
        },
      },
    });
    assert.deepEqual(scoresOf(fw, c, pod, 'NodeAffinity'), { gpu: 100, plain: 25 });
  });
});
