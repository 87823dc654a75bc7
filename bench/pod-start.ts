// Pod start latency on a real node (issue 4): a cluster started in this process with one real
// node (containerd, or host processes), 100 pods (`sleep 3600`, busybox, IfNotPresent) created
// all at once and, separately, 10 and 5 a second; for each pod the time from sending its create to a
// watch seeing it Running, split at the moment the watch first sees it bound. With 100 pods
// running, the process's CPU (process.cpuUsage over 10 s) and RSS: the API server, controllers,
// scheduler and kubelet share this process, so that is the whole control plane plus the node.
//
//   node --import tsx bench/pod-start.ts [--runtime process|containerd|both] [--pods 100]
//                                        [--rate 10,5] [--sample-ms 10000] [--no-write]
//
// Kubernetes' pod startup SLO (sig-scalability) is 5 s at p99 for stateless pods with images
// present, measured from creation to Running as observed through a watch, as here.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../src/api/object.js';
import { startCluster, type Cluster } from '../src/cluster/cluster.js';
import { InProcessClient } from '../src/client/in-process.js';
import { R } from '../src/client/resources.js';
import type { NodeRuntimeKind } from '../src/cluster/node.js';
import type { CriRuntime } from '../src/kubelet/runtime/cri/cri-runtime.js';
import { importImageArchive } from '../src/kubelet/runtime/cri/containerd.js';
import { ensureTestImages, whyNoContainers } from '../src/kubelet/runtime/cri/testing.js';
import { runLine, writeDocSection } from './doc-section.js';
import { describeMachine, type MachineDescription } from './machine.js';
import { renderTable } from './report.js';
import { formatMs, summarize, type LatencySummary } from './stats.js';

/** Inside what the task set aside for this benchmark: 198.19.128.0/20 for pods, 198.18.128.0/24 for services. */
const clusterCIDR = '198.19.128.0/20';
const serviceCIDR = '198.18.128.0/24';
const nodeName = 'bench-pod-start';
const namespace = 'default';
const image = 'docker.io/library/busybox:latest';

export const targets: Record<NodeRuntimeKind, number> = { containerd: 1000, process: 150 };

export interface StartPhase {
  runtime: NodeRuntimeKind;
  /** "all at once" or "10/s". */
  pace: string;
  pods: number;
  /** Create sent → Running seen. */
  latency: LatencySummary;
  /** Create sent → bound (spec.nodeName) seen: the API server and scheduler's share. */
  toBound: LatencySummary;
  /** Bound seen → Running seen: the kubelet's share (sandbox, container, status write). */
  boundToRunning: LatencySummary;
  /** First create sent → last pod Running. */
  wallMs: number;
}

export interface RunningFootprint {
  runtime: NodeRuntimeKind;
  pods: number;
  /** Percent of one core over the sample, this process (API server + controllers + scheduler + kubelet). */
  cpuPercentIdle: number;
  cpuPercent: number;
  rssIdle: number;
  rss: number;
  /** containerd and its shims (or the process runtime's pod processes): processes that name the node's data directory. */
  runtimeProcesses?: { count: number; rss: number; cpuPercent: number };
  sampleMs: number;
}

export interface PodStartResults {
  machine: MachineDescription;
  phases: StartPhase[];
  footprints: RunningFootprint[];
  skipped: { runtime: NodeRuntimeKind; reason: string }[];
}

function podObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'bench-pod-start' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'sleep', image, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
    },
  };
}

/** Follows pods from a watch: when each was first seen bound and first seen Running. */
class PodTimeline {
  readonly bound = new Map<string, number>();
  readonly running = new Map<string, number>();
  readonly gone = new Set<string>();
  private waiters: (() => void)[] = [];

