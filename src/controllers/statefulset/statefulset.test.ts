// The StatefulSet controller against the real API server on a fake clock, with the test as the
// kubelet: ordered creation and deletion, stable identity and storage, Parallel, rolling updates
// with a partition, OnDelete, forced rollback, history, claim retention, and kubectl's view.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { R } from '../../client/resources.js';
import { imageOf, podIsReady, startApps, statefulSet, type Apps } from './testkit.js';

const ns = 'default';

async function sts(a: Apps, name: string): Promise<KubeObject & { status?: Record<string, any>; spec: Record<string, any> }> {
  return (await a.client.get(R.statefulsets, ns, name)) as never;
}

async function pod(a: Apps, name: string): Promise<KubeObject | undefined> {
  return a.client.get(R.pods, ns, name);
}

async function setImage(a: Apps, name: string, image: string): Promise<void> {
  await a.patch(R.statefulsets, name, { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } }, 'strategic');
}

/** Readies pods one by one as they appear, until `names` all are Running and Ready. */
async function readyInOrder(a: Apps, names: string[]): Promise<string[]> {
  const seen: string[] = [];
  for (const n of names) {
    await a.until(async () => (await a.podNames()).includes(n), `${n} to be created`);
    seen.push((await a.podNames()).join(','));
    await a.kubelet.ready(n);
  }
  return seen;
}

