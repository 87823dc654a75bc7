// The client controllers, the scheduler and node agents use: the Kubernetes verbs over one
// resource at a time. Two implementations: in-process (straight into the registry, for the
// control plane's own loops) and REST (over HTTPS, for node agents and tests).

import type { KubeObject } from '../api/object.js';

/** Which resource: group, version, plural, and whether it lives in namespaces. */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface ListResult<T = KubeObject> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks?: boolean;
  timeoutSeconds?: number;
  signal: AbortSignal;
}

export type ClientWatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }
  | { type: 'BOOKMARK'; resourceVersion: string }
  | { type: 'ERROR'; status: { code?: number; reason?: string; message?: string } };

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** '' (the object), 'status', 'scale', 'finalize', ... */
  subresource?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface Client {
  get(r: ResourceRef, namespace: string, name: string, subresource?: string): Promise<KubeObject | undefined>;
  list(r: ResourceRef, namespace: string, options?: ListOptions): Promise<ListResult>;
  watch(r: ResourceRef, namespace: string, options: WatchOptions): AsyncIterable<ClientWatchEvent>;
  create(r: ResourceRef, namespace: string, obj: KubeObject, options?: WriteOptions): Promise<KubeObject>;
  update(r: ResourceRef, namespace: string, obj: KubeObject, options?: WriteOptions): Promise<KubeObject>;
  patch(r: ResourceRef, namespace: string, name: string, type: PatchType, patch: unknown, options?: WriteOptions & { force?: boolean }): Promise<KubeObject>;
  /** Returns the object if it still exists (finalizers, grace period), undefined if gone. */
  delete(r: ResourceRef, namespace: string, name: string, options?: DeleteOptions): Promise<KubeObject | undefined>;
  /** POST to a subresource of a named object (binding, eviction, token). */
  createSubresource(r: ResourceRef, namespace: string, name: string, subresource: string, body: KubeObject): Promise<KubeObject>;
}
