// The Node and Lease a kubelet registers and keeps up to date, for a simulated node: labels,
// capacity and allocatable, addresses, nodeInfo and the conditions it posts, with the reasons
// and messages of pkg/kubelet/nodestatus.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../api/object.js';
import { rfc3339, rfc3339Micro } from '../../../machinery/clock.js';
import { formatQuantity, parseQuantity, quantityFromValue, quantityValue, subtractQuantities } from '../../../machinery/quantity.js';
import { gitVersion } from '../../../apiserver/version.js';
import { runtimeName } from './pod-status.js';

/** The label every simulated node carries (kwok's `type: kwok`, in kubelite's own namespace). */
export const simulatedNodeLabel = 'kubelite.io/simulated';

export const defaultCapacity: Record<string, string> = {
  cpu: '32',
  'ephemeral-storage': '1Ti',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
  memory: '256Gi',
  pods: '110',
};

export const leaseNamespace = 'kube-node-lease';
export const leaseDurationSeconds = 40;
export const kubeletPort = 10250;

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** What a healthy kubelet posts (NetworkUnavailable as the route controller sets it). */
export function healthyConditions(): Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>[] {
  return [
    { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', message: 'RouteController created a route' },
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  ];
}

/** A kubelet whose runtime is down posts Ready=False with this reason and message. */
export function notReadyCondition(): Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'> {
  return {
    type: 'Ready',
    status: 'False',
    reason: 'KubeletNotReady',
    message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: simulated network failure',
  };
}

/**
 * The conditions to post now: heartbeats refreshed, a transition time kept while a condition's
 * status stays as it was in `old` (which may hold what the node lifecycle controller wrote).
 */
export function nodeConditions(old: NodeCondition[] | undefined, wanted: Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>[], now: number): NodeCondition[] {
  return wanted.map((w) => {
    const prev = old?.find((c) => c.type === w.type);
    const c: NodeCondition = {
      type: w.type,
      status: w.status,
      lastHeartbeatTime: rfc3339(now),
      lastTransitionTime: prev && prev.status === w.status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now),
    };
    if (w.reason) c.reason = w.reason;
    if (w.message) c.message = w.message;
    return c;
  });
}

/** Allocatable: capacity less the kubelet's default hard eviction thresholds (memory 100Mi, disk 10%). */
export function allocatableOf(capacity: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...capacity };
  try {
    if (capacity.memory) {
      const q = subtractQuantities(parseQuantity(capacity.memory), parseQuantity('100Mi'));
      out.memory = formatQuantity({ ...q, format: 'BinarySI' });
    }
    if (capacity['ephemeral-storage']) {
      const bytes = quantityValue(parseQuantity(capacity['ephemeral-storage']));
      out['ephemeral-storage'] = formatQuantity(quantityFromValue(BigInt(Math.floor(bytes * 0.9))));
    }
  } catch {
    /* a quantity the user gave that does not parse: leave allocatable equal to capacity */
  }
  return out;
}

function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface SimNodeSpec {
  name: string;
  ip: string;
  podCIDR: string;
  capacity: Record<string, string>;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  taints?: unknown[];
  arch: string;
}

export function nodeLabels(spec: Pick<SimNodeSpec, 'name' | 'arch' | 'labels'>): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': spec.arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': spec.arch,
    'kubernetes.io/hostname': spec.name,
    'kubernetes.io/os': 'linux',
    [simulatedNodeLabel]: 'true',
    ...spec.labels,
  };
}

export function nodeInfo(name: string, arch: string, bootSeed: string): Record<string, string> {
  return {
    machineID: createHash('md5').update(`machine/${name}`).digest('hex'),
    systemUUID: uuidFrom(`system/${name}`),
    bootID: uuidFrom(`boot/${name}/${bootSeed}`),
    kernelVersion: '6.1.0-kubelite-simulated',
    osImage: 'kubelite simulated node',
    containerRuntimeVersion: `${runtimeName}://${gitVersion.replace(/^v/, '')}`,
    kubeletVersion: gitVersion,
    kubeProxyVersion: gitVersion,
    operatingSystem: 'linux',
    architecture: arch,
  };
}

/** The status a kubelet posts, with conditions from `nodeConditions`. */
export function nodeStatus(spec: SimNodeSpec, conditions: NodeCondition[], bootSeed: string): Record<string, unknown> {
  return {
    capacity: { ...spec.capacity },
    allocatable: allocatableOf(spec.capacity),
    conditions,
    addresses: [
      { type: 'InternalIP', address: spec.ip },
      { type: 'Hostname', address: spec.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
    nodeInfo: nodeInfo(spec.name, spec.arch, bootSeed),
  };
}

/** The Node a kubelet registers. */
export function nodeObject(spec: SimNodeSpec, conditions: NodeCondition[], bootSeed: string): KubeObject {
  const nodeSpec: Record<string, unknown> = { podCIDR: spec.podCIDR, podCIDRs: [spec.podCIDR] };
  if (spec.taints?.length) nodeSpec.taints = spec.taints;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: nodeLabels(spec),
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        ...spec.annotations,
      },
    },
    spec: nodeSpec,
    status: nodeStatus(spec, conditions, bootSeed),
  };
}

/** The node's Lease in kube-node-lease, owned by the Node. */
export function leaseObject(nodeName: string, nodeUID: string | undefined, now: number): KubeObject {
  const metadata: KubeObject['metadata'] = { name: nodeName, namespace: leaseNamespace };
  if (nodeUID) metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUID }];
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata,
    spec: { holderIdentity: nodeName, leaseDurationSeconds, renewTime: rfc3339Micro(now) },
  };
}
