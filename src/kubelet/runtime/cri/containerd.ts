// A containerd that kubelite starts and owns, one per node agent: its own config, root, state,
// socket, stream server port, CNI configuration, bridge and IP range, so several agents run
// side by side on one machine. start() writes the configuration, starts containerd and makes
// sure the sandbox image is there (it builds its own pause image: no registry is reachable);
// stop() tears the pods down and removes what they left (bridge, hostPort rules, network
// namespace mounts, pod cgroups) unless asked to keep them running.
//
// Settings that matter on these machines (see shared/notes/containerd-cri.md):
// restrict_oom_score_adj (no CAP_SYS_RESOURCE: sandboxes fail without it),
// netns_mounts_under_state_dir, a stream server on 127.0.0.1 with a port of its own.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CriClient } from './client.js';
import { cniNetworkFor, deleteBridge, removePortmapRules, renderCniConfig, type CniNetwork } from './cni.js';
import { removeCgroup } from './cgroups.js';
import { builtinPauseImage, pauseImageArchive } from './pause-image.js';
import { loadRegistriesFile, renderRegistries, writeRegistryHosts, type RegistriesConfig } from './registries.js';

const run = promisify(execFile);

export interface ContainerdOptions {
  /** Everything this instance keeps lives here (see containerdPaths). */
  dir: string;
  /** The node's pod CIDR: pods get addresses from it (the bridge takes .1). */
  podCIDR: string;
  /** Port of the streaming server (exec, attach, port-forward) on 127.0.0.1; 0 or unset picks a free one. */
  streamPort?: number;
  /** Image of pod sandboxes; default: the built-in pause image, imported at start. */
  sandboxImage?: string;
  /** k3s registries.yaml: a path or the parsed form. */
  registries?: string | RegistriesConfig;
  /** containerd executable (default: `containerd` on PATH). */
  containerdPath?: string;
  /** ctr executable, for image import (default: `ctr` on PATH). */
  ctrPath?: string;
  /** CNI plugin directory (default /usr/lib/cni, else /opt/cni/bin). */
  cniBinDir?: string;
  /** containerd's log level (default info). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** How long containerd may take to answer after starting (default 20 s). */
  startTimeoutMs?: number;
  log?: (msg: string) => void;
}

export interface ContainerdPaths {
  dir: string;
  config: string;
  socket: string;
  root: string;
  state: string;
  cniConfDir: string;
  ipamDir: string;
  registryHostsDir: string;
  log: string;
  pidFile: string;
}

/** Where a containerd instance rooted at `dir` keeps its files. */
export function containerdPaths(dir: string): ContainerdPaths {
  const d = resolve(dir);
  return {
    dir: d,
    config: join(d, 'config.toml'),
    socket: join(d, 'containerd.sock'),
    root: join(d, 'root'),
    state: join(d, 'state'),
    cniConfDir: join(d, 'net.d'),
    ipamDir: join(d, 'ipam'),
    registryHostsDir: join(d, 'certs.d'),
    log: join(d, 'containerd.log'),
    pidFile: join(d, 'containerd.pid'),
  };
}

/** The directory of a node's containerd under a kubelite data directory. */
export function containerdDirFor(dataDir: string, nodeName: string): string {
  return join(resolve(dataDir), 'containerd', nodeName);
}

export interface ContainerdConfigOptions {
  paths: ContainerdPaths;
  streamPort: number;
  sandboxImage: string;
  cniBinDir: string;
  /** Extra TOML (registry credentials). */
  extra?: string;
}

/** containerd's config.toml (version 2) for one kubelite node. */
export function renderContainerdConfig(o: ContainerdConfigOptions): string {
  const s = JSON.stringify;
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `# Written by kubelite: this node's own containerd (regenerated at every start).
version = 2
root = ${s(o.paths.root)}
state = ${s(o.paths.state)}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${s(o.paths.socket)}

[ttrpc]
  address = ${s(o.paths.socket + '.ttrpc')}

[plugins."io.containerd.internal.v1.opt"]
  path = ${s(join(o.paths.root, 'opt'))}

[${cri}]
  stream_server_address = "127.0.0.1"
  stream_server_port = ${s(String(o.streamPort))}
  enable_tls_streaming = false
  sandbox_image = ${s(o.sandboxImage)}
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  enable_selinux = false
  max_container_log_line_size = 16384

[${cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[${cri}.containerd.runtimes.runc.options]
  SystemdCgroup = false

[${cri}.cni]
  bin_dir = ${s(o.cniBinDir)}
  conf_dir = ${s(o.paths.cniConfDir)}
  max_conf_num = 1

[${cri}.registry]
  config_path = ${s(o.paths.registryHostsDir)}
${o.extra ? '\n' + o.extra : ''}`;
}

