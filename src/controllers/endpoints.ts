// The Endpoints controller (upstream pkg/controller/endpoint): for every Service with a
// selector, an Endpoints object of the same name listing the matching pods' addresses, ready
// ones in `addresses` and the others in `notReadyAddresses`, with each service port resolved
// against the pod (named target ports per pod). Terminating pods drop out unless the Service
// publishes not-ready addresses. Past 1000 addresses the list is truncated and annotated.
//
// The pod and service helpers here are shared with the EndpointSlice controllers.

import type { KubeObject } from '../api/object.js';
import { deepCopy, objectKey, splitKey } from '../api/object.js';
import { selectorFromMap, type Selector } from '../machinery/labels.js';
import type { Lister } from '../client/informer.js';
import { R } from '../client/resources.js';
import { Controller, type ControllerContext, type Reconciler, type Result, type Runnable } from './controller.js';
import { ClientEventRecorder, type EventRecorder } from './events.js';

export const EndpointsAnnotations = {
  LastChangeTriggerTime: 'endpoints.kubernetes.io/last-change-trigger-time',
  OverCapacity: 'endpoints.kubernetes.io/over-capacity',
} as const;

/** Set (empty) on the Endpoints and EndpointSlices of a headless Service. */
export const HeadlessServiceLabel = 'service.kubernetes.io/headless';
/** Annotation of leader-election Endpoints (old-style locks): never cleaned up. */
export const LeaderElectionAnnotation = 'control-plane.alpha.kubernetes.io/leader';
/** The most addresses one Endpoints object carries before it is truncated. */
export const maxEndpointsCapacity = 1000;

// ---- shapes ----

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export interface ServiceSpec {
  selector?: Record<string, string> | null;
  ports?: ServicePort[];
  clusterIP?: string;
  type?: string;
  publishNotReadyAddresses?: boolean;
  ipFamilies?: string[];
}

interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

interface PodSpec {
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  containers?: { name: string; ports?: ContainerPort[] }[];
  initContainers?: { name: string; restartPolicy?: string; ports?: ContainerPort[] }[];
}

interface PodStatus {
  phase?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  conditions?: { type: string; status: string; lastTransitionTime?: string }[];
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string; resourceVersion?: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export const specOf = (svc: KubeObject): ServiceSpec => (svc.spec ?? {}) as ServiceSpec;
const podSpec = (pod: KubeObject): PodSpec => (pod.spec ?? {}) as PodSpec;
const podStatus = (pod: KubeObject): PodStatus => (pod.status ?? {}) as PodStatus;

// ---- pure helpers (upstream endpointslice/util) ----

/** A Service's pod selector; undefined for a nil selector, which selects nothing (and no endpoints). */
export function serviceSelector(svc: KubeObject): Selector | undefined {
  const sel = specOf(svc).selector;
  return sel === undefined || sel === null ? undefined : selectorFromMap(sel);
}

export function isPodReady(pod: KubeObject): boolean {
  return (podStatus(pod).conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function podReadyCondition(pod: KubeObject): { status: string; lastTransitionTime?: string } | undefined {
  return (podStatus(pod).conditions ?? []).find((c) => c.type === 'Ready');
}

export function isPodTerminal(pod: KubeObject): boolean {
  const phase = podStatus(pod).phase;
  return phase === 'Failed' || phase === 'Succeeded';
}

/** The pod's IPs: status.podIPs, or the single status.podIP of an older writer. */
export function podIPs(pod: KubeObject): string[] {
  const st = podStatus(pod);
  const ips = (st.podIPs ?? []).map((p) => p.ip).filter(Boolean);
  return ips.length ? ips : st.podIP ? [st.podIP] : [];
}

export const isIPv6 = (ip: string): boolean => ip.includes(':');

/** ShouldPodBeInEndpoints: not terminal, has an IP, and (unless tolerated) not terminating. */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** Hostnames are published for pods whose subdomain names this Service (a headless-service DNS record). */
export function shouldSetHostname(pod: KubeObject, svc: KubeObject): boolean {
  const s = podSpec(pod);
  return !!s.hostname && s.subdomain === svc.metadata.name && svc.metadata.namespace === pod.metadata.namespace;
}

export function isServiceIPSet(svc: KubeObject): boolean {
  const ip = specOf(svc).clusterIP;
  return !!ip && ip !== 'None';
}

/** FindPort: a numeric target port as is; a named one looked up among the pod's container ports. */
export function findPort(pod: KubeObject, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = svcPort.protocol ?? 'TCP';
  const spec = podSpec(pod);
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** The pod IP of the Service's (first) IP family. */
export function podIPForService(svc: KubeObject, pod: KubeObject): string | undefined {
  const spec = specOf(svc);
  let v6: boolean;
  if (spec.ipFamilies?.length) v6 = spec.ipFamilies[0] === 'IPv6';
  else if (isServiceIPSet(svc)) v6 = isIPv6(spec.clusterIP!);
  else v6 = isIPv6(podStatus(pod).podIP ?? '');
  return podIPs(pod).find((ip) => isIPv6(ip) === v6);
}

/** Keys of the Services (with a selector) in the pod's namespace whose selector matches these labels. */
export function servicesSelecting(services: Lister, namespace: string | undefined, labels: Record<string, string> | undefined): string[] {
  const keys: string[] = [];
  for (const svc of services.list(namespace)) {
    const sel = serviceSelector(svc);
    if (sel && sel.matches(labels)) keys.push(objectKey(svc));
  }
  return keys;
}

/** RFC 3339 with trailing zero fractions trimmed, as Go's time.RFC3339Nano prints UTC times. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

/**
 * TriggerTimeTracker: the endpoints.kubernetes.io/last-change-trigger-time of a sync — the
 * earliest of the changes (a pod's Ready transition, the Service's creation) seen since the
 * previous sync of that Service; its creation time the first time round.
 */
export class TriggerTimeTracker {
  private states = new Map<string, { service: number; pods: Map<string, number> }>();

  compute(svc: KubeObject, pods: KubeObject[]): number | undefined {
    const key = objectKey(svc);
    const state = this.states.get(key);
    const serviceTime = Date.parse(svc.metadata.creationTimestamp ?? '') || 0;
    let min: number | undefined;
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = Date.parse(podReadyCondition(pod)?.lastTransitionTime ?? '');
      if (!t) continue;
      podTimes.set(pod.metadata.name!, t);
      if (t > (state?.pods.get(pod.metadata.name!) ?? 0)) min = min === undefined ? t : Math.min(min, t);
    }
    if (serviceTime > (state?.service ?? 0)) min = min === undefined ? serviceTime : Math.min(min, serviceTime);
    this.states.set(key, { service: serviceTime, pods: podTimes });
    if (!state) return serviceTime || undefined;
    return min;
  }

  delete(key: string): void {
    this.states.delete(key);
  }
}

// ---- subsets ----

const compareBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** LessEndpointAddress: by IP, then by the target's UID. */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return compareBytes(a.ip, b.ip) || compareBytes(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');
}

const portKey = (p: EndpointPort | undefined): string => (p ? JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? '']) : '');

