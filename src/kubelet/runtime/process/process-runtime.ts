// ProcessRuntime: the ContainerRuntime for machines without containerd (or without root). Every
// container is a host process; no image is pulled or unpacked (a container sees the host's files,
// copy-on-write), see README.md. As root, pods are isolated the way a container runtime isolates
// them: a network namespace and IP per pod on a per-node bridge, a mount namespace per container
// with real volume mounts and the pod's /etc/hosts, resolv.conf and hostname, cgroup limits
// (a memory limit OOM-kills), the container's user, and the default capability set. Without
// root, containers share the node's network and file system (`features` says what is missing).
//
//   const rt = await ProcessRuntime.start({ stateDir: '/var/lib/kubelite/process', podCIDR: '198.19.0.0/24' });
//   const sandbox = await rt.runPodSandbox(config);   // ... as any ContainerRuntime
//   await rt.close();                                  // stops every process, removes every netns
//
// Processes never outlive the runtime for long: see cleanup.ts (close(), a guardian that cleans
// up when kubelite dies, and a cleanup of leftovers at start).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { constants as osConstants } from 'node:os';
import { join, resolve } from 'node:path';
import { Duplex, PassThrough, Writable, type Readable } from 'node:stream';
import { kubeliteVersion } from '../../../apiserver/version.js';
import {
  ExecTimeoutError,
  type ContainerConfig,
  type ContainerRuntime,
  type ContainerStats,
  type ContainerStatus,
  type ContainerSummary,
  type ImageAuth,
  type ImageInfo,
  type PodSandboxConfig,
  type PodSandboxStatus,
  type StreamOptions,
  type StreamSession,
} from '../interface.js';
import { defaultClusterCIDR, nodePodCIDR } from '../simulated/ipam.js';
import { Cgroups, cgroupRel } from './cgroups.js';
import { Guardian, cleanupNow, type CleanupTargets } from './cleanup.js';
import { CriLogWriter, nowNanos } from './cri-log-writer.js';
import { detectCgroups, findHostTools, readMountInfo, readProcStat, ttyOf, type HostTools } from './host.js';
import { openHostPorts, type Forwarder } from './host-ports.js';
import { ImageStore, imageIdOf, isBusyboxImage } from './images.js';
import { execArgv, rootLaunchArgv, rootlessLaunchArgv, setprivArgs, withTty } from './launcher.js';
import { planMounts, type PlanMount } from './mount-plan.js';
import { netnsName, newId, runtimeNames, vethName, type RuntimeNames } from './names.js';
import { BridgeNetwork, type PodLink } from './network.js';
import { run } from './run.js';

export interface ProcessRuntimeOptions {
  /** The runtime's own directory: pid files, container stage directories, images.json. */
  stateDir: string;
  /** The node's pod CIDR; as root, pods get addresses from it (default: the first /24 of 198.19.0.0/16). */
  podCIDR?: string;
  /**
   * 'auto' (default): isolate pods (namespaces, cgroups) when running as root with the tools at
   * hand; 'root': require it; 'rootless': plain host processes even as root.
   */
  isolation?: 'auto' | 'root' | 'rootless';
  /** The command of an image, for containers that give none (images are not read): image → argv. */
  imageCommands?: Record<string, string[]>;
  /** Busybox (and Alpine) images run with the host's busybox applets first on PATH (default: when busybox is installed). */
  busyboxImages?: boolean;
  /** Pod network namespaces kept made ahead of need, as root (default 4; 0 makes each when its pod starts). */
  spareNetworks?: number;
  /** Run the guardian that cleans up when this process dies (default true). */
  guardian?: boolean;
  log?: (msg: string) => void;
}

/** What this runtime can do here; `missing` says in words what a containerd node would do that this one does not. */
export interface ProcessRuntimeFeatures {
  mode: 'root' | 'rootless';
  /** Each pod has its own network namespace and IP. */
  podNetwork: boolean;
  /** Volumes are mounted at their mountPath, with the pod's /etc/hosts, resolv.conf and hostname. */
  mountNamespaces: boolean;
  cgroups: 'v1' | 'v2' | false;
  /** runAsUser, runAsGroup, supplementalGroups, capabilities. */
  identity: boolean;
  hostPorts: 'userspace';
  /** tty containers and exec -t run under a pseudo-terminal (util-linux script). */
  tty: boolean;
  missing: string[];
}

export const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Where the busybox applets appear inside a root-mode container. */
const busyboxMountPoint = '/.kubelite/busybox';
/** containerd's message for a start that failed before the command ran. */
const startErrorExit = 128;

interface SandboxRecord {
  id: string;
  config: PodSandboxConfig;
  createdAt: bigint;
  state: 'ready' | 'notready';
  ip: string;
  hostNetwork: boolean;
  /** The pod's network namespace and link (pod network only). */
  link?: PodLink;
  dir: string;
  cgroupRel: string;
  forwarders: Forwarder[];
  /** /etc files the runtime made for the pod (container path → host file). */
  etcFiles: { containerPath: string; hostPath: string }[];
}

interface Attacher {
  stdout?: PassThrough;
  stderr?: PassThrough;
}

