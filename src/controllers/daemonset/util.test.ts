// The DaemonSet rules without I/O: node eligibility (selector, affinity, taints), the automatic
// tolerations, pinning affinity, revision labels, budgets, template generation, rollout plans.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { FakeClock, rfc3339 } from '../../machinery/clock.js';
import {
  addDaemonPodTolerations,
  createPodTemplate,
  isPodUpdated,
  nodeShouldRunDaemonPod,
  pinToNode,
  planRollingUpdate,
  prepareTemplateGeneration,
  surgeCount,
  targetNodeName,
  toleratesTaint,
  unavailableCount,
  type DaemonSet,
  type Node,
  type PodSpec,
} from './index.js';

function ds(podSpec: PodSpec = {}, spec: Partial<DaemonSet['spec']> = {}): DaemonSet {
  return {
    metadata: { name: 'd', namespace: 'ns', uid: 'u' },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }], ...podSpec } as PodSpec },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      ...spec,
    },
  };
}

function node(name: string, labels: Record<string, string> = {}, taints: { key: string; value?: string; effect: string }[] = []): Node {
  return { metadata: { name, labels }, spec: { taints } };
}

describe('which nodes run a daemon pod', () => {
  it('every node by default; nodeSelector and spec.nodeName narrow it', () => {
    assert.deepEqual(nodeShouldRunDaemonPod(node('a'), ds()), { shouldRun: true, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(node('a'), ds({ nodeSelector: { dist: 'ssd' } })), { shouldRun: false, shouldContinueRunning: false });
    assert.deepEqual(nodeShouldRunDaemonPod(node('a', { dist: 'ssd' }), ds({ nodeSelector: { dist: 'ssd' } })).shouldRun, true);
    assert.deepEqual(nodeShouldRunDaemonPod(node('a'), ds({ nodeName: 'b' })).shouldRun, false);
  });
  it('required node affinity: terms ORed, expressions ANDed, Gt/Lt on numbers, matchFields on the name', () => {
    const aff = (terms: unknown[]) => ds({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms as never } } } });
    const d = aff([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'gpu', operator: 'DoesNotExist' }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['special'] }] }]);
    assert.equal(nodeShouldRunDaemonPod(node('n', { zone: 'a' }), d).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node('n', { zone: 'a', gpu: '1' }), d).shouldRun, false);
    assert.equal(nodeShouldRunDaemonPod(node('special'), d).shouldRun, true);
    const gt = aff([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }]);
    assert.deepEqual(['8', '4', 'x'].map((c) => nodeShouldRunDaemonPod(node('n', { cores: c }), gt).shouldRun), [true, false, false]);
    assert.equal(nodeShouldRunDaemonPod(node('n'), aff([])).shouldRun, false, 'no terms match nothing');
    assert.equal(nodeShouldRunDaemonPod(node('n'), aff([{}])).shouldRun, false, 'an empty term matches nothing');
  });
  it('taints: untolerated NoSchedule stops new pods but keeps running ones; NoExecute evicts', () => {
    assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', effect: 'NoSchedule' }]), ds()), { shouldRun: false, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', effect: 'NoExecute' }]), ds()), { shouldRun: false, shouldContinueRunning: false });
    assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', effect: 'PreferNoSchedule' }]), ds()).shouldRun, true);
    const tolerant = ds({ tolerations: [{ key: 'k', operator: 'Exists' }] });
    assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', effect: 'NoExecute' }]), tolerant).shouldRun, true);
  });
  it('the automatic tolerations admit cordoned, pressured and not-ready nodes', () => {
    for (const key of ['node.kubernetes.io/unschedulable', 'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure']) {
      assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key, effect: 'NoSchedule' }]), ds()).shouldRun, true, key);
    }
    assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]), ds()), { shouldRun: true, shouldContinueRunning: true });
    // A new node's not-ready:NoSchedule taint is not among them: pods wait for the node to be Ready.
    assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]), ds()).shouldRun, false);
    const net = [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }];
    assert.equal(nodeShouldRunDaemonPod(node('n', {}, net), ds()).shouldRun, false);
    assert.equal(nodeShouldRunDaemonPod(node('n', {}, net), ds({ hostNetwork: true })).shouldRun, true);
  });
  it('toleratesTaint: empty operator means Equal; an empty key with Exists tolerates everything', () => {
    assert.ok(toleratesTaint({ key: 'k', value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' }));
    assert.ok(!toleratesTaint({ key: 'k', value: 'w' }, { key: 'k', value: 'v', effect: 'NoSchedule' }));
    assert.ok(toleratesTaint({ operator: 'Exists' }, { key: 'any', effect: 'NoExecute' }));
    assert.ok(!toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, { key: 'k', effect: 'NoExecute' }));
  });
});

