// A ContainerRuntime for streaming tests: "containers" are host processes started with
// `sh -c`, writing CRI-format logs; exec runs a host process, attach taps the main process,
// and port-forward connects to a loopback port the test maps. Only what the streaming
// server uses is implemented; the rest throws.

import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { PassThrough, type Duplex } from 'node:stream';
import type {
  ContainerConfig,
  ContainerRuntime,
  ContainerStatus,
  ContainerSummary,
  PodSandboxConfig,
  PodSandboxStatus,
  StreamOptions,
  StreamSession,
} from '../runtime/interface.js';
import { formatCriLine, logTimeFromMs, type LogStream } from './cri-log.js';
import type { KubeletStreamingBackend } from './types.js';
import type { KubeObject } from '../../api/object.js';

interface LocalContainer {
  id: string;
  name: string;
  logPath: string;
  proc?: ChildProcess;
  state: 'created' | 'running' | 'exited';
  exitCode: number;
  cwd: string;
  out: PassThrough;
  err: PassThrough;
}

/** Writes a process's output as CRI log lines, splitting long lines into partial entries. */
function logWriter(path: string, stream: LogStream, maxLine: number): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      let line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      while (line.length > maxLine) {
        appendFileSync(path, formatCriLine(logTimeFromMs(Date.now()), stream, line.slice(0, maxLine), true));
        line = line.slice(maxLine);
      }
      appendFileSync(path, formatCriLine(logTimeFromMs(Date.now()), stream, line));
    }
  };
}

export class LocalRuntime implements ContainerRuntime {
  readonly name = 'local';
  private readonly containers = new Map<string, LocalContainer>();
  /** Pod port → loopback port, for port-forward. */
  readonly ports = new Map<number, number>();
  private seq = 0;

  constructor(readonly dir: string) {}

  /** Starts a "container": `sh -c script`, its output logged to dir/<name>/<n>.log. */
  run(name: string, script: string, opts: { maxLine?: number } = {}): LocalContainer {
    const id = `local${++this.seq}`;
    const attempt = [...this.containers.values()].filter((c) => c.name === name).length;
    const logPath = join(this.dir, name, `${attempt}.log`);
    mkdirSync(dirname(logPath), { recursive: true });
    writeFileSync(logPath, '');
    const cwd = join(this.dir, `${name}-root`);
    mkdirSync(cwd, { recursive: true });
    const c: LocalContainer = { id, name, logPath, state: 'running', exitCode: 0, cwd, out: new PassThrough(), err: new PassThrough() };
    const proc = spawn('sh', ['-c', script], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    c.proc = proc;
    const outLog = logWriter(logPath, 'stdout', opts.maxLine ?? 16 * 1024);
    const errLog = logWriter(logPath, 'stderr', opts.maxLine ?? 16 * 1024);
    proc.stdout!.on('data', (d: Buffer) => {
      outLog(d);
      c.out.write(d);
    });
    proc.stderr!.on('data', (d: Buffer) => {
      errLog(d);
      c.err.write(d);
    });
    proc.stdin!.on('error', () => {});
    proc.on('exit', (code, signal) => {
      c.state = 'exited';
      c.exitCode = code ?? (signal ? 137 : 0);
    });
    this.containers.set(id, c);
    return c;
  }

  async stopAll(): Promise<void> {
    for (const c of this.containers.values()) {
      if (c.state === 'running') c.proc?.kill('SIGKILL');
    }
  }

  async version() {
    return { runtimeName: 'local', runtimeVersion: '0', runtimeApiVersion: 'v1' };
  }
  async runPodSandbox(_c: PodSandboxConfig): Promise<string> {
    return 'sandbox';
  }
  async stopPodSandbox(): Promise<void> {}
  async removePodSandbox(): Promise<void> {}
  async podSandboxStatus(): Promise<PodSandboxStatus | undefined> {
    return undefined;
  }
  async listPodSandboxes(): Promise<PodSandboxStatus[]> {
    return [];
  }
  async pullImage(image: string): Promise<string> {
    return image;
  }
  async imageStatus() {
    return undefined;
  }
  async listImages() {
    return [];
  }
  async removeImage(): Promise<void> {}
  async createContainer(_s: string, _c: ContainerConfig): Promise<string> {
    throw new Error('not implemented');
  }
  async startContainer(): Promise<void> {}
  async stopContainer(id: string): Promise<void> {
    this.containers.get(id)?.proc?.kill('SIGTERM');
  }
  async removeContainer(): Promise<void> {}

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(id);
    if (!c) return undefined;
    return {
      id,
      name: c.name,
      attempt: 0,
      state: c.state,
      createdAt: '0',
      startedAt: '0',
      finishedAt: '0',
      exitCode: c.exitCode,
      reason: '',
      message: '',
      image: 'local',
      imageRef: 'local',
      logPath: c.logPath,
      labels: {},
      annotations: {},
    };
  }