interface ContainerRecord {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  argv: string[];
  imageRef: string;
  createdAt: bigint;
  startedAt: bigint;
  finishedAt: bigint;
  state: 'created' | 'running' | 'exited';
  exitCode: number;
  reason: string;
  message: string;
  logPath: string;
  dir: string;
  env: Record<string, string>;
  workingDir: string;
  cgroupRel?: string;
  cgroupProcs: string[];
  identity: string[];
  uts: boolean;
  child?: ChildProcess;
  pid?: number;
  log?: CriLogWriter;
  attachers: Set<Attacher>;
  stdinAttached: boolean;
  exitWaiters: (() => void)[];
  exitedAt?: bigint;
  startFailed?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signalNumber(signal: NodeJS.Signals | null): number {
  if (!signal) return 0;
  return (osConstants.signals as Record<string, number>)[signal] ?? 9;
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + signalNumber(signal);
}

function matchLabels(labels: Record<string, string>, want?: Record<string, string>): boolean {
  if (!want) return true;
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

function clockTicksToNs(ticks: number): bigint {
  return BigInt(ticks) * 10_000_000n; // USER_HZ is 100 on Linux
}

export class ProcessRuntime implements ContainerRuntime {
  readonly name = 'process';
  readonly features: ProcessRuntimeFeatures;
  private readonly stateDir: string;
  private readonly names: RuntimeNames;
  private readonly tools: HostTools;
  private readonly root: boolean;
  private readonly cgroups: Cgroups | undefined;
  private network: BridgeNetwork | undefined;
  private readonly images: ImageStore;
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly guardian: Guardian | undefined;
  private readonly busyboxDir: string | undefined;
  private readonly log: (msg: string) => void;
  private closed = false;

  private constructor(private readonly opts: ProcessRuntimeOptions, setup: { tools: HostTools; root: boolean; cgroups: Cgroups | undefined; busyboxDir: string | undefined }) {
    this.stateDir = resolve(opts.stateDir);
    this.names = runtimeNames(this.stateDir);
    this.tools = setup.tools;
    this.root = setup.root;
    this.cgroups = setup.cgroups;
    this.busyboxDir = setup.busyboxDir;
    this.log = opts.log ?? (() => {});
    const busyboxSize = (() => {
      try {
        return this.tools.busybox ? statSync(this.tools.busybox).size : 0;
      } catch {
        return 0;
      }
    })();
    this.images = new ImageStore(join(this.stateDir, 'images.json'), (ref) => (isBusyboxImage(ref) && this.busyboxDir ? busyboxSize : 0));
    if (this.root) {
      this.network = this.bridgeNetwork(opts.podCIDR ?? nodePodCIDR(0, defaultClusterCIDR, 24));
    }
    this.features = this.describe();
    if (opts.guardian !== false) {
      this.guardian = new Guardian(this.cleanupTargets(), join(this.stateDir, 'guardian.log'));
    }
  }

  /** Checks the host, cleans up what an earlier run left behind, and starts the guardian. */
  static async start(opts: ProcessRuntimeOptions): Promise<ProcessRuntime> {
    const stateDir = resolve(opts.stateDir);
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const tools = findHostTools();
    const isolation = opts.isolation ?? 'auto';
    const isRoot = process.getuid?.() === 0;
    const missingTools = (['ip', 'nsenter', 'unshare', 'mount', 'umount', 'pivotRoot', 'setpriv', 'mkdir'] as const).filter((t) => !tools[t]);
    let overlay = false;
    try {
      overlay = /\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'));
    } catch {
      /* no procfs */
    }
    if (!overlay && isRoot) overlay = (await run(findTool('modprobe') ?? 'modprobe', ['overlay'])).code === 0;
    const canIsolate = isRoot && missingTools.length === 0 && overlay;
    if (isolation === 'root' && !canIsolate) {
      const why = !isRoot ? 'not running as root' : missingTools.length ? `missing ${missingTools.join(', ')}` : 'overlayfs is not available';
      throw new Error(`the process runtime cannot isolate pods here: ${why}`);
    }
    const root = isolation !== 'rootless' && canIsolate;
    let cgroups: Cgroups | undefined;
    if (root) {
      const layout = detectCgroups(readMountInfo());
      if (layout) cgroups = new Cgroups(layout, runtimeNames(stateDir).cgroupRoot);
    }
    let busyboxDir: string | undefined;
    if (opts.busyboxImages !== false && tools.busybox) busyboxDir = await makeBusyboxDir(tools.busybox, join(stateDir, 'busybox'));
    const rt = new ProcessRuntime({ ...opts, stateDir }, { tools, root, cgroups, busyboxDir });
    await cleanupNow(rt.cleanupTargets());
    for (const d of ['containers', 'sandboxes']) rmSync(join(stateDir, d), { recursive: true, force: true });
    for (const d of ['containers', 'sandboxes', 'pids']) mkdirSync(join(stateDir, d), { recursive: true });
    if (root) await rt.mountLayers();
    rt.guardian?.start();
    rt.network?.refill();
    if (root && !cgroups) rt.log('process runtime: no usable cgroup hierarchy: container resources are not enforced');
    return rt;
  }

  private async mountLayers(): Promise<void> {
    const dir = this.layersDir;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { mode: 0o700 });
    const mounted = await run(this.tools.mount!, ['-t', 'tmpfs', '-o', 'mode=0700', 'kubelite-layers', dir]);
    if (mounted.code !== 0) throw new Error(`cannot mount the container layers' tmpfs on ${dir}: ${mounted.stderr.trim()}`);
    await run(this.tools.mount!, ['--make-private', dir]);
  }

  private cleanupTargets(): CleanupTargets {
    return {
      sh: this.tools.sh,
      pidsDir: join(this.stateDir, 'pids'),
      ip: this.root ? this.tools.ip : undefined,
      netnsPrefix: this.names.netnsPrefix,
      vethPrefix: this.names.vethPrefix,
      bridge: this.names.bridge,
      envMarker: this.cgroups ? undefined : this.markerPrefix(),
      layersDir: this.root ? this.layersDir : undefined,
      cgroupRoots: this.cgroups?.rootDirs() ?? [],
    };
  }

  /** The tmpfs holding every container's writable layer and overlay directories (root mode). */
  private get layersDir(): string {
    return join(this.stateDir, 'layers');
  }

  private markerPrefix(): string {
    return `${this.names.envMarker}=${this.names.tag}:`;
  }

  private describe(): ProcessRuntimeFeatures {
    const missing: string[] = ['images are not pulled or used: containers run host programs and see the host file system (copy-on-write as root)'];
    if (!this.root) {
      missing.push(
        'no pod network: pods share the node network (no pod IP; two pods cannot listen on one port)',
        'no volume mounts: volumes are not visible at their mountPath (each volume path is in the environment as KUBELITE_MOUNT_<PATH>)',
        "no per-pod /etc/hosts, resolv.conf or hostname (the node's are used)",
        'no cgroups: resource limits are not enforced, no OOM kills, stats from /proc',
        'runAsUser, runAsGroup and capabilities are ignored',
      );
    } else if (!this.cgroups) {
      missing.push('no cgroups: resource limits are not enforced, no OOM kills');
    }
    missing.push('no PID or IPC namespaces: containers see the node processes (as with hostPID and hostIPC)');
    if (!this.tools.script) missing.push('no tty: util-linux script(1) is not installed');
    return {
      mode: this.root ? 'root' : 'rootless',
      podNetwork: this.root,
      mountNamespaces: this.root,
      cgroups: this.cgroups ? this.cgroups.version : false,
      identity: this.root,
      hostPorts: 'userspace',
      tty: !!this.tools.script,
      missing,
    };
  }

  private bridgeNetwork(podCIDR: string): BridgeNetwork {
    return new BridgeNetwork({
      ip: this.tools.ip!,
      sh: this.tools.sh,
      bridge: this.names.bridge,
      podCIDR,
      spares: this.opts.spareNetworks ?? 4,
      linkNames: () => {
        const key = newId();
        return { key, netns: netnsName(this.names, key), veth: vethName(this.names, key) };
      },
    });
  }

  /**
   * The node's pod CIDR (CRI UpdateRuntimeConfig), for a kubelet that learns it after start:
   * allowed while no pod holds an address of the old range.
   */
  async updatePodCIDR(podCIDR: string): Promise<void> {
    if (!this.root || !this.network) return;
    if (this.network.podsInUse > 0) throw new Error('pods still hold addresses of the current pod CIDR');
    await this.network.removeBridge();
    this.network = this.bridgeNetwork(podCIDR);
    this.network.refill();
  }

  async version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }> {
    return { runtimeName: 'process', runtimeVersion: kubeliteVersion, runtimeApiVersion: 'v1' };
  }

