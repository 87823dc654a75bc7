// Seed 000's `versions` Deployment through the full CLI, as a user drives it: create with a
// Service, update by patch, edit, apply and set image (each a rolling update), history, undo
// (also --to-revision), scale, pause and resume, and the Recreate strategy. Needs nodes that run
// pods (`kubelite up --runtime simulated`); skipped with the reason when there are none.

import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startKubelite, type RunningCluster } from './harness.js';

const service = `apiVersion: v1
kind: Service
metadata:
  name: ver
spec:
  selector:
    app: ver
  ports:
  - protocol: TCP
    port: 80
    targetPort: http
`;

const deploymentYaml = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: versions
  labels:
    app: ver
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

interface PodView {
  name: string;
  image: string;
  phase: string;
  ready: boolean;
  deleting: boolean;
}

describe('the versions Deployment (seed 000) through kubectl', () => {
  let c: RunningCluster;
  let dir: string;
  let skipReason = '';

  before(async () => {
    c = await startKubelite({ args: ['--runtime', 'simulated'] });
    dir = mkdtempSync(join(tmpdir(), 'deployment-e2e-'));
    try {
      await eventually(() => c.k('get nodes -o name').trim() !== '', 15_000, 'a node to register');
    } catch {
      throw new Error('`kubelite up --runtime simulated` registers no nodes yet, so no pod can run');
    }
  });
  after(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const guard = (t: TestContext) => {
    if (skipReason) t.skip(skipReason);
    return !skipReason;
  };
  const pods = (): PodView[] =>
    (JSON.parse(c.k('get pods -l app=ver -o json')).items as any[]).map((p) => ({
      name: p.metadata.name,
      image: p.spec.containers[0].image,
      phase: p.status?.phase ?? '',
      ready: (p.status?.conditions ?? []).some((x: any) => x.type === 'Ready' && x.status === 'True'),
      deleting: !!p.metadata.deletionTimestamp,
    }));
  const rolledOut = () => assert.equal(c.k('rollout status deployment/versions --timeout=90s').trim().split('\n').pop(), 'deployment "versions" successfully rolled out');
  const image = () => c.k(['get', 'deploy/versions', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  const history = () =>
    c
      .k('rollout history deployment/versions')
      .split('\n')
      .slice(2)
      .filter((l) => l.trim())
      .map((l) => l.split(/\s+/)[0]);

  it('creates the Service and the Deployment; two pods run from versions-<hash>', (t) => {
    if (!guard(t)) return;
    writeFileSync(join(dir, 'service.yaml'), service);
    writeFileSync(join(dir, 'deployment.yaml'), deploymentYaml('errm/versions:0.0.1'));
    assert.equal(c.k(['apply', '-f', join(dir, 'service.yaml')]), 'service/ver created\n');
    assert.equal(c.k(['apply', '-f', join(dir, 'deployment.yaml')]), 'deployment.apps/versions created\n');
    rolledOut();
    const rs = c.k('get rs -l app=ver -o name').trim().split('\n');
    assert.equal(rs.length, 1);
    const hash = rs[0].replace('replicaset.apps/versions-', '');
    const running = pods();
    assert.equal(running.length, 2);
    for (const p of running) {
      assert.match(p.name, new RegExp(`^versions-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.deepEqual([p.phase, p.ready], ['Running', true]);
    }
    assert.match(c.k('get deploy versions'), /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nversions\s+2\/2\s+2\s+2\s/);
  });

  it('rolls out 0.0.2 by kubectl patch', (t) => {
    if (!guard(t)) return;
    const out = c.k(['patch', 'deployment/versions', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"version-server", "image":"errm/versions:0.0.2"}] }}}}']);
    assert.equal(out, 'deployment.apps/versions patched\n');
    rolledOut();
    assert.deepEqual(pods().filter((p) => !p.deleting).map((p) => p.image), ['errm/versions:0.0.2', 'errm/versions:0.0.2']);
    assert.equal(c.k('get rs -l app=ver -o name').trim().split('\n').length, 2);
  });

  it('rolls out 0.0.3 by kubectl edit', (t) => {
    if (!guard(t)) return;
    const editor = join(dir, 'edit.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s#errm/versions:0.0.2#errm/versions:0.0.3#" "$1"\n');
    chmodSync(editor, 0o755);
    assert.equal(c.k('edit deployment/versions', { env: { EDITOR: editor, KUBE_EDITOR: editor } }), 'deployment.apps/versions edited\n');
    rolledOut();
    assert.equal(image(), 'errm/versions:0.0.3');
  });

  it('rolls out 0.0.4 by kubectl apply of the edited file', (t) => {
    if (!guard(t)) return;
    writeFileSync(join(dir, 'deployment.yaml'), deploymentYaml('errm/versions:0.0.4'));
    assert.equal(c.k(['apply', '-f', join(dir, 'deployment.yaml')]), 'deployment.apps/versions configured\n');
    rolledOut();
    assert.equal(image(), 'errm/versions:0.0.4');
  });

  it('rolls out 0.0.5 by kubectl set image, and keeps the history', (t) => {
    if (!guard(t)) return;
    assert.equal(c.k('set image deployment/versions version-server=errm/versions:0.0.5'), 'deployment.apps/versions image updated\n');
    rolledOut();
    assert.deepEqual(history(), ['1', '2', '3', '4', '5']);
    assert.match(c.k('rollout history deployment/versions --revision=3'), /Image:\terrm\/versions:0\.0\.3\n/);
  });

  it('undoes to the previous revision, then to revision 2', (t) => {
    if (!guard(t)) return;
    assert.equal(c.k('rollout undo deployment/versions'), 'deployment.apps/versions rolled back\n');
    rolledOut();
    assert.equal(image(), 'errm/versions:0.0.4');
    assert.deepEqual(history(), ['1', '2', '3', '5', '6']);
    assert.equal(c.k('rollout undo deployment/versions --to-revision=2'), 'deployment.apps/versions rolled back\n');
    rolledOut();
    assert.equal(image(), 'errm/versions:0.0.2');
    assert.deepEqual(history(), ['1', '3', '5', '6', '7']);
  });

  it('scales to 5', (t) => {
    if (!guard(t)) return;
    assert.equal(c.k('scale deployment/versions --replicas=5'), 'deployment.apps/versions scaled\n');
    rolledOut();
    assert.equal(pods().filter((p) => p.ready && !p.deleting).length, 5);
    assert.match(c.k('get deploy versions'), /\nversions\s+5\/5\s+5\s+5\s/);
  });

  it('pauses: changes wait; resumes: they roll out together', async (t) => {
    if (!guard(t)) return;
    assert.equal(c.k('rollout pause deployment/versions'), 'deployment.apps/versions paused\n');
    const before = c.k('get rs -l app=ver -o name');
    c.k('set image deployment/versions version-server=errm/versions:0.0.6');
    c.k('set env deployment/versions GREETING=hello');
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(c.k('get rs -l app=ver -o name'), before);
    assert.match(c.k('describe deployment versions'), /Progressing\s+Unknown\s+DeploymentPaused/);
    assert.equal(c.k('rollout resume deployment/versions'), 'deployment.apps/versions resumed\n');
    rolledOut();
    assert.equal(c.k('get rs -l app=ver -o name').trim().split('\n').length, before.trim().split('\n').length + 1);
    assert.deepEqual([...new Set(pods().filter((p) => !p.deleting).map((p) => p.image))], ['errm/versions:0.0.6']);
  });

  it('Recreate: the old pods are all gone before a new one starts', async (t) => {
    if (!guard(t)) return;
    assert.equal(c.k(['patch', 'deployment/versions', '-p', '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}']), 'deployment.apps/versions patched\n');
    c.k('set image deployment/versions version-server=errm/versions:0.0.7');
    const mixed: PodView[][] = [];
    await eventually(
      () => {
        const now = pods();
        const live = now.filter((p) => p.phase === 'Running' || p.phase === 'Pending');
        if (live.some((p) => p.image === 'errm/versions:0.0.7') && live.some((p) => p.image !== 'errm/versions:0.0.7')) mixed.push(now);
        return now.length === 5 && now.every((p) => p.image === 'errm/versions:0.0.7' && p.ready && !p.deleting);
      },
      90_000,
      'the Recreate rollout',
    );
    assert.deepEqual(mixed, [], 'old and new pods ran at the same time');
    rolledOut();
  });

  it('RollingUpdate honours maxSurge and maxUnavailable as numbers and percentages', async (t) => {
    if (!guard(t)) return;
    // 5 replicas; each setting bounds what a user sees in kubectl get pods during the rollout.
    const cases = [
      { surge: 1, unavailable: 0, image: 'errm/versions:0.0.8', most: 6, least: 5 },
      { surge: 0, unavailable: '40%', image: 'errm/versions:0.0.9', most: 5, least: 3 },
    ];
    for (const k of cases) {
      const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: k.surge, maxUnavailable: k.unavailable } };
      c.k(['patch', 'deployment/versions', '-p', JSON.stringify({ spec: { strategy } })]);
      c.k(`set image deployment/versions version-server=${k.image}`);
      let most = 0;
      let least = Infinity;
      await eventually(
        () => {
          const live = pods().filter((p) => !p.deleting && (p.phase === 'Running' || p.phase === 'Pending'));
          most = Math.max(most, live.length);
          least = Math.min(least, live.filter((p) => p.ready).length);
          return live.length === 5 && live.every((p) => p.image === k.image && p.ready);
        },
        90_000,
        `the rollout to ${k.image}`,
      );
      rolledOut();
      assert.ok(most <= k.most, `at most ${k.most} pods with maxSurge ${k.surge}: saw ${most}`);
      assert.ok(least >= k.least, `at least ${k.least} ready with maxUnavailable ${k.unavailable}: saw ${least}`);
    }
  });
});
