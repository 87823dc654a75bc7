// The EndpointSlice mirroring controller (upstream pkg/controller/endpointslicemirroring):
// a selector-less Service's Endpoints, written by hand or by another tool, are mirrored into
// EndpointSlices managed by `endpointslicemirroring-controller.k8s.io` — one slice per subset
// port set and address family, at most 1000 addresses each — so that slice consumers (the
// proxy, DNS) see them too. Endpoints labelled endpointslice.kubernetes.io/skip-mirror=true
// (the API server's own `kubernetes` Endpoints) and those of Services with a selector are not
// mirrored.

import type { KubeObject } from '../api/object.js';
import { deepCopy, objectKey, splitKey } from '../api/object.js';
import type { Lister } from '../client/informer.js';
import { R } from '../client/resources.js';
import { Controller, type ControllerContext, type Reconciler, type Result, type Runnable } from './controller.js';
import { ClientEventRecorder, type EventRecorder } from './events.js';
import { EndpointsAnnotations, LeaderElectionAnnotation, isIPv6, type EndpointAddress, type EndpointSubset } from './endpoints.js';
import {
  LabelManagedBy,
  LabelServiceName,
  LabelSkipMirror,
  SliceTracker,
  endpointKey,
  endpointsEqualBeyondKey,
  portMapKey,
  slicePrefix,
  staleCache,
  type AddressType,
  type EndpointSlice,
  type SliceEndpoint,
  type SlicePort,
} from './endpointslice.js';

export const MirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
/** kube-controller-manager's --mirroring-max-endpoints-per-subset default. */
export const defaultMaxEndpointsPerSubset = 1000;
const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

// ---- pure helpers ----

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** addressToEndpoint: the endpoint and address type of one Endpoints address; undefined if not an IP. */
export function addressToEndpoint(address: EndpointAddress, ready: boolean): { endpoint: SliceEndpoint; addressType: AddressType } | undefined {
  const ip = address.ip ?? '';
  let addressType: AddressType;
  if (ipv4.test(ip)) addressType = 'IPv4';
  else if (isIPv6(ip) && /^[0-9a-fA-F:.]+$/.test(ip)) addressType = 'IPv6';
  else return undefined;
  const endpoint: SliceEndpoint = { addresses: [ip], conditions: { ready } };
  if (address.targetRef) endpoint.targetRef = deepCopy(address.targetRef);
  if (address.nodeName) endpoint.nodeName = address.nodeName;
  if (address.hostname) endpoint.hostname = address.hostname;
  return { endpoint, addressType };
}

export function subsetPorts(subset: EndpointSubset): SlicePort[] {
  return (subset.ports ?? []).map((p) => {
    const port: SlicePort = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
    if (p.appProtocol) port.appProtocol = p.appProtocol;
    return port;
  });
}

/** Labels and annotations of a mirrored slice: the Endpoints' own, plus service name and manager. */
export function mirroredMeta(endpoints: KubeObject): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = { ...(endpoints.metadata.labels ?? {}) };
  labels[LabelServiceName] = endpoints.metadata.name!;
  labels[LabelManagedBy] = MirroringControllerName;
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(endpoints.metadata.annotations ?? {})) {
    if (k === EndpointsAnnotations.LastChangeTriggerTime || k === lastAppliedAnnotation) continue;
    annotations[k] = v;
  }
  return { labels, annotations };
}

export interface DesiredMirror {
  /** key → (address type, ports, endpoints by identity) */
  groups: Map<string, { addressType: AddressType; ports: SlicePort[]; endpoints: Map<string, SliceEndpoint> }>;
  invalid: number;
  skipped: number;
}

