// startTestControlPlane(): the real API server and controller manager, in this process, on a
// free port and a temporary data directory — cheap enough for every integration test
// (an envtest analogue). Requests go over real HTTPS.

import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster, type ClusterOptions } from '../cluster/cluster.js';
import { RestClient } from '../client/rest.js';
import { InProcessClient } from '../client/in-process.js';
import { poll } from './poll.js';

export interface TestControlPlane extends Cluster {
  client: RestClient;
  /** A client straight into the registry, as the control plane's own loops use. */
  inProcessClient(manager?: string): InProcessClient;
  /** A raw HTTPS request with the admin token. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; text: string; json<T = unknown>(): T }>;
  /** Streams a watch, collecting parsed events until stop() or the server ends it. */
  watch(path: string): { events: { type: string; object: Record<string, any> }[]; ended: Promise<void>; stop(): void };
}

export async function startTestControlPlane(opts: Partial<ClusterOptions> = {}): Promise<TestControlPlane> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelite-test-'));
  const cluster = await startCluster({ dataDir, port: 0, log: () => {}, serviceCIDR: '198.18.0.0/24', ...opts });
  const client = new RestClient({ server: cluster.url, token: cluster.adminToken, caPem: cluster.caPem });
  const url = new URL(cluster.url);
  const request: TestControlPlane['request'] = (method, path, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const req = https.request(
        {
          hostname: url.hostname,
          port: url.port,
          path,
          method,
          ca: cluster.caPem,
          headers: {
            Authorization: `Bearer ${cluster.adminToken}`,
            'Content-Type': 'application/json',
            Accept: 'application/json',
            ...(payload ? { 'Content-Length': String(payload.length) } : {}),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const watch: TestControlPlane['watch'] = (path) => {
    const events: { type: string; object: Record<string, any> }[] = [];
    let req: ReturnType<typeof https.request>;
    const ended = new Promise<void>((resolve) => {
      req = https.request({ hostname: url.hostname, port: url.port, path, ca: cluster.caPem, headers: { Authorization: `Bearer ${cluster.adminToken}` } }, (res) => {
        let buf = '';
        res.on('data', (d) => {
          buf += d;
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line.trim()) events.push(JSON.parse(line));
          }
        });
        res.on('end', () => resolve());
        res.on('error', () => resolve());
      });
      req.on('error', () => resolve());
      req.end();
    });
    return { events, ended, stop: () => req.destroy() };
  };
  return {
    ...cluster,
    client,
    inProcessClient: (manager = 'test') => new InProcessClient(cluster.server.registry, { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] }, manager),
    request,
    watch,
    async stop() {
      client.close();
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until fn returns something truthy. */
export function until<T>(fn: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  return poll(fn, { timeoutMs, what, intervalMs: 20 });
}
