// A whole kubelite cluster in one process: data directory, PKI, admin credential, store,
// API server and the cluster's bootstrap objects. `kubelite up` runs one; tests start one on
// port 0 in a temporary directory.

import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostname, networkInterfaces } from 'node:os';
import { ensurePki } from '../apiserver/certs.js';
import { StaticTokenAuthenticator, UnionAuthenticator } from '../apiserver/auth/token.js';
import { x509Authenticator } from '../apiserver/auth/x509.js';
import { ApiServer } from '../apiserver/server.js';
import { ServiceIPAllocator } from '../apiserver/registry/allocator.js';
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
import { BootstrapTokenAuthenticator, ensureNodeJoinToken, joinCommand } from '../apiserver/auth/bootstrap-token.js';
import { KubeletClient, ensureKubeletClientCertificate } from '../apiserver/streaming/kubelet-client.js';
import { setKubeletClient } from '../apiserver/subresources/node-proxy.js';
import { ServiceAccountTokenAuthenticator, ServiceAccountTokenIssuer, registryLookup } from '../apiserver/auth/service-account.js';
import { legacyTokens } from '../apiserver/auth/service-account-legacy-tokens.js';
import { setTokenIssuer } from '../apiserver/subresources/token-request.js';
import { TokenReviewer, setTokenReviewer } from '../apiserver/subresources/token-review.js';
import { createRuntime, runtimeLimits, startNode, type NodeRuntimeKind, type RunningNode } from './node.js';
import { defaultClusterCIDR, podCIDRForNode, publishClusterConfig } from './pod-cidrs.js';

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
  /**
   * How pods run: 'simulated' nodes (kwok-style), or a real node on this machine whose kubelet
   * runs them in containerd or as host processes.
   */
  runtime?: 'simulated' | NodeRuntimeKind;
  /**
   * How many nodes (default 1; 0 for none). With a real runtime the first is the real node and
   * the others are simulated.
   */
  nodes?: number;
  /** The real node's name (default: the host name). */
  nodeName?: string;
  /** Pod ranges of real nodes are taken from here (default 10.42.0.0/16, as k3s). */
  clusterCIDR?: string;
  /** k3s registries.yaml for the containerd runtime. */
  registryConfig?: string;
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
  /** `kubelite agent …` with this cluster's join token and CA pin. */
  joinCommand: string;
  /** The real node on this machine, when the runtime is not simulated. */
  node?: { name: string; runtime: NodeRuntimeKind; limits?: string; running: RunningNode };
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