/**
 * RepackSubsets: expands subsets to (address, port, ready) triples and repacks them so that
 * addresses offering the same ports share a subset. An address not ready on any port is not
 * ready. Headless services without ports keep their addresses with no ports.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  // port key -> (address key -> ready)
  const byPort = new Map<string, { port: EndpointPort | undefined; ready: Map<string, boolean> }>();
  const note = (a: EndpointAddress, port: EndpointPort | undefined, ready: boolean) => {
    const ak = `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
    if (!addrs.has(ak)) addrs.set(ak, a);
    const pk = portKey(port);
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port, ready: new Map() }));
    const was = entry.ready.get(ak);
    if (was === undefined || was) entry.ready.set(ak, ready);
  };
  for (const s of subsets) {
    const ports: (EndpointPort | undefined)[] = s.ports?.length ? s.ports : [undefined];
    for (const port of ports) {
      for (const a of s.addresses ?? []) note(a, port, true);
      for (const a of s.notReadyAddresses ?? []) note(a, port, false);
    }
  }
  // Group ports by their exact (address, ready) sets.
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const sig = JSON.stringify([...ready.entries()].sort((x, y) => compareBytes(x[0], y[0])));
    let g = groups.get(sig);
    if (!g) groups.set(sig, (g = { ready, ports: [] }));
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [ak, isReady] of g.ready) (isReady ? ready : notReady).push(addrs.get(ak)!);
    ready.sort(compareAddresses);
    notReady.sort(compareAddresses);
    g.ports.sort((x, y) => compareBytes(portKey(x), portKey(y)));
    const subset: EndpointSubset = {};
    if (ready.length) subset.addresses = ready;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (g.ports.length) subset.ports = g.ports;
    out.push(subset);
  }
  return out.sort((x, y) => compareBytes(JSON.stringify(x), JSON.stringify(y)));
}

/**
 * truncateEndpoints: past maxEndpointsCapacity addresses, keep ready ones first, spreading
 * what is kept over the subsets in proportion to their size. Returns whether it truncated.
 */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= maxEndpointsCapacity) return false;
  const truncateReady = totalReady > maxEndpointsCapacity;
  const max = truncateReady ? maxEndpointsCapacity : maxEndpointsCapacity - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  for (const s of subsets) {
    const inSubset = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    const toBeAdded = Math.min(Math.ceil((inSubset / numTotal) * max), canBeAdded);
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, toBeAdded);
      delete s.notReadyAddresses;
      canBeAdded -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= s.notReadyAddresses.length;
    }
    if (s.addresses?.length === 0) delete s.addresses;
    if (s.notReadyAddresses?.length === 0) delete s.notReadyAddresses;
  }
  return true;
}

