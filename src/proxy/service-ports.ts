// What the proxy routes, worked out from Services and EndpointSlices (no I/O): one entry per
// service port with its addresses (cluster IP, node port, external and load-balancer IPs),
// its policies, and the endpoints that may receive traffic. As in kube-proxy: headless and
// ExternalName services get nothing; an endpoint is used when it is ready; when none is, the
// serving endpoints that are terminating take the traffic (so a rolling update's last pod
// still answers while it drains); endpoints of slices for other address types are ignored.

import type { KubeObject } from '../api/object.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** On this node (for the Local traffic policies). */
  local: boolean;
}

export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** The port's name ('' for a single unnamed port). */
  portName: string;
  /** "ns/name:port" or "ns/name" when the port is unnamed: kube-proxy's ServicePortName. */
  servicePortName: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  /** 0 when the service has none. */
  nodePort: number;
  externalIPs: string[];
  loadBalancerIPs: string[];
  /** ClientIP affinity timeout in seconds, or 0 for none. */
  affinitySeconds: number;
  internalLocal: boolean;
  externalLocal: boolean;
  /** Endpoints for traffic with the Cluster policy (all nodes). */
  clusterEndpoints: ProxyEndpoint[];
  /** Endpoints for traffic with the Local policy (this node only). */
  localEndpoints: ProxyEndpoint[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : []);
const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isIPv4(s: string): boolean {
  const m = ipv4.exec(s);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

function protocolOf(v: unknown): Protocol | undefined {
  const p = v === undefined || v === '' ? 'TCP' : v;
  return p === 'TCP' || p === 'UDP' || p === 'SCTP' ? p : undefined;
}

export const serviceNameLabel = 'kubernetes.io/service-name';

interface Candidate {
  ip: string;
  port: number;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** The endpoints of one service port, from every slice of the service, keyed by "ip:port". */
function candidatesFor(slices: KubeObject[], portName: string, protocol: Protocol): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const slice of slices) {
    const s = slice as unknown as Json;
    if (s.addressType !== undefined && s.addressType !== 'IPv4') continue;
    const port = objects(s.ports).find((p) => (typeof p.name === 'string' ? p.name : '') === portName && protocolOf(p.protocol) === protocol);
    if (!port || typeof port.port !== 'number' || port.port <= 0) continue;
    for (const ep of objects(s.endpoints)) {
      const conditions = isObject(ep.conditions) ? ep.conditions : {};
      // The API: a nil ready or serving means "unknown", to be taken as true.
      const ready = conditions.ready !== false;
      const serving = conditions.serving === undefined || conditions.serving === null ? ready : conditions.serving === true;
      const terminating = conditions.terminating === true;
      for (const ip of strings(ep.addresses).slice(0, 1)) {
        if (!isIPv4(ip)) continue;
        const key = `${ip}:${port.port}`;
        const candidate: Candidate = { ip, port: port.port, nodeName: typeof ep.nodeName === 'string' ? ep.nodeName : undefined, ready, serving, terminating };
        const prior = seen.get(key);
        // The same endpoint in two slices (a pod moving between them): the readier copy wins.
        if (!prior || (!prior.ready && candidate.ready)) seen.set(key, candidate);
      }
    }
  }
  return [...seen.values()].sort((a, b) => compareIP(a.ip, b.ip) || a.port - b.port);
}

function compareIP(a: string, b: string): number {
  const n = (ip: string) => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  return n(a) - n(b);
}

/** kube-proxy's CategorizeEndpoints: ready ones, else serving-and-terminating ones. */
function usable(candidates: Candidate[]): Candidate[] {
  const ready = candidates.filter((c) => c.ready);
  if (ready.length > 0) return ready;
  return candidates.filter((c) => c.serving && c.terminating);
}

/** Every service port the proxy routes, given all Services and EndpointSlices. */
export function servicePortsFrom(services: KubeObject[], endpointSlices: KubeObject[], nodeName: string): ServicePortInfo[] {
  const slicesByService = new Map<string, KubeObject[]>();
  for (const slice of endpointSlices) {
    const svc = slice.metadata.labels?.[serviceNameLabel];
    if (!svc) continue;
    const key = `${slice.metadata.namespace ?? ''}/${svc}`;
    const list = slicesByService.get(key) ?? [];
    list.push(slice);
    slicesByService.set(key, list);
  }
  const out: ServicePortInfo[] = [];
  for (const svc of services) {
    const spec = isObject(svc.spec) ? svc.spec : {};
    const status = isObject(svc.status) ? svc.status : {};
    if (spec.type === 'ExternalName') continue;
    const clusterIP = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
    // Headless (None) and not-yet-allocated services are not proxied.
    if (!isIPv4(clusterIP)) continue;
    const namespace = svc.metadata.namespace ?? '';
    const name = svc.metadata.name ?? '';
    const slices = slicesByService.get(`${namespace}/${name}`) ?? [];
    const affinity = spec.sessionAffinity === 'ClientIP' ? affinityTimeout(spec) : 0;
    const lb = isObject(status.loadBalancer) ? status.loadBalancer : {};
    const loadBalancerIPs = spec.type === 'LoadBalancer' ? objects(lb.ingress).map((i) => (typeof i.ip === 'string' ? i.ip : '')).filter(isIPv4) : [];
    const externalIPs = strings(spec.externalIPs).filter(isIPv4);
    for (const port of objects(spec.ports)) {
      const protocol = protocolOf(port.protocol);
      if (!protocol || typeof port.port !== 'number') continue;
      const portName = typeof port.name === 'string' ? port.name : '';
      const candidates = candidatesFor(slices, portName, protocol);
      const toEndpoint = (c: Candidate): ProxyEndpoint => ({ ip: c.ip, port: c.port, local: c.nodeName === nodeName });
      // Each policy picks among its own endpoints: a node whose only local pod is draining
      // still sends Local traffic to it while other nodes have ready pods.
      const clusterEndpoints = usable(candidates).map(toEndpoint);
      const localEndpoints = usable(candidates.filter((c) => c.nodeName === nodeName)).map(toEndpoint);
      out.push({
        namespace,
        name,
        portName,
        servicePortName: `${namespace}/${name}${portName ? `:${portName}` : ''}`,
        protocol,
        clusterIP,
        port: port.port,
        nodePort: spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? (typeof port.nodePort === 'number' ? port.nodePort : 0) : 0,
        externalIPs,
        loadBalancerIPs,
        affinitySeconds: affinity,
        internalLocal: spec.internalTrafficPolicy === 'Local',
        externalLocal: spec.externalTrafficPolicy === 'Local' && (spec.type === 'NodePort' || spec.type === 'LoadBalancer'),
        clusterEndpoints,
        localEndpoints,
      });
    }
  }
  return out.sort((a, b) => (a.servicePortName < b.servicePortName ? -1 : a.servicePortName > b.servicePortName ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
}

function affinityTimeout(spec: Json): number {
  const cfg = isObject(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : {};
  const clientIP = isObject(cfg.clientIP) ? cfg.clientIP : {};
  return typeof clientIP.timeoutSeconds === 'number' && clientIP.timeoutSeconds > 0 ? clientIP.timeoutSeconds : 10800;
}
