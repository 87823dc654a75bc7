// Services and cluster DNS on a containerd node, as issue 5 and the seeds use them: a pod finds
// another Service by name and reaches it through its ClusterIP; the StatefulSet pods web-0..2
// resolve through the headless Service nginx, and an SRV query for its named port lists them
// (seed 003's peer discovery); a name that does not exist is NXDOMAIN; the kubernetes Service
// answers from a pod; a NodePort answers on the node's loopback.
// Skipped, with the reason, where containerd, the CNI plugins, iptables or root are missing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestImages, whyNoContainers } from '../../src/kubelet/runtime/cri/testing.js';
import { eventually, kubeliteEntry, startKubelite, type RunningCluster } from '../e2e/harness.js';

const skip = process.getuid?.() !== 0 ? 'needs root (iptables, containerd)' : await whyNoContainers();
const clusterCIDR = '198.19.176.0/20';
const serviceCIDR = '198.18.176.0/24';

const manifests = `
apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: web, port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: nginx
  replicas: 3
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: httpd
        image: busybox
        imagePullPolicy: IfNotPresent
        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www']
        ports: [{name: web, containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: ver}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: web}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
  - {name: c, image: busybox, imagePullPolicy: IfNotPresent, command: [sleep, '3600']}
`;

function hostGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

describe('Services and cluster DNS on a containerd node', { skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync('/tmp/kl-dns-');
  let cluster: RunningCluster;
  const inClient = (script: string) => cluster.kubectl(['exec', 'client', '--', 'sh', '-c', script], { timeoutMs: 60_000 });

  before(async () => {
    const images = await ensureTestImages();
    cluster = await startKubelite({ dataDir: join(dir, 'up'), args: ['--runtime', 'containerd', '--node-name', 'dns-node', '--cluster-cidr', clusterCIDR, '--service-cidr', serviceCIDR] });
    const imported = spawnSync(process.execPath, [...kubeliteEntry(), 'image', 'import', images.busyboxTar, '--name', 'docker.io/library/busybox', '--data-dir', join(dir, 'up')], { encoding: 'utf8' });
    assert.equal(imported.status, 0, imported.stderr);
    cluster.k(['apply', '-f', '-'], { input: manifests });
    await eventually(() => cluster.k(['get', 'pods', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}']).trim() === 'True True True True', 120_000, 'the pods to be Ready');
  });

  after(async () => {
    await cluster?.stop('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  });

  it('points pods at the kube-dns Service with the cluster search path', () => {
    const dnsIP = cluster.k(['get', 'svc', '-n', 'kube-system', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP}']);
    assert.equal(dnsIP, '198.18.176.10');
    const resolv = inClient('cat /etc/resolv.conf').stdout;
    assert.match(resolv, /^nameserver 198\.18\.176\.10$/m);
    assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/m);
    assert.match(resolv, /^options ndots:5$/m);
  });

  it('resolves a Service by its short and full name, and reaches it through the ClusterIP', async () => {
    const clusterIP = cluster.k(['get', 'svc', 'ver', '-o', 'jsonpath={.spec.clusterIP}']);
    // busybox's nslookup also asks the other search domains (NXDOMAIN, as CoreDNS answers
    // them) and then exits 1: what counts is the answer it found.
    const short = inClient('nslookup ver');
    assert.match(short.stdout, new RegExp(`Name:\\s+ver\\.default\\.svc\\.cluster\\.local\\s+Address: ${clusterIP.replace(/\./g, '\\.')}`));
    const seen = new Set(inClient('for i in $(seq 12); do wget -qO- http://ver.default.svc.cluster.local/; done').stdout.split('\n').filter(Boolean));
    assert.ok([...seen].every((h) => /^web-[012]$/.test(h)), [...seen].join(','));
    assert.ok(seen.size >= 2, `requests spread over the pods: ${[...seen].join(',')}`);
  });

  it('resolves web-0..web-2 through the headless Service, and lists them in an SRV query', () => {
    for (const i of [0, 1, 2]) {
      const ip = cluster.k(['get', 'pod', `web-${i}`, '-o', 'jsonpath={.status.podIP}']);
      const r = inClient(`nslookup web-${i}.nginx.default.svc.cluster.local`);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`Address: ${ip.replace(/\./g, '\\.')}$`, 'm'));
    }
    const all = inClient('nslookup nginx.default.svc.cluster.local').stdout;
    assert.equal((all.match(/^Address: 198\.19\.176\.\d+$/gm) ?? []).length, 3, all);
    const srv = inClient('nslookup -type=SRV _web._tcp.nginx.default.svc.cluster.local').stdout;
    for (const i of [0, 1, 2]) assert.match(srv, new RegExp(`80 web-${i}\\.nginx\\.default\\.svc\\.cluster\\.local`), srv);
  });

  it('answers NXDOMAIN for names of the cluster that do not exist', () => {
    const r = inClient('nslookup nope.default.svc.cluster.local');
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /NXDOMAIN|can't find/);
  });

  it('reaches the API server through the kubernetes Service', () => {
    // busybox's TLS cannot finish kubelite's handshake; a TCP connect shows the route works.
    const r = inClient('echo | nc -w 3 kubernetes.default.svc.cluster.local 443 && echo open');
    assert.match(r.stdout, /open/, r.stderr);
  });

  it('answers on the NodePort of the node', async () => {
    const nodePort = cluster.k(['get', 'svc', 'ver', '-o', 'jsonpath={.spec.ports[0].nodePort}']);
    const body = await eventually(() => hostGet(`http://127.0.0.1:${nodePort}/`).catch(() => ''), 10_000, 'the NodePort to answer');
    assert.match(body.trim(), /^web-[012]$/);
  });
});
