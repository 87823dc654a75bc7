// A pod's quality-of-service class, as the API server records it in status.qosClass at
// creation and the kubelet uses to pick eviction victims: Guaranteed when every container
// limits cpu and memory with requests equal to the limits, BestEffort when nothing asks for
// cpu or memory, Burstable otherwise.

import type { KubeObject } from '../object.js';
import { addQuantities, compareQuantities, quantitySign, tryParseQuantity, type Quantity } from '../../machinery/quantity.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const qosResources = ['cpu', 'memory'];

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Sums the positive cpu and memory amounts of one resource list into `into`; returns the names seen. */
function accumulate(resources: unknown, into: Map<string, Quantity>): Set<string> {
  const found = new Set<string>();
  for (const [name, raw] of Object.entries(record(resources))) {
    if (!qosResources.includes(name)) continue;
    const q = tryParseQuantity(raw);
    if (!q || quantitySign(q) <= 0) continue;
    found.add(name);
    const sum = into.get(name);
    into.set(name, sum ? addQuantities(sum, q) : q);
  }
  return found;
}

/** Computes the class from the pod's containers and init containers (ComputePodQOS). */
export function podQOSClass(pod: KubeObject): QOSClass {
  const spec = record(pod.spec);
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const container of [...list(spec.containers), ...list(spec.initContainers)]) {
    const resources = record(record(container).resources);
    accumulate(resources.requests, requests);
    const limited = accumulate(resources.limits, limits);
    if (!qosResources.every((r) => limited.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, request] of requests) {
      const limit = limits.get(name);
      if (!limit || compareQuantities(limit, request) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** The class a pod reports, falling back to computing it (GetPodQOS). */
export function effectivePodQOSClass(pod: KubeObject): QOSClass {
  const recorded = record(pod.status).qosClass;
  if (recorded === 'Guaranteed' || recorded === 'Burstable' || recorded === 'BestEffort') return recorded;
  return podQOSClass(pod);
}
