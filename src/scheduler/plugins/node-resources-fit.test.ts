import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PodInfo, podRequests } from '../pod-info.js';
import { filterOn, makeNode, makePod, scoresOf, TestCluster } from '../testkit.js';
import { fitsRequest, leastRequestedScore, NodeResourcesFit } from './node-resources-fit.js';

const fit = () => [{ plugin: new NodeResourcesFit() }];

describe('pod requests', () => {
  it('sums app containers, raises to the largest init container, adds overhead', () => {
    // Upstream's example: init 2 cpu/1G and 2 cpu/3G, app 2 cpu/1G + 1 cpu/1G → 3 cpu, 3G.
    const pod = makePod('p', {
      containers: [{ cpu: '2', memory: '1G' }, { cpu: '1', memory: '1G' }],
      initContainers: [{ cpu: '2', memory: '1G' }, { cpu: '2', memory: '3G' }],
    });
    const r = podRequests(pod);
    assert.equal(r.milliCPU, 3000);
    assert.equal(r.memory, 3e9);
    const withOverhead = podRequests(makePod('p', { cpu: '1', overhead: { cpu: '250m', memory: '120Mi' } }));
    assert.equal(withOverhead.milliCPU, 1250);
    assert.equal(withOverhead.memory, 120 * 1024 * 1024);
  });

  it('counts restartable (sidecar) init containers beside the app and later init containers', () => {
    const pod = makePod('p', {
      containers: [{ cpu: '1' }],
      initContainers: [{ cpu: '500m', restartPolicy: 'Always' }, { cpu: '2' }],
    });
    // Sidecar runs with the app (1.5) and with the second init container (2.5): max is 2.5.
    assert.equal(podRequests(pod).milliCPU, 2500);
  });

  it('counts request-less containers at 100m and 200Mi for scoring only', () => {
    const info = new PodInfo(makePod('p', { containers: [{}, { cpu: '300m' }] }));
    assert.equal(info.requests.milliCPU, 300);
    assert.equal(info.requests.memory, 0);
    assert.equal(info.nonZeroRequests.milliCPU, 400);
    assert.equal(info.nonZeroRequests.memory, 2 * 200 * 1024 * 1024);
  });
});

describe('NodeResourcesFit filter', () => {
  it('reports every insufficient resource with upstream reasons', () => {
    const c = new TestCluster([makeNode('n1', { cpu: '1', memory: '1Gi', extra: { 'example.com/gpu': '1' } })], [makePod('old', { nodeName: 'n1', cpu: '600m', memory: '512Mi' })]);
    const fw = c.framework(fit);
    assert.equal(filterOn(fw, c, makePod('p', { cpu: '400m', memory: '512Mi' }), 'n1'), null);
    assert.deepEqual(filterOn(fw, c, makePod('p', { cpu: '500m' }), 'n1'), ['Insufficient cpu']);
    assert.deepEqual(filterOn(fw, c, makePod('p', { cpu: '500m', memory: '600Mi' }), 'n1'), ['Insufficient cpu', 'Insufficient memory']);
    assert.deepEqual(filterOn(fw, c, makePod('p', { containers: [{ extra: { 'example.com/gpu': '2' } }] }), 'n1'), ['Insufficient example.com/gpu']);
    assert.deepEqual(filterOn(fw, c, makePod('p', { containers: [{ extra: { 'example.com/fpga': '1' } }] }), 'n1'), ['Insufficient example.com/fpga']);
  });

  it('checks the pod count even for pods that request nothing', () => {
    const c = new TestCluster([makeNode('n1', { pods: '1' })], [makePod('old', { nodeName: 'n1' })]);
    assert.deepEqual(filterOn(c.framework(fit), c, makePod('p'), 'n1'), ['Too many pods']);
  });

  it('uses the init container rule when checking', () => {
    const c = new TestCluster([makeNode('n1', { cpu: '2' })]);
    const pod = makePod('p', { cpu: '1', initContainers: [{ cpu: '3' }] });
    assert.deepEqual(filterOn(c.framework(fit), c, pod, 'n1'), ['Insufficient cpu']);
  });

  it('fitsRequest gives requested, used and capacity', () => {
    const c = new TestCluster([makeNode('n1', { cpu: '1' })], [makePod('old', { nodeName: 'n1', cpu: '700m' })]);
    const [r] = fitsRequest(new PodInfo(makePod('p', { cpu: '500m' })).requests, c.node('n1'));
    assert.deepEqual(r, { resourceName: 'cpu', reason: 'Insufficient cpu', requested: 500, used: 700, capacity: 1000 });
  });
});

describe('NodeResourcesFit score (LeastAllocated)', () => {
  it('scores the free share after placing the pod, averaged over cpu and memory', () => {
    assert.equal(leastRequestedScore(0, 4000), 100);
    assert.equal(leastRequestedScore(1000, 4000), 75);
    assert.equal(leastRequestedScore(5000, 4000), 0);
    const c = new TestCluster(
      [makeNode('a', { cpu: '4', memory: '10Gi' }), makeNode('b', { cpu: '4', memory: '10Gi' })],
      [makePod('x', { nodeName: 'b', cpu: '2', memory: '5Gi' })],
    );
    const scores = scoresOf(c.framework(fit), c, makePod('p', { cpu: '1', memory: '1Gi' }), 'NodeResourcesFit');
    // a: cpu (4000-1000)/4000 → 75, memory 9/10 → 90: 82. b: cpu 25, memory 40: 32.
    assert.deepEqual(scores, { a: 82, b: 32 });
  });
});
