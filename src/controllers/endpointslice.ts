// The EndpointSlice controller (upstream pkg/controller/endpointslice and k8s.io/endpointslice):
// for every Service with a selector, EndpointSlices named `<service>-<5 chars>`, labelled
// kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by, owned by the
// Service, holding at most 100 endpoints each. Every endpoint carries ready/serving/terminating
// conditions, its node and zone, and a reference to its pod; terminating pods stay (ready=false).
// Existing slices are kept and edited in place where possible, so that consumers see few
// changes; a Service with no endpoints gets one empty placeholder slice.

import type { KubeObject } from '../api/object.js';
import { deepCopy, objectKey, splitKey } from '../api/object.js';
import type { Lister } from '../client/informer.js';
import { R } from '../client/resources.js';
import { Controller, type ControllerContext, type Reconciler, type Result, type Runnable } from './controller.js';
import { ClientEventRecorder, type EventRecorder } from './events.js';
import {
  EndpointsAnnotations,
  HeadlessServiceLabel,
  findPort,
  isIPv6,
  isPodReady,
  isServiceIPSet,
  podIPs,
  rfc3339Nano,
  serviceSelector,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  specOf,
  TriggerTimeTracker,
  watchPodsForServices,
} from './endpoints.js';

export const LabelServiceName = 'kubernetes.io/service-name';
export const LabelManagedBy = 'endpointslice.kubernetes.io/managed-by';
export const LabelSkipMirror = 'endpointslice.kubernetes.io/skip-mirror';
export const EndpointSliceControllerName = 'endpointslice-controller.k8s.io';
export const LabelTopologyZone = 'topology.kubernetes.io/zone';
/** kube-controller-manager's --max-endpoints-per-slice default. */
export const defaultMaxEndpointsPerSlice = 100;

export type AddressType = 'IPv4' | 'IPv6' | 'FQDN';

export interface SlicePort {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

export interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
  nodeName?: string;
  zone?: string;
  hints?: unknown;
}

export interface EndpointSlice extends KubeObject {
  addressType?: AddressType;
  endpoints?: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}

// ---- pure helpers ----

