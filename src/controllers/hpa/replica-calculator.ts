// The HPA's replica arithmetic (upstream pkg/controller/podautoscaler/replica_calculator.go):
// desired = ceil(current usage ratio × ready pods), unchanged within the tolerance (0.1).
// Pods being deleted or failed are ignored; pending pods, and (for CPU) pods not ready or
// still starting, count as unready; running pods without metrics are missing. When scaling up,
// unready pods count as using nothing; missing pods count as using nothing when scaling up and
// their full request (or the target, if higher) when scaling down — and if that would reverse
// the direction, nothing changes.

import type { KubeObject } from '../../api/object.js';
import { parseQuantity, quantityMilliValue } from '../../machinery/quantity.js';
import type { PodMetrics } from './metrics.js';
import { defaultMetricsWindowMs } from './metrics.js';

export const defaultTolerance = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period. */
export const defaultCpuInitializationPeriodMs = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay. */
export const defaultDelayOfInitialReadinessStatusMs = 30_000;

export interface PodMetric {
  timestamp: number;
  windowMs: number;
  /** Milli-units. */
  value: number;
}

export type PodMetricsInfo = Map<string, PodMetric>;

export interface CalculatorOptions {
  tolerance: number;
  cpuInitializationPeriodMs: number;
  delayOfInitialReadinessStatusMs: number;
}

export const defaultCalculatorOptions: CalculatorOptions = {
  tolerance: defaultTolerance,
  cpuInitializationPeriodMs: defaultCpuInitializationPeriodMs,
  delayOfInitialReadinessStatusMs: defaultDelayOfInitialReadinessStatusMs,
};

const milli = (q: string | undefined): number | undefined => {
  if (q === undefined) return undefined;
  try {
    return quantityMilliValue(parseQuantity(q));
  } catch {
    return undefined;
  }
};

/**
 * The resource metrics client: per pod, the sum over its containers (or the one named);
 * a pod missing the resource for any counted container has no metric.
 */
export function resourceMetrics(raw: PodMetrics[], resource: 'cpu' | 'memory', container: string, now: number): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  for (const m of raw) {
    let sum = 0;
    let missing = m.containers.length === 0;
    for (const c of m.containers) {
      if (container && c.name !== container) continue;
      const v = milli(c.usage[resource]);
      if (v === undefined) {
        missing = true;
        break;
      }
      sum += v;
    }
    if (container && !m.containers.some((c) => c.name === container)) missing = true;
    if (!missing) out.set(m.name, { timestamp: m.timestamp ?? now, windowMs: m.windowMs ?? defaultMetricsWindowMs, value: sum });
  }
  return out;
}

interface PodShape {
  phase?: string;
  startTime?: string;
  conditions?: { type: string; status: string; lastTransitionTime?: string }[];
}

export interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

