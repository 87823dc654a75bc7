// Seed 002: a ReplicationController's pods, orphaned with --cascade=orphan, are adopted by a
// ReplicaSet whose selector (with matchExpressions) matches them.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { startKubelite, eventually, type RunningCluster } from './harness.js';

const template = { metadata: { labels: { app: 'kubia' } }, spec: { containers: [{ name: 'kubia', image: 'luksa/kubia', ports: [{ containerPort: 8080 }] }] } };

describe('ReplicationController to ReplicaSet (seed 002)', () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite({ args: ['--runtime', 'simulated', '--nodes', '2'] });
  });
  after(async () => {
    await c?.stop();
  });

  const owners = () =>
    (JSON.parse(c.k('get pods -l app=kubia -o json')).items as any[]).map((p) => `${p.metadata.name}:${p.metadata.ownerReferences?.[0]?.kind ?? 'none'}`);

  it('keeps three pods, replaces a deleted one, releases a relabelled one', async () => {
    c.k('apply -f -', { input: YAML.stringify({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'kubia' }, spec: { replicas: 3, selector: { app: 'kubia' }, template } }) });
    await eventually(() => c.k('get rc kubia --no-headers').match(/^kubia\s+3\s+3\s+3\s/), 30_000, 'rc ready');
    const first = c.k('get pods -l app=kubia -o name').trim().split('\n')[0];
    c.k(['delete', first, '--wait=false']);
    await eventually(() => c.k('get pods -l app=kubia --field-selector=status.phase=Running -o name').trim().split('\n').filter((n) => n !== first).length === 3, 30_000, 'a replacement');
    const other = c.k('get pods -l app=kubia -o name').trim().split('\n').find((n) => n !== first)!;
    c.k(['label', other, 'app=foo', '--overwrite']);
    await eventually(() => c.k('get pods -l app=kubia -o name').trim().split('\n').length === 3 && c.k(['get', other, '-o', 'jsonpath={.metadata.ownerReferences}']) === '', 30_000, 'release and replace');
    c.k(['delete', other]);
  });

  it('orphans the pods with --cascade=orphan, then a ReplicaSet adopts them', async () => {
    assert.equal(c.k('delete rc kubia --cascade=orphan'), 'replicationcontroller "kubia" deleted\n');
    await eventually(() => owners().every((o) => o.endsWith(':none')), 30_000, 'orphans');
    const names = owners().map((o) => o.split(':')[0]).sort();
    c.k('apply -f -', {
      input: YAML.stringify({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'kubia' },
        spec: { replicas: 3, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['kubia'] }] }, template },
      }),
    });
    await eventually(() => owners().every((o) => o.endsWith(':ReplicaSet')), 30_000, 'adoption');
    assert.deepEqual(owners().map((o) => o.split(':')[0]).sort(), names, 'the same pods, adopted, none recreated');
    assert.match(c.k('get rs kubia'), /kubia\s+3\s+3\s+3/);
  });
});
