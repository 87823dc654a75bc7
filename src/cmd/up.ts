// `kubelite up`: start a cluster in the foreground, say how to use it, and stop cleanly on
// SIGINT/SIGTERM.

import { startCluster } from '../cluster/cluster.js';
import { autoRuntime, type NodeRuntimeKind } from '../cluster/node.js';

export interface UpOptions {
  dataDir: string;
  port: number;
  host: string;
  runtime: string;
  nodes: number;
  nodeName?: string;
  serviceCidr: string;
  clusterCidr: string;
  registryConfig?: string;
  nodeMonitorGracePeriod: number;
  eventTtl: number;
}

const runtimes = ['auto', 'containerd', 'process', 'simulated'];

export async function runUp(opts: UpOptions): Promise<void> {
  const started = performance.now();
  if (!runtimes.includes(opts.runtime)) {
    console.error(`error: --runtime must be one of ${runtimes.join(', ')}, not "${opts.runtime}"`);
    process.exit(2);
  }
  let runtime = opts.runtime as NodeRuntimeKind | 'simulated' | 'auto';
  let why: string | undefined;
  if (runtime === 'auto') ({ kind: runtime, why } = await autoRuntime());
  let cluster;
  try {
    cluster = await startCluster({
      dataDir: opts.dataDir,
      port: opts.port,
      host: opts.host,
      serviceCIDR: opts.serviceCidr,
      clusterCIDR: opts.clusterCidr,
      runtime,
      nodes: opts.nodes,
      nodeName: opts.nodeName,
      registryConfig: opts.registryConfig,
      nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriod,
      registry: { eventExpiry: { ttlMs: opts.eventTtl } },
      log: (m) => console.error(m),
    });
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exit(1);
  }
  const ms = Math.round(performance.now() - started);
  console.log(`API server listening on ${cluster.url}`);
  console.log(`kubeconfig written to ${cluster.kubeconfigPath}`);
  if (cluster.node) {
    const extra = opts.nodes > 1 ? ` and ${opts.nodes - 1} simulated` : '';
    console.log(`nodes: ${cluster.node.name} running pods in ${cluster.node.runtime === 'containerd' ? 'containerd' : 'host processes'}${extra}`);
    if (why) console.log(`runtime: process, because ${why}`);
    if (cluster.node.limits) console.log(`note: ${cluster.node.limits}`);
  } else if (runtime === 'simulated' && opts.nodes > 0) {
    console.log(`nodes: ${opts.nodes} simulated (kwok-style: pods are scheduled and reported Running, but no container runs)`);
  } else {
    console.log('nodes: none (--nodes 0): pods stay Pending');
  }
  console.log(`to join another node: ${cluster.joinCommand}`);
  console.log(`kubelite is ready (${ms} ms): export KUBECONFIG=${cluster.kubeconfigPath}`);

  let stopping = false;
  const running = cluster;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: stopping`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await running.stop();
    console.log('kubelite stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
