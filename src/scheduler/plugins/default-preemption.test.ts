import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import type { Framework } from '../framework.js';
import { PodInfo } from '../pod-info.js';
import { makeNode, makePod, RecordingClient, RecordingRecorder, TestCluster } from '../testkit.js';
import { CycleState, FitError } from '../types.js';
import { DefaultPreemption, filterPodsWithPDBViolation } from './default-preemption.js';
import { schedulingPlugins } from './registry.js';

function setup(nodes: KubeObject[], pods: KubeObject[]) {
  const c = new TestCluster(nodes, pods);
  const client = new RecordingClient();
  const recorder = new RecordingRecorder();
  let fw!: Framework;
  fw = c.framework((h) => [...schedulingPlugins(h), { plugin: new DefaultPreemption(h, () => fw, client, recorder, { random: () => 0 }) }]);
  const alg = c.algorithm(fw);
  /** A scheduling cycle and its PostFilter, as the scheduler runs them. */
  const attempt = async (pod: KubeObject) => {
    const state = new CycleState();
    const info = new PodInfo(pod);
    const r = alg.schedulePod(state, info);
    assert.ok(r instanceof FitError, 'the pod should not fit');
    const post = await fw.runPostFilter(state, info, r.diagnosis.nodeToStatus);
    r.diagnosis.postFilterMsg = post.status.message();
    return { message: r.message, post };
  };
  return { c, client, recorder, attempt };
}

const started = (s: string) => `2026-01-01T00:${s}:00Z`;

describe('DefaultPreemption', () => {
  it('evicts the fewest lower-priority pods and nominates the node', async () => {
    const { client, recorder, attempt } = setup(
      [makeNode('n1', { cpu: '2' }), makeNode('n2', { cpu: '2' })],
      [
        makePod('low-a', { nodeName: 'n1', cpu: '1', priority: 1, startTime: started('01') }),
        makePod('low-b', { nodeName: 'n1', cpu: '1', priority: 1, startTime: started('02') }),
        makePod('high', { nodeName: 'n2', cpu: '2', priority: 100 }),
      ],
    );
    const { message, post } = await attempt(makePod('urgent', { cpu: '1', priority: 50, uid: 'urgent-uid' }));
    assert.equal(message, '0/2 nodes are available: 2 Insufficient cpu.');
    assert.ok(post.status.isSuccess());
    assert.deepEqual(post.result, { nominatedNodeName: 'n1' });
    // One victim is enough; the one that started later goes (the earlier one is reprieved first).
    const writes = client.actions.map((a) => `${a.verb} ${a.name}`);
    assert.deepEqual(writes, ['patch/status low-b', 'delete low-b']);
    assert.deepEqual((client.actions[0].body as { status: { conditions: unknown[] } }).status.conditions[0], {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: 'default-scheduler: preempting to accommodate a higher priority pod',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    });
    assert.deepEqual(recorder.events, [{ name: 'low-b', type: 'Normal', reason: 'Preempted', message: 'Preempted by pod urgent-uid on node n1' }]);
  });

  it('explains why preemption cannot help, per node', async () => {
    const { client, attempt } = setup(
      [makeNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }), makeNode('w1', { cpu: '1' }), makeNode('w2', { cpu: '1' })],
      [makePod('same', { nodeName: 'w2', cpu: '1', priority: 10 })],
    );
    const { message, post } = await attempt(makePod('p', { cpu: '2', priority: 10 }));
    assert.equal(
      message,
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    assert.deepEqual(post.result, { nominatedNodeName: '' });
    assert.deepEqual(client.actions, []);
  });

  it('names the filter that still fails after removing every victim', async () => {
    const { attempt } = setup([makeNode('n1', { cpu: '1' })], [makePod('low', { nodeName: 'n1', cpu: '500m', priority: 0 })]);
    const { message } = await attempt(makePod('p', { cpu: '2', priority: 10 }));
    assert.equal(message, '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.');
  });

  it('does not preempt for pods with preemptionPolicy Never', async () => {
    const { attempt, client } = setup([makeNode('n1', { cpu: '1' })], [makePod('low', { nodeName: 'n1', cpu: '1' })]);
    const { message } = await attempt(makePod('p', { cpu: '1', priority: 10, preemptionPolicy: 'Never' }));
    assert.equal(message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
    assert.deepEqual(client.actions, []);
  });

  it('waits while a victim on the nominated node is terminating', async () => {
    const terminating = makePod('victim', { nodeName: 'n1', cpu: '1', deleting: true, conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] });
    const { attempt } = setup([makeNode('n1', { cpu: '1' })], [terminating]);
    const { message } = await attempt(makePod('p', { cpu: '1', priority: 10, nominatedNodeName: 'n1' }));
    assert.equal(message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.');
  });

  it('prefers victims whose eviction keeps PodDisruptionBudgets', async () => {
    const { c, client, attempt } = setup(
      [makeNode('n1', { cpu: '1' }), makeNode('n2', { cpu: '1' })],
      [makePod('guarded', { nodeName: 'n1', cpu: '1', labels: { app: 'db' } }), makePod('free', { nodeName: 'n2', cpu: '1', labels: { app: 'web' } })],
    );
    c.objects.poddisruptionbudgets.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'db' } } }, status: { disruptionsAllowed: 0 } });
    const { post } = await attempt(makePod('p', { cpu: '1', priority: 10 }));
    assert.deepEqual(post.result, { nominatedNodeName: 'n2' });
    assert.deepEqual(client.actions.filter((a) => a.verb === 'delete').map((a) => a.name), ['free']);
  });

  it('splits pods by PDB violation, counting each budget down', () => {
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'x' } } }, status: { disruptionsAllowed: 1 } };
    const pods = ['x1', 'x2', 'y'].map((n) => new PodInfo(makePod(n, { labels: { app: n[0] } })));
    const [violating, ok] = filterPodsWithPDBViolation(pods, [pdb]);
    assert.deepEqual(violating.map((p) => p.name), ['x2']);
    assert.deepEqual(ok.map((p) => p.name), ['x1', 'y']);
  });
});
