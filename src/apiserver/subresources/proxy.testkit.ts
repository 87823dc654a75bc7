// Shared by the pod and service proxy tests: a loopback HTTP server standing in for a pod
// (it echoes what it received, redirects, serves HTML, speaks WebSocket), and raw HTTPS
// requests to the test control plane that keep the response headers.

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { KubeObject } from '../../api/object.js';
import type { TestControlPlane } from '../../testing/control-plane.js';

export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Backend {
  port: number;
  stop(): Promise<void>;
}

/** A stand-in pod on 127.0.0.1: `/redirect`, `/page`, `/ws` (WebSocket echo); anything else echoes the request as JSON. */
export async function startBackend(): Promise<Backend> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const port = (server.address() as AddressInfo).port;
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: `http://127.0.0.1:${port}/landed?from=redirect` });
        return res.end();
      }
      if (req.url === '/page') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Access-Control-Allow-Origin': '*' });
        return res.end('<html><body><a href="/next">next</a> <a href="https://example.com/">away</a> <img src="logo.png"></body></html>');
      }
      const echo: Echo = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Backend': 'yes' });
      res.end(JSON.stringify(echo));
    });
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws, req) => ws.on('message', (m) => ws.send(`echo ${req.url}: ${m.toString()}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async stop() {
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** A request to the control plane with the admin token, answering status, headers and body. */
export function apiRequest(cp: TestControlPlane, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const url = new URL(cp.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      { hostname: url.hostname, port: url.port, path, method, ca: cp.caPem, headers: { Authorization: `Bearer ${cp.adminToken}`, ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Creates an object through the API (JSON); throws on failure. */
export async function create(cp: TestControlPlane, path: string, obj: unknown): Promise<void> {
  const res = await cp.request('POST', path, obj);
  if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
}

/** Merge-patches a pod's status. */
export async function setPodStatus(cp: TestControlPlane, namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
  const res = await cp.request('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, { status }, { 'Content-Type': 'application/merge-patch+json' });
  if (res.status >= 300) throw new Error(`status of ${name}: ${res.status} ${res.text}`);
}

/** Nodes as the tests need them: a real one owning 198.19.112.0/24 and a simulated one. */
export async function createNodes(cp: TestControlPlane): Promise<void> {
  await create(cp, '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'real-node' }, spec: { podCIDR: '198.19.112.0/24', podCIDRs: ['198.19.112.0/24'] } });
  await create(cp, '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'sim-node', labels: { 'kubelite.io/simulated': 'true' } }, spec: { podCIDR: '198.19.113.0/24' } });
  await cp.request('POST', '/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
}

/** A pod bound to `node` whose status says `podIP`. */
export async function createPod(cp: TestControlPlane, name: string, node: string, podIP: string | undefined, ports: { name?: string; containerPort: number }[] = []): Promise<void> {
  await create(cp, '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'busybox', ports }] },
  });
  if (podIP) await setPodStatus(cp, 'default', name, { phase: 'Running', podIP, podIPs: [{ ip: podIP }] });
}

/**
 * Stores an object as it stands, past validation. Endpoints and EndpointSlices may not name
 * loopback addresses (kube-apiserver's ValidateNonSpecialIP), yet the only place a test may
 * listen is loopback: these tests write the loopback endpoints straight into the store, the
 * way they would look had a pod network put the stand-in pod there.
 */
export async function storeUnvalidated(cp: TestControlPlane, group: string, plural: string, obj: { metadata: { name: string; namespace?: string } } & Record<string, unknown>): Promise<void> {
  const namespace = obj.metadata.namespace ?? 'default';
  const store = cp.server.registry.store(group, plural);
  const metadata = { ...obj.metadata, namespace, uid: randomUUID(), creationTimestamp: new Date().toISOString() };
  await cp.storage.create(store.key(namespace, obj.metadata.name), { ...obj, metadata } as KubeObject);
}
