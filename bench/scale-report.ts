// The two big benchmarks of issue 3 as recorded results: the scheduler's throughput
// (bench/scheduler.ts, 5,000 nodes and 10,000 pending pods) and one process holding 5,000
// simulated nodes and 100,000 pods (bench/simulated-scale.ts, run as a child process with
// --expose-gc: it reports RSS after a full GC and times the real kubectl). Each writes its own
// section of docs/benchmarks.md.
//
//   node --import tsx bench/scale-report.ts scheduler|scale [--no-write]

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runLine, writeDocSection } from './doc-section.js';
import { describeMachine, type MachineDescription } from './machine.js';
import { renderTable } from './report.js';
import { measureScheduler, type SchedulerBenchFigures } from './scheduler.js';

const kubectlPath = process.env.KUBECTL ?? '/usr/bin/kubectl';
export const schedulerTargetPodsPerSecond = 1000;
export const scaleTargetRssBytes = 4 * 1024 ** 3;

export function renderScheduler(f: SchedulerBenchFigures, m: MachineDescription): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    `### Scheduler throughput: ${n(f.nodes)} nodes, ${n(f.pods)} pending pods`,
    '',
    `Run: ${runLine(m)}.`,
    '',
    renderTable(
      ['what', 'target', 'measured', 'result'],
      [
        [`pods bound per second (${n(f.pods)} pods, ${n(f.nodes)} nodes)`, `≥ ${n(schedulerTargetPodsPerSecond)}/s`, `${n(f.podsPerSecond)}/s (${(f.scheduleMs / 1000).toFixed(1)} s)`, f.podsPerSecond >= schedulerTargetPodsPerSecond ? 'PASS' : 'FAIL'],
        ['pods per second of CPU (the rate with a core to itself)', '', `${n(f.podsPerCpuSecond)}/s`, ''],
        ['informer sync before the first cycle', '', `${n(f.syncMs)} ms`, ''],
        ['until every Scheduled event is written, after the last binding', '', `${n(f.eventsDrainMs)} ms`, ''],
        ['pods per node at the end (min – max)', '', `${f.minPodsPerNode} – ${f.maxPodsPerNode}`, ''],
      ],
      'markdown',
    ),
    '',
    `As upstream's scheduler_perf SchedulingBasic/5000Nodes_10000Pods (whose floor is 680 pods/s): nodes of 4 CPU, 32Gi and 110 pods, pods requesting 100m and 500Mi, created before the scheduler starts; timed from its first cycle to the last binding acknowledged, bindings and Scheduled events written through the in-process client (\`bench/scheduler.ts\`). 1-minute load average when the phase started: ${f.loadAverage}.`,
  ].join('\n');
}

export interface ScaleFigures {
  nodes: number;
  pods: number;
  createSeconds: number;
  createRate: number;
  rssRunningMB: number;
  rssSteadyMB: number;
  rssAfterKubectlMB: number;
  heapRunningMB: number;
  steadyCpuPercent: number;
  kubectlGetPodsSeconds: number[];
  kubectlGetPodsLines: number;
  kubectlGetNodesSeconds: number;
}

/** The figures from simulated-scale.ts's output. */
export function parseScaleOutput(out: string): ScaleFigures {
  const summaryLine = out.split('\n').find((l) => l.startsWith('{"nodes"'));
  if (!summaryLine) throw new Error(`simulated-scale printed no summary:\n${out.slice(-2000)}`);
  const summary = JSON.parse(summaryLine) as { nodes: number; pods: number; rssLoadedMB: number; heapLoadedMB: number; rssSteadyMB: number; rssAfterKubectlMB: number };
  const created = /pods created in ([\d.]+) s \((\d+)\/s\)/.exec(out);
  const steady = /steady state: (\d+)% of one core/.exec(out);
  const getPods = [...out.matchAll(/kubectl get pods -A: ([\d.]+) s \((\d+) lines\)/g)];
  const getNodes = /kubectl get nodes: ([\d.]+) s/.exec(out);
  return {
    nodes: summary.nodes,
    pods: summary.pods,
    createSeconds: Number(created?.[1] ?? NaN),
    createRate: Number(created?.[2] ?? NaN),
    rssRunningMB: summary.rssLoadedMB,
    rssSteadyMB: summary.rssSteadyMB,
    rssAfterKubectlMB: summary.rssAfterKubectlMB,
    heapRunningMB: summary.heapLoadedMB,
    steadyCpuPercent: Number(steady?.[1] ?? NaN),
    kubectlGetPodsSeconds: getPods.map((g) => Number(g[1])),
    kubectlGetPodsLines: Number(getPods[0]?.[2] ?? NaN),
    kubectlGetNodesSeconds: Number(getNodes?.[1] ?? NaN),
  };
}