  constructor(client: InProcessClient, resourceVersion: string, signal: AbortSignal) {
    void (async () => {
      for await (const ev of client.watch(R.pods, namespace, { resourceVersion, labelSelector: 'app=bench-pod-start', signal })) {
        if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') continue;
        const now = performance.now();
        const name = ev.object.metadata.name!;
        if (ev.type === 'DELETED') this.gone.add(name);
        else {
          if ((ev.object.spec as { nodeName?: string }).nodeName && !this.bound.has(name)) this.bound.set(name, now);
          if ((ev.object.status as { phase?: string } | undefined)?.phase === 'Running' && !this.running.has(name)) this.running.set(name, now);
        }
        for (const w of this.waiters.splice(0)) w();
      }
    })().catch(() => {});
  }

  async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 1000));
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The node's runtime processes: this process's descendants (the process runtime's containers,
 * containerd) and processes whose command line names `marker` (containerd's shims, which name
 * its state directory and are not our children).
 */
function runtimeProcesses(marker: string): number[] {
  const parent = new Map<number, number>();
  const naming = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (pid !== process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) naming.add(pid);
    } catch {
      // exited meanwhile
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid || naming.has(p)) return true;
    return false;
  };
  return [...parent.keys()].filter((pid) => pid !== process.pid && (naming.has(pid) || ours(pid)));
}

const clockTicks = 100;
const pageSize = 4096;

/** CPU (ms, user + system) and RSS (bytes) of processes, from /proc. */
function procUsage(pids: number[]): { cpuMs: number; rss: number } {
  let cpuMs = 0;
  let rss = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpuMs += ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
      rss += Number(fields[21]) * pageSize;
    } catch {
      // exited meanwhile
    }
  }
  return { cpuMs, rss };
}

/** This process's CPU over `ms` as percent of one core, and that of the runtime's processes. */
async function sampleCpu(ms: number, runtimeMarker: string): Promise<{ self: number; runtime: { count: number; rss: number; cpuPercent: number } }> {
  const pids = runtimeProcesses(runtimeMarker);
  const before = process.cpuUsage();
  const rtBefore = procUsage(pids);
  const t = performance.now();
  await sleep(ms);
  const used = process.cpuUsage(before);
  const wall = performance.now() - t;
  const rtAfter = procUsage(pids);
  return {
    self: ((used.user + used.system) / 1000 / wall) * 100,
    runtime: { count: pids.length, rss: rtAfter.rss, cpuPercent: ((rtAfter.cpuMs - rtBefore.cpuMs) / wall) * 100 },
  };
}

export interface PodStartOptions {
  pods?: number;
  /** Creates per second, one paced phase each. */
  rates?: number[];
  sampleMs?: number;
  log?: (m: string) => void;
}

