// A node of the cluster on this machine: its container runtime (containerd through the CRI,
// or host processes), the kubelet, the kubelet API that the API server proxies logs, exec,
// attach and port-forward to, and log rotation. `kubelite up` starts one beside the control
// plane; `kubelite agent` starts one that joins a cluster over the network.
//
//   const node = await startNode({ client, kind: 'process', nodeName, dataDir, nodeIP, podCIDR, caPem });
//   …
//   await node.stop();

import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { Kubelet } from '../kubelet/kubelet.js';
import type { ContainerRuntime } from '../kubelet/runtime/interface.js';
import { CriRuntime } from '../kubelet/runtime/cri/cri-runtime.js';
import { containerdAvailable, containerdDirFor } from '../kubelet/runtime/cri/containerd.js';
import { ProcessRuntime } from '../kubelet/runtime/process/index.js';
import { ensureKubeletServingCertificate } from '../kubelet/server/certs.js';
import { ContainerLogManager } from '../kubelet/server/log-manager.js';
import { KubeletServer } from '../kubelet/server/server.js';
import type { Client } from '../client/interface.js';
import { R } from '../client/resources.js';
import { ClusterDns } from '../dns/cluster-dns.js';
import { startServiceProxy, UserspaceProxy, type LocalService, type RunningServiceProxy } from '../proxy/index.js';

/** The runtimes a real node can use. */
export type NodeRuntimeKind = 'containerd' | 'process';

/** What `--runtime auto` means here: containerd when it can run, host processes otherwise. */
export async function autoRuntime(): Promise<{ kind: NodeRuntimeKind; why?: string }> {
  const cd = await containerdAvailable();
  return cd.ok ? { kind: 'containerd' } : { kind: 'process', why: cd.reason };
}

export interface RuntimeContext {
  dataDir: string;
  nodeName: string;
  podCIDR: string;
  /** k3s registries.yaml (containerd only). */
  registryConfig?: string;
  log: (m: string) => void;
}

/** Starts the node's container runtime; containerd is started and configured under the data dir. */
export async function createRuntime(kind: NodeRuntimeKind, ctx: RuntimeContext): Promise<ContainerRuntime> {
  if (kind === 'containerd') {
    return CriRuntime.start({ dir: containerdDirFor(ctx.dataDir, ctx.nodeName), podCIDR: ctx.podCIDR, registries: ctx.registryConfig, log: ctx.log });
  }
  return ProcessRuntime.start({ stateDir: join(ctx.dataDir, 'process', ctx.nodeName), podCIDR: ctx.podCIDR, log: ctx.log });
}

/** In words, what a process-runtime node cannot do that a containerd node does. */
export function runtimeLimits(runtime: ContainerRuntime): string | undefined {
  if (!(runtime instanceof ProcessRuntime)) return undefined;
  const f = runtime.features;
  return `host processes (${f.mode}): ${f.missing.join('; ')}`;
}

export interface NodeOptions {
  client: Client;
  runtime: ContainerRuntime;
  nodeName: string;
  /** The node's own directory: pods, logs, kubelet certificate. */
  dataDir: string;
  nodeIP: string;
  podCIDR?: string;
  /** The cluster CA: client certificates from it (the API server's) may use the kubelet API. */
  caPem: string;
  /** Where the kubelet API listens (default 127.0.0.1, port 10250 or a free one when taken). */
  address?: string;
  port?: number;
  /** Every pod range of the cluster (traffic from elsewhere to a Service is masqueraded). */
  clusterCIDR?: string;
  /** The API server, when it listens on this machine's loopback: pods reach the `kubernetes` Service through it. */
  localAPIServerPort?: number;
  log: (m: string) => void;
}

