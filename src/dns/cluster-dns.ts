// Cluster DNS as a Runnable: informers on Services and EndpointSlices keep ClusterRecords
// current, and a DnsServer answers from them. Each node runs one (the kubelet's process), on
// loopback; the service proxy sends pods' queries for the kube-dns ClusterIP to it.

import type { Client } from '../client/interface.js';
import { InformerFactory } from '../client/informer.js';
import { R } from '../client/resources.js';
import { aborted } from '../machinery/abort.js';
import type { KubeObject } from '../api/object.js';
import type { Runnable } from '../controllers/controller.js';
import { ClusterRecords } from './records.js';
import { DnsServer, hostResolvers } from './server.js';

export interface ClusterDnsOptions {
  client: Client;
  zone?: string;
  host?: string;
  port?: number;
  /** Resolvers for other names (default: the host's /etc/resolv.conf). */
  upstreams?: string[];
  log?: (m: string) => void;
}

export class ClusterDns implements Runnable {
  readonly records: ClusterRecords;
  readonly server: DnsServer;
  private readonly informers: InformerFactory;

  constructor(o: ClusterDnsOptions) {
    this.records = new ClusterRecords(o.zone ?? 'cluster.local');
    const host = o.host ?? '127.0.0.1';
    this.server = new DnsServer({ records: this.records, host, port: o.port ?? 0, upstreams: o.upstreams ?? hostResolvers('/etc/resolv.conf', [host]), log: o.log });
    this.informers = new InformerFactory(o.client, o.log ?? (() => {}));
    const services = this.informers.informerFor(R.services);
    const slices = this.informers.informerFor(R.endpointslices);
    services.addEventHandler({
      onAdd: (s: KubeObject) => this.records.setService(s),
      onUpdate: (_o: KubeObject, s: KubeObject) => this.records.setService(s),
      onDelete: (s: KubeObject) => this.records.deleteService(s),
    });
    slices.addEventHandler({
      onAdd: (s: KubeObject) => this.records.setSlice(s),
      onUpdate: (_o: KubeObject, s: KubeObject) => this.records.setSlice(s),
      onDelete: (s: KubeObject) => this.records.deleteSlice(s),
    });
  }

  /** Binds the server (its port is then known) before start(). */
  async listen(): Promise<void> {
    if (!this.server.port) await this.server.listen();
  }

  get port(): number {
    return this.server.port;
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.listen();
    this.informers.start(signal);
    await aborted(signal);
    await this.server.close();
  }

  /** Resolves once both caches have synced. */
  synced(): Promise<void> {
    return this.informers.waitForSync();
  }
}