export function renderScale(f: ScaleFigures, m: MachineDescription): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const worstRss = Math.max(f.rssRunningMB, f.rssSteadyMB, f.rssAfterKubectlMB);
  return [
    `### One process with ${n(f.nodes)} simulated nodes and ${n(f.pods)} pods`,
    '',
    `Run: ${runLine(m)}.`,
    '',
    renderTable(
      ['what', 'target', 'measured', 'result'],
      [
        ['RSS, highest of: all pods Running, after 30 s steady, after kubectl', '< 4 GiB', `${n(worstRss)} MiB`, worstRss * 1024 * 1024 < scaleTargetRssBytes ? 'PASS' : 'FAIL'],
        [`\`kubectl get pods -A\` (${n(f.kubectlGetPodsLines)} lines), each run`, '', f.kubectlGetPodsSeconds.map((s) => `${s.toFixed(1)} s`).join(', '), ''],
        ['`kubectl get nodes`', '', `${f.kubectlGetNodesSeconds.toFixed(1)} s`, ''],
        ['RSS / V8 heap used with every pod Running (after a full GC)', '', `${n(f.rssRunningMB)} / ${n(f.heapRunningMB)} MiB`, ''],
        ['RSS after 30 s steady / after the kubectl runs', '', `${n(f.rssSteadyMB)} / ${n(f.rssAfterKubectlMB)} MiB`, ''],
        [`creating the ${n(f.pods)} pods (bound round-robin, 64 at a time)`, '', `${f.createSeconds.toFixed(1)} s (${n(f.createRate)}/s)`, ''],
        ['steady-state CPU (5,000 leases every 10 s, node status, monitoring)', '', `${f.steadyCpuPercent}% of one core`, ''],
      ],
      'markdown',
    ),
    '',
    "`bench/simulated-scale.ts`: the API server, the node lifecycle, taint eviction and pod GC controllers and a NodeSimulator in one process (`node --expose-gc --max-old-space-size=8192`); the benchmark's 3 KB pods with `spec.nodeName` set, created through the in-process client; the real kubectl in another process, against the API server over HTTPS (200 pages, of which 190 wait ~200 ms each in kubectl's own rate limiter, see \"`kubectl get pods` over 10,000 pods: kubectl's own rate limiter\" below). MiB as the script reports them (bytes / 2^20).",
  ].join('\n');
}

/** Runs simulated-scale.ts in its own process (it needs --expose-gc) and collects its output. */
async function runScale(extraArgs: string[]): Promise<string> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', 'bench/simulated-scale.ts', ...extraArgs], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`simulated-scale exited ${code}`))));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'no-write': { type: 'boolean', default: false }, nodes: { type: 'string' }, pods: { type: 'string' } } });
  const which = positionals[0];
  const custom = values.nodes !== undefined || values.pods !== undefined;
  const machine = describeMachine(kubectlPath);
  let id: string;
  let text: string;
  if (which === 'scheduler') {
    const figures = await measureScheduler({
      nodes: values.nodes ? Number(values.nodes) : undefined,
      pods: values.pods ? Number(values.pods) : undefined,
      log: (m) => process.stderr.write(`[scheduler bench] ${m}\n`),
    });
    id = 'scheduler';
    text = renderScheduler(figures, machine);
  } else if (which === 'scale') {
    const args = [...(values.nodes ? ['--nodes', values.nodes] : []), ...(values.pods ? ['--pods', values.pods] : [])];
    id = 'scale';
    text = renderScale(parseScaleOutput(await runScale(args)), machine);
  } else {
    process.stderr.write('usage: scale-report.ts scheduler|scale [--nodes N] [--pods N] [--no-write]\n');
    process.exit(2);
  }
  console.log(text);
  // Only the full-size run is the one to publish.
  if (!values['no-write'] && !custom) {
    writeDocSection(id, text);
    process.stderr.write('wrote docs/benchmarks.md\n');
  }
  process.exit(0);
}
