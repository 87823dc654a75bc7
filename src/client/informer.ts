// Informers: a list, then a watch from the list's resourceVersion, feeding a read-only cache
// and event handlers. A watch that ends resumes from the last seen version; one that answers
// 410 Gone relists (and reports objects that vanished meanwhile as deleted).

import type { KubeObject } from '../api/object.js';
import { objectKey } from '../api/object.js';
import type { Selector } from '../machinery/labels.js';
import type { Client, ResourceRef } from './interface.js';

export interface EventHandlers {
  onAdd?(obj: KubeObject): void;
  onUpdate?(oldObj: KubeObject, newObj: KubeObject): void;
  onDelete?(obj: KubeObject): void;
}

/** Read-only access to an informer's cache. Objects are shared: copy before changing. */
export interface Lister {
  get(namespace: string, name: string): KubeObject | undefined;
  list(namespace?: string, selector?: Selector): KubeObject[];
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  log?: (msg: string) => void;
}

export class Informer implements Lister {
  private cache = new Map<string, KubeObject>();
  private handlers: EventHandlers[] = [];
  private syncedResolve!: () => void;
  readonly synced: Promise<void> = new Promise((r) => (this.syncedResolve = r));
  private isSynced = false;
  private lastResourceVersion = '';
  private started = false;

  constructor(
    private readonly client: Client,
    readonly ref: ResourceRef,
    private readonly options: InformerOptions = {},
  ) {}

  get hasSynced(): boolean {
    return this.isSynced;
  }

  /** Handlers added after the first sync get an ADD for every cached object, as in client-go. */
  addEventHandler(h: EventHandlers): void {
    this.handlers.push(h);
    if (this.isSynced) for (const obj of this.cache.values()) h.onAdd?.(obj);
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string, selector?: Selector): KubeObject[] {
    const out: KubeObject[] = [];
    for (const obj of this.cache.values()) {
      if (namespace && obj.metadata.namespace !== namespace) continue;
      if (selector && !selector.matches(obj.metadata.labels)) continue;
      out.push(obj);
    }
    return out;
  }

  get size(): number {
    return this.cache.size;
  }

  private emitAdd(obj: KubeObject) {
    for (const h of this.handlers) h.onAdd?.(obj);
  }
  private emitUpdate(old: KubeObject, obj: KubeObject) {
    for (const h of this.handlers) h.onUpdate?.(old, obj);
  }
  private emitDelete(obj: KubeObject) {
    for (const h of this.handlers) h.onDelete?.(obj);
  }

  private async relist(): Promise<void> {
    const listed = await this.client.list(this.ref, this.options.namespace ?? '', {
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
    });
    const seen = new Set<string>();
    for (const obj of listed.items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.cache.get(key);
      this.cache.set(key, obj);
      if (!old) this.emitAdd(obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emitUpdate(old, obj);
    }
    for (const [key, old] of this.cache) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        this.emitDelete(old);
      }
    }
    this.lastResourceVersion = listed.resourceVersion;
    if (!this.isSynced) {
      this.isSynced = true;
      this.syncedResolve();
    }
  }

  /** Runs until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.started) return;
    this.started = true;
    let needList = true;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        for await (const e of this.client.watch(this.ref, this.options.namespace ?? '', {
          resourceVersion: this.lastResourceVersion,
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
          allowBookmarks: true,
          signal,
        })) {
          failures = 0;
          if (e.type === 'BOOKMARK') {
            this.lastResourceVersion = e.resourceVersion;
            continue;
          }
          if (e.type === 'ERROR') {
            if (e.status.code === 410) needList = true;
            break;
          }
          const key = objectKey(e.object);
          this.lastResourceVersion = e.object.metadata.resourceVersion ?? this.lastResourceVersion;
          const old = this.cache.get(key);
          if (e.type === 'DELETED') {
            this.cache.delete(key);
            this.emitDelete(e.object);
          } else {
            this.cache.set(key, e.object);
            if (old) this.emitUpdate(old, e.object);
            else this.emitAdd(e.object);
          }
        }
      } catch (e) {
        if (signal.aborted) break;
        failures++;
        this.options.log?.(`informer ${this.ref.plural}: ${(e as Error).message}`);
        if ((e as { code?: number }).code === 410) needList = true;
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** failures, 5000)));
      }
    }
  }
}

/** One informer per resource (and namespace/selector), shared by every controller. */
export class InformerFactory {
  private informers = new Map<string, Informer>();
  private signal: AbortSignal | undefined;

  constructor(
    private readonly client: Client,
    private readonly log?: (msg: string) => void,
  ) {}

  informerFor(ref: ResourceRef, options: Omit<InformerOptions, 'log'> = {}): Informer {
    const key = `${ref.group}/${ref.version}/${ref.plural}|${options.namespace ?? ''}|${options.labelSelector ?? ''}|${options.fieldSelector ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, ref, { ...options, log: this.log });
      this.informers.set(key, inf);
      if (this.signal) void inf.run(this.signal);
    }
    return inf;
  }

  /** Starts every informer made so far and any made later. */
  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const inf of this.informers.values()) void inf.run(signal);
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.synced));
  }
}