/** The key that groups slices by their port set (order-insensitive). */
export function portMapKey(ports: SlicePort[] | null | undefined): string {
  return JSON.stringify((ports ?? []).map((p) => [p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP', p.appProtocol ?? '']).sort());
}

/** hashEndpoint: an endpoint's identity is its addresses, hostname and target. */
export function endpointKey(ep: SliceEndpoint): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

/** EndpointsEqualBeyondHash: node, zone, conditions and target (resourceVersion aside). */
export function endpointsEqualBeyondKey(a: SliceEndpoint, b: SliceEndpoint): boolean {
  const c = (e: SliceEndpoint) => [e.conditions?.ready, e.conditions?.serving, e.conditions?.terminating];
  const t = (e: SliceEndpoint) => (e.targetRef ? [e.targetRef.kind, e.targetRef.namespace, e.targetRef.name, e.targetRef.uid] : null);
  return (a.nodeName ?? null) === (b.nodeName ?? null) && (a.zone ?? null) === (b.zone ?? null) && JSON.stringify(c(a)) === JSON.stringify(c(b)) && JSON.stringify(t(a)) === JSON.stringify(t(b));
}

/** The address types a Service's slices carry (its IP families). */
export function addressTypesForService(svc: KubeObject): AddressType[] {
  const spec = specOf(svc);
  const types = new Set<AddressType>();
  for (const f of spec.ipFamilies ?? []) {
    if (f === 'IPv4') types.add('IPv4');
    if (f === 'IPv6') types.add('IPv6');
  }
  if (types.size) return [...types];
  if (isServiceIPSet(svc)) return [isIPv6(spec.clusterIP!) ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** getEndpointSlicePrefix: `<name>-`, or the bare name when that would be too long. */
export function slicePrefix(name: string): string {
  return name.length + 1 <= 253 - 5 ? `${name}-` : name;
}

/** podToEndpoint. `ready` is never true for a terminating pod unless not-ready addresses are published. */
export function podToEndpoint(pod: KubeObject, node: KubeObject | undefined, svc: KubeObject, addressType: AddressType): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = specOf(svc).publishNotReadyAddresses === true || (serving && !terminating);
  const ep: SliceEndpoint = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (nodeName) ep.nodeName = nodeName;
  const zone = node?.metadata.labels?.[LabelTopologyZone];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, svc)) ep.hostname = (pod.spec as { hostname?: string }).hostname;
  return ep;
}

/** getEndpointPorts: the service ports this pod offers (named target ports resolved). */
export function endpointPorts(svc: KubeObject, pod: KubeObject): SlicePort[] {
  const spec = specOf(svc);
  if ((spec.ports ?? []).length === 0 && spec.clusterIP === 'None') return [];
  const out: SlicePort[] = [];
  for (const sp of spec.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: SlicePort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

/**
 * setEndpointSliceLabels: the Service's labels (reserved keys aside), the headless marker, the
 * service name and the manager. `changed` says whether the copied Service labels differ.
 */
export function sliceLabels(slice: KubeObject | undefined, svc: KubeObject, controllerName: string): { labels: Record<string, string>; changed: boolean } {
  const reserved = new Set([LabelServiceName, LabelManagedBy, HeadlessServiceLabel]);
  const pick = (m: Record<string, string> | undefined) => Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => !reserved.has(k)));
  const fromSlice = pick(slice?.metadata.labels);
  const labels = pick(svc.metadata.labels);
  const changed = JSON.stringify(Object.entries(fromSlice).sort()) !== JSON.stringify(Object.entries(labels).sort());
  if (!isServiceIPSet(svc)) labels[HeadlessServiceLabel] = '';
  labels[LabelServiceName] = svc.metadata.name!;
  labels[LabelManagedBy] = controllerName;
  return { labels, changed };
}

export function ownedBy(slice: KubeObject, svc: KubeObject): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.uid === svc.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

export function newSlice(svc: KubeObject, ports: SlicePort[], addressType: AddressType, controllerName: string): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: slicePrefix(svc.metadata.name!),
      namespace: svc.metadata.namespace,
      labels: sliceLabels(undefined, svc, controllerName).labels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name!, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

const sortEndpoints = (eps: SliceEndpoint[]) => eps.sort((a, b) => (endpointKey(a) < endpointKey(b) ? -1 : endpointKey(a) > endpointKey(b) ? 1 : 0));

/**
 * reconcileByPortMapping: keep desired endpoints where they are, drop the others, refresh
 * changed ones; then fill the slices already being updated, then the unchanged slice that the
 * remainder fits best, and only then create new slices.
 */
export function planPortMapping(
  svc: KubeObject,
  existing: EndpointSlice[],
  desired: Map<string, SliceEndpoint>,
  ports: SlicePort[],
  addressType: AddressType,
  maxPerSlice: number,
  controllerName: string,
): SlicePlan {
  const byName = new Map<string, EndpointSlice>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();
  for (const slice of existing) {
    byName.set(slice.metadata.name!, slice);
    const kept: SliceEndpoint[] = [];
    let endpointUpdated = false;
    for (const ep of slice.endpoints ?? []) {
      const k = endpointKey(ep);
      const want = desired.get(k);
      if (!want) continue;
      kept.push(want);
      if (!endpointsEqualBeyondKey(want, ep)) endpointUpdated = true;
      desired.delete(k);
    }
    const { labels, changed } = sliceLabels(slice, svc, controllerName);
    if (endpointUpdated || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.add(slice.metadata.name!);
      else {
        const copy = deepCopy(slice);
        copy.endpoints = kept;
        copy.metadata.labels = labels;
        byName.set(copy.metadata.name!, copy);
        toUpdate.add(copy.metadata.name!);
      }
    } else if (changed) {
      const copy = deepCopy(slice);
      copy.metadata.labels = labels;
      byName.set(copy.metadata.name!, copy);
      toUpdate.add(copy.metadata.name!);
    } else {
      unchanged.add(slice.metadata.name!);
    }
  }
  const remaining = sortEndpoints([...desired.values()]);
  // 2. Fill the slices being updated anyway, fullest first.
  if (remaining.length && toUpdate.size) {
    const slices = [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0));
    for (const slice of slices) {
      while (remaining.length && (slice.endpoints?.length ?? 0) < maxPerSlice) (slice.endpoints ??= []).push(remaining.shift()!);
    }
  }
  // 3. Fit the rest into the unchanged slice closest to full, else new slices.
  const create: EndpointSlice[] = [];
  while (remaining.length) {
    let fill: EndpointSlice | undefined;
    if (remaining.length < maxPerSlice && unchanged.size) {
      let closest = maxPerSlice;
      for (const n of unchanged) {
        const s = byName.get(n)!;
        const diff = maxPerSlice - (remaining.length + (s.endpoints?.length ?? 0));
        if (diff >= 0 && diff < closest) {
          closest = diff;
          fill = s;
        }
      }
    }
    if (fill) {
      fill = deepCopy(fill);
      byName.set(fill.metadata.name!, fill);
    } else {
      fill = newSlice(svc, ports, addressType, controllerName);
    }
    while (remaining.length && (fill.endpoints?.length ?? 0) < maxPerSlice) (fill.endpoints ??= []).push(remaining.shift()!);
    if (fill.metadata.name) {
      toUpdate.add(fill.metadata.name);
      unchanged.delete(fill.metadata.name);
    } else create.push(fill);
  }
  return { create, update: [...toUpdate].map((n) => byName.get(n)!), delete: [...toDelete].map((n) => byName.get(n)!) };
}

const isPlaceholder = (slice: EndpointSlice, svc: KubeObject, controllerName: string, addressType: AddressType): boolean =>
  (slice.endpoints ?? []).length === 0 &&
  (slice.ports ?? []).length === 0 &&
  slice.addressType === addressType &&
  ownedBy(slice, svc) &&
  JSON.stringify(Object.entries(slice.metadata.labels ?? {}).sort()) === JSON.stringify(Object.entries(sliceLabels(undefined, svc, controllerName).labels).sort());

/** The whole plan for one address type: per port set, plus the placeholder rule and recycling of deletes into updates. */
export function planAddressType(
  svc: KubeObject,
  pods: KubeObject[],
  nodeOf: (name: string) => KubeObject | undefined,
  existing: EndpointSlice[],
  addressType: AddressType,
  maxPerSlice: number,
  controllerName: string,
): SlicePlan & { missingNodes: string[] } {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    if (!ownedBy(slice, svc)) {
      plan.delete.push(slice);
      continue;
    }
    const k = portMapKey(slice.ports);
    existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), slice]);
  }
  const desiredByPorts = new Map<string, { ports: SlicePort[]; endpoints: Map<string, SliceEndpoint> }>();
  const missingNodes: string[] = [];
  const publishNotReady = specOf(svc).publishNotReadyAddresses === true;
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const k = portMapKey(ports);
    let d = desiredByPorts.get(k);
    if (!d) desiredByPorts.set(k, (d = { ports, endpoints: new Map() }));
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const node = nodeName ? nodeOf(nodeName) : undefined;
    if (!node && !publishNotReady) {
      // A pod on a node that does not exist is left out (and the Service retried), so a
      // vanished node cannot pin its pods' addresses forever.
      missingNodes.push(`skipping Pod ${pod.metadata.name} for Service ${svc.metadata.namespace}/${svc.metadata.name}: Node ${nodeName} Not Found`);
      continue;
    }
    const ep = podToEndpoint(pod, node, svc, addressType);
    if (ep.addresses.length) d.endpoints.set(endpointKey(ep), ep);
  }
  for (const [k, d] of desiredByPorts) {
    const p = planPortMapping(svc, existingByPorts.get(k) ?? [], d.endpoints, d.ports, addressType, maxPerSlice, controllerName);
    plan.create.push(...p.create);
    plan.update.push(...p.update);
    plan.delete.push(...p.delete);
  }
  for (const [k, slices] of existingByPorts) if (!desiredByPorts.has(k)) plan.delete.push(...slices);
  // A Service with no endpoints still gets one (empty) slice.
  if (existing.length === plan.delete.length && plan.create.length === 0) {
    if (plan.delete.length === 1 && isPlaceholder(plan.delete[0], svc, controllerName, addressType)) plan.delete = [];
    else plan.create.push(newSlice(svc, [], addressType, controllerName));
  }
  // Recycle: a slice about to be deleted is updated into one about to be created.
  for (let i = 0; i < plan.delete.length && plan.create.length; ) {
    const victim = plan.delete[i];
    if (victim.addressType === addressType && ownedBy(victim, svc)) {
      const slice = plan.create.pop()!;
      slice.metadata.name = victim.metadata.name;
      delete slice.metadata.generateName;
      slice.metadata.resourceVersion = victim.metadata.resourceVersion;
      slice.metadata.annotations = victim.metadata.annotations;
      plan.update.push(slice);
      plan.delete.splice(i, 1);
    } else i++;
  }
  return { ...plan, missingNodes };
}

