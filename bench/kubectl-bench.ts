// `kubectl get pods` timed as a user runs it: the real kubectl binary, a kubeconfig, a
// discovery cache of its own, the wall time from exec to exit — and how that time splits
// between kubectl's own CPU and the server's.

import { spawn } from 'node:child_process';
import { clockTicksPerSecond, parseProcStatCpu } from './kubelite-process.js';
import { nowMs } from './load.js';
import { median } from './stats.js';

export interface KubectlFigures {
  args: string[];
  /** The first run, which also fills kubectl's discovery cache. */
  firstMs: number;
  runsMs: number[];
  medianMs: number;
  /** kubectl's own CPU (user + system), median over the runs. */
  kubectlCpuMs: number;
  /** The server's CPU during a run, median over the runs. */
  serverCpuMs: number;
  /** Lines and bytes of the last run's output, to show the work was done. */
  outputLines: number;
  outputBytes: number;
}

interface KubectlRun {
  ms: number;
  cpuMs: number;
  stdout: string;
}

// A shell runs kubectl and then prints its own /proc stat, whose children-CPU fields are
// then kubectl's CPU: node cannot read a child's rusage itself.
const timedShell = '"$0" "$@"; status=$?; cat /proc/$$/stat >&2; exit $status';

function runKubectl(kubectl: string, kubeconfig: string, cacheDir: string, args: string[]): Promise<KubectlRun> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn('/bin/sh', ['-c', timedShell, kubectl, '--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = nowMs() - t0;
      const lines = err.trimEnd().split('\n');
      const stat = lines.pop() ?? '';
      if (code !== 0) {
        reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${lines.join('\n').slice(0, 500)}`));
        return;
      }
      const ticks = parseProcStatCpu(stat);
      resolve({ ms, cpuMs: ((ticks.childrenUser + ticks.childrenSystem) * 1000) / clockTicksPerSecond(), stdout: Buffer.concat(out).toString('utf8') });
    });
  });
}

/** Runs kubectl once to warm up, then `runs` more times; medians are of the later runs. */
export async function timeKubectl(opts: {
  kubectl: string;
  kubeconfig: string;
  cacheDir: string;
  args: string[];
  runs: number;
  serverCpu: () => number;
}): Promise<KubectlFigures> {
  const first = await runKubectl(opts.kubectl, opts.kubeconfig, opts.cacheDir, opts.args);
  const runsMs: number[] = [];
  const kubectlCpu: number[] = [];
  const serverCpu: number[] = [];
  let last = first;
  for (let i = 0; i < opts.runs; i++) {
    const cpuBefore = opts.serverCpu();
    last = await runKubectl(opts.kubectl, opts.kubeconfig, opts.cacheDir, opts.args);
    serverCpu.push(opts.serverCpu() - cpuBefore);
    runsMs.push(last.ms);
    kubectlCpu.push(last.cpuMs);
  }
  return {
    args: opts.args,
    firstMs: first.ms,
    runsMs,
    medianMs: median(runsMs),
    kubectlCpuMs: median(kubectlCpu),
    serverCpuMs: median(serverCpu),
    outputLines: last.stdout.split('\n').filter(Boolean).length,
    outputBytes: Buffer.byteLength(last.stdout),
  };
}
