// `kubelite agent`: joins this machine to a cluster as a node. It trusts the cluster's CA
// (pinned by --ca-cert-hash, as kubeadm join does), authenticates as system:node:<name> with
// a credential derived from the join token, starts its own container runtime and the
// kubelet with a REST client, and serves the kubelet API (logs, exec, attach, port-forward)
// on its own port. Several agents run side by side on one machine when each has its own
// --name, --data-dir and port (the default port falls back to a free one when taken).
//
//   kubelite agent --server https://10.0.0.1:6443 --token abcdef.0123456789abcdef \
//     --ca-cert-hash sha256:… [--name N] [--runtime auto|containerd|process] [--data-dir D]

import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, hostname, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import tls from 'node:tls';
import { nodeCredential, parseBootstrapToken } from '../apiserver/auth/bootstrap-token.js';
import { RestClient } from '../client/rest.js';
import { R } from '../client/resources.js';
import { autoRuntime, createRuntime, runtimeLimits, startNode, type NodeRuntimeKind, type RunningNode } from '../cluster/node.js';
import { podCIDRForNode, publishedClusterCIDR } from '../cluster/pod-cidrs.js';


export interface AgentOptions {
  server: string;
  token: string;
  /** Node name; default the host name. */
  name?: string;
  runtime?: 'auto' | NodeRuntimeKind;
  /** k3s registries.yaml for containerd. */
  registryConfig?: string;
  /** Default ~/.kubelite/agent-<name>. */
  dataDir?: string;
  /** `sha256:<hex>` of the cluster CA's public key (printed by `kubelite up`). */
  caCertHash?: string;
  /** The cluster CA as a file, instead of a pin. */
  caFile?: string;
  /** Kubelet API address; default 127.0.0.1 when the server is on loopback, else 0.0.0.0. */
  address?: string;
  /** Kubelet API port; default 10250, or a free port when that one is taken. */
  port?: number;
  /** The node's InternalIP; default the host's first IPv4 address. */
  nodeIP?: string;
  log?: (msg: string) => void;
}

export interface RunningAgent {
  nodeName: string;
  dataDir: string;
  kubeletPort: number;
  client: RestClient;
  /** Settles when everything has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

function firstIPv4(): string {
  for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

/** The node name the agent registers: --name, or the host name as the kubelet does (lowercased). */
export function agentNodeName(name: string | undefined): string {
  const n = (name ?? hostname()).toLowerCase();
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(n)) throw new Error(`invalid node name "${n}": a lowercase RFC 1123 subdomain is required (use --name)`);
  return n;
}

