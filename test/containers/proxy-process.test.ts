// Seed 000's way to look at the `versions` app, on real pods (`kubelite up --runtime process`,
// pods on a bridge in 198.19.112.0/20): the Service `ver` in front of the Deployment, read
// through `kubectl proxy` at /api/v1/namespaces/default/services/ver/proxy/, through
// `kubectl get --raw`, and through `kubectl port-forward svc/ver` and `deploy/versions`
// (which kubectl resolves to one of the pods). busybox httpd stands in for errm/versions.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { eventually, kubectlPath, startKubelite, type RunningCluster } from '../e2e/harness.js';

const whyNot = process.getuid?.() !== 0 ? 'needs root: without it, process-runtime pods have no pod network to proxy to' : undefined;

const app = `apiVersion: v1
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
---
apiVersion: apps/v1
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
      terminationGracePeriodSeconds: 1
      containers:
      - name: version-server
        image: busybox
        command: ["sh", "-c", "echo \\"<html><body>versions 0.0.1 <a href=/about>about</a></body></html>\\" > /www/index.html && exec httpd -f -p 3000 -h /www"]
        ports:
        - name: http
          containerPort: 3000
        volumeMounts:
        - name: www
          mountPath: /www
      volumes:
      - name: www
        emptyDir: {}
`;

/** A long-running kubectl whose output accumulates. */
function background(cluster: RunningCluster, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(kubectlPath, ['--kubeconfig', cluster.kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

describe('seed 000: the versions app through kubectl proxy and port-forward (process runtime)', { skip: whyNot }, () => {
  let cluster: RunningCluster;
  let dataDir: string;
  const children: ChildProcess[] = [];

  before(async () => {
    dataDir = mkdtempSync('/tmp/proxy-process-');
    cluster = await startKubelite({ dataDir, args: ['--runtime', 'process', '--node-name', 'proxy-process', '--cluster-cidr', '198.19.112.0/20', '--service-cidr', '198.18.113.0/24'] });
    cluster.k('apply -f -', { input: app });
    cluster.k(['rollout', 'status', 'deployment/versions', '--timeout=90s'], {});
    await eventually(() => cluster.k(['get', 'endpoints', 'ver', '-o', 'jsonpath={.subsets[*].addresses[*].ip}']).split(' ').filter(Boolean).length === 2, 30_000, 'two endpoints of ver');
  });

  after(async () => {
    for (const c of children) c.kill();
    if (cluster) await cluster.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('kubectl proxy: /api/v1/namespaces/default/services/ver/proxy/ shows the application', async () => {
    const proxy = background(cluster, ['proxy', '--port=0']);
    children.push(proxy.child);
    const served = await eventually(() => /Starting to serve on (127\.0\.0\.1:\d+)/.exec(proxy.output())?.[1], 15_000, 'kubectl proxy address');
    const page = await fetch(`http://${served}/api/v1/namespaces/default/services/ver/proxy/`);
    assert.equal(page.status, 200);
    assert.equal((await page.text()).trim(), '<html><body>versions 0.0.1 <a href="/api/v1/namespaces/default/services/ver/proxy/about">about</a></body></html>');
    const bare = await fetch(`http://${served}/api/v1/namespaces/default/services/ver/proxy`);
    assert.equal(bare.status, 200, 'the redirect to …/proxy/ is followed');
  });

  it('kubectl get --raw through a Service port number and a pod', () => {
    assert.match(cluster.k(['get', '--raw', '/api/v1/namespaces/default/services/ver:80/proxy/']), /versions 0\.0\.1/);
    const pod = cluster.k(['get', 'pods', '-l', 'app=ver', '-o', 'jsonpath={.items[0].metadata.name}']);
    assert.match(cluster.k(['get', '--raw', `/api/v1/namespaces/default/pods/${pod}:http/proxy/`]), /versions 0\.0\.1/);
  });

  for (const target of ['svc/ver', 'deploy/versions']) {
    it(`kubectl port-forward ${target}`, async () => {
      const remote = target.startsWith('svc') ? '80' : '3000';
      const pf = background(cluster, ['port-forward', target, `:${remote}`]);
      children.push(pf.child);
      const local = await eventually(() => /Forwarding from 127\.0\.0\.1:(\d+) -> 3000/.exec(pf.output())?.[1], 15_000, `port-forward ${target} to listen`);
      const page = await fetch(`http://127.0.0.1:${local}/`);
      assert.match(await page.text(), /versions 0\.0\.1/);
      pf.child.kill();
    });
  }
});
