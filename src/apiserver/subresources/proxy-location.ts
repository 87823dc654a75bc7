// Where the API server's pod and service proxies may connect. The id in the URL
// (`name`, `name:port`, `https:name:port`) is split as apimachinery's SplitSchemeNamePort
// does. Before any connection the backend address is checked: pods of simulated nodes have
// addresses no process listens on (answered with a clear 503), and the proxy never connects
// anywhere but a pod CIDR of the cluster's nodes or this machine itself — so a hand-written
// Endpoints object cannot turn the API server into a way out to arbitrary hosts.

import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { KubeObject } from '../../api/object.js';
import { FieldSelector } from '../../machinery/fields.js';
import { Selector } from '../../machinery/labels.js';
import { StatusError, Reason, badRequest } from '../../machinery/errors.js';
import { parseCidr, parseIPv4 } from '../../kubelet/runtime/simulated/ipam.js';
import type { Registry } from '../registry/registry.js';

/** The label simulated (kwok-style) nodes carry: nothing listens on their pods' addresses. */
export const simulatedNodeLabel = 'kubelite.io/simulated';

export interface ProxyId {
  scheme: '' | 'http' | 'https';
  name: string;
  port: string;
}

/** apimachinery's SplitSchemeNamePort: `name`, `name:port` or `scheme:name:port`; undefined when invalid. */
export function splitSchemeNamePort(id: string): ProxyId | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name = '';
  let port = '';
  if (parts.length === 1) [name] = parts;
  else if (parts.length === 2) [name, port] = parts;
  else if (parts.length === 3) [scheme, name, port] = parts;
  else return undefined;
  if (!name || !['', 'http', 'https'].includes(scheme)) return undefined;
  return { scheme: scheme as ProxyId['scheme'], name, port };
}

/** Where a proxied request goes. */
export interface ProxyTarget {
  scheme: 'http' | 'https';
  host: string;
  port: number;
}

export function targetOf(scheme: ProxyId['scheme'], host: string, port: number | undefined): ProxyTarget {
  const s = scheme || 'http';
  return { scheme: s, host, port: port ?? (s === 'https' ? 443 : 80) };
}

/** Go's net.IP.IsGlobalUnicast, which kube-apiserver requires of a pod IP. */
export function isGlobalUnicast(ip: string): boolean {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) {
    const a = v4 >>> 24;
    if (v4 === 0 || v4 === 0xffffffff || a === 127 || a >= 224) return false;
    if (a === 169 && ((v4 >>> 16) & 255) === 254) return false;
    return true;
  }
  if (isIP(ip) !== 6) return false;
  const l = ip.toLowerCase();
  return !(l === '::' || l === '::1' || l.startsWith('ff') || /^fe[89ab]/.test(l));
}

export function isLoopback(ip: string): boolean {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) return v4 >>> 24 === 127;
  return ip === '::1';
}

function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) out.add(a.address);
  return out;
}

interface NodeShape {
  spec?: { podCIDR?: string; podCIDRs?: string[] };
}

function inCidr(ip: string, cidr: string): boolean {
  const n = parseIPv4(ip);
  if (n === undefined) return false;
  try {
    const c = parseCidr(cidr);
    const size = 2 ** (32 - c.bits);
    return n >= c.base && n < c.base + size;
  } catch {
    return false;
  }
}

/** The cluster's nodes, looked up once per proxied request. */
export class BackendGuard {
  private nodes: Promise<KubeObject[]> | undefined;

  constructor(private readonly registry: Registry) {}

  private allNodes(): Promise<KubeObject[]> {
    this.nodes ??= this.registry
      .store('', 'nodes')
      .list('', { labelSelector: Selector.everything(), fieldSelector: new FieldSelector([]) })
      .then((l) => l.items);
    return this.nodes;
  }

  /** Whether the named node is a simulated one. */
  async isSimulated(nodeName: string | undefined): Promise<boolean> {
    if (!nodeName) return false;
    const node = (await this.allNodes()).find((n) => n.metadata.name === nodeName);
    return node?.metadata.labels?.[simulatedNodeLabel] === 'true';
  }

  /** Why the proxy may not connect to `ip`, or undefined when it may. */
  async refusal(ip: string): Promise<string | undefined> {
    if (isLoopback(ip) || localAddresses().has(ip)) return undefined;
    for (const n of await this.allNodes()) {
      if (n.metadata.labels?.[simulatedNodeLabel] === 'true') continue;
      const spec = (n as NodeShape).spec ?? {};
      const cidrs = [...(spec.podCIDRs ?? []), ...(spec.podCIDR ? [spec.podCIDR] : [])];
      if (cidrs.some((c) => inCidr(ip, c))) return undefined;
    }
    return `address not allowed: ${ip} is in no pod CIDR of the cluster's nodes`;
  }
}

/** The 503 for a backend on a simulated node. */
export function simulatedBackendError(what: string, nodeName: string): StatusError {
  return new StatusError(503, Reason.ServiceUnavailable, `${what} runs on node "${nodeName}", which is simulated (${simulatedNodeLabel}=true): no process listens there to proxy to`);
}

export function addressNotAllowed(message = 'address not allowed'): StatusError {
  return badRequest(message);
}
