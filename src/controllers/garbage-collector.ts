// The garbage collector: objects whose owners are all gone are deleted (background
// propagation); an owner deleted with propagationPolicy=Orphan has its dependents released
// (the `orphan` finalizer); one deleted in the foreground waits for its blocking dependents to go
// first (the `foregroundDeletion` finalizer). It watches every resource that can be deleted and
// keeps an index of owner uid → dependents.

import type { KubeObject, OwnerReference } from '../api/object.js';
import type { ResourceRef } from '../client/interface.js';
import type { Informer } from '../client/informer.js';
import { Controller, type ControllerContext, type Reconciler, type Result, type Runnable } from './controller.js';

export interface GarbageCollectorDeps extends ControllerContext {
  /** Every resource the collector watches (listable, watchable, deletable). */
  deletableResources(): ResourceRef[];
  /** The resource of an ownerReference's apiVersion and kind, if served. */
  resourceForKind(apiVersion: string, kind: string): ResourceRef | undefined;
}

interface NodeRef {
  ref: ResourceRef;
  namespace: string;
  name: string;
  uid: string;
}

function refKey(r: ResourceRef): string {
  return `${r.group}/${r.plural}`;
}

function nodeKey(n: NodeRef): string {
  return `${refKey(n.ref)}|${n.namespace}|${n.name}`;
}

const orphan = 'orphan';
const foreground = 'foregroundDeletion';

export class GarbageCollector implements Reconciler, Runnable {
  private informers = new Map<string, Informer>();
  /** owner uid → dependent node keys */
  private dependents = new Map<string, Set<string>>();
  /** uid → node, for every object seen */
  private byUid = new Map<string, NodeRef>();
  private controller: Controller;

  constructor(private readonly deps: GarbageCollectorDeps) {
    this.controller = new Controller('garbage-collector', deps, this, 4);
  }

  async start(signal: AbortSignal): Promise<void> {
    for (const ref of this.deps.deletableResources()) this.watch(ref);
    await this.controller.start(signal);
  }

  /** Starts watching a resource that appeared later (a new CRD). */
  watch(ref: ResourceRef): void {
    const k = refKey(ref);
    if (this.informers.has(k)) return;
    const inf = this.deps.informers.informerFor(ref);
    this.informers.set(k, inf);
    inf.addEventHandler({
      onAdd: (o) => this.observe(ref, undefined, o),
      onUpdate: (old, o) => this.observe(ref, old, o),
      onDelete: (o) => this.forget(ref, o),
    });
  }

  private node(ref: ResourceRef, obj: KubeObject): NodeRef {
    return { ref, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name!, uid: obj.metadata.uid! };
  }

