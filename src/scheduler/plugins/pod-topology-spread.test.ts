import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterOn, makeNode, makePod, scoresOf, TestCluster } from '../testkit.js';
import { PodTopologySpread } from './pod-topology-spread.js';

const zone = 'topology.kubernetes.io/zone';
const plugins = (h: ConstructorParameters<typeof PodTopologySpread>[0]) => [{ plugin: new PodTopologySpread(h) }];
const spread = (c: Record<string, unknown>) => ({ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...c });
const web = (name: string, nodeName?: string) => makePod(name, { nodeName, labels: { app: 'web' } });

function cluster(pods = [web('w1', 'a1'), web('w2', 'a2')]) {
  return new TestCluster(
    [makeNode('a1', { labels: { [zone]: 'a' } }), makeNode('a2', { labels: { [zone]: 'a' } }), makeNode('b1', { labels: { [zone]: 'b', disk: 'ssd' } }), makeNode('nozone')],
    pods,
  );
}

describe('PodTopologySpread filter', () => {
  it('keeps the skew within maxSkew', () => {
    const c = cluster();
    const fw = c.framework(plugins);
    const pod = makePod('w3', { labels: { app: 'web' }, topologySpreadConstraints: [spread({})] });
    assert.deepEqual(filterOn(fw, c, pod, 'a1'), ["node(s) didn't match pod topology spread constraints"]);
    assert.equal(filterOn(fw, c, pod, 'b1'), null);
    assert.deepEqual(filterOn(fw, c, pod, 'nozone'), ["node(s) didn't match pod topology spread constraints (missing required label)"]);
    assert.equal(filterOn(fw, c, makePod('w3', { labels: { app: 'web' }, topologySpreadConstraints: [spread({ maxSkew: 3 })] }), 'a1'), null);
  });

  it('treats the global minimum as 0 while fewer than minDomains domains exist', () => {
    const c = cluster([web('w1', 'a1'), web('w2', 'b1')]);
    const fw = c.framework(plugins);
    assert.equal(filterOn(fw, c, makePod('w3', { labels: { app: 'web' }, topologySpreadConstraints: [spread({})] }), 'a1'), null);
    assert.deepEqual(filterOn(fw, c, makePod('w3', { labels: { app: 'web' }, topologySpreadConstraints: [spread({ minDomains: 3 })] }), 'a1'), ["node(s) didn't match pod topology spread constraints"]);
  });

  it('counts only nodes matching the pod node affinity (nodeAffinityPolicy Honor) unless Ignore', () => {
    const c = cluster([web('w1', 'b1'), web('w2', 'b1')]);
    const fw = c.framework(plugins);
    // Honor: only b1 (disk=ssd) is a domain, its own minimum: skew 1.
    const honor = makePod('w3', { labels: { app: 'web' }, nodeSelector: { disk: 'ssd' }, topologySpreadConstraints: [spread({})] });
    assert.equal(filterOn(fw, c, honor, 'b1'), null);
    // Ignore: empty zone a counts, minimum 0: skew 3.
    const ignore = makePod('w3', { labels: { app: 'web' }, nodeSelector: { disk: 'ssd' }, topologySpreadConstraints: [spread({ nodeAffinityPolicy: 'Ignore' })] });
    assert.deepEqual(filterOn(fw, c, ignore, 'b1'), ["node(s) didn't match pod topology spread constraints"]);
  });

  it('skips pods without DoNotSchedule constraints', () => {
    const c = cluster();
    const fw = c.framework(plugins);
    assert.equal(filterOn(fw, c, makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread({ whenUnsatisfiable: 'ScheduleAnyway' })] }), 'a1'), null);
  });
});

describe('PodTopologySpread score', () => {
  it('prefers the domain with fewer matching pods (ScheduleAnyway)', () => {
    const c = cluster();
    const fw = c.framework(plugins);
    const pod = makePod('w3', { labels: { app: 'web' }, topologySpreadConstraints: [spread({ whenUnsatisfiable: 'ScheduleAnyway' })] });
    const scores = scoresOf(fw, c, pod, 'PodTopologySpread');
    // Own constraints need the key: nozone is ignored (0). Zone a has 2 pods, b none.
    assert.equal(scores.nozone, 0);
    assert.equal(scores.b1, 100);
    assert.ok(scores.a1 < scores.b1);
    assert.equal(scores.a1, scores.a2);
  });

  it('spreads pods of a ReplicaSet by hostname and zone with the system defaults', () => {
    const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true }];
    const c = cluster([makePod('w1', { nodeName: 'a1', labels: { app: 'web' }, ownerReferences: owner }), makePod('w2', { nodeName: 'a1', labels: { app: 'web' }, ownerReferences: owner })]);
    c.objects.replicasets.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } } } });
    const fw = c.framework(plugins);
    const scores = scoresOf(fw, c, makePod('w3', { labels: { app: 'web' }, ownerReferences: owner }), 'PodTopologySpread');
    assert.ok(scores.a1 < scores.a2, JSON.stringify(scores));
    assert.ok(scores.a2 < scores.b1, JSON.stringify(scores));
    // Nodes without a zone still spread by hostname under the system defaults.
    assert.ok(scores.nozone > scores.a1, JSON.stringify(scores));
    // Without an owner or a Service there is nothing to spread.
    assert.deepEqual(scoresOf(fw, c, makePod('lone', { labels: { app: 'web' } }), 'PodTopologySpread'), { a1: 0, a2: 0, b1: 0, nozone: 0 });
  });
});
