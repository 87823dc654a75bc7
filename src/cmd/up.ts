// `kubelite up`: start a cluster in the foreground, say how to use it, and stop cleanly on
// SIGINT/SIGTERM.

import { startCluster } from '../cluster/cluster.js';

export interface UpOptions {
  dataDir: string;
  port: number;
  host: string;
  runtime: string;
  nodes: number;
  serviceCidr: string;
  registryConfig?: string;
  nodeMonitorGracePeriod: number;
}

export async function runUp(opts: UpOptions): Promise<void> {
  const started = performance.now();
  if (opts.runtime !== 'auto' && opts.runtime !== 'simulated') {
    // containerd and host processes come with the kubelet; until then, refuse rather than pretend.
    console.error(`error: --runtime ${opts.runtime} is not available in this build yet; use --runtime simulated (or auto)`);
    process.exit(2);
  }
  const cluster = await startCluster({
    dataDir: opts.dataDir,
    port: opts.port,
    host: opts.host,
    serviceCIDR: opts.serviceCidr,
    runtime: 'simulated',
    nodes: opts.nodes,
    nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriod,
    log: (m) => console.error(m),
  });
  const ms = Math.round(performance.now() - started);
  console.log(`API server listening on ${cluster.url}`);
  console.log(`kubeconfig written to ${cluster.kubeconfigPath}`);
  console.log(
    opts.nodes > 0
      ? `nodes: ${opts.nodes} simulated (kwok-style: pods are scheduled and reported Running, but no container runs; real containers come with the kubelet)`
      : 'nodes: none (--nodes 0): pods stay Pending',
  );
  console.log(`kubelite is ready (${ms} ms): export KUBECONFIG=${cluster.kubeconfigPath}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: stopping`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await cluster.stop();
    console.log('kubelite stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
