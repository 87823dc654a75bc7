// `kubelite up` as a user runs it, in a child process of its own so the load generator never
// shares its event loop: start it on a free port, time it to its ready line, read its resident
// memory, and stop it.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { nowMs } from './load.js';

export interface KubeliteLaunch {
  /** The node arguments before `up`: the built bin, or tsx and the sources. */
  entry: string[];
  /** The repository root, where `entry` paths resolve. */
  cwd: string;
  dataDir: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

export interface RunningKubelite {
  pid: number;
  dataDir: string;
  kubeconfig: string;
  server: string;
  token: string;
  caPem: string;
  /** From spawning the process to its ready line. */
  readyWallMs: number;
  /** The time the process reports in its ready line (startCluster only). */
  readyReportedMs: number;
  output(): string;
  rssBytes(): number;
  /** CPU time (user + system) the server process has used so far. */
  cpuMs(): number;
  /** SIGTERM, then wait for the process to exit. */
  stop(): Promise<void>;
}

export interface ClusterCredentials {
  server: string;
  token: string;
  caPem: string;
}

/** The API server address, bearer token and CA from the kubeconfig `kubelite up` writes. */
export function credentialsFromKubeconfig(text: string): ClusterCredentials {
  const config = YAML.parse(text) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token?: string } }[];
  };
  const cluster = config.clusters[0].cluster;
  const token = config.users[0].user.token;
  if (!token) throw new Error('kubeconfig has no bearer token');
  return { server: cluster.server, token, caPem: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8') };
}

/** The resident set size in bytes from the text of /proc/PID/status. */
export function parseVmRss(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error('no VmRSS line in process status');
  return Number(m[1]) * 1024;
}

export interface ProcessCpuTicks {
  user: number;
  system: number;
  /** CPU of children the process has waited for. */
  childrenUser: number;
  childrenSystem: number;
}

/** CPU times in clock ticks from the text of /proc/PID/stat (fields 14 to 17). */
export function parseProcStatCpu(stat: string): ProcessCpuTicks {
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(/\s+/);
  const at = (n: number) => Number(fields[n - 3]);
  return { user: at(14), system: at(15), childrenUser: at(16), childrenSystem: at(17) };
}

let ticksPerSecond: number | undefined;
/** The kernel's clock ticks per second (USER_HZ), in which /proc reports CPU time. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** The time a ready line reports: `kubelite is ready (123 ms)`. */
export function parseReadyLine(output: string): number | undefined {
  const m = /kubelite is ready \((\d+) ms\)/.exec(output);
  return m ? Number(m[1]) : undefined;
}

// No node: the figures are the API server's, and a real node (containerd, iptables, a bridge)
// would touch the host for nothing the benchmark measures.
const serverOnly = ['--runtime', 'simulated', '--nodes', '0'];

export async function startKubelite(launch: KubeliteLaunch, timeoutMs = 30_000): Promise<RunningKubelite> {
  const env = { ...process.env };
  // The test runner's flag makes the store deep-freeze every object: not what users run.
  delete env.KUBELITE_TEST;
  const started = nowMs();
  const child: ChildProcess = spawn(
    process.execPath,
    [...(launch.nodeFlags ?? []), ...launch.entry, 'up', '--data-dir', launch.dataDir, '--port', '0', '--host', '127.0.0.1', ...serverOnly],
    { cwd: launch.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let readyAt = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`kubelite did not become ready in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    const onData = (d: Buffer) => {
      output += d.toString();
      if (!readyAt && output.includes('kubelite is ready')) {
        readyAt = nowMs();
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      if (!readyAt) fail(new Error(`kubelite exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  const kubeconfig = join(launch.dataDir, 'kubeconfig.yaml');
  const creds = credentialsFromKubeconfig(readFileSync(kubeconfig, 'utf8'));
  const pid = child.pid!;
  return {
    pid,
    dataDir: launch.dataDir,
    kubeconfig,
    ...creds,
    readyWallMs: readyAt - started,
    readyReportedMs: parseReadyLine(output) ?? NaN,
    output: () => output,
    rssBytes: () => parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8')),
    cpuMs: () => {
      const t = parseProcStatCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      return ((t.user + t.system) * 1000) / clockTicksPerSecond();
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(force);
    },
  };
}
