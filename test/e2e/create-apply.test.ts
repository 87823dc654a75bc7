// Creating and applying manifests as users do: multi-document create, client-side apply with
// its last-applied annotation, and server-side apply with field ownership and conflicts.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubelite, type RunningCluster } from './harness.js';

const manifest = (replicas: number, image = 'nginx:1.25', extraLabel = '') => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: versions
  labels:
    app: versions${extraLabel ? `\n    extra: '${extraLabel}'` : ''}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: versions}
  template:
    metadata:
      labels: {app: versions}
    spec:
      containers:
      - name: app
        image: ${image}
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: ver
spec:
  selector: {app: versions}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
`;

describe('create and apply', () => {
  let c: RunningCluster;
  let dir: string;
  before(async () => {
    c = await startKubelite();
    dir = mkdtempSync(join(tmpdir(), 'manifests-'));
  });
  after(async () => {
    await c?.stop();
  });

  function file(name: string, text: string): string {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  }

  it('creates every document of a multi-document file, and refuses to create them twice', () => {
    c.k(['create', 'namespace', 'multi']);
    const out = c.k(['create', '-f', file('m.yaml', manifest(3)), '-n', 'multi']);
    assert.equal(out, 'deployment.apps/versions created\nservice/ver created\nconfigmap/settings created\n');
    const again = c.kubectl(['create', '-f', join(dir, 'm.yaml'), '-n', 'multi']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Error from server \(AlreadyExists\): error when creating ".*m\.yaml": deployments\.apps "versions" already exists/);
    assert.match(again.stderr, /services "ver" already exists/);
  });

  it('applies client-side: creates, then updates only what changed, keeping last-applied', () => {
    c.k(['create', 'namespace', 'csa']);
    const first = c.k(['apply', '-f', file('a1.yaml', manifest(2)), '-n', 'csa']);
    assert.equal(first, 'deployment.apps/versions created\nservice/ver created\nconfigmap/settings created\n');
    const unchanged = c.k(['apply', '-f', join(dir, 'a1.yaml'), '-n', 'csa']);
    assert.equal(unchanged, 'deployment.apps/versions unchanged\nservice/ver unchanged\nconfigmap/settings unchanged\n');
    const gen1 = c.k(['get', 'deploy', 'versions', '-n', 'csa', '-o', 'jsonpath={.metadata.generation}']);
    const second = c.k(['apply', '-f', file('a2.yaml', manifest(4, 'nginx:1.26')), '-n', 'csa']);
    assert.match(second, /deployment\.apps\/versions configured\nservice\/ver unchanged\nconfigmap\/settings unchanged/);
    const d = JSON.parse(c.k(['get', 'deploy', 'versions', '-n', 'csa', '-o', 'json']));
    assert.equal(d.spec.replicas, 4);
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.26');
    assert.equal(Number(d.metadata.generation), Number(gen1) + 1);
    const last = JSON.parse(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    assert.equal(last.spec.replicas, 4);
    // A label removed from the manifest is removed from the object (three-way merge).
    c.k(['apply', '-f', file('a3.yaml', manifest(4, 'nginx:1.26', 'yes')), '-n', 'csa']);
    assert.equal(c.k(['get', 'deploy', 'versions', '-n', 'csa', '-o', 'jsonpath={.metadata.labels.extra}']), 'yes');
    c.k(['apply', '-f', join(dir, 'a2.yaml'), '-n', 'csa']);
    assert.equal(c.k(['get', 'deploy', 'versions', '-n', 'csa', '-o', 'jsonpath={.metadata.labels}']), '{"app":"versions"}');
  });

  it('shows, sets and edits the last-applied configuration', () => {
    const view = c.k(['apply', 'view-last-applied', 'configmap/settings', '-n', 'csa']);
    assert.match(view, /kind: ConfigMap/);
    assert.match(view, /mode: fast/);
    const json = JSON.parse(c.k(['apply', 'view-last-applied', 'configmap/settings', '-n', 'csa', '-o', 'json']));
    assert.equal(json.data.mode, 'fast');
    c.k(['create', 'configmap', 'plain', '-n', 'csa', '--from-literal=k=v']);
    assert.equal(c.k(['apply', 'view-last-applied', 'configmap/plain', '-n', 'csa']), '', 'no annotation yet');
    c.k(['apply', 'set-last-applied', '-f', file('plain.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  k: v\n'), '-n', 'csa', '--create-annotation=true']);
    assert.match(c.k(['apply', 'view-last-applied', 'configmap/plain', '-n', 'csa']), /k: v/);
    // edit-last-applied with an EDITOR script that rewrites the value.
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/mode: fast/mode: slow/" "$1"\n');
    chmodSync(editor, 0o755);
    c.k(['apply', 'edit-last-applied', 'configmap/settings', '-n', 'csa'], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
    assert.match(c.k(['apply', 'view-last-applied', 'configmap/settings', '-n', 'csa']), /mode: slow/);
  });

  it('applies server-side, tracks field managers, and reports conflicts until forced', () => {
    c.k(['create', 'namespace', 'ssa']);
    const out = c.k(['apply', '--server-side', '-f', file('s1.yaml', manifest(2)), '-n', 'ssa']);
    assert.equal(out, 'deployment.apps/versions serverside-applied\nservice/ver serverside-applied\nconfigmap/settings serverside-applied\n');
    const d = JSON.parse(c.k(['get', 'deploy', 'versions', '-n', 'ssa', '-o', 'json', '--show-managed-fields']));
    const entry = d.metadata.managedFields.find((m: { manager: string }) => m.manager === 'kubectl');
    assert.equal(entry.operation, 'Apply');
    assert.ok(entry.fieldsV1['f:spec']['f:replicas']);
    // Another manager takes spec.replicas (kubectl scale writes through the scale subresource).
    c.k(['scale', 'deploy', 'versions', '-n', 'ssa', '--replicas=5']);
    const conflict = c.kubectl(['apply', '--server-side', '-f', file('s2.yaml', manifest(3)), '-n', 'ssa']);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas/);
    assert.equal(c.k(['get', 'deploy', 'versions', '-n', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '5');
    c.k(['apply', '--server-side', '--force-conflicts', '-f', join(dir, 's2.yaml'), '-n', 'ssa']);
    assert.equal(c.k(['get', 'deploy', 'versions', '-n', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '3');
    // A field removed from the applied configuration is removed from the object.
    c.k(['apply', '--server-side', '-f', file('s3.yaml', manifest(3, 'nginx:1.25', 'yes')), '-n', 'ssa']);
    assert.equal(c.k(['get', 'deploy', 'versions', '-n', 'ssa', '-o', 'jsonpath={.metadata.labels.extra}']), 'yes');
    c.k(['apply', '--server-side', '-f', join(dir, 's2.yaml'), '-n', 'ssa']);
    assert.equal(c.k(['get', 'deploy', 'versions', '-n', 'ssa', '-o', 'jsonpath={.metadata.labels}']), '{"app":"versions"}');
  });

  it('moves from client-side to server-side apply without conflicts', () => {
    const r = c.kubectl(['apply', '--server-side', '-f', join(dir, 'a2.yaml'), '-n', 'csa']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment\.apps\/versions serverside-applied/);
  });
});
