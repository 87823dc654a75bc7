// The ContainerRuntime on a CRI v1 runtime (containerd): each method is one or two CRI calls,
// with the kubelet-side conventions the CRI leaves to its caller — default masked /proc paths,
// the pod's own /etc/hosts mounted into every container, namespace options copied from the
// sandbox, and the pod cgroup removed with the sandbox (containerd leaves it behind).
// Exec, attach and port-forward go through the runtime's streaming server (SPDY by default).

import type { Duplex } from 'node:stream';
import { ExecTimeoutError } from '../interface.js';
import type {
  ContainerConfig,
  ContainerResources,
  ContainerRuntime,
  ContainerState,
  ContainerStats,
  ContainerStatus,
  ContainerSummary,
  ImageAuth,
  ImageInfo,
  NamespaceMode,
  PodSandboxConfig,
  PodSandboxStatus,
  StreamOptions,
  StreamSession,
} from '../interface.js';
import { CriClient, CriError, type CriMessage } from './client.js';
import { removeCgroup } from './cgroups.js';
import { Containerd, normalizeImageRef, sandboxCgroupParent, type ContainerdOptions, type StopOptions } from './containerd.js';
import { openPortForward, openRemoteCommand, type StreamTransport } from './streaming.js';
import { execFile } from 'node:child_process';
import { status as grpcStatus } from '@grpc/grpc-js';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths the kubelet masks in unprivileged containers (Docker's and Kubernetes' defaults). */
export const defaultMaskedPaths = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];
export const defaultReadonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export interface CriRuntimeOptions {
  /** The runtime's CRI socket. */
  socket: string;
  /** A containerd this runtime started and stops on close(). */
  containerd?: Containerd;
  /** How stop() treats pods of a containerd it owns (default: tear them down). */
  stopOptions?: StopOptions;
  /** Transport to the streaming server (default spdy: it can half-close stdin). */
  streamTransport?: StreamTransport;
  /** ctr, for untagging one name of an image with several (default: `ctr` on PATH). */
  ctrPath?: string;
  /** Deadline of image pulls (default 10 min). */
  pullTimeoutMs?: number;
}

const sandboxStates: Record<string, 'ready' | 'notready'> = { SANDBOX_READY: 'ready', SANDBOX_NOTREADY: 'notready' };
const containerStates: Record<string, ContainerState> = {
  CONTAINER_CREATED: 'created',
  CONTAINER_RUNNING: 'running',
  CONTAINER_EXITED: 'exited',
  CONTAINER_UNKNOWN: 'unknown',
};
const namespaceModes: Record<NamespaceMode, string> = { pod: 'POD', container: 'CONTAINER', node: 'NODE' };
const propagations = { private: 'PROPAGATION_PRIVATE', 'host-to-container': 'PROPAGATION_HOST_TO_CONTAINER', bidirectional: 'PROPAGATION_BIDIRECTIONAL' } as const;

function int64(n: number | undefined): string | undefined {
  return n === undefined ? undefined : String(Math.trunc(n));
}

function linuxResources(r: ContainerResources | undefined): CriMessage | undefined {
  if (!r) return undefined;
  return {
    cpuPeriod: int64(r.cpuPeriod),
    cpuQuota: int64(r.cpuQuota),
    cpuShares: int64(r.cpuShares),
    memoryLimitInBytes: int64(r.memoryLimitInBytes),
    oomScoreAdj: int64(r.oomScoreAdj),
  };
}

function namespaceOptions(sandbox: PodSandboxConfig): CriMessage {
  const ns = sandbox.linux.namespaces;
  return { network: namespaceModes[ns.network], pid: namespaceModes[ns.pid], ipc: namespaceModes[ns.ipc] };
}

