// The kubectl commands that read the Swagger 2.0 document, which kubectl downloads only in
// gnostic protobuf: create and apply of a `kind: List` (validated client-side, item by item),
// editing several objects at once (kubectl edits them as a List), and manifests of kinds the
// server does not serve. Single objects keep going through /openapi/v3.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubelite, type RunningCluster } from './harness.js';

const list = (...items: object[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
const configMap = (name: string, extra: object = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' }, ...extra });
const deployment = (name: string, spec: object) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec });
const validSpec = {
  replicas: 1,
  selector: { matchLabels: { app: 'a' } },
  template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
};

/** The OpenAPI documents a kubectl run fetched, from its -v=6 log. */
const openApiRequests = (stderr: string) => [...stderr.matchAll(/GET \S+?(\/openapi\/v[23])[/?]\S* (\d+)/g)].map((m) => `${m[1]} ${m[2]}`);

describe('OpenAPI v2 in protobuf, as kubectl uses it', () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite();
  });
  after(async () => {
    await c?.stop();
  });

  it('kubectl create -f of a List creates every item', () => {
    const r = c.kubectl('create -f - -v=6', { input: list(configMap('list-a'), deployment('list-d', validSpec)) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(openApiRequests(r.stderr), ['/openapi/v2 200']);
    assert.match(r.stdout, /configmap\/list-a created\ndeployment.apps\/list-d created/);
    assert.equal(c.k('get cm list-a -o jsonpath={.data.k}'), 'v');
  });

  it('kubectl apply -f of a List creates, then configures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelite-list-'));
    const file = join(dir, 'list.yaml');
    writeFileSync(file, `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: applied}\n  data: {k: one}\n`);
    assert.equal(c.k(['apply', '-f', file]), 'configmap/applied created\n');
    writeFileSync(file, `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: applied}\n  data: {k: two}\n`);
    assert.equal(c.k(['apply', '-f', file]), 'configmap/applied configured\n');
    assert.equal(c.k('get cm applied -o jsonpath={.data.k}'), 'two');
  });

  it('--validate=strict on a List reports unknown fields, wrong types and missing fields as a real cluster does', () => {
    const input = list(
      configMap('bad-a', { foo: 1 }),
      deployment('bad-d', { ...validSpec, replicas: 'x' }),
      deployment('bad-e', { replicas: 1 }),
    );
    const r = c.kubectl('create -f - --validate=strict', { input });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'error: error validating "STDIN": error validating data: [' +
        'ValidationError(ConfigMap): unknown field "foo" in io.k8s.api.core.v1.ConfigMap, ' +
        'ValidationError(Deployment.spec.replicas): invalid type for io.k8s.api.apps.v1.DeploymentSpec.replicas: got "string", expected "integer", ' +
        'ValidationError(Deployment.spec): missing required field "selector" in io.k8s.api.apps.v1.DeploymentSpec, ' +
        'ValidationError(Deployment.spec): missing required field "template" in io.k8s.api.apps.v1.DeploymentSpec' +
        ']; if you choose to ignore these errors, turn validation off with --validate=false\n',
    );
    assert.equal(c.kubectl('get cm bad-a').code, 1, 'nothing was created');
    const one = c.kubectl('create -f -', { input: list(configMap('bad-b', { data: { k: 'v' }, bogus: true })) });
    assert.equal(
      one.stderr,
      'error: error validating "STDIN": error validating data: ValidationError(ConfigMap): unknown field "bogus" in io.k8s.api.core.v1.ConfigMap; ' +
        'if you choose to ignore these errors, turn validation off with --validate=false\n',
    );
  });

  it('editing several objects goes through the List validation', () => {
    c.k('create configmap ed-1 --from-literal=k=one');
    c.k('create configmap ed-2 --from-literal=k=two');
    const dir = mkdtempSync(join(tmpdir(), 'kubelite-editor-'));
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/k: one/k: uno/" "$1"\n');
    chmodSync(editor, 0o755);
    const r = c.kubectl('edit cm ed-1 ed-2 -v=6', { env: { KUBE_EDITOR: editor } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(openApiRequests(r.stderr).includes('/openapi/v2 200'));
    assert.match(r.stdout, /configmap\/ed-1 edited/);
    assert.equal(c.k('get cm ed-1 -o jsonpath={.data.k}'), 'uno');
  });

  it('a manifest mixing served and unknown kinds creates what it can', () => {
    const input = `apiVersion: example.com/v1\nkind: Foo\nmetadata: {name: f}\n---\n${JSON.stringify(configMap('mixed-a'))}\n`;
    const r = c.kubectl('create -f -', { input });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'configmap/mixed-a created\n');
    assert.match(r.stderr, /no matches for kind "Foo" in version "example.com\/v1"/);
  });

  it('single objects are still checked through /openapi/v3 alone', () => {
    const create = c.kubectl('create -f - -v=6', { input: JSON.stringify(configMap('single')) });
    assert.equal(create.code, 0, create.stderr);
    assert.deepEqual(openApiRequests(create.stderr), ['/openapi/v3 200', '/openapi/v3 200']);
    const apply = c.kubectl('apply -f - -v=6', { input: JSON.stringify(configMap('single', { data: { k: 'w' } })) });
    assert.equal(apply.code, 0, apply.stderr);
    assert.ok(!openApiRequests(apply.stderr).some((r) => r.startsWith('/openapi/v2')));
    const explain = c.kubectl('explain deployment.spec.replicas -v=6');
    assert.equal(explain.code, 0, explain.stderr);
    assert.ok(!openApiRequests(explain.stderr).some((r) => r.startsWith('/openapi/v2')));
  });
});
