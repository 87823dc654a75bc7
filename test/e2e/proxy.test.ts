// The API server's proxy subresources through the real `kubectl proxy --port=0` and
// `kubectl get --raw`: a loopback HTTP server stands in for pod `ver-0` (status.podIP
// 127.0.0.1, bound to a Node that is not simulated); seed 000's Service `ver` and Deployment
// `versions` run on a simulated node, where the proxy answers that no process listens.
// (Endpoints may not name loopback addresses, so a working services/…/proxy needs a real pod
// network: test/containers/proxy-process.test.ts.)

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, kubectlPath, startKubelite, type RunningCluster } from './harness.js';

const verService = `apiVersion: v1
kind: Service
metadata:
  name: ver
spec:
  selector:
    app: ver
  ports:
  - name: http
    protocol: TCP
    port: 80
    targetPort: http
`;

const versions = `apiVersion: apps/v1
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
        image: errm/versions:0.0.1
        ports:
        - name: http
          containerPort: 3000
`;

function kubectlAsync(cluster: RunningCluster, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(kubectlPath, ['--kubeconfig', cluster.kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('kubectl proxy and the pods/services proxy subresources', () => {
  let cluster: RunningCluster;
  let backend: http.Server;
  let proxy: ChildProcess;
  let proxyBase = '';

  before(async () => {
    backend = http.createServer((req, res) => {
      if (req.url === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        return res.end('<html><body><h1>versions 0.0.1</h1><a href="/about">about</a></body></html>');
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`${req.method} ${req.url} auth=${req.headers.authorization ?? 'none'}`);
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const port = (backend.address() as AddressInfo).port;

    cluster = await startKubelite({ args: ['--runtime', 'simulated', '--nodes', '1'] });
    cluster.k('apply -f -', {
      input: `apiVersion: v1
kind: Node
metadata:
  name: stand-in
---
apiVersion: v1
kind: Pod
metadata:
  name: ver-0
spec:
  nodeName: stand-in
  containers:
  - name: version-server
    image: errm/versions:0.0.1
    ports:
    - name: http
      containerPort: ${port}
`,
    });
    cluster.k(['patch', 'pod', 'ver-0', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }] } })]);

    proxy = spawn(kubectlPath, ['--kubeconfig', cluster.kubeconfig, 'proxy', '--port=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = '';
    proxy.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
    proxy.stderr!.on('data', (d: Buffer) => (printed += d.toString()));
    const served = await eventually(() => /Starting to serve on (127\.0\.0\.1:\d+)/.exec(printed)?.[1], 15_000, 'kubectl proxy to print its address');
    proxyBase = `http://${served}`;
  });

  after(async () => {
    proxy?.kill();
    await cluster?.stop();
    backend?.closeAllConnections();
    await new Promise((resolve) => backend?.close(resolve));
  });

  it('kubectl proxy serves the pod through pods/NAME:PORT/proxy, links rewritten, credentials not passed', async () => {
    const page = await fetch(`${proxyBase}/api/v1/namespaces/default/pods/ver-0:http/proxy/`);
    assert.equal(page.status, 200);
    assert.equal(await page.text(), '<html><body><h1>versions 0.0.1</h1><a href="/api/v1/namespaces/default/pods/ver-0:http/proxy/about">about</a></body></html>');

    const about = await fetch(`${proxyBase}/api/v1/namespaces/default/pods/ver-0/proxy/about?lang=zh`, { method: 'POST', body: 'x' });
    assert.equal(about.status, 200);
    assert.equal(await about.text(), 'POST /about?lang=zh auth=none');

    const bare = await fetch(`${proxyBase}/api/v1/namespaces/default/pods/ver-0/proxy`, { redirect: 'manual' });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/api/v1/namespaces/default/pods/ver-0/proxy/');
  });

  it('kubectl get --raw reads through the proxy subresource', async () => {
    // Asynchronously: the stand-in pod answers from this process.
    const raw = await kubectlAsync(cluster, ['get', '--raw', '/api/v1/namespaces/default/pods/ver-0:http/proxy/status?verbose=1']);
    assert.deepEqual(raw, { code: 0, stdout: 'GET /status?verbose=1 auth=none', stderr: '' });
  });

  it("seed 000's Service ver on a simulated node: a clear 503, as kubectl prints it", async () => {
    cluster.k('apply -f -', { input: verService });
    const noEndpoints = cluster.kubectl(['get', '--raw', '/api/v1/namespaces/default/services/ver:http/proxy/']);
    assert.equal(noEndpoints.code, 1);
    assert.match(noEndpoints.stderr, /Error from server \((NotFound|ServiceUnavailable)\)/);

    cluster.k('apply -f -', { input: versions });
    await eventually(() => /198\.19\.\d+\.\d+/.test(cluster.k(['get', 'endpoints', 'ver', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'])), 30_000, 'endpoints of ver');
    const simulated = cluster.kubectl(['get', '--raw', '/api/v1/namespaces/default/services/ver:http/proxy/']);
    assert.equal(simulated.code, 1);
    assert.match(simulated.stderr, /Error from server \(ServiceUnavailable\): no endpoints available for service "ver:http": its endpoints are pods on simulated nodes \(kubelite\.io\/simulated=true: kubelite-sim-0\), where no process listens/);

    const viaProxy = await fetch(`${proxyBase}/api/v1/namespaces/default/services/ver/proxy/`);
    assert.equal(viaProxy.status, 503);
    assert.equal(((await viaProxy.json()) as { reason: string }).reason, 'ServiceUnavailable');
  });
});