/** The CRI PodSandboxConfig for a sandbox configuration. */
export function toCriSandboxConfig(c: PodSandboxConfig): CriMessage {
  const l = c.linux;
  return {
    metadata: { name: c.name, namespace: c.namespace, uid: c.uid, attempt: c.attempt },
    // A sandbox in the node's network shares its UTS namespace: runc refuses a hostname there
    // (the kubelet sends none for hostNetwork pods either).
    hostname: l.namespaces.network === 'node' ? '' : c.hostname,
    logDirectory: c.logDirectory,
    dnsConfig: c.dnsConfig ? { servers: c.dnsConfig.servers, searches: c.dnsConfig.searches, options: c.dnsConfig.options } : undefined,
    portMappings: c.portMappings.map((p) => ({ protocol: p.protocol, containerPort: p.containerPort, hostPort: p.hostPort, hostIp: p.hostIp ?? '' })),
    labels: c.labels,
    annotations: c.annotations,
    linux: {
      cgroupParent: l.cgroupParent ?? '',
      securityContext: {
        namespaceOptions: namespaceOptions(c),
        privileged: l.privileged ?? false,
        runAsUser: l.runAsUser !== undefined ? { value: int64(l.runAsUser) } : undefined,
        runAsGroup: l.runAsGroup !== undefined ? { value: int64(l.runAsGroup) } : undefined,
        supplementalGroups: (l.supplementalGroups ?? []).map((g) => int64(g)),
      },
      sysctls: l.sysctls ?? {},
      resources: linuxResources(c.resources),
    },
  };
}

/** The CRI ContainerConfig for a container of `sandbox`. */
export function toCriContainerConfig(c: ContainerConfig, sandbox: PodSandboxConfig): CriMessage {
  const sc = c.linux.securityContext;
  const privileged = sc.privileged ?? false;
  const mounts = c.mounts.map((m) => ({ containerPath: m.containerPath, hostPath: m.hostPath, readonly: m.readonly ?? false, propagation: propagations[m.propagation ?? 'private'] }));
  // The pod's own /etc/hosts (its name and IP), unless the container brings one.
  if (sandbox.hostsFile && !mounts.some((m) => m.containerPath === '/etc/hosts')) {
    mounts.push({ containerPath: '/etc/hosts', hostPath: sandbox.hostsFile, readonly: false, propagation: propagations.private });
  }
  return {
    metadata: { name: c.name, attempt: c.attempt },
    image: { image: c.image },
    command: c.command,
    args: c.args,
    workingDir: c.workingDir ?? '',
    envs: c.env.map((e) => ({ key: e.key, value: e.value })),
    mounts,
    labels: c.labels,
    annotations: c.annotations,
    logPath: c.logPath,
    stdin: c.stdin ?? false,
    stdinOnce: c.stdinOnce ?? false,
    tty: c.tty ?? false,
    linux: {
      resources: linuxResources(c.linux.resources),
      securityContext: {
        capabilities: sc.capabilities ? { addCapabilities: sc.capabilities.add, dropCapabilities: sc.capabilities.drop } : undefined,
        privileged,
        namespaceOptions: namespaceOptions(sandbox),
        runAsUser: sc.runAsUser !== undefined ? { value: int64(sc.runAsUser) } : undefined,
        runAsGroup: sc.runAsGroup !== undefined ? { value: int64(sc.runAsGroup) } : undefined,
        readonlyRootfs: sc.readonlyRootfs ?? false,
        supplementalGroups: (sc.supplementalGroups ?? []).map((g) => int64(g)),
        noNewPrivs: sc.noNewPrivs ?? false,
        maskedPaths: privileged ? [] : defaultMaskedPaths,
        readonlyPaths: privileged ? [] : defaultReadonlyPaths,
      },
    },
  };
}

function toSandboxStatus(s: CriMessage): PodSandboxStatus {
  return {
    id: s.id,
    state: sandboxStates[s.state] ?? 'notready',
    createdAt: String(s.createdAt ?? '0'),
    ip: s.network?.ip ?? '',
    additionalIps: ((s.network?.additionalIps ?? []) as { ip: string }[]).map((p) => p.ip),
    metadata: { name: s.metadata?.name ?? '', namespace: s.metadata?.namespace ?? '', uid: s.metadata?.uid ?? '', attempt: s.metadata?.attempt ?? 0 },
    labels: s.labels ?? {},
    annotations: s.annotations ?? {},
  };
}

