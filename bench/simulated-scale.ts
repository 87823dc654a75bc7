// Scale check of simulated nodes (not a test): one process runs the API server, the controller
// manager, the node lifecycle, taint eviction and pod GC controllers and a NodeSimulator with
// 5,000 nodes; 100,000 pods (the benchmark's 3 KB pod, bound round-robin) are created through
// the in-process client and run. Reports the time for each phase, RSS and heap, the steady
// cost of 5,000 leases, and how long the real `kubectl get pods -A` and `get nodes` take.
//
//   node --expose-gc --import tsx bench/simulated-scale.ts [--nodes 5000] [--pods 100000] [--small]
//
// --small creates a minimal pod (one nginx container) instead of the benchmark's 3 KB pod.

import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { startCluster } from '../src/cluster/cluster.js';
import { renderKubeconfig } from '../src/cluster/kubeconfig.js';
import { InProcessClient } from '../src/client/in-process.js';
import { InformerFactory } from '../src/client/informer.js';
import { R } from '../src/client/resources.js';
import { realClock } from '../src/machinery/clock.js';
import { ClientEventRecorder } from '../src/controllers/events.js';
import type { ControllerContext } from '../src/controllers/controller.js';
import { NodeLifecycleController } from '../src/controllers/node-lifecycle.js';
import { TaintEvictionController } from '../src/controllers/node-lifecycle/taint-eviction.js';
import { PodGCController } from '../src/controllers/podgc.js';
import { NodeSimulator } from '../src/kubelet/runtime/simulated/node-simulator.js';
import { fastTimings } from '../src/kubelet/runtime/simulated/stages.js';
import { benchPod } from './pod-fixture.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const nodeCount = arg('nodes', 5000);
const podCount = arg('pods', 100_000);
const small = process.argv.includes('--small');