/**
 * Remembers the slices this controller wrote (by resourceVersion) and deleted, so that a sync
 * against an informer cache that has not caught up yet is retried instead of acting twice.
 */
export class SliceTracker {
  private written = new Map<string, Map<string, bigint>>();
  private deleted = new Map<string, Set<string>>();

  wrote(owner: string, slice: KubeObject): void {
    let m = this.written.get(owner);
    if (!m) this.written.set(owner, (m = new Map()));
    m.set(slice.metadata.name!, BigInt(slice.metadata.resourceVersion ?? '0'));
    this.deleted.get(owner)?.delete(slice.metadata.name!);
  }

  expectDeletion(owner: string, name: string): void {
    let s = this.deleted.get(owner);
    if (!s) this.deleted.set(owner, (s = new Set()));
    s.add(name);
    this.written.get(owner)?.delete(name);
  }

  /** Whether the cached slices lag behind what this controller has written. */
  stale(owner: string, cached: KubeObject[]): boolean {
    const byName = new Map(cached.map((s) => [s.metadata.name!, s]));
    for (const [name, rv] of this.written.get(owner) ?? []) {
      const c = byName.get(name);
      if (!c || BigInt(c.metadata.resourceVersion ?? '0') < rv) return true;
    }
    for (const name of this.deleted.get(owner) ?? []) if (byName.has(name)) return true;
    return false;
  }

