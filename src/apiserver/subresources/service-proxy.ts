// services/NAME[:PORT]/proxy[/PATH]: any request, proxied to one ready endpoint of the
// Service, as kube-apiserver's service ResourceLocation picks it: the port is named (or given
// by number, which names the Service port), a random subset holding that port name and a
// random ready address in it are tried, and an address that names a pod must still be that
// pod's IP. Endpoints are read from the Endpoints object, or — where only EndpointSlices exist
// — from the slices labelled kubernetes.io/service-name.

import type { KubeObject } from '../../api/object.js';
import { FieldSelector } from '../../machinery/fields.js';
import { selectorFromMap } from '../../machinery/labels.js';
import { StatusError, Reason, badRequest, notFound } from '../../machinery/errors.js';
import type { HandlerContext, ResourceRequest } from '../handlers.js';
import type { Registry } from '../registry/registry.js';
import { serveProxy } from './proxy-handler.js';
import { BackendGuard, simulatedNodeLabel, splitSchemeNamePort, targetOf } from './proxy-location.js';

interface ObjectRef {
  kind?: string;
  namespace?: string;
  name?: string;
}

/** One ready address of an endpoint, from Endpoints or an EndpointSlice. */
interface EndpointAddress {
  ip: string;
  nodeName?: string;
  targetRef?: ObjectRef;
}

/** Addresses that serve the same ports: an Endpoints subset, or an EndpointSlice. */
interface EndpointGroup {
  addresses: EndpointAddress[];
  ports: { name: string; port: number }[];
}

interface ServiceShape {
  spec?: { type?: string; ports?: { name?: string; port?: number }[] };
}

interface EndpointsShape {
  subsets?: { addresses?: EndpointAddress[]; ports?: { name?: string; port?: number }[] }[];
}

interface EndpointSliceShape {
  addressType?: string;
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean | null }; nodeName?: string; targetRef?: ObjectRef }[];
  ports?: { name?: string | null; port?: number | null }[] | null;
}

function groupsOfEndpoints(eps: KubeObject): EndpointGroup[] {
  return ((eps as EndpointsShape).subsets ?? []).map((s) => ({
    addresses: (s.addresses ?? []).filter((a) => a.ip),
    ports: (s.ports ?? []).filter((p) => p.port).map((p) => ({ name: p.name ?? '', port: p.port! })),
  }));
}

function groupOfSlice(slice: KubeObject): EndpointGroup {
  const s = slice as EndpointSliceShape;
  if (s.addressType === 'FQDN') return { addresses: [], ports: [] };
  const addresses: EndpointAddress[] = [];
  // A nil ready condition means ready (discovery/v1).
  for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false && e.addresses?.[0]) addresses.push({ ip: e.addresses[0], nodeName: e.nodeName, targetRef: e.targetRef });
  return { addresses, ports: (s.ports ?? []).filter((p) => p.port).map((p) => ({ name: p.name ?? '', port: p.port! })) };
}

/** The Service port name a request's port part stands for (a number names the Service port with that number). */
export function servicePortName(svc: KubeObject | undefined, serviceName: string, port: string): string {
  const ports = (svc as ServiceShape | undefined)?.spec?.ports ?? [];
  if (/^\d+$/.test(port)) {
    if (!svc) throw notFound({ group: '', resource: 'services' }, serviceName);
    const found = ports.find((p) => p.port === Number(port));
    if (!found) throw new StatusError(503, Reason.ServiceUnavailable, `no service port ${Number(port)} found for service ${JSON.stringify(serviceName)}`);
    return found.name ?? '';
  }
  // kubelite's convenience: with no port given, a Service's only port is meant whatever its name.
  if (port === '' && ports.length === 1) return ports[0].name ?? '';
  return port;
}

function shuffledStart<T>(items: T[]): T[] {
  const start = Math.floor(Math.random() * items.length);
  return [...items.slice(start), ...items.slice(0, start)];
}