export function groupPods(pods: KubeObject[], metrics: PodMetricsInfo, resource: string, now: number, o: CalculatorOptions): PodGroups {
  const g: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name!;
    const st = (pod.status ?? {}) as PodShape;
    if (pod.metadata.deletionTimestamp || st.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (st.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const cond = (st.conditions ?? []).find((c) => c.type === 'Ready');
      const start = Date.parse(st.startTime ?? '');
      let unready: boolean;
      if (!cond || Number.isNaN(start)) unready = true;
      else {
        const transition = Date.parse(cond.lastTransitionTime ?? '') || 0;
        if (start + o.cpuInitializationPeriodMs > now) {
          // Still starting: unready, or no full metric window since it became ready.
          unready = cond.status === 'False' || metric.timestamp < transition + metric.windowMs;
        } else {
          // Unready and never ready since it started.
          unready = cond.status === 'False' && start + o.delayOfInitialReadinessStatusMs > transition;
        }
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** Summed requests per pod (milli-units) for the containers counted. */
export function calculatePodRequests(pods: KubeObject[], container: string, resource: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    const spec = (pod.spec ?? {}) as { containers?: { name: string; resources?: { requests?: Record<string, string> } }[]; initContainers?: { name: string; restartPolicy?: string; resources?: { requests?: Record<string, string> } }[] };
    const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    let sum = 0;
    for (const c of containers) {
      if (container && c.name !== container) continue;
      const v = milli(c.resources?.requests?.[resource]);
      if (v === undefined) throw new Error(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += v;
    }
    out.set(pod.metadata.name!, sum);
  }
  return out;
}

/** GetResourceUtilizationRatio: usage over requests of the pods with metrics, in whole percent. */
export function resourceUtilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let n = 0;
  for (const [pod, m] of metrics) {
    const r = requests.get(pod);
    if (r === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += r;
    n++;
  }
  if (requestsTotal === 0) throw new Error('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / n) };
}

/** GetMetricUsageRatio: average usage over the target (milli-units). */
export function metricUsageRatio(metrics: PodMetricsInfo, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / targetUsage, usage };
}

const removeAll = (metrics: PodMetricsInfo, names: Set<string>) => names.forEach((n) => metrics.delete(n));

export interface ResourceReplicas {
  replicas: number;
  utilization: number;
  rawUtilization: number;
}

/** GetResourceReplicas: for a target average utilization (percent of request). */
export function resourceReplicas(currentReplicas: number, targetUtilization: number, resource: string, container: string, pods: KubeObject[], metricsIn: PodMetricsInfo, now: number, o: CalculatorOptions): ResourceReplicas {
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const metrics: PodMetricsInfo = new Map(metricsIn);
  const g = groupPods(pods, metrics, resource, now, o);
  removeAll(metrics, g.ignored);
  removeAll(metrics, g.unready);
  if (metrics.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const requests = calculatePodRequests(pods, container, resource);
  const { ratio, utilization, rawAverage } = resourceUtilizationRatio(metrics, requests, targetUtilization);
  const result = (replicas: number) => ({ replicas, utilization, rawUtilization: rawAverage });
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= o.tolerance) return result(currentReplicas);
    return result(Math.ceil(ratio * g.readyPodCount));
  }
  if (g.missing.size > 0) {
    if (ratio < 1) {
      const fallback = Math.max(100, targetUtilization);
      for (const name of g.missing) metrics.set(name, { timestamp: now, windowMs: 0, value: Math.trunc(((requests.get(name) ?? 0) * fallback) / 100) });
    } else if (ratio > 1) {
      for (const name of g.missing) metrics.set(name, { timestamp: now, windowMs: 0, value: 0 });
    }
  }
  if (scaleUpWithUnready) for (const name of g.unready) metrics.set(name, { timestamp: now, windowMs: 0, value: 0 });
  const next = resourceUtilizationRatio(metrics, requests, targetUtilization).ratio;
  if (Math.abs(1 - next) <= o.tolerance || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) return result(currentReplicas);
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return result(currentReplicas);
  return result(replicas);
}

/** calcPlainMetricReplicas: for a target average value (milli-units), e.g. averageValue of cpu or memory. */
export function plainMetricReplicas(currentReplicas: number, targetUsage: number, resource: string, pods: KubeObject[], metricsIn: PodMetricsInfo, now: number, o: CalculatorOptions): { replicas: number; usage: number } {
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const metrics: PodMetricsInfo = new Map(metricsIn);
  const g = groupPods(pods, metrics, resource, now, o);
  removeAll(metrics, g.ignored);
  removeAll(metrics, g.unready);
  if (metrics.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const { ratio, usage } = metricUsageRatio(metrics, targetUsage);
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= o.tolerance) return { replicas: currentReplicas, usage };
    return { replicas: Math.ceil(ratio * g.readyPodCount), usage };
  }
  if (g.missing.size > 0) {
    const v = ratio < 1 ? targetUsage : 0;
    if (ratio !== 1) for (const name of g.missing) metrics.set(name, { timestamp: now, windowMs: 0, value: v });
  }
  if (scaleUpWithUnready) for (const name of g.unready) metrics.set(name, { timestamp: now, windowMs: 0, value: 0 });
  const next = metricUsageRatio(metrics, targetUsage).ratio;
  if (Math.abs(1 - next) <= o.tolerance || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) return { replicas: currentReplicas, usage };
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return { replicas: currentReplicas, usage };
  return { replicas, usage };
}
