// The control plane's own client: the same registry path as HTTP requests (defaulting,
// validation, admission, managedFields), minus the network and the JSON round trips.

import type { KubeObject } from '../api/object.js';
import { deepCopy } from '../api/object.js';
import type { ResourceType } from '../api/scheme.js';
import { StatusError, Reason } from '../machinery/errors.js';
import { parseFieldSelector } from '../machinery/fields.js';
import { parseSelector } from '../machinery/labels.js';
import type { UserInfo } from '../apiserver/auth/types.js';
import type { HandlerContext } from '../apiserver/handlers.js';
import { patchResource } from '../apiserver/registry/patcher.js';
import type { Registry } from '../apiserver/registry/registry.js';
import type { WriteContext } from '../apiserver/registry/store.js';
import { scaleOf } from '../apiserver/subresources/scale.js';
import { bindPod, type Binding } from '../apiserver/subresources/binding.js';
import { evictPod } from '../apiserver/subresources/eviction.js';
import { finalizeNamespace } from '../apiserver/subresources/namespace-finalize.js';
import { issueServiceAccountToken } from '../apiserver/subresources/token-request.js';
import type { Client, ClientWatchEvent, DeleteOptions, ListOptions, ListResult, PatchType, ResourceRef, WatchOptions, WriteOptions } from './interface.js';

export class InProcessClient implements Client {
  private engines: HandlerContext;

  constructor(
    private readonly registry: Registry,
    private readonly user: UserInfo,
    private readonly defaultManager: string,
  ) {
    this.engines = registry.handlerContext();
  }

  private resource(r: ResourceRef): ResourceType {
    const rt = this.registry.scheme.resource(r.group, r.version, r.plural);
    if (!rt) throw new StatusError(404, Reason.NotFound, `the server could not find the requested resource (${r.plural}.${r.group}/${r.version})`);
    return rt;
  }

  private wctx(r: ResourceRef, o?: WriteOptions): WriteContext {
    return {
      user: this.user,
      dryRun: o?.dryRun ?? false,
      fieldManager: o?.fieldManager ?? this.defaultManager,
      apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
      warnings: [],
    };
  }

  async get(r: ResourceRef, namespace: string, name: string, subresource = ''): Promise<KubeObject | undefined> {
    const rt = this.resource(r);
    const store = this.registry.storeFor(rt);
    const obj = await store.tryGet(namespace, name);
    if (!obj) return undefined;
    if (subresource === 'scale') return scaleOf(rt, obj);
    return store.out(obj, r.version);
  }

  async list(r: ResourceRef, namespace: string, options: ListOptions = {}): Promise<ListResult> {
    const store = this.registry.storeFor(this.resource(r));
    const listed = await store.list(namespace, {
      labelSelector: parseSelector(options.labelSelector),
      fieldSelector: parseFieldSelector(options.fieldSelector),
      limit: options.limit,
      continueToken: options.continue,
      resourceVersion: options.resourceVersion,
    });
    return { items: listed.items.map((o) => store.out(o, r.version)), resourceVersion: listed.resourceVersion, continue: listed.continueToken };
  }

  async *watch(r: ResourceRef, namespace: string, options: WatchOptions): AsyncIterable<ClientWatchEvent> {
    const store = this.registry.storeFor(this.resource(r));
    const events = store.watch(namespace, {
      labelSelector: parseSelector(options.labelSelector),
      fieldSelector: parseFieldSelector(options.fieldSelector),
      resourceVersion: options.resourceVersion,
      allowBookmarks: options.allowBookmarks ?? false,
      signal: options.signal,
    });
    for await (const e of events) {
      if (e.type === 'ERROR') yield { type: 'ERROR', status: e.status.toStatus() };
      else if (e.type === 'BOOKMARK') yield { type: 'BOOKMARK', resourceVersion: e.resourceVersion };
      else yield { type: e.type, object: store.out(e.object, r.version) };
    }
  }

  async create(r: ResourceRef, namespace: string, obj: KubeObject, options?: WriteOptions): Promise<KubeObject> {
    const store = this.registry.storeFor(this.resource(r));
    const created = await store.create(namespace, store.in(deepCopy(obj), r.version), this.wctx(r, options));
    return store.out(created, r.version);
  }

  async update(r: ResourceRef, namespace: string, obj: KubeObject, options?: WriteOptions): Promise<KubeObject> {
    const store = this.registry.storeFor(this.resource(r));
    const sub = options?.subresource ?? '';
    if (r.group === '' && r.plural === 'namespaces' && sub === 'finalize') {
      const finalizers = ((obj.spec as { finalizers?: unknown[] } | undefined)?.finalizers ?? []) as unknown[];
      return store.out(await finalizeNamespace(store, obj.metadata.name!, finalizers, this.wctx(r, options)), r.version);
    }
    const result = await store.update(namespace, obj.metadata.name!, store.in(deepCopy(obj), r.version), this.wctx(r, options), sub);
    return store.out(result.object, r.version);
  }

  async patch(r: ResourceRef, namespace: string, name: string, type: PatchType, patch: unknown, options?: WriteOptions & { force?: boolean }): Promise<KubeObject> {
    const store = this.registry.storeFor(this.resource(r));
    const result = await patchResource(this.engines, store, {
      namespace,
      name,
      version: r.version,
      type,
      patch: deepCopy(patch),
      force: options?.force,
      subresource: options?.subresource,
      ctx: this.wctx(r, options),
    });
    return result.object;
  }

  async delete(r: ResourceRef, namespace: string, name: string, options: DeleteOptions = {}): Promise<KubeObject | undefined> {
    const store = this.registry.storeFor(this.resource(r));
    const result = await store.delete(namespace, name, options, this.wctx(r, { dryRun: options.dryRun }));
    return result.deleted ? undefined : store.out(result.object, r.version);
  }

  async createSubresource(r: ResourceRef, namespace: string, name: string, subresource: string, body: KubeObject): Promise<KubeObject> {
    const key = `${r.group}/${r.plural}/${subresource}`;
    const wctx = this.wctx(r);
    if (key === '/pods/binding') {
      await bindPod(this.registry, this.registry.options.clock, namespace, name, body as Binding, wctx);
    } else if (key === '/pods/eviction') {
      await evictPod(this.registry, this.registry.options.clock, namespace, name, body, wctx);
    } else if (key === '/serviceaccounts/token') {
      return issueServiceAccountToken(this.registry, namespace, name, body);
    } else {
      throw new StatusError(404, Reason.NotFound, `the server could not find the requested resource (post ${r.plural} ${subresource})`);
    }
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' } as unknown as KubeObject;
  }
}