  async listContainers(): Promise<ContainerSummary[]> {
    return [...this.containers.values()].map((c) => ({ id: c.id, sandboxId: 'sandbox', name: c.name, attempt: 0, state: c.state, labels: {} }));
  }
  async containerStats() {
    return undefined;
  }

  async execSync(id: string, cmd: string[]): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }> {
    const c = this.containers.get(id);
    return new Promise((resolve, reject) => {
      const p = spawn(cmd[0], cmd.slice(1), { cwd: c?.cwd });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      p.stdout.on('data', (d: Buffer) => out.push(d));
      p.stderr.on('data', (d: Buffer) => err.push(d));
      p.on('error', reject);
      p.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode: code ?? 1 }));
    });
  }

  async exec(id: string, cmd: string[], opts: StreamOptions): Promise<StreamSession> {
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') throw new Error(`container ${id} is not running`);
    // A terminal is emulated with script(1) so `-t` sessions get a pty.
    const argv = opts.tty ? ['script', '-qfec', cmd.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' '), '/dev/null'] : cmd;
    const p = spawn(argv[0], argv.slice(1), { cwd: c.cwd, env: { ...process.env, HOSTNAME: c.name }, stdio: ['pipe', 'pipe', 'pipe'] });
    const started = new Promise<void>((resolve, reject) => {
      p.once('spawn', resolve);
      p.once('error', reject);
    });
    await started.catch((e: NodeJS.ErrnoException) => {
      throw new Error(`failed to exec in container: exec: "${cmd[0]}": executable file not found in $PATH`, { cause: e });
    });
    p.stdin.on('error', () => {});
    const exit = new Promise<{ exitCode: number }>((resolve) => p.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 + 9 : 1) })));
    return {
      stdin: opts.stdin ? p.stdin : undefined,
      stdout: opts.stdout ? p.stdout : undefined,
      stderr: opts.stderr ? p.stderr : undefined,
      resize: () => {},
      exit,
      close: () => {
        p.stdin.end();
        p.kill('SIGHUP');
      },
    };
  }

  async attach(id: string, opts: StreamOptions): Promise<StreamSession> {
    const c = this.containers.get(id);
    if (!c || c.state !== 'running' || !c.proc) throw new Error(`container ${id} is not running`);
    const out = new PassThrough();
    const err = new PassThrough();
    const onOut = (d: Buffer) => out.write(d);
    const onErr = (d: Buffer) => err.write(d);
    c.out.on('data', onOut);
    c.err.on('data', onErr);
    let detach!: () => void;
    const detached = new Promise<void>((r) => (detach = r));
    const exit = new Promise<{ exitCode: number }>((resolve) => {
      const done = () => resolve({ exitCode: c.exitCode });
      c.proc!.once('exit', () => setTimeout(done, 50));
      void detached.then(() => resolve({ exitCode: 0 }));
    });
    void exit.then(() => {
      c.out.off('data', onOut);
      c.err.off('data', onErr);
      out.end();
      err.end();
    });
    const stdin = new PassThrough();
    stdin.on('data', (d: Buffer) => c.proc!.stdin!.write(d));
    return {
      stdin: opts.stdin ? stdin : undefined,
      stdout: opts.stdout ? out : undefined,
      stderr: opts.stderr ? err : undefined,
      exit,
      close: () => detach(),
    };
  }

  async portForward(_sandbox: string, port: number): Promise<Duplex> {
    const target = this.ports.get(port);
    if (!target) throw new Error(`failed to connect to localhost:${port} inside namespace "sandbox": connection refused`);
    return new Promise((resolve, reject) => {
      const s = net.connect(target, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
  }

  async close(): Promise<void> {
    await this.stopAll();
  }
}

/** A backend over a LocalRuntime: pods come from `pods` (the test keeps them current). */
export function localBackend(runtime: LocalRuntime, pods: () => KubeObject[]): KubeletStreamingBackend {
  return {
    runtime,
    getPod: (ns, name) => pods().find((p) => p.metadata.namespace === ns && p.metadata.name === name),
    podSandbox: async (ns, name) => (pods().some((p) => p.metadata.namespace === ns && p.metadata.name === name) ? 'sandbox' : undefined),
    listPods: () => pods(),
  };
}