/** kube-apiserver's isValidAddress: an address naming a pod must be that pod's current IP. */
async function addressStillPod(registry: Registry, namespace: string, a: EndpointAddress): Promise<boolean> {
  const ref = a.targetRef;
  // Hand-written endpoints without a pod behind them are allowed (the backend guard still applies).
  if (!ref || ref.kind !== 'Pod') return true;
  if (ref.namespace && ref.namespace !== namespace) return false;
  const pod = await registry.store('', 'pods').tryGet(namespace, ref.name ?? '');
  const status = (pod?.status ?? {}) as { podIP?: string; podIPs?: { ip?: string }[] };
  const ips = [...(status.podIPs ?? []).map((p) => p.ip), status.podIP];
  return ips.includes(a.ip);
}

async function endpointGroupsOf(registry: Registry, namespace: string, name: string): Promise<EndpointGroup[]> {
  const eps = await registry.store('', 'endpoints').tryGet(namespace, name);
  if (eps && groupsOfEndpoints(eps).length) return groupsOfEndpoints(eps);
  const slices = await registry
    .store('discovery.k8s.io', 'endpointslices')
    .list(namespace, { labelSelector: selectorFromMap({ 'kubernetes.io/service-name': name }), fieldSelector: new FieldSelector([]) });
  if (!eps && slices.items.length === 0) throw notFound({ group: '', resource: 'endpoints' }, name);
  return slices.items.map(groupOfSlice);
}

/** The SubresourceHandler for services/proxy. */
export async function handleServiceProxy(_ctx: HandlerContext, r: ResourceRequest, registry: Registry): Promise<void> {
  try {
    const raw = r.info.name;
    const id = splitSchemeNamePort(raw);
    if (!id) throw badRequest(`invalid service request ${JSON.stringify(raw)}`);
    const namespace = r.info.namespace;
    const svc = await registry.store('', 'services').tryGet(namespace, id.name);
    const portName = servicePortName(svc, id.name, id.port);
    // ExternalName Services have no endpoints: the proxy refuses them as kube-apiserver does.
    if ((svc as ServiceShape | undefined)?.spec?.type === 'ExternalName') throw notFound({ group: '', resource: 'endpoints' }, id.name);
    const groups = (await endpointGroupsOf(registry, namespace, id.name)).filter((g) => g.addresses.length);
    if (groups.length === 0) throw new StatusError(503, Reason.ServiceUnavailable, `no endpoints available for service ${JSON.stringify(id.name)}`);
    const guard = new BackendGuard(registry);
    const simulatedNodes = new Set<string>();
    for (const g of shuffledStart(groups)) {
      for (const p of g.ports) {
        if (p.name !== portName) continue;
        for (const a of shuffledStart(g.addresses)) {
          if (!(await addressStillPod(registry, namespace, a))) continue;
          const nodeName = a.nodeName ?? (a.targetRef?.kind === 'Pod' ? await nodeOfPod(registry, namespace, a.targetRef.name ?? '') : undefined);
          if (await guard.isSimulated(nodeName)) {
            simulatedNodes.add(nodeName!);
            continue;
          }
          if (await guard.refusal(a.ip)) continue;
          return await serveProxy(r, targetOf(id.scheme, a.ip, p.port));
        }
      }
    }
    if (simulatedNodes.size) {
      throw new StatusError(
        503,
        Reason.ServiceUnavailable,
        `no endpoints available for service ${JSON.stringify(raw)}: its endpoints are pods on simulated nodes (${simulatedNodeLabel}=true: ${[...simulatedNodes].sort().join(', ')}), where no process listens`,
      );
    }
    throw new StatusError(503, Reason.ServiceUnavailable, `no endpoints available for service ${JSON.stringify(raw)}`);
  } catch (e) {
    if (!r.req.readableEnded) r.req.resume();
    throw e;
  }
}

async function nodeOfPod(registry: Registry, namespace: string, name: string): Promise<string | undefined> {
  const pod = await registry.store('', 'pods').tryGet(namespace, name);
  return (pod?.spec as { nodeName?: string } | undefined)?.nodeName;
}
