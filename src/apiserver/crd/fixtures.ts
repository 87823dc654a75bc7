// Test fixtures for the CRD machinery: an API server on an in-memory store (plain HTTP, every
// request as an admin) with the CRD controller running, a small HTTP client for it, and the
// CronTab CRD of the Kubernetes documentation.

import type { KubeObject } from '../../api/object.js';
import { ApiServer } from '../server.js';
import { SqliteStorage } from '../../storage/sqlite/sqlite-storage.js';
import { loadCustomResources, type CustomResourceDefinitionController } from './controller.js';

export interface Reply {
  status: number;
  // Parsed JSON of any shape: tests read into it freely.
  body: any;
  text: string;
  headers: Headers;
}

export interface TestServer {
  server: ApiServer;
  controller: CustomResourceDefinitionController;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Polls until fn returns something truthy. */
  eventually<T>(fn: () => Promise<T | undefined | false>, what?: string): Promise<T>;
  stop(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const storage = new SqliteStorage({ path: ':memory:', freeze: true });
  const server = new ApiServer({
    storage,
    authenticator: { authenticate: () => ({ name: 'admin', groups: ['system:masters', 'system:authenticated'] }) },
    host: '127.0.0.1',
    port: 0,
    log: () => {},
  });
  const controller = await loadCustomResources(server.registry);
  await server.start();
  const stop = new AbortController();
  const running = controller.start(stop.signal).catch(() => {});
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const init: RequestInit = { method, headers: { Accept: 'application/json', ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(server.url + path, init);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  await request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  return {
    server,
    controller,
    request,
    async eventually<T>(fn: () => Promise<T | undefined | false>, what = 'condition'): Promise<T> {
      const deadline = Date.now() + 5000;
      for (;;) {
        const v = await fn();
        if (v) return v;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      stop.abort();
      await running;
      await server.stop();
      await storage.close();
    },
  };
}

/** The CronTab example of the Kubernetes documentation, with a few more schema features. */
export function cronTabCRD(extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['cronSpec'],
                  properties: {
                    cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
                    image: { type: 'string' },
                    replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
                  },
                },
                status: {
                  type: 'object',
                  properties: { replicas: { type: 'integer' }, labelSelector: { type: 'string' } },
                },
              },
            },
          },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' } },
          additionalPrinterColumns: [
            { name: 'Spec', type: 'string', description: 'The cron spec defining the interval a CronJob is run', jsonPath: '.spec.cronSpec' },
            { name: 'Replicas', type: 'integer', description: 'The number of jobs launched by the CronJob', jsonPath: '.spec.replicas' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    },
    ...extra,
  };
}
