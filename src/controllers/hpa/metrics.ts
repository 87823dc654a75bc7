// Pod resource usage for the HPA, in the shape of the resource metrics API (metrics.k8s.io
// PodMetrics): per pod, a timestamp, the window the usage was averaged over, and each
// container's cpu and memory usage. kubelite does not serve that API yet; the kubelet will
// supply real usage through this interface. Until then SimulatedPodMetrics reports what pods
// declare in annotations, so autoscaling works on simulated nodes and in tests:
//
//   metadata:
//     annotations:
//       kubelite.io/simulate-cpu: "250m"      # the pod's total CPU usage
//       kubelite.io/simulate-memory: "64Mi"   # the pod's total memory usage

import type { KubeObject } from '../../api/object.js';
import type { Clock } from '../../machinery/clock.js';
import type { Selector } from '../../machinery/labels.js';
import type { Lister } from '../../client/informer.js';

export const SimulateAnnotations = {
  cpu: 'kubelite.io/simulate-cpu',
  memory: 'kubelite.io/simulate-memory',
} as const;

export interface ContainerMetrics {
  name: string;
  /** Quantities as the metrics API prints them ("250m", "64Mi"). */
  usage: { cpu?: string; memory?: string };
}

export interface PodMetrics {
  name: string;
  /** When the usage was measured (ms since the epoch); default: now. */
  timestamp?: number;
  /** Over how long the usage was averaged (ms); default 15 s. */
  windowMs?: number;
  containers: ContainerMetrics[];
}

export interface PodMetricsSource {
  podMetrics(namespace: string, selector: Selector): Promise<PodMetrics[]>;
}

/** metrics-server's default resolution: the window its usage figures cover. */
export const defaultMetricsWindowMs = 15_000;

export interface SimulatedPodMetricsOptions {
  /**
   * What a running pod without annotations uses (default: nothing — "0"), the way an idle
   * container shows in metrics-server. Set to undefined to report no metrics for such pods.
   */
  idle?: { cpu: string; memory: string } | undefined;
}

/** Usage from pod annotations, for running pods; all of it on the first container. */
export class SimulatedPodMetrics implements PodMetricsSource {
  private readonly idle: { cpu: string; memory: string } | undefined;

  constructor(
    private readonly pods: Lister,
    private readonly clock: Clock,
    options: SimulatedPodMetricsOptions = { idle: { cpu: '0', memory: '0' } },
  ) {
    this.idle = 'idle' in options ? options.idle : { cpu: '0', memory: '0' };
  }

  async podMetrics(namespace: string, selector: Selector): Promise<PodMetrics[]> {
    const out: PodMetrics[] = [];
    for (const pod of this.pods.list(namespace, selector)) {
      const m = simulatedUsage(pod, this.idle);
      if (m) out.push({ ...m, timestamp: this.clock.now(), windowMs: defaultMetricsWindowMs });
    }
    return out;
  }
}

export function simulatedUsage(pod: KubeObject, idle: { cpu: string; memory: string } | undefined): Omit<PodMetrics, 'timestamp' | 'windowMs'> | undefined {
  if ((pod.status as { phase?: string } | undefined)?.phase !== 'Running') return undefined;
  const a = pod.metadata.annotations ?? {};
  const cpu = a[SimulateAnnotations.cpu] ?? idle?.cpu;
  const memory = a[SimulateAnnotations.memory] ?? idle?.memory;
  if (cpu === undefined && memory === undefined) return undefined;
  const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c, i) => ({
    name: c.name,
    usage: i === 0 ? { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) } : { cpu: '0', memory: '0' },
  }));
  return { name: pod.metadata.name!, containers };
}
