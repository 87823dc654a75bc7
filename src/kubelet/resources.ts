// Requests and limits as the runtime enforces them (kuberuntime's generateLinuxContainerResources
// and the QoS helpers): cpu shares from the request, CFS quota from the limit, the memory limit,
// an OOM score by QoS class, and the pod's cgroup parent under /kubepods.

import { effectivePodQOSClass, type QOSClass } from '../api/helpers/qos.js';
import { quantityMilliValue, quantityValue, tryParseQuantity } from '../machinery/quantity.js';
import type { ContainerResources } from './runtime/interface.js';
import type { Container, Pod } from './types.js';

export const minShares = 2;
export const maxShares = 262144;
export const quotaPeriod = 100_000;
export const minQuota = 1000;
export const guaranteedOOMScoreAdj = -997;
export const besteffortOOMScoreAdj = 1000;

export function milliCPUToShares(milli: number): number {
  if (milli === 0) return minShares;
  const shares = Math.floor((milli * 1024) / 1000);
  return Math.min(Math.max(shares, minShares), maxShares);
}

export function milliCPUToQuota(milli: number, period = quotaPeriod): number {
  if (milli === 0) return 0;
  return Math.max(Math.floor((milli * period) / 1000), minQuota);
}

function milli(v: string | number | undefined): number {
  const q = v === undefined ? undefined : tryParseQuantity(v);
  return q ? quantityMilliValue(q) : 0;
}

function bytes(v: string | number | undefined): number {
  const q = v === undefined ? undefined : tryParseQuantity(v);
  return q ? quantityValue(q) : 0;
}

export function containerOOMScoreAdj(pod: Pod, c: Container, memoryCapacity: number): number {
  const qos = effectivePodQOSClass(pod);
  if (qos === 'Guaranteed') return guaranteedOOMScoreAdj;
  if (qos === 'BestEffort') return besteffortOOMScoreAdj;
  const request = bytes(c.resources?.requests?.memory);
  const adj = memoryCapacity > 0 ? 1000 - Math.floor((1000 * request) / memoryCapacity) : 1000;
  if (adj < 1000 + guaranteedOOMScoreAdj) return 1000 + guaranteedOOMScoreAdj;
  if (adj === besteffortOOMScoreAdj) return adj - 1;
  return adj;
}

export function containerResources(pod: Pod, c: Container, memoryCapacity: number): ContainerResources {
  const cpuRequest = milli(c.resources?.requests?.cpu);
  const cpuLimit = milli(c.resources?.limits?.cpu);
  // A limit without a request asks for the limit (the API server defaults it; repeated here).
  const shares = milliCPUToShares(cpuRequest === 0 && cpuLimit !== 0 ? cpuLimit : cpuRequest);
  const r: ContainerResources = { cpuShares: shares, cpuPeriod: quotaPeriod, oomScoreAdj: containerOOMScoreAdj(pod, c, memoryCapacity) };
  const quota = milliCPUToQuota(cpuLimit);
  if (quota) r.cpuQuota = quota;
  const memoryLimit = bytes(c.resources?.limits?.memory);
  if (memoryLimit) r.memoryLimitInBytes = memoryLimit;
  return r;
}

/** The pod's totals, for the sandbox: cpu from requests, quota and memory from limits (all limited, or none). */
export function podResources(pod: Pod): ContainerResources {
  let cpuRequest = 0;
  let cpuLimit = 0;
  let memoryLimit = 0;
  let cpuLimited = true;
  let memoryLimited = true;
  for (const c of pod.spec.containers) {
    cpuRequest += milli(c.resources?.requests?.cpu);
    const cl = milli(c.resources?.limits?.cpu);
    const ml = bytes(c.resources?.limits?.memory);
    if (!cl) cpuLimited = false;
    if (!ml) memoryLimited = false;
    cpuLimit += cl;
    memoryLimit += ml;
  }
  const r: ContainerResources = { cpuShares: milliCPUToShares(cpuRequest), cpuPeriod: quotaPeriod };
  if (cpuLimited && cpuLimit) r.cpuQuota = milliCPUToQuota(cpuLimit);
  if (memoryLimited && memoryLimit) r.memoryLimitInBytes = memoryLimit;
  return r;
}

/** The pod's cgroup parent with the cgroupfs driver: /kubepods[/burstable|/besteffort]/pod<uid>. */
export function podCgroupParent(pod: Pod, cgroupRoot = '/'): string {
  const qos: QOSClass = effectivePodQOSClass(pod);
  const base = `${cgroupRoot.replace(/\/+$/, '')}/kubepods`;
  const tier = qos === 'Guaranteed' ? '' : qos === 'Burstable' ? '/burstable' : '/besteffort';
  return `${base}${tier}/pod${pod.metadata.uid}`;
}