/** A free TCP port on 127.0.0.1 (for containerd's stream server, which cannot take port 0). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

async function waitExit(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!processAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !processAlive(pid);
}

function lastLines(path: string, n: number): string {
  try {
    const size = statSync(path).size;
    const fd = openSync(path, 'r');
    const len = Math.min(size, 8192);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    closeSync(fd);
    return buf.toString('utf8').trim().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

/** Mount points under `prefix` (deepest first), from /proc/self/mountinfo. */
export function mountsUnder(prefix: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const p = prefix.replace(/\/+$/, '');
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const mp = line.split(' ')[4]?.replace(/\\040/g, ' ');
    if (mp && (mp === p || mp.startsWith(p + '/'))) out.push(mp);
  }
  return out.sort((a, b) => b.length - a.length);
}

export function findCniBinDir(): string {
  for (const d of ['/usr/lib/cni', '/opt/cni/bin', '/usr/libexec/cni']) if (existsSync(join(d, 'bridge'))) return d;
  return '/usr/lib/cni';
}

/** Whether containerd can be started here (binary present, root): `--runtime auto` asks this. */
export async function containerdAvailable(containerdPath = 'containerd'): Promise<{ ok: boolean; reason?: string }> {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'containerd needs root' };
  try {
    await run(containerdPath, ['--version']);
  } catch {
    return { ok: false, reason: `${containerdPath} is not installed` };
  }
  if (!existsSync(join(findCniBinDir(), 'bridge'))) return { ok: false, reason: 'the CNI plugins (containernetworking-plugins) are not installed' };
  try {
    await run('runc', ['--version']);
  } catch {
    return { ok: false, reason: 'runc is not installed' };
  }
  return { ok: true };
}

export interface StopOptions {
  /** Leave pods running (containerd's shims keep them; a later start finds them). Default false. */
  keepPods?: boolean;
}

export class Containerd {
  readonly paths: ContainerdPaths;
  readonly network: CniNetwork;
  readonly sandboxImage: string;
  private streamPortValue = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly log: (msg: string) => void;

  constructor(readonly options: ContainerdOptions) {
    this.paths = containerdPaths(options.dir);
    this.network = cniNetworkFor(this.paths.dir);
    this.sandboxImage = options.sandboxImage ?? builtinPauseImage;
    this.log = options.log ?? (() => {});
    // A unix socket path has at most 107 bytes.
    if (Buffer.byteLength(this.paths.socket) > 100) throw new Error(`containerd directory ${this.paths.dir} is too long for a unix socket path`);
  }

  get socket(): string {
    return this.paths.socket;
  }

