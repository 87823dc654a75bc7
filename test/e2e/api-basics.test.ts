// The cluster a user gets from `kubelite up`: credentials, version, discovery, explain, the
// bootstrap objects, and a clean stop.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubelite, type RunningCluster } from './harness.js';

function request(c: RunningCluster, path: string, token?: string): Promise<{ status: number; body: string }> {
  const url = new URL(path, c.server);
  return new Promise((resolve, reject) => {
    const req = https.request(
      { hostname: url.hostname, port: url.port, path: url.pathname + url.search, ca: c.caPem, headers: token ? { Authorization: `Bearer ${token}` } : {} },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('kubelite up', () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite();
  });
  after(async () => {
    await c?.stop();
  });

  it('writes a kubeconfig with the CA and an admin credential, over HTTPS', () => {
    const config = readFileSync(c.kubeconfig, 'utf8');
    assert.match(config, /certificate-authority-data: /);
    assert.match(config, /token: /);
    assert.match(c.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(join(c.dataDir, 'state.db')));
    assert.match(c.output(), /kubelite is ready/);
  });

  it('answers 401 to requests without a valid credential', async () => {
    const none = await request(c, '/api/v1/namespaces');
    assert.equal(none.status, 401);
    assert.equal(JSON.parse(none.body).reason, 'Unauthorized');
    const wrong = await request(c, '/api/v1/namespaces', 'not-the-token');
    assert.equal(wrong.status, 401);
    const ok = await request(c, '/api/v1/namespaces', c.token);
    assert.equal(ok.status, 200);
    const r = c.kubectl(['get', 'pods', '--token', 'bogus']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Unauthorized|provide credentials/);
  });

  it('serves health checks and /version', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const r = await request(c, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.body, 'ok');
    }
    const verbose = await request(c, '/readyz?verbose');
    assert.match(verbose.body, /readyz check passed/);
    const out = c.k('version -o json');
    const v = JSON.parse(out);
    assert.equal(v.serverVersion.major, '1');
    assert.equal(v.serverVersion.minor, '32');
    assert.match(v.serverVersion.gitVersion, /^v1\.32\.\d+\+kubelite/);
  });

  it('has the system namespaces and the kubernetes Service at start', () => {
    const ns = c.k('get namespaces -o name').trim().split('\n').sort();
    assert.deepEqual(ns, ['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']);
    const svc = JSON.parse(c.k('get service kubernetes -n default -o json'));
    assert.equal(svc.spec.clusterIP, '198.18.0.1');
    assert.equal(svc.spec.ports[0].port, 443);
    const table = c.k('get namespaces');
    assert.match(table, /^NAME\s+STATUS\s+AGE\n/);
    assert.match(table, /\ndefault\s+Active\s+\d+s\n/);
  });

  it('lists resources as kubectl api-resources expects, with short names and groups', () => {
    const out = c.k('api-resources');
    const lines = out.split('\n');
    const row = (name: string) => lines.find((l) => l.startsWith(name + ' '));
    assert.match(row('pods')!, /^pods\s+po\s+v1\s+true\s+Pod$/);
    assert.match(row('deployments')!, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/);
    assert.match(row('horizontalpodautoscalers')!, /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/);
    assert.match(row('customresourcedefinitions')!, /crd,crds\s+apiextensions\.k8s\.io\/v1\s+false/);
    assert.match(row('cronjobs')!, /^cronjobs\s+cj\s+batch\/v1/);
    const versions = c.k('api-versions').trim().split('\n');
    for (const gv of ['v1', 'apps/v1', 'batch/v1', 'autoscaling/v1', 'autoscaling/v2', 'events.k8s.io/v1', 'networking.k8s.io/v1', 'policy/v1', 'rbac.authorization.k8s.io/v1', 'storage.k8s.io/v1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'scheduling.k8s.io/v1', 'apiextensions.k8s.io/v1']) {
      assert.ok(versions.includes(gv), `api-versions lacks ${gv}`);
    }
    const namespaced = c.k('api-resources --namespaced=false -o name').split('\n');
    assert.ok(namespaced.includes('nodes'));
    assert.ok(!namespaced.includes('pods'));
    const all = c.k('api-resources --categories=all -o name').trim().split('\n').sort();
    assert.deepEqual(all, ['cronjobs.batch', 'daemonsets.apps', 'deployments.apps', 'horizontalpodautoscalers.autoscaling', 'jobs.batch', 'pods', 'replicasets.apps', 'replicationcontrollers', 'services', 'statefulsets.apps']);
  });

  it('explains fields from its OpenAPI documents', () => {
    const out = c.k('explain pods.spec.containers.image');
    assert.match(out, /KIND:\s+Pod/);
    assert.match(out, /FIELD:\s+image <string>/);
    assert.match(out, /Container image name/);
    const deploy = c.k('explain deployment.spec --recursive');
    assert.match(deploy, /replicas\s+<integer>/);
    assert.match(deploy, /strategy\s+<DeploymentStrategy>/);
    const cron = c.k('explain cronjob.spec.jobTemplate');
    assert.match(cron, /KIND:\s+CronJob/);
    assert.match(cron, /GROUP:\s+batch/);
  });

  it('stops cleanly on SIGINT, and keeps its state for the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kubelite-restart-'));
    const first = await startKubelite({ dataDir });
    first.k(['create', 'configmap', 'kept', '--from-literal=a=b']);
    const code = await first.stop('SIGINT');
    assert.equal(code, 0);
    assert.match(first.output(), /kubelite stopped/);
    const again = await startKubelite({ dataDir });
    try {
      assert.equal(again.k(['get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}']), 'b');
    } finally {
      await again.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('loses no acknowledged write when killed with SIGKILL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kubelite-kill-'));
    const first = await startKubelite({ dataDir });
    for (let i = 0; i < 5; i++) first.k(['create', 'configmap', `cm${i}`, '--from-literal=i=' + i]);
    await first.stop('SIGKILL');
    const again = await startKubelite({ dataDir });
    try {
      const names = again.k(['get', 'configmaps', '-o', 'name']).trim().split('\n');
      for (let i = 0; i < 5; i++) assert.ok(names.includes(`configmap/cm${i}`), `cm${i} survived`);
    } finally {
      await again.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
