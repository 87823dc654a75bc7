// pods/NAME[:PORT]/proxy[/PATH]: any request, proxied to the pod's IP, as kube-apiserver's
// pod ProxyREST with pod.ResourceLocation does. The id may be `name`, `name:port` or
// `scheme:name:port`; without a port the first declared container port is used (or the
// scheme's default), and a port name is looked up among the containers' named ports.

import type { KubeObject } from '../../api/object.js';
import { StatusError, Reason, badRequest } from '../../machinery/errors.js';
import type { HandlerContext, ResourceRequest } from '../handlers.js';
import type { Registry } from '../registry/registry.js';
import { serveProxy } from './proxy-handler.js';
import { BackendGuard, addressNotAllowed, isGlobalUnicast, isLoopback, simulatedBackendError, splitSchemeNamePort, targetOf } from './proxy-location.js';

interface PodShape {
  spec?: { nodeName?: string; containers?: { ports?: { name?: string; containerPort?: number }[] }[] };
  status?: { podIP?: string; podIPs?: { ip?: string }[] };
}

/** Well-known service names Go's dialer resolves when a port is given by name. */
const wellKnownPorts: Record<string, number> = { http: 80, https: 443 };

/** The port a pod proxy request names: a number, a container port name, or the first declared container port. */
export function podProxyPort(pod: KubeObject, port: string): number | undefined {
  const containers = (pod as PodShape).spec?.containers ?? [];
  if (port === '') {
    for (const c of containers) if (c.ports?.length) return c.ports[0].containerPort;
    return undefined;
  }
  if (/^\d+$/.test(port)) return Number(port);
  for (const c of containers) for (const p of c.ports ?? []) if (p.name === port && p.containerPort) return p.containerPort;
  const known = wellKnownPorts[port];
  if (known) return known;
  throw new StatusError(503, Reason.ServiceUnavailable, `error trying to reach service: dial tcp: lookup tcp/${port}: unknown port`);
}

function podIPOf(pod: KubeObject): string {
  const status = (pod as PodShape).status ?? {};
  return status.podIP || status.podIPs?.[0]?.ip || '';
}

/** The SubresourceHandler for pods/proxy. */
export async function handlePodProxy(_ctx: HandlerContext, r: ResourceRequest, registry: Registry): Promise<void> {
  try {
    const id = splitSchemeNamePort(r.info.name);
    if (!id) throw badRequest(`invalid pod request ${JSON.stringify(r.info.name)}`);
    const pod = await registry.store('', 'pods').get(r.info.namespace, id.name);
    const port = podProxyPort(pod, id.port);
    const ip = podIPOf(pod);
    // kube-apiserver accepts only global unicast pod IPs; kubelite also takes loopback, where
    // pods of the process runtime without their own network (and tests) listen.
    if (!ip || !(isGlobalUnicast(ip) || isLoopback(ip))) throw addressNotAllowed();
    const guard = new BackendGuard(registry);
    const nodeName = (pod as PodShape).spec?.nodeName;
    if (await guard.isSimulated(nodeName)) throw simulatedBackendError(`pod "${id.name}"`, nodeName!);
    const refusal = await guard.refusal(ip);
    if (refusal) throw addressNotAllowed(refusal);
    return await serveProxy(r, targetOf(id.scheme, ip, port));
  } catch (e) {
    if (!r.req.readableEnded) r.req.resume();
    throw e;
  }
}
