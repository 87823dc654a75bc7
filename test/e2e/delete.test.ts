// Deleting the ways users delete: by name, by label, --all, `delete all --all`, cascading
// (background, orphan, foreground), grace periods and --force, `kubectl wait`, and namespaces.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubelite, eventually, type RunningCluster } from './harness.js';

const cm = (name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels, ...extra }, data: { k: 'v' } });

describe('kubectl delete', () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite();
  });
  after(async () => {
    await c?.stop();
  });

  const names = (what: string, ns = 'default') => c.k(['get', what, '-n', ns, '-o', 'name']).trim().split('\n').filter(Boolean);

  it('deletes by name, by label and --all', () => {
    for (const [n, l] of [['a', 'x'], ['b', 'x'], ['c', 'y'], ['d', 'y']]) c.k(['create', '-f', '-'], { input: cm(n, { group: l }) });
    assert.equal(c.k('delete configmap a'), 'configmap "a" deleted\n');
    assert.equal(c.k('delete configmap -l group=x'), 'configmap "b" deleted\n');
    const missing = c.kubectl('delete configmap a');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): configmaps "a" not found/);
    assert.equal(c.kubectl('delete configmap a --ignore-not-found').code, 0);
    c.k('delete configmap --all');
    assert.deepEqual(names('configmaps').filter((n) => n !== 'configmap/kube-root-ca.crt'), []);
  });

  it('deletes everything in the "all" category with `delete all --all`', () => {
    c.k(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'everything' } }) });
    c.k(['create', '-n', 'everything', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
          { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { a: 'b' }, ports: [{ port: 80 }] } },
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep' } },
        ],
      }),
    });
    const out = c.k('delete all --all -n everything');
    assert.match(out, /pod "p" deleted/);
    assert.match(out, /service "s" deleted/);
    assert.deepEqual(names('pods,services', 'everything'), []);
    assert.ok(names('configmaps', 'everything').includes('configmap/keep'), 'configmaps are not in "all"');
  });

  it('cascades: background deletes dependents, orphan keeps them without the owner reference, foreground deletes them first', async () => {
    for (const cascade of ['background', 'orphan', 'foreground']) {
      c.k(['create', '-f', '-'], { input: cm('owner') });
      const uid = c.k(['get', 'cm', 'owner', '-o', 'jsonpath={.metadata.uid}']);
      const ref = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid, blockOwnerDeletion: true, controller: true }];
      c.k(['create', '-f', '-'], { input: cm('dependent', {}, { ownerReferences: ref }) });
      c.k(['delete', 'cm', 'owner', `--cascade=${cascade}`]);
      if (cascade === 'orphan') {
        await eventually(() => c.k(['get', 'cm', 'dependent', '-o', 'jsonpath={.metadata.ownerReferences}']) === '', 10_000, 'orphaned dependent');
        c.k('delete cm dependent');
      } else {
        await eventually(() => c.kubectl(['get', 'cm', 'dependent']).code !== 0, 10_000, `${cascade} deletion of the dependent`);
      }
      assert.notEqual(c.kubectl(['get', 'cm', 'owner']).code, 0, `owner gone after ${cascade}`);
    }
  });

  it('waits on finalizers: the object stays with a deletionTimestamp until they are removed', () => {
    c.k(['create', '-f', '-'], { input: cm('held', {}, { finalizers: ['example.com/hold'] }) });
    c.k('delete cm held --wait=false');
    const obj = JSON.parse(c.k('get cm held -o json'));
    assert.ok(obj.metadata.deletionTimestamp);
    assert.deepEqual(obj.metadata.finalizers, ['example.com/hold']);
    const more = c.kubectl(['patch', 'cm', 'held', '--type=json', '-p', '[{"op":"add","path":"/metadata/finalizers/-","value":"example.com/more"}]']);
    assert.equal(more.code, 1);
    assert.match(more.stderr, /no new finalizers can be added if the object is being deleted/);
    c.k(['patch', 'cm', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    assert.notEqual(c.kubectl('get cm held').code, 0);
  });

  it('waits for deletion and conditions with kubectl wait', () => {
    c.k(['create', '-f', '-'], { input: cm('soon-gone', {}, { finalizers: ['example.com/hold'] }) });
    c.k('delete cm soon-gone --wait=false');
    // Held by a finalizer, the wait times out; once released, it returns at once.
    const timedOut = c.kubectl('wait --for=delete cm/soon-gone --timeout=1s');
    assert.equal(timedOut.code, 1);
    c.k(['patch', 'cm', 'soon-gone', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    assert.equal(c.kubectl('wait --for=delete cm/soon-gone --timeout=5s').code, 0);
    c.k(['create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'waiting' } }),
    });
    assert.match(c.k('wait --for=jsonpath={.status.phase}=Active ns/waiting --timeout=5s'), /namespace\/waiting condition met/);
    // The Job controller marks a suspended Job with the Suspended condition.
    c.k(['create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'done' }, spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } }),
    });
    assert.match(c.k('wait --for=condition=suspended job/done --timeout=10s'), /job\.batch\/done condition met/);
    assert.equal(c.kubectl('wait --for=condition=complete job/done --timeout=1s').code, 1);

  });

  it('deletes pods with a grace period once they are on a node, and at once with --force', () => {
    const pod = (name: string) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'node-x', terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'busybox' }] } });
    c.k(['create', '-f', '-'], { input: pod('graceful') });
    c.k('delete pod graceful --wait=false --grace-period=20');
    const p = JSON.parse(c.k('get pod graceful -o json'));
    assert.equal(p.metadata.deletionGracePeriodSeconds, 20);
    assert.ok(p.metadata.deletionTimestamp);
    assert.match(c.k('get pod graceful'), /Terminating/);
    const forced = c.kubectl('delete pod graceful --grace-period=0 --force');
    assert.equal(forced.code, 0);
    assert.match(forced.stderr, /Immediate deletion does not wait for confirmation that the running resource has been terminated/);
    assert.notEqual(c.kubectl('get pod graceful').code, 0);
    // An unscheduled pod has nothing to stop: it goes at once.
    c.k(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }) });
    c.k('delete pod pending');
    assert.notEqual(c.kubectl('get pod pending').code, 0);
  });

  it('deletes a namespace with everything in it, showing Terminating meanwhile', async () => {
    c.k(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } }) });
    c.k(['create', '-n', 'doomed', '-f', '-'], { input: cm('held', {}, { finalizers: ['example.com/hold'] }) });
    c.k(['create', '-n', 'doomed', '-f', '-'], { input: cm('plain') });
    c.k('delete ns doomed --wait=false');
    await eventually(() => c.k('get ns doomed -o jsonpath={.status.phase}') === 'Terminating', 5000, 'Terminating');
    await eventually(() => c.kubectl('get cm plain -n doomed').code !== 0, 5000, 'contents deleted');
    const ns = JSON.parse(c.k('get ns doomed -o json'));
    const remaining = ns.status.conditions.find((x: { type: string }) => x.type === 'NamespaceFinalizersRemaining');
    assert.equal(remaining.status, 'True');
    const refused = c.kubectl(['create', '-n', 'doomed', '-f', '-'], { input: cm('late') });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /unable to create new content in namespace doomed because it is being terminated/);
    c.k(['patch', 'cm', 'held', '-n', 'doomed', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    await eventually(() => c.kubectl('get ns doomed').code !== 0, 10_000, 'namespace gone');
  });

  it('refuses to delete the system namespaces', () => {
    const r = c.kubectl('delete ns kube-system');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /namespaces "kube-system" is forbidden: this namespace may not be deleted/);
  });
});
