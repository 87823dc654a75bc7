import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterOn, makeNode, makePod, scoresOf, TestCluster } from '../testkit.js';
import { InterPodAffinity } from './inter-pod-affinity.js';

const plugins = (h: ConstructorParameters<typeof InterPodAffinity>[0]) => [{ plugin: new InterPodAffinity(h) }];
const zone = 'topology.kubernetes.io/zone';
const term = (labels: Record<string, string>, topologyKey: string, extra: Record<string, unknown> = {}) => ({ labelSelector: { matchLabels: labels }, topologyKey, ...extra });

function cluster(pods = [makePod('store', { nodeName: 'a1', labels: { app: 'store' } })]) {
  return new TestCluster(
    [makeNode('a1', { labels: { [zone]: 'a' } }), makeNode('a2', { labels: { [zone]: 'a' } }), makeNode('b1', { labels: { [zone]: 'b' } }), makeNode('nozone')],
    pods,
  );
}

describe('InterPodAffinity filter', () => {
  it('required affinity: only domains that hold a matching pod, and the key must be on the node', () => {
    const c = cluster();
    const fw = c.framework(plugins);
    const web = makePod('web', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'store' }, zone)] } } });
    assert.equal(filterOn(fw, c, web, 'a1'), null);
    assert.equal(filterOn(fw, c, web, 'a2'), null);
    assert.deepEqual(filterOn(fw, c, web, 'b1'), ["node(s) didn't match pod affinity rules"]);
    assert.deepEqual(filterOn(fw, c, web, 'nozone'), ["node(s) didn't match pod affinity rules"]);
  });

  it('lets the first pod of a group with affinity to itself go anywhere with the key', () => {
    const c = cluster([]);
    const fw = c.framework(plugins);
    const first = makePod('cache-0', { labels: { app: 'cache' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'cache' }, zone)] } } });
    assert.equal(filterOn(fw, c, first, 'b1'), null);
    assert.deepEqual(filterOn(fw, c, first, 'nozone'), ["node(s) didn't match pod affinity rules"]);
  });

  it('required anti-affinity: no domain that holds a matching pod', () => {
    const c = cluster();
    const fw = c.framework(plugins);
    const pod = makePod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'store' }, zone)] } } });
    assert.deepEqual(filterOn(fw, c, pod, 'a2'), ["node(s) didn't match pod anti-affinity rules"]);
    assert.equal(filterOn(fw, c, pod, 'b1'), null);
    assert.equal(filterOn(fw, c, pod, 'nozone'), null);
  });

  it("honours existing pods' anti-affinity against the incoming pod", () => {
    const loner = makePod('loner', { nodeName: 'b1', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'noisy' }, 'kubernetes.io/hostname')] } } });
    const c = cluster([loner]);
    const fw = c.framework(plugins);
    assert.deepEqual(filterOn(fw, c, makePod('n', { labels: { app: 'noisy' } }), 'b1'), ["node(s) didn't satisfy existing pods anti-affinity rules"]);
    assert.equal(filterOn(fw, c, makePod('n', { labels: { app: 'noisy' } }), 'a1'), null);
    assert.equal(filterOn(fw, c, makePod('q', { labels: { app: 'quiet' } }), 'b1'), null);
  });

  it('matches terms in the pod namespace by default, or in listed and selected namespaces', () => {
    const c = cluster([makePod('store', { nodeName: 'b1', namespace: 'shop', labels: { app: 'store' } })]);
    c.namespaces.set('shop', { team: 'retail' });
    const fw = c.framework(plugins);
    const anti = (extra: Record<string, unknown>) => makePod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'store' }, zone, extra)] } } });
    assert.equal(filterOn(fw, c, anti({}), 'b1'), null);
    assert.deepEqual(filterOn(fw, c, anti({ namespaces: ['shop'] }), 'b1'), ["node(s) didn't match pod anti-affinity rules"]);
    assert.deepEqual(filterOn(fw, c, anti({ namespaceSelector: { matchLabels: { team: 'retail' } } }), 'b1'), ["node(s) didn't match pod anti-affinity rules"]);
    assert.deepEqual(filterOn(fw, c, anti({ namespaceSelector: {} }), 'b1'), ["node(s) didn't match pod anti-affinity rules"]);
  });
});

describe('InterPodAffinity score', () => {
  it('adds preferred affinity weights and subtracts anti-affinity per domain, rescaled min..max', () => {
    const c = cluster([makePod('store', { nodeName: 'a1', labels: { app: 'store' } }), makePod('db', { nodeName: 'b1', labels: { app: 'db' } })]);
    const fw = c.framework(plugins);
    const pod = makePod('web', {
      affinity: {
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'store' }, zone) }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term({ app: 'db' }, zone) }] },
      },
    });
    // zone a: +10, zone b: −5, nozone: 0 → (x+5)/15 × 100.
    assert.deepEqual(scoresOf(fw, c, pod, 'InterPodAffinity'), { a1: 100, a2: 100, b1: 0, nozone: 33 });
  });

  it("counts existing pods' required affinity with weight 1 toward pods they select", () => {
    const follower = makePod('follower', { nodeName: 'b1', affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'leader' }, zone)] } } });
    const c = cluster([follower]);
    const scores = scoresOf(c.framework(plugins), c, makePod('leader', { labels: { app: 'leader' } }), 'InterPodAffinity');
    assert.deepEqual(scores, { a1: 0, a2: 0, b1: 100, nozone: 0 });
  });
});
