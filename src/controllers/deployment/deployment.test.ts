import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { R } from '../../client/resources.js';
import { computeHash } from './hash.js';
import { deployment, imageOf, startWorkloads } from './testkit.js';

test('a new Deployment creates web-<hash> with its pods, and reports them available', async () => {
  const w = await startWorkloads();
  try {
    const d = await w.client.create(R.deployments, 'default', deployment('web', { replicas: 3 }));
    const hash = computeHash((d.spec as any).template);
    const rs = await w.until(() => w.client.get(R.replicasets, 'default', `web-${hash}`), 'the ReplicaSet');
    assert.deepEqual(rs.metadata.labels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual((rs.spec as any).selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
    await w.quiesce();
    const pods = (await w.client.list(R.pods, 'default')).items;
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata.name!, new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(p.metadata.labels!['pod-template-hash'], hash);
      assert.equal(p.metadata.ownerReferences![0].name, `web-${hash}`);
    }
    const got = await w.client.get(R.deployments, 'default', 'web');
    const st = got!.status as any;
    assert.equal(got!.metadata.annotations!['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual([st.observedGeneration, st.replicas, st.updatedReplicas, st.readyReplicas, st.availableReplicas, st.unavailableReplicas], [1, 3, 3, 3, 3, undefined]);
    assert.deepEqual(st.conditions.map((c: any) => [c.type, c.status, c.reason, c.message]), [
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "web-${hash}" has successfully progressed.`],
    ]);
    const rsNow = await w.client.get(R.replicasets, 'default', `web-${hash}`);
    assert.deepEqual(rsNow!.metadata.annotations, { 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4', 'deployment.kubernetes.io/revision': '1' });
    assert.deepEqual(rsNow!.status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    assert.deepEqual(w.events.filter((e) => e.component === 'deployment-controller').map((e) => e.message), [`Scaled up replica set web-${hash} from 0 to 3`]);
    const created = w.events.filter((e) => e.reason === 'SuccessfulCreate');
    assert.deepEqual(created.map((e) => e.message).sort(), pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
  } finally {
    await w.stop();
  }
});

/** Updates the image with a strategic merge patch, as `kubectl set image` does. */
async function setImage(w: Awaited<ReturnType<typeof startWorkloads>>, name: string, image: string) {
  return w.client.patch(R.deployments, 'default', name, 'strategic', { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } });
}

/** Sizes of the old and new ReplicaSets of `app` (by their image), after everything settles. */
async function step(w: Awaited<ReturnType<typeof startWorkloads>>, app: string, oldImage: string, newImage: string) {
  await w.quiesce();
  const rss = (await w.client.list(R.replicasets, 'default', { labelSelector: `app=${app}` })).items;
  const size = (image: string) => rss.filter((rs) => imageOf(rs) === image).map((rs) => (rs.spec as any).replicas)[0] ?? 0;
  const pods = (await w.client.list(R.pods, 'default')).items.filter((p) => !p.metadata.deletionTimestamp);
  return { old: size(oldImage), new: size(newImage), pods: pods.length };
}

test('RollingUpdate with maxSurge 1 and maxUnavailable 0: one new pod at a time, never fewer than 3 available', async () => {
  const w = await startWorkloads();
  try {
    await w.client.create(R.deployments, 'default', deployment('web', { replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await w.quiesce();
    w.kubelet.auto = () => false;
    await setImage(w, 'web', 'nginx:2.0');
    const isNew = (p: any) => p.spec.containers[0].image === 'nginx:2.0';
    const steps = [await step(w, 'web', 'nginx:1.0', 'nginx:2.0')];
    for (let i = 0; i < 3; i++) {
      assert.equal((await w.kubelet.ready(1, isNew)).length, 1);
      steps.push(await step(w, 'web', 'nginx:1.0', 'nginx:2.0'));
    }
    assert.deepEqual(steps, [
      { old: 3, new: 1, pods: 4 },
      { old: 2, new: 2, pods: 4 },
      { old: 1, new: 3, pods: 4 },
      { old: 0, new: 3, pods: 3 },
    ]);
    const rss = (await w.client.list(R.replicasets, 'default')).items;
    const oldRS = rss.find((rs) => imageOf(rs) === 'nginx:1.0')!.metadata.name;
    const newRS = rss.find((rs) => imageOf(rs) === 'nginx:2.0')!.metadata.name;
    assert.deepEqual(
      w.events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message),
      [
        `Scaled up replica set ${oldRS} from 0 to 3`,
        `Scaled up replica set ${newRS} from 0 to 1`,
        `Scaled down replica set ${oldRS} from 3 to 2`,
        `Scaled up replica set ${newRS} from 1 to 2`,
        `Scaled down replica set ${oldRS} from 2 to 1`,
        `Scaled up replica set ${newRS} from 2 to 3`,
        `Scaled down replica set ${oldRS} from 1 to 0`,
      ],
    );
    const d = await w.client.get(R.deployments, 'default', 'web');
    assert.equal(d!.metadata.annotations!['deployment.kubernetes.io/revision'], '2');
    assert.deepEqual((d!.status as any).conditions.map((c: any) => c.reason), ['MinimumReplicasAvailable', 'NewReplicaSetAvailable']);
  } finally {
    await w.stop();
  }
});

test('RollingUpdate with the default 25%/25% on 4 replicas: one surge, one unavailable', async () => {
  const w = await startWorkloads();
  try {
    await w.client.create(R.deployments, 'default', deployment('web', { replicas: 4 }));
    await w.quiesce();
    w.kubelet.auto = () => false;
    await setImage(w, 'web', 'nginx:2.0');
    const isNew = (p: any) => p.spec.containers[0].image === 'nginx:2.0';
    const steps = [await step(w, 'web', 'nginx:1.0', 'nginx:2.0')];
    assert.equal((await w.kubelet.ready(2, isNew)).length, 2);
    steps.push(await step(w, 'web', 'nginx:1.0', 'nginx:2.0'));
    assert.equal((await w.kubelet.ready(2, isNew)).length, 2);
    steps.push(await step(w, 'web', 'nginx:1.0', 'nginx:2.0'));
    assert.deepEqual(steps, [
      { old: 3, new: 2, pods: 5 },
      { old: 1, new: 4, pods: 5 },
      { old: 0, new: 4, pods: 4 },
    ]);
  } finally {
    await w.stop();
  }
});

test('Recreate: every old pod is gone before the new ReplicaSet is created', async () => {
  const w = await startWorkloads();
  try {
    await w.client.create(R.deployments, 'default', deployment('web', { replicas: 3, strategy: { type: 'Recreate' } }));
    await w.quiesce();
    // The old pods take their time terminating.
    w.kubelet.terminate = () => false;
    await setImage(w, 'web', 'nginx:2.0');
    await w.quiesce();
    let rss = (await w.client.list(R.replicasets, 'default')).items;
    assert.deepEqual(rss.map((rs) => [imageOf(rs), (rs.spec as any).replicas]), [['nginx:1.0', 0]]);
    const terminating = (await w.client.list(R.pods, 'default')).items;
    assert.equal(terminating.length, 3);
    assert.ok(terminating.every((p) => p.metadata.deletionTimestamp));
    const d = await w.client.get(R.deployments, 'default', 'web');
    assert.deepEqual((d!.status as any).conditions.find((c: any) => c.type === 'Available').reason, 'MinimumReplicasUnavailable');

    w.kubelet.terminate = () => true;
    await w.quiesce();
    rss = (await w.client.list(R.replicasets, 'default')).items;
    const byImage = Object.fromEntries(rss.map((rs) => [imageOf(rs), rs]));
    assert.equal((byImage['nginx:2.0'].spec as any).replicas, 3);
    const pods = (await w.client.list(R.pods, 'default')).items;
    assert.deepEqual(pods.map((p) => imageOf({ metadata: {}, spec: { template: { spec: p.spec } } } as any)), ['nginx:2.0', 'nginx:2.0', 'nginx:2.0']);
    assert.deepEqual(
      w.events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message),
      [
        `Scaled up replica set ${byImage['nginx:1.0'].metadata.name} from 0 to 3`,
        `Scaled down replica set ${byImage['nginx:1.0'].metadata.name} from 3 to 0`,
        `Scaled up replica set ${byImage['nginx:2.0'].metadata.name} from 0 to 3`,
      ],
    );
  } finally {
    await w.stop();
  }
});

const versionsYaml = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: versions
  labels:
    app: ver
  annotations:
    kubernetes.io/change-cause: create
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ver
  template:
    metadata:
      labels:
        app: ver
        version: 0.0.1
    spec:
      containers:
      - name: version-server
        image: ${image}
        ports:
        - name: http
          containerPort: 3000
`;

test('kubectl rollout history, undo, undo --to-revision, status, pause/resume and restart', async () => {
  const w = await startWorkloads();
  const k = async (args: string) => {
    const r = await w.kubectl(args.split(' '));
    assert.equal(r.code, 0, `kubectl ${args}: ${r.stderr}`);
    return r.stdout;
  };
  const rsByRevision = async () => {
    const rss = (await w.client.list(R.replicasets, 'default', { labelSelector: 'app=ver' })).items;
    return Object.fromEntries(rss.map((rs) => [rs.metadata.annotations!['deployment.kubernetes.io/revision'], imageOf(rs)]));
  };
  try {
    assert.match((await w.kubectl(['apply', '-f', '-'], versionsYaml('errm/versions:0.0.1'))).stdout, /deployment.apps\/versions created/);
    await w.quiesce();
    assert.equal(await k('rollout status deployment/versions'), 'deployment "versions" successfully rolled out\n');
    assert.match(await k('set image deployment/versions version-server=errm/versions:0.0.2'), /deployment.apps\/versions image updated/);
    await w.quiesce();
    assert.match(await k('annotate deployment/versions kubernetes.io/change-cause=to-0.0.2 --overwrite'), /annotated/);
    await w.quiesce();
    const history = await k('rollout history deployment/versions');
    assert.match(history, /^deployment.apps\/versions \nREVISION\s+CHANGE-CAUSE\n1\s+create\n2\s+to-0.0.2\n/);
    assert.deepEqual(await rsByRevision(), { 1: 'errm/versions:0.0.1', 2: 'errm/versions:0.0.2' });

    // Undo: the template of revision 1 comes back, as revision 3.
    assert.equal(await k('rollout undo deployment/versions'), 'deployment.apps/versions rolled back\n');
    await w.quiesce();
    assert.deepEqual(await rsByRevision(), { 2: 'errm/versions:0.0.2', 3: 'errm/versions:0.0.1' });
    let d = (await w.client.get(R.deployments, 'default', 'versions'))!;
    assert.equal(imageOf(d), 'errm/versions:0.0.1');
    assert.equal(d.metadata.annotations!['deployment.kubernetes.io/revision'], '3');
    assert.equal(d.metadata.annotations!['kubernetes.io/change-cause'], 'create');
    const rev3 = (await w.client.list(R.replicasets, 'default')).items.find((rs) => rs.metadata.annotations!['deployment.kubernetes.io/revision'] === '3')!;
    assert.equal(rev3.metadata.annotations!['deployment.kubernetes.io/revision-history'], '1');
    assert.match(await k('rollout history deployment/versions'), /\n2\s+to-0.0.2\n3\s+create\n/);

    assert.equal(await k('rollout undo deployment/versions --to-revision=2'), 'deployment.apps/versions rolled back\n');
    await w.quiesce();
    assert.deepEqual(await rsByRevision(), { 3: 'errm/versions:0.0.1', 4: 'errm/versions:0.0.2' });
    assert.match(await k('rollout history deployment/versions --revision=4'), /^deployment.apps\/versions with revision #4\nPod Template:\n[\s\S]*Image:\terrm\/versions:0.0.2\n/);
    const same = await w.kubectl(['rollout', 'undo', 'deployment/versions', '--to-revision=4']);
    assert.match(same.stdout + same.stderr, /skipped rollback \(current template already matches revision 4\)/);

    // Pause: template changes wait for resume, then roll out at once.
    assert.equal(await k('rollout pause deployment/versions'), 'deployment.apps/versions paused\n');
    await k('set image deployment/versions version-server=errm/versions:0.0.3');
    await k('set env deployment/versions GREETING=hello');
    await w.quiesce();
    d = (await w.client.get(R.deployments, 'default', 'versions'))!;
    assert.deepEqual((d.status as any).conditions.find((c: any) => c.type === 'Progressing'), {
      type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused',
      lastUpdateTime: (d.status as any).conditions.find((c: any) => c.type === 'Progressing').lastUpdateTime,
      lastTransitionTime: (d.status as any).conditions.find((c: any) => c.type === 'Progressing').lastTransitionTime,
    });
    assert.deepEqual(Object.values(await rsByRevision()).sort(), ['errm/versions:0.0.1', 'errm/versions:0.0.2']);
    const paused = await w.kubectl(['rollout', 'undo', 'deployment/versions']);
    assert.equal(paused.code, 1);
    assert.match(paused.stderr, /you cannot rollback a paused deployment; resume it first/);
    assert.equal(await k('rollout resume deployment/versions'), 'deployment.apps/versions resumed\n');
    await w.quiesce();
    assert.deepEqual(await rsByRevision(), { 3: 'errm/versions:0.0.1', 4: 'errm/versions:0.0.2', 5: 'errm/versions:0.0.3' });
    d = (await w.client.get(R.deployments, 'default', 'versions'))!;
    assert.equal((d.status as any).conditions.find((c: any) => c.type === 'Progressing').reason, 'NewReplicaSetAvailable');
    assert.equal(await k('rollout status deployment/versions'), 'deployment "versions" successfully rolled out\n');

    // Restart: a new template annotation, so a new ReplicaSet with the same image.
    assert.equal(await k('rollout restart deployment/versions'), 'deployment.apps/versions restarted\n');
    await w.quiesce();
    const revisions = await rsByRevision();
    assert.equal(revisions[6], 'errm/versions:0.0.3');
    const rs6 = (await w.client.list(R.replicasets, 'default')).items.find((rs) => rs.metadata.annotations!['deployment.kubernetes.io/revision'] === '6')!;
    assert.ok((rs6.spec as any).template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    const get = await k('get rs -l app=ver');
    assert.match(get, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\n/);
    assert.match(get, new RegExp(`${rs6.metadata.name}\\s+2\\s+2\\s+2\\s`));
  } finally {
    await w.stop();
  }
});

test('ProgressDeadlineExceeded when new pods never become available, on the fake clock', async () => {
  const w = await startWorkloads();
  try {
    await w.client.create(R.deployments, 'default', deployment('web', { replicas: 2, spec: { progressDeadlineSeconds: 30 } }));
    await w.quiesce();
    w.kubelet.auto = () => false;
    await setImage(w, 'web', 'nginx:broken');
    await w.quiesce();
    const progressing = async () => ((await w.client.get(R.deployments, 'default', 'web'))!.status as any).conditions.find((c: any) => c.type === 'Progressing');
    assert.equal((await progressing()).reason, 'ReplicaSetUpdated');
    const waiting = await w.kubectl(['rollout', 'status', 'deployment/web', '--watch=false']);
    assert.equal(waiting.stdout, 'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...\n');

    w.clock.advance(31_000);
    const cond = await w.until(async () => {
      const c = await progressing();
      return c.reason === 'ProgressDeadlineExceeded' ? c : undefined;
    }, 'the deadline to pass');
    const newRS = (await w.client.list(R.replicasets, 'default')).items.find((rs) => imageOf(rs) === 'nginx:broken')!;
    assert.deepEqual([cond.status, cond.message], ['False', `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`]);
    const failed = await w.kubectl(['rollout', 'status', 'deployment/web']);
    assert.equal(failed.code, 1);
    assert.equal(failed.stderr, 'error: deployment "web" exceeded its progress deadline\n');

    // Progress again (the image is fixed): the rollout recovers.
    w.kubelet.auto = () => true;
    await w.until(async () => (await progressing()).reason === 'NewReplicaSetAvailable', 'the rollout to complete');
  } finally {
    await w.stop();
  }
});

test('revisionHistoryLimit keeps only the newest old ReplicaSets', async () => {
  const w = await startWorkloads();
  try {
    await w.client.create(R.deployments, 'default', deployment('web', { replicas: 1, spec: { revisionHistoryLimit: 1 } }));
    await w.quiesce();
    for (const v of ['2', '3', '4']) {
      await setImage(w, 'web', `nginx:${v}.0`);
      await w.quiesce();
    }
    const rss = (await w.client.list(R.replicasets, 'default')).items;
    assert.deepEqual(rss.map((rs) => [rs.metadata.annotations!['deployment.kubernetes.io/revision'], imageOf(rs), (rs.spec as any).replicas]).sort(), [
      ['3', 'nginx:3.0', 0],
      ['4', 'nginx:4.0', 1],
    ]);
  } finally {
    await w.stop();
  }
});

test('scaling in the middle of a rollout spreads the new replicas proportionally', async () => {
  const w = await startWorkloads();
  try {
    await w.client.create(R.deployments, 'default', deployment('web', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await w.quiesce();
    w.kubelet.auto = () => false;
    await setImage(w, 'web', 'nginx:2.0');
    assert.deepEqual(await step(w, 'web', 'nginx:1.0', 'nginx:2.0'), { old: 8, new: 5, pods: 13 });
    const r = await w.kubectl(['scale', 'deployment/web', '--replicas=15']);
    assert.equal(r.stdout, 'deployment.apps/web scaled\n');
    assert.deepEqual(await step(w, 'web', 'nginx:1.0', 'nginx:2.0'), { old: 11, new: 7, pods: 18 });
    const rss = (await w.client.list(R.replicasets, 'default')).items;
    const name = (image: string) => rss.find((rs) => imageOf(rs) === image)!.metadata.name;
    const scaling = w.events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
    assert.deepEqual(scaling.slice(-2), [`Scaled up replica set ${name('nginx:1.0')} from 8 to 11`, `Scaled up replica set ${name('nginx:2.0')} from 5 to 7`]);
    for (const rs of rss) assert.equal(rs.metadata.annotations!['deployment.kubernetes.io/desired-replicas'], '15');
    w.kubelet.auto = () => true;
    assert.deepEqual(await step(w, 'web', 'nginx:1.0', 'nginx:2.0'), { old: 0, new: 15, pods: 15 });
  } finally {
    await w.stop();
  }
});

test('rollover: a new template mid-rollout scales the unavailable old pods down without waiting', async () => {
  const w = await startWorkloads();
  try {
    w.kubelet.auto = () => false;
    await w.client.create(R.deployments, 'default', deployment('web', { replicas: 5 }));
    await w.quiesce();
    await setImage(w, 'web', 'nginx:2.0');
    await w.quiesce();
    assert.deepEqual(await replicaSetImages(w), { 'nginx:1.0': 4, 'nginx:2.0': 3 });
    await setImage(w, 'web', 'nginx:3.0');
    await w.quiesce();
    assert.deepEqual(await replicaSetImages(w), { 'nginx:1.0': 1, 'nginx:2.0': 3, 'nginx:3.0': 3 });
    w.kubelet.auto = () => true;
    await w.quiesce();
    assert.deepEqual(await replicaSetImages(w), { 'nginx:1.0': 0, 'nginx:2.0': 0, 'nginx:3.0': 5 });
  } finally {
    await w.stop();
  }
});

async function replicaSetImages(w: Awaited<ReturnType<typeof startWorkloads>>) {
  const rss = (await w.client.list(R.replicasets, 'default')).items;
  return Object.fromEntries(rss.map((rs) => [imageOf(rs), (rs.spec as any).replicas]));
}

test('minReadySeconds: pods count as available only after being ready that long', async () => {
  const w = await startWorkloads();
  try {
    await w.client.create(R.deployments, 'default', deployment('web', { replicas: 2, spec: { minReadySeconds: 10 } }));
    await w.quiesce();
    let d = (await w.client.get(R.deployments, 'default', 'web'))!;
    assert.deepEqual([(d.status as any).readyReplicas, (d.status as any).availableReplicas, (d.status as any).unavailableReplicas], [2, undefined, 2]);
    assert.equal((d.status as any).conditions.find((c: any) => c.type === 'Available').status, 'False');
    const rs = (await w.client.list(R.replicasets, 'default')).items[0];
    assert.equal((rs.spec as any).minReadySeconds, 10);
    w.clock.advance(10_000);
    d = await w.until(async () => {
      const now = (await w.client.get(R.deployments, 'default', 'web'))!;
      return (now.status as any).availableReplicas === 2 ? now : undefined;
    }, 'the pods to become available');
    assert.deepEqual((d.status as any).conditions.map((c: any) => [c.type, c.status, c.reason]), [
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
  } finally {
    await w.stop();
  }
});

test('seed 000 `versions` flow in process: patch, edit, apply, set image, undo, scale, Recreate (what test/e2e/deployment.test.ts checks)', async () => {
  const w = await startWorkloads();
  const dir = mkdtempSync(join(tmpdir(), 'versions-'));
  const k = async (args: string[], env?: Record<string, string>) => {
    const r = await w.kubectl(args, undefined, env);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const rolledOut = async () => {
    await w.quiesce();
    assert.equal(await k(['rollout', 'status', 'deployment/versions']), 'deployment "versions" successfully rolled out\n');
  };
  const history = async () => (await k(['rollout', 'history', 'deployment/versions'])).split('\n').slice(2).filter((l) => l.trim()).map((l) => l.split(/\s+/)[0]);
  const image = () => k(['get', 'deploy/versions', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  try {
    const file = join(dir, 'deployment.yaml');
    writeFileSync(file, versionsYaml('errm/versions:0.0.1').replace(/  annotations:\n.*\n/, ''));
    assert.equal(await k(['apply', '-f', file]), 'deployment.apps/versions created\n');
    await rolledOut();
    assert.equal(await k(['patch', 'deployment/versions', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"version-server", "image":"errm/versions:0.0.2"}] }}}}']), 'deployment.apps/versions patched\n');
    await rolledOut();
    const editor = join(dir, 'edit.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s#errm/versions:0.0.2#errm/versions:0.0.3#" "$1"\n');
    chmodSync(editor, 0o755);
    assert.equal(await k(['edit', 'deployment/versions'], { EDITOR: editor, KUBE_EDITOR: editor }), 'deployment.apps/versions edited\n');
    await rolledOut();
    assert.equal(await image(), 'errm/versions:0.0.3');
    writeFileSync(file, versionsYaml('errm/versions:0.0.4').replace(/  annotations:\n.*\n/, ''));
    assert.equal(await k(['apply', '-f', file]), 'deployment.apps/versions configured\n');
    await rolledOut();
    assert.equal(await k(['set', 'image', 'deployment/versions', 'version-server=errm/versions:0.0.5']), 'deployment.apps/versions image updated\n');
    await rolledOut();
    assert.deepEqual(await history(), ['1', '2', '3', '4', '5']);
    assert.equal(await k(['rollout', 'undo', 'deployment/versions']), 'deployment.apps/versions rolled back\n');
    await rolledOut();
    assert.equal(await image(), 'errm/versions:0.0.4');
    assert.deepEqual(await history(), ['1', '2', '3', '5', '6']);
    assert.equal(await k(['rollout', 'undo', 'deployment/versions', '--to-revision=2']), 'deployment.apps/versions rolled back\n');
    await rolledOut();
    assert.equal(await image(), 'errm/versions:0.0.2');
    assert.deepEqual(await history(), ['1', '3', '5', '6', '7']);
    assert.equal(await k(['scale', 'deployment/versions', '--replicas=5']), 'deployment.apps/versions scaled\n');
    await rolledOut();
    assert.match(await k(['get', 'deploy', 'versions']), /\nversions\s+5\/5\s+5\s+5\s/);
    assert.equal(await k(['patch', 'deployment/versions', '-p', '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}']), 'deployment.apps/versions patched\n');
    w.kubelet.terminate = () => false;
    await k(['set', 'image', 'deployment/versions', 'version-server=errm/versions:0.0.7']);
    await w.quiesce();
    const during = (await w.client.list(R.pods, 'default')).items;
    assert.ok(during.every((p) => p.metadata.deletionTimestamp && imageOf({ metadata: {}, spec: { template: { spec: p.spec } } } as any) === 'errm/versions:0.0.2'));
    w.kubelet.terminate = () => true;
    await rolledOut();
    assert.equal(await image(), 'errm/versions:0.0.7');
    assert.match(await k(['describe', 'deployment', 'versions']), /StrategyType:\s+Recreate\n/);
  } finally {
    await w.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deleted with --cascade=orphan and created again: the Deployment adopts its ReplicaSet and pods', async () => {
  const w = await startWorkloads({ garbageCollector: true });
  try {
    await w.client.create(R.deployments, 'default', deployment('web', { replicas: 2 }));
    await w.quiesce();
    const rsBefore = (await w.client.list(R.replicasets, 'default')).items[0];
    const podsBefore = (await w.client.list(R.pods, 'default')).items.map((p) => p.metadata.name).sort();
    assert.match((await w.kubectl(['delete', 'deployment', 'web', '--cascade=orphan'])).stdout, /deployment.apps "web" deleted/);
    await w.until(async () => {
      const rs = await w.client.get(R.replicasets, 'default', rsBefore.metadata.name!);
      return rs && !rs.metadata.ownerReferences && !(await w.client.get(R.deployments, 'default', 'web'));
    }, 'the ReplicaSet to be orphaned');
    const again = await w.client.create(R.deployments, 'default', deployment('web', { replicas: 2 }));
    await w.quiesce();
    const rss = (await w.client.list(R.replicasets, 'default')).items;
    assert.equal(rss.length, 1);
    assert.equal(rss[0].metadata.uid, rsBefore.metadata.uid);
    assert.equal(rss[0].metadata.ownerReferences![0].uid, again.metadata.uid);
    assert.deepEqual((await w.client.list(R.pods, 'default')).items.map((p) => p.metadata.name).sort(), podsBefore);
    const d = (await w.client.get(R.deployments, 'default', 'web'))!;
    assert.equal(d.metadata.annotations!['deployment.kubernetes.io/revision'], '1');
    assert.equal((d.status as any).availableReplicas, 2);
    // Deleted for good, everything goes; nothing is recreated meanwhile.
    await w.kubectl(['delete', 'deployment', 'web']);
    await w.until(async () => (await w.client.list(R.pods, 'default')).items.length === 0 && (await w.client.list(R.replicasets, 'default')).items.length === 0, 'everything to be deleted');
  } finally {
    await w.stop();
  }
});

test('a paused Deployment scales its current ReplicaSet; the deprecated rollback annotation rolls back', async () => {
  const w = await startWorkloads();
  try {
    await w.client.create(R.deployments, 'default', deployment('web', { replicas: 2 }));
    await w.quiesce();
    await setImage(w, 'web', 'nginx:2.0');
    await w.quiesce();
    await w.client.patch(R.deployments, 'default', 'web', 'merge', { spec: { paused: true, replicas: 4 } });
    await w.quiesce();
    assert.deepEqual(await replicaSetImages(w), { 'nginx:1.0': 0, 'nginx:2.0': 4 });
    await w.client.patch(R.deployments, 'default', 'web', 'merge', { spec: { paused: false } });
    await w.client.patch(R.deployments, 'default', 'web', 'merge', { metadata: { annotations: { 'deprecated.deployment.rollback.to': '0' } } });
    await w.quiesce();
    const d = (await w.client.get(R.deployments, 'default', 'web'))!;
    assert.equal(imageOf(d), 'nginx:1.0');
    assert.equal(d.metadata.annotations!['deprecated.deployment.rollback.to'], undefined);
    assert.deepEqual(await replicaSetImages(w), { 'nginx:1.0': 4, 'nginx:2.0': 0 });
    assert.ok(w.events.some((e) => e.reason === 'DeploymentRollback' && e.message === 'Rolled back deployment "web" to revision 1'));
  } finally {
    await w.stop();
  }
});
