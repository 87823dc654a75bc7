// Changing objects in place: label and annotate, the three patch types, edit, replace with
// seed 004's immutable-field error, scale, and the Deployment update flow of seed 000.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubelite, type RunningCluster } from './harness.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-app
spec:
  replicas: 2
  selector:
    matchLabels: {app: my-app}
  template:
    metadata:
      labels: {app: my-app}
    spec:
      containers:
      - name: app
        image: alpine:3.5
        command: ["sleep", "3600"]
---
apiVersion: v1
kind: Service
metadata:
  name: my-app-svc
spec:
  selector: {app: my-app}
  ports: [{port: 80, targetPort: 8080}]
`;

describe('changing objects', () => {
  let c: RunningCluster;
  let dir: string;
  before(async () => {
    c = await startKubelite();
    dir = mkdtempSync(join(tmpdir(), 'modify-'));
    writeFileSync(join(dir, 'ex-deployment.yml'), deployment);
    c.k(['apply', '-f', join(dir, 'ex-deployment.yml')]);
  });
  after(async () => {
    await c?.stop();
  });

  const get = (path: string, what = 'deploy/my-app') => c.k(['get', what, '-o', `jsonpath={${path}}`]);

  it('labels and annotates, refusing to overwrite without --overwrite', () => {
    assert.equal(c.k('label deploy my-app stage=test'), 'deployment.apps/my-app labeled\n');
    const refused = c.kubectl('label deploy my-app stage=prod');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /'stage' already has a value \(test\), and --overwrite is false/);
    c.k('label deploy my-app stage=prod --overwrite');
    assert.equal(get('.metadata.labels.stage'), 'prod');
    c.k('label deploy my-app stage-');
    assert.equal(get('.metadata.labels.stage'), '');
    assert.equal(c.k('annotate deploy my-app owner=alice'), 'deployment.apps/my-app annotated\n');
    assert.equal(c.kubectl('annotate deploy my-app owner=bob').code, 1);
    c.k('annotate deploy my-app owner=bob --overwrite');
    assert.equal(get('.metadata.annotations.owner'), 'bob');
    const managers = JSON.parse(c.k('get deploy my-app -o json --show-managed-fields')).metadata.managedFields.map((m: { manager: string }) => m.manager);
    assert.ok(managers.includes('kubectl-label'));
    assert.ok(managers.includes('kubectl-annotate'));
  });

  it('patches with strategic merge (seed 004), JSON merge and JSON patch', () => {
    assert.equal(
      c.k(['patch', 'deployment', 'my-app', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"alpine:3.6"}]}}}}']),
      'deployment.apps/my-app patched\n',
    );
    assert.equal(get('.spec.template.spec.containers[0].image'), 'alpine:3.6');
    assert.equal(get('.spec.template.spec.containers[0].command[0]'), 'sleep', 'strategic merge keeps the rest of the container');
    c.k(['patch', 'deployment', 'my-app', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"DEMO","value":"1"}]}]}}}}']);
    assert.equal(get('.spec.template.spec.containers[0].env[0].value'), '1');
    c.k(['patch', 'deployment', 'my-app', '--type=merge', '-p', '{"spec":{"replicas":3}}']);
    assert.equal(get('.spec.replicas'), '3');
    c.k(['patch', 'deployment', 'my-app', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4},{"op":"add","path":"/metadata/labels/patched","value":"yes"}]']);
    assert.equal(get('.spec.replicas'), '4');
    assert.equal(get('.metadata.labels.patched'), 'yes');
    const noop = c.k(['patch', 'deployment', 'my-app', '--type=merge', '-p', '{"spec":{"replicas":4}}']);
    assert.equal(noop, 'deployment.apps/my-app patched (no change)\n');
    const failed = c.kubectl(['patch', 'deployment', 'my-app', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":9}]']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /the server rejected our request due to an error in our request|testing value/);
    const missing = c.kubectl(['patch', 'deployment', 'nope', '--type=merge', '-p', '{}']);
    assert.match(missing.stderr, /deployments\.apps "nope" not found/);
  });

  it('sets images and scales, bumping generation only on spec changes', () => {
    const gen = Number(get('.metadata.generation'));
    assert.equal(c.k('set image deployment my-app app=alpine:3.7'), 'deployment.apps/my-app image updated\n');
    assert.equal(get('.spec.template.spec.containers[0].image'), 'alpine:3.7');
    assert.equal(Number(get('.metadata.generation')), gen + 1);
    c.k('annotate deploy my-app touched=1');
    assert.equal(Number(get('.metadata.generation')), gen + 1);
    assert.equal(c.k('scale deploy my-app --replicas=1'), 'deployment.apps/my-app scaled\n');
    assert.equal(get('.spec.replicas'), '1');
    const scale = JSON.parse(c.k(['get', '--raw', '/apis/apps/v1/namespaces/default/deployments/my-app/scale']));
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.spec.replicas, 1);
    assert.equal(scale.status.selector, 'app=my-app');
  });

  it('edits with $EDITOR, and reports an edit that fails validation', () => {
    const editor = join(dir, 'edit.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/replicas: 1/replicas: 6/" "$1"\n');
    chmodSync(editor, 0o755);
    assert.equal(c.k('edit deploy my-app', { env: { EDITOR: editor, KUBE_EDITOR: editor } }), 'deployment.apps/my-app edited\n');
    assert.equal(get('.spec.replicas'), '6');
    const bad = join(dir, 'bad.sh');
    writeFileSync(bad, '#!/bin/sh\nsed -i "s/replicas: 6/replicas: -1/" "$1"\n');
    chmodSync(bad, 0o755);
    const r = c.kubectl('edit deploy my-app', { env: { EDITOR: bad, KUBE_EDITOR: bad } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: deployments\.apps "my-app" is invalid/);
    // kubectl keeps the rejected edit with the server's reasons in its header.
    const copy = /stored to "([^"]+)"/.exec(r.stderr)![1];
    assert.match(readFileSync(copy, 'utf8'), /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
    assert.equal(get('.spec.replicas'), '6');
  });

  it('replaces: the Deployment is replaced, the Service fails on its immutable clusterIP, exit code 1 (seed 004)', () => {
    writeFileSync(join(dir, 'ex-deployment.yml'), deployment.replace('alpine:3.5', 'alpine:3.8'));
    const r = c.kubectl(['replace', '-f', join(dir, 'ex-deployment.yml')]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'deployment.apps/my-app replaced\n');
    assert.match(r.stderr, /The Service "my-app-svc" is invalid: spec\.clusterIP: Invalid value: "": field is immutable/);
    assert.equal(get('.spec.template.spec.containers[0].image'), 'alpine:3.8');
    assert.notEqual(get('.spec.clusterIP', 'svc/my-app-svc'), '');
  });

  it('refuses a stale update with 409 Conflict', () => {
    const obj = JSON.parse(c.k('get deploy my-app -o json'));
    c.k('label deploy my-app bump=1');
    obj.spec.replicas = 2;
    const r = c.kubectl(['replace', '-f', '-'], { input: JSON.stringify(obj) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Operation cannot be fulfilled on deployments\.apps "my-app": the object has been modified; please apply your changes to the latest version and try again/);
  });

  it('rejects a changed Deployment selector as immutable', () => {
    const r = c.kubectl(['patch', 'deploy', 'my-app', '--type=merge', '-p', '{"spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}}}}}']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The Deployment "my-app" is invalid: spec\.selector: Invalid value: .*field is immutable/);
  });
});
