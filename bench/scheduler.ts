// The scheduler's throughput, as upstream's scheduler_perf "SchedulingBasic/5000Nodes_10000Pods"
// measures it (floor there: 680 pods/s): 5,000 nodes (4 cpu, 32Gi, 110 pods each, Ready) and
// 10,000 pending pods (pause, 100m cpu / 500Mi) in the in-process control plane, then the
// scheduler started and timed until every pod is bound. Bindings go through the in-process
// client (the registry's binding path, Scheduled events included), as the control plane's own
// scheduler does; nodes and pods are created through the same client beforehand.
//
//   node --import tsx bench/scheduler.ts [--nodes 5000] [--pods 10000] [--percentage 0]
//                                        [--bindings N] [--no-bind]

import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../src/api/object.js';
import type { InProcessClient } from '../src/client/in-process.js';
import { R } from '../src/client/resources.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { schedulingPlugins } from '../src/scheduler/plugins/registry.js';
import { startTestControlPlane } from '../src/testing/control-plane.js';

export interface SchedulerBenchFigures {
  nodes: number;
  pods: number;
  /** Informer list and sync of the nodes and pending pods, before the first cycle. */
  syncMs: number;
  /** From the first cycle to the last binding acknowledged. */
  scheduleMs: number;
  podsPerSecond: number;
  /** This process's CPU time (user + system) from the first cycle to the last binding. */
  cpuMs: number;
  /** Pods per second of CPU: what the rate would be with a core to itself (steadier than the rate on a busy machine). */
  podsPerCpuSecond: number;
  /** The 1-minute load average when the phase started. */
  loadAverage: number;
  /** After the last binding, until every Scheduled event is written. */
  eventsDrainMs: number;
  /** Scheduling cycles run (one per pod when all fit). */
  attempts: number;
  /** Pods per node at the end: spreading check. */
  maxPodsPerNode: number;
  minPodsPerNode: number;
}

function node(i: number): KubeObject {
  const name = `scheduler-perf-${String(i).padStart(5, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: {
      capacity: { pods: '110', cpu: '4', memory: '32Gi' },
      allocatable: { pods: '110', cpu: '4', memory: '32Gi' },
      conditions: [{ type: 'Ready', status: 'True' }],
      phase: 'Running',
    },
  };
}

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${String(i).padStart(6, '0')}`, namespace: 'default' },
    spec: {
      containers: [
        {
          name: 'pause',
          image: 'registry.k8s.io/pause:3.10',
          ports: [{ containerPort: 80 }],
          resources: { limits: { cpu: '100m', memory: '500Mi' }, requests: { cpu: '100m', memory: '500Mi' } },
        },
      ],
    },
  };
}

/** Runs `fn` over 0..n-1 with `width` writes in flight (they share the store's group commits). */
async function inBatches(n: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

async function createNodes(client: InProcessClient, n: number): Promise<void> {
  await inBatches(n, 64, async (i) => {
    const created = await client.create(R.nodes, '', node(i));
    // TaintNodesByCondition taints new nodes not-ready; the node lifecycle controller lifts it
    // once Ready. Without that controller here, lift it directly.
    if ((created.spec as { taints?: unknown[] } | undefined)?.taints?.length) await client.update(R.nodes, '', { ...created, spec: { ...(created.spec as object), taints: [] } });
  });
}

export interface SchedulerBenchOptions {
  nodes?: number;
  pods?: number;
  percentageOfNodesToScore?: number;
  /**
   * False measures the scheduling cycles alone: bindings and events are not written (a binder
   * that answers at once), so the API server's share is left out.
   */
  bind?: boolean;
  /** Bindings in flight before the loop waits (the scheduler's default when unset). */
  maxBindingsInFlight?: number;
  log?: (m: string) => void;
}

export async function measureScheduler(opts: SchedulerBenchOptions = {}): Promise<SchedulerBenchFigures> {
  const nodes = opts.nodes ?? 5000;
  const pods = opts.pods ?? 10_000;
  const log = opts.log ?? (() => {});
  const cp = await startTestControlPlane({ controllers: false });
  const client = cp.inProcessClient('default-scheduler');
  const ac = new AbortController();
  try {
    await client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }).catch(() => {});
    let t = performance.now();
    await createNodes(client, nodes);
    log(`created ${nodes} nodes in ${Math.round(performance.now() - t)} ms`);
    t = performance.now();
    await inBatches(pods, 64, (i) => client.create(R.pods, 'default', pod(i)));
    log(`created ${pods} pods in ${Math.round(performance.now() - t)} ms`);

    let bound = 0;
    let allBound!: () => void;
    const done = new Promise<void>((r) => (allBound = r));
    const noBind = opts.bind === false;
    const scheduler = new Scheduler({
      client,
      leaderElection: false,
      percentageOfNodesToScore: opts.percentageOfNodesToScore,
      maxBindingsInFlight: opts.maxBindingsInFlight,
      log,
      ...(noBind
        ? {
            recorder: { event: () => {} },
            plugins: ({ handle }) => [...schedulingPlugins(handle), { plugin: { name: 'NoopBinder', bind: async () => null } }],
          }
        : {}),
      onBound: () => {
        if (++bound === pods) allBound();
      },
    });
    const started = performance.now();
    const running = scheduler.start(ac.signal);
    await scheduler.ready;
    const synced = performance.now();
    const cpuBefore = process.cpuUsage();
    const loadAverage = loadavg()[0];
    await done;
    const finished = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const inst = scheduler.instance!;
    await inst.flush();
    const drained = performance.now();
    const scheduledEvents = (await client.list(R.events, 'default')).items.filter((e) => e.reason === 'Scheduled').length;
    if (!noBind && scheduledEvents !== pods) log(`${scheduledEvents} Scheduled events for ${pods} pods`);
    const perNode = inst.cache.nodeList().map((n) => n.pods.length);
    ac.abort();
    await running;
    const scheduleMs = finished - synced;
    return {
      nodes,
      pods,
      syncMs: Math.round(synced - started),
      scheduleMs: Math.round(scheduleMs),
      podsPerSecond: Math.round((pods / scheduleMs) * 1000),
      cpuMs: Math.round(cpuMs),
      podsPerCpuSecond: Math.round((pods / cpuMs) * 1000),
      loadAverage: Math.round(loadAverage * 100) / 100,
      eventsDrainMs: Math.round(drained - finished),
      attempts: inst.stats.attempts,
      maxPodsPerNode: Math.max(...perNode),
      minPodsPerNode: Math.min(...perNode),
    };
  } finally {
    ac.abort();
    await cp.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { nodes: { type: 'string' }, pods: { type: 'string' }, percentage: { type: 'string' }, 'no-bind': { type: 'boolean', default: false }, bindings: { type: 'string' } } });
  const figures = await measureScheduler({
    bind: !values['no-bind'],
    maxBindingsInFlight: values.bindings ? Number(values.bindings) : undefined,
    nodes: values.nodes ? Number(values.nodes) : undefined,
    pods: values.pods ? Number(values.pods) : undefined,
    percentageOfNodesToScore: values.percentage ? Number(values.percentage) : undefined,
    log: (m) => process.stderr.write(`[scheduler bench] ${m}\n`),
  });
  console.log(JSON.stringify(figures, null, 2));
}