  // ---- sandboxes ----

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.assertOpen();
    const id = newId();
    const dir = join(this.stateDir, 'sandboxes', id);
    mkdirSync(dir, { recursive: true });
    const hostNetwork = config.linux.namespaces.network === 'node' || !this.root;
    const sandbox: SandboxRecord = {
      id,
      config,
      createdAt: nowNanos(),
      state: 'ready',
      ip: '',
      hostNetwork,
      dir,
      cgroupRel: cgroupRel(config.linux.cgroupParent || `pod${config.uid}`) || `pod${id}`,
      forwarders: [],
      etcFiles: [],
    };
    try {
      if (this.cgroups) this.cgroups.create(sandbox.cgroupRel, config.resources);
      if (this.root && !hostNetwork) {
        sandbox.link = await this.network!.add();
        sandbox.ip = sandbox.link.ip;
      }
      if (this.root) this.writeEtcFiles(sandbox);
      sandbox.forwarders = await openHostPorts(config.portMappings, sandbox.ip || '127.0.0.1');
    } catch (e) {
      await this.teardownSandbox(sandbox);
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    this.sandboxes.set(id, sandbox);
    return id;
  }

  private writeEtcFiles(s: SandboxRecord): void {
    const c = s.config;
    if (c.dnsConfig) {
      const lines: string[] = [];
      if (c.dnsConfig.searches.length) lines.push(`search ${c.dnsConfig.searches.join(' ')}`);
      for (const ns of c.dnsConfig.servers) lines.push(`nameserver ${ns}`);
      if (c.dnsConfig.options.length) lines.push(`options ${c.dnsConfig.options.join(' ')}`);
      const path = join(s.dir, 'resolv.conf');
      writeFileSync(path, lines.join('\n') + '\n', { mode: 0o644 });
      s.etcFiles.push({ containerPath: '/etc/resolv.conf', hostPath: path });
    }
    if (!s.hostNetwork) {
      const path = join(s.dir, 'hostname');
      writeFileSync(path, `${c.hostname || c.name}\n`, { mode: 0o644 });
      s.etcFiles.push({ containerPath: '/etc/hostname', hostPath: path });
    }
    if (c.hostsFile) s.etcFiles.push({ containerPath: '/etc/hosts', hostPath: c.hostsFile });
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    const s = this.sandboxes.get(sandboxId);
    if (!s) return;
    await Promise.all([...this.containers.values()].filter((c) => c.sandboxId === sandboxId).map((c) => this.stopContainer(c.id, 0)));
    if (s.state === 'notready') return;
    s.state = 'notready';
    await this.teardownSandbox(s);
  }

