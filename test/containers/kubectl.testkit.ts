// What the real-runtime suites (seed-pods.case.ts, pod-features.case.ts) share: kubectl run
// asynchronously (their tests run side by side, so nothing may block the event loop), pod rows
// as `kubectl get` prints them, polling, and failures explained with `kubectl describe`, the
// pods' logs and kubelite's own log lines.

import { spawn, type ChildProcess } from 'node:child_process';
import { kubectlPath, watchFromNow, type KubectlResult, type RunningCluster } from '../e2e/harness.js';
import { poll } from '../../src/testing/poll.js';

/** The local test image (imported into containerd; the process runtime runs host programs). */
export const image = 'busybox';
export const pullPolicy = 'IfNotPresent';

/** A container command that ends at once on SIGTERM (sh as PID 1 would ignore it). */
export const idle = `trap 'exit 0' TERM; while true; do sleep 1; done`;

/** A pod's row in `kubectl get pods`: READY, STATUS, RESTARTS as printed. */
export interface PodRow {
  ready: string;
  status: string;
  restarts: string;
}

export interface Interactive {
  child: ChildProcess;
  output: () => string;
  write: (s: string) => void;
  exited: Promise<number | null>;
}

/** A line of `kubectl get pods --no-headers`: NAME READY STATUS RESTARTS AGE, where RESTARTS may read "1 (3s ago)". */
export function parsePodRow(line: string): PodRow | undefined {
  const m = /^\S+\s+(\S+)\s+(\S+)\s+(\d+(?: \([^)]*\))?)\s+\S+\s*$/.exec(line);
  return m ? { ready: m[1], status: m[2], restarts: m[3] } : undefined;
}

function shellWord(s: string): string {
  return /^[\w./=:@,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export class Kubectl {
  constructor(
    private readonly cluster: RunningCluster,
    private readonly cacheDir: string,
  ) {}

  argv(args: string[]): string[] {
    return ['--kubeconfig', this.cluster.kubeconfig, '--cache-dir', this.cacheDir, ...args];
  }

  /** Runs kubectl to its end without blocking the event loop. */
  run(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = spawn(kubectlPath, this.argv(args), { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(opts.input ?? '');
    });
  }

  /** kubectl that must succeed; returns stdout. */
  async ok(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** `kubectl get … --watch`, once its watch is open (see watchFromNow): rows on stdout. */
  watch(args: string[]): Promise<{ child: ChildProcess; rows: () => string }> {
    return watchFromNow(this.argv(args));
  }

  /** A long-running kubectl (logs -f, port-forward) whose output (both streams) accumulates. */
  stream(args: string[]): { child: ChildProcess; output: () => string } {
    const { child, output } = this.interactive(args);
    child.stdin!.end();
    return { child, output };
  }

  /**
   * A long-running kubectl with its stdin kept open (attach -i), or run under script(1) so
   * kubectl has a terminal (exec -it, attach -it). Output (both streams) accumulates.
   */
  interactive(args: string[], opts: { tty?: boolean } = {}): Interactive {
    const argv = this.argv(args);
    const child = opts.tty
      ? spawn('script', ['-qefc', [kubectlPath, ...argv].map(shellWord).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(kubectlPath, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin!.on('error', () => {});
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    return { child, output: () => out, write: (s) => void child.stdin!.write(s), exited };
  }

  apply(manifest: string): Promise<string> {
    return this.ok(['create', '-f', '-'], { input: manifest });
  }

  async podRow(name: string): Promise<PodRow | undefined> {
    const r = await this.run(['get', 'pod', name, '--no-headers']);
    if (r.code !== 0) return undefined;
    return parsePodRow(r.stdout.trim());
  }

  jsonpath(kindName: string, path: string): Promise<string> {
    return this.ok(['get', kindName, '-o', `jsonpath=${path}`]);
  }

  ready(pod: string, timeoutS = 90): Promise<string> {
    return this.ok(['wait', '--for=condition=Ready', `pod/${pod}`, `--timeout=${timeoutS}s`], { timeoutMs: (timeoutS + 10) * 1000 });
  }
}

/** Polls until fn returns a truthy value, every half second. */
export function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  return poll(fn, { timeoutMs, what, intervalMs: 500 }) as Promise<T>;
}

/**
 * Runs a test body; on failure, adds what `kubectl describe` and `kubectl logs` say of the pods
 * involved, what kubelite logged about them, and kubelite's last lines if it has died.
 */
export async function explained(k: Kubectl, cluster: RunningCluster, pods: string[], body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    const described = await Promise.all(
      pods.map(async (p) => {
        const d = await k.run(['describe', 'pod', p]);
        const logs = await k.run(['logs', p, '--all-containers', '--prefix', '--tail=20']);
        return `${d.stdout || d.stderr}--- kubectl logs ${p}:\n${logs.stdout}${logs.stderr}`;
      }),
    );
    const logged = cluster
      .output()
      .split('\n')
      .filter((line) => pods.some((p) => line.includes(p)))
      .slice(-30);
    const exited = cluster.process.exitCode ?? cluster.process.signalCode;
    const died = exited === null ? '' : `\n--- kubelite exited (${exited}); its last lines:\n${cluster.output().split('\n').slice(-40).join('\n')}`;
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- kubectl describe:\n${described.join('\n')}\n--- kubelite's log:\n${logged.join('\n')}${died}`, { cause: e });
  }
}
