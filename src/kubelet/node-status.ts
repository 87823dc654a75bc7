// The Node a kubelet registers and the status it posts (pkg/kubelet/nodestatus): capacity and
// allocatable from the machine (cpu, memory, the data directory's disk, 110 pods), node info
// (kernel, OS image, machine and boot IDs, runtime and kubelet versions), addresses, the
// kubelet's port, the conditions it owns and the images the runtime holds.

import { readFileSync, statfsSync } from 'node:fs';
import { cpus, hostname as osHostname, release, totalmem } from 'node:os';
import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/object.js';
import { gitVersion } from '../apiserver/version.js';
import { allocatableOf, nodeConditions, type NodeCondition } from './runtime/simulated/node-object.js';
import type { ImageInfo } from './runtime/interface.js';

export interface MachineInfo {
  cpus: number;
  memoryBytes: number;
  diskBytes: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  hostname: string;
}

function readTrim(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function osImage(): string {
  const text = readTrim('/etc/os-release') ?? '';
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return m ? m[1] : 'Linux';
}

export function goArch(arch = process.arch): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[arch] ?? arch;
}

/** What cAdvisor would report for this machine, with the data directory's file system as node storage. */
export function machineInfo(dataDir: string): MachineInfo {
  let diskBytes = 0;
  try {
    const st = statfsSync(dataDir);
    diskBytes = st.blocks * st.bsize;
  } catch {
    diskBytes = 0;
  }
  const machineID = readTrim('/etc/machine-id') ?? createHash('md5').update(osHostname()).digest('hex');
  const uuid = readTrim('/sys/class/dmi/id/product_uuid') ?? readTrim('/sys/devices/virtual/dmi/id/product_uuid');
  return {
    cpus: cpus().length || 1,
    memoryBytes: totalmem(),
    diskBytes,
    machineID,
    systemUUID: uuid ?? `${machineID.slice(0, 8)}-${machineID.slice(8, 12)}-${machineID.slice(12, 16)}-${machineID.slice(16, 20)}-${machineID.slice(20, 32)}`,
    bootID: readTrim('/proc/sys/kernel/random/boot_id') ?? machineID,
    kernelVersion: release(),
    osImage: osImage(),
    architecture: goArch(),
    hostname: osHostname(),
  };
}

export function capacityOf(m: MachineInfo, maxPods: number): Record<string, string> {
  return {
    cpu: String(m.cpus),
    'ephemeral-storage': `${Math.floor(m.diskBytes / 1024)}Ki`,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: `${Math.floor(m.memoryBytes / 1024)}Ki`,
    pods: String(maxPods),
  };
}

export type Condition = Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>;

export function kubeletConditions(runtimeReady: boolean, runtimeError?: string): Condition[] {
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    runtimeReady
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: `container runtime is down: ${runtimeError ?? 'unknown error'}` },
  ];
}

export { nodeConditions };

/** The node's images, biggest first, at most 50 (nodeStatusMaxImages). */
export function nodeImages(images: ImageInfo[], max = 50): { names: string[]; sizeBytes: number }[] {
  return [...images]
    .sort((a, b) => b.size - a.size)
    .slice(0, max)
    .map((i) => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: i.size }))
    .filter((i) => i.names.length > 0);
}

export interface NodeSpecInput {
  name: string;
  nodeIP: string;
  podCIDR?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  kubeletPort: number;
  maxPods: number;
}

export function nodeLabels(name: string, extra: Record<string, string> | undefined, arch: string): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    ...extra,
  };
}

export function nodeStatusOf(input: NodeSpecInput, m: MachineInfo, runtime: { runtimeName: string; runtimeVersion: string }, conditions: NodeCondition[], images: ImageInfo[]): Record<string, unknown> {
  const capacity = capacityOf(m, input.maxPods);
  return {
    capacity,
    allocatable: allocatableOf(capacity),
    conditions,
    addresses: [
      { type: 'InternalIP', address: input.nodeIP },
      { type: 'Hostname', address: input.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: input.kubeletPort } },
    nodeInfo: {
      machineID: m.machineID,
      systemUUID: m.systemUUID,
      bootID: m.bootID,
      kernelVersion: m.kernelVersion,
      osImage: m.osImage,
      containerRuntimeVersion: `${runtime.runtimeName}://${runtime.runtimeVersion}`,
      kubeletVersion: gitVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: m.architecture,
    },
    images: nodeImages(images),
  };
}

export function nodeObjectOf(input: NodeSpecInput, m: MachineInfo, status: Record<string, unknown>): KubeObject {
  const spec: Record<string, unknown> = {};
  if (input.podCIDR) {
    spec.podCIDR = input.podCIDR;
    spec.podCIDRs = [input.podCIDR];
  }
  if (input.taints?.length) spec.taints = input.taints;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: input.name,
      labels: nodeLabels(input.name, input.labels, m.architecture),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec,
    status,
  };
}
