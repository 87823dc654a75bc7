// The client over HTTPS, for node agents on other machines and for tests: the same verbs as
// the in-process client, with Status responses turned back into StatusErrors.

import https from 'node:https';
import http from 'node:http';
import type { KubeObject } from '../api/object.js';
import { StatusError } from '../machinery/errors.js';
import type { Client, ClientWatchEvent, DeleteOptions, ListOptions, ListResult, PatchType, ResourceRef, WatchOptions, WriteOptions } from './interface.js';

export interface RestConfig {
  server: string;
  token?: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  userAgent?: string;
}

const patchContentTypes: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export function resourcePath(r: ResourceRef, namespace: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.plural}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class RestClient implements Client {
  private agent: http.Agent;
  private url: URL;

  constructor(private readonly config: RestConfig) {
    this.url = new URL(config.server);
    this.agent =
      this.url.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: 64, ca: config.caPem, cert: config.certPem, key: config.keyPem })
        : new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const headers: Record<string, string | number> = { Accept: 'application/json', 'User-Agent': this.config.userAgent ?? 'kubelite-client' };
      if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
      if (payload) {
        headers['Content-Type'] = contentType;
        headers['Content-Length'] = payload.length;
      }
      const mod = this.url.protocol === 'https:' ? https : http;
      const req = mod.request({ hostname: this.url.hostname, port: this.url.port, path, method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  private async call(method: string, path: string, body?: unknown, contentType?: string): Promise<unknown> {
    const { status, text } = await this.send(method, path, body, contentType);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (status >= 400) {
      const s = (parsed ?? {}) as { code?: number; reason?: string; message?: string; details?: Record<string, unknown> };
      throw new StatusError(s.code ?? status, s.reason ?? 'Unknown', s.message ?? text, s.details as never);
    }
    return parsed;
  }

  async get(r: ResourceRef, namespace: string, name: string, subresource?: string): Promise<KubeObject | undefined> {
    try {
      return (await this.call('GET', resourcePath(r, namespace, name, subresource))) as KubeObject;
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return undefined;
      throw e;
    }
  }

  async list(r: ResourceRef, namespace: string, o: ListOptions = {}): Promise<ListResult> {
    const list = (await this.call(
      'GET',
      resourcePath(r, namespace) +
        query({ labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit, continue: o.continue, resourceVersion: o.resourceVersion }),
    )) as { items: KubeObject[]; metadata: { resourceVersion: string; continue?: string } };
    return { items: list.items ?? [], resourceVersion: list.metadata.resourceVersion, continue: list.metadata.continue };
  }

  async *watch(r: ResourceRef, namespace: string, o: WatchOptions): AsyncIterable<ClientWatchEvent> {
    const path =
      resourcePath(r, namespace) +
      query({
        watch: true,
        labelSelector: o.labelSelector,
        fieldSelector: o.fieldSelector,
        resourceVersion: o.resourceVersion,
        allowWatchBookmarks: o.allowBookmarks,
        timeoutSeconds: o.timeoutSeconds,
      });
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.config.userAgent ?? 'kubelite-client' };
    if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
    const mod = this.url.protocol === 'https:' ? https : http;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = mod.request({ hostname: this.url.hostname, port: this.url.port, path, method: 'GET', headers, agent: this.agent, signal: o.signal }, resolve);
      req.on('error', reject);
      req.end();
    }).catch((e) => {
      if (o.signal.aborted) return undefined;
      throw e;
    });
    if (!res) return;
    if ((res.statusCode ?? 0) >= 400) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      const s = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { code?: number; reason?: string; message?: string };
      throw new StatusError(s.code ?? res.statusCode ?? 500, s.reason ?? 'Unknown', s.message ?? '');
    }
    let buffer = '';
    try {
      for await (const chunk of res) {
        buffer += (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (!line.trim()) continue;
          const e = JSON.parse(line) as { type: string; object: KubeObject & Record<string, unknown> };
          if (e.type === 'BOOKMARK') yield { type: 'BOOKMARK', resourceVersion: e.object.metadata?.resourceVersion ?? '' };
          else if (e.type === 'ERROR') yield { type: 'ERROR', status: e.object as never };
          else yield { type: e.type as 'ADDED' | 'MODIFIED' | 'DELETED', object: e.object };
        }
      }
    } catch (e) {
      if (!o.signal.aborted) throw e;
    }
  }

  private writeQuery(o?: WriteOptions & { force?: boolean }): string {
    return query({ dryRun: o?.dryRun ? 'All' : undefined, fieldManager: o?.fieldManager, force: o?.force });
  }

  async create(r: ResourceRef, namespace: string, obj: KubeObject, o?: WriteOptions): Promise<KubeObject> {
    return (await this.call('POST', resourcePath(r, namespace) + this.writeQuery(o), obj)) as KubeObject;
  }

  async update(r: ResourceRef, namespace: string, obj: KubeObject, o?: WriteOptions): Promise<KubeObject> {
    return (await this.call('PUT', resourcePath(r, namespace, obj.metadata.name, o?.subresource) + this.writeQuery(o), obj)) as KubeObject;
  }

  async patch(r: ResourceRef, namespace: string, name: string, type: PatchType, patch: unknown, o?: WriteOptions & { force?: boolean }): Promise<KubeObject> {
    return (await this.call('PATCH', resourcePath(r, namespace, name, o?.subresource) + this.writeQuery(o), patch, patchContentTypes[type])) as KubeObject;
  }

  async delete(r: ResourceRef, namespace: string, name: string, o: DeleteOptions = {}): Promise<KubeObject | undefined> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (o.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds;
    if (o.propagationPolicy) body.propagationPolicy = o.propagationPolicy;
    if (o.preconditions) body.preconditions = o.preconditions;
    if (o.dryRun) body.dryRun = ['All'];
    const result = (await this.call('DELETE', resourcePath(r, namespace, name), body)) as KubeObject & { kind?: string };
    if (!result || result.kind === 'Status' || !result.metadata?.deletionTimestamp) return undefined;
    return result;
  }

  async createSubresource(r: ResourceRef, namespace: string, name: string, subresource: string, body: KubeObject): Promise<KubeObject> {
    return (await this.call('POST', resourcePath(r, namespace, name, subresource), body)) as KubeObject;
  }
}
