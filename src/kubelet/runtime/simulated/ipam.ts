// Addresses for simulated nodes and their pods. Nothing here may ever be a real address that
// traffic could reach: node InternalIPs come from 198.18.128.0/17 and pod CIDRs by default from
// 198.19.0.0/16, both inside 198.18.0.0/15 (RFC 2544, reserved for benchmarks and never routed),
// or for more than 512 nodes from 240.0.0.0/4 (reserved, class E). (The test control plane puts
// Services in 198.18.0.0/24, which stays clear.)
//
// Each node gets a pod CIDR, as the nodeipam controller would; pods get the next free address of
// their node's range after the last one handed out, from .2 (.1 is the bridge), round robin as
// host-local IPAM does.

export const defaultNodeIPRange = '198.18.128.0/17';
export const defaultClusterCIDR = '198.19.0.0/16';
/**
 * For more than 512 nodes 198.19.0.0/16 has no /25 (110 pods) for each: pods then come from
 * 240.0.0.0/4 (the reserved class E, which no host routes), a /24 per node.
 */
export const largeClusterCIDR = '240.0.0.0/4';

/** The cluster CIDR and per-node mask when none is given: /24s, /25s, then class E /24s. */
export function defaultPodRanges(nodes: number): { clusterCIDR: string; maskSize: number } {
  if (nodes <= 256) return { clusterCIDR: defaultClusterCIDR, maskSize: 24 };
  if (nodes <= 512) return { clusterCIDR: defaultClusterCIDR, maskSize: 25 };
  return { clusterCIDR: largeClusterCIDR, maskSize: 24 };
}

export interface Cidr {
  base: number;
  bits: number;
}

export function parseIPv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(cidr: string): Cidr {
  const [ip, bitsText] = cidr.split('/');
  const base = parseIPv4(ip ?? '');
  const bits = Number(bitsText);
  if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`invalid IPv4 CIDR ${cidr}`);
  const size = 2 ** (32 - bits);
  return { base: base - (base % size), bits };
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.bits}`;
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.bits);
}

/** The node InternalIP for the i-th simulated node (the range's first address is skipped). */
export function nodeIP(index: number, range = defaultNodeIPRange): string {
  const c = parseCidr(range);
  if (index + 1 >= cidrSize(c) - 1) throw new Error(`node IP range ${range} has no address for node ${index}`);
  return formatIPv4(c.base + index + 1);
}

/**
 * The per-node mask: /24 as clusters usually have, or smaller so that `nodes` ranges fit in the
 * cluster CIDR (never smaller than /28, 14 pods).
 */
export function nodeCIDRMaskSize(clusterCIDR: string, nodes: number): number {
  const c = parseCidr(clusterCIDR);
  for (let bits = Math.max(24, c.bits); bits <= 28; bits++) {
    if (2 ** (bits - c.bits) >= nodes) return bits;
  }
  throw new Error(`cluster CIDR ${clusterCIDR} cannot hold ${nodes} node ranges of /28 or more: give a larger clusterCIDR`);
}

/** The i-th node's pod CIDR inside the cluster CIDR. */
export function nodePodCIDR(index: number, clusterCIDR: string, maskSize: number): string {
  const c = parseCidr(clusterCIDR);
  const size = 2 ** (32 - maskSize);
  if ((index + 1) * size > cidrSize(c)) throw new Error(`cluster CIDR ${clusterCIDR} has no /${maskSize} left for node ${index}`);
  return formatCidr({ base: c.base + index * size, bits: maskSize });
}

/** Pod addresses of one node's range, held per pod uid. */
export class PodIPAllocator {
  private readonly range: Cidr;
  private byUid = new Map<string, number>();
  private used = new Set<number>();
  private next = 2;

  constructor(readonly podCIDR: string) {
    this.range = parseCidr(podCIDR);
  }

  /** Usable addresses: all but the network address, the gateway (.1) and broadcast. */
  get capacity(): number {
    return cidrSize(this.range) - 3;
  }

  get inUse(): number {
    return this.used.size;
  }

  /** The first and last address pods can get, as host-local reports its range set. */
  get rangeText(): string {
    return `${formatIPv4(this.range.base + 2)}-${formatIPv4(this.range.base + cidrSize(this.range) - 2)}`;
  }

  contains(ip: string): boolean {
    const n = parseIPv4(ip);
    return n !== undefined && n >= this.range.base && n < this.range.base + cidrSize(this.range);
  }

  /** The pod's address: the one it holds, else the next free one (undefined when full). */
  allocate(uid: string): string | undefined {
    const held = this.byUid.get(uid);
    if (held !== undefined) return formatIPv4(this.range.base + held);
    const size = cidrSize(this.range);
    for (let tried = 0; tried < size; tried++) {
      const offset = this.next;
      this.next = this.next + 1 >= size - 1 ? 2 : this.next + 1;
      if (offset < 2 || offset >= size - 1 || this.used.has(offset)) continue;
      this.used.add(offset);
      this.byUid.set(uid, offset);
      return formatIPv4(this.range.base + offset);
    }
    return undefined;
  }

  /** Records an address a pod already shows (after a restart of the simulator). */
  claim(uid: string, ip: string): void {
    if (this.byUid.has(uid)) return;
    const n = parseIPv4(ip);
    if (n === undefined || !this.contains(ip)) return;
    const offset = n - this.range.base;
    if (this.used.has(offset)) return;
    this.used.add(offset);
    this.byUid.set(uid, offset);
  }

  release(uid: string): void {
    const offset = this.byUid.get(uid);
    if (offset === undefined) return;
    this.byUid.delete(uid);
    this.used.delete(offset);
  }
}