describe('daemon pods', () => {
  it('adds the tolerations, replacing a same toleration with a time limit', () => {
    const spec: PodSpec = { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'mine', operator: 'Exists' }] };
    addDaemonPodTolerations(spec);
    assert.deepEqual(spec.tolerations!.slice(0, 3), [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'mine', operator: 'Exists' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    ]);
    assert.equal(spec.tolerations!.length, 7);
  });
  it('labels the template with the revision hash and the template generation', () => {
    const t = createPodTemplate(ds().spec.template, 4, 'abc');
    assert.deepEqual(t.metadata!.labels, { app: 'd', 'pod-template-generation': '4', 'controller-revision-hash': 'abc' });
    const pod = (labels: Record<string, string>): KubeObject => ({ metadata: { labels } });
    assert.ok(isPodUpdated(pod({ 'controller-revision-hash': 'abc' }), 'abc', undefined));
    assert.ok(isPodUpdated(pod({ 'pod-template-generation': '4' }), 'zzz', 4));
    assert.ok(!isPodUpdated(pod({ 'controller-revision-hash': 'old', 'pod-template-generation': '3' }), 'abc', 4));
  });
  it('pins a pod to its node, replacing only the required node affinity', () => {
    const pinned = pinToNode(undefined, 'n1');
    assert.deepEqual(pinned, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } } });
    const withOther = pinToNode({ podAntiAffinity: { x: 1 }, nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [1], requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }] } } }, 'n2');
    assert.deepEqual(withOther, {
      podAntiAffinity: { x: 1 },
      nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [1], requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } },
    });
    assert.equal(targetNodeName({ metadata: {}, spec: { affinity: withOther } }), 'n2');
    assert.equal(targetNodeName({ metadata: {}, spec: { nodeName: 'n3', affinity: withOther } }), 'n3');
    assert.equal(targetNodeName({ metadata: {}, spec: {} }), undefined);
  });
  it('budgets: percentages of the desired count, rounded up', () => {
    const d = ds({}, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '10%' } } });
    assert.deepEqual([unavailableCount(d, 10), surgeCount(d, 10)], [3, 1]);
    assert.deepEqual([unavailableCount(ds({}, { updateStrategy: { type: 'OnDelete' } }), 10)], [0]);
  });
});

describe('template generation (the API server part)', () => {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  it('starts at 1 and counts template changes only', () => {
    const created: KubeObject = { metadata: { name: 'd' }, spec: { template: { spec: { x: 1 } } } };
    prepareTemplateGeneration(created, undefined, same);
    assert.equal(created.metadata.annotations!['deprecated.daemonset.template.generation'], '1');
    const scaled: KubeObject = { metadata: { name: 'd', annotations: {} }, spec: { template: { spec: { x: 1 } }, minReadySeconds: 5 } };
    prepareTemplateGeneration(scaled, created, same);
    assert.equal(scaled.metadata.annotations!['deprecated.daemonset.template.generation'], '1');
    const changed: KubeObject = { metadata: { name: 'd', annotations: { 'deprecated.daemonset.template.generation': '9' } }, spec: { template: { spec: { x: 2 } } } };
    prepareTemplateGeneration(changed, scaled, same);
    assert.equal(changed.metadata.annotations!['deprecated.daemonset.template.generation'], '2', 'users cannot set it');
  });
});

describe('rolling update plans', () => {
  const clock = new FakeClock();
  const now = clock.now();
  const pod = (name: string, nodeName: string, hash: string, ready: boolean): KubeObject => ({
    metadata: { name, labels: { app: 'd', 'controller-revision-hash': hash }, creationTimestamp: rfc3339(now - 60_000) },
    spec: { nodeName },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: rfc3339(now - 60_000) }] },
  });
  const budget = (maxSurge: number, maxUnavailable: number, desired = 3) => ({ maxSurge, maxUnavailable, desiredNumberScheduled: desired });

  it('without surge: deletes old available pods up to maxUnavailable, and every unavailable old pod', () => {
    const map = new Map([
      ['n1', [pod('a', 'n1', 'old', true)]],
      ['n2', [pod('b', 'n2', 'old', true)]],
      ['n3', [pod('c', 'n3', 'old', false)]],
    ]);
    assert.deepEqual(planRollingUpdate(ds(), map, 'new', budget(0, 2), () => true, now), { deletePods: ['c', 'a'], createOn: [] });
    assert.deepEqual(planRollingUpdate(ds(), map, 'new', budget(0, 1), () => true, now), { deletePods: ['c'], createOn: [] });
  });
  it('without surge: an unavailable new pod uses up the budget', () => {
    const map = new Map([
      ['n1', [pod('a', 'n1', 'new', false)]],
      ['n2', [pod('b', 'n2', 'old', true)]],
    ]);
    assert.deepEqual(planRollingUpdate(ds(), map, 'new', budget(0, 1, 2), () => true, now).deletePods, []);
  });
  it('with surge: starts new pods beside available old ones, and deletes an old pod once its new one is available', () => {
    const map = new Map([
      ['n1', [pod('a', 'n1', 'old', true), pod('a2', 'n1', 'new', true)]],
      ['n2', [pod('b', 'n2', 'old', true)]],
      ['n3', [pod('c', 'n3', 'old', true)]],
    ]);
    assert.deepEqual(planRollingUpdate(ds(), map, 'new', budget(1, 0), () => true, now), { deletePods: ['a'], createOn: ['n2'] });
  });
});