  get streamPort(): number {
    return this.streamPortValue;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const p = this.paths;
    for (const d of [p.dir, p.root, p.state, p.cniConfDir, p.ipamDir]) mkdirSync(d, { recursive: true, mode: 0o700 });
    await this.stopStale();
    const registries = typeof this.options.registries === 'string' ? loadRegistriesFile(this.options.registries) : (this.options.registries ?? {});
    const rendered = renderRegistries(registries);
    for (const w of rendered.warnings) this.log(w);
    writeRegistryHosts(p.registryHostsDir, rendered);
    writeFileSync(join(p.cniConfDir, '10-kubelite.conflist'), renderCniConfig({ network: this.network, podCIDR: this.options.podCIDR, ipamDataDir: p.ipamDir }));
    this.streamPortValue = this.options.streamPort || (await freeLoopbackPort());
    writeFileSync(p.config, renderContainerdConfig({ paths: p, streamPort: this.streamPortValue, sandboxImage: this.sandboxImage, cniBinDir: this.options.cniBinDir ?? findCniBinDir(), extra: rendered.criConfig }), { mode: 0o600 });
    try {
      unlinkSync(p.socket);
    } catch {
      /* not there */
    }
    const logFd = openSync(p.log, 'a');
    const child = spawn(this.options.containerdPath ?? 'containerd', ['--config', p.config, '--log-level', this.options.logLevel ?? 'info'], {
      stdio: ['ignore', logFd, logFd],
      // Its own process group: a Ctrl-C at kubelite's terminal must not kill it before the pods are torn down.
      detached: true,
    });
    closeSync(logFd);
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (e) => reject(new Error(`containerd could not start: ${e.message}`)));
      child.once('exit', (code, signal) => reject(new Error(`containerd exited at start (${signal ?? `code ${code}`}): ${lastLines(p.log, 5)}`)));
    });
    failed.catch(() => {});
    if (child.pid) writeFileSync(p.pidFile, String(child.pid));
    const client = new CriClient({ socket: p.socket });
    try {
      await Promise.race([client.waitReady(this.options.startTimeoutMs ?? 20_000), failed]);
      await Promise.race([this.ensureSandboxImage(client), failed]);
    } catch (e) {
      client.close();
      await this.terminate();
      throw e;
    }
    client.close();
    this.log(`containerd ${p.socket} is up (stream server 127.0.0.1:${this.streamPortValue}, bridge ${this.network.bridge}, pods ${this.options.podCIDR})`);
  }

  /** A containerd left running by an earlier kubelite that was killed: stop it first. */
  private async stopStale(): Promise<void> {
    let pid: number;
    try {
      pid = Number(readFileSync(this.paths.pidFile, 'utf8').trim());
    } catch {
      return;
    }
    if (!pid || !processAlive(pid) || !cmdline(pid).includes(this.paths.config)) return;
    this.log(`stopping the containerd (pid ${pid}) an earlier run left`);
    process.kill(pid, 'SIGTERM');
    if (!(await waitExit(pid, 10_000))) process.kill(pid, 'SIGKILL');
    await waitExit(pid, 5_000);
  }

  private async ensureSandboxImage(client: CriClient): Promise<void> {
    const status = await client.image('ImageStatus', { image: { image: this.sandboxImage } });
    if (status.image) return;
    if (this.sandboxImage !== builtinPauseImage) {
      this.log(`sandbox image ${this.sandboxImage} is not present: containerd will pull it with the first pod`);
      return;
    }
    const tarPath = join(this.paths.dir, 'pause-image.tar');
    writeFileSync(tarPath, pauseImageArchive());
    try {
      await importImageArchive({ socket: this.paths.socket, file: tarPath, ctrPath: this.options.ctrPath });
    } finally {
      rmSync(tarPath, { force: true });
    }
  }

  /**
   * Stops containerd. Unless keepPods, every pod sandbox is stopped and removed first, and the
   * bridge, hostPort rules, leftover network namespace mounts and pod cgroups go too.
   */
  async stop(opts: StopOptions = {}): Promise<void> {
    const cgroupParents = new Set<string>();
    if (!opts.keepPods && this.running) {
      const client = new CriClient({ socket: this.paths.socket, timeoutMs: 60_000 });
      try {
        const { items } = await client.call('ListPodSandbox', {});
        const queue = [...(items as { id: string }[])];
        const worker = async (): Promise<void> => {
          for (let s = queue.shift(); s; s = queue.shift()) {
            try {
              const st = await client.call('PodSandboxStatus', { podSandboxId: s.id, verbose: true });
              const parent = sandboxCgroupParent(st.info);
              if (parent) cgroupParents.add(parent);
              await client.call('StopPodSandbox', { podSandboxId: s.id });
              await client.call('RemovePodSandbox', { podSandboxId: s.id });
            } catch (e) {
              this.log(`tearing down sandbox ${s.id.slice(0, 12)}: ${(e as Error).message}`);
            }
          }
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
      } catch (e) {
        this.log(`listing pod sandboxes at stop: ${(e as Error).message}`);
      } finally {
        client.close();
      }
    }
    await this.terminate();
    if (!opts.keepPods) await this.cleanupHost(cgroupParents);
  }

  private async terminate(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const done = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      if (!done) {
        child.kill('SIGKILL');
        await this.exited;
      }
    }
    this.child = undefined;
    rmSync(this.paths.pidFile, { force: true });
  }

  /** Removes what pods of this node leave on the host once containerd is gone. */
  private async cleanupHost(cgroupParents: Set<string>): Promise<void> {
    for (const mp of [...mountsUnder(this.paths.state), ...mountsUnder(this.paths.root)]) {
      try {
        await run('umount', ['-l', mp]);
      } catch {
        /* gone meanwhile */
      }
    }
    for (const parent of cgroupParents) removeCgroup(parent);
    await removePortmapRules(this.network.name);
    await deleteBridge(this.network.bridge);
    // Allocations of sandboxes torn down without CNI DEL (containerd killed) would leak addresses.
    rmSync(this.paths.ipamDir, { recursive: true, force: true });
  }
}

/** The cgroup parent recorded in a verbose PodSandboxStatus's info (containerd's "info" JSON). */
export function sandboxCgroupParent(info: Record<string, string> | undefined): string | undefined {
  const raw = info?.info;
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as { config?: { linux?: { cgroup_parent?: string } } };
    return parsed.config?.linux?.cgroup_parent || undefined;
  } catch {
    return undefined;
  }
}

