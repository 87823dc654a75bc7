// A rolling update at scale (issue 3): a cluster started in this process with simulated nodes
// as `kubelite up --nodes N` runs them (a pod starts and stops about a second after it is told),
// a Deployment of 1,000 replicas created and waited for, then rolled to a new image with the
// default strategy (maxSurge 25%, maxUnavailable 25%). Times the rollout as a user sees it —
// the real `kubectl rollout status` started with the change, until it exits — and as the
// Deployment's status reports it (what rollout status waits for), and until the last old pod
// is gone.
//
//   node --import tsx bench/rollout.ts [--replicas 1000] [--nodes 20] [--no-write]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../src/api/object.js';
import { startCluster, type Cluster } from '../src/cluster/cluster.js';
import { InProcessClient } from '../src/client/in-process.js';
import { R } from '../src/client/resources.js';
import { poll } from '../src/testing/poll.js';
import { runLine, writeDocSection } from './doc-section.js';
import { describeMachine, type MachineDescription } from './machine.js';
import { renderTable } from './report.js';
import { formatMs } from './stats.js';

const serviceCIDR = '198.18.128.0/24';
const name = 'bench-rollout';
const namespace = 'default';

export interface RolloutFigures {
  machine: MachineDescription;
  replicas: number;
  nodes: number;
  /** Create → availableReplicas == replicas. */
  createMs: number;
  /** Image change → the Deployment's status complete (kubectl rollout status's condition). */
  rolloutMs: number;
  /** Image change → `kubectl rollout status` exited (0). */
  kubectlMs: number;
  kubectlExit: number | null;
  /** Image change → no pod of the old template left. */
  oldPodsGoneMs: number;
  /** Most pods at once during the rollout (replicas + surge, plus pods still terminating). */
  maxPods: number;
  /** This process's CPU (control plane and simulated nodes) during the rollout, percent of one core. */
  cpuPercent: number;
  rss: number;
}

function deployment(replicas: number, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image, command: ['sleep', '3600'], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  };
}

interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
}

/** kubectl rollout status's DeploymentStatusViewer: done when every replica is updated and available. */
export function rolloutComplete(d: KubeObject): boolean {
  const s = (d.status ?? {}) as DeploymentStatus;
  const want = (d.spec as { replicas?: number }).replicas ?? 1;
  return (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === (s.updatedReplicas ?? 0) && (s.availableReplicas ?? 0) === (s.updatedReplicas ?? 0);
}


async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 100): Promise<void> {
  await poll(check, { timeoutMs, what, intervalMs: everyMs });
}

