// Chain names for one service proxy instance. kube-proxy owns fixed names (KUBE-SERVICES,
// KUBE-SVC-<hash>…); several kubelite nodes can run on one machine, each with its own proxy,
// so every chain carries a prefix unique to the node: `KL-<6 hex of the node name>-`. The
// per-service hashes follow kube-proxy (sha256 of "ns/name:port" + protocol [+ endpoint],
// base32), cut shorter so the whole name fits iptables' 28-character limit.

import { createHash } from 'node:crypto';

/** iptables chain names are at most 28 characters (XT_EXTENSION_MAXNAMELEN - 1). */
export const maxChainNameLength = 28;

/** The prefix of every chain one proxy instance owns, e.g. `KL-3fa94c`. */
export function chainPrefixFor(nodeName: string): string {
  return `KL-${createHash('sha256').update(nodeName).digest('hex').slice(0, 6)}`;
}

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (what Go's base32.StdEncoding produces), without padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32Alphabet[(value << (5 - bits)) & 31];
  return out;
}

function hashed(text: string, length: number): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, length);
}

/** The names of one instance's fixed chains and a way to name its per-service chains. */
export class ChainNames {
  readonly services: string;
  readonly nodePorts: string;
  readonly postrouting: string;
  readonly markMasq: string;
  /** filter: REJECT for services without endpoints (cluster IPs). */
  readonly filterServices: string;
  /** filter: REJECT/DROP for node ports, external and load-balancer IPs without endpoints. */
  readonly filterExternalServices: string;
  readonly forward: string;
  /** filter: drops packets from outside to 127/8 that route_localnet would otherwise let in. */
  readonly firewall: string;

  constructor(readonly prefix: string) {
    this.services = `${prefix}-SERVICES`;
    this.nodePorts = `${prefix}-NODEPORTS`;
    this.postrouting = `${prefix}-POSTROUTING`;
    this.markMasq = `${prefix}-MARK-MASQ`;
    this.filterServices = `${prefix}-SERVICES`;
    this.filterExternalServices = `${prefix}-EXTERNAL-SERVICES`;
    this.forward = `${prefix}-FORWARD`;
    this.firewall = `${prefix}-FIREWALL`;
    if (this.filterExternalServices.length > maxChainNameLength) throw new Error(`chain prefix ${prefix} is too long`);
  }

  private perService(kind: 'SVC' | 'SVL' | 'EXT' | 'SEP', text: string): string {
    const head = `${this.prefix}-${kind}-`;
    return head + hashed(text, maxChainNameLength - head.length);
  }

  /** KUBE-SVC-: every (cluster) endpoint of a service port. */
  clusterChain(servicePortName: string, protocol: string): string {
    return this.perService('SVC', servicePortName + protocol.toLowerCase());
  }

  /** KUBE-SVL-: the endpoints on this node (traffic policy Local). */
  localChain(servicePortName: string, protocol: string): string {
    return this.perService('SVL', servicePortName + protocol.toLowerCase());
  }

  /** KUBE-EXT-: traffic to a node port, external IP or load-balancer IP. */
  externalChain(servicePortName: string, protocol: string): string {
    return this.perService('EXT', servicePortName + protocol.toLowerCase());
  }

  /** KUBE-SEP-: one endpoint ("ip:port") of a service port. */
  endpointChain(servicePortName: string, protocol: string, endpoint: string): string {
    return this.perService('SEP', servicePortName + protocol.toLowerCase() + endpoint);
  }

  /** Whether a chain belongs to this instance. */
  owns(chain: string): boolean {
    return chain.startsWith(`${this.prefix}-`);
  }
}
