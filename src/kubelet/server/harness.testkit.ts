// A test harness for the streaming path kubectl → API server → kubelet server → runtime: an
// in-process control plane whose pods/log|exec|attach|portforward and nodes/proxy requests
// go to the node proxy (as subresources/index.ts will route them), a KubeletServer over a
// given backend on loopback, and a Node pointing at it. Until the API server routes upgrade
// requests itself, the harness puts the node proxy in front of the server's own handler.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { issueCertificate } from '../../apiserver/certs.js';
import { writeError } from '../../apiserver/respond.js';
import { parseRequestInfo } from '../../apiserver/request-info.js';
import { KubeletClient, ensureKubeletClientCertificate } from '../../apiserver/streaming/kubelet-client.js';
import { serveUpgrades } from '../../apiserver/streaming/upgrade.js';
import { handleNodeProxy, setKubeletClient } from '../../apiserver/subresources/node-proxy.js';
import { R } from '../../client/resources.js';
import { startTestControlPlane, type TestControlPlane } from '../../testing/control-plane.js';
import { KubeletServer } from './server.js';
import type { KubeletStreamingBackend } from './types.js';

export const kubectlPath = process.env.KUBECTL ?? '/usr/bin/kubectl';

export interface StreamingHarness {
  cp: TestControlPlane;
  kubelet: KubeletServer;
  nodeName: string;
  kubeconfig: string;
  /** Runs kubectl (asynchronously: the servers live in this process). */
  kubectl(args: string[], opts?: { input?: string | Buffer; timeoutMs?: number; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** kubectl in the background (follow, port-forward, attach). */
  kubectlBackground(args: string[]): { output(): string; errors(): string; write(s: string): void; end(): void; kill(): void; exited: Promise<number | null> };
  /** Creates a pod bound to the node, with the status given (containerStatuses etc.). */
  createPod(name: string, spec: Record<string, unknown>, status: Record<string, unknown>): Promise<KubeObject>;
  setPodStatus(name: string, status: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

const nodeProxyPath = /^\/api\/v1\/(namespaces\/[^/]+\/pods\/[^/]+\/(log|exec|attach|portforward)|nodes\/[^/]+\/proxy(\/.*)?)$/;

export async function startStreamingHarness(makeBackend: (cp: TestControlPlane) => KubeletStreamingBackend, opts: { nodeName?: string } = {}): Promise<StreamingHarness> {
  const cp = await startTestControlPlane({ controllers: false });
  const registry = cp.server.registry;
  const dataDir = dirname(cp.kubeconfigPath);
  const pki = join(dataDir, 'pki');
  const caKey = readFileSync(join(pki, 'ca.key'), 'utf8');
  const client = await ensureKubeletClientCertificate(pki, cp.caPem, caKey);
  setKubeletClient(registry, new KubeletClient({ cert: client.cert, key: client.key, ca: cp.caPem }));

  // The node proxy in front of the API server's own request path.
  const httpServer = (cp.server as unknown as { server: https.Server }).server;
  const own = httpServer.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  httpServer.removeAllListeners('request');
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (!nodeProxyPath.test(url.pathname)) {
      if (own.length) return own[0](req, res);
      return void cp.server.handle(req, res).catch((e) => writeError(res, e, () => {}));
    }
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    const resource = cp.server.scheme.resource('', 'v1', info.resource)!;
    const r = { req, res, info, query: url.searchParams, user: { name: 'system:admin', groups: ['system:masters'] }, resource };
    handleNodeProxy(registry.handlerContext(), r, registry).catch((e) => writeError(res, e, () => {}));
  };
  httpServer.on('request', handler);
  serveUpgrades(httpServer, handler);

  const nodeName = opts.nodeName ?? 'stream-node';
  const serving = await issueCertificate(cp.caPem, caKey, { commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], usage: 'server', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost', nodeName] });
  const kubelet = new KubeletServer({ backend: makeBackend(cp), nodeName, tls: { cert: serving.cert, key: serving.key }, clientCA: cp.caPem, port: 0, log: process.env.KUBELITE_TEST_LOG ? (m) => console.error(m) : undefined });
  await kubelet.listen();
  await cp.client.create(R.nodes, '', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName } },
    status: {
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
    },
  } as KubeObject);

  // No controllers run: the ServiceAccount admission needs the default account to exist.
  await cp.client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } } as KubeObject).catch(() => {});

  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  const env = { ...process.env, KUBECONFIG: cp.kubeconfigPath, KUBECACHEDIR: cacheDir, HOME: cacheDir };
  const kubectl: StreamingHarness['kubectl'] = (args, o = {}) =>
    new Promise((resolve) => {
      const child = spawn(kubectlPath, args, { env: { ...env, ...o.env }, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.stdin.on('error', () => {});
      child.stdin.end(o.input ?? '');
      const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
      });
    });
  const kubectlBackground: StreamingHarness['kubectlBackground'] = (args) => {
    const child = spawn(kubectlPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.on('error', () => {});
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { output: () => out, errors: () => err, write: (s) => child.stdin.write(s), end: () => child.stdin.end(), kill: () => child.kill('SIGINT'), exited };
  };
  const setPodStatus = async (name: string, status: Record<string, unknown>) => {
    await cp.client.patch(R.pods, 'default', name, 'merge', { status }, { subresource: 'status' });
  };
  const createPod = async (name: string, spec: Record<string, unknown>, status: Record<string, unknown>) => {
    await cp.client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName, automountServiceAccountToken: false, ...spec } } as KubeObject);
    await setPodStatus(name, status);
    return (await cp.client.get(R.pods, 'default', name))!;
  };
  return {
    cp,
    kubelet,
    nodeName,
    kubeconfig: cp.kubeconfigPath,
    kubectl,
    kubectlBackground,
    createPod,
    setPodStatus,
    async stop() {
      await kubelet.close();
      await cp.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** A running container's status, as the kubelet reports it. */
export function runningStatus(container: string, id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    phase: 'Running',
    podIP: '127.0.0.1',
    containerStatuses: [
      { name: container, ready: true, restartCount: 0, image: 'busybox', imageID: 'busybox', containerID: `local://${id}`, started: true, state: { running: { startedAt: new Date().toISOString() } }, ...extra },
    ],
  };
}
