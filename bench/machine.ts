// The machine the figures were measured on, as `lscpu`, `free -g`, `node -v` and
// `kubectl version` describe it, so a reader can tell what the numbers mean.

import { execFileSync } from 'node:child_process';
import { loadavg, release } from 'node:os';

export interface MachineDescription {
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  node: string;
  kubectl: string;
  kernel: string;
  /** The 1-minute load average when the run started: other work on the host skews figures. */
  loadAverage: number;
  date: string;
}

/** Model name and CPU count from `lscpu` output. */
export function parseLscpu(text: string): { cpuModel: string; cpus: number } {
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(text)?.[1].trim();
  return { cpuModel: field('Model name') ?? 'unknown', cpus: Number(field('CPU\\(s\\)') ?? NaN) };
}

/** Total memory in GiB from `free -g` output. */
export function parseFreeTotal(text: string): number {
  const m = /^Mem:\s+(\d+)/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

/** The client version from `kubectl version --client` output. */
export function parseKubectlVersion(text: string): string {
  return /Client Version:\s*(\S+)/.exec(text)?.[1] ?? 'unknown';
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

export function describeMachine(kubectl: string): MachineDescription {
  return {
    ...parseLscpu(run('lscpu', [])),
    memoryGiB: parseFreeTotal(run('free', ['-g'])),
    node: process.version,
    kubectl: parseKubectlVersion(run(kubectl, ['version', '--client'])),
    kernel: release(),
    loadAverage: loadavg()[0],
    date: new Date().toISOString(),
  };
}
