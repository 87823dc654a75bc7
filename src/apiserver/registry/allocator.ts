// Allocators for Service cluster IPs (from the service CIDR) and node ports (30000-32767).
// Both are bitmaps held in memory and rebuilt from the stored Services at start: the store is
// the truth, and only this process writes it.

import { badRequest } from '../../machinery/errors.js';

export function parseIPv4(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function formatIPv4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  base: number;
  bits: number;
  size: number;
  text: string;
}

export function parseCidr(text: string): Cidr {
  const [ip, bitsText] = text.split('/');
  const addr = parseIPv4(ip ?? '');
  const bits = Number(bitsText);
  if (addr === undefined || !Number.isInteger(bits) || bits < 8 || bits > 30) {
    throw badRequest(`invalid CIDR ${text}: an IPv4 range between /8 and /30 is required`);
  }
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (addr & mask) >>> 0, bits, size: 2 ** (32 - bits), text };
}

export class AllocationError extends Error {}

/** A bitmap over [0, size) with random allocation, like Kubernetes' bitmap allocator. */
class Bitmap {
  private used: Uint8Array;
  count = 0;

  constructor(readonly size: number) {
    this.used = new Uint8Array(size);
  }

  has(i: number): boolean {
    return this.used[i] === 1;
  }

  take(i: number): boolean {
    if (i < 0 || i >= this.size || this.used[i]) return false;
    this.used[i] = 1;
    this.count++;
    return true;
  }

  release(i: number): void {
    if (i >= 0 && i < this.size && this.used[i]) {
      this.used[i] = 0;
      this.count--;
    }
  }

  /** A random free slot in [from, size); undefined when full. */
  next(from: number): number | undefined {
    const span = this.size - from;
    if (span <= 0) return undefined;
    const start = Math.floor(Math.random() * span);
    for (let k = 0; k < span; k++) {
      const i = from + ((start + k) % span);
      if (!this.used[i]) return i;
    }
    return undefined;
  }
}

export class ServiceIPAllocator {
  readonly cidr: Cidr;
  private bitmap: Bitmap;

  constructor(cidrText: string) {
    this.cidr = parseCidr(cidrText);
    // The network address and the broadcast address are never handed out.
    this.bitmap = new Bitmap(this.cidr.size - 1);
    this.bitmap.take(0);
  }

  /** The first usable address: the `kubernetes` Service's. */
  firstAddress(): string {
    return formatIPv4(this.cidr.base + 1);
  }

  /** The cluster DNS Service's address: the tenth, as kubeadm and k3s choose it (10.43.0.10). */
  dnsAddress(): string {
    return formatIPv4(this.cidr.base + Math.min(10, this.cidr.size - 2));
  }

  contains(ip: string): boolean {
    const n = parseIPv4(ip);
    return n !== undefined && n > this.cidr.base && n < this.cidr.base + this.cidr.size - 1;
  }

  allocate(ip: string): void {
    const n = parseIPv4(ip);
    if (n === undefined || !this.contains(ip)) {
      throw new AllocationError(`failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr.text}`);
    }
    if (!this.bitmap.take(n - this.cidr.base)) throw new AllocationError(`failed to allocate IP ${ip}: provided IP is already allocated`);
  }

  /** Picks a free address, avoiding the lowest band that static assignments use. */
  allocateNext(): string {
    const low = Math.min(16, Math.floor(this.cidr.size / 16));
    const i = this.bitmap.next(low) ?? this.bitmap.next(1);
    if (i === undefined || !this.bitmap.take(i)) throw new AllocationError('failed to allocate a serviceIP: range is full');
    return formatIPv4(this.cidr.base + i);
  }

  release(ip: string): void {
    const n = parseIPv4(ip);
    if (n !== undefined && this.contains(ip)) this.bitmap.release(n - this.cidr.base);
  }

  isAllocated(ip: string): boolean {
    const n = parseIPv4(ip);
    return n !== undefined && this.contains(ip) && this.bitmap.has(n - this.cidr.base);
  }
}

export class NodePortAllocator {
  private bitmap: Bitmap;

  constructor(readonly min = 30000, readonly max = 32767) {
    this.bitmap = new Bitmap(max - min + 1);
  }

  get rangeText(): string {
    return `${this.min}-${this.max}`;
  }

  allocate(port: number): void {
    if (port < this.min || port > this.max) {
      throw new AllocationError(`provided port is not in the valid range. The range of valid ports is ${this.rangeText}`);
    }
    if (!this.bitmap.take(port - this.min)) throw new AllocationError('provided port is already allocated');
  }

  allocateNext(): number {
    const i = this.bitmap.next(0);
    if (i === undefined || !this.bitmap.take(i)) throw new AllocationError('range is full');
    return this.min + i;
  }

  release(port: number): void {
    if (port >= this.min && port <= this.max) this.bitmap.release(port - this.min);
  }
}
