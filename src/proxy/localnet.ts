// route_localnet on the node's pod bridges. Two things route between a pod and 127.0.0.1,
// which Linux refuses by default ("martian" packets):
//  - local services: a pod's query to the kube-dns ClusterIP:53 is DNATed to the DNS server
//    on 127.0.0.1 (the bridge is the input device, and the reply leaves from 127.0.0.1 on it);
//  - node ports on 127.0.0.1: the host's connection to 127.0.0.1:NODEPORT is DNATed to a pod
//    and leaves through the bridge with source 127.0.0.1 until it is masqueraded.
// net.ipv4.conf.<bridge>.route_localnet=1 allows both on the bridge alone (the kernel ORs it
// with conf.all), rather than on every interface as kube-proxy does; the FIREWALL chain then
// drops anything from outside to 127/8 that was not DNATed. The bridge appears with the
// node's first pod, so the proxy checks again every so often.

import { readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { parseCidr, parseIPv4 } from '../kubelet/runtime/simulated/ipam.js';

/** Interfaces holding an IPv4 address inside one of the CIDRs (the pod bridges' gateways). */
export function interfacesIn(cidrs: string[], interfaces = networkInterfaces()): string[] {
  const ranges = cidrs.map(parseCidr);
  const out: string[] = [];
  for (const [name, addrs] of Object.entries(interfaces)) {
    for (const a of addrs ?? []) {
      if (a.family !== 'IPv4') continue;
      const ip = parseIPv4(a.address);
      if (ip === undefined) continue;
      if (ranges.some((r) => inRange(ip, r.base, r.bits))) {
        out.push(name);
        break;
      }
    }
  }
  return out.sort();
}

function inRange(ip: number, base: number, bits: number): boolean {
  if (bits === 0) return true;
  const mask = bits === 32 ? 0xffffffff : ~((1 << (32 - bits)) - 1) >>> 0;
  return ((ip & mask) >>> 0) === ((base & mask) >>> 0);
}

const sysctlPath = (dev: string) => `/proc/sys/net/ipv4/conf/${dev}/route_localnet`;

/** Sets route_localnet=1 on each interface that lacks it; returns those changed. */
export function enableRouteLocalnet(devices: string[]): string[] {
  const changed: string[] = [];
  for (const dev of devices) {
    if (!/^[\w.-]+$/.test(dev)) continue;
    try {
      if (readFileSync(sysctlPath(dev), 'utf8').trim() === '1') continue;
      writeFileSync(sysctlPath(dev), '1');
      changed.push(dev);
    } catch {
      // The interface went away meanwhile, or /proc/sys is read-only (rootless): nothing to do.
    }
  }
  return changed;
}

/** Puts route_localnet back to 0 on interfaces we turned it on for (those still present). */
export function disableRouteLocalnet(devices: string[]): void {
  for (const dev of devices) {
    try {
      writeFileSync(sysctlPath(dev), '0');
    } catch {
      // gone with its node
    }
  }
}
