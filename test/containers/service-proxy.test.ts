// The service proxy on a real containerd node: `kubelite up --runtime containerd` runs the pods;
// this test runs the ServiceProxy for that node in its own process (over the kubeconfig's
// credentials) and checks what a user sees with kubectl: a ClusterIP spreads over three
// busybox httpd pods, ClientIP affinity sticks, the NodePort and a LoadBalancer's ingress
// address answer from the host, a local service (as the cluster DNS will be) is reached from a
// pod through its virtual address, a headless service gets no rules, a pod whose readiness
// probe fails gets nothing, scaling to one is followed within a second, stopping the proxy
// leaves no rule behind, and what a proxy killed with -9 left is cleared by the next one.
// Skipped, with the reason, where containerd, the CNI plugins, iptables or root are missing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, get as httpGet, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKubelite, eventually, kubectlPath, type RunningCluster } from '../e2e/harness.js';
import { ensureTestImages, whyNoContainers } from '../../src/kubelet/runtime/cri/testing.js';
import { RestClient } from '../../src/client/rest.js';
import { startServiceProxy, type RunningServiceProxy } from '../../src/proxy/service-proxy.js';
import { chainPrefixFor } from '../../src/proxy/chains.js';

const execFileAsync = promisify(execFile);
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const clusterCIDR = '198.19.144.0/20';
const serviceCIDR = '198.18.144.0/24';
const localServiceIP = '198.18.144.250';

async function whyNot(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root (iptables, containerd)';
  if (spawnSync('iptables-save', ['-t', 'nat']).status !== 0) return 'iptables-save does not work here';
  return whyNoContainers();
}
const skip = await whyNot();

function iptablesSave(): string {
  return execFileSync('iptables-save', { encoding: 'utf8' });
}

