// A userspace service proxy (kube-proxy's old userspace mode, without its iptables half), for
// nodes that cannot write iptables rules: the process runtime in rootless mode, where pods
// share the host network. Nothing can intercept traffic to a ClusterIP there, so each TCP
// service port gets a listener on the ClusterIP's loopback twin instead — 198.18.144.20:80 is
// served at 127.18.144.20:80 (all of 127/8 is the loopback interface on Linux and needs no
// privilege to bind) — and each node port on 127.0.0.1:<nodePort>. A connection goes to a
// random ready endpoint (another one if that refuses), or with ClientIP affinity to the one
// the client used last. Ports below 1024 need privilege (net.ipv4.ip_unprivileged_port_start):
// those listeners fail, once, in the log. UDP is not proxied (the cluster DNS answers on the
// node itself). Cluster DNS on such a node should answer a service's name with the twin.
//
//   const proxy = new UserspaceProxy({ client, nodeName, log });
//   await proxy.start(signal);

import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Client } from '../client/interface.js';
import { Informer } from '../client/informer.js';
import { R } from '../client/resources.js';
import { aborted } from '../machinery/abort.js';
import { servicePortsFrom, type ProxyEndpoint, type ServicePortInfo } from './service-ports.js';

/** The loopback address standing in for a ClusterIP: 127 and its last three octets. */
export function loopbackTwin(clusterIP: string): string {
  return `127.${clusterIP.split('.').slice(1).join('.')}`;
}

export interface UserspaceProxyOptions {
  client: Client;
  nodeName: string;
  /** Where a service port is served (default its ClusterIP's loopback twin, same port). */
  addressFor?: (sp: ServicePortInfo) => { host: string; port: number };
  /** Where node ports are served (default 127.0.0.1); undefined to serve none. */
  nodePortHost?: string | null;
  log: (m: string) => void;
}

interface Listener {
  server: Server;
  /** Read at each connection: updated in place when endpoints change. */
  target: { endpoints: ProxyEndpoint[]; affinitySeconds: number; name: string };
}

export class UserspaceProxy {
  private services: Informer;
  private slices: Informer;
  private listeners = new Map<string, Listener>();
  private failed = new Set<string>();
  private affinity = new Map<string, { endpoint: ProxyEndpoint; until: number }>();
  private timer: NodeJS.Timeout | undefined;
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly opts: UserspaceProxyOptions) {
    this.services = new Informer(opts.client, R.services, { log: opts.log });
    this.slices = new Informer(opts.client, R.endpointslices, { log: opts.log });
    const changed = () => this.schedule();
    for (const inf of [this.services, this.slices]) inf.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
  }

  /** The listening addresses, "host:port" → service port name (for tests and logs). */
  get serving(): Map<string, string> {
    return new Map([...this.listeners].map(([addr, l]) => [addr, l.target.name]));
  }

  async start(signal: AbortSignal): Promise<void> {
    void this.services.run(signal);
    void this.slices.run(signal);
    await Promise.all([this.services.synced, this.slices.synced]);
    this.schedule();
    await aborted(signal);
    clearTimeout(this.timer);
    await this.applying;
    await Promise.all([...this.listeners.values()].map((l) => new Promise<void>((r) => l.server.close(() => r()))));
    this.listeners.clear();
  }

  /** Changes arrive in bursts: apply the last state ~50 ms after the first change. */
  private schedule(): void {
    if (this.timer || !this.services.hasSynced || !this.slices.hasSynced) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.applying = this.applying.then(() => this.apply()).catch((e) => this.opts.log(`userspace proxy: ${(e as Error).message}`));
    }, 50);
  }

  private async apply(): Promise<void> {
    const wanted = new Map<string, Listener['target']>();
    for (const sp of servicePortsFrom(this.services.list(), this.slices.list(), this.opts.nodeName)) {
      if (sp.protocol !== 'TCP') continue;
      const endpoints = sp.internalLocal ? sp.localEndpoints : sp.clusterEndpoints;
      const at = this.opts.addressFor?.(sp) ?? { host: loopbackTwin(sp.clusterIP), port: sp.port };
      wanted.set(`${at.host}:${at.port}`, { endpoints, affinitySeconds: sp.affinitySeconds, name: sp.servicePortName });
      const nodePortHost = this.opts.nodePortHost === undefined ? '127.0.0.1' : this.opts.nodePortHost;
      if (sp.nodePort > 0 && nodePortHost) {
        wanted.set(`${nodePortHost}:${sp.nodePort}`, { endpoints: sp.externalLocal ? sp.localEndpoints : sp.clusterEndpoints, affinitySeconds: sp.affinitySeconds, name: sp.servicePortName });
      }
    }
    for (const [addr, l] of this.listeners) {
      if (wanted.has(addr)) continue;
      this.listeners.delete(addr);
      await new Promise<void>((r) => l.server.close(() => r()));
    }
    for (const [addr, target] of wanted) {
      const existing = this.listeners.get(addr);
      if (existing) {
        Object.assign(existing.target, target);
        continue;
      }
      const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];
      const listener: Listener = { server: createServer((socket) => this.forward(socket, listener.target)), target };
      try {
        await new Promise<void>((resolve, reject) => {
          listener.server.once('error', reject);
          listener.server.listen(port, host, () => resolve());
        });
        this.listeners.set(addr, listener);
        this.failed.delete(addr);
      } catch (e) {
        const hint = (e as NodeJS.ErrnoException).code === 'EACCES' ? ' (ports below net.ipv4.ip_unprivileged_port_start need privilege)' : '';
        if (!this.failed.has(addr)) this.opts.log(`userspace proxy: cannot serve ${target.name} on ${addr}: ${(e as Error).message}${hint}`);
        this.failed.add(addr);
      }
    }
  }

  private pick(client: string, target: Listener['target'], tried: Set<string>): ProxyEndpoint | undefined {
    const key = `${target.name}|${client}`;
    const now = Date.now();
    const sticky = this.affinity.get(key);
    if (target.affinitySeconds > 0 && sticky && sticky.until > now && !tried.has(`${sticky.endpoint.ip}:${sticky.endpoint.port}`) && target.endpoints.some((e) => e.ip === sticky.endpoint.ip && e.port === sticky.endpoint.port)) {
      return sticky.endpoint;
    }
    const left = target.endpoints.filter((e) => !tried.has(`${e.ip}:${e.port}`));
    const chosen = left[Math.floor(Math.random() * left.length)];
    if (chosen && target.affinitySeconds > 0) this.affinity.set(key, { endpoint: chosen, until: now + target.affinitySeconds * 1000 });
    return chosen;
  }

  private forward(client: Socket, target: Listener['target']): void {
    const tried = new Set<string>();
    client.on('error', () => {});
    const attempt = () => {
      const ep = this.pick(client.remoteAddress ?? '', target, tried);
      // No endpoint (left): close at once, as the REJECT rule of the iptables proxy does.
      if (!ep) return void client.destroy();
      tried.add(`${ep.ip}:${ep.port}`);
      const upstream = connect(ep.port, ep.ip);
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        client.pipe(upstream);
        upstream.pipe(client);
      });
      upstream.on('error', () => {
        if (!connected && !client.destroyed) attempt();
        else client.destroy();
      });
      upstream.on('close', () => {
        if (connected) client.destroy();
      });
      client.on('close', () => upstream.destroy());
    };
    attempt();
  }
}