describe('StatefulSet controller', () => {
  let a: Apps;
  before(async () => {
    a = await startApps({ daemonSets: false, garbageCollector: true });
  });
  after(async () => {
    await a.stop();
  });

  it('creates web-0..2 one at a time, each Running and Ready before the next (OrderedReady)', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('web', { replicas: 3 }));
    const seen = await readyInOrder(a, ['web-0', 'web-1', 'web-2']);
    // Only web-0 existed until it was ready; then web-1 joined; then web-2.
    assert.deepEqual(seen, ['web-0', 'web-0,web-1', 'web-0,web-1,web-2']);
    await a.until(async () => (await sts(a, 'web')).status?.readyReplicas === 3, 'readyReplicas 3');
    await a.quiesce();
    const s = await sts(a, 'web');
    const revision = s.status!.currentRevision as string;
    assert.match(revision, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.deepEqual(s.status, {
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
      availableReplicas: 3,
    });
    const web1 = (await pod(a, 'web-1'))!;
    assert.equal(web1.metadata.labels!['statefulset.kubernetes.io/pod-name'], 'web-1');
    assert.equal(web1.metadata.labels!['apps.kubernetes.io/pod-index'], '1');
    assert.equal(web1.metadata.labels!['controller-revision-hash'], revision);
    assert.equal(web1.metadata.generateName, 'web-');
    assert.deepEqual([(web1.spec as any).hostname, (web1.spec as any).subdomain], ['web-1', 'web']);
    assert.deepEqual(web1.metadata.ownerReferences!.map((r) => [r.kind, r.name, r.controller]), [['StatefulSet', 'web', true]]);
    const creates = a.events.filter((e) => e.name === 'web' && e.reason === 'SuccessfulCreate').map((e) => e.message);
    assert.deepEqual(creates, ['create Pod web-0 in StatefulSet web successful', 'create Pod web-1 in StatefulSet web successful', 'create Pod web-2 in StatefulSet web successful']);
  });

  it('scales down from the highest ordinal, one pod at a time, and waits for an unhealthy pod first', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('down', { replicas: 3, spec: { template: { metadata: { labels: { app: 'down' } }, spec: { terminationGracePeriodSeconds: 10, containers: [{ name: 'app', image: 'nginx:1.0' }] } } } }));
    await readyInOrder(a, ['down-0', 'down-1', 'down-2']);
    await a.until(async () => (await sts(a, 'down')).status?.readyReplicas === 3, 'three ready');
    // The kubelet holds terminating pods: web-1 must wait for web-2 to be gone.
    a.kubelet.terminate = () => false;
    await a.patch(R.statefulsets, 'down', { spec: { replicas: 1 } });
    await a.until(async () => (await pod(a, 'down-2'))?.metadata.deletionTimestamp, 'down-2 terminating');
    await a.quiesce();
    assert.equal((await pod(a, 'down-1'))?.metadata.deletionTimestamp, undefined, 'down-1 waits while down-2 terminates');
    a.kubelet.terminate = () => true;
    await a.until(async () => !(await pod(a, 'down-2')), 'down-2 gone');
    await a.until(async () => !(await pod(a, 'down-1')), 'down-1 gone');
    await a.quiesce();
    assert.deepEqual(await a.podNames({ selector: 'app=down' }), ['down-0']);
    const deletes = a.events.filter((e) => e.name === 'down' && e.reason === 'SuccessfulDelete').map((e) => e.message);
    assert.deepEqual(deletes, ['delete Pod down-2 in StatefulSet down successful', 'delete Pod down-1 in StatefulSet down successful']);
    assert.deepEqual([(await sts(a, 'down')).status?.replicas, (await sts(a, 'down')).status?.readyReplicas], [1, 1]);

    // Scale up again while down-0 is unhealthy: nothing new until it is Ready again.
    await a.kubelet.markNotReady('down-0');
    await a.patch(R.statefulsets, 'down', { spec: { replicas: 2 } });
    await a.quiesce();
    assert.deepEqual(await a.podNames({ selector: 'app=down' }), ['down-0']);
    await a.kubelet.ready('down-0');
    await a.until(async () => (await a.podNames({ selector: 'app=down' })).includes('down-1'), 'down-1 again');
  });

  it('creates and deletes all pods at once under Parallel pod management', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('par', { replicas: 3, spec: { podManagementPolicy: 'Parallel' } }));
    await a.until(async () => (await a.podNames({ selector: 'app=par' })).length === 3, 'three pods without any ready');
    assert.deepEqual(await a.podNames({ selector: 'app=par' }), ['par-0', 'par-1', 'par-2']);
    await a.patch(R.statefulsets, 'par', { spec: { replicas: 0 } });
    await a.until(async () => (await a.podNames({ selector: 'app=par', deleting: true })).length === 0, 'all gone without any ready');
  });

  it('gives each pod its claims www-<set>-N before the pod, and keeps them after scale-down and delete', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('db', { replicas: 2, claims: ['www'] }));
    await a.until(async () => await pod(a, 'db-0'), 'db-0');
    const claim0 = (await a.client.get(R.persistentvolumeclaims, ns, 'www-db-0'))!;
    assert.ok(claim0, 'claim of db-0');
    assert.ok(Number(claim0.metadata.resourceVersion) < Number((await pod(a, 'db-0'))!.metadata.resourceVersion), 'claim created before the pod');
    assert.deepEqual(claim0.metadata.labels, { app: 'db' });
    assert.equal(claim0.metadata.ownerReferences, undefined, 'Retain: not owned');
    assert.deepEqual((claim0.spec as any).resources, { requests: { storage: '1Gi' } });
    const vol = ((await pod(a, 'db-0'))!.spec as any).volumes.find((v: any) => v.name === 'www');
    assert.deepEqual(vol, { name: 'www', persistentVolumeClaim: { claimName: 'www-db-0' } });
    await readyInOrder(a, ['db-0', 'db-1']);
    assert.ok(a.events.some((e) => e.message === 'create Claim www-db-1 Pod db-1 in StatefulSet db success' && e.reason === 'SuccessfulCreate'));
    await a.patch(R.statefulsets, 'db', { spec: { replicas: 1 } });
    await a.until(async () => !(await pod(a, 'db-1')), 'db-1 gone');
    await a.quiesce();
    assert.ok(await a.client.get(R.persistentvolumeclaims, ns, 'www-db-1'), 'www-db-1 kept after scale-down');
    // Back up: db-1 comes back on its old claim.
    await a.patch(R.statefulsets, 'db', { spec: { replicas: 2 } });
    await a.until(async () => await pod(a, 'db-1'), 'db-1 back');
    assert.equal((await a.client.get(R.persistentvolumeclaims, ns, 'www-db-1'))!.metadata.uid, (await a.client.list(R.persistentvolumeclaims, ns, { labelSelector: 'app=db' })).items.find((c) => c.metadata.name === 'www-db-1')!.metadata.uid);
    await a.client.delete(R.statefulsets, ns, 'db');
    await a.until(async () => (await a.podNames({ selector: 'app=db', deleting: true })).length === 0, 'pods collected');
    const claims = (await a.client.list(R.persistentvolumeclaims, ns, { labelSelector: 'app=db' })).items.map((c) => c.metadata.name).sort();
    assert.deepEqual(claims, ['www-db-0', 'www-db-1']);
  });

  it('deletes claims as persistentVolumeClaimRetentionPolicy says (whenScaled and whenDeleted: Delete)', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('tmp', { replicas: 2, claims: ['data'], spec: { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } } }));
    await readyInOrder(a, ['tmp-0', 'tmp-1']);
    const set = await sts(a, 'tmp');
    await a.until(async () => (await a.client.get(R.persistentvolumeclaims, ns, 'data-tmp-1'))?.metadata.ownerReferences, 'claim owned');
    assert.deepEqual((await a.client.get(R.persistentvolumeclaims, ns, 'data-tmp-1'))!.metadata.ownerReferences, [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'tmp', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    // Scaled down: the claim passes to its pod, and goes with it.
    await a.patch(R.statefulsets, 'tmp', { spec: { replicas: 1 } });
    await a.until(async () => !(await a.client.get(R.persistentvolumeclaims, ns, 'data-tmp-1')), 'data-tmp-1 deleted with tmp-1');
    assert.ok(await a.client.get(R.persistentvolumeclaims, ns, 'data-tmp-0'));
    // Deleted: the remaining claims go with the set.
    await a.client.delete(R.statefulsets, ns, 'tmp');
    await a.until(async () => !(await a.client.get(R.persistentvolumeclaims, ns, 'data-tmp-0')), 'data-tmp-0 deleted with the set');
  });

  it('rolls a new template out from the highest ordinal down, each pod Ready before the next', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('roll', { replicas: 3 }));
    await readyInOrder(a, ['roll-0', 'roll-1', 'roll-2']);
    await a.until(async () => (await sts(a, 'roll')).status?.readyReplicas === 3, 'ready');
    const rev1 = (await sts(a, 'roll')).status!.currentRevision;
    await setImage(a, 'roll', 'nginx:2.0');
    const order: string[] = [];
    for (const n of ['roll-2', 'roll-1', 'roll-0']) {
      await a.until(async () => imageOf((await pod(a, n)) ?? { metadata: {} }) === 'nginx:2.0', `${n} updated`);
      order.push(n);
      // The next one is not touched while this one is not Ready.
      await a.quiesce();
      const below = n === 'roll-2' ? 'roll-1' : n === 'roll-1' ? 'roll-0' : undefined;
      if (below) assert.equal(imageOf((await pod(a, below))!), 'nginx:1.0', `${below} waits for ${n}`);
      await a.kubelet.ready(n);
    }
    assert.deepEqual(order, ['roll-2', 'roll-1', 'roll-0']);
    await a.until(async () => {
      const s = (await sts(a, 'roll')).status!;
      return s.currentRevision === s.updateRevision && s.currentReplicas === 3 && s.readyReplicas === 3;
    }, 'rollout complete');
    const s = (await sts(a, 'roll')).status!;
    assert.notEqual(s.updateRevision, rev1);
    assert.equal(s.updatedReplicas, 3);
    const revs = (await a.client.list(R.controllerrevisions, ns, { labelSelector: 'app=roll' })).items.map((r) => [r.metadata.name, (r as any).revision]);
    assert.deepEqual(revs.sort((x, y) => x[1] - y[1]), [
      [rev1, 1],
      [s.updateRevision, 2],
    ]);
  });

  it('updates only ordinals at or above the partition; a deleted pod below it comes back at the old revision', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('part', { replicas: 3, spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } } }));
    await readyInOrder(a, ['part-0', 'part-1', 'part-2']);
    await setImage(a, 'part', 'nginx:canary');
    await a.until(async () => imageOf((await pod(a, 'part-2')) ?? { metadata: {} }) === 'nginx:canary', 'part-2 canary');
    await a.kubelet.ready('part-2');
    await a.quiesce();
    assert.deepEqual(await Promise.all(['part-0', 'part-1', 'part-2'].map(async (n) => imageOf((await pod(a, n))!))), ['nginx:1.0', 'nginx:1.0', 'nginx:canary']);
    const st = (await sts(a, 'part')).status!;
    assert.deepEqual([st.currentReplicas, st.updatedReplicas], [2, 1]);
    assert.notEqual(st.currentRevision, st.updateRevision);
    // part-0 deleted by hand: recreated from the current (old) revision.
    await a.client.delete(R.pods, ns, 'part-0');
    await a.until(async () => (await pod(a, 'part-0')) && !(await pod(a, 'part-0'))!.metadata.deletionTimestamp, 'part-0 recreated');
    assert.equal(imageOf((await pod(a, 'part-0'))!), 'nginx:1.0');
    assert.equal((await pod(a, 'part-0'))!.metadata.labels!['controller-revision-hash'], st.currentRevision);
    await a.kubelet.ready('part-0');
    // Lower the partition: the rest follow.
    a.kubelet.auto = (p) => p.metadata.name!.startsWith('part-');
    await a.patch(R.statefulsets, 'part', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    await a.until(async () => {
      const s = (await sts(a, 'part')).status!;
      return s.currentRevision === s.updateRevision && s.currentReplicas === 3 && s.readyReplicas === 3;
    }, 'all on the canary');
    a.kubelet.auto = () => false;
    assert.deepEqual(await Promise.all(['part-0', 'part-1', 'part-2'].map(async (n) => imageOf((await pod(a, n))!))), ['nginx:canary', 'nginx:canary', 'nginx:canary']);
  });

  it('leaves pods alone under OnDelete until they are deleted', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('ond', { replicas: 2, spec: { updateStrategy: { type: 'OnDelete' } } }));
    await readyInOrder(a, ['ond-0', 'ond-1']);
    await setImage(a, 'ond', 'nginx:2.0');
    await a.quiesce();
    assert.deepEqual(await Promise.all(['ond-0', 'ond-1'].map(async (n) => imageOf((await pod(a, n))!))), ['nginx:1.0', 'nginx:1.0']);
    const st = (await sts(a, 'ond')).status!;
    assert.deepEqual([st.currentReplicas, st.updatedReplicas, st.replicas], [2, undefined, 2]);
    await a.client.delete(R.pods, ns, 'ond-1');
    await a.until(async () => imageOf((await pod(a, 'ond-1')) ?? { metadata: {} }) === 'nginx:2.0', 'ond-1 on the new template');
    assert.equal(imageOf((await pod(a, 'ond-0'))!), 'nginx:1.0');
  });

  it('forced rollback: a reverted template waits for the broken pod, which must be deleted by hand', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('fr', { replicas: 2 }));
    await readyInOrder(a, ['fr-0', 'fr-1']);
    await setImage(a, 'fr', 'nginx:broken');
    await a.until(async () => imageOf((await pod(a, 'fr-1')) ?? { metadata: {} }) === 'nginx:broken', 'fr-1 broken');
    // Never Ready. Revert the template: the controller keeps waiting on fr-1.
    await setImage(a, 'fr', 'nginx:1.0');
    await a.quiesce();
    assert.equal(imageOf((await pod(a, 'fr-1'))!), 'nginx:broken');
    assert.equal(imageOf((await pod(a, 'fr-0'))!), 'nginx:1.0');
    await a.client.delete(R.pods, ns, 'fr-1');
    await a.until(async () => imageOf((await pod(a, 'fr-1')) ?? { metadata: {} }) === 'nginx:1.0', 'fr-1 recreated from the fixed template');
    await a.kubelet.ready('fr-1');
    await a.until(async () => {
      const s = (await sts(a, 'fr')).status!;
      return s.currentRevision === s.updateRevision && s.readyReplicas === 2 && s.updatedReplicas === 2;
    }, 'healthy again');
    // The reverted template is revision 1 renumbered as the newest.
    const revs = (await a.client.list(R.controllerrevisions, ns, { labelSelector: 'app=fr' })).items.map((r) => (r as any).revision).sort();
    assert.deepEqual(revs, [2, 3]);
  });

  it('recreates a pod that failed, with a RecreatingFailedPod event', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('fail', { replicas: 1 }));
    await readyInOrder(a, ['fail-0']);
    const uid = (await pod(a, 'fail-0'))!.metadata.uid;
    await a.kubelet.finish('fail-0', 'Failed');
    await a.until(async () => {
      const p = await pod(a, 'fail-0');
      return p && p.metadata.uid !== uid;
    }, 'fail-0 recreated');
    assert.ok(a.events.some((e) => e.reason === 'RecreatingFailedPod' && e.type === 'Warning' && e.message === 'StatefulSet default/fail is recreating failed Pod fail-0'));
  });

  it('adopts the pods an orphaning delete left behind', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('orph', { replicas: 2 }));
    await readyInOrder(a, ['orph-0', 'orph-1']);
    const uids = await Promise.all(['orph-0', 'orph-1'].map(async (n) => (await pod(a, n))!.metadata.uid));
    await a.client.delete(R.statefulsets, ns, 'orph', { propagationPolicy: 'Orphan' });
    await a.until(async () => (await pod(a, 'orph-0'))!.metadata.ownerReferences === undefined && !(await a.client.get(R.statefulsets, ns, 'orph')), 'orphaned');
    await a.client.create(R.statefulsets, ns, statefulSet('orph', { replicas: 2 }));
    const set = await sts(a, 'orph');
    await a.until(async () => (await pod(a, 'orph-1'))!.metadata.ownerReferences?.[0]?.uid === set.metadata.uid, 'adopted');
    await a.quiesce();
    assert.deepEqual(await Promise.all(['orph-0', 'orph-1'].map(async (n) => (await pod(a, n))!.metadata.uid)), uids, 'same pods, none replaced');
    assert.equal((await sts(a, 'orph')).status?.readyReplicas, 2);
  });

  it('counts pods available only minReadySeconds after they are Ready', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('slow', { replicas: 1, spec: { minReadySeconds: 30 } }));
    await readyInOrder(a, ['slow-0']);
    await a.until(async () => (await sts(a, 'slow')).status?.readyReplicas === 1, 'ready');
    assert.equal((await sts(a, 'slow')).status?.availableReplicas, 0);
    a.clock.advance(31_000);
    await a.until(async () => (await sts(a, 'slow')).status?.availableReplicas === 1, 'available after 30s');
  });

  it('numbers pods from spec.ordinals.start', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('ord', { replicas: 2, spec: { ordinals: { start: 5 } } }));
    await readyInOrder(a, ['ord-5', 'ord-6']);
    assert.deepEqual(await a.podNames({ selector: 'app=ord' }), ['ord-5', 'ord-6']);
    assert.equal((await pod(a, 'ord-6'))!.metadata.labels!['apps.kubernetes.io/pod-index'], '6');
  });

  it('keeps revisionHistoryLimit old revisions', async () => {
    await a.client.create(R.statefulsets, ns, statefulSet('hist', { replicas: 1, spec: { revisionHistoryLimit: 2 } }));
    a.kubelet.auto = (p) => p.metadata.name === 'hist-0';
    for (let i = 2; i <= 5; i++) {
      await setImage(a, 'hist', `nginx:${i}.0`);
      await a.until(async () => imageOf((await pod(a, 'hist-0')) ?? { metadata: {} }) === `nginx:${i}.0` && (await sts(a, 'hist')).status?.readyReplicas === 1, `hist-0 at ${i}.0`);
    }
    await a.quiesce();
    a.kubelet.auto = () => false;
    const revs = (await a.client.list(R.controllerrevisions, ns, { labelSelector: 'app=hist' })).items.map((r) => (r as any).revision).sort();
    // The live revision (5) and two of history.
    assert.deepEqual(revs, [3, 4, 5]);
  });
});