/** The subsets a Service's Endpoints should list for these (selected) pods. */
export function desiredSubsets(svc: KubeObject, pods: KubeObject[]): EndpointSubset[] {
  const spec = specOf(svc);
  const tolerateUnready = spec.publishNotReadyAddresses === true;
  const subsets: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ip = podIPForService(svc, pod);
    if (!ip) continue;
    const addr: EndpointAddress = { ip };
    const nodeName = podSpec(pod).nodeName;
    if (nodeName) addr.nodeName = nodeName;
    addr.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid };
    if (shouldSetHostname(pod, svc)) addr.hostname = podSpec(pod).hostname;
    const ready = tolerateUnready || isPodReady(pod);
    const add = (ports: EndpointPort[]) => subsets.push(ready ? { addresses: [addr], ports } : { notReadyAddresses: [addr], ports });
    const ports = spec.ports ?? [];
    if (ports.length === 0) {
      if (spec.clusterIP === 'None') add([]);
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ep: EndpointPort = sp.name ? { name: sp.name, port, protocol: sp.protocol ?? 'TCP' } : { port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      add([ep]);
    }
  }
  return repackSubsets(subsets);
}

/** Subsets compared as the API stores them: no target resourceVersions, no empty lists. */
export function canonicalSubsets(subsets: unknown): string {
  const list = Array.isArray(subsets) ? (subsets as EndpointSubset[]) : [];
  const addr = (a: EndpointAddress) => {
    const out: EndpointAddress = { ip: a.ip };
    if (a.hostname) out.hostname = a.hostname;
    if (a.nodeName) out.nodeName = a.nodeName;
    if (a.targetRef) out.targetRef = { kind: a.targetRef.kind, namespace: a.targetRef.namespace, name: a.targetRef.name, uid: a.targetRef.uid };
    return out;
  };
  return JSON.stringify(
    list.map((s) => ({
      a: (s.addresses ?? []).map(addr),
      n: (s.notReadyAddresses ?? []).map(addr),
      p: (s.ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']),
    })),
  );
}

const withoutKey = (m: Record<string, string> | undefined, k: string): Record<string, string> => {
  const out = { ...(m ?? {}) };
  delete out[k];
  return out;
};

const sameMap = (a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean => {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b ?? {}).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a![k] === b![k]);
};