async function measureRuntime(runtime: NodeRuntimeKind, o: Required<PodStartOptions>, out: PodStartResults): Promise<void> {
  const dataDir = mkdtempSync(`/tmp/bench-pod-start-${runtime}-`);
  const clusterLog: string[] = [];
  let cluster: Cluster | undefined;
  const stop = new AbortController();
  try {
    cluster = await startCluster({
      dataDir,
      port: 0,
      runtime,
      nodes: 1,
      nodeName,
      clusterCIDR,
      serviceCIDR,
      localStorageDir: false,
      log: (m) => clusterLog.push(m),
    });
    const node = cluster.node!;
    await node.running.kubelet.ready;
    const admin = new InProcessClient(cluster.server.registry, { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] }, 'bench');
    if (runtime === 'containerd') {
      const images = await ensureTestImages();
      const socket = (node.running.kubelet.runtime as CriRuntime).containerd!.socket;
      await importImageArchive({ socket, file: images.busyboxTar, baseName: 'docker.io/library/busybox' });
    }
    for (let i = 0; !(await admin.get(R.serviceaccounts, namespace, 'default')); i++) {
      if (i > 200) throw new Error('the default ServiceAccount never appeared');
      await sleep(50);
    }
    o.log(`${runtime}: node ${node.name} ready`);
    const idle = await sampleCpu(o.sampleMs, dataDir);
    const rssIdle = process.memoryUsage().rss;

    const rv = (await admin.list(R.pods, namespace)).resourceVersion;
    const timeline = new PodTimeline(admin, rv, stop.signal);
    const phase = async (pace: string, prefix: string, gapMs: number): Promise<StartPhase> => {
      const sent = new Map<string, number>();
      const names = Array.from({ length: o.pods }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
      const first = performance.now();
      const creates: Promise<unknown>[] = [];
      for (let i = 0; i < names.length; i++) {
        if (gapMs > 0) {
          const due = first + i * gapMs;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
        }
        sent.set(names[i], performance.now());
        creates.push(admin.create(R.pods, namespace, podObject(names[i])));
      }
      await Promise.all(creates);
      await timeline.until(() => names.every((n) => timeline.running.has(n)), 120_000, `${o.pods} pods Running (${pace})`);
      const last = Math.max(...names.map((n) => timeline.running.get(n)!));
      const phaseFigures: StartPhase = {
        runtime,
        pace,
        pods: o.pods,
        latency: summarize(names.map((n) => timeline.running.get(n)! - sent.get(n)!)),
        toBound: summarize(names.map((n) => timeline.bound.get(n)! - sent.get(n)!)),
        boundToRunning: summarize(names.map((n) => timeline.running.get(n)! - timeline.bound.get(n)!)),
        wallMs: last - first,
      };
      o.log(`${runtime}, ${pace}: p50 ${formatMs(phaseFigures.latency.p50)}, p99 ${formatMs(phaseFigures.latency.p99)}, max ${formatMs(phaseFigures.latency.max)}`);
      return phaseFigures;
    };
    const removeAll = async (names: string[]) => {
      await Promise.all(names.map((n) => admin.delete(R.pods, namespace, n, { gracePeriodSeconds: 1 })));
      // The kubelet deletes the object once the containers are gone; it removes the sandboxes
      // (network teardown, shims) after that: the next phase starts on an empty node.
      await timeline.until(() => names.every((n) => timeline.gone.has(n)), 120_000, `${names.length} pods deleted`);
      const rt = node.running.kubelet.runtime;
      for (let i = 0; (await rt.listPodSandboxes()).length > 0; i++) {
        if (i > 600) throw new Error('the pod sandboxes were never removed');
        await sleep(100);
      }
    };
    const namesOf = (prefix: string) => Array.from({ length: o.pods }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

    out.phases.push(await phase('all at once', 'burst', 0));
    await sleep(1000);
    const loaded = await sampleCpu(o.sampleMs, dataDir);
    out.footprints.push({
      runtime,
      pods: o.pods,
      cpuPercentIdle: idle.self,
      cpuPercent: loaded.self,
      rssIdle,
      rss: process.memoryUsage().rss,
      runtimeProcesses: loaded.runtime.count ? loaded.runtime : undefined,
      sampleMs: o.sampleMs,
    });
    await removeAll(namesOf('burst'));
    for (const rate of o.rates) {
      out.phases.push(await phase(`${rate}/s`, `paced${rate}`, 1000 / rate));
      await removeAll(namesOf(`paced${rate}`));
    }
  } catch (e) {
    process.stderr.write(`cluster log (last lines):\n${clusterLog.slice(-30).join('\n')}\n`);
    throw e;
  } finally {
    stop.abort();
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function measurePodStart(runtimes: NodeRuntimeKind[], opts: PodStartOptions = {}): Promise<PodStartResults> {
  const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as PodStartOptions;
  const o = { pods: 100, rates: [10, 5], sampleMs: 10_000, log: () => {}, ...given } satisfies Required<PodStartOptions>;
  const out: PodStartResults = { machine: describeMachine(process.env.KUBECTL ?? '/usr/bin/kubectl'), phases: [], footprints: [], skipped: [] };
  for (const runtime of runtimes) {
    if (runtime === 'containerd') {
      const why = await whyNoContainers();
      if (why) {
        out.skipped.push({ runtime, reason: why });
        o.log(`containerd skipped: ${why}`);
        continue;
      }
    }
    await measureRuntime(runtime, o, out);
  }
  return out;
}

const mib = (b: number) => `${Math.round(b / 1048576)} MiB`;
const pct = (p: number) => `${p.toFixed(1)}%`;

export function renderPodStart(r: PodStartResults): string {
  const ms = formatMs;
  const rows = r.phases.map((p) => {
    const target = targets[p.runtime];
    return [p.runtime, p.pace, String(p.pods), `p99 < ${ms(target)}`, ms(p.latency.p50), ms(p.latency.p99), ms(p.latency.max), `${ms(p.toBound.p50)} / ${ms(p.toBound.p99)}`, `${ms(p.boundToRunning.p50)} / ${ms(p.boundToRunning.p99)}`, ms(p.wallMs), p.latency.p99 < target ? 'PASS' : 'FAIL'];
  });
  for (const s of r.skipped) rows.push([s.runtime, '–', '–', `p99 < ${ms(targets[s.runtime])}`, '–', '–', '–', '–', '–', '–', `skipped: ${s.reason}`]);
  const foot = r.footprints.map((f) => [
    f.runtime,
    `${pct(f.cpuPercentIdle)} → ${pct(f.cpuPercent)}`,
    `${mib(f.rssIdle)} → ${mib(f.rss)}`,
    f.runtimeProcesses ? `${f.runtimeProcesses.count} processes, ${mib(f.runtimeProcesses.rss)}, ${pct(f.runtimeProcesses.cpuPercent)} CPU` : '–',
  ]);
  return [
    `### Pod start latency on a real node: create → Running seen through a watch`,
    '',
    `Run: ${runLine(r.machine)}.`,
    '',
    renderTable(['runtime', 'pace', 'pods', 'target', 'p50', 'p99', 'max', 'to bound p50 / p99', 'bound → Running p50 / p99', 'last Running after first create', 'result'], rows, 'markdown'),
    '',
    'One node, started in the benchmark\'s process by `startCluster` (API server, controllers, scheduler and kubelet together); pods `busybox` `sleep 3600`, `imagePullPolicy: IfNotPresent`, the image imported beforehand. Latency is from sending the create (in-process client) to a watch seeing `status.phase: Running`; "to bound" is to the watch seeing `spec.nodeName`, the rest is the kubelet (sandbox, network, container, status write). Each phase starts on an empty node: the previous phase\'s pods deleted and their sandboxes removed. A pace above what the runtime sustains (see "last Running after first create") queues pods, and their latency grows with the queue. Kubernetes\' SLO is p99 ≤ 5 s.',
    '',
    `#### With ${r.footprints[0]?.pods ?? 100} pods running`,
    '',
    renderTable(['runtime', 'CPU, empty node → 100 pods (of one core)', 'RSS, empty node → 100 pods', 'runtime processes with 100 pods'], foot, 'markdown'),
    '',
    `CPU is \`process.cpuUsage()\` over ${((r.footprints[0]?.sampleMs ?? 10_000) / 1000).toFixed(0)} s of this process (control plane and kubelet share it); RSS is \`process.memoryUsage().rss\`. "Runtime processes" are those whose command line names the node's data directory: containerd and one shim per pod sandbox, or the process runtime's supervisors and containers, with their summed RSS and CPU over the same seconds.`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { runtime: { type: 'string', default: 'both' }, pods: { type: 'string' }, rate: { type: 'string' }, 'sample-ms': { type: 'string' }, 'no-write': { type: 'boolean', default: false } } });
  const runtimes: NodeRuntimeKind[] = values.runtime === 'both' ? ['process', 'containerd'] : [values.runtime as NodeRuntimeKind];
  const results = await measurePodStart(runtimes, {
    pods: values.pods ? Number(values.pods) : undefined,
    rates: values.rate ? values.rate.split(',').map(Number) : undefined,
    sampleMs: values['sample-ms'] ? Number(values['sample-ms']) : undefined,
    log: (m) => process.stderr.write(`[pod-start ${new Date().toISOString().slice(11, 19)}] ${m}\n`),
  });
  const text = renderPodStart(results);
  console.log(text);
  if (!values['no-write'] && values.runtime === 'both' && !values.pods && !values.rate) {
    writeDocSection('pod-start', text);
    process.stderr.write('wrote docs/benchmarks.md\n');
  }
  process.exit(0);
}
