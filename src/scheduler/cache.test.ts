import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerCache } from './cache.js';
import { PodInfo } from './pod-info.js';
import { makeNode, makePod } from './testkit.js';

describe('SchedulerCache', () => {
  it('assumes a pod on a node, confirms it from the informer, forgets a failed binding', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('n1'));
    const pending = new PodInfo(makePod('p', { cpu: '1', memory: '1Gi' }));
    cache.assumePod(pending, 'n1');
    const n1 = cache.nodeInfo('n1')!;
    assert.equal(cache.isAssumed(pending.uid), true);
    assert.equal(n1.requested.milliCPU, 1000);
    assert.throws(() => cache.assumePod(pending, 'n1'), /can't be assumed/);
    // The informer sees the bound pod: no longer assumed, counted once.
    cache.addPod(makePod('p', { cpu: '1', memory: '1Gi', nodeName: 'n1' }));
    assert.equal(cache.isAssumed(pending.uid), false);
    assert.equal(n1.pods.length, 1);
    assert.equal(n1.requested.milliCPU, 1000);

    const other = new PodInfo(makePod('q', { cpu: '500m' }));
    cache.assumePod(other, 'n1');
    assert.equal(n1.requested.milliCPU, 1500);
    cache.forgetPod(other.uid);
    assert.equal(n1.requested.milliCPU, 1000);
    assert.equal(cache.hasPod(other.uid), false);
  });

  it('keeps pods of a node that goes away until they go, and counts them when it returns', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('n1'));
    cache.addPod(makePod('p', { cpu: '1', nodeName: 'n1' }));
    cache.removeNode('n1');
    assert.equal(cache.nodeInfo('n1'), undefined);
    assert.equal(cache.nodeList().length, 0);
    cache.addNode(makeNode('n1'));
    assert.equal(cache.nodeInfo('n1')!.requested.milliCPU, 1000);
    cache.removePod(makePod('p', { nodeName: 'n1' }));
    assert.equal(cache.nodeInfo('n1')!.pods.length, 0);
  });

  it('tracks how many nodes have each image', () => {
    const cache = new SchedulerCache();
    const img = { names: ['nginx:1.27'], sizeBytes: 100 };
    cache.addNode(makeNode('a', { images: [img] }));
    cache.addNode(makeNode('b', { images: [img] }));
    assert.equal(cache.nodeInfo('a')!.imageStates.get('nginx:1.27')?.numNodes, 2);
    cache.removeNode('b');
    assert.equal(cache.nodeInfo('a')!.imageStates.get('nginx:1.27')?.numNodes, 1);
  });

  it('lists nodes with (anti-)affinity pods', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('a'));
    cache.addNode(makeNode('b'));
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    cache.addPod(makePod('p', { nodeName: 'b', affinity: anti }));
    assert.deepEqual(cache.nodesWithRequiredAntiAffinity().map((n) => n.name), ['b']);
    assert.deepEqual(cache.nodesWithAffinity().map((n) => n.name), ['b']);
    cache.removePod(makePod('p', { nodeName: 'b' }));
    assert.deepEqual(cache.nodesWithRequiredAntiAffinity(), []);
  });
});
