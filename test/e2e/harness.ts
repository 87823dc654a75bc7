// End-to-end harness: runs `kubelite up` exactly as a user does (the built bin, a fresh data
// directory, a free port) and the real kubectl against it.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { poll } from '../../src/testing/poll.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const kubectlPath = process.env.KUBECTL ?? '/usr/bin/kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunningCluster {
  dataDir: string;
  kubeconfig: string;
  server: string;
  token: string;
  caPem: string;
  process: ChildProcess;
  output: () => string;
  kubectl(args: string[] | string, opts?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): KubectlResult;
  /** kubectl that must succeed; returns stdout. */
  k(args: string[] | string, opts?: { input?: string; env?: Record<string, string> }): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function splitArgs(args: string[] | string): string[] {
  if (Array.isArray(args)) return args;
  // Simple shell-like split that honours single and double quotes.
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (const c of args) {
    if (quote) {
      if (c === quote) quote = undefined;
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === ' ') {
      if (cur || has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
    }
  }
  if (cur || has) out.push(cur);
  return out;
}

/** Node's arguments that run the kubelite CLI: the built bin, or with KUBELITE_E2E_SOURCE=1 the TypeScript sources (no build) while developing. */
export function kubeliteEntry(): string[] {
  return process.env.KUBELITE_E2E_SOURCE === '1' ? ['--import', 'tsx', join(root, 'src/cmd/main.ts')] : [join(root, 'bin/kubelite.js')];
}

export interface StartOptions {
  args?: string[];
  dataDir?: string;
  env?: Record<string, string>;
}

/** Starts `kubelite up` and waits for its ready line. */
export async function startKubelite(opts: StartOptions = {}): Promise<RunningCluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kubelite-e2e-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  const entry = kubeliteEntry();
  // API-level tests want no nodes (pods stay Pending); workload tests ask for simulated nodes.
  const args = opts.args ?? [];
  const nodes = args.includes('--nodes') || args.includes('--runtime') ? [] : ['--nodes', '0'];
  const child = spawn(process.execPath, [...entry, 'up', '--data-dir', dataDir, '--port', '0', '--service-cidr', '198.18.0.0/24', ...nodes, ...args], {
    cwd: root,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubelite did not become ready:\n${output}`)), 30_000);
    const check = () => {
      if (output.includes('kubelite is ready')) {
        clearTimeout(timer);
        resolvePromise();
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubelite exited with ${code}:\n${output}`));
    });
  });
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  const config = readFileSync(kubeconfig, 'utf8');
  const server = /server: (\S+)/.exec(config)![1];
  const token = /token: (\S+)/.exec(config)![1];
  const caPem = Buffer.from(/certificate-authority-data: (\S+)/.exec(config)![1], 'base64').toString();
  const kubectl = (args: string[] | string, o: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): KubectlResult => {
    const r = spawnSync(kubectlPath, ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...splitArgs(args)], {
      input: o.input,
      env: { ...process.env, ...o.env },
      encoding: 'utf8',
      timeout: o.timeoutMs ?? 60_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  return {
    dataDir,
    kubeconfig,
    server,
    token,
    caPem,
    process: child,
    output: () => output,
    kubectl,
    k(args, o) {
      const r = kubectl(args, o);
      if (r.code !== 0) throw new Error(`kubectl ${Array.isArray(args) ? args.join(' ') : args} failed (${r.code}):\n${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill(signal);
      const code = await exited;
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Polls until fn returns a truthy value (kubectl wait, without sleeping longer than needed). */
export function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  return poll(fn, { timeoutMs, what, intervalMs: 50 });
}

/**
 * `kubectl get … --watch` started before the changes it should see: resolves once kubectl's
 * watch request is open. kubectl watches from the revision of its first list, so every change
 * after this is printed, however slowly kubectl started. `-v=6` makes kubectl log its
 * requests on stderr; stdout carries only the rows.
 */
export async function watchFromNow(argv: string[], timeoutMs = 30_000): Promise<{ child: ChildProcess; rows: () => string }> {
  const child = spawn(kubectlPath, [...argv, '-v=6'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let rows = '';
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (rows += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  try {
    await poll(() => /[?&]watch=true\S* 200 OK/.test(log), { timeoutMs, what: 'kubectl\'s watch to open', intervalMs: 50 });
  } catch (e) {
    child.kill();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return { child, rows: () => rows };
}
