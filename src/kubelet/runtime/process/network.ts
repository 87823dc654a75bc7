// Pod networks for the process runtime as root, in the manner of the CNI bridge plugin with
// host-local IPAM: one bridge per node holding the pod CIDR's first address (the gateway), and
// per pod a network namespace (`ip netns`) with a veth pair, `eth0` inside with the next free
// address, loopback up and a default route through the bridge. The host reaches every pod IP
// through the bridge; pods on one node reach each other on it. No forwarding or NAT is set up:
// nothing leaves the machine.

import { PodIPAllocator, parseCidr, formatIPv4 } from '../simulated/ipam.js';
import { run, runOk } from './run.js';

export interface BridgeNetworkOptions {
  ip: string;
  bridge: string;
  podCIDR: string;
}

export class BridgeNetwork {
  readonly ipam: PodIPAllocator;
  readonly gateway: string;
  readonly prefixLength: number;
  private bridgeReady: Promise<void> | undefined;

  constructor(private readonly opts: BridgeNetworkOptions) {
    const cidr = parseCidr(opts.podCIDR);
    if (cidr.bits > 29) throw new Error(`pod CIDR ${opts.podCIDR} is too small for a bridge network`);
    this.ipam = new PodIPAllocator(opts.podCIDR);
    this.gateway = formatIPv4(cidr.base + 1);
    this.prefixLength = cidr.bits;
  }

  get bridge(): string {
    return this.opts.bridge;
  }

  ensureBridge(): Promise<void> {
    this.bridgeReady ??= (async () => {
      const exists = await run(this.opts.ip, ['link', 'show', 'dev', this.opts.bridge]);
      if (exists.code === 0) await runOk(this.opts.ip, ['link', 'del', 'dev', this.opts.bridge]);
      await runOk(this.opts.ip, ['-batch', '-'], {
        input: [`link add ${this.opts.bridge} type bridge`, `addr add ${this.gateway}/${this.prefixLength} dev ${this.opts.bridge}`, `link set ${this.opts.bridge} up`].join('\n') + '\n',
      });
    })().catch((e) => {
      this.bridgeReady = undefined;
      throw e;
    });
    return this.bridgeReady;
  }

  /** Makes the pod's namespace and link; returns its address. */
  async add(key: string, netns: string, veth: string): Promise<string> {
    await this.ensureBridge();
    const ip = this.ipam.allocate(key);
    if (!ip) throw new Error(`no pod IP left in ${this.opts.podCIDR}`);
    try {
      await runOk(this.opts.ip, ['-batch', '-'], {
        input: [`netns add ${netns}`, `link add ${veth} type veth peer name eth0 netns ${netns}`, `link set ${veth} master ${this.opts.bridge} up`].join('\n') + '\n',
      });
      await runOk(this.opts.ip, ['-n', netns, '-batch', '-'], {
        input: ['link set lo up', `addr add ${ip}/${this.prefixLength} dev eth0`, 'link set eth0 up', `route add default via ${this.gateway} dev eth0`].join('\n') + '\n',
      });
      return ip;
    } catch (e) {
      await this.remove(key, netns, veth);
      throw e;
    }
  }

  /** Deletes the pod's link and namespace and frees its address (idempotent). */
  async remove(key: string, netns: string, veth: string): Promise<void> {
    // The host side first: a namespace kept alive elsewhere must not keep the address on the bridge.
    await run(this.opts.ip, ['link', 'del', 'dev', veth]);
    await run(this.opts.ip, ['netns', 'del', netns]);
    this.ipam.release(key);
  }

  async removeBridge(): Promise<void> {
    this.bridgeReady = undefined;
    await run(this.opts.ip, ['link', 'del', 'dev', this.opts.bridge]);
  }
}