  private async teardownSandbox(s: SandboxRecord): Promise<void> {
    await Promise.all(s.forwarders.map((f) => f.close().catch(() => {})));
    s.forwarders = [];
    if (s.link && this.network) await this.network.remove(s.link);
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    const s = this.sandboxes.get(sandboxId);
    if (!s) return;
    await this.stopPodSandbox(sandboxId);
    for (const c of [...this.containers.values()]) if (c.sandboxId === sandboxId) await this.removeContainer(c.id);
    if (this.cgroups) {
      await this.cgroups.killAll(s.cgroupRel);
      this.cgroups.remove(s.cgroupRel);
    }
    rmSync(s.dir, { recursive: true, force: true });
    this.sandboxes.delete(sandboxId);
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus | undefined> {
    const s = this.sandboxes.get(sandboxId);
    return s && this.sandboxStatus(s);
  }

  private sandboxStatus(s: SandboxRecord): PodSandboxStatus {
    const c = s.config;
    return {
      id: s.id,
      state: s.state,
      createdAt: s.createdAt.toString(),
      ip: s.ip,
      additionalIps: [],
      metadata: { name: c.name, namespace: c.namespace, uid: c.uid, attempt: c.attempt },
      labels: { ...c.labels },
      annotations: { ...c.annotations },
    };
  }

  async listPodSandboxes(filter?: { labels?: Record<string, string> }): Promise<PodSandboxStatus[]> {
    return [...this.sandboxes.values()].filter((s) => matchLabels(s.config.labels, filter?.labels)).map((s) => this.sandboxStatus(s));
  }

  // ---- images ----

  async pullImage(image: string, _auth?: ImageAuth): Promise<string> {
    this.assertOpen();
    return this.images.pull(image);
  }

  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    return this.images.status(image);
  }

  async listImages(): Promise<ImageInfo[]> {
    return this.images.list();
  }

  async removeImage(image: string): Promise<void> {
    this.images.remove(image);
  }

  // ---- containers ----