export async function measureRollout(opts: { replicas?: number; nodes?: number; kubectl?: string; log?: (m: string) => void } = {}): Promise<RolloutFigures> {
  const replicas = opts.replicas ?? 1000;
  // 110 pods a node: room for the replicas and the surge with a margin.
  const nodes = opts.nodes ?? Math.max(2, Math.ceil((replicas * 1.5) / 110));
  const log = opts.log ?? (() => {});
  const machine = describeMachine(opts.kubectl ?? '/usr/bin/kubectl');
  const dataDir = mkdtempSync('/tmp/bench-rollout-');
  let cluster: Cluster | undefined;
  const stop = new AbortController();
  try {
    cluster = await startCluster({ dataDir, port: 0, runtime: 'simulated', nodes, serviceCIDR, localStorageDir: false, log: () => {} });
    const client = new InProcessClient(cluster.server.registry, { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] }, 'bench');
    await until(async () => {
      const ready = (await client.list(R.nodes, '')).items.filter((n) => ((n.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
      return ready.length === nodes && !!(await client.get(R.serviceaccounts, namespace, 'default'));
    }, 60_000, `${nodes} Ready nodes`);

    // Pods by template hash, from a watch: when the old ones are all gone, and the most at once.
    const pods = new Map<string, string>();
    let maxPods = 0;
    const rv = (await client.list(R.pods, namespace)).resourceVersion;
    void (async () => {
      for await (const ev of client.watch(R.pods, namespace, { resourceVersion: rv, labelSelector: `app=${name}`, signal: stop.signal })) {
        if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') continue;
        if (ev.type === 'DELETED') pods.delete(ev.object.metadata.name!);
        else pods.set(ev.object.metadata.name!, ev.object.metadata.labels?.['pod-template-hash'] ?? '');
        maxPods = Math.max(maxPods, pods.size);
      }
    })().catch(() => {});

    log(`${nodes} nodes ready; creating ${replicas} replicas`);
    let t = performance.now();
    await client.create(R.deployments, namespace, deployment(replicas, 'busybox:1.36'));
    await until(async () => ((await client.get(R.deployments, namespace, name))!.status as DeploymentStatus | undefined)?.availableReplicas === replicas, 600_000, `${replicas} available replicas`, 250);
    const createMs = performance.now() - t;
    log(`${replicas} replicas available after ${formatMs(createMs)}; rolling to a new image`);
    await until(() => pods.size === replicas, 60_000, 'the watch to see every pod');
    const oldHash = [...pods.values()][0];
    maxPods = pods.size;

    const kubeconfig = cluster.kubeconfigPath;
    const cpu0 = process.cpuUsage();
    t = performance.now();
    await client.patch(R.deployments, namespace, name, 'strategic', { spec: { template: { spec: { containers: [{ name: 'app', image: 'busybox:1.37' }] } } } });
    // Started with the change, as a user types it right after `kubectl set image`.
    const kubectl = new Promise<{ ms: number; code: number | null }>((resolve) => {
      const child = spawn(opts.kubectl ?? '/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dataDir, 'kubectl-cache'), 'rollout', 'status', `deployment/${name}`, '--timeout=10m'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => {
        if (code !== 0) log(`kubectl rollout status exited ${code}: ${err.slice(-500)}`);
        resolve({ ms: performance.now() - t, code });
      });
    });
    await until(async () => rolloutComplete((await client.get(R.deployments, namespace, name))!), 600_000, 'the rollout', 50);
    const rolloutMs = performance.now() - t;
    await until(() => ![...pods.values()].includes(oldHash), 600_000, 'the old pods to go', 50);
    const oldPodsGoneMs = performance.now() - t;
    const k = await kubectl;
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - t;
    log(`rollout complete after ${formatMs(rolloutMs)}, kubectl after ${formatMs(k.ms)}, old pods gone after ${formatMs(oldPodsGoneMs)}`);
    return {
      machine,
      replicas,
      nodes,
      createMs,
      rolloutMs,
      kubectlMs: k.ms,
      kubectlExit: k.code,
      oldPodsGoneMs,
      maxPods,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
      rss: process.memoryUsage().rss,
    };
  } finally {
    stop.abort();
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function renderRollout(r: RolloutFigures): string {
  const s = (v: number) => `${(v / 1000).toFixed(1)} s`;
  return [
    `### Rolling update of a ${r.replicas.toLocaleString('en-US')}-replica Deployment on simulated nodes`,
    '',
    `Run: ${runLine(r.machine)}.`,
    '',
    renderTable(
      ['what', 'target', 'measured', 'result'],
      [
        [`\`kubectl rollout status\` after changing the image (${r.replicas.toLocaleString('en-US')} replicas, ${r.nodes} nodes)`, 'none set (issue 3 asks for the time)', `${s(r.kubectlMs)} (exit ${r.kubectlExit})`, r.kubectlExit === 0 ? 'completed' : 'FAIL'],
        ['the Deployment\'s status complete (what rollout status waits for)', '', s(r.rolloutMs), ''],
        ['the last old pod gone', '', s(r.oldPodsGoneMs), ''],
        [`creating the Deployment until ${r.replicas.toLocaleString('en-US')} replicas are available`, '', s(r.createMs), ''],
        ['most pods at once during the rollout', '', r.maxPods.toLocaleString('en-US'), ''],
        ['process CPU during the rollout (API server, controllers, scheduler, simulated nodes)', '', `${r.cpuPercent.toFixed(0)}% of one core`, ''],
        ['process RSS at the end', '', `${Math.round(r.rss / 1048576)} MiB`, ''],
      ],
      'markdown',
    ),
    '',
    `The cluster runs in the benchmark's process (\`startCluster\`, simulated nodes with \`kubelite up\`'s timings: a pod is Running and Ready about 1 s after it is bound and gone about 1 s after it is deleted); the Deployment uses the default RollingUpdate strategy (maxSurge 25%, maxUnavailable 25%) and is changed with a strategic merge patch of the image, with the real \`kubectl rollout status\` started at the same moment. With pods that take 1 s to become available, the strategy's four rounds of 250 new replicas set a floor of about 4 s; the rest is the controllers, scheduler, store and watch.`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { replicas: { type: 'string' }, nodes: { type: 'string' }, 'no-write': { type: 'boolean', default: false } } });
  const figures = await measureRollout({
    replicas: values.replicas ? Number(values.replicas) : undefined,
    nodes: values.nodes ? Number(values.nodes) : undefined,
    log: (m) => process.stderr.write(`[rollout ${new Date().toISOString().slice(11, 19)}] ${m}\n`),
  });
  const text = renderRollout(figures);
  console.log(text);
  if (!values['no-write'] && !values.replicas) {
    writeDocSection('rollout', text);
    process.stderr.write('wrote docs/benchmarks.md\n');
  }
  process.exit(0);
}
