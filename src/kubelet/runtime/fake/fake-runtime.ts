// An in-memory ContainerRuntime for fast kubelet tests: sandboxes get IPs from a range,
// containers "run" their command through a small sh interpreter (shell.ts) on an injectable
// clock, write CRI-format logs to real files, see their volume mounts (real host directories)
// and serve `httpd`/`nc` ports inside their pod's private network, which portForward reaches.
// Nothing runs on the host. As in a container, PID 1 ignores SIGTERM unless it traps it.

import { randomBytes, createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough, type Duplex } from 'node:stream';
import type { Clock } from '../../../machinery/clock.js';
import type {
  ContainerConfig,
  ContainerRuntime,
  ContainerState,
  ContainerStats,
  ContainerStatus,
  ContainerSummary,
  ImageAuth,
  ImageInfo,
  PodSandboxConfig,
  PodSandboxStatus,
  StreamOptions,
  StreamSession,
} from '../interface.js';
import { ExecTimeoutError } from '../interface.js';
import { formatCriLines, nanosOf, type LogStream } from '../../cri-log.js';
import { normalizeImage } from '../simulated/pod-status.js';
import { duplexPair } from './duplex.js';
import { ProcessGone, Shell, ShellExit, type ShellHost } from './shell.js';

export interface FakeRuntimeOptions {
  /** Default: real time (with timers that keep the event loop alive). */
  clock?: Clock;
  /** Pod IPs: the third and fourth octets count up from .2 in this /16 (default 198.19.250.0/24). */
  podIPPrefix?: string;
  /** Images present from the start. */
  images?: string[];
  /** Decides a pull: undefined pulls, an Error fails it (default: every image pulls). */
  pull?: (image: string, auth: ImageAuth | undefined) => Error | undefined;
  /** How long a pull takes on the clock (default 0). */
  pullMs?: number;
  /** Bytes an image reports (default 4 MiB). */
  imageSize?: number;
  runtimeName?: string;
}

interface FakeImage extends ImageInfo {}

interface FakeSandbox {
  id: string;
  config: PodSandboxConfig;
  state: 'ready' | 'notready';
  createdAt: number;
  ip: string;
  listeners: Map<number, (conn: Duplex) => void>;
  removed: boolean;
}

interface FakeProcess {
  finished: boolean;
  exit: Promise<number>;
  /** Ends the process now with this code. */
  end(code: number, reason?: string): void;
  sleepers: Set<() => void>;
  traps: Map<string, string>;
  shell: Shell;
  stdin: PassThrough;
  stdout: Set<(text: string) => void>;
  stderr: Set<(text: string) => void>;
}

interface FakeContainer {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  image: FakeImage;
  logPath: string;
  files: Map<string, Buffer>;
  proc?: FakeProcess;
  cpuNanos: bigint;
}

/** Real time whose timers keep the process alive, as a running container's process would. */
const liveClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

function hex(bytes = 32): string {
  return randomBytes(bytes).toString('hex');
}