function toImageInfo(i: CriMessage): ImageInfo {
  return { id: i.id, repoTags: i.repoTags ?? [], repoDigests: i.repoDigests ?? [], size: Number(i.size ?? 0) };
}

function notFound(e: unknown): boolean {
  return e instanceof CriError && e.notFound;
}

export class CriRuntime implements ContainerRuntime {
  readonly name = 'containerd';
  readonly client: CriClient;
  private readonly transport: StreamTransport;
  /** Addresses of sandboxes (fixed for a sandbox's life), so listing needs no status call each. */
  private readonly sandboxIps = new Map<string, { ip: string; additionalIps: string[] }>();

  constructor(private readonly options: CriRuntimeOptions) {
    this.client = new CriClient({ socket: options.socket });
    this.transport = options.streamTransport ?? 'spdy';
  }

  /** Starts a containerd of its own (see Containerd) and a runtime on it; close() stops both. */
  static async start(opts: ContainerdOptions & { stopOptions?: StopOptions; streamTransport?: StreamTransport }): Promise<CriRuntime> {
    const containerd = new Containerd(opts);
    await containerd.start();
    return new CriRuntime({ socket: containerd.socket, containerd, stopOptions: opts.stopOptions, streamTransport: opts.streamTransport, ctrPath: opts.ctrPath });
  }

  get containerd(): Containerd | undefined {
    return this.options.containerd;
  }