  /** A deletion seen by the informer: forget the expectation. Returns whether it was expected. */
  observedDeletion(owner: string, name: string): boolean {
    return this.deleted.get(owner)?.delete(name) ?? false;
  }

  forget(owner: string): void {
    this.written.delete(owner);
    this.deleted.delete(owner);
  }
}

/** A retryable, quiet failure: the controller base requeues "Conflict" errors without logging. */
export function staleCache(message: string): Error {
  return Object.assign(new Error(message), { reason: 'Conflict' });
}

// ---- the controller ----

export interface EndpointSliceControllerOptions {
  /** Defaults to a recorder whose events come from `endpoint-slice-controller`, as upstream's. */
  recorder?: EventRecorder;
  maxEndpointsPerSlice?: number;
  workers?: number;
}

export class EndpointSliceReconciler implements Reconciler {
  readonly triggerTimes = new TriggerTimeTracker();
  readonly tracker = new SliceTracker();
  private readonly recorder: EventRecorder;
  private readonly maxPerSlice: number;

  constructor(
    private readonly ctx: ControllerContext,
    options: EndpointSliceControllerOptions = {},
  ) {
    this.recorder = options.recorder ?? new ClientEventRecorder(ctx.client, 'endpoint-slice-controller', ctx.clock, ctx.log);
    this.maxPerSlice = options.maxEndpointsPerSlice ?? defaultMaxEndpointsPerSlice;
  }

  private get services(): Lister {
    return this.ctx.informers.informerFor(R.services);
  }
  private get pods(): Lister {
    return this.ctx.informers.informerFor(R.pods);
  }
  private get nodes(): Lister {
    return this.ctx.informers.informerFor(R.nodes);
  }
  private get slices(): Lister {
    return this.ctx.informers.informerFor(R.endpointslices);
  }

