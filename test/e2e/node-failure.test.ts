// A node that stops heartbeating: it turns NotReady, gets the unreachable taints, and the pods
// on it are evicted once their tolerationSeconds pass and replaced on the other nodes.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { startKubelite, eventually, type RunningCluster } from './harness.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'resilient' },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'resilient' } },
    template: {
      metadata: { labels: { app: 'resilient' } },
      spec: {
        // Evicted 5 s after the node is unreachable instead of the default 300 s.
        tolerations: [
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
        ],
        containers: [{ name: 'app', image: 'nginx:1.25' }],
      },
    },
  },
};

interface PodRow {
  name: string;
  node: string;
  phase: string;
  deleting: boolean;
}

describe('a node that stops heartbeating', () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite({ args: ['--runtime', 'simulated', '--nodes', '3', '--node-monitor-grace-period', '6s'] });
    await eventually(() => c.k('get nodes --no-headers').split('\n').filter((l) => /\sReady\s/.test(l)).length === 3, 30_000, 'three Ready nodes');
  });
  after(async () => {
    await c?.stop();
  });

  const pods = (): PodRow[] =>
    (JSON.parse(c.k('get pods -l app=resilient -o json')).items as any[]).map((p) => ({
      name: p.metadata.name,
      node: p.spec.nodeName ?? '',
      phase: p.status?.phase ?? '',
      deleting: !!p.metadata.deletionTimestamp,
    }));

  it('replaces its pods on the other nodes', async () => {
    c.k('apply -f -', { input: YAML.stringify(deployment) });
    c.k('rollout status deploy/resilient --timeout=60s');
    const before = pods();
    assert.ok(new Set(before.map((p) => p.node)).size >= 2, 'the default scheduler spreads the pods');
    const victim = before[0].node;

    c.k(['annotate', 'node', victim, 'kubelite.io/simulate-node-down=true']);
    // The node turns NotReady (Unknown status) once the grace period passes without a lease.
    await eventually(() => new RegExp(`^${victim}\\s+NotReady`, 'm').test(c.k('get nodes --no-headers')), 30_000, `${victim} NotReady`);
    await eventually(() => {
      const taints = JSON.parse(c.k(['get', 'node', victim, '-o', 'jsonpath={.spec.taints}']) || '[]') as { key: string; effect: string }[];
      return taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute');
    }, 30_000, 'the unreachable NoExecute taint');
    assert.match(c.k(['describe', 'node', victim]), /Kubelet stopped posting node status\./);

    // After tolerationSeconds the pod on it is evicted and a replacement runs elsewhere.
    const replaced = await eventually(() => {
      const now = pods();
      const live = now.filter((p) => !p.deleting && p.phase === 'Running');
      return live.length === 3 && live.every((p) => p.node !== victim) && now.some((p) => p.node === victim) ? now : undefined;
    }, 60_000, 'three running pods off the failed node');
    assert.ok(replaced!.some((p) => p.node === victim && p.deleting), `the evicted pod is Terminating until its node returns: ${JSON.stringify(replaced)}`);
    assert.match(c.k('get events --field-selector reason=TaintManagerEviction'), /Marking for deletion Pod default\//);

    // The node comes back: Ready again, taints removed.
    c.k(['annotate', 'node', victim, 'kubelite.io/simulate-node-down-']);
    await eventually(() => new RegExp(`^${victim}\\s+Ready`, 'm').test(c.k('get nodes --no-headers')), 30_000, `${victim} Ready again`);
    await eventually(() => !c.k(['get', 'node', victim, '-o', 'jsonpath={.spec.taints}']).includes('unreachable'), 30_000, 'taints removed');
    await eventually(() => pods().every((p) => !p.deleting), 30_000, 'the evicted pod finally deleted');
  });
});