describe('StatefulSet controller with the MaxUnavailableStatefulSet gate on', () => {
  it('replaces up to maxUnavailable pods at once, highest ordinals first', async () => {
    const a = await startApps({ daemonSets: false, statefulSets: { maxUnavailableStatefulSet: true } });
    try {
      await a.client.create(R.statefulsets, ns, statefulSet('mu', { replicas: 4, spec: { podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 2 } } } }));
      a.kubelet.auto = (p) => imageOf(p) === 'nginx:1.0';
      await a.until(async () => (await sts(a, 'mu')).status?.readyReplicas === 4, 'ready');
      await setImage(a, 'mu', 'nginx:2.0');
      await a.until(async () => (await a.podNames({ selector: 'app=mu' })).length === 4 && (await Promise.all(['mu-2', 'mu-3'].map((n) => pod(a, n)))).every((p) => p && imageOf(p) === 'nginx:2.0'), 'mu-3 and mu-2 replaced together');
      await a.quiesce();
      assert.deepEqual(await Promise.all(['mu-0', 'mu-1'].map(async (n) => imageOf((await pod(a, n))!))), ['nginx:1.0', 'nginx:1.0'], 'no more than two at a time');
      a.kubelet.auto = () => true;
      await a.until(async () => {
        const s = (await sts(a, 'mu')).status!;
        return s.currentRevision === s.updateRevision && s.readyReplicas === 4;
      }, 'rolled out');
    } finally {
      await a.stop();
    }
  });
});

