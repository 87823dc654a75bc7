// Scheduling as a user sees it through kubectl: pods land on Ready nodes (Scheduled events),
// nodeSelector and node affinity follow `kubectl label node`, taints and tolerations as
// `kubectl taint` sets them, and a pod that fits nowhere explains why in describe.
// Nodes are created with kubectl (no node agents in these tests) and the not-ready taint that
// TaintNodesByCondition puts on new nodes is lifted with kubectl, as the node lifecycle
// controller does for Ready nodes.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../src/client/rest.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { poll } from '../../src/testing/poll.js';
import { startKubelite, type RunningCluster } from './harness.js';

/**
 * Enabled once `kubelite up` runs the scheduler (src/scheduler/scheduler.ts). Until then
 * KUBELITE_E2E_SCHEDULING=local runs one in this process over HTTPS next to `kubelite up`.
 */
const mode = process.env.KUBELITE_E2E_SCHEDULING ?? '1';
const skip = mode === '1' || mode === 'local' ? false : 'the scheduler is not wired into kubelite up yet (set KUBELITE_E2E_SCHEDULING=1, or =local)';


function eventually<T>(fn: () => T | undefined | false | '', what: string, timeoutMs = 15_000): Promise<T> {
  return poll(fn, { timeoutMs, what, intervalMs: 200 }) as Promise<T>;
}

describe('scheduling', { skip }, () => {
  let c: RunningCluster;
  const local = new AbortController();
  let localScheduler: Promise<void> | undefined;

  before(async () => {
    c = await startKubelite();
    if (mode === 'local') {
      const client = new RestClient({ server: c.server, token: c.token, caPem: c.caPem });
      localScheduler = new Scheduler({ client, leaderElection: false }).start(local.signal).finally(() => client.close());
    }
    for (const [name, cpu] of [['node-1', '2'], ['node-2', '2']]) {
      const node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name } },
        status: { capacity: { cpu, memory: '8Gi', pods: '110' }, allocatable: { cpu, memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] },
      };
      c.k('create -f -', { input: JSON.stringify(node) });
      c.kubectl(['taint', 'nodes', name, 'node.kubernetes.io/not-ready:NoSchedule-']);
    }
    await eventually(() => c.kubectl('get serviceaccount default').code === 0, 'the default service account');
  });

  after(async () => {
    local.abort();
    await localScheduler;
    await c?.stop();
  });

  const nodeOf = (pod: string) => c.k(`get pod ${pod} -o jsonpath={.spec.nodeName}`).trim();

  it('schedules a pod onto a Ready node and records Scheduled', async () => {
    c.k('run web --image=nginx --restart=Never');
    const node = await eventually(() => nodeOf('web'), 'web to be scheduled');
    assert.match(node, /^node-[12]$/);
    const describe = c.k('describe pod web');
    assert.match(describe, new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/web to ${node}`));
    assert.match(c.k('get pods -o wide'), new RegExp(`web\\s+0/1\\s+Pending\\s+0\\s+\\S+\\s+<none>\\s+${node}`));
  });

  it('follows nodeSelector and kubectl label node (kubia-gpu)', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kubia-gpu' }, spec: { nodeSelector: { gpu: 'true' }, containers: [{ image: 'taodaling/kubia', name: 'kubia', ports: [{ containerPort: 8080, protocol: 'TCP' }] }] } };
    c.k('create -f -', { input: JSON.stringify(pod) });
    const describe = await eventually(() => {
      const out = c.k('describe pod kubia-gpu');
      return /FailedScheduling/.test(out) && out;
    }, 'FailedScheduling');
    assert.match(describe, /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/2 nodes are available: 2 node\(s\) didn't match Pod's node affinity\/selector\. preemption: 0\/2 nodes are available: 2 Preemption is not helpful for scheduling\./);
    assert.match(describe, /PodScheduled\s+False/);
    c.k('label node node-2 gpu=true');
    assert.equal(await eventually(() => nodeOf('kubia-gpu'), 'kubia-gpu to be scheduled'), 'node-2');
  });

  it('requires node affinity terms (gpu In true)', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'affine' },
      spec: {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gpu', operator: 'In', values: ['true'] }] }] } } },
        containers: [{ name: 'app', image: 'nginx' }],
      },
    };
    c.k('create -f -', { input: JSON.stringify(pod) });
    assert.equal(await eventually(() => nodeOf('affine'), 'affine to be scheduled'), 'node-2');
  });

  it('keeps pods off tainted nodes unless they tolerate the taint', async () => {
    c.k('taint node node-1 node-type=production:NoSchedule');
    c.k('taint node node-2 node-type=production:NoSchedule');
    c.k('run plain --image=nginx --restart=Never');
    const describe = await eventually(() => {
      const out = c.k('describe pod plain');
      return /FailedScheduling/.test(out) && out;
    }, 'FailedScheduling');
    assert.match(describe, /0\/2 nodes are available: 2 node\(s\) had untolerated taint \{node-type: production\}\. preemption: 0\/2 nodes are available: 2 Preemption is not helpful for scheduling\./);
    const tolerant = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'tolerant' },
      spec: { tolerations: [{ key: 'node-type', operator: 'Equal', value: 'production', effect: 'NoSchedule' }], containers: [{ name: 'app', image: 'nginx' }] },
    };
    c.k('create -f -', { input: JSON.stringify(tolerant) });
    await eventually(() => nodeOf('tolerant'), 'tolerant to be scheduled');
    // Removing the taint lets the plain pod in (the node update moves it back to the queue).
    c.k('taint node node-1 node-type=production:NoSchedule-');
    assert.equal(await eventually(() => nodeOf('plain'), 'plain to be scheduled'), 'node-1');
    c.k('taint node node-2 node-type=production:NoSchedule-');
  });

  it('explains a pod too big for every node', async () => {
    const huge = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'huge' }, spec: { containers: [{ name: 'huge', image: 'nginx', resources: { requests: { cpu: '16' } } }] } };
    c.k('create -f -', { input: JSON.stringify(huge) });
    const describe = await eventually(() => {
      const out = c.k('describe pod huge');
      return /FailedScheduling/.test(out) && out;
    }, 'FailedScheduling');
    assert.match(describe, /0\/2 nodes are available: 2 Insufficient cpu\. preemption: 0\/2 nodes are available: 2 No preemption victims found for incoming pod\./);
    const events = c.k('get events --field-selector involvedObject.name=huge');
    assert.match(events, /Warning\s+FailedScheduling\s+pod\/huge\s+0\/2 nodes are available/);
  });
});
