// The service proxy of one node (kube-proxy in iptables mode): informers over Services and
// EndpointSlices; after a change, the whole ruleset of this node's chains is rebuilt and
// applied in one iptables-restore, at most once per minSyncInterval (so a burst of endpoint
// changes costs one restore, and a quiet cluster answers the first change at once), and again
// every resyncInterval in case someone flushed the tables. Every rule of this instance, and
// whatever a killed earlier instance of the same node left, is removed at start and on stop.
//
//   const proxy = new ServiceProxy({ client, nodeName, nodeIP, podCIDR, clusterCIDR, log });
//   await proxy.start(signal);   // runs until the signal aborts, then cleans up

import type { Client } from '../client/interface.js';
import { Informer } from '../client/informer.js';
import { R } from '../client/resources.js';
import { aborted, sleep } from '../machinery/abort.js';
import { ChainNames, chainPrefixFor } from './chains.js';
import { SystemIptables, installJumps, removeAll, type Iptables } from './iptables.js';
import { defaultMasqueradeMark, renderRuleset, restorePayload, type LocalService } from './iptables-rules.js';
import { disableRouteLocalnet, enableRouteLocalnet, interfacesIn } from './localnet.js';
import { servicePortsFrom } from './service-ports.js';

export interface ServiceProxyOptions {
  client: Client;
  nodeName: string;
  /** The node's address: node ports answer on it and on 127.0.0.1. */
  nodeIP: string;
  /** This node's pod range(s): its bridges get route_localnet (see localnet.ts). */
  podCIDR?: string | string[];
  /** Every pod range of the cluster (default: podCIDR): traffic to a cluster IP from elsewhere is masqueraded. */
  clusterCIDR?: string | string[];
  /** The service range; informational (iptables mode matches exact cluster IPs). */
  serviceCIDR?: string;
  /** Services on the node's loopback reached at a virtual address (the cluster DNS). */
  localServices?: LocalService[];
  /** Where node ports answer (CIDRs); default the node's IP and 127.0.0.0/8. */
  nodePortAddresses?: string[];
  /** At most one restore per this many ms after changes (default 150). */
  minSyncIntervalMs?: number;
  /** A full restore this often even without changes (default 30 s). */
  resyncIntervalMs?: number;
  /** How often to look for new pod bridges that need route_localnet (default 500 ms). */
  localnetCheckMs?: number;
  masqueradeMark?: string;
  iptables?: Iptables;
  log: (m: string) => void;
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export class ServiceProxy {
  readonly chains: ChainNames;
  private readonly ipt: Iptables;
  private readonly opts: Required<Pick<ServiceProxyOptions, 'minSyncIntervalMs' | 'resyncIntervalMs' | 'localnetCheckMs' | 'masqueradeMark'>> & ServiceProxyOptions;
  private services: Informer;
  private slices: Informer;
  private localServices: LocalService[];
  private dirty = true;
  private wake: (() => void) | undefined;
  private written = { filter: new Set<string>(), nat: new Set<string>() };
  private localnetDevices = new Set<string>();
  private syncCount = 0;
  private syncWaiters: { after: number; resolve: () => void }[] = [];

  constructor(options: ServiceProxyOptions) {
    this.opts = { minSyncIntervalMs: 150, resyncIntervalMs: 30_000, localnetCheckMs: 500, masqueradeMark: defaultMasqueradeMark, ...options };
    this.chains = new ChainNames(chainPrefixFor(options.nodeName));
    this.ipt = options.iptables ?? new SystemIptables();
    this.localServices = options.localServices ?? [];
    this.services = new Informer(options.client, R.services, { log: options.log });
    this.slices = new Informer(options.client, R.endpointslices, { log: options.log });
    const changed = () => this.requestSync();
    for (const inf of [this.services, this.slices]) inf.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
  }

  /** Replaces the local services (e.g. once the DNS server knows its port and ClusterIP). */
  setLocalServices(list: LocalService[]): void {
    this.localServices = list;
    this.requestSync();
  }

  /** Asks for a restore soon (rate-limited). */
  requestSync(): void {
    this.dirty = true;
    this.wake?.();
  }

  /** Resolves after the next successful restore that starts after this call. */
  nextSync(): Promise<void> {
    return new Promise((resolve) => this.syncWaiters.push({ after: this.syncCount, resolve }));
  }

  get syncs(): number {
    return this.syncCount;
  }

  async start(signal: AbortSignal): Promise<void> {
    const log = this.opts.log;
    // A previous instance killed with -9 left its chains: start from nothing.
    const stale = await removeAll(this.ipt, this.chains).catch((e) => {
      log(`service proxy: removing old rules: ${(e as Error).message}`);
      return 0;
    });
    if (stale > 0) log(`service proxy: removed ${stale} rules and chains left by an earlier run`);
    void this.services.run(signal);
    void this.slices.run(signal);
    const localnetTimer = setInterval(() => this.checkLocalnet(), this.opts.localnetCheckMs);
    try {
      await Promise.race([Promise.all([this.services.synced, this.slices.synced]), aborted(signal)]);
      let jumpsInstalled = false;
      let lastSync = 0;
      let failures = 0;
      while (!signal.aborted) {
        if (this.dirty) {
          const wait = lastSync + this.opts.minSyncIntervalMs - Date.now();
          if (wait > 0) await sleep(wait, signal);
          if (signal.aborted) break;
          this.dirty = false;
          lastSync = Date.now();
          try {
            await this.sync();
            if (!jumpsInstalled) {
              await installJumps(this.ipt, this.chains);
              jumpsInstalled = true;
              log(`service proxy for node ${this.opts.nodeName} is routing (chains ${this.chains.prefix}-*)`);
            }
            failures = 0;
          } catch (e) {
            failures++;
            // Said once, then at growing intervals: a node without iptables would flood the log.
            if ((failures & (failures - 1)) === 0) log(`service proxy: applying rules failed (${failures}×): ${(e as Error).message}`);
            this.dirty = true;
            await sleep(Math.min(100 * 2 ** failures, 5000), signal);
          }
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.dirty = true;
            resolve();
          }, this.opts.resyncIntervalMs);
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            this.wake = undefined;
            resolve();
          };
          this.wake = done;
          signal.addEventListener('abort', done, { once: true });
        });
      }
    } finally {
      clearInterval(localnetTimer);
      const removed = await removeAll(this.ipt, this.chains).catch((e) => {
        log(`service proxy: removing rules: ${(e as Error).message}`);
        return 0;
      });
      disableRouteLocalnet([...this.localnetDevices]);
      log(`service proxy for node ${this.opts.nodeName} stopped (${removed} rules and chains removed)`);
    }
  }

  /** Builds the ruleset from the caches and applies it. */
  private async sync(): Promise<void> {
    const ports = servicePortsFrom(this.services.list(), this.slices.list(), this.opts.nodeName);
    const podCIDRs = asList(this.opts.podCIDR);
    const clusterCIDRs = asList(this.opts.clusterCIDR ?? this.opts.podCIDR);
    const ruleset = renderRuleset({
      chains: this.chains,
      servicePorts: ports,
      podCIDRs: clusterCIDRs,
      nodePortAddresses: this.opts.nodePortAddresses ?? [...new Set([`${this.opts.nodeIP}/32`, '127.0.0.0/8'])],
      localServices: this.localServices,
      masqueradeMark: this.opts.masqueradeMark,
    });
    this.checkLocalnet(podCIDRs);
    await this.ipt.restore(restorePayload(ruleset, this.written));
    this.written = { filter: new Set(ruleset.filter.chains), nat: new Set(ruleset.nat.chains) };
    this.syncCount++;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const w of waiters) if (w.after < this.syncCount) w.resolve();
  }

  private checkLocalnet(podCIDRs = asList(this.opts.podCIDR)): void {
    if (podCIDRs.length === 0) return;
    for (const dev of enableRouteLocalnet(interfacesIn(podCIDRs))) {
      this.localnetDevices.add(dev);
      this.opts.log(`service proxy: net.ipv4.conf.${dev}.route_localnet=1 (local services and node ports on 127.0.0.1)`);
    }
  }
}

export interface RunningServiceProxy {
  proxy: ServiceProxy;
  /** Settles when the proxy has stopped and removed its rules. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Starts a ServiceProxy in the background; stop() aborts it and waits for the cleanup. */
export function startServiceProxy(options: ServiceProxyOptions): RunningServiceProxy {
  const proxy = new ServiceProxy(options);
  const controller = new AbortController();
  const done = proxy.start(controller.signal).catch((e) => options.log(`service proxy stopped: ${(e as Error).stack ?? e}`));
  return {
    proxy,
    done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}
