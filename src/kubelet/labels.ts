// The labels and annotations the kubelet puts on sandboxes and containers (kuberuntime's
// labels.go), so it can find a pod's containers in the runtime again after a restart, and the
// hash that tells it a container's spec changed.

import { createHash } from 'node:crypto';
import type { Container, Pod } from './types.js';

export const L = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUID: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
  containerHash: 'io.kubernetes.container.hash',
  restartCount: 'io.kubernetes.container.restartCount',
  terminationMessagePath: 'io.kubernetes.container.terminationMessagePath',
  terminationMessagePolicy: 'io.kubernetes.container.terminationMessagePolicy',
  deletionGracePeriod: 'io.kubernetes.pod.deletionGracePeriod',
  terminationGracePeriod: 'io.kubernetes.pod.terminationGracePeriod',
  preStopHandler: 'io.kubernetes.container.preStopHandler',
  ports: 'io.kubernetes.container.ports',
  /** kubelite's own: where the termination-log file lives on the host. */
  terminationMessageHostPath: 'io.kubelite.container.terminationMessageHostPath',
  /** kubelite's own: init, sidecar or regular. */
  containerType: 'io.kubelite.container.type',
} as const;

export type ContainerType = 'init' | 'regular';

export function sandboxLabels(pod: Pod): Record<string, string> {
  return {
    ...(pod.metadata.labels ?? {}),
    [L.podName]: pod.metadata.name ?? '',
    [L.podNamespace]: pod.metadata.namespace ?? '',
    [L.podUID]: pod.metadata.uid ?? '',
  };
}

export function sandboxAnnotations(pod: Pod): Record<string, string> {
  return { ...(pod.metadata.annotations ?? {}) };
}

export function containerLabels(pod: Pod, c: Container): Record<string, string> {
  return {
    [L.podName]: pod.metadata.name ?? '',
    [L.podNamespace]: pod.metadata.namespace ?? '',
    [L.podUID]: pod.metadata.uid ?? '',
    [L.containerName]: c.name,
  };
}

export function containerAnnotations(pod: Pod, c: Container, restartCount: number, type: ContainerType, terminationHostPath: string | undefined): Record<string, string> {
  const a: Record<string, string> = {
    [L.containerHash]: containerHash(c),
    [L.restartCount]: String(restartCount),
    [L.terminationMessagePath]: c.terminationMessagePath ?? '',
    [L.terminationMessagePolicy]: c.terminationMessagePolicy ?? 'File',
    [L.containerType]: type,
  };
  if (pod.metadata.deletionGracePeriodSeconds !== undefined) a[L.deletionGracePeriod] = String(pod.metadata.deletionGracePeriodSeconds);
  if (pod.spec.terminationGracePeriodSeconds !== undefined) a[L.terminationGracePeriod] = String(pod.spec.terminationGracePeriodSeconds);
  if (c.lifecycle?.preStop) a[L.preStopHandler] = JSON.stringify(c.lifecycle.preStop);
  if (c.ports?.length) a[L.ports] = JSON.stringify(c.ports);
  if (terminationHostPath) a[L.terminationMessageHostPath] = terminationHostPath;
  return a;
}

/** A stable hash of the parts of a container spec whose change means a restart (resources excluded, as in-place resize allows). */
export function containerHash(c: Container): string {
  const { resources: _r, ...rest } = c;
  return createHash('sha256').update(stableJson(rest)).digest('hex').slice(0, 8);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