/** The address the `kubernetes` Endpoints name: --host when it is one address, else the host's. */
function advertiseAddressOf(opts: ClusterOptions): string | undefined {
  return opts.advertiseAddress ?? (opts.host && !['0.0.0.0', '127.0.0.1', 'localhost'].includes(opts.host) ? opts.host : hostIPv4());
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Pods reach the API server at the `kubernetes` Service's address: the certificate names it.
  const kubernetesServiceIP = new ServiceIPAllocator(opts.serviceCIDR ?? '10.43.0.0/16').firstAddress();
  const pki = await ensurePki(dataDir, [kubernetesServiceIP, ...(advertiseAddressOf(opts) ? [advertiseAddressOf(opts)!] : [])]);
  const adminToken = loadOrCreateToken(join(dataDir, 'admin.token'));
  const tokens = new StaticTokenAuthenticator();
  tokens.add(adminToken, { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] });
  const storage = opts.storage ?? new SqliteStorage({ path: join(dataDir, 'state.db'), freeze: process.env.KUBELITE_TEST === '1' });
  // Service account tokens: signed with DATA_DIR/pki/sa.key, judged against the live objects.
  const serviceAccountIssuer = ServiceAccountTokenIssuer.fromDataDir(dataDir);
  const serviceAccountTokens = new ServiceAccountTokenAuthenticator({ issuer: serviceAccountIssuer, lookup: (r, ns, name) => registryLookup(server.registry)(r, ns, name), now: opts.clock && (() => opts.clock!.now()) });
  const bootstrapTokens = new BootstrapTokenAuthenticator((ns, name) => server.registry.store('', 'secrets').get(ns, name));
  const server: ApiServer = new ApiServer({
    storage,
    clock: opts.clock,
    authenticator: new UnionAuthenticator([tokens, x509Authenticator, bootstrapTokens, serviceAccountTokens]),
    tls: { cert: pki.serverCertPem, key: pki.serverKeyPem, ca: pki.caCertPem },
    host: opts.host ?? '127.0.0.1',
    port: opts.port,
    log: opts.log,
    registry: { serviceCIDR: opts.serviceCIDR, ...opts.registry },
  });
  // The API server reaches kubelets with a client certificate of the cluster CA.
  const kubeletClientCert = await ensureKubeletClientCertificate(join(dataDir, 'pki'), pki.caCertPem, pki.caKeyPem);
  setKubeletClient(server.registry, new KubeletClient({ cert: kubeletClientCert.cert, key: kubeletClientCert.key }));
  setTokenIssuer(server.registry, serviceAccountIssuer);
  setTokenReviewer(server.registry, new TokenReviewer({ apiAudiences: serviceAccountTokens.apiAudiences, audienceAware: [serviceAccountTokens], audienceAgnostic: new UnionAuthenticator([tokens, bootstrapTokens]) }));
  // Custom resources are served from the first request: register stored CRDs before ready.
  const customResources = await loadCustomResources(server.registry, { log: opts.log });
  try {
    await server.start();
  } catch (e) {
    await storage.close();
    throw e;
  }
  const advertiseAddress = advertiseAddressOf(opts);
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
  // Legacy Secret-based service account tokens are signed with the key only this process holds.
  const legacyTokensDone =
    opts.controllers === false
      ? Promise.resolve()
      : legacyTokens({ client: controllerClient, clock: opts.clock ?? realClock, log, issuer: serviceAccountIssuer, rootCA: pki.caCertPem })
          .start(controllersStop.signal)
          .catch((e) => log(`service account tokens controller stopped: ${(e as Error).stack ?? e}`));
  const schedulerClient = new InProcessClient(server.registry, { name: 'system:kube-scheduler', groups: ['system:authenticated'] }, 'kube-scheduler');
  const scheduler = new Scheduler({ client: schedulerClient, clock: opts.clock ?? realClock, log });
  const schedulerDone =
    opts.controllers === false
      ? Promise.resolve()
      : scheduler.start(controllersStop.signal).catch((e) => log(`scheduler stopped: ${(e as Error).stack ?? e}`));
  const adminClient = new InProcessClient(server.registry, { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] }, 'kubelite');
  const clusterCIDR = opts.clusterCIDR ?? defaultClusterCIDR;
  await publishClusterConfig(adminClient, { clusterCIDR, serviceCIDR: opts.serviceCIDR ?? '10.43.0.0/16' });
  const joinToken = await ensureNodeJoinToken(adminClient);

  const runtimeKind = opts.runtime ?? 'simulated';
  const nodeCount = opts.nodes ?? 1;
  const realNode = runtimeKind !== 'simulated' && nodeCount > 0 && opts.controllers !== false;
  let node: Cluster['node'];
  if (realNode) {
    const nodeName = (opts.nodeName ?? hostname()).toLowerCase();
    const nodeClient = new InProcessClient(server.registry, { name: `system:node:${nodeName}`, groups: ['system:nodes', 'system:authenticated'] }, 'kubelet');
    const nodeDir = join(dataDir, 'node', nodeName);
    mkdirSync(nodeDir, { recursive: true, mode: 0o700 });
    try {
      const podCIDR = await podCIDRForNode(nodeClient, nodeName, clusterCIDR);
      const runtime = await createRuntime(runtimeKind, { dataDir, nodeName, podCIDR, registryConfig: opts.registryConfig, log });
      const running = await startNode({
        client: nodeClient,
        runtime,
        nodeName,
        dataDir: nodeDir,
        nodeIP: advertiseAddress ?? '127.0.0.1',
        podCIDR,
        clusterCIDR,
        caPem: pki.caCertPem,
        localAPIServerPort: server.port,
        log,
      });
      node = { name: nodeName, runtime: runtimeKind, limits: runtimeLimits(runtime), running };
    } catch (e) {
      controllersStop.abort();
      await Promise.all([controllersDone, schedulerDone, customResourcesDone, legacyTokensDone]);
      await server.stop();
      await storage.close();
      throw e;
    }
  }
  // Simulated (kwok-style) nodes: all of them, or the ones beside the real node.
  const simulatedCount = realNode ? nodeCount - 1 : runtimeKind === 'simulated' ? nodeCount : 0;
  let simulatorDone: Promise<void> = Promise.resolve();
  if (simulatedCount > 0 && opts.controllers !== false) {
    const simulator = new NodeSimulator({
      client: new InProcessClient(server.registry, { name: 'system:node:kubelite', groups: ['system:nodes', 'system:authenticated'] }, 'kubelet'),
      clock: opts.clock ?? realClock,
      log,
      nodes: simulatedCount,
      timings: interactiveTimings,
      events: simulatedCount <= 100,
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
    joinCommand: joinCommand({ server: `https://${advertiseAddress && opts.host && opts.host !== '127.0.0.1' ? advertiseAddress : '127.0.0.1'}:${server.port}`, token: joinToken, caPem: pki.caCertPem }),
    node,
    async stop() {
      if (stopped) return;
      stopped = true;
      // The node first: its pods stop while the API server can still take their status.
      await node?.running.stop();
      controllersStop.abort();
      await controllersDone;
      await schedulerDone;
      await simulatorDone;
      await customResourcesDone;
      await legacyTokensDone;
      await server.stop();
      await storage.close();
    },
  };
}
