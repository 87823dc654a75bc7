// Matching rules several plugins share, as component-helpers/scheduling/corev1 and the API's
// v1 helpers define them: tolerations against taints, node selector terms (labels and the
// metadata.name field) against nodes, and host ports against the ports a node has in use.

import type { KubeObject } from '../api/object.js';
import type { Labels } from '../machinery/labels.js';

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

export function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function array<T = unknown>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Toleration.ToleratesTaint: an empty key with Exists tolerates every taint. */
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

export function tolerationsTolerateTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint passing `filter` that no toleration tolerates (FindMatchingUntoleratedTaint). */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  for (const taint of taints) {
    if (!filter(taint)) continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

export const doNotScheduleTaint = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

// --- node selectors ---

interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** A parsed NodeSelectorTerm: ANDed label and field requirements. An empty term matches nothing. */
export class NodeSelectorTermMatcher {
  private readonly labels: NodeSelectorRequirement[];
  private readonly fields: NodeSelectorRequirement[];
  readonly empty: boolean;

  constructor(term: NodeSelectorTerm) {
    this.labels = array<NodeSelectorRequirement>(term.matchExpressions);
    this.fields = array<NodeSelectorRequirement>(term.matchFields);
    this.empty = this.labels.length === 0 && this.fields.length === 0;
  }

  matches(nodeName: string, labels: Labels): boolean {
    if (this.empty) return false;
    for (const r of this.labels) if (!requirementMatches(r, labels[r.key], Object.prototype.hasOwnProperty.call(labels, r.key))) return false;
    for (const r of this.fields) {
      // Only metadata.name is a selectable node field.
      if (r.key !== 'metadata.name') return false;
      if (!requirementMatches(r, nodeName, true)) return false;
    }
    return true;
  }
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined, has: boolean): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      if (!/^[+-]?\d+$/.test(value!) || !/^[+-]?\d+$/.test(values[0])) return false;
      const a = BigInt(value!);
      const b = BigInt(values[0]);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** ORed terms (NodeSelector). */
export class NodeSelectorMatcher {
  private readonly terms: NodeSelectorTermMatcher[];

  constructor(terms: NodeSelectorTerm[]) {
    this.terms = terms.map((t) => new NodeSelectorTermMatcher(t));
  }

  matches(nodeName: string, labels: Labels): boolean {
    for (const t of this.terms) if (t.matches(nodeName, labels)) return true;
    return false;
  }
}

/** A pod's spec.nodeSelector and required node affinity together (nodeaffinity.RequiredNodeAffinity). */
export class RequiredNodeAffinity {
  private readonly selector: [string, string][];
  private readonly affinity: NodeSelectorMatcher | undefined;

  constructor(pod: KubeObject) {
    const spec = record(pod.spec);
    this.selector = Object.entries(record(spec.nodeSelector)).map(([k, v]) => [k, str(v)]);
    const required = record(record(record(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
    const terms = required.nodeSelectorTerms;
    this.affinity = Array.isArray(terms) ? new NodeSelectorMatcher(terms as NodeSelectorTerm[]) : undefined;
  }

  get isEmpty(): boolean {
    return this.selector.length === 0 && !this.affinity;
  }

  matches(nodeName: string, labels: Labels): boolean {
    for (const [k, v] of this.selector) if (labels[k] !== v) return false;
    return this.affinity ? this.affinity.matches(nodeName, labels) : true;
  }
}

/** Preferred node affinity terms with their weights (nodeaffinity.PreferredSchedulingTerms). */
export class PreferredSchedulingTerms {
  private readonly terms: { weight: number; term: NodeSelectorTermMatcher }[] = [];

  constructor(terms: unknown) {
    for (const t of array<{ weight?: number; preference?: NodeSelectorTerm }>(terms)) {
      const term = new NodeSelectorTermMatcher(record(t.preference) as NodeSelectorTerm);
      if (!t.weight || term.empty) continue;
      this.terms.push({ weight: t.weight, term });
    }
  }

  get isEmpty(): boolean {
    return this.terms.length === 0;
  }

  score(nodeName: string, labels: Labels): number {
    let sum = 0;
    for (const t of this.terms) if (t.term.matches(nodeName, labels)) sum += t.weight;
    return sum;
  }
}

// --- host ports (framework.HostPortInfo) ---

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

const bindAll = '0.0.0.0';

export function sanitizeHostPort(ip: string | undefined, protocol: string | undefined, port: number): HostPort {
  return { ip: ip || bindAll, protocol: protocol || 'TCP', port };
}

/** Ports in use on a node, per host IP. */
export class HostPortInfo {
  private readonly byIP = new Map<string, Map<string, number>>();

  get size(): number {
    return this.byIP.size;
  }

  add(p: HostPort): void {
    let m = this.byIP.get(p.ip);
    if (!m) this.byIP.set(p.ip, (m = new Map()));
    const k = `${p.protocol}/${p.port}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const m = this.byIP.get(p.ip);
    if (!m) return;
    const k = `${p.protocol}/${p.port}`;
    const n = (m.get(k) ?? 0) - 1;
    if (n > 0) m.set(k, n);
    else m.delete(k);
    if (m.size === 0) this.byIP.delete(p.ip);
  }

  /** 0.0.0.0 conflicts with every IP; a specific IP with itself and 0.0.0.0. */
  conflicts(p: HostPort): boolean {
    if (p.port <= 0) return false;
    const k = `${p.protocol}/${p.port}`;
    if (p.ip === bindAll) {
      for (const m of this.byIP.values()) if (m.has(k)) return true;
      return false;
    }
    return !!this.byIP.get(bindAll)?.has(k) || !!this.byIP.get(p.ip)?.has(k);
  }

  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, m] of this.byIP) c.byIP.set(ip, new Map(m));
    return c;
  }
}

/** Image names as the node reports them: "nginx" means "nginx:latest" (normalizedImageName). */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}
