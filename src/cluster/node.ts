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
import type { Client } from '../client/interface.js';
import { Kubelet } from '../kubelet/kubelet.js';
import type { ContainerRuntime } from '../kubelet/runtime/interface.js';
import { CriRuntime } from '../kubelet/runtime/cri/cri-runtime.js';
import { containerdAvailable, containerdDirFor } from '../kubelet/runtime/cri/containerd.js';
import { ProcessRuntime } from '../kubelet/runtime/process/index.js';
import { ensureKubeletServingCertificate } from '../kubelet/server/certs.js';
import { ContainerLogManager } from '../kubelet/server/log-manager.js';
import { KubeletServer } from '../kubelet/server/server.js';

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
  clusterDNS?: string[];
  log: (m: string) => void;
}

export interface RunningNode {
  kubelet: Kubelet;
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
  kubelet = new Kubelet({
    client: o.client,
    runtime: o.runtime,
    nodeName: o.nodeName,
    dataDir: o.dataDir,
    nodeIP: o.nodeIP,
    podCIDR: o.podCIDR,
    clusterDNS: o.clusterDNS,
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
      running.start(stop.signal).catch((e) => o.log(`kubelet stopped: ${(e as Error).stack ?? e}`)),
      logs.start(stop.signal).catch((e) => o.log(`log rotation stopped: ${(e as Error).message}`)),
      server.start(stop.signal).catch((e) => o.log(`kubelet API stopped: ${(e as Error).message}`)),
    ]);
    await o.runtime.close().catch((e) => o.log(`closing the container runtime: ${(e as Error).message}`));
  })();
  return {
    kubelet: running,
    kubeletPort: server.port,
    done,
    async stop() {
      stop.abort();
      await done;
    },
  };
}