  async createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    this.assertOpen();
    const s = this.sandboxes.get(sandboxId);
    if (!s) throw new Error(`sandbox ${sandboxId} not found`);
    if (s.state !== 'ready') throw new Error(`sandbox ${sandboxId} is not ready`);
    for (const c of this.containers.values()) {
      if (c.sandboxId === sandboxId && c.config.name === config.name && c.config.attempt === config.attempt) {
        const reserved = `${config.name}_${sandboxConfig.name}_${sandboxConfig.namespace}_${sandboxConfig.uid}_${config.attempt}`;
        throw new Error(`failed to reserve container name "${reserved}": name "${reserved}" is reserved for "${c.id}"`);
      }
    }
    const argv = this.commandOf(config);
    const id = newId();
    const dir = join(this.stateDir, 'containers', id);
    mkdirSync(dir, { recursive: true });
    const busybox = !!this.busyboxDir && isBusyboxImage(config.image);
    const env: Record<string, string> = {};
    const pathDirs = busybox ? `${this.root ? busyboxMountPoint : this.busyboxDir}:${defaultPath}` : defaultPath;
    env.PATH = pathDirs;
    env.HOSTNAME = s.hostNetwork && this.root ? hostName() : sandboxConfig.hostname || sandboxConfig.name;
    if (!this.root) env.HOSTNAME = hostName();
    if (config.tty) env.TERM = 'xterm';
    const uid = this.root ? config.linux.securityContext.runAsUser ?? sandboxConfig.linux.runAsUser : undefined;
    env.HOME = uid === undefined || uid === 0 ? (this.root ? '/root' : process.env.HOME ?? '/') : '/';
    for (const { key, value } of config.env) env[key] = value;
    if (!this.root) {
      for (const m of config.mounts) env[`KUBELITE_MOUNT_${m.containerPath.replace(/[^A-Za-z0-9]/g, '_').replace(/^_+/, '').toUpperCase()}`] = m.hostPath;
    }
    if (!this.cgroups) env[this.names.envMarker] = `${this.names.tag}:${id}`;
    const sc = config.linux.securityContext;
    const identity = this.root
      ? setprivArgs(this.tools.setpriv!, {
          privileged: sc.privileged ?? sandboxConfig.linux.privileged,
          runAsUser: uid,
          runAsGroup: sc.runAsGroup ?? sandboxConfig.linux.runAsGroup,
          supplementalGroups: sc.supplementalGroups ?? sandboxConfig.linux.supplementalGroups,
          noNewPrivs: sc.noNewPrivs,
          capabilities: sc.capabilities,
        })
      : [];
    const record: ContainerRecord = {
      id,
      sandboxId,
      config,
      argv,
      imageRef: imageIdOf(config.image),
      createdAt: nowNanos(),
      startedAt: 0n,
      finishedAt: 0n,
      state: 'created',
      exitCode: 0,
      reason: '',
      message: '',
      logPath: join(sandboxConfig.logDirectory || s.config.logDirectory, config.logPath),
      dir,
      env,
      workingDir: config.workingDir || '/',
      cgroupProcs: [],
      identity,
      uts: this.root && !s.hostNetwork,
      attachers: new Set(),
      stdinAttached: false,
      exitWaiters: [],
    };
    this.containers.set(id, record);
    return id;
  }

  /** Command and args as the kubelet gives them; without a command, the image's (from imageCommands). */
  private commandOf(config: ContainerConfig): string[] {
    if (config.command.length) return [...config.command, ...config.args];
    const known = this.opts.imageCommands?.[config.image];
    if (known?.length) return [...known, ...config.args];
    if (config.args.length) return [...config.args];
    if (isBusyboxImage(config.image)) return ['sh'];
    throw new Error(`no command specified: the process runtime does not read image ${JSON.stringify(config.image)}, so its container needs a command`);
  }

  async startContainer(containerId: string): Promise<void> {
    this.assertOpen();
    const c = this.containers.get(containerId);
    if (!c) throw new Error(`container ${containerId} not found`);
    if (c.state !== 'created') throw new Error(`container ${containerId} is in ${c.state === 'running' ? 'CONTAINER_RUNNING' : 'CONTAINER_EXITED'} state`);
    const s = this.sandboxes.get(c.sandboxId);
    if (!s || s.state !== 'ready') throw new Error(`sandbox ${c.sandboxId} is not ready`);
    let argv: string[];
    try {
      argv = this.launchArgv(c, s);
    } catch (e) {
      this.failStart(c, (e as Error).message);
      throw new Error(`failed to start container process: ${(e as Error).message}`);
    }
    c.log = new CriLogWriter(c.logPath);
    const child = spawn(argv[0], argv.slice(1), {
      env: c.env,
      cwd: '/',
      stdio: [c.config.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    c.child = child;
    c.pid = child.pid;
    c.state = 'running';
    const launched = this.watchLaunch(c, child);
    this.watchOutput(c, child);
    const failure = await launched;
    if (failure !== undefined) {
      this.failStart(c, failure);
      throw new Error(`failed to start container process: ${failure}`);
    }
    c.startedAt = nowNanos();
    if (c.pid) this.writePidFile(c.id, c.pid);
  }

  private launchArgv(c: ContainerRecord, s: SandboxRecord): string[] {
    let exec = [...c.argv];
    if (c.config.tty) {
      if (!this.tools.script) throw new Error('a tty needs util-linux script(1), which is not installed');
      exec = withTty(this.tools.script, exec);
    }
    exec = [...c.identity, ...exec];
    if (!this.root) {
      if (!existsSync(c.workingDir)) throw new Error(`chdir to cwd ("${c.workingDir}") set in config.json failed: no such file or directory`);
      return rootlessLaunchArgv(this.tools, c.workingDir, c.argv[0], exec);
    }
    if (this.cgroups) {
      c.cgroupRel = `${s.cgroupRel}/${c.id}`;
      c.cgroupProcs = this.cgroups.create(c.cgroupRel, c.config.linux.resources);
    }
    const mounts: PlanMount[] = [];
    const given = new Set(c.config.mounts.map((m) => m.containerPath.replace(/\/+$/, '')));
    for (const f of s.etcFiles) if (!given.has(f.containerPath)) mounts.push({ containerPath: f.containerPath, hostPath: f.hostPath, readonly: false, kind: 'file' });
    if (this.busyboxDir && isBusyboxImage(c.config.image)) mounts.push({ containerPath: busyboxMountPoint, hostPath: this.busyboxDir, readonly: true, kind: 'dir' });
    for (const m of c.config.mounts) {
      let st;
      try {
        st = statSync(m.hostPath);
      } catch {
        throw new Error(`error mounting "${m.hostPath}" to rootfs at "${m.containerPath}": stat ${m.hostPath}: no such file or directory`);
      }
      mounts.push({ containerPath: m.containerPath, hostPath: m.hostPath, readonly: !!m.readonly, kind: st.isDirectory() ? 'dir' : 'file' });
    }
    const layer = join(this.layersDir, c.id);
    const plan = planMounts({
      layer,
      hostMounts: readMountInfo(),
      mounts,
      readonlyRootfs: c.config.linux.securityContext.readonlyRootfs,
      lookup: (p) => {
        try {
          const st = lstatSync(p);
          return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
        } catch {
          return undefined;
        }
      },
      readlink: (p) => readlinkSync(p),
    });
    for (const d of plan.dirs) mkdirSync(d, { recursive: true });
    for (const f of plan.files) if (!existsSync(f)) writeFileSync(f, '');
    const fstabPath = join(layer, 'fstab');
    writeFileSync(fstabPath, plan.fstab);
    return rootLaunchArgv({
      tools: this.tools,
      plan,
      fstabPath,
      netnsPath: s.link ? `/run/netns/${s.link.netns}` : undefined,
      hostname: c.uts ? s.config.hostname || s.config.name : '',
      workingDir: c.workingDir,
      cgroupProcs: c.cgroupProcs,
      command: c.argv[0],
      exec,
    });
  }

  /** Resolves undefined once the launch script reported `ok`, or with the reason it did not start. */
  private watchLaunch(c: ContainerRecord, child: ChildProcess): Promise<string | undefined> {
    return new Promise((resolve) => {
      const status = child.stdio[3] as Readable | null;
      let text = '';
      let done = false;
      const finish = (v: string | undefined) => {
        if (done) return;
        done = true;
        resolve(v);
      };
      child.once('error', (e) => finish(e.message));
      if (!status) return finish('no launch status pipe');
      status.setEncoding('utf8');
      status.on('data', (d: string) => {
        text += d;
        if (text.startsWith('ok\n')) finish(undefined);
      });
      status.on('error', () => {});
      status.on('close', () => {
        if (text.startsWith('ok\n')) return finish(undefined);
        finish(text.trim() || `the launch of ${c.argv[0]} failed`);
      });
    });
  }

  private failStart(c: ContainerRecord, message: string): void {
    c.reason = 'StartError';
    c.message = message;
    c.exitCode = startErrorExit;
    c.startFailed = true;
    if (!c.child || c.child.exitCode !== null || c.child.signalCode !== null) {
      if (c.state !== 'exited') this.markExited(c, startErrorExit);
    }
  }

  private watchOutput(c: ContainerRecord, child: ChildProcess): void {
    const feed = (stream: 'stdout' | 'stderr', r: Readable | null) => {
      if (!r) return;
      r.on('data', (d: Buffer) => {
        c.log?.write(stream, d);
        for (const a of c.attachers) a[stream]?.write(d);
      });
      r.on('end', () => c.log?.endStream(stream));
      r.on('error', () => {});
    };
    feed('stdout', child.stdout);
    feed('stderr', child.stderr);
    child.stdin?.on('error', () => {});
    let exitCode = 0;
    let fallback: NodeJS.Timeout | undefined;
    child.on('exit', (code, signal) => {
      exitCode = exitCodeOf(code, signal);
      c.exitedAt = nowNanos();
      // The container ends with its main process: what it left behind goes too (as with runc's PID 1).
      void this.killRest(c);
      fallback = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        (child.stdio[3] as Readable | null)?.destroy();
      }, 2000);
    });
    child.on('close', () => {
      if (fallback) clearTimeout(fallback);
      void this.finishExit(c, exitCode);
    });
    child.on('error', () => {
      if (c.state !== 'exited') void this.finishExit(c, startErrorExit);
    });
  }

  private async finishExit(c: ContainerRecord, exitCode: number): Promise<void> {
    if (c.state === 'exited') return;
    await c.log?.close();
    this.markExited(c, exitCode);
  }

  private markExited(c: ContainerRecord, exitCode: number): void {
    if (c.state === 'exited') return;
    c.state = 'exited';
    c.finishedAt = c.exitedAt ?? nowNanos();
    if (c.startFailed) {
      c.exitCode = startErrorExit;
    } else {
      c.exitCode = exitCode;
      const oom = this.cgroups && c.cgroupRel ? this.cgroups.oomKills(c.cgroupRel) > 0 : false;
      c.reason = oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
    }
    rmSync(join(this.stateDir, 'pids', c.id), { force: true });
    for (const a of c.attachers) {
      a.stdout?.end();
      a.stderr?.end();
    }
    c.attachers.clear();
    const waiters = c.exitWaiters;
    c.exitWaiters = [];
    for (const w of waiters) w();
  }

  private whenExited(c: ContainerRecord): Promise<void> {
    if (c.state === 'exited' || c.state === 'created') return Promise.resolve();
    return new Promise((resolve) => c.exitWaiters.push(resolve));
  }

  /** Kills every process of the container (cgroup, process group, environment marker). */
  private async killRest(c: ContainerRecord): Promise<void> {
    if (c.pid) {
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        /* the group is gone */
      }
    }
    if (this.cgroups && c.cgroupRel) await this.cgroups.killAll(c.cgroupRel);
    else for (const pid of this.markedPids(`${this.names.tag}:${c.id}`)) killQuietly(pid, 'SIGKILL');
  }

  /** Processes whose environment carries the marker value (rootless tracking). */
  private markedPids(value: string): number[] {
    const want = Buffer.from(`${this.names.envMarker}=${value}\0`);
    const out: number[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const env = readFileSync(`/proc/${name}/environ`);
        if (env.indexOf(want) === 0 || env.indexOf(Buffer.concat([Buffer.from([0]), want])) !== -1) out.push(Number(name));
      } catch {
        /* gone, or not ours to read */
      }
    }
    return out.filter((p) => p !== process.pid);
  }

  private writePidFile(name: string, pid: number): void {
    const st = readProcStat(pid);
    if (!st) return;
    try {
      writeFileSync(join(this.stateDir, 'pids', name), `${pid} ${st.startTime}\n`);
    } catch {
      /* the state directory went away (close) */
    }
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c || c.state !== 'running' || !c.pid) return;
    const exited = this.whenExited(c);
    if (timeoutSeconds > 0) {
      killQuietly(c.pid, 'SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), sleep(timeoutSeconds * 1000).then(() => true)]);
      if (!timedOut) return;
    }
    await this.killRest(c);
    killQuietly(c.pid, 'SIGKILL');
    await exited;
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    if (c.state === 'running') await this.stopContainer(containerId, 0);
    await c.log?.close();
    if (this.cgroups && c.cgroupRel) {
      await this.cgroups.killAll(c.cgroupRel);
      this.cgroups.remove(c.cgroupRel);
    }
    rmSync(c.dir, { recursive: true, force: true });
    if (this.root) rmSync(join(this.layersDir, c.id), { recursive: true, force: true });
    this.containers.delete(containerId);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(containerId);
    if (!c) return undefined;
    return {
      id: c.id,
      name: c.config.name,
      attempt: c.config.attempt,
      state: c.state,
      createdAt: c.createdAt.toString(),
      startedAt: c.startedAt.toString(),
      finishedAt: c.finishedAt.toString(),
      exitCode: c.state === 'exited' ? c.exitCode : 0,
      reason: c.state === 'exited' ? c.reason : '',
      message: c.message,
      image: c.config.image,
      imageRef: c.imageRef,
      logPath: c.logPath,
      labels: { ...c.config.labels },
      annotations: { ...c.config.annotations },
    };
  }

  async listContainers(filter?: { sandboxId?: string; labels?: Record<string, string> }): Promise<ContainerSummary[]> {
    return [...this.containers.values()]
      .filter((c) => (!filter?.sandboxId || c.sandboxId === filter.sandboxId) && matchLabels(c.config.labels, filter?.labels))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
      .map((c) => ({ id: c.id, sandboxId: c.sandboxId, name: c.config.name, attempt: c.config.attempt, state: c.state, labels: { ...c.config.labels } }));
  }

  async containerStats(containerId: string): Promise<ContainerStats | undefined> {
    const c = this.containers.get(containerId);
    if (!c || c.state !== 'running' || !c.pid) return undefined;
    if (this.cgroups && c.cgroupRel) {
      const st = this.cgroups.stats(c.cgroupRel);
      if (!st) return undefined;
      return { cpuUsageCoreNanoSeconds: st.cpuNs.toString(), memoryWorkingSetBytes: st.workingSetBytes, timestamp: nowNanos().toString() };
    }
    const pids = new Set([c.pid, ...this.markedPids(`${this.names.tag}:${c.id}`)]);
    let ticks = 0;
    let rss = 0;
    for (const pid of pids) {
      const st = readProcStat(pid);
      if (!st) continue;
      ticks += st.utime + st.stime;
      rss += st.rssPages * 4096;
    }
    return { cpuUsageCoreNanoSeconds: clockTicksToNs(ticks).toString(), memoryWorkingSetBytes: rss, timestamp: nowNanos().toString() };
  }

  async reopenContainerLog(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) throw new Error(`container ${containerId} not found`);
    if (c.state !== 'running') throw new Error(`container ${containerId} is not running`);
    await c.log?.reopen();
  }

  // ---- exec, attach, port-forward ----

  private runningContainer(containerId: string): ContainerRecord & { pid: number } {
    const c = this.containers.get(containerId);
    if (!c) throw new Error(`container ${containerId} not found`);
    if (c.state !== 'running' || !c.pid || !c.startedAt) throw new Error(`container ${containerId} is not running`);
    return c as ContainerRecord & { pid: number };
  }

  private spawnExec(c: ContainerRecord & { pid: number }, cmd: string[], tty: boolean, stdin: boolean): ChildProcess {
    if (cmd.length === 0) throw new Error('exec: no command given');
    let exec = tty ? withTty(this.tools.script ?? 'script', cmd) : [...cmd];
    let argv: string[];
    if (this.root) {
      exec = [...c.identity, ...exec];
      argv = execArgv({ tools: this.tools, pid: c.pid, cgroupProcs: c.cgroupProcs, netns: true, uts: c.uts, workingDir: c.workingDir, exec });
    } else {
      argv = [this.tools.sh, '-c', 'cd "$0" 2>/dev/null || exit 126; exec "$@"', c.workingDir, ...exec];
    }
    const env = { ...c.env };
    if (tty) env.TERM ??= 'xterm';
    const child = spawn(argv[0], argv.slice(1), { env, cwd: '/', stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], detached: true });
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    if (child.pid) this.writePidFile(`exec-${child.pid}`, child.pid);
    child.once('exit', () => {
      if (child.pid) rmSync(join(this.stateDir, 'pids', `exec-${child.pid}`), { force: true });
    });
    return child;
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }> {
    const c = this.runningContainer(containerId);
    const child = this.spawnExec(c, cmd, false, false);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      if (timeoutSeconds > 0) {
        timer = setTimeout(() => {
          if (child.pid) killQuietly(-child.pid, 'SIGKILL');
          reject(new ExecTimeoutError(`command ${JSON.stringify(cmd.join(' '))} timed out after ${timeoutSeconds}s`));
        }, timeoutSeconds * 1000);
      }
      child.once('error', (e) => {
        if (timer) clearTimeout(timer);
        reject(e);
      });
      child.once('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode: exitCodeOf(code, signal) });
      });
    });
  }

  async exec(containerId: string, cmd: string[], options: StreamOptions): Promise<StreamSession> {
    const c = this.runningContainer(containerId);
    const child = this.spawnExec(c, cmd, options.tty, options.stdin);
    const exit = new Promise<{ exitCode: number }>((resolve) => {
      child.once('close', (code, signal) => resolve({ exitCode: exitCodeOf(code, signal) }));
      child.once('error', () => resolve({ exitCode: 126 }));
    });
    if (!options.stdout) child.stdout!.resume();
    if (!options.stderr || options.tty) child.stderr!.resume();
    return {
      stdin: options.stdin ? child.stdin ?? undefined : undefined,
      stdout: options.stdout ? child.stdout! : undefined,
      stderr: options.stderr && !options.tty ? child.stderr! : undefined,
      resize: options.tty ? (w, h) => void this.resizeTty(child.pid, w, h) : undefined,
      exit,
      close: () => {
        child.stdin?.end();
        // A hang-up, as a terminal closing would send.
        if (child.exitCode === null && child.signalCode === null && child.pid) killQuietly(-child.pid, 'SIGHUP');
      },
    };
  }

  /** Sets the window size of the pseudo-terminal that script(1) made for the process `scriptPid`. */
  private async resizeTty(scriptPid: number | undefined, width: number, height: number): Promise<void> {
    if (!scriptPid || !this.tools.stty) return;
    for (let i = 0; i < 20; i++) {
      let pts: string | undefined;
      try {
        const children = readFileSync(`/proc/${scriptPid}/task/${scriptPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
        for (const ch of children) pts ??= ttyOf(Number(ch));
      } catch {
        return;
      }
      if (pts) {
        await run(this.tools.stty, ['-F', pts, 'rows', String(height), 'cols', String(width)]);
        return;
      }
      await sleep(50);
    }
  }

  async attach(containerId: string, options: StreamOptions): Promise<StreamSession> {
    const c = this.runningContainer(containerId);
    const child = c.child!;
    const attacher: Attacher = {};
    if (options.stdout) attacher.stdout = new PassThrough();
    if (options.stderr && !c.config.tty) attacher.stderr = new PassThrough();
    c.attachers.add(attacher);
    let stdin: Writable | undefined;
    if (options.stdin) {
      if (!c.config.stdin || !child.stdin) throw new Error(`container ${containerId} was not created with stdin`);
      if (c.stdinAttached && c.config.stdinOnce) throw new Error(`container ${containerId}'s stdin was already used (stdinOnce)`);
      c.stdinAttached = true;
      const target = child.stdin;
      stdin = new Writable({
        write(chunk, _enc, cb) {
          if (target.destroyed || target.writableEnded) return cb();
          target.write(chunk, () => cb());
        },
        final(cb) {
          if (c.config.stdinOnce) target.end();
          cb();
        },
      });
    }
    const exit = new Promise<{ exitCode: number }>((resolve) => {
      void this.whenExited(c).then(() => resolve({ exitCode: c.exitCode }));
    });
    let closed = false;
    return {
      stdin,
      stdout: attacher.stdout,
      stderr: attacher.stderr,
      resize: c.config.tty ? (w, h) => void this.resizeTty(c.pid, w, h) : undefined,
      exit,
      close: () => {
        if (closed) return;
        closed = true;
        c.attachers.delete(attacher);
        attacher.stdout?.end();
        attacher.stderr?.end();
        if (stdin && c.config.stdinOnce) child.stdin?.end();
      },
    };
  }

  async portForward(sandboxId: string, port: number): Promise<Duplex> {
    const s = this.sandboxes.get(sandboxId);
    if (!s) throw new Error(`sandbox ${sandboxId} not found`);
    if (s.state !== 'ready') throw new Error(`sandbox ${sandboxId} is not ready`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid port ${port}`);
    if (s.link && this.tools.nsenter && this.tools.busybox) return this.forwardInNetns(s.link.netns, port);
    // The node's network, or no relay tool: the pod's address (or the node's loopback) from here.
    const host = s.ip || '127.0.0.1';
    return new Promise((resolve, reject) => {
      const sock = connect({ host, port });
      sock.once('connect', () => resolve(sock));
      sock.once('error', (e) => reject(new Error(`failed to connect to ${host}:${port}: ${e.message}`)));
    });
  }

  /** A relay (busybox nc) inside the pod's network namespace to its localhost, as containerd connects. */
  private forwardInNetns(netns: string, port: number): Duplex {
    const child = spawn(this.tools.nsenter!, [`--net=/run/netns/${netns}`, '--', this.tools.busybox!, 'nc', '127.0.0.1', String(port)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: defaultPath },
    });
    let errText = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (errText += d));
    child.on('error', () => {});
    child.stdin.on('error', () => {});
    // The pod side ends only when nc has exited: a refused connection (nc's exit code) must fail
    // the stream, so the client hears why on the error stream, instead of a plain end of data.
    const duplex = new Duplex({
      allowHalfOpen: true,
      read() {
        child.stdout.resume();
      },
      write(chunk: Buffer, _enc, cb) {
        if (child.stdin.writable) child.stdin.write(chunk, () => cb());
        else cb();
      },
      final(cb) {
        child.stdin.end();
        cb();
      },
      destroy(err, cb) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        cb(err);
      },
    });
    child.stdout.on('data', (c: Buffer) => {
      if (!duplex.push(c)) child.stdout.pause();
    });
    child.once('close', (code) => {
      if (duplex.destroyed) return;
      if (code && code !== 0) duplex.destroy(new Error(`failed to connect to localhost:${port} inside namespace "/run/netns/${netns}": ${errText.trim() || `exit ${code}`}`));
      else duplex.push(null);
    });
    return duplex;
  }

  // ---- lifecycle ----

  private assertOpen(): void {
    if (this.closed) throw new Error('the process runtime is closed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.containers.values()].map((c) => this.stopContainer(c.id, 0).catch(() => {})));
    for (const c of this.containers.values()) await c.log?.close();
    for (const s of this.sandboxes.values()) await this.teardownSandbox(s).catch(() => {});
    await this.network?.removeBridge();
    this.cgroups?.removeAll();
    await cleanupNow(this.cleanupTargets());
    await this.guardian?.stop();
    this.containers.clear();
    this.sandboxes.clear();
    for (const d of ['containers', 'sandboxes']) rmSync(join(this.stateDir, d), { recursive: true, force: true });
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}

function hostName(): string {
  try {
    return readFileSync('/proc/sys/kernel/hostname', 'utf8').trim();
  } catch {
    return 'localhost';
  }
}

function findTool(name: string): string | undefined {
  for (const d of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) if (existsSync(join(d, name))) return join(d, name);
  return undefined;
}

/** A directory of busybox applet links, so that busybox images' commands (httpd, nc, wget...) resolve. */
async function makeBusyboxDir(busybox: string, dir: string): Promise<string | undefined> {
  const list = await run(busybox, ['--list']);
  if (list.code !== 0) return undefined;
  mkdirSync(dir, { recursive: true });
  const have = new Set(readdirSync(dir));
  for (const applet of list.stdout.split('\n').map((l) => l.trim())) {
    if (!applet || applet.includes('/') || have.has(applet)) continue;
    try {
      symlinkSync(busybox, join(dir, applet));
    } catch {
      /* a race with another runtime on the same directory */
    }
  }
  return dir;
}
