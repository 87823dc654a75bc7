// Reading objects the ways kubectl prints them: output formats, labels and selectors,
// all namespaces, and watching.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startKubelite, kubectlPath, eventually, type RunningCluster } from './harness.js';

function pod(name: string, labels: Record<string, string>, ns = 'default'): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
  });
}

describe('kubectl get', () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite();
    c.k(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } }) });
    c.k(['create', '-f', '-'], { input: pod('web-1', { app: 'web', env: 'prod', tier: 'frontend' }) });
    c.k(['create', '-f', '-'], { input: pod('web-2', { app: 'web', env: 'staging' }) });
    c.k(['create', '-f', '-'], { input: pod('db-1', { app: 'db', env: 'prod' }) });
    c.k(['create', '-f', '-'], { input: pod('job-x', { app: 'batch' }, 'other') });
  });
  after(async () => {
    await c?.stop();
  });

  it('prints the columns Kubernetes prints for pods, and more with -o wide', () => {
    const out = c.k('get pods');
    const lines = out.trim().split('\n');
    assert.match(lines[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.equal(lines.length, 4);
    assert.match(lines[1], /^db-1\s+0\/1\s+Pending\s+0\s+\d+s$/);
    const wide = c.k('get pods -o wide').split('\n')[0];
    assert.match(wide, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
  });

  it('prints names, YAML, JSON, jsonpath and custom columns', () => {
    assert.equal(c.k('get pods -o name'), 'pod/db-1\npod/web-1\npod/web-2\n');
    const y = c.k('get pod web-1 -o yaml');
    assert.match(y, /^apiVersion: v1\nkind: Pod\n/);
    assert.match(y, /restartPolicy: Always/);
    assert.match(y, /phase: Pending/);
    assert.match(y, /qosClass: BestEffort/);
    const j = JSON.parse(c.k('get pod web-1 -o json'));
    assert.equal(j.metadata.name, 'web-1');
    assert.ok(j.metadata.uid);
    assert.ok(Number(j.metadata.resourceVersion) > 0);
    const list = JSON.parse(c.k('get pods -o json'));
    assert.equal(list.kind, 'List');
    assert.equal(list.items.length, 3);
    assert.equal(c.k(['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}']), 'db-1 web-1 web-2');
    assert.equal(c.k(['get', 'pod', 'web-1', '-o', 'jsonpath={.spec.containers[0].image}']), 'busybox:1.36');
    const cc = c.k(['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,APP:.metadata.labels.app,IMAGE:.spec.containers[0].image']);
    assert.equal(cc.split('\n')[0].replace(/\s+/g, ' ').trim(), 'NAME APP IMAGE');
    assert.match(cc, /web-2\s+web\s+busybox:1\.36/);
  });

  it('shows labels, label columns, and filters with equality and set-based selectors', () => {
    assert.match(c.k('get pods --show-labels'), /web-1\s+0\/1\s+Pending\s+0\s+\d+s\s+app=web,env=prod,tier=frontend/);
    const lcol = c.k('get pods -L env,tier');
    assert.match(lcol.split('\n')[0], /ENV\s+TIER$/);
    assert.match(lcol, /web-1\s.*prod\s+frontend/);
    const names = (sel: string) => c.k(['get', 'pods', '-l', sel, '-o', 'name']).trim().split('\n').filter(Boolean);
    assert.deepEqual(names('app=web'), ['pod/web-1', 'pod/web-2']);
    assert.deepEqual(names('app!=web'), ['pod/db-1']);
    assert.deepEqual(names('env in (prod)'), ['pod/db-1', 'pod/web-1']);
    assert.deepEqual(names('env notin (prod)'), ['pod/web-2']);
    assert.deepEqual(names('tier'), ['pod/web-1']);
    assert.deepEqual(names('!tier'), ['pod/db-1', 'pod/web-2']);
    assert.deepEqual(names('app=web,env=prod'), ['pod/web-1']);
    const none = c.kubectl(['get', 'pods', '-l', 'app=nothing']);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /No resources found in default namespace\./);
    const bad = c.kubectl(['get', 'pods', '-l', 'app in (']);
    assert.equal(bad.code, 1);
  });

  it('filters with field selectors and lists across namespaces with -A', () => {
    assert.equal(c.k(['get', 'pods', '--field-selector', 'metadata.name=web-2', '-o', 'name']), 'pod/web-2\n');
    assert.equal(c.k(['get', 'pods', '--field-selector', 'status.phase=Running', '-o', 'name']), '');
    const unsupported = c.kubectl(['get', 'pods', '--field-selector', 'spec.foo=bar']);
    assert.equal(unsupported.code, 1);
    assert.match(unsupported.stderr, /field label not supported: spec\.foo/);
    const all = c.k('get pods -A');
    assert.match(all.split('\n')[0], /^NAMESPACE\s+NAME\s+READY\s+STATUS/);
    assert.match(all, /other\s+job-x/);
    assert.match(all, /default\s+web-1/);
    assert.equal(c.k('get pods -n other -o name'), 'pod/job-x\n');
  });

  it('pages long lists with --chunk-size', () => {
    const out = c.k('get pods -A --chunk-size=1 -o name');
    assert.equal(out.trim().split('\n').length, 4);
  });

  it('watches: prints the current pods, then changes as they happen', async () => {
    const child = spawn(kubectlPath, ['--kubeconfig', c.kubeconfig, 'get', 'pods', '--watch', '-l', 'app=web'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      await eventually(() => out.includes('web-2'), 10_000, 'initial list');
      assert.match(out, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
      c.k(['create', '-f', '-'], { input: pod('web-3', { app: 'web' }) });
      await eventually(() => out.includes('web-3'), 10_000, 'watch event for web-3');
      c.k(['label', 'pod', 'web-3', 'extra=1']);
      c.k(['delete', 'pod', 'web-3', '--wait=false']);
      await eventually(() => out.split('\n').filter((l) => l.startsWith('web-3')).length >= 2, 10_000, 'later events');
      // Headers once, not per event.
      assert.equal(out.split('\n').filter((l) => l.startsWith('NAME')).length, 1);
    } finally {
      child.kill();
    }
  });
});
