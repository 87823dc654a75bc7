// Services on a node whose pods share the node's network: `kubelite up --runtime process`
// without root (run here as the user nobody when the test runs as root). No iptables there, so
// the node runs the userspace proxy: a Service's ClusterIP is served at its loopback twin
// (198.18.209.x → 127.18.209.x) and its NodePort on 127.0.0.1, spread over the ready pods,
// whose endpoints are the node's address and each pod's own (named) port; a pod whose readiness
// probe fails receives nothing; a deleted Service stops answering; stopping kubelite closes
// every listener.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { eventually, kubectlPath, kubeliteEntry } from '../e2e/harness.js';

const nobody = 65534;
const asRoot = process.getuid?.() === 0;
const dropRoot = ['setpriv', `--reuid=${nobody}`, `--regid=${nobody}`, '--clear-groups', '--'];

function whyNot(): string | undefined {
  if (!asRoot) return undefined;
  if (spawnSync('setpriv', ['--version']).status !== 0) return 'setpriv (util-linux) is needed to drop root';
  // A checkout under a private home directory cannot be run by nobody.
  if (spawnSync(dropRoot[0]!, [...dropRoot.slice(1), process.execPath, ...kubeliteEntry(), '--help']).status !== 0) return 'the user nobody cannot run kubelite from this checkout';
  return undefined;
}
const skip = whyNot();
const serviceCIDR = '198.18.209.0/24';

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

/** Two Deployments behind one Service: each pod listens on its own port, both named http. */
function app(dir: string): string {
  const deployment = (name: string, port: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ver, part: ${name}}}
  template:
    metadata: {labels: {app: ver, part: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: server
        image: busybox
        command: [sh, -c, 'mkdir -p ${dir}/${name} && echo ${name} > ${dir}/${name}/index.html && exec busybox httpd -f -p ${port} -h ${dir}/${name}']
        ports: [{name: http, containerPort: ${port}}]
        readinessProbe:
          exec: {command: [sh, -c, 'test ! -f ${dir}/${name}.unready']}
          periodSeconds: 1
          failureThreshold: 1
`;
  return `${deployment('ver-a', 28081)}---${deployment('ver-b', 28082)}---
apiVersion: v1
kind: Service
metadata: {name: ver}
spec:
  type: NodePort
  selector: {app: ver}
  ports: [{port: 8080, targetPort: http, nodePort: 31209}]
`;
}

describe('the userspace proxy on a node whose pods share its network (process runtime, no root)', { skip, timeout: 300_000 }, () => {
  const dir = `/tmp/net5-userspace-${process.pid}`;
  let child: ChildProcess;
  let output = '';
  let kubeconfig: string;
  let twin: string;
  const kubectl = (args: string[], input?: string) => {
    const r = spawnSync(kubectlPath, ['--kubeconfig', kubeconfig, ...args], { input, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed:\n${r.stderr}${r.stdout}\nkubelite said:\n${output.slice(-3000)}`);
    return r.stdout;
  };
  const readyParts = () => kubectl(['get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.labels.part}={.status.conditions[?(@.type=="Ready")].status}{" "}{end}']).split(' ').filter((p) => p.endsWith('=True')).map((p) => p.split('=')[0]).sort();
  const answers = async (url: string, n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push((await hostGet(url).catch((e: Error) => `FAILED ${e.message}`)).trim());
    return out;
  };

  before(async () => {
    mkdirSync(join(dir, 'up'), { recursive: true });
    if (asRoot) for (const d of [dir, join(dir, 'up')]) chownSync(d, nobody, nobody);
    const drop = asRoot ? dropRoot : [];
    const argv = [...drop, process.execPath, ...kubeliteEntry(), 'up', '--data-dir', join(dir, 'up'), '--port', '0', '--runtime', 'process', '--node-name', 'net5-userspace', '--cluster-cidr', '198.19.208.0/20', '--service-cidr', serviceCIDR];
    child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await eventually(() => output.includes('kubelite is ready') || child.exitCode !== null, 60_000, 'kubelite to start');
    assert.match(output, /kubelite is ready/, output);
    assert.match(output, /host processes \(rootless\)/, 'pods share the node network');
    kubeconfig = join(dir, 'up', 'kubeconfig.yaml');
    // The pods write their pages here and read their readiness here: the host's file system.
    mkdirSync(join(dir, 'www'));
    if (asRoot) chownSync(join(dir, 'www'), nobody, nobody);
    kubectl(['apply', '-f', '-'], app(join(dir, 'www')));
    await eventually(() => readyParts().join() === 'ver-a,ver-b', 60_000, 'both pods Ready');
    const clusterIP = kubectl(['get', 'svc', 'ver', '-o', 'jsonpath={.spec.clusterIP}']);
    twin = `127.${clusterIP.split('.').slice(1).join('.')}`;
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("the Service's endpoints are the node's address on each pod's named port", () => {
    const nodeIP = kubectl(['get', 'pods', '-l', 'part=ver-a', '-o', 'jsonpath={.items[0].status.hostIP}']);
    const endpoints = kubectl(['get', 'endpoints', 'ver', '--no-headers']).trim().split(/\s+/)[1]!;
    assert.deepEqual(endpoints.split(',').sort(), [`${nodeIP}:28081`, `${nodeIP}:28082`]);
  });

  it("the ClusterIP's loopback twin and the NodePort on 127.0.0.1 answer, spread over both pods", async () => {
    const viaTwin = await eventually(async () => {
      const a = await answers(`http://${twin}:8080/`, 16);
      return new Set(a).size === 2 ? a : undefined;
    }, 10_000, 'the twin to reach both pods');
    assert.deepEqual([...new Set(viaTwin)].sort(), ['ver-a', 'ver-b']);
    const viaNodePort = await answers('http://127.0.0.1:31209/', 16);
    assert.deepEqual([...new Set(viaNodePort)].sort(), ['ver-a', 'ver-b'], viaNodePort.join(' '));
  });

  it('a pod whose readiness probe fails receives nothing, and again once it is Ready', async () => {
    writeFileSync(join(dir, 'www', 'ver-b.unready'), '');
    await eventually(() => readyParts().join() === 'ver-a', 20_000, 'ver-b not Ready');
    await eventually(async () => (await answers(`http://${twin}:8080/`, 12)).every((a) => a === 'ver-a'), 2000, 'only ver-a to answer within 2 s');
    rmSync(join(dir, 'www', 'ver-b.unready'));
    await eventually(() => readyParts().join() === 'ver-a,ver-b', 20_000, 'ver-b Ready again');
    await eventually(async () => (await answers(`http://${twin}:8080/`, 12)).includes('ver-b'), 2000, 'ver-b to answer again');
  });

  it('a deleted Service stops answering on its twin and its NodePort', async () => {
    kubectl(['delete', 'svc', 'ver']);
    await eventually(async () => (await hostGet(`http://${twin}:8080/`).then(() => false, (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED')), 5000, 'the twin to refuse');
    await assert.rejects(hostGet('http://127.0.0.1:31209/'), { code: 'ECONNREFUSED' });
  });

  it('stopping kubelite closes every listener', async () => {
    kubectl(['apply', '-f', '-'], app(join(dir, 'www')));
    await eventually(async () => (await hostGet('http://127.0.0.1:31209/').catch(() => '')).trim() !== '', 20_000, 'the NodePort to answer again');
    child.kill('SIGINT');
    assert.equal(await new Promise((r) => child.once('exit', r)), 0);
    await assert.rejects(hostGet('http://127.0.0.1:31209/'), { code: 'ECONNREFUSED' });
  });
});