  async reconcile(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(namespace, name);
    if (!svc) {
      // The garbage collector removes the slices through their owner reference.
      this.triggerTimes.delete(key);
      this.tracker.forget(key);
      return;
    }
    if (specOf(svc).type === 'ExternalName') return;
    const selector = serviceSelector(svc);
    if (!selector) return;
    const pods = this.pods.list(namespace, selector);
    const existing = (this.slices.list(namespace) as EndpointSlice[]).filter(
      (s) => s.metadata.labels?.[LabelServiceName] === name && s.metadata.labels?.[LabelManagedBy] === EndpointSliceControllerName && !s.metadata.deletionTimestamp,
    );
    if (this.tracker.stale(key, existing)) throw staleCache('EndpointSlice informer cache is out of date');
    const triggerTime = this.triggerTimes.compute(svc, pods);

    const types = addressTypesForService(svc);
    const errors: string[] = [];
    const plan: SlicePlan = { create: [], update: [], delete: [] };
    for (const slice of existing) if (!types.includes(slice.addressType as AddressType)) plan.delete.push(slice);
    for (const t of types) {
      const p = planAddressType(svc, pods, (n) => this.nodes.get('', n), existing.filter((s) => s.addressType === t), t, this.maxPerSlice, EndpointSliceControllerName);
      plan.create.push(...p.create);
      plan.update.push(...p.update);
      plan.delete.push(...p.delete);
      errors.push(...p.missingNodes);
    }
    try {
      await this.apply(key, svc, plan, triggerTime);
    } catch (e) {
      this.recorder.event(svc, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${namespace}/${name}: ${(e as Error).message}`);
      throw e;
    }
    if (errors.length) return { requeueAfter: 1000 };
  }

  private async apply(key: string, svc: KubeObject, plan: SlicePlan, triggerTime: number | undefined): Promise<void> {
    const { client } = this.ctx;
    const namespace = svc.metadata.namespace!;
    const stamp = (slice: KubeObject) => {
      const annotations = { ...(slice.metadata.annotations ?? {}) };
      if (triggerTime !== undefined) annotations[EndpointsAnnotations.LastChangeTriggerTime] = rfc3339Nano(triggerTime);
      else delete annotations[EndpointsAnnotations.LastChangeTriggerTime];
      if (Object.keys(annotations).length) slice.metadata.annotations = annotations;
      else delete slice.metadata.annotations;
    };
    // No new slices for a Service being deleted: they would race the garbage collector.
    if (!svc.metadata.deletionTimestamp) {
      for (const slice of plan.create) {
        stamp(slice);
        try {
          this.tracker.wrote(key, await client.create(R.endpointslices, namespace, slice));
        } catch (e) {
          const err = e as { code?: number; details?: { causes?: { reason?: string }[] }; message?: string };
          if (err.code === 403 && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
          throw new Error(`failed to create EndpointSlice for Service ${namespace}/${svc.metadata.name}: ${err.message}`);
        }
      }
    }
    for (const slice of plan.update) {
      stamp(slice);
      try {
        this.tracker.wrote(key, await client.update(R.endpointslices, namespace, slice));
      } catch (e) {
        if ((e as { reason?: string }).reason === 'Conflict') throw staleCache((e as Error).message);
        throw new Error(`failed to update ${slice.metadata.name} EndpointSlice for Service ${namespace}/${svc.metadata.name}: ${(e as Error).message}`);
      }
    }
    for (const slice of plan.delete) {
      try {
        await client.delete(R.endpointslices, namespace, slice.metadata.name!);
        this.tracker.expectDeletion(key, slice.metadata.name!);
      } catch (e) {
        if ((e as { code?: number }).code !== 404) throw new Error(`failed to delete ${slice.metadata.name} EndpointSlice for Service ${namespace}/${svc.metadata.name}: ${(e as Error).message}`);
      }
    }
  }
}

export function endpointSliceController(ctx: ControllerContext, options: EndpointSliceControllerOptions = {}): Runnable {
  const reconciler = new EndpointSliceReconciler(ctx, options);
  const controller = new Controller('endpointslice-controller', ctx, reconciler, options.workers ?? 2);
  const enqueue = (key: string) => controller.enqueue(key);
  ctx.informers.informerFor(R.services).addEventHandler({
    onAdd: (s) => enqueue(objectKey(s)),
    onUpdate: (_o, s) => enqueue(objectKey(s)),
    onDelete: (s) => enqueue(objectKey(s)),
  });
  watchPodsForServices(ctx, enqueue);
  ctx.informers.informerFor(R.nodes);
  const serviceOf = (slice: KubeObject) => {
    const svc = slice.metadata.labels?.[LabelServiceName];
    return svc ? `${slice.metadata.namespace}/${svc}` : undefined;
  };
  const managed = (slice: KubeObject) => slice.metadata.labels?.[LabelManagedBy] === EndpointSliceControllerName;
  ctx.informers.informerFor(R.endpointslices).addEventHandler({
    onAdd: (slice) => {
      const k = serviceOf(slice);
      if (k && managed(slice)) enqueue(k);
    },
    onUpdate: (oldSlice, slice) => {
      const k = serviceOf(slice);
      const oldKey = serviceOf(oldSlice);
      if (oldKey && oldKey !== k) enqueue(oldKey);
      if (k && (managed(slice) || managed(oldSlice))) enqueue(k);
    },
    onDelete: (slice) => {
      const k = serviceOf(slice);
      if (!k || !managed(slice)) return;
      // A deletion this controller made needs no new sync; someone else's does.
      if (!reconciler.tracker.observedDeletion(k, slice.metadata.name!)) enqueue(k);
    },
  });
  return controller;
}