export interface ImportOptions {
  socket: string;
  file: string;
  /**
   * Name for images the archive names only by tag (an OCI layout from umoci: "latest"),
   * e.g. docker.io/library/busybox; the archive's own full names are used otherwise.
   */
  baseName?: string;
  ctrPath?: string;
}

/** Lists the image names an archive carries (docker save RepoTags, or OCI ref.name annotations). */
export async function archiveImageNames(file: string): Promise<{ format: 'docker' | 'oci'; names: string[] }> {
  const read = async (member: string): Promise<string | undefined> => {
    try {
      const { stdout } = await run('tar', ['-xOf', file, member], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch {
      return undefined;
    }
  };
  const manifest = (await read('manifest.json')) ?? (await read('./manifest.json'));
  if (manifest) {
    const entries = JSON.parse(manifest) as { RepoTags?: string[] | null }[];
    return { format: 'docker', names: entries.flatMap((e) => e.RepoTags ?? []) };
  }
  const index = (await read('index.json')) ?? (await read('./index.json'));
  if (!index) throw new Error(`${file} is neither a docker-save archive nor an OCI image layout`);
  const parsed = JSON.parse(index) as { manifests?: { annotations?: Record<string, string> }[] };
  return { format: 'oci', names: (parsed.manifests ?? []).map((m) => m.annotations?.['org.opencontainers.image.ref.name'] ?? '').filter(Boolean) };
}

/** Splits an image name into its normalized repository and the tag written in it, if any. */
export function splitImageName(name: string): { repo: string; tag?: string } {
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const tag = !name.includes('@') && lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
  const normalized = normalizeImageRef(name.replace(/@.*$/, ''));
  return { repo: normalized.slice(0, normalized.lastIndexOf(':')), tag };
}

/**
 * Imports an image archive into containerd's k8s.io namespace (where the CRI looks) with ctr.
 * An OCI archive whose names are bare tags needs a base name: without one ctr would invent
 * `import-DATE:tag`, a name that confuses the CRI until containerd restarts. The base name is
 * normalized as the CRI names images (busybox → docker.io/library/busybox), for the same
 * reason; a tag in it (busybox:1.36) names the archive's one image instead of its own tag.
 * Returns the full names imported.
 */
export async function importImageArchive(opts: ImportOptions): Promise<string[]> {
  const { format, names } = await archiveImageNames(opts.file);
  const ctr = (args: string[]) => run(opts.ctrPath ?? 'ctr', ['-a', opts.socket, '-n', 'k8s.io', 'images', ...args], { maxBuffer: 16 * 1024 * 1024 });
  const args = ['import'];
  let expected = names;
  let retag: { from: string; to: string } | undefined;
  if (format === 'oci' && names.some((n) => !n.includes('/'))) {
    if (!opts.baseName) throw new Error(`${opts.file} names its image only by tag (${names.join(', ') || 'none'}): name it, e.g. docker.io/library/NAME`);
    const { repo, tag } = splitImageName(opts.baseName);
    args.push('--base-name', repo);
    expected = names.map((n) => `${repo}:${n}`);
    if (tag && expected.length > 1) throw new Error(`${opts.file} holds ${expected.length} images (${names.join(', ')}): give a name without a tag`);
    if (tag && expected.length === 1 && names[0] !== tag) retag = { from: expected[0]!, to: `${repo}:${tag}` };
  }
  args.push(opts.file);
  try {
    const before = retag ? (await ctr(['ls', '-q'])).stdout.split('\n') : [];
    await ctr(args);
    if (retag) {
      await ctr(['tag', '--force', retag.from, retag.to]);
      // Only the asked-for name stays (the archive's own tag would be a surprise in `image ls`),
      // unless that name was there before the import.
      if (!before.includes(retag.from)) await ctr(['rm', retag.from]);
      expected = [retag.to];
    }
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`importing ${opts.file}: ${(err.stderr || err.message).trim()}`);
  }
  return expected.map(normalizeImageRef);
}

/** docker.io/library/busybox:latest for busybox, as containerd names images. */
export function normalizeImageRef(ref: string): string {
  if (ref.startsWith('sha256:')) return ref;
  let name = ref;
  let digest = '';
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at);
    name = name.slice(0, at);
  }
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasDomain) name = `docker.io/${slash < 0 ? 'library/' : ''}${name}`;
  else if (first === 'index.docker.io') name = 'docker.io' + name.slice(first.length);
  if (name.startsWith('docker.io/') && !name.slice('docker.io/'.length).includes('/')) name = 'docker.io/library/' + name.slice('docker.io/'.length);
  const lastSlash = name.lastIndexOf('/');
  if (!digest && !name.slice(lastSlash + 1).includes(':')) name += ':latest';
  return name + digest;
}