function hostGet(url: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const req = httpGet(url, { timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolvePromise(body));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

describe('service proxy on a containerd node', { skip, timeout: 600_000 }, () => {
  let cluster: RunningCluster;
  let dataDir: string;
  let client: RestClient;
  let proxy: RunningServiceProxy;
  let nodeName: string;
  let prefix: string;
  let clusterIP: string;
  let nodePort: number;
  let localServer: Server;
  const proxyLog: string[] = [];

  /**
   * What `n` requests to url from the client pod answer. kubectl runs asynchronously: the
   * proxy and the local service live in this process and must keep running meanwhile.
   */
  const fromClient = async (url: string, n: number): Promise<string[]> => {
    const { stdout } = await execFileAsync(kubectlPath, ['--kubeconfig', cluster.kubeconfig, 'exec', 'client', '--', 'sh', '-c', `for i in $(seq ${n}); do timeout 5 wget -qO- ${url} || echo FAILED; done`], { encoding: 'utf8', timeout: 120_000 });
    return stdout.split('\n').filter(Boolean);
  };
  const readyPods = (): string[] =>
    cluster
      .k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'])
      .split('\n')
      .filter((l) => l.endsWith('=True'))
      .map((l) => l.split('=')[0]!);
  const sliceEndpoints = (): { name: string; ready: boolean }[] => {
    const list = JSON.parse(cluster.k(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json'])) as { items: { endpoints?: { targetRef?: { name: string }; conditions: { ready?: boolean } }[] }[] };
    return list.items.flatMap((s) => s.endpoints ?? []).map((e) => ({ name: e.targetRef?.name ?? '', ready: e.conditions.ready !== false }));
  };
  const serviceDnats = (): number => iptablesSave().split('\n').filter((l) => l.startsWith(`-A ${prefix}-SEP-`) && l.includes('"default/web"') && l.includes('DNAT')).length;

  before(async () => {
    const images = await ensureTestImages();
    dataDir = mkdtempSync('/tmp/kproxy-');
    cluster = await startKubelite({ dataDir, args: ['--runtime', 'containerd', '--cluster-cidr', clusterCIDR, '--service-cidr', serviceCIDR] });
    execFileSync(process.execPath, [join(root, 'bin/kubelite.js'), 'image', 'import', images.busyboxTar, '--name', 'docker.io/library/busybox:test', '--data-dir', dataDir], { encoding: 'utf8' });
    nodeName = cluster.k(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}']).trim();
    const podCIDR = cluster.k(['get', 'node', nodeName, '-o', 'jsonpath={.spec.podCIDR}']).trim();
    const nodeIP = cluster.k(['get', 'node', nodeName, '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}']).trim() || '127.0.0.1';
    // The node runs its own proxy; the one under test here takes chains of another name.
    prefix = chainPrefixFor(`${nodeName}-under-test`);

    // A loopback server, as the cluster DNS will be, that pods reach at a virtual address.
    localServer = createServer((_req, res) => res.end('local service\n'));
    await new Promise<void>((r) => localServer.listen(0, '127.0.0.1', r));
    const localPort = (localServer.address() as { port: number }).port;

    client = new RestClient({ server: cluster.server, token: cluster.token, caPem: cluster.caPem });
    proxy = startServiceProxy({
      client,
      nodeName: `${nodeName}-under-test`,
      nodeIP,
      podCIDR,
      clusterCIDR,
      serviceCIDR,
      localServices: [{ ip: localServiceIP, port: 80, protocol: 'TCP', to: `127.0.0.1:${localPort}`, name: 'test-local' }],
      log: (m) => proxyLog.push(m),
    });

    cluster.k(['apply', '-f', '-'], {
      input: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: docker.io/library/busybox:test
        imagePullPolicy: Never
        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']
        ports: [{ name: http, containerPort: 8080 }]
        readinessProbe:
          exec: { command: [sh, -c, 'test ! -f /tmp/unready'] }
          periodSeconds: 1
          failureThreshold: 1
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]
---
apiVersion: v1
kind: Service
metadata: { name: web-sticky }
spec:
  selector: { app: web }
  sessionAffinity: ClientIP
  ports: [{ port: 80, targetPort: http }]
---
apiVersion: v1
kind: Service
metadata: { name: web-lb }
spec:
  type: LoadBalancer
  selector: { app: web }
  ports: [{ port: 18934, targetPort: http }]
---
apiVersion: v1
kind: Service
metadata: { name: web-headless }
spec:
  clusterIP: None
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]
---
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: client
    image: docker.io/library/busybox:test
    imagePullPolicy: Never
    command: [sleep, '3600']
`,
    });
    clusterIP = cluster.k(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}']).trim();
    nodePort = Number(cluster.k(['get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}']));
    cluster.k(['wait', '--for=condition=Ready', 'pod/client', '--timeout=120s']);
    await eventually(() => readyPods().length === 3, 120_000, 'three ready web pods');
  });

  after(async () => {
    await proxy?.stop();
    client?.close();
    localServer?.close();
    if (cluster) {
      cluster.kubectl(['delete', 'deploy/web', 'pod/client', '--wait=false', '--grace-period=0', '--force']);
      await cluster.stop();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a ClusterIP reaches all three ready pods, spread across them', async () => {
    const pods = readyPods().sort();
    await eventually(() => serviceDnats() === 3, 5000, 'rules for three endpoints');
    const answers = await fromClient(`http://${clusterIP}:80/`, 30);
    assert.equal(answers.length, 30, answers.join('\n'));
    assert.deepEqual([...new Set(answers)].sort(), pods, `answers: ${answers.join(' ')}`);
  });

  it('ClientIP affinity keeps a client on one pod', async () => {
    const stickyIP = cluster.k(['get', 'svc', 'web-sticky', '-o', 'jsonpath={.spec.clusterIP}']).trim();
    const answers = await fromClient(`http://${stickyIP}:80/`, 12);
    assert.equal(answers.length, 12);
    assert.equal(new Set(answers).size, 1, answers.join(' '));
    assert.ok(readyPods().includes(answers[0]!), answers[0]);
  });

  it('the NodePort answers on 127.0.0.1 from the host', async () => {
    const pods = readyPods();
    const seen = new Set<string>();
    for (let i = 0; i < 15; i++) seen.add((await hostGet(`http://127.0.0.1:${nodePort}/`)).trim());
    for (const s of seen) assert.ok(pods.includes(s), `${s} is not one of ${pods.join(', ')}`);
    assert.ok(seen.size >= 2, `15 requests reached only ${[...seen].join(', ')}`);
  });

  it('a LoadBalancer answers on its ingress address (the node, as k3s sets it)', async () => {
    // What service-lb.ts's controller writes for a node at 127.0.0.1.
    cluster.k(['patch', 'svc', 'web-lb', '--subresource=status', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":[{"ip":"127.0.0.1","ipMode":"VIP"}]}}}']);
    const pods = readyPods();
    const answer = await eventually(async () => (await hostGet('http://127.0.0.1:18934/').catch(() => '')).trim(), 5000, 'an answer on 127.0.0.1:18934');
    assert.ok(pods.includes(answer), `${answer} is not one of ${pods.join(', ')}`);
  });

  it('a local service is reached from a pod through its virtual address (route_localnet on the bridge)', async () => {
    assert.deepEqual(await fromClient(`http://${localServiceIP}:80/`, 2), ['local service', 'local service']);
  });

  it('a headless service gets no rules', () => {
    assert.ok(!iptablesSave().includes('default/web-headless'));
  });

  it('a pod whose readiness probe fails receives nothing', async () => {
    const [unready] = readyPods().sort();
    cluster.k(['exec', unready!, '--', 'touch', '/tmp/unready']);
    await eventually(() => sliceEndpoints().some((e) => e.name === unready && !e.ready), 20_000, `${unready} not ready in the EndpointSlice`);
    const changed = Date.now();
    await eventually(() => serviceDnats() === 2, 1000, 'rules for two endpoints');
    const followMs = Date.now() - changed;
    const answers = await fromClient(`http://${clusterIP}:80/`, 30);
    assert.ok(!answers.includes(unready!), `${unready} answered: ${answers.join(' ')}`);
    assert.equal(new Set(answers).size, 2, answers.join(' '));
    assert.ok(followMs < 1000, `rules followed in ${followMs} ms`);
    cluster.k(['exec', unready!, '--', 'rm', '/tmp/unready']);
    await eventually(() => serviceDnats() === 3, 20_000, 'the pod back in the rules');
  });

  it('scaling to one is followed within a second', async () => {
    cluster.k(['scale', 'deploy/web', '--replicas=1']);
    await eventually(() => sliceEndpoints().filter((e) => e.ready).length === 1, 30_000, 'one ready endpoint');
    const changed = Date.now();
    await eventually(() => serviceDnats() === 1, 1000, 'rules for one endpoint');
    const followMs = Date.now() - changed;
    const [only] = sliceEndpoints().filter((e) => e.ready);
    assert.deepEqual([...new Set(await fromClient(`http://${clusterIP}:80/`, 10))], [only!.name]);
    assert.ok(followMs < 1000, `rules followed in ${followMs} ms`);
  });

  it('stopping the proxy removes every rule', async () => {
    assert.ok(iptablesSave().includes(prefix));
    await proxy.stop();
    const left = iptablesSave().split('\n').filter((l) => l.includes(prefix));
    assert.deepEqual(left, [], `left behind:\n${left.join('\n')}\nproxy log:\n${proxyLog.join('\n')}`);
    // (No request to the cluster IP now: without the rules it would leave by the default route.)
  });

  it('rules left by a proxy killed with -9 are removed when the next one starts, and not doubled', async () => {
    const script = join(dataDir, 'proxy-child.ts');
    writeFileSync(
      script,
      `import { RestClient } from ${JSON.stringify(join(root, 'src/client/rest.ts'))};
import { startServiceProxy } from ${JSON.stringify(join(root, 'src/proxy/service-proxy.ts'))};
const client = new RestClient({ server: process.env.SERVER!, token: process.env.TOKEN!, caPem: process.env.CA! });
startServiceProxy({ client, nodeName: process.env.NODE!, nodeIP: '127.0.0.1', clusterCIDR: ${JSON.stringify(clusterCIDR)}, log: (m) => console.log(m) });
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { ...process.env, SERVER: cluster.server, TOKEN: cluster.token, CA: cluster.caPem, NODE: `${nodeName}-under-test` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let childOut = '';
    child.stdout!.on('data', (d) => (childOut += d));
    child.stderr!.on('data', (d) => (childOut += d));
    const jumps = () => iptablesSave().split('\n').filter((l) => /^-A (PREROUTING|OUTPUT|POSTROUTING|INPUT|FORWARD) /.test(l) && l.includes(`-j ${prefix}-`)).length;
    try {
      await eventually(() => childOut.includes('is routing'), 30_000, `the child proxy to route:\n${childOut}`);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    const installed = jumps();
    assert.ok(installed > 0 && serviceDnats() === 1, 'the killed proxy left its rules');
    const logs: string[] = [];
    const next = startServiceProxy({ client, nodeName: `${nodeName}-under-test`, nodeIP: '127.0.0.1', clusterCIDR, log: (m) => logs.push(m) });
    try {
      await eventually(() => logs.some((l) => l.includes('is routing')), 10_000, 'the new proxy to route');
      assert.ok(logs.some((l) => /removed \d+ rules and chains left by an earlier run/.test(l)), logs.join('\n'));
      assert.equal(jumps(), installed, 'each jump once');
      assert.equal(serviceDnats(), 1);
    } finally {
      await next.stop();
    }
    assert.equal(iptablesSave().split('\n').filter((l) => l.includes(prefix)).length, 0);
  });
});
