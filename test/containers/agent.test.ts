// Two real nodes on one machine, driven as a user does: `kubelite up --runtime containerd`
// prints a join command, `kubelite agent` (a second process with its own containerd, bridge
// and pod range) joins with it; a DaemonSet runs one pod on each node, `kubectl logs` and
// `exec` reach the agent's pod through the API server and that node's kubelet API, and pods
// on the two nodes reach each other. A bad token, or a live node's name, is refused; SIGTERM
// stops the agent and leaves nothing behind; the node then goes NotReady.
// Skipped, with the reason, where containerd, runc, the CNI plugins or root are missing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestImages, whyNoContainers, type TestImages } from '../../src/kubelet/runtime/cri/testing.js';
import { eventually, kubeliteEntry, startKubelite, type RunningCluster } from '../e2e/harness.js';
import { containerdPid, leftovers } from './host-leftovers.js';

const noContainers = await whyNoContainers();
// This file's ranges (the images test takes 198.19.104.0/21): each node a /24 of it.
const clusterCIDR = '198.19.96.0/21';
const serviceCIDR = '198.18.96.0/24';

interface AgentProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `kubelite ARGS` (the built CLI) as a child process and collects what it prints. */
function kubelite(args: string[]): AgentProcess {
  const child = spawn(process.execPath, [...kubeliteEntry(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

/** The arguments of the join command `kubelite up` printed ("to join another node: kubelite agent …"). */
function joinArgs(upOutput: string): string[] {
  const line = /to join another node: kubelite (agent .+)$/m.exec(upOutput);
  assert.ok(line, `kubelite up printed no join command:\n${upOutput}`);
  return line[1]!.trim().split(/\s+/);
}

function podCIDROf(cluster: RunningCluster, node: string): string {
  return cluster.k(['get', 'node', node, '-o', 'jsonpath={.spec.podCIDR}']).trim();
}

function inCIDR24(ip: string, cidr: string): boolean {
  return cidr.endsWith('/24') && ip.split('.').slice(0, 3).join('.') === cidr.split('.').slice(0, 3).join('.');
}

if (noContainers) {
  describe('kubelite agent on containerd', () => {
    it('needs containerd', { skip: noContainers }, () => {});
  });
} else {
  describe('kubelite agent joins a containerd node to the cluster', { timeout: 300_000 }, () => {
    const dir = mkdtempSync('/tmp/ctrd-agent-');
    const upDir = join(dir, 'up');
    const agentDir = join(dir, 'agent');
    const upNode = 'ctrd-up';
    const agentNode = 'ctrd-agent';
    let images: TestImages;
    let cluster: RunningCluster;
    let agent: AgentProcess | undefined;
    let agentPod: { name: string; uid: string; ip: string };
    let agentContainerd: number;

    before(async () => {
      images = await ensureTestImages();
      cluster = await startKubelite({
        dataDir: upDir,
        args: ['--runtime', 'containerd', '--node-name', upNode, '--cluster-cidr', clusterCIDR, '--service-cidr', serviceCIDR, '--node-monitor-grace-period', '6s'],
      });
    });

    after(async () => {
      if (agent && agent.child.exitCode === null) {
        agent.child.kill('SIGTERM');
        await agent.exited;
      }
      await cluster?.stop('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses a bad join token, or the name of a live node, with a clear error and a non-zero exit', async () => {
      const args = joinArgs(cluster.output());
      const tokenAt = args.indexOf('--token') + 1;
      const bad = [...args];
      bad[tokenAt] = 'abcdef.0123456789abcdef';
      const r = spawnSync(process.execPath, [...kubeliteEntry(), ...bad, '--name', 'ctrd-intruder', '--runtime', 'containerd', '--data-dir', join(dir, 'intruder')], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^error: the API server rejected the join token/m);
      const malformed = [...args];
      malformed[tokenAt] = 'not-a-token';
      const m = spawnSync(process.execPath, [...kubeliteEntry(), ...malformed, '--name', 'ctrd-intruder'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(m.status, 1, m.stderr);
      assert.match(m.stderr, /--token must be a join token/);
      assert.equal(cluster.kubectl(['get', 'node', 'ctrd-intruder']).code, 1, 'no node registered with a bad token');
      assert.ok(!existsSync(join(dir, 'intruder')), 'a refused agent makes no data directory');
      // A good token, but the name of a live node (here the first node's): two kubelets on one Node would fight.
      const namesake = spawnSync(process.execPath, [...kubeliteEntry(), ...args, '--name', upNode, '--runtime', 'containerd', '--data-dir', join(dir, 'namesake')], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(namesake.status, 1, namesake.stderr);
      assert.match(namesake.stderr, /^error: node "ctrd-up" is already in the cluster and Ready \(another agent, or the node of kubelite up\): give this one its own --name$/m);
    });

    it('joins with the printed command: both nodes Ready, each with its own pod CIDR', async () => {
      agent = kubelite([...joinArgs(cluster.output()), '--name', agentNode, '--runtime', 'containerd', '--data-dir', agentDir]);
      await eventually(() => agent!.output().includes('kubelite agent is ready') || agent!.child.exitCode !== null, 60_000, 'the agent to be ready');
      assert.match(agent.output(), /kubelite agent is ready: node ctrd-agent/, agent.output());
      agentContainerd = containerdPid(agentDir, agentNode);
      await eventually(() => {
        const out = cluster.k(['get', 'nodes', '--no-headers']);
        return /^ctrd-up\s+Ready\s/m.test(out) && /^ctrd-agent\s+Ready\s/m.test(out);
      }, 30_000, 'both nodes Ready');
      const upCIDR = podCIDROf(cluster, upNode);
      const agentCIDR = podCIDROf(cluster, agentNode);
      assert.equal(upCIDR, '198.19.96.0/24');
      assert.equal(agentCIDR, '198.19.97.0/24');
      const wide = cluster.k(['get', 'node', agentNode, '-o', 'wide', '--no-headers']);
      assert.match(wide, /containerd:\/\//);
    });

    it('runs a DaemonSet pod on each node; logs and exec reach the agent node; pods reach each other', async () => {
      assert.ok(agent, 'the agent joined');
      // The image comes from an archive imported into each node's containerd, as a user would.
      for (const dataDir of [upDir, agentDir]) {
        const r = spawnSync(process.execPath, [...kubeliteEntry(), 'image', 'import', images.busyboxTar, '--name', 'busybox:ctrd-agent', '--data-dir', dataDir], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /imported docker.io\/library\/busybox:ctrd-agent/);
      }
      cluster.k(['apply', '-f', '-'], {
        input: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ticker}
spec:
  selector: {matchLabels: {app: ticker}}
  template:
    metadata: {labels: {app: ticker}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: tick
        image: busybox:ctrd-agent
        imagePullPolicy: Never
        env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
        command: ["sh", "-c", "mkdir /www; echo hello from $NODE > /www/index.html; httpd -p 8080 -h /www; while true; do echo tick from $NODE; sleep 1; done"]
`,
      });
      const pods = (await eventually(() => {
        const list = JSON.parse(cluster.k(['get', 'pods', '-l', 'app=ticker', '-o', 'json'])) as { items: { metadata: { name: string; uid: string }; spec: { nodeName?: string }; status: { phase?: string; podIP?: string } }[] };
        const running = list.items.filter((p) => p.status.phase === 'Running' && p.status.podIP);
        return running.length === 2 ? list.items : undefined;
      }, 60_000, 'a running ticker pod on each node'))!;
      assert.deepEqual(pods.map((p) => p.spec.nodeName).sort(), [agentNode, upNode]);
      assert.equal(cluster.k(['get', 'ds', 'ticker', '-o', 'jsonpath={.status.numberReady}/{.status.desiredNumberScheduled}']), '2/2');
      const onAgent = pods.find((p) => p.spec.nodeName === agentNode)!;
      const onUp = pods.find((p) => p.spec.nodeName === upNode)!;
      agentPod = { name: onAgent.metadata.name, uid: onAgent.metadata.uid, ip: onAgent.status.podIP! };
      assert.ok(inCIDR24(agentPod.ip, '198.19.97.0/24'), `agent pod IP ${agentPod.ip} is in the agent's pod CIDR`);
      assert.ok(inCIDR24(onUp.status.podIP!, '198.19.96.0/24'), `up pod IP ${onUp.status.podIP} is in the first node's pod CIDR`);

      const logs = (await eventually(() => {
        const out = cluster.k(['logs', agentPod.name, '--tail', '2']);
        return out.includes(`tick from ${agentNode}`) ? out : undefined;
      }, 10_000, 'the agent pod to log'))!;
      assert.match(logs, /^tick from ctrd-agent$/m);
      assert.equal(cluster.k(['exec', agentPod.name, '--', 'sh', '-c', 'echo $NODE $(hostname)']).trim(), `${agentNode} ${agentPod.name}`);
      const failing = cluster.kubectl(['exec', agentPod.name, '--', 'sh', '-c', 'exit 3']);
      assert.equal(failing.code, 3, 'kubectl exec passes the command exit code on');
      // From the first node's pod to the agent's pod, across the two bridges.
      assert.equal(cluster.k(['exec', onUp.metadata.name, '--', 'wget', '-q', '-O', '-', `http://${agentPod.ip}:8080/`]).trim(), `hello from ${agentNode}`);
    });

    it('SIGTERM stops the agent and its containerd, leaving no bridge, mount, rule or process', async () => {
      assert.ok(agent && agentPod, 'the agent runs a pod');
      const running = leftovers(agentDir, agentNode, { podIPs: [agentPod.ip], podUIDs: [agentPod.uid] }).join('\n');
      assert.match(running, /^process \d+ containerd --config /m, 'while it runs, the check sees its containerd');
      assert.match(running, /^bridge kl-/m);
      agent.child.kill('SIGTERM');
      const code = await agent.exited;
      assert.equal(code, 0, agent.output());
      assert.match(agent.output(), /SIGTERM received: stopping\n[^]*kubelite agent stopped/);
      assert.throws(() => process.kill(agentContainerd, 0), 'the agent\'s containerd has exited');
      assert.deepEqual(leftovers(agentDir, agentNode, { podIPs: [agentPod.ip], podUIDs: [agentPod.uid] }), []);
      // The first node is untouched.
      assert.equal(cluster.k(['get', 'node', upNode, '--no-headers']).split(/\s+/)[1], 'Ready');
    });

    it('the stopped agent\'s node goes NotReady after the grace period', async () => {
      assert.ok(agent?.child.exitCode !== null, 'the agent stopped');
      const started = Date.now();
      await eventually(() => /^ctrd-agent\s+NotReady\s/m.test(cluster.k(['get', 'nodes', '--no-headers'])), 40_000, 'the agent node NotReady');
      assert.ok(Date.now() - started < 40_000);
      const reason = cluster.k(['get', 'node', agentNode, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].reason}']);
      assert.equal(reason, 'NodeStatusUnknown');
      // Its pod's Ready condition turns False (the node lifecycle controller's doing; as upstream,
      // container statuses, and so kubectl get's READY column, stay as the kubelet last wrote them).
      const podReady = () => cluster.k(['get', 'pod', agentPod.name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
      await eventually(() => podReady() === 'False', 20_000, 'the agent pod not Ready');
    });
  });
}