export function pemOfDer(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

function spkiHash(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/**
 * The cluster CA: from --ca-file, or the root of the chain the server presents, checked
 * against --ca-cert-hash when given (kubeadm's discovery).
 */
export async function discoverClusterCA(server: string, opts: { caCertHash?: string; caFile?: string; log?: (m: string) => void }): Promise<string> {
  if (opts.caFile) return readFileSync(opts.caFile, 'utf8');
  const url = new URL(server);
  if (url.protocol !== 'https:') throw new Error(`--server must be an https:// URL, got ${server}`);
  const chain = await new Promise<tls.DetailedPeerCertificate>((resolve, reject) => {
    const s = tls.connect({ host: url.hostname, port: Number(url.port || 443), rejectUnauthorized: false, servername: /^[\d.]+$/.test(url.hostname) ? undefined : url.hostname }, () => {
      const cert = s.getPeerCertificate(true);
      s.end();
      resolve(cert);
    });
    s.once('error', (e) => reject(new Error(`cannot reach the API server at ${server}: ${e.message}`)));
    s.setTimeout(10_000, () => s.destroy(new Error('timed out')));
  });
  const certs: tls.DetailedPeerCertificate[] = [];
  for (let c: tls.DetailedPeerCertificate | undefined = chain; c && c.raw && !certs.includes(c); c = c.issuerCertificate) certs.push(c);
  const pems = certs.map((c) => pemOfDer(c.raw));
  if (opts.caCertHash) {
    const want = opts.caCertHash.toLowerCase();
    const ca = pems.find((p) => spkiHash(p) === want);
    if (!ca) throw new Error(`the API server at ${server} presents no CA matching --ca-cert-hash ${opts.caCertHash}`);
    return ca;
  }
  opts.log?.('warning: no --ca-cert-hash given: trusting the CA the API server presents without verifying it');
  return pems[pems.length - 1];
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/** Written into an agent's data directory: this directory runs that node. */
const nodeMarkerFile = 'node-name';

/**
 * Two agents (or an agent and `kubelite up`'s own node) must not run one Node: they would share
 * its pod range and overwrite each other's status. A Node of this name that is Ready belongs to
 * someone else unless this data directory ran it before (an agent restarted, even after kill -9);
 * a NotReady one may be taken over, as a reinstalled machine rejoins.
 */
async function refuseLiveNamesake(client: RestClient, nodeName: string, dataDir: string): Promise<void> {
  const node = await client.get(R.nodes, '', nodeName);
  if (!node) return;
  const ready = ((node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return;
  let ours = false;
  try {
    ours = readFileSync(join(dataDir, nodeMarkerFile), 'utf8').trim() === nodeName;
  } catch {
    /* a new data directory */
  }
  if (!ours) throw new Error(`node "${nodeName}" is already in the cluster and Ready (another agent, or the node of kubelite up): give this one its own --name`);
}

/** Joins the cluster and runs the node until stop(). */
export async function runAgent(options: AgentOptions): Promise<RunningAgent> {
  const log = options.log ?? ((m: string) => console.error(m));
  if (!parseBootstrapToken(options.token)) throw new Error('--token must be a join token of the form [a-z0-9]{6}.[a-z0-9]{16} (printed by kubelite up)');
  const nodeName = agentNodeName(options.name);
  const dataDir = resolve(options.dataDir ?? join(homedir(), '.kubelite', `agent-${nodeName}`));
  const caPem = await discoverClusterCA(options.server, { caCertHash: options.caCertHash, caFile: options.caFile, log });
  const client = new RestClient({ server: options.server, token: nodeCredential(options.token, nodeName), caPem, userAgent: `kubelite-agent/${nodeName}` });
  let podCIDR: string;
  let clusterCIDR: string;
  try {
    // Fails early on a bad token: the node's own lookup must authenticate.
    clusterCIDR = await publishedClusterCIDR(client);
    podCIDR = await podCIDRForNode(client, nodeName, clusterCIDR);
  } catch (e) {
    client.close();
    if ((e as { code?: number }).code === 401) throw new Error('the API server rejected the join token (unknown, expired or deleted)');
    throw e;
  }

  try {
    await refuseLiveNamesake(client, nodeName, dataDir);
  } catch (e) {
    client.close();
    throw e;
  }
  // Only a node the cluster accepted gets a data directory.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dataDir, nodeMarkerFile), nodeName + '\n');
  const nodeIP = options.nodeIP ?? firstIPv4();
  const serverHost = new URL(options.server).hostname;
  const address = options.address ?? (isLoopbackHost(serverHost) ? '127.0.0.1' : '0.0.0.0');
  let kind: NodeRuntimeKind;
  if (!options.runtime || options.runtime === 'auto') {
    const auto = await autoRuntime();
    kind = auto.kind;
    if (auto.why) log(`runtime: process, because ${auto.why}`);
  } else kind = options.runtime;
  let node: RunningNode;
  try {
    const runtime = await createRuntime(kind, { dataDir, nodeName, podCIDR, registryConfig: options.registryConfig, log });
    const limits = runtimeLimits(runtime);
    if (limits) log(`note: ${limits}`);
    // An API server on this machine's loopback is reached by pods through the kubernetes Service.
    const localAPIServerPort = isLoopbackHost(serverHost) ? Number(new URL(options.server).port || 443) : undefined;
    node = await startNode({ client, runtime, nodeName, dataDir: join(dataDir, 'node'), nodeIP, podCIDR, clusterCIDR, caPem, address, port: options.port, localAPIServerPort, log });
  } catch (e) {
    client.close();
    throw e;
  }
  const done = node.done.finally(() => client.close());
  log(`node ${nodeName} joined ${options.server} (runtime ${kind}, pods in ${podCIDR}, kubelet API on ${address}:${node.kubeletPort}, data in ${dataDir})`);
  return {
    nodeName,
    dataDir,
    kubeletPort: node.kubeletPort,
    client,
    done,
    async stop() {
      await node.stop();
      await done;
    },
  };
}

/** The CLI action: runs the agent in the foreground until SIGINT or SIGTERM. */
export async function runAgentCommand(options: AgentOptions): Promise<void> {
  let agent: RunningAgent;
  try {
    agent = await runAgent(options);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exit(1);
  }
  console.log(`kubelite agent is ready: node ${agent.nodeName}`);
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: stopping`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    void agent.stop().then(() => {
      console.log('kubelite agent stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  await agent.done;
}
