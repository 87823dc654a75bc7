// Pod networks for the process runtime as root, in the manner of the CNI bridge plugin with
// host-local IPAM: one bridge per node holding the pod CIDR's first address (the gateway), and
// per pod a network namespace (`ip netns`) with a veth pair, `eth0` inside with the next free
// address, loopback up and a default route through the bridge. The host reaches every pod IP
// through the bridge; pods on one node reach each other on it. No forwarding or NAT is set up:
// nothing leaves the machine.
//
// A few namespaces are made ahead of need (spares), while the node is otherwise idle: making
// one costs two `ip` processes forked from this (large) process, ~15–20 ms that would otherwise
// sit between a pod's bind and its Running. A pod takes a spare when there is one.

import { PodIPAllocator, parseCidr, formatIPv4 } from '../simulated/ipam.js';
import { run, runOk } from './run.js';

const concurrentCreates = 4;

export interface BridgeNetworkOptions {
  ip: string;
  sh: string;
  bridge: string;
  podCIDR: string;
  /** The namespace and host-side veth names of a new link, from a fresh key. */
  linkNames: () => { key: string; netns: string; veth: string };
  /** How many links to keep made ahead of need (default 0). */
  spares?: number;
}

/** A pod's network: its namespace, the host end of its veth pair and its address. */
export interface PodLink {
  /** The IPAM key holding the address. */
  key: string;
  netns: string;
  veth: string;
  ip: string;
}

export class BridgeNetwork {
  readonly ipam: PodIPAllocator;
  readonly gateway: string;
  readonly prefixLength: number;
  private bridgeReady: Promise<void> | undefined;
  private readonly spares: PodLink[] = [];
  private refilling: Promise<void> | undefined;
  private sparesStopped = false;
  private creating = 0;
  private readonly createQueue: (() => void)[] = [];

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

  /** Addresses held by pods (spares not counted). */
  get podsInUse(): number {
    return this.ipam.inUse - this.spares.length;
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

  /** A namespace and link for a pod, with its address: a spare if one is ready. */
  async add(): Promise<PodLink> {
    const spare = this.spares.shift();
    this.refill();
    return spare ?? this.create();
  }

  /** Starts making spares up to the configured number (in the background, one at a time). */
  refill(): void {
    if (this.refilling || this.sparesStopped || !this.opts.spares) return;
    this.refilling = (async () => {
      try {
        while (!this.sparesStopped && this.spares.length < (this.opts.spares ?? 0) && this.ipam.inUse < this.ipam.capacity) {
          const link = await this.create();
          if (this.sparesStopped) await this.remove(link);
          else this.spares.push(link);
        }
      } catch {
        // No spare this time: a pod that needs a link makes its own and reports the error.
      } finally {
        this.refilling = undefined;
      }
    })();
  }

  /** Stops making spares and deletes those made. */
  async dropSpares(): Promise<void> {
    this.sparesStopped = true;
    await this.refilling;
    for (const link of this.spares.splice(0)) await this.remove(link);
  }

  /**
   * Makes a link, at most `concurrentCreates` at a time: more at once only queue for the
   * kernel's locks and this process's forks (100 pods at once: 3.2 s unlimited, 2.6 s with 4).
   */
  private async create(): Promise<PodLink> {
    while (this.creating >= concurrentCreates) await new Promise<void>((r) => this.createQueue.push(r));
    this.creating++;
    try {
      return await this.createNow();
    } finally {
      this.creating--;
      this.createQueue.shift()?.();
    }
  }

  private async createNow(): Promise<PodLink> {
    await this.ensureBridge();
    const { key, netns, veth } = this.opts.linkNames();
    const ip = this.ipam.allocate(key);
    if (!ip) throw new Error(`no pod IP left in ${this.opts.podCIDR}`);
    const link = { key, netns, veth, ip };
    try {
      // One process forked from here (a shell); the shell's own forks of `ip` are cheap.
      await runOk(this.opts.sh, ['-c', 'printf %s "$2" | "$1" -batch - && printf %s "$4" | "$1" -n "$3" -batch -', 'kubelite-netns', this.opts.ip,
        [`netns add ${netns}`, `link add ${veth} type veth peer name eth0 netns ${netns}`, `link set ${veth} master ${this.opts.bridge} up`].join('\n') + '\n',
        netns,
        ['link set lo up', `addr add ${ip}/${this.prefixLength} dev eth0`, 'link set eth0 up', `route add default via ${this.gateway} dev eth0`].join('\n') + '\n',
      ]);
      return link;
    } catch (e) {
      await this.remove(link);
      throw e;
    }
  }

  /** Deletes the pod's link and namespace and frees its address (idempotent). */
  async remove(link: PodLink): Promise<void> {
    // The host side first: a namespace kept alive elsewhere must not keep the address on the bridge.
    await run(this.opts.ip, ['link', 'del', 'dev', link.veth]);
    await run(this.opts.ip, ['netns', 'del', link.netns]);
    this.ipam.release(link.key);
  }

  async removeBridge(): Promise<void> {
    await this.dropSpares();
    this.bridgeReady = undefined;
    await run(this.opts.ip, ['link', 'del', 'dev', this.opts.bridge]);
  }
}