/** The desired endpoints per (address type, port set), at most maxPerSubset per subset. */
export function desiredMirror(endpoints: KubeObject, maxPerSubset: number): DesiredMirror {
  const groups: DesiredMirror['groups'] = new Map();
  let invalid = 0;
  let skipped = 0;
  for (const subset of (endpoints.subsets ?? []) as EndpointSubset[]) {
    const ports = subsetPorts(subset);
    const total = (subset.addresses?.length ?? 0) + (subset.notReadyAddresses?.length ?? 0);
    let added = 0;
    const add = (address: EndpointAddress, ready: boolean) => {
      if (added >= maxPerSubset) return;
      const got = addressToEndpoint(address, ready);
      if (!got) {
        invalid++;
        return;
      }
      added++;
      const key = `${got.addressType}|${portMapKey(ports)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { addressType: got.addressType, ports, endpoints: new Map() }));
      g.endpoints.set(endpointKey(got.endpoint), got.endpoint);
    };
    for (const a of subset.addresses ?? []) add(a, true);
    for (const a of subset.notReadyAddresses ?? []) add(a, false);
    skipped += total - added;
  }
  return { groups, invalid, skipped };
}

const sameEntries = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

// ---- the controller ----

export interface MirroringControllerOptions {
  /** Defaults to a recorder whose events come from `endpoint-slice-mirroring-controller`, as upstream's. */
  recorder?: EventRecorder;
  maxEndpointsPerSubset?: number;
  workers?: number;
}

export class EndpointSliceMirroringReconciler implements Reconciler {
  readonly tracker = new SliceTracker();
  private readonly recorder: EventRecorder;
  private readonly maxPerSubset: number;

  constructor(
    private readonly ctx: ControllerContext,
    options: MirroringControllerOptions = {},
  ) {
    this.recorder = options.recorder ?? new ClientEventRecorder(ctx.client, 'endpoint-slice-mirroring-controller', ctx.clock, ctx.log);
    this.maxPerSubset = options.maxEndpointsPerSubset ?? defaultMaxEndpointsPerSubset;
  }

  private get endpoints(): Lister {
    return this.ctx.informers.informerFor(R.endpoints);
  }
  private get services(): Lister {
    return this.ctx.informers.informerFor(R.services);
  }
  private get slices(): Lister {
    return this.ctx.informers.informerFor(R.endpointslices);
  }

  private mirrored(namespace: string, name: string): EndpointSlice[] {
    return (this.slices.list(namespace) as EndpointSlice[]).filter(
      (s) => s.metadata.labels?.[LabelServiceName] === name && s.metadata.labels?.[LabelManagedBy] === MirroringControllerName && !s.metadata.deletionTimestamp,
    );
  }

  async reconcile(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const existing = this.mirrored(namespace, name);
    if (this.tracker.stale(key, existing)) throw staleCache('EndpointSlice informer cache is out of date');
    const endpoints = this.endpoints.get(namespace, name);
    const svc = this.services.get(namespace, name);
    const sel = (svc?.spec as { selector?: unknown } | undefined)?.selector;
    if (
      !endpoints ||
      endpoints.metadata.labels?.[LabelSkipMirror] === 'true' ||
      endpoints.metadata.annotations?.[LeaderElectionAnnotation] !== undefined ||
      !svc ||
      (sel !== undefined && sel !== null)
    ) {
      await this.deleteAll(key, namespace, existing);
      if (!endpoints) this.tracker.forget(key);
      return;
    }

    const d = desiredMirror(endpoints, this.maxPerSubset);
    if (d.invalid > 0) this.recorder.event(endpoints, 'Warning', 'InvalidIPAddress', `Skipped ${d.invalid} invalid IP addresses when mirroring to EndpointSlices`);
    if (d.skipped > d.invalid) {
      this.recorder.event(endpoints, 'Warning', 'TooManyAddressesToMirror', `A max of ${this.maxPerSubset} addresses can be mirrored to EndpointSlices per Endpoints subset. ${d.skipped} addresses were skipped`);
    }

    const { labels, annotations } = mirroredMeta(endpoints);
    const existingByKey = new Map<string, EndpointSlice[]>();
    for (const s of existing) {
      const k = `${s.addressType}|${portMapKey(s.ports)}`;
      existingByKey.set(k, [...(existingByKey.get(k) ?? []), s]);
    }
    const create: EndpointSlice[] = [];
    const update: EndpointSlice[] = [];
    const del: EndpointSlice[] = [];
    for (const [k, g] of d.groups) {
      const current = existingByKey.get(k) ?? [];
      del.push(...current.slice(1));
      const first = current[0];
      if (first && this.matches(first, g.endpoints, labels, annotations)) continue;
      const slice: EndpointSlice = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          namespace,
          labels,
          ...(Object.keys(annotations).length ? { annotations } : {}),
          ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name, uid: endpoints.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
        addressType: g.addressType,
        ports: g.ports,
        endpoints: [...g.endpoints.values()].slice(0, this.maxPerSubset),
      };
      if (first) {
        slice.metadata.name = first.metadata.name;
        slice.metadata.resourceVersion = first.metadata.resourceVersion;
        update.push(slice);
      } else {
        slice.metadata.generateName = slicePrefix(name);
        create.push(slice);
      }
    }
    for (const [k, slices] of existingByKey) if (!d.groups.has(k)) del.push(...slices);
    // Recycle slices about to be deleted into ones about to be created.
    while (create.length && del.length) {
      const victim = del.shift()!;
      const slice = create.pop()!;
      delete slice.metadata.generateName;
      slice.metadata.name = victim.metadata.name;
      slice.metadata.resourceVersion = victim.metadata.resourceVersion;
      update.push(slice);
    }

    const { client } = this.ctx;
    if (!endpoints.metadata.deletionTimestamp) {
      for (const slice of create) {
        try {
          this.tracker.wrote(key, await client.create(R.endpointslices, namespace, slice));
        } catch (e) {
          const err = e as { code?: number; details?: { causes?: { reason?: string }[] }; message?: string };
          if (err.code === 403 && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
          throw new Error(`failed to create EndpointSlice for Endpoints ${namespace}/${name}: ${err.message}`);
        }
      }
    }
    for (const slice of update) {
      try {
        this.tracker.wrote(key, await client.update(R.endpointslices, namespace, slice));
      } catch (e) {
        if ((e as { reason?: string }).reason === 'Conflict') throw staleCache((e as Error).message);
        throw new Error(`failed to update ${slice.metadata.name} EndpointSlice for Endpoints ${namespace}/${name}: ${(e as Error).message}`);
      }
    }
    await this.deleteAll(key, namespace, del);
  }

  private matches(slice: EndpointSlice, desired: Map<string, SliceEndpoint>, labels: Record<string, string>, annotations: Record<string, string>): boolean {
    if (!sameEntries(slice.metadata.labels, labels) || !sameEntries(slice.metadata.annotations, annotations)) return false;
    const eps = slice.endpoints ?? [];
    if (eps.length !== Math.min(desired.size, this.maxPerSubset)) return false;
    return eps.every((ep) => {
      const want = desired.get(endpointKey(ep));
      return want !== undefined && endpointsEqualBeyondKey(want, ep);
    });
  }

  private async deleteAll(key: string, namespace: string, slices: EndpointSlice[]): Promise<void> {
    for (const slice of slices) {
      try {
        await this.ctx.client.delete(R.endpointslices, namespace, slice.metadata.name!);
        this.tracker.expectDeletion(key, slice.metadata.name!);
      } catch (e) {
        if ((e as { code?: number }).code !== 404) throw e;
      }
    }
  }
}

export function endpointSliceMirroringController(ctx: ControllerContext, options: MirroringControllerOptions = {}): Runnable {
  const reconciler = new EndpointSliceMirroringReconciler(ctx, options);
  const controller = new Controller('endpointslice-mirroring-controller', ctx, reconciler, options.workers ?? 2);
  const enqueue = (obj: KubeObject) => controller.enqueue(objectKey(obj));
  ctx.informers.informerFor(R.endpoints).addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
  // A Service gaining or losing its selector starts or stops the mirroring.
  ctx.informers.informerFor(R.services).addEventHandler({
    onAdd: enqueue,
    onUpdate: (o, n) => {
      if (JSON.stringify((o.spec as { selector?: unknown })?.selector ?? null) !== JSON.stringify((n.spec as { selector?: unknown })?.selector ?? null)) enqueue(n);
    },
    onDelete: enqueue,
  });
  const mirroredKey = (slice: KubeObject) => {
    const svc = slice.metadata.labels?.[LabelServiceName];
    return svc && slice.metadata.labels?.[LabelManagedBy] === MirroringControllerName ? `${slice.metadata.namespace}/${svc}` : undefined;
  };
  ctx.informers.informerFor(R.endpointslices).addEventHandler({
    onUpdate: (o, n) => {
      const k = mirroredKey(n) ?? mirroredKey(o);
      if (k) controller.enqueue(k);
    },
    onDelete: (slice) => {
      const k = mirroredKey(slice);
      if (k && !reconciler.tracker.observedDeletion(k, slice.metadata.name!)) controller.enqueue(k);
    },
  });
  return controller;
}
