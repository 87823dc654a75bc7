// The downward API: pod fields (fieldRef) and container resources (resourceFieldRef) as the
// strings env vars and downwardAPI volume files carry.

import { parseQuantity, quantityMilliValue, quantityValue, tryParseQuantity } from '../machinery/quantity.js';
import type { Container, ObjectFieldSelector, Pod, ResourceFieldSelector } from './types.js';

/** strconv.Quote for the values of `key="value"` lines. */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Labels or annotations as the downward API formats them: sorted `key="value"` lines. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k])}`)
    .join('\n');
}

export interface RuntimeFields {
  nodeName: string;
  hostIPs: string[];
  podIPs: string[];
}

export class FieldPathError extends Error {}

/** The value of a fieldRef, as the kubelet resolves it for a running pod. */
export function podFieldValue(sel: ObjectFieldSelector, pod: Pod, rt: RuntimeFields): string {
  const path = sel.fieldPath;
  switch (path) {
    case 'spec.nodeName':
      return pod.spec.nodeName || rt.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
      return rt.hostIPs[0] ?? '';
    case 'status.hostIPs':
      return rt.hostIPs.join(',');
    case 'status.podIP':
      return rt.podIPs[0] ?? '';
    case 'status.podIPs':
      return rt.podIPs.join(',');
  }
  return objectFieldValue(pod, path);
}

/** ExtractFieldPathAsString: metadata fields, and map entries by key. */
export function objectFieldValue(pod: Pod, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path) ?? /^metadata\.(labels|annotations)\["(.+)"\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
  }
  throw new FieldPathError(`unsupported fieldPath: ${path}`);
}

/**
 * A container resource in units of the divisor, rounded up (cpu in millicores underneath).
 * Limits left unset read as the node's allocatable, as the kubelet defaults them.
 */
export function resourceFieldValue(sel: ResourceFieldSelector, pod: Pod, container: Container | undefined, allocatable: Record<string, string>): string {
  const c = sel.containerName ? [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((x) => x.name === sel.containerName) : container;
  if (!c) throw new FieldPathError(`container ${sel.containerName ?? ''} not found`);
  const [kind, name] = sel.resource.split('.', 2) as ['limits' | 'requests', string];
  let raw = kind === 'limits' ? c.resources?.limits?.[name] : c.resources?.requests?.[name];
  if (raw === undefined && kind === 'limits') raw = allocatable[name];
  const q = tryParseQuantity(raw ?? 0) ?? parseQuantity(0);
  const divisor = tryParseQuantity(sel.divisor ?? 1) ?? parseQuantity(1);
  if (name === 'cpu') {
    const d = Math.max(1, quantityMilliValue(divisor));
    return String(Math.ceil(quantityMilliValue(q) / d));
  }
  const d = quantityValue(divisor) || 1;
  return String(Math.ceil(quantityValue(q) / d));
}