function matchLabels(labels: Record<string, string>, want: Record<string, string> | undefined): boolean {
  if (!want) return true;
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

export class FakeRuntime implements ContainerRuntime {
  readonly name: string;
  private readonly clock: Clock;
  private readonly sandboxes = new Map<string, FakeSandbox>();
  private readonly containers = new Map<string, FakeContainer>();
  private readonly images = new Map<string, FakeImage>();
  private nextIP = 0;
  /** Every pull request, in order (tests check auth and policy). */
  readonly pulls: { image: string; auth?: ImageAuth }[] = [];
  /** Calls made, in order, as `verb id` strings (tests check what the kubelet did). */
  readonly calls: string[] = [];
  private closed = false;

  constructor(private readonly opts: FakeRuntimeOptions = {}) {
    this.clock = opts.clock ?? liveClock;
    this.name = opts.runtimeName ?? 'fake';
    for (const image of opts.images ?? []) this.addImage(image);
  }

  // ---- test hooks ----

  /** Makes an image present, as `ctr images import` would. */
  addImage(image: string): ImageInfo {
    const tag = normalizeImage(image);
    const existing = this.images.get(tag);
    if (existing) return existing;
    const digest = createHash('sha256').update(`fake-image:${tag}`).digest('hex');
    const repo = tag.includes('@') ? tag.slice(0, tag.indexOf('@')) : tag.slice(0, tag.lastIndexOf(':'));
    const info: FakeImage = {
      id: `sha256:${createHash('sha256').update(`fake-config:${tag}`).digest('hex')}`,
      repoTags: tag.includes('@') ? [] : [tag],
      repoDigests: [`${repo}@sha256:${digest}`],
      size: this.opts.imageSize ?? 4 * 1024 * 1024,
    };
    this.images.set(tag, info);
    return info;
  }

  /** Ends a running container's process with this exit code (a crash, a job finishing). */
  exitContainer(id: string, exitCode: number, reason?: string): void {
    const c = this.mustContainer(id);
    c.proc?.end(exitCode, reason);
  }

  /** The container's config and state, for assertions. */
  inspect(id: string): { config: ContainerConfig; state: ContainerState; sandboxId: string } | undefined {
    const c = this.containers.get(id);
    return c && { config: c.config, state: c.state, sandboxId: c.sandboxId };
  }

  sandboxConfig(id: string): PodSandboxConfig | undefined {
    return this.sandboxes.get(id)?.config;
  }

  /** Serves `port` in the sandbox's network, as a process listening there would. */
  listen(sandboxId: string, port: number, onConnection: (conn: Duplex) => void): () => void {
    const s = this.mustSandbox(sandboxId);
    s.listeners.set(port, onConnection);
    return () => {
      if (s.listeners.get(port) === onConnection) s.listeners.delete(port);
    };
  }

  /** Running containers' count, for leak checks. */
  runningCount(): number {
    return [...this.containers.values()].filter((c) => c.state === 'running').length;
  }

  // ---- ContainerRuntime ----

  async version() {
    return { runtimeName: this.name, runtimeVersion: '0.0.1-fake', runtimeApiVersion: 'v1' };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.check();
    for (const s of this.sandboxes.values()) {
      const m = s.config;
      if (!s.removed && m.uid === config.uid && m.name === config.name && m.namespace === config.namespace && m.attempt === config.attempt) {
        throw new Error(`failed to reserve sandbox name "${config.name}_${config.namespace}_${config.uid}_${config.attempt}": name is reserved for "${s.id}"`);
      }
    }
    const id = hex();
    const hostNet = config.linux.namespaces.network === 'node';
    const ip = hostNet ? '' : `${this.opts.podIPPrefix ?? '198.19.250'}.${2 + (this.nextIP++ % 252)}`;
    this.sandboxes.set(id, { id, config, state: 'ready', createdAt: this.clock.now(), ip, listeners: new Map(), removed: false });
    this.calls.push(`runPodSandbox ${config.namespace}/${config.name}`);
    return id;
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    const s = this.sandboxes.get(sandboxId);
    if (!s) return;
    this.calls.push(`stopPodSandbox ${sandboxId}`);
    for (const c of this.containers.values()) if (c.sandboxId === sandboxId && c.state === 'running') c.proc?.end(137, 'Error');
    s.state = 'notready';
    s.listeners.clear();
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    const s = this.sandboxes.get(sandboxId);
    if (!s) return;
    await this.stopPodSandbox(sandboxId);
    for (const c of [...this.containers.values()]) if (c.sandboxId === sandboxId) this.containers.delete(c.id);
    s.removed = true;
    this.sandboxes.delete(sandboxId);
    this.calls.push(`removePodSandbox ${sandboxId}`);
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus | undefined> {
    const s = this.sandboxes.get(sandboxId);
    return s && this.sandboxStatus(s);
  }

  async listPodSandboxes(filter?: { labels?: Record<string, string> }): Promise<PodSandboxStatus[]> {
    return [...this.sandboxes.values()].filter((s) => matchLabels(s.config.labels, filter?.labels)).map((s) => this.sandboxStatus(s));
  }

  private sandboxStatus(s: FakeSandbox): PodSandboxStatus {
    const c = s.config;
    return {
      id: s.id,
      state: s.state,
      createdAt: nanosOf(s.createdAt),
      ip: s.ip,
      additionalIps: [],
      metadata: { name: c.name, namespace: c.namespace, uid: c.uid, attempt: c.attempt },
      labels: { ...c.labels },
      annotations: { ...c.annotations },
    };
  }

  async pullImage(image: string, auth?: ImageAuth): Promise<string> {
    this.check();
    this.pulls.push({ image, auth });
    const failure = this.opts.pull?.(image, auth);
    if (this.opts.pullMs) await new Promise<void>((r) => this.clock.setTimeout(r, this.opts.pullMs!));
    if (failure) throw failure;
    return this.addImage(image).id;
  }

  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    return this.findImage(image);
  }

  private findImage(image: string): FakeImage | undefined {
    const tag = normalizeImage(image);
    const direct = this.images.get(tag);
    if (direct) return direct;
    for (const img of this.images.values()) {
      if (img.id === image || img.repoDigests.includes(image) || img.repoDigests.includes(tag)) return img;
    }
    return undefined;
  }

  async listImages(): Promise<ImageInfo[]> {
    return [...this.images.values()].map((i) => ({ ...i, repoTags: [...i.repoTags], repoDigests: [...i.repoDigests] }));
  }

  async removeImage(image: string): Promise<void> {
    const img = this.findImage(image);
    if (!img) return;
    for (const [k, v] of this.images) if (v === img) this.images.delete(k);
  }

  async createContainer(sandboxId: string, config: ContainerConfig, _sandbox: PodSandboxConfig): Promise<string> {
    this.check();
    const s = this.sandboxes.get(sandboxId);
    if (!s) throw new Error(`failed to get sandbox "${sandboxId}": not found`);
    if (s.state !== 'ready') throw new Error(`failed to create containerd container: sandbox "${sandboxId}" is not running`);
    const image = this.findImage(config.image);
    if (!image) throw new Error(`failed to create containerd container: failed to get image "${config.image}": not found`);
    for (const c of this.containers.values()) {
      if (c.sandboxId === sandboxId && c.config.name === config.name && c.config.attempt === config.attempt) {
        throw new Error(`failed to reserve container name "${config.name}_${s.config.name}_${s.config.namespace}_${s.config.uid}_${config.attempt}": name is reserved for "${c.id}"`);
      }
    }
    const id = hex();
    const logPath = join(s.config.logDirectory, config.logPath);
    this.containers.set(id, {
      id,
      sandboxId,
      config,
      state: 'created',
      createdAt: this.clock.now(),
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
      message: '',
      image,
      logPath,
      files: new Map([
        ['/etc/hostname', Buffer.from(`${s.config.hostname}\n`)],
        ['/etc/resolv.conf', Buffer.from(resolvConf(s.config))],
      ]),
      cpuNanos: 0n,
    });
    this.calls.push(`createContainer ${config.name}`);
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    this.check();
    const c = this.mustContainer(containerId);
    if (c.state !== 'created') throw new Error(`container ${containerId} is ${c.state}, not created`);
    const s = this.mustSandbox(c.sandboxId);
    const argv = [...c.config.command, ...c.config.args];
    if (argv.length === 0) argv.push('sleep', 'infinity'); // the image's default: a long-running server
    mkdirSync(dirname(c.logPath), { recursive: true });
    writeFileSync(c.logPath, '', { flag: 'a' });
    c.state = 'running';
    c.startedAt = this.clock.now();
    this.calls.push(`startContainer ${c.config.name}`);
    const proc = this.spawn(c, s, argv, (stream, text) => {
      if (text) appendFileSync(c.logPath, formatCriLines(this.clock.now(), stream, text));
    });
    c.proc = proc;
    void proc.exit.then((code) => {
      c.state = 'exited';
      c.finishedAt = this.clock.now();
      c.exitCode = code;
      if (!c.reason) c.reason = code === 0 ? 'Completed' : 'Error';
      c.cpuNanos += BigInt(Math.max(0, c.finishedAt - c.startedAt)) * 1000n;
    });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) throw new Error(`an error occurred when try to find container "${containerId}": not found`);
    this.calls.push(`stopContainer ${c.config.name} ${timeoutSeconds}`);
    const proc = c.proc;
    if (!proc || c.state !== 'running' || proc.finished) return;
    if (timeoutSeconds <= 0) {
      proc.end(137);
    } else {
      this.signal(proc, 'TERM');
      let cancel = () => {};
      const timedOut = new Promise<void>((r) => (cancel = this.clock.setTimeout(r, timeoutSeconds * 1000)));
      await Promise.race([proc.exit, timedOut]);
      cancel();
      if (!proc.finished) proc.end(137);
    }
    await proc.exit;
    // Let the exit handler record the state.
    await new Promise((r) => setImmediate(r));
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    if (c.state === 'running') c.proc?.end(137);
    this.containers.delete(containerId);
    this.calls.push(`removeContainer ${c.config.name}`);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(containerId);
    if (!c) return undefined;
    return {
      id: c.id,
      name: c.config.name,
      attempt: c.config.attempt,
      state: c.state,
      createdAt: nanosOf(c.createdAt),
      startedAt: c.startedAt ? nanosOf(c.startedAt) : '0',
      finishedAt: c.finishedAt ? nanosOf(c.finishedAt) : '0',
      exitCode: c.exitCode,
      reason: c.state === 'exited' ? c.reason : '',
      message: c.state === 'exited' ? c.message : '',
      image: c.image.repoTags[0] ?? normalizeImage(c.config.image),
      imageRef: c.image.repoDigests[0] ?? c.image.id,
      logPath: c.logPath,
      labels: { ...c.config.labels },
      annotations: { ...c.config.annotations },
    };
  }

  async listContainers(filter?: { sandboxId?: string; labels?: Record<string, string> }): Promise<ContainerSummary[]> {
    return [...this.containers.values()]
      .filter((c) => (!filter?.sandboxId || c.sandboxId === filter.sandboxId) && matchLabels(c.config.labels, filter?.labels))
      .map((c) => ({ id: c.id, sandboxId: c.sandboxId, name: c.config.name, attempt: c.config.attempt, state: c.state, labels: { ...c.config.labels } }));
  }

  async containerStats(containerId: string): Promise<ContainerStats | undefined> {
    const c = this.containers.get(containerId);
    if (!c) return undefined;
    const running = c.state === 'running' ? BigInt(Math.max(0, this.clock.now() - c.startedAt)) * 1000n : 0n;
    return { cpuUsageCoreNanoSeconds: (c.cpuNanos + running).toString(), memoryWorkingSetBytes: c.state === 'running' ? 1024 * 1024 : 0, timestamp: nanosOf(this.clock.now()) };
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }> {
    const c = this.mustContainer(containerId);
    if (c.state !== 'running') throw new Error(`cannot exec in a stopped container: container ${containerId} is ${c.state}`);
    const s = this.mustSandbox(c.sandboxId);
    let stdout = '';
    let stderr = '';
    const proc = this.spawn(c, s, cmd, (stream, text) => {
      if (stream === 'stdout') stdout += text;
      else stderr += text;
    });
    proc.stdin.end();
    let timer = () => {};
    const timeout = timeoutSeconds > 0 ? new Promise<'timeout'>((r) => (timer = this.clock.setTimeout(() => r('timeout'), timeoutSeconds * 1000))) : new Promise<never>(() => {});
    const result = await Promise.race([proc.exit, timeout]);
    timer();
    if (result === 'timeout') {
      proc.end(137);
      throw new ExecTimeoutError(`command '${cmd.join(' ')}' timed out after ${timeoutSeconds}s`);
    }
    return { stdout: Buffer.from(stdout), stderr: Buffer.from(stderr), exitCode: result };
  }

  async exec(containerId: string, cmd: string[], options: StreamOptions): Promise<StreamSession> {
    const c = this.mustContainer(containerId);
    if (c.state !== 'running') throw new Error(`cannot exec in a stopped container: container ${containerId} is ${c.state}`);
    const s = this.mustSandbox(c.sandboxId);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const proc = this.spawn(c, s, cmd, (stream, text) => {
      if (stream === 'stderr' && !options.tty) stderr.write(text);
      else stdout.write(text);
    });
    if (!options.stdin) proc.stdin.end();
    const exit = proc.exit.then((exitCode) => {
      stdout.end();
      stderr.end();
      return { exitCode };
    });
    return {
      stdin: options.stdin ? proc.stdin : undefined,
      stdout: options.stdout ? stdout : undefined,
      stderr: options.stderr && !options.tty ? stderr : undefined,
      resize: () => {},
      exit,
      close: () => proc.stdin.end(),
    };
  }

  async attach(containerId: string, options: StreamOptions): Promise<StreamSession> {
    const c = this.mustContainer(containerId);
    const proc = c.proc;
    if (!proc || c.state !== 'running') throw new Error(`container ${containerId} is not running`);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = (t: string) => stdout.write(t);
    const err = (t: string) => (options.tty ? stdout.write(t) : stderr.write(t));
    proc.stdout.add(out);
    proc.stderr.add(err);
    const detach = () => {
      proc.stdout.delete(out);
      proc.stderr.delete(err);
      stdout.end();
      stderr.end();
    };
    const exit = proc.exit.then((exitCode) => {
      detach();
      return { exitCode };
    });
    const stdin = new PassThrough();
    stdin.on('data', (d) => proc.stdin.write(d));
    return {
      stdin: options.stdin ? stdin : undefined,
      stdout: options.stdout ? stdout : undefined,
      stderr: options.stderr && !options.tty ? stderr : undefined,
      resize: () => {},
      exit,
      close: () => {
        if (c.config.stdinOnce) proc.stdin.end();
        detach();
      },
    };
  }

  async portForward(sandboxId: string, port: number): Promise<Duplex> {
    const s = this.mustSandbox(sandboxId);
    const serve = s.state === 'ready' ? s.listeners.get(port) : undefined;
    if (!serve) {
      const e = new Error(`failed to connect to localhost:${port} inside namespace "${sandboxId}": dial tcp 127.0.0.1:${port}: connect: connection refused`) as Error & { code: string };
      e.code = 'ECONNREFUSED';
      throw e;
    }
    const [client, server] = duplexPair();
    serve(server);
    return client;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.containers.values()) if (c.state === 'running') c.proc?.end(137);
  }

  // ---- processes ----

  private check(): void {
    if (this.closed) throw new Error('runtime is closed');
  }

  private mustContainer(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`container "${id}" not found`);
    return c;
  }

  private mustSandbox(id: string): FakeSandbox {
    const s = this.sandboxes.get(id);
    if (!s) throw new Error(`sandbox "${id}" not found`);
    return s;
  }

  private signal(proc: FakeProcess, signal: 'TERM'): void {
    const action = proc.traps.get(signal);
    if (!action) return; // PID 1 without a handler ignores SIGTERM
    for (const wake of proc.sleepers) wake();
    void proc.shell.runTrap(action).then(
      (code) => {
        if (code !== undefined) proc.end(code);
      },
      () => {},
    );
  }

  /** Runs argv in the container's context; output goes to `write` (and attached streams). */
  private spawn(c: FakeContainer, s: FakeSandbox, argv: string[], write: (stream: LogStream, text: string) => void): FakeProcess {
    const clock = this.clock;
    let resolveExit!: (code: number) => void;
    const exit = new Promise<number>((r) => (resolveExit = r));
    const stdin = new PassThrough();
    const pending: string[] = [];
    let stdinEnded = false;
    let stdinWaiter: (() => void) | undefined;
    stdin.on('data', (d: Buffer) => {
      pending.push(d.toString());
      stdinWaiter?.();
    });
    stdin.on('end', () => {
      stdinEnded = true;
      stdinWaiter?.();
    });
    const proc: FakeProcess = {
      finished: false,
      exit,
      sleepers: new Set(),
      traps: new Map(),
      shell: undefined as unknown as Shell,
      stdin,
      stdout: new Set(),
      stderr: new Set(),
      end: (code, reason) => {
        if (proc.finished) return;
        proc.finished = true;
        if (reason && c.proc === proc) c.reason = reason;
        for (const wake of proc.sleepers) wake();
        for (const stop of stops) stop();
        resolveExit(code);
      },
    };
    const stops: (() => void)[] = [];
    const emit = (stream: LogStream, text: string) => {
      if (proc.finished) return;
      write(stream, text);
      for (const fn of stream === 'stdout' ? proc.stdout : proc.stderr) fn(text);
    };
    const resolve = (path: string) => this.resolvePath(c, path);
    const host: ShellHost = {
      hostname: s.config.hostname,
      now: () => clock.now(),
      sleep: (ms) =>
        new Promise<void>((res, rej) => {
          if (proc.finished) return rej(new ProcessGone());
          let cancel = () => {};
          const wake = () => {
            cancel();
            proc.sleepers.delete(wake);
            if (proc.finished) rej(new ProcessGone());
            else res();
          };
          proc.sleepers.add(wake);
          cancel = clock.setTimeout(wake, ms);
        }),
      readFile: (path) => {
        const r = resolve(path);
        if (r.host) {
          try {
            return statSync(r.host).isFile() ? readFileSync(r.host) : undefined;
          } catch {
            return undefined;
          }
        }
        return c.files.get(r.path);
      },
      writeFile: (path, data, append) => {
        const r = resolve(path);
        if (r.readonly) throw new Error(`can't create ${path}: Read-only file system`);
        if (r.host) {
          if (append) appendFileSync(r.host, data);
          else writeFileSync(r.host, data);
          return;
        }
        const old = append ? (c.files.get(r.path) ?? Buffer.alloc(0)) : Buffer.alloc(0);
        c.files.set(r.path, Buffer.concat([old, Buffer.from(data)]));
      },
      stat: (path) => {
        const r = resolve(path);
        if (r.host) {
          try {
            return statSync(r.host).isDirectory() ? 'dir' : 'file';
          } catch {
            return undefined;
          }
        }
        if (c.files.has(r.path)) return 'file';
        const prefix = r.path.endsWith('/') ? r.path : `${r.path}/`;
        for (const k of c.files.keys()) if (k.startsWith(prefix)) return 'dir';
        return r.path === '/' ? 'dir' : undefined;
      },
      mkdir: (path) => {
        const r = resolve(path);
        if (r.host) mkdirSync(r.host, { recursive: true });
      },
      remove: (path) => {
        const r = resolve(path);
        if (r.host) rmSync(r.host, { force: true, recursive: true });
        else c.files.delete(r.path);
      },
      listen: (port, onConnection) => {
        if (s.listeners.has(port)) throw new Error(`bind: address already in use (port ${port})`);
        s.listeners.set(port, onConnection);
        const stop = () => {
          if (s.listeners.get(port) === onConnection) s.listeners.delete(port);
        };
        stops.push(stop);
        return stop;
      },
      readStdin: async () => {
        for (;;) {
          if (pending.length) return pending.shift()!;
          if (stdinEnded || proc.finished) return null;
          await new Promise<void>((r) => (stdinWaiter = r));
          stdinWaiter = undefined;
        }
      },
      setTrap: (signal, action) => {
        if (action === undefined) proc.traps.delete(signal);
        else proc.traps.set(signal, action);
      },
      oom: () => {
        if (c.config.linux.resources.memoryLimitInBytes) {
          proc.end(137, 'OOMKilled');
          throw new ProcessGone();
        }
        return new Promise<never>((_r, rej) => proc.sleepers.add(() => rej(new ProcessGone())));
      },
    };
    const env: Record<string, string> = {};
    for (const kv of c.config.env) env[kv.key] = kv.value;
    const shell = new Shell({ host, env, stdout: (t) => emit('stdout', t), stderr: (t) => emit('stderr', t) });
    proc.shell = shell;
    const run = async (): Promise<number> => {
      const base = argv[0]?.slice(argv[0].lastIndexOf('/') + 1);
      if ((base === 'sh' || base === 'ash' || base === 'bash') && argv[1] === '-c') return shell.runScript(argv[2] ?? '');
      return shell.runArgv(argv);
    };
    // Start on the next turn, as a process would: the caller sees "running" first.
    setImmediate(() => {
      run().then(
        (code) => proc.end(code),
        (e) => {
          if (e instanceof ProcessGone) return;
          if (e instanceof ShellExit) return proc.end(e.code);
          emit('stderr', `fake runtime: ${(e as Error).message}\n`);
          proc.end(1);
        },
      );
    });
    return proc;
  }

  /** Maps a container path onto a mount's host path, or the container's own files. */
  private resolvePath(c: FakeContainer, path: string): { path: string; host?: string; readonly?: boolean } {
    const abs = path.startsWith('/') ? path : `/${path}`;
    let best: { containerPath: string; hostPath: string; readonly?: boolean } | undefined;
    for (const m of c.config.mounts) {
      const cp = m.containerPath.replace(/\/+$/, '') || '/';
      if (abs === cp || abs.startsWith(cp === '/' ? '/' : `${cp}/`)) {
        if (!best || cp.length > best.containerPath.length) best = { containerPath: cp, hostPath: m.hostPath, readonly: m.readonly };
      }
    }
    if (!best) return { path: abs };
    const rest = abs.slice(best.containerPath.length);
    return { path: abs, host: best.hostPath + rest, readonly: best.readonly };
  }
}

function resolvConf(c: PodSandboxConfig): string {
  const dns = c.dnsConfig;
  if (!dns) return existsSync('/etc/resolv.conf') ? readFileSync('/etc/resolv.conf', 'utf8') : '';
  let out = '';
  if (dns.searches.length) out += `search ${dns.searches.join(' ')}\n`;
  for (const s of dns.servers) out += `nameserver ${s}\n`;
  if (dns.options.length) out += `options ${dns.options.join(' ')}\n`;
  return out;
}