export interface RunningNode {
  kubelet: Kubelet;
  /** The cluster DNS server on loopback, when pods have their own network. */
  dns?: ClusterDns;
  kubeletPort: number;
  /** Settles when everything, the runtime included, has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startNode(o: NodeOptions): Promise<RunningNode> {
  const address = o.address ?? '127.0.0.1';
  const serving = await ensureKubeletServingCertificate(o.dataDir, o.nodeName, [...new Set([o.nodeName, 'localhost', '127.0.0.1', o.nodeIP])]);
  let kubelet: Kubelet | undefined;
  const backend = {
    runtime: o.runtime,
    getPod: (ns: string, name: string) => kubelet?.getPod(ns, name),
    podSandbox: async (ns: string, name: string) => kubelet?.podSandbox(ns, name),
    listPods: () => kubelet?.listPods() ?? [],
  };
  const makeServer = (port: number) => new KubeletServer({ backend, nodeName: o.nodeName, tls: serving, clientCA: o.caPem, address, port, log: o.log });
  let server = makeServer(o.port ?? 10250);
  try {
    await server.listen();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || o.port !== undefined) throw e;
    // Several nodes on one machine: the second takes any free port, published in the Node.
    server = makeServer(0);
    await server.listen();
  }
  // Pods with their own network namespace get Services through iptables and cluster DNS at the
  // kube-dns ClusterIP, which the proxy sends to the DNS server on loopback.
  const podNetwork = !(o.runtime instanceof ProcessRuntime) || o.runtime.features.podNetwork;
  let dns: ClusterDns | undefined;
  let proxy: RunningServiceProxy | undefined;
  let clusterDNS: string[] = [];
  if (podNetwork) {
    dns = new ClusterDns({ client: o.client, log: o.log });
    await dns.listen();
    const local = await localServices(o.client, dns.port, o.localAPIServerPort);
    clusterDNS = local.dnsIP ? [local.dnsIP] : [];
    proxy = startServiceProxy({ client: o.client, nodeName: o.nodeName, nodeIP: o.nodeIP, podCIDR: o.podCIDR, clusterCIDR: o.clusterCIDR ?? o.podCIDR, localServices: local.services, log: o.log });
  }
  // Pods in the node's network (the process runtime without root): no rule can catch traffic to
  // a ClusterIP there, so each Service port is served on its ClusterIP's loopback twin and each
  // node port on 127.0.0.1 (see userspace.ts); the pods' endpoints are the node's address.
  const userspace = podNetwork ? undefined : new UserspaceProxy({ client: o.client, nodeName: o.nodeName, log: o.log });
  kubelet = new Kubelet({
    client: o.client,
    runtime: o.runtime,
    nodeName: o.nodeName,
    dataDir: o.dataDir,
    nodeIP: o.nodeIP,
    podCIDR: o.podCIDR,
    clusterDNS,
    kubeletPort: server.port,
    log: o.log,
  });
  const stop = new AbortController();
  // The kubelet's informers and loops all listen on this one signal.
  setMaxListeners(0, stop.signal);
  const logs = new ContainerLogManager({ runtime: o.runtime, log: o.log });
  const running = kubelet;
  const done = (async () => {
    await Promise.all([
      dns?.start(stop.signal).catch((e) => o.log(`cluster DNS stopped: ${(e as Error).message}`)),
      userspace?.start(stop.signal).catch((e) => o.log(`userspace proxy stopped: ${(e as Error).message}`)),
      running.start(stop.signal).catch((e) => o.log(`kubelet stopped: ${(e as Error).stack ?? e}`)),
      logs.start(stop.signal).catch((e) => o.log(`log rotation stopped: ${(e as Error).message}`)),
      server.start(stop.signal).catch((e) => o.log(`kubelet API stopped: ${(e as Error).message}`)),
    ]);
    await proxy?.stop();
    await o.runtime.close().catch((e) => o.log(`closing the container runtime: ${(e as Error).message}`));
  })();
  return {
    kubelet: running,
    dns,
    kubeletPort: server.port,
    done,
    async stop() {
      stop.abort();
      await done;
    },
  };
}

/**
 * The node-local Services: the cluster DNS (kube-dns ClusterIP:53, UDP and TCP) and, when the
 * API server listens on this machine's loopback, the `kubernetes` Service's ClusterIP:443.
 */
async function localServices(client: Client, dnsPort: number, apiPort: number | undefined): Promise<{ dnsIP?: string; services: LocalService[] }> {
  const services: LocalService[] = [];
  const kubeDns = await client.get(R.services, 'kube-system', 'kube-dns').catch(() => undefined);
  const dnsIP = (kubeDns?.spec as { clusterIP?: string } | undefined)?.clusterIP;
  if (dnsIP && dnsIP !== 'None') {
    for (const protocol of ['UDP', 'TCP'] as const) services.push({ ip: dnsIP, port: 53, protocol, to: `127.0.0.1:${dnsPort}`, name: 'kube-system/kube-dns' });
  }
  if (apiPort) {
    const api = await client.get(R.services, 'default', 'kubernetes').catch(() => undefined);
    const ip = (api?.spec as { clusterIP?: string } | undefined)?.clusterIP;
    if (ip) services.push({ ip, port: 443, protocol: 'TCP', to: `127.0.0.1:${apiPort}`, name: 'default/kubernetes' });
  }
  return { dnsIP: dnsIP && dnsIP !== 'None' ? dnsIP : undefined, services };
}
