// The container runtime the kubelet drives: CRI-shaped (pod sandboxes, containers, images), so
// containerd maps onto it one to one, and the host-process runtime mimics it. Streams (exec,
// attach, port-forward) are plain Node streams here; each runtime adapts its own transport.
// One conformance suite (runtime.case.ts) runs against every implementation.

import type { Duplex, Readable, Writable } from 'node:stream';

export interface KeyValue {
  key: string;
  value: string;
}

export interface PortMapping {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  containerPort: number;
  hostPort: number;
  hostIp?: string;
}

export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export type NamespaceMode = 'pod' | 'container' | 'node';

export interface PodSandboxConfig {
  /** Pod identity, as CRI's PodSandboxMetadata. */
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
  hostname: string;
  /** Directory under which container logs (logPath) are written. */
  logDirectory: string;
  dnsConfig?: DnsConfig;
  portMappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Host entries the kubelet wants in the pod's /etc/hosts (a file it prepared), if any. */
  hostsFile?: string;
  linux: {
    /** cgroup parent for the pod (QoS class and pod uid), as the kubelet computes it. */
    cgroupParent?: string;
    namespaces: { network: NamespaceMode; pid: NamespaceMode; ipc: NamespaceMode };
    sysctls?: Record<string, string>;
    privileged?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    supplementalGroups?: number[];
  };
  /** Pod-level resources, for runtimes that enforce them on the sandbox cgroup. */
  resources?: ContainerResources;
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  /** A single file (subPath, /etc/hosts) rather than a directory. */
  propagation?: 'private' | 'host-to-container' | 'bidirectional';
}

export interface ContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
}

export interface ContainerConfig {
  name: string;
  attempt: number;
  image: string;
  command: string[];
  args: string[];
  workingDir?: string;
  env: KeyValue[];
  mounts: Mount[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Relative to the sandbox's logDirectory, e.g. `app/0.log`. */
  logPath: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux: {
    resources: ContainerResources;
    securityContext: {
      privileged?: boolean;
      runAsUser?: number;
      runAsGroup?: number;
      runAsNonRoot?: boolean;
      readonlyRootfs?: boolean;
      capabilities?: { add: string[]; drop: string[] };
      supplementalGroups?: number[];
      noNewPrivs?: boolean;
    };
  };
}

export type SandboxState = 'ready' | 'notready';

export interface PodSandboxStatus {
  id: string;
  state: SandboxState;
  /** Nanoseconds since the epoch, as a decimal string (CRI timestamps exceed 2^53). */
  createdAt: string;
  /** The pod's IP ('' with the node's network). */
  ip: string;
  additionalIps: string[];
  metadata: { name: string; namespace: string; uid: string; attempt: number };
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  name: string;
  attempt: number;
  state: ContainerState;
  /** Nanoseconds since the epoch as decimal strings; '0' when not reached. */
  createdAt: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /** Completed, Error, OOMKilled, ContainerCannotRun, ... (as CRI runtimes report). */
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  /** Absolute path of the container's log file. */
  logPath: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerSummary {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  state: ContainerState;
  labels: Record<string, string>;
}

export interface ImageInfo {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

export interface ImageAuth {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

export interface ContainerStats {
  /** Cumulative CPU time in core-nanoseconds (decimal string). */
  cpuUsageCoreNanoSeconds: string;
  memoryWorkingSetBytes: number;
  timestamp: string;
}

/** A running exec or attach session. */
export interface StreamSession {
  stdin?: Writable;
  stdout?: Readable;
  stderr?: Readable;
  /** Resizes the terminal (tty sessions). */
  resize?(width: number, height: number): void;
  /**
   * Settles when the process exits; exitCode as the process reported it. message: the
   * runtime's error when the command failed to run or exited non-zero (optional).
   */
  exit: Promise<{ exitCode: number; message?: string }>;
  /** Ends the session (closes stdin, detaches). */
  close(): void;
}

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** execSync's command did not finish within its timeout (CRI: DeadlineExceeded). */
export class ExecTimeoutError extends Error {
  override readonly name = 'ExecTimeoutError';
}

export interface ContainerRuntime {
  /** 'containerd', 'process', ... */
  readonly name: string;
  version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }>;

  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  stopPodSandbox(sandboxId: string): Promise<void>;
  removePodSandbox(sandboxId: string): Promise<void>;
  podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus | undefined>;
  listPodSandboxes(filter?: { labels?: Record<string, string> }): Promise<PodSandboxStatus[]>;

  pullImage(image: string, auth?: ImageAuth): Promise<string>;
  imageStatus(image: string): Promise<ImageInfo | undefined>;
  listImages(): Promise<ImageInfo[]>;
  removeImage(image: string): Promise<void>;

  createContainer(sandboxId: string, config: ContainerConfig, sandbox: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** Stops with SIGTERM, then SIGKILL after timeoutSeconds (0: at once). */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<ContainerStatus | undefined>;
  listContainers(filter?: { sandboxId?: string; labels?: Record<string, string> }): Promise<ContainerSummary[]>;
  containerStats(containerId: string): Promise<ContainerStats | undefined>;

  /**
   * Runs a command to completion (exec probes, hooks). When it outlives timeoutSeconds (> 0), the
   * command is killed and the call rejects with an ExecTimeoutError.
   */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }>;
  /** An interactive or streamed exec (kubectl exec). */
  exec(containerId: string, cmd: string[], options: StreamOptions): Promise<StreamSession>;
  /** Attaches to the container's main process (kubectl attach). */
  attach(containerId: string, options: StreamOptions): Promise<StreamSession>;
  /** A connection to a port inside the pod's network (kubectl port-forward). */
  portForward(sandboxId: string, port: number): Promise<Duplex>;
  /**
   * Optional: reopens the container's log file at its logPath after the kubelet renamed it
   * away (CRI ReopenContainerLog). Without it, logs are rotated by copy-and-truncate.
   */
  reopenContainerLog?(containerId: string): Promise<void>;

  /** Lets go of resources (connections, a runtime daemon it started). */
  close(): Promise<void>;
}