function countAddresses(subsets: EndpointSubset[] | undefined): number {
  return (subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
}

// ---- the controller ----

export interface EndpointsControllerOptions {
  /** Defaults to a recorder whose events come from `endpoint-controller`, as upstream's. */
  recorder?: EventRecorder;
  workers?: number;
}

export class EndpointsReconciler implements Reconciler {
  readonly triggerTimes = new TriggerTimeTracker();
  private readonly recorder: EventRecorder;

  constructor(
    private readonly ctx: ControllerContext,
    recorder?: EventRecorder,
  ) {
    this.recorder = recorder ?? new ClientEventRecorder(ctx.client, 'endpoint-controller', ctx.clock, ctx.log);
  }

  get services(): Lister {
    return this.ctx.informers.informerFor(R.services);
  }
  get pods(): Lister {
    return this.ctx.informers.informerFor(R.pods);
  }
  get endpoints(): Lister {
    return this.ctx.informers.informerFor(R.endpoints);
  }

  async reconcile(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const { client } = this.ctx;
    const svc = this.services.get(namespace, name);
    if (!svc) {
      // The Service is gone: so are its Endpoints (unless they are a leader-election record).
      const ep = this.endpoints.get(namespace, name);
      this.triggerTimes.delete(key);
      if (ep?.metadata.annotations?.[LeaderElectionAnnotation] !== undefined) return;
      try {
        await client.delete(R.endpoints, namespace, name);
      } catch (e) {
        if ((e as { code?: number }).code !== 404) throw e;
      }
      return;
    }
    const spec = specOf(svc);
    if (spec.type === 'ExternalName') return;
    const selector = serviceSelector(svc);
    if (!selector) return; // Endpoints of selector-less Services are written by their users.

    const pods = this.pods.list(namespace, selector);
    const triggerTime = this.triggerTimes.compute(svc, pods);
    const subsets = desiredSubsets(svc, pods);

    const current = this.endpoints.get(namespace, name);
    const svcLabels = svc.metadata.labels ?? {};
    if (
      current &&
      canonicalSubsets(current.subsets) === canonicalSubsets(subsets) &&
      sameMap(withoutKey(current.metadata.labels, HeadlessServiceLabel), svcLabels) &&
      countAddresses(current.subsets as EndpointSubset[]) <= maxEndpointsCapacity &&
      current.metadata.annotations?.[EndpointsAnnotations.OverCapacity] === undefined
    ) {
      return;
    }

    const next: KubeObject = current ? deepCopy(current) : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
    next.apiVersion = 'v1';
    next.kind = 'Endpoints';
    const annotations = { ...(next.metadata.annotations ?? {}) };
    if (triggerTime !== undefined) annotations[EndpointsAnnotations.LastChangeTriggerTime] = rfc3339Nano(triggerTime);
    else delete annotations[EndpointsAnnotations.LastChangeTriggerTime];
    if (truncateSubsets(subsets)) annotations[EndpointsAnnotations.OverCapacity] = 'truncated';
    else delete annotations[EndpointsAnnotations.OverCapacity];
    const labels = { ...svcLabels };
    if (!isServiceIPSet(svc)) labels[HeadlessServiceLabel] = '';
    // Empty maps are left out, as Go's omitempty leaves them out.
    if (Object.keys(annotations).length) next.metadata.annotations = annotations;
    else delete next.metadata.annotations;
    if (Object.keys(labels).length) next.metadata.labels = labels;
    else delete next.metadata.labels;
    if (subsets.length) next.subsets = subsets;
    else delete next.subsets;

    try {
      if (current) await client.update(R.endpoints, namespace, next);
      else await client.create(R.endpoints, namespace, next);
    } catch (e) {
      const err = e as { code?: number; reason?: string; message?: string; details?: { causes?: { reason?: string }[] } };
      if (!current && err.code === 403 && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
      if (err.reason === 'Conflict' || err.reason === 'AlreadyExists') throw Object.assign(new Error(err.message), { reason: 'Conflict' });
      if (!current) this.recorder.event(next, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${name}: ${err.message}`);
      else this.recorder.event(next, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${name}: ${err.message}`);
      throw e;
    }
  }
}

/** Enqueues the Services selecting a pod, before and after a change. */
export function watchPodsForServices(ctx: ControllerContext, enqueue: (key: string) => void): void {
  const services = ctx.informers.informerFor(R.services);
  const forPod = (pod: KubeObject) => servicesSelecting(services, pod.metadata.namespace, pod.metadata.labels).forEach(enqueue);
  ctx.informers.informerFor(R.pods).addEventHandler({
    onAdd: forPod,
    onUpdate: (oldPod, newPod) => {
      if (oldPod.metadata.resourceVersion === newPod.metadata.resourceVersion) return;
      const keys = new Set([
        ...servicesSelecting(services, newPod.metadata.namespace, newPod.metadata.labels),
        ...servicesSelecting(services, oldPod.metadata.namespace, oldPod.metadata.labels),
      ]);
      keys.forEach(enqueue);
    },
    onDelete: forPod,
  });
}

/** Runs a controller after a one-time pass over existing objects once the caches are synced. */
export class StartupSweep implements Runnable {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly controller: Controller,
    private readonly sweep: () => void,
  ) {}

  async start(signal: AbortSignal): Promise<void> {
    const running = this.controller.start(signal);
    await this.ctx.informers.waitForSync();
    if (!signal.aborted) this.sweep();
    await running;
  }
}

export function endpointsController(ctx: ControllerContext, options: EndpointsControllerOptions = {}): Runnable {
  const reconciler = new EndpointsReconciler(ctx, options.recorder);
  const controller = new Controller('endpoints-controller', ctx, reconciler, options.workers ?? 2);
  const enqueue = (key: string) => controller.enqueue(key);
  const services = ctx.informers.informerFor(R.services);
  services.addEventHandler({
    onAdd: (s) => enqueue(objectKey(s)),
    onUpdate: (_o, s) => enqueue(objectKey(s)),
    onDelete: (s) => enqueue(objectKey(s)),
  });
  watchPodsForServices(ctx, enqueue);
  const endpoints = ctx.informers.informerFor(R.endpoints);
  endpoints.addEventHandler({ onDelete: (ep) => enqueue(objectKey(ep)) });
  // checkLeftoverEndpoints: Endpoints whose Service went while no controller ran are removed.
  return new StartupSweep(ctx, controller, () => {
    for (const ep of endpoints.list()) {
      if (ep.metadata.annotations?.[LeaderElectionAnnotation] !== undefined) continue;
      if (!services.get(ep.metadata.namespace ?? '', ep.metadata.name!)) enqueue(objectKey(ep));
    }
  });
}