describe('StatefulSet through kubectl', () => {
  let a: Apps;
  before(async () => {
    a = await startApps({ daemonSets: false });
    a.kubelet.auto = () => true;
  });
  after(async () => {
    await a.stop();
  });

  /** Runs kubectl while the fake kubelet and clock keep moving. */
  async function kubectl(args: string[], input?: string) {
    let done = false;
    const run = a.kubectl(args, input).finally(() => (done = true));
    await a.until(() => done, `kubectl ${args.join(' ')}`, 60_000);
    return run;
  }

  const webYaml = (image: string) => `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: "nginx"
  replicas: 3
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      storageClassName: "my-storage-class"
      resources:
        requests:
          storage: 1Gi
`;

  it('runs seed 001 web: kubectl apply, rollout status, get pods and pvc', async () => {
    const applied = await kubectl(['apply', '-f', '-'], webYaml('nginx:1.7.9'));
    assert.equal(applied.stdout, 'service/nginx created\nstatefulset.apps/web created\n', applied.stderr);
    const status = await kubectl(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /partitioned roll out complete: 3 new pods have been updated\.\.\.\n$/);
    const get = await kubectl(['get', 'sts', 'web']);
    assert.match(get.stdout, /^NAME\s+READY\s+AGE\nweb\s+3\/3\s+/);
    const pvcs = await kubectl(['get', 'pvc', '-o', 'name']);
    assert.equal(pvcs.stdout, 'persistentvolumeclaim/www-web-0\npersistentvolumeclaim/www-web-1\npersistentvolumeclaim/www-web-2\n');
    const hostnames = await kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={range .items[*]}{.spec.hostname}.{.spec.subdomain} {end}']);
    assert.equal(hostnames.stdout, 'web-0.nginx web-1.nginx web-2.nginx ');
  });

  it('rollout history, undo and status after kubectl set image', async () => {
    const set = await kubectl(['set', 'image', 'statefulset/web', 'nginx=nginx:1.8']);
    assert.equal(set.stdout, 'statefulset.apps/web image updated\n');
    const status = await kubectl(['rollout', 'status', 'sts/web', '--timeout=60s']);
    assert.equal(status.code, 0, status.stderr);
    const history = await kubectl(['rollout', 'history', 'statefulset/web']);
    assert.equal(history.stdout, 'statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    const rev1 = await kubectl(['rollout', 'history', 'statefulset/web', '--revision=1']);
    assert.match(rev1.stdout, /^statefulset.apps\/web with revision #1\nPod Template:\n  Labels:\tapp=nginx\n  Containers:\n   nginx:\n    Image:\tnginx:1.7.9\n/);
    const undo = await kubectl(['rollout', 'undo', 'statefulset/web']);
    assert.equal(undo.stdout, 'statefulset.apps/web rolled back\n', undo.stderr);
    await kubectl(['rollout', 'status', 'sts/web', '--timeout=60s']);
    const image = await kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={.items[*].spec.containers[0].image}']);
    assert.equal(image.stdout, 'nginx:1.7.9 nginx:1.7.9 nginx:1.7.9');
    const after = await kubectl(['rollout', 'history', 'statefulset/web']);
    assert.equal(after.stdout, 'statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
    const describe = await kubectl(['describe', 'statefulset', 'web']);
    assert.match(describe.stdout, /Normal\s+SuccessfulCreate\s+.*statefulset-controller\s+create Pod web-0 in StatefulSet web successful/);
    assert.match(describe.stdout, /Normal\s+SuccessfulCreate\s+.*statefulset-controller\s+create Claim www-web-0 Pod web-0 in StatefulSet web success/);
    assert.match(describe.stdout, /Normal\s+SuccessfulDelete\s+.*statefulset-controller\s+delete Pod web-2 in StatefulSet web successful/);
  });

  it('kubectl scale and a partitioned rollout', async () => {
    const scaled = await kubectl(['scale', 'sts', 'web', '--replicas=5']);
    assert.equal(scaled.stdout, 'statefulset.apps/web scaled\n');
    await kubectl(['rollout', 'status', 'sts/web', '--timeout=60s']);
    assert.deepEqual(await a.podNames({ selector: 'app=nginx' }), ['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
    await kubectl(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":3}}}}']);
    await kubectl(['patch', 'statefulset', 'web', '--type=json', '-p', '[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"k8s.gcr.io/nginx-slim:0.7"}]']);
    const status = await kubectl(['rollout', 'status', 'sts/web', '--timeout=60s']);
    assert.equal(status.stdout.trim().split('\n').pop(), 'partitioned roll out complete: 2 new pods have been updated...');
    const images = await kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.containers[0].image} {end}']);
    assert.equal(images.stdout, 'web-0=nginx:1.7.9 web-1=nginx:1.7.9 web-2=nginx:1.7.9 web-3=k8s.gcr.io/nginx-slim:0.7 web-4=k8s.gcr.io/nginx-slim:0.7 ');
  });
});
