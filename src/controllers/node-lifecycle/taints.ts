// Taints and tolerations as the node lifecycle and taint eviction controllers use them (the
// helpers of k8s.io/api core/v1 and pkg/util/taints), plus the pod condition update both
// controllers and pod GC make (pkg/api/v1/pod UpdatePodCondition).

import type { KubeObject } from '../../api/object.js';
import { rfc3339 } from '../../machinery/clock.js';
import type { Client } from '../../client/interface.js';
import { R } from '../../client/resources.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const TaintKey = {
  NotReady: 'node.kubernetes.io/not-ready',
  Unreachable: 'node.kubernetes.io/unreachable',
  Unschedulable: 'node.kubernetes.io/unschedulable',
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  OutOfService: 'node.kubernetes.io/out-of-service',
} as const;

export function taintsOf(node: KubeObject | undefined): Taint[] {
  return ((node?.spec as { taints?: Taint[] } | undefined)?.taints ?? []) as Taint[];
}

export function tolerationsOf(pod: KubeObject): Toleration[] {
  return ((pod.spec as { tolerations?: Toleration[] } | undefined)?.tolerations ?? []) as Toleration[];
}

/** Same key and effect (the value and time do not count). */
export function matchTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function taintExists(taints: Taint[], t: Taint): boolean {
  return taints.some((x) => matchTaint(x, t));
}

/** Toleration.ToleratesTaint: an empty effect or key is a wildcard; operator Equal (or empty) compares values. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** Whether every taint is tolerated, and the toleration used for each (the first that matches). */
export function getMatchingTolerations(taints: Taint[], tolerations: Toleration[]): { allTolerated: boolean; used: Toleration[] } {
  if (taints.length === 0) return { allTolerated: true, used: [] };
  if (tolerations.length === 0) return { allTolerated: false, used: [] };
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return { allTolerated: false, used: [] };
    used.push(t);
  }
  return { allTolerated: true, used };
}

/** The shortest tolerationSeconds in ms: 0 when none were used (or one is ≤ 0), -1 when all are forever. */
export function minTolerationMs(used: Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

/** Taints in `want` not in `have`, and in `have` not in `want` (by key and effect). */
export function taintSetDiff(want: Taint[], have: Taint[]): { add: Taint[]; remove: Taint[] } {
  return { add: want.filter((t) => !taintExists(have, t)), remove: have.filter((t) => !taintExists(want, t)) };
}

function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect && (a.timeAdded ?? '') === (b.timeAdded ?? '');
}

function code(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

/**
 * Adds (or updates) and removes taints on a node in one write, read fresh and retried on
 * conflict, as AddOrUpdateTaintOnNode and RemoveTaintOffNode do. Returns false if the node is gone.
 */
export async function updateNodeTaints(client: Client, nodeName: string, add: Taint[], remove: Taint[]): Promise<boolean> {
  if (add.length === 0 && remove.length === 0) return true;
  for (let attempt = 0; ; attempt++) {
    const node = await client.get(R.nodes, '', nodeName);
    if (!node) return false;
    const current = taintsOf(node);
    let next = current.filter((t) => !remove.some((r) => matchTaint(r, t)));
    let changed = next.length !== current.length;
    for (const t of add) {
      const i = next.findIndex((x) => matchTaint(x, t));
      if (i >= 0) {
        if (sameTaint(next[i], t)) continue;
        next = next.map((x, j) => (j === i ? t : x));
      } else next = [...next, t];
      changed = true;
    }
    if (!changed) return true;
    const spec = { ...(node.spec as Record<string, unknown>) };
    if (next.length) spec.taints = next;
    else delete spec.taints;
    try {
      await client.update(R.nodes, '', { ...node, spec });
      return true;
    } catch (e) {
      if (code(e) === 404) return false;
      if (code(e) === 409 && attempt < 5) continue;
      throw e;
    }
  }
}

export interface PodCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/**
 * UpdatePodCondition: sets the condition (the transition time moves only when the status
 * does); returns false when nothing changed.
 */
export function updatePodCondition(status: { conditions?: PodCondition[] }, cond: PodCondition, now: number): boolean {
  const conditions = status.conditions ?? [];
  const i = conditions.findIndex((c) => c.type === cond.type);
  const next: PodCondition = { type: cond.type, status: cond.status, lastProbeTime: cond.lastProbeTime ?? null, lastTransitionTime: rfc3339(now) };
  if (cond.reason) next.reason = cond.reason;
  if (cond.message) next.message = cond.message;
  if (i < 0) {
    status.conditions = [...conditions, next];
    return true;
  }
  const old = conditions[i];
  if (old.status === next.status) next.lastTransitionTime = old.lastTransitionTime;
  const same =
    old.status === next.status &&
    (old.reason ?? '') === (next.reason ?? '') &&
    (old.message ?? '') === (next.message ?? '') &&
    (old.lastProbeTime ?? null) === (next.lastProbeTime ?? null) &&
    old.lastTransitionTime === next.lastTransitionTime;
  status.conditions = conditions.map((c, j) => (j === i ? next : c));
  return !same;
}

/** Writes a pod's status (conditional on the resourceVersion read), as the status subresource. */
export async function writePodStatus(client: Client, pod: KubeObject, status: unknown): Promise<KubeObject> {
  // The status subresource takes annotations from the request too: send metadata as read.
  const { managedFields: _mf, ...metadata } = pod.metadata;
  return client.update(R.pods, metadata.namespace ?? '', { apiVersion: 'v1', kind: 'Pod', metadata, status }, { subresource: 'status' });
}