function smallPod(name: string) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'scale' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } };
}
const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function memory(label: string): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  console.log(`${label}: rss ${mb(m.rss)}, heap used ${mb(m.heapUsed)}, external ${mb(m.external)}`);
  return { rss: m.rss, heap: m.heapUsed };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelite-scale-'));
  const log = (m: string) => {
    if (!/conflict|modified/i.test(m)) console.error(m);
  };
  const t0 = performance.now();
  const cluster = await startCluster({ dataDir, port: 0, log, serviceCIDR: '198.18.0.0/24' });
  console.log(`cluster up in ${secs(performance.now() - t0)}; ${nodeCount} nodes, ${podCount} ${small ? 'minimal' : '3 KB'} pods`);
  memory('empty cluster');

  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const admin = { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] };
  const controllerClient = new InProcessClient(cluster.server.registry, admin, 'kube-controller-manager');
  const informers = new InformerFactory(controllerClient, log);
  const ctx: ControllerContext = { client: controllerClient, informers, clock: realClock, recorder: new ClientEventRecorder(controllerClient, 'kube-controller-manager', realClock, log), log };
  const controllers = [new NodeLifecycleController(ctx), new TaintEvictionController(ctx), new PodGCController(ctx)];
  const controllersDone = Promise.all(controllers.map((c) => c.start(stop.signal)));
  informers.start(stop.signal);

  // Beyond 512 nodes the simulator takes pod addresses from 240.0.0.0/4 (class E, never routed).
  const sim = new NodeSimulator({
    client: new InProcessClient(cluster.server.registry, admin, 'kubelet'),
    clock: realClock,
    log,
    nodes: nodeCount,
    timings: fastTimings,
    events: false,
    podWorkers: 64,
  });
  const t1 = performance.now();
  const simDone = sim.start(stop.signal);
  await sim.ready;
  console.log(`${nodeCount} nodes registered (Node + Lease each) in ${secs(performance.now() - t1)}`);
  memory('nodes registered');

  // Count pods by phase from a watch of our own.
  const watchClient = new InProcessClient(cluster.server.registry, admin, 'bench');
  const watchInformers = new InformerFactory(watchClient, log);
  const pods = watchInformers.informerFor(R.pods);
  const phases = new Map<string, string>();
  const count = (phase: string) => [...phases.values()].filter((p) => p === phase).length;
  pods.addEventHandler({
    onAdd: (p) => phases.set(p.metadata.name!, (p.status as { phase: string }).phase),
    onUpdate: (_o, p) => phases.set(p.metadata.name!, (p.status as { phase: string }).phase),
    onDelete: (p) => phases.delete(p.metadata.name!),
  });
  watchInformers.start(stop.signal);
  await watchInformers.waitForSync();

  const creator = new InProcessClient(cluster.server.registry, admin, 'bench');
  await creator.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }).catch(() => {});
  const names = sim.nodeNames();
  const t2 = performance.now();
  let next = 0;
  const createWorker = async () => {
    for (let i = next++; i < podCount; i = next++) {
      const pod = small ? smallPod(`scale-${i}`) : benchPod(`scale-${i}`);
      (pod.spec as { nodeName: string }).nodeName = names[i % names.length];
      await creator.create(R.pods, 'default', pod);
    }
  };
  await Promise.all(Array.from({ length: 64 }, createWorker));
  const created = performance.now();
  console.log(`${podCount} pods created in ${secs(created - t2)} (${Math.round(podCount / ((created - t2) / 1000))}/s)`);
  for (;;) {
    const runningNow = count('Running');
    if (runningNow >= podCount) break;
    await new Promise((r) => setTimeout(r, 1000));
    process.stdout.write(`\r  running ${runningNow}/${podCount} ${JSON.stringify(sim.stats())}   `);
  }
  console.log(`\nall ${podCount} pods Running ${secs(performance.now() - created)} after the last create (${secs(performance.now() - t2)} from the first)`);
  const sample = await creator.get(R.pods, 'default', 'scale-0');
  console.log(`one running pod is ${JSON.stringify(sample).length} bytes of JSON`);
  const loaded = memory('all pods running');
  // For finding what holds the heap: KUBELITE_SCALE_HEAP_SNAPSHOT=FILE writes a heap snapshot here.
  if (process.env.KUBELITE_SCALE_HEAP_SNAPSHOT) {
    console.log(`heap snapshot: ${writeHeapSnapshot(process.env.KUBELITE_SCALE_HEAP_SNAPSHOT)}`);
  }

  // The steady state: 5,000 leases every 10 s, node status every minute, health checks.
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, 30_000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - w0;
  console.log(`steady state: ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(0)}% of one core over ${secs(wall)} (lease renewals, node status, monitoring)`);
  const steady = memory('after 30 s steady');

  const kubeconfig = join(dataDir, 'bench-kubeconfig.yaml');
  writeFileSync(kubeconfig, renderKubeconfig({ server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken }));
  // Asynchronously: the API server answering kubectl runs in this very process.
  const kubectl = (args: string[]) =>
    new Promise<{ ms: number; lines: number }>((resolve) => {
      const t = performance.now();
      const child = spawn('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dataDir, 'kubectl-cache'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let lines = 0;
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        for (const b of d) if (b === 10) lines++;
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => {
        if (code !== 0) console.log(`kubectl ${args.join(' ')} failed: ${err.slice(0, 500)}`);
        resolve({ ms: performance.now() - t, lines });
      });
    });
  await kubectl(['version']);
  for (const args of [['get', 'nodes'], ['get', 'pods', '-A'], ['get', 'pods', '-A']]) {
    const r = await kubectl(args);
    console.log(`kubectl ${args.join(' ')}: ${secs(r.ms)} (${r.lines} lines)`);
  }
  const after = memory('after kubectl');

  console.log('\nsummary');
  console.log(JSON.stringify({ nodes: nodeCount, pods: podCount, small, rssLoadedMB: Math.round(loaded.rss / 1048576), heapLoadedMB: Math.round(loaded.heap / 1048576), rssSteadyMB: Math.round(steady.rss / 1048576), rssAfterKubectlMB: Math.round(after.rss / 1048576) }));
  stop.abort();
  await Promise.race([Promise.all([controllersDone, simDone]), new Promise((r) => setTimeout(r, 5000))]);
  await cluster.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