  async version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }> {
    const v = await this.client.call('Version', { version: 'v1' });
    return { runtimeName: v.runtimeName, runtimeVersion: v.runtimeVersion, runtimeApiVersion: v.runtimeApiVersion };
  }

  /** The runtime's RuntimeReady and NetworkReady conditions (for the node's Ready condition). */
  async status(): Promise<{ type: string; status: boolean; reason: string; message: string }[]> {
    const res = await this.client.call('Status', { verbose: false });
    return (res.status?.conditions ?? []) as { type: string; status: boolean; reason: string; message: string }[];
  }

  /** Bytes and inodes used by the image filesystem (for node status and image GC). */
  async imageFsInfo(): Promise<{ mountpoint: string; usedBytes: number; inodesUsed: number }[]> {
    const res = await this.client.image('ImageFsInfo', {});
    return ((res.imageFilesystems ?? []) as CriMessage[]).map((f) => ({ mountpoint: f.fsId?.mountpoint ?? '', usedBytes: Number(f.usedBytes?.value ?? 0), inodesUsed: Number(f.inodesUsed?.value ?? 0) }));
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const { podSandboxId } = await this.client.call('RunPodSandbox', { config: toCriSandboxConfig(config) });
    return podSandboxId as string;
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    try {
      await this.client.call('StopPodSandbox', { podSandboxId: sandboxId });
    } catch (e) {
      if (!notFound(e)) throw e;
    }
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    let cgroupParent: string | undefined;
    try {
      const st = await this.client.call('PodSandboxStatus', { podSandboxId: sandboxId, verbose: true });
      cgroupParent = sandboxCgroupParent(st.info);
    } catch (e) {
      if (notFound(e)) return;
      throw e;
    }
    try {
      await this.client.call('RemovePodSandbox', { podSandboxId: sandboxId });
    } catch (e) {
      if (!notFound(e)) throw e;
    }
    this.sandboxIps.delete(sandboxId);
    // Only empty cgroups go: those of a live sandbox of the same pod hold processes and stay.
    if (cgroupParent) removeCgroup(cgroupParent);
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus | undefined> {
    let res: CriMessage;
    try {
      res = await this.client.call('PodSandboxStatus', { podSandboxId: sandboxId });
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
    if (!res.status) return undefined;
    const status = toSandboxStatus(res.status);
    this.sandboxIps.set(status.id, { ip: status.ip, additionalIps: status.additionalIps });
    return status;
  }

  async listPodSandboxes(filter?: { labels?: Record<string, string> }): Promise<PodSandboxStatus[]> {
    const res = await this.client.call('ListPodSandbox', { filter: filter?.labels ? { labelSelector: filter.labels } : undefined });
    const items = (res.items ?? []) as CriMessage[];
    const live = new Set(items.map((i) => i.id as string));
    for (const id of this.sandboxIps.keys()) if (!live.has(id)) this.sandboxIps.delete(id);
    return Promise.all(
      items.map(async (item) => {
        const status = toSandboxStatus(item);
        let addrs = this.sandboxIps.get(status.id);
        if (!addrs && status.state === 'ready') {
          const full = await this.podSandboxStatus(status.id).catch(() => undefined);
          addrs = full ? { ip: full.ip, additionalIps: full.additionalIps } : undefined;
        }
        return { ...status, ip: addrs?.ip ?? '', additionalIps: addrs?.additionalIps ?? [] };
      }),
    );
  }

  async pullImage(image: string, auth?: ImageAuth): Promise<string> {
    const res = await this.client.image(
      'PullImage',
      {
        image: { image },
        auth: auth
          ? { username: auth.username ?? '', password: auth.password ?? '', auth: auth.auth ?? '', serverAddress: auth.serverAddress ?? '', identityToken: auth.identityToken ?? '', registryToken: auth.registryToken ?? '' }
          : undefined,
      },
      this.options.pullTimeoutMs ?? 600_000,
    );
    return res.imageRef as string;
  }

  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    const res = await this.client.image('ImageStatus', { image: { image } });
    return res.image ? toImageInfo(res.image) : undefined;
  }

  async listImages(): Promise<ImageInfo[]> {
    const res = await this.client.image('ListImages', {});
    return ((res.images ?? []) as CriMessage[]).map(toImageInfo);
  }

  /**
   * Removes an image by ID, or one name of it. CRI's RemoveImage by a tag removes the image
   * with all its tags, so a tag of an image that has others is only untagged.
   */
  async removeImage(image: string): Promise<void> {
    const info = await this.imageStatus(image);
    if (!info) return;
    const ref = normalizeImageRef(image);
    const isName = !image.startsWith('sha256:') && info.id !== image;
    if (isName && info.repoTags.length > 1 && info.repoTags.includes(ref)) {
      const socket = this.options.containerd?.socket ?? this.options.socket;
      await run(this.options.ctrPath ?? 'ctr', ['-a', socket, '-n', 'k8s.io', 'images', 'rm', ref]);
      return;
    }
    try {
      await this.client.image('RemoveImage', { image: { image } });
    } catch (e) {
      if (!notFound(e)) throw e;
    }
  }

  async createContainer(sandboxId: string, config: ContainerConfig, sandbox: PodSandboxConfig): Promise<string> {
    const res = await this.client.call('CreateContainer', { podSandboxId: sandboxId, config: toCriContainerConfig(config, sandbox), sandboxConfig: toCriSandboxConfig(sandbox) });
    return res.containerId as string;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.client.call('StartContainer', { containerId });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const timeout = Math.max(0, Math.trunc(timeoutSeconds));
    try {
      // The call returns once the container stopped: allow the grace period and the kill.
      await this.client.call('StopContainer', { containerId, timeout: String(timeout) }, (timeout + 30) * 1000);
    } catch (e) {
      if (!notFound(e)) throw e;
    }
  }

  async removeContainer(containerId: string): Promise<void> {
    try {
      await this.client.call('RemoveContainer', { containerId });
    } catch (e) {
      if (!notFound(e)) throw e;
    }
  }

  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    let res: CriMessage;
    try {
      res = await this.client.call('ContainerStatus', { containerId });
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
    const s = res.status;
    if (!s) return undefined;
    return {
      id: s.id,
      name: s.metadata?.name ?? '',
      attempt: s.metadata?.attempt ?? 0,
      state: containerStates[s.state] ?? 'unknown',
      createdAt: String(s.createdAt ?? '0'),
      startedAt: String(s.startedAt ?? '0'),
      finishedAt: String(s.finishedAt ?? '0'),
      exitCode: s.exitCode ?? 0,
      reason: s.reason ?? '',
      message: s.message ?? '',
      image: s.image?.image ?? '',
      imageRef: s.imageRef ?? '',
      logPath: s.logPath ?? '',
      labels: s.labels ?? {},
      annotations: s.annotations ?? {},
    };
  }

  async listContainers(filter?: { sandboxId?: string; labels?: Record<string, string> }): Promise<ContainerSummary[]> {
    const res = await this.client.call('ListContainers', {
      filter: filter ? { podSandboxId: filter.sandboxId ?? '', labelSelector: filter.labels ?? {} } : undefined,
    });
    return ((res.containers ?? []) as CriMessage[]).map((c) => ({
      id: c.id,
      sandboxId: c.podSandboxId,
      name: c.metadata?.name ?? '',
      attempt: c.metadata?.attempt ?? 0,
      state: containerStates[c.state] ?? 'unknown',
      labels: c.labels ?? {},
    }));
  }

  async containerStats(containerId: string): Promise<ContainerStats | undefined> {
    let res: CriMessage;
    try {
      res = await this.client.call('ContainerStats', { containerId });
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
    const s = res.stats;
    if (!s) return undefined;
    return {
      cpuUsageCoreNanoSeconds: String(s.cpu?.usageCoreNanoSeconds?.value ?? '0'),
      memoryWorkingSetBytes: Number(s.memory?.workingSetBytes?.value ?? 0),
      timestamp: String(s.cpu?.timestamp ?? s.memory?.timestamp ?? '0'),
    };
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }> {
    const timeout = Math.max(0, Math.trunc(timeoutSeconds));
    let res: CriMessage;
    try {
      res = await this.client.call('ExecSync', { containerId, cmd, timeout: String(timeout) }, timeout > 0 ? (timeout + 10) * 1000 : undefined);
    } catch (e) {
      if (e instanceof CriError && (e.code === grpcStatus.DEADLINE_EXCEEDED || /timeout|deadline exceeded/i.test(e.details))) {
        throw new ExecTimeoutError(`command ${JSON.stringify(cmd)} timed out after ${timeout}s`);
      }
      throw e;
    }
    return { stdout: Buffer.from(res.stdout ?? []), stderr: Buffer.from(res.stderr ?? []), exitCode: res.exitCode ?? 0 };
  }

  async exec(containerId: string, cmd: string[], options: StreamOptions): Promise<StreamSession> {
    const { url } = await this.client.call('Exec', { containerId, cmd, tty: options.tty, stdin: options.stdin, stdout: options.stdout, stderr: options.stderr && !options.tty });
    return openRemoteCommand(url as string, options, this.transport);
  }

  async attach(containerId: string, options: StreamOptions): Promise<StreamSession> {
    const { url } = await this.client.call('Attach', { containerId, stdin: options.stdin, tty: options.tty, stdout: options.stdout, stderr: options.stderr && !options.tty });
    return openRemoteCommand(url as string, options, this.transport);
  }

  async portForward(sandboxId: string, port: number): Promise<Duplex> {
    const { url } = await this.client.call('PortForward', { podSandboxId: sandboxId, port: [port] });
    return openPortForward(url as string, port, this.transport);
  }

  /** Asks the runtime to reopen a container's log file (after the kubelet rotated it). */
  async reopenContainerLog(containerId: string): Promise<void> {
    await this.client.call('ReopenContainerLog', { containerId });
  }

  /** Changes a running container's cgroup limits. */
  async updateContainerResources(containerId: string, resources: ContainerResources): Promise<void> {
    await this.client.call('UpdateContainerResources', { containerId, linux: linuxResources(resources) });
  }

  async close(): Promise<void> {
    this.client.close();
    await this.options.containerd?.stop(this.options.stopOptions);
  }
}
