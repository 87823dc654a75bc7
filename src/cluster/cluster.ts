// A whole kubelite cluster in one process: data directory, PKI, admin credential, store,
// API server and the cluster's bootstrap objects. `kubelite up` runs one; tests start one on
// port 0 in a temporary directory.

import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { networkInterfaces } from 'node:os';
import { ensurePki } from '../apiserver/certs.js';
import { StaticTokenAuthenticator, UnionAuthenticator } from '../apiserver/auth/token.js';
import { x509Authenticator } from '../apiserver/auth/x509.js';
import { ApiServer } from '../apiserver/server.js';
import { bootstrapCluster } from '../apiserver/bootstrap.js';
import type { Clock } from '../machinery/clock.js';
import { SqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../storage/interface.js';
import { renderKubeconfig } from './kubeconfig.js';
import type { RegistryOptions } from '../apiserver/registry/registry.js';
import { InProcessClient } from '../client/in-process.js';
import { ControllerManager } from '../controllers/manager.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { NodeSimulator, interactiveTimings } from '../kubelet/runtime/simulated/index.js';
import { realClock } from '../machinery/clock.js';
import { loadCustomResources } from '../apiserver/crd/index.js';

export interface ClusterOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  clock?: Clock;
  log?: (msg: string) => void;
  serviceCIDR?: string;
  /** The address the `kubernetes` Endpoints name; defaults to the host's first IPv4 address. */
  advertiseAddress?: string;
  /** Where the local-path provisioner makes volumes (default DIR/storage); false turns it off. */
  localStorageDir?: string | false;
  /** How pods run: 'simulated' nodes (kwok-style) are the only runtime of this build. */
  runtime?: 'simulated';
  /** How many simulated nodes to register (default 1; 0 for none). */
  nodes?: number;
  /** node-monitor-grace-period: how long a silent node stays Ready (default 50 s). */
  nodeMonitorGracePeriodMs?: number;
  /** Run the controller manager (default true); tests of one controller turn it off. */
  controllers?: boolean;
  /** Use this store instead of DIR/state.db (tests). */
  storage?: Storage;
  registry?: Partial<RegistryOptions>;
}

export interface Cluster {
  server: ApiServer;
  storage: Storage;
  url: string;
  kubeconfigPath: string;
  adminToken: string;
  caPem: string;
  stop(): Promise<void>;
}

/** The host's first non-loopback IPv4 address, as the API server's advertise address. */
export function hostIPv4(): string | undefined {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

function loadOrCreateToken(path: string): string {
  if (existsSync(path)) {
    const t = readFileSync(path, 'utf8').trim();
    if (t) return t;
  }
  const token = randomBytes(24).toString('hex');
  writeFileSync(path, token + '\n', { mode: 0o600 });
  return token;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pki = await ensurePki(dataDir);
  const adminToken = loadOrCreateToken(join(dataDir, 'admin.token'));
  const tokens = new StaticTokenAuthenticator();
  tokens.add(adminToken, { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] });
  const storage = opts.storage ?? new SqliteStorage({ path: join(dataDir, 'state.db'), freeze: process.env.KUBELITE_TEST === '1' });
  const server = new ApiServer({
    storage,
    clock: opts.clock,
    authenticator: new UnionAuthenticator([tokens, x509Authenticator]),
    tls: { cert: pki.serverCertPem, key: pki.serverKeyPem, ca: pki.caCertPem },
    host: opts.host ?? '127.0.0.1',
    port: opts.port,
    log: opts.log,
    registry: { serviceCIDR: opts.serviceCIDR, ...opts.registry },
  });
  // Custom resources are served from the first request: register stored CRDs before ready.
  const customResources = await loadCustomResources(server.registry, { log: opts.log });
  try {
    await server.start();
  } catch (e) {
    await storage.close();
    throw e;
  }
  const advertiseAddress = opts.advertiseAddress ?? (opts.host && !['0.0.0.0', '127.0.0.1', 'localhost'].includes(opts.host) ? opts.host : hostIPv4());
  await bootstrapCluster(server.registry, { advertiseAddress, port: server.port });
  const url = `https://127.0.0.1:${server.port}`;
  const kubeconfigPath = join(dataDir, 'kubeconfig.yaml');
  writeFileSync(kubeconfigPath, renderKubeconfig({ server: url, caPem: pki.caCertPem, token: adminToken }), { mode: 0o600 });
  const controllersStop = new AbortController();
  // Every informer and watch listens on this one signal.
  setMaxListeners(0, controllersStop.signal);
  const log = opts.log ?? ((m: string) => console.error(m));
  const controllerClient = new InProcessClient(server.registry, { name: 'system:kube-controller-manager', groups: ['system:authenticated'] }, 'kube-controller-manager');
  const controllers = new ControllerManager({ client: controllerClient, scheme: server.scheme, clock: opts.clock ?? realClock, log, caPem: pki.caCertPem, localStorageDir: opts.localStorageDir ?? join(dataDir, 'storage'), nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriodMs });
  const controllersDone =
    opts.controllers === false
      ? Promise.resolve()
      : controllers.start(controllersStop.signal).catch((e) => log(`controller manager stopped: ${(e as Error).stack ?? e}`));
  const customResourcesDone = customResources.start(controllersStop.signal).catch((e) => log(`CRD controller stopped: ${(e as Error).stack ?? e}`));
  const schedulerClient = new InProcessClient(server.registry, { name: 'system:kube-scheduler', groups: ['system:authenticated'] }, 'kube-scheduler');
  const scheduler = new Scheduler({ client: schedulerClient, clock: opts.clock ?? realClock, log });
  const schedulerDone =
    opts.controllers === false
      ? Promise.resolve()
      : scheduler.start(controllersStop.signal).catch((e) => log(`scheduler stopped: ${(e as Error).stack ?? e}`));
  // Simulated nodes are the cluster's node agents in this build (no kubelet yet).
  const nodeCount = opts.nodes ?? 1;
  let simulatorDone: Promise<void> = Promise.resolve();
  if (nodeCount > 0 && opts.controllers !== false) {
    const simulator = new NodeSimulator({
      client: new InProcessClient(server.registry, { name: 'system:node:kubelite', groups: ['system:nodes', 'system:authenticated'] }, 'kubelet'),
      clock: opts.clock ?? realClock,
      log,
      nodes: nodeCount,
      timings: interactiveTimings,
      events: nodeCount <= 100,
    });
    simulatorDone = simulator.start(controllersStop.signal).catch((e) => log(`simulated nodes stopped: ${(e as Error).stack ?? e}`));
  }
  let stopped = false;
  return {
    server,
    storage,
    url,
    kubeconfigPath,
    adminToken,
    caPem: pki.caCertPem,
    async stop() {
      if (stopped) return;
      stopped = true;
      controllersStop.abort();
      await controllersDone;
      await schedulerDone;
      await simulatorDone;
      await customResourcesDone;
      await server.stop();
      await storage.close();
    },
  };
}