  private observe(ref: ResourceRef, old: KubeObject | undefined, obj: KubeObject): void {
    const n = this.node(ref, obj);
    const key = nodeKey(n);
    this.byUid.set(n.uid, n);
    const before = new Set((old?.metadata.ownerReferences ?? []).map((r) => r.uid));
    const now = obj.metadata.ownerReferences ?? [];
    for (const uid of before) if (!now.some((r) => r.uid === uid)) this.unlink(uid, key);
    for (const r of now) {
      let set = this.dependents.get(r.uid);
      if (!set) this.dependents.set(r.uid, (set = new Set()));
      set.add(key);
    }
    if (now.length) this.controller.enqueue(`dep:${key}`);
    const finalizers = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && (finalizers.includes(orphan) || finalizers.includes(foreground))) {
      this.controller.enqueue(`owner:${key}`);
    }
  }

  private forget(ref: ResourceRef, obj: KubeObject): void {
    const n = this.node(ref, obj);
    const key = nodeKey(n);
    this.byUid.delete(n.uid);
    for (const r of obj.metadata.ownerReferences ?? []) {
      this.unlink(r.uid, key);
      // An owner waiting in the foreground may now be free to go.
      const owner = this.byUid.get(r.uid);
      if (owner) this.controller.enqueue(`owner:${nodeKey(owner)}`);
    }
    // Its dependents may have lost their last owner.
    const dependents = this.dependents.get(n.uid);
    for (const dep of dependents ?? []) this.controller.enqueue(`dep:${dep}`);
    if (dependents?.size === 0) this.dependents.delete(n.uid);
  }

  /** Drops `key` from the dependents of `ownerUid`, and the owner's entry once none are left. */
  private unlink(ownerUid: string, key: string): void {
    const set = this.dependents.get(ownerUid);
    if (!set) return;
    set.delete(key);
    if (set.size === 0) this.dependents.delete(ownerUid);
  }

  private parse(key: string): { ref: ResourceRef; namespace: string; name: string; obj: KubeObject | undefined } | undefined {
    const [refPart, namespace, name] = key.split('|');
    const inf = this.informers.get(refPart);
    if (!inf) return undefined;
    return { ref: inf.ref, namespace, name, obj: inf.get(namespace, name) };
  }

  async reconcile(key: string): Promise<Result | void> {
    if (key.startsWith('dep:')) return this.attemptToDelete(key.slice(4));
    if (key.startsWith('owner:')) return this.processDeletingOwner(key.slice(6));
  }

  /** The live state of an owner named by a reference: absent, present, or waiting on dependents. */
  private async ownerState(dependent: NodeRef, r: OwnerReference): Promise<'absent' | 'present' | 'waiting'> {
    const ref = this.deps.resourceForKind(r.apiVersion, r.kind);
    if (!ref) return 'absent';
    const namespace = ref.namespaced ? dependent.namespace : '';
    const cached = this.informers.get(refKey(ref))?.get(namespace, r.name);
    // The cache may lag; an owner that looks absent is confirmed with a live read.
    const live = cached && cached.metadata.uid === r.uid ? cached : await this.deps.client.get(ref, namespace, r.name);
    if (!live || live.metadata.uid !== r.uid) return 'absent';
    if (live.metadata.deletionTimestamp && (live.metadata.finalizers ?? []).includes(foreground)) return 'waiting';
    return 'present';
  }

  private async attemptToDelete(key: string): Promise<Result | void> {
    const item = this.parse(key);
    const obj = item?.obj;
    if (!item || !obj || obj.metadata.deletionTimestamp) return;
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const n = this.node(item.ref, obj);
    const states = await Promise.all(refs.map(async (r) => ({ r, state: await this.ownerState(n, r) })));
    const present = states.filter((s) => s.state === 'present');
    const absent = states.filter((s) => s.state === 'absent');
    const waiting = states.filter((s) => s.state === 'waiting');
    if (present.length > 0) {
      if (absent.length === 0) return;
      // Some owners are gone: drop the dangling references, keep the object.
      const kept = refs.filter((r) => !absent.some((a) => a.r.uid === r.uid));
      await this.deps.client.patch(item.ref, item.namespace, item.name, 'merge', {
        metadata: { ownerReferences: kept, resourceVersion: obj.metadata.resourceVersion },
      });
      return;
    }
    // No owner remains: the object goes. Under a foreground-deleting owner it goes in the
    // foreground too, so its own dependents are removed before it.
    const policy = waiting.length > 0 && (this.dependents.get(n.uid)?.size ?? 0) > 0 ? 'Foreground' : 'Background';
    try {
      await this.deps.client.delete(item.ref, item.namespace, item.name, { propagationPolicy: policy, preconditions: { uid: n.uid } });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }

  private async processDeletingOwner(key: string): Promise<Result | void> {
    const item = this.parse(key);
    const obj = item?.obj;
    if (!item || !obj || !obj.metadata.deletionTimestamp) return;
    const finalizers = obj.metadata.finalizers ?? [];
    const uid = obj.metadata.uid!;
    const deps = [...(this.dependents.get(uid) ?? [])].map((k) => this.parse(k)).filter((d) => d?.obj) as { ref: ResourceRef; namespace: string; name: string; obj: KubeObject }[];
    if (finalizers.includes(orphan)) {
      for (const d of deps) {
        const kept = (d.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        await this.deps.client.patch(d.ref, d.namespace, d.name, 'merge', {
          metadata: { ownerReferences: kept.length ? kept : null, resourceVersion: d.obj.metadata.resourceVersion },
        });
      }
      await this.removeFinalizer(item.ref, item.namespace, obj, orphan);
      return;
    }
    if (finalizers.includes(foreground)) {
      let blocking = 0;
      for (const d of deps) {
        const ref = (d.obj.metadata.ownerReferences ?? []).find((r) => r.uid === uid);
        if (ref?.blockOwnerDeletion) blocking++;
        if (!d.obj.metadata.deletionTimestamp) {
          const others = (d.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          if (others.length > 0) {
            // Still owned by someone else: only the reference to this owner goes.
            await this.deps.client.patch(d.ref, d.namespace, d.name, 'merge', {
              metadata: { ownerReferences: others, resourceVersion: d.obj.metadata.resourceVersion },
            });
            if (ref?.blockOwnerDeletion) blocking--;
            continue;
          }
          const grandchildren = this.dependents.get(d.obj.metadata.uid!)?.size ?? 0;
          try {
            await this.deps.client.delete(d.ref, d.namespace, d.name, { propagationPolicy: grandchildren > 0 ? 'Foreground' : 'Background', preconditions: { uid: d.obj.metadata.uid } });
          } catch (e) {
            if ((e as { code?: number }).code !== 404) throw e;
          }
        }
      }
      if (blocking > 0) return { requeueAfter: 1000 };
      await this.removeFinalizer(item.ref, item.namespace, obj, foreground);
    }
  }

  private async removeFinalizer(ref: ResourceRef, namespace: string, obj: KubeObject, finalizer: string): Promise<void> {
    const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await this.deps.client.patch(ref, namespace, obj.metadata.name!, 'merge', {
        metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: obj.metadata.resourceVersion },
      });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }
}
