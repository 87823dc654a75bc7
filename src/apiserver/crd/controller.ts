// The CustomResourceDefinition controller of the API server (what the apiextensions-apiserver's
// naming, establishing, finalizing and serving controllers do together): it reserves names,
// sets NamesAccepted and Established, registers each established CRD's resource in the scheme
// (with its schemas, validation, defaulting, printers and codec in the registry), and when a
// CRD is being deleted, deletes every instance before removing the cleanup finalizer. It loads
// the stored CRDs before the server reports ready, then follows changes through a watch.

import type { KubeObject } from '../../api/object.js';
import type { ResourceType } from '../../api/scheme.js';
import { semanticEqual } from '../../api/validation/shape.js';
import { rfc3339, type Clock } from '../../machinery/clock.js';
import { StatusError, Reason } from '../../machinery/errors.js';
import { FieldSelector } from '../../machinery/fields.js';
import { Selector } from '../../machinery/labels.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Runnable } from '../../controllers/controller.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceStore, WriteContext } from '../registry/store.js';
import { CustomResourceCleanupFinalizer, Definition, type Condition } from './definition.js';
import {
  acceptedNamesJson,
  calculateNames,
  conditionJson,
  ConditionType,
  equivalentCondition,
  establishedCondition,
  namesNeedReconcile,
  setCondition,
  type NewCondition,
} from './names.js';
import { ServedResources } from './serving.js';

export interface CustomResourceDefinitionControllerOptions {
  log?: (msg: string) => void;
  /** How long instance deletion may wait for instances' own finalizers (upstream: one minute). */
  instanceDeletionTimeoutMs?: number;
}

const everything = { labelSelector: Selector.everything(), fieldSelector: new FieldSelector([]) };

/** The outcome of one reconcile: done, or look again after a while. */
interface SyncResult {
  requeueAfterMs?: number;
}

export class CustomResourceDefinitionController implements Runnable {
  private readonly served: ServedResources;
  private readonly queue: WorkQueue;
  private readonly clock: Clock;
  private readonly log: (msg: string) => void;
  private readonly timeoutMs: number;
  private revision = '0';
  private loaded = false;

  constructor(
    private readonly registry: Registry,
    options: CustomResourceDefinitionControllerOptions = {},
  ) {
    this.clock = registry.options.clock;
    this.log = options.log ?? registry.options.log;
    this.timeoutMs = options.instanceDeletionTimeoutMs ?? 60_000;
    this.queue = new WorkQueue(this.clock, { baseMs: 5, maxMs: 30_000 });
    this.served = new ServedResources(registry);
  }

  private get crds(): ResourceStore {
    return this.registry.store('apiextensions.k8s.io', 'customresourcedefinitions');
  }

  private writeContext(): WriteContext {
    return {
      user: { name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] },
      dryRun: false,
      fieldManager: 'kube-apiserver',
      apiVersion: 'apiextensions.k8s.io/v1',
      warnings: [],
    };
  }

  /** The resource currently served for a CRD (tests, diagnostics). */
  servedResource(crdName: string): ResourceType | undefined {
    return this.served.get(crdName);
  }

  /**
   * Registers every stored CRD (settling names and conditions first). Call before the server
   * reports ready, so that custom resources are served from the first request.
   */
  async load(): Promise<void> {
    const listed = await this.crds.list('', everything);
    this.revision = listed.resourceVersion;
    for (const obj of listed.items) {
      const name = obj.metadata.name!;
      try {
        await this.sync(name, false);
      } catch (e) {
        this.log(`customresourcedefinitions: loading ${name}: ${(e as Error).message}`);
      }
      // Deletions in progress, and anything that failed, are finished by the running controller.
      this.queue.add(name);
    }
    this.loaded = true;
  }

  /** Follows CRD changes until the signal aborts. */
  async start(signal: AbortSignal): Promise<void> {
    if (!this.loaded) await this.load();
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true });
    await Promise.all([this.watch(signal), this.work(signal)]);
  }

  private async watch(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const events = this.crds.watch('', { ...everything, resourceVersion: this.revision, allowBookmarks: true, signal });
        for await (const e of events) {
          if (e.type === 'BOOKMARK') {
            this.revision = e.resourceVersion;
          } else if (e.type === 'ERROR') {
            // Too old a revision: list again and carry on from there.
            await this.relist();
            break;
          } else {
            this.revision = e.object.metadata.resourceVersion ?? this.revision;
            this.queue.add(e.object.metadata.name!);
          }
        }
      } catch (e) {
        if (signal.aborted) return;
        this.log(`customresourcedefinitions: watch failed: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private async relist(): Promise<void> {
    const listed = await this.crds.list('', everything);
    this.revision = listed.resourceVersion;
    const names = new Set(listed.items.map((o) => o.metadata.name!));
    for (const n of names) this.queue.add(n);
    for (const n of this.served.names()) if (!names.has(n)) this.queue.add(n);
  }

  private async work(signal: AbortSignal): Promise<void> {
    // One worker: name reservation must see its own writes before the next CRD is considered.
    for (;;) {
      const name = await this.queue.get();
      if (name === undefined) return;
      try {
        const result = await this.sync(name, true);
        this.queue.forget(name);
        if (result.requeueAfterMs !== undefined) this.queue.addAfter(name, result.requeueAfterMs);
      } catch (e) {
        if (signal.aborted) {
          this.queue.done(name);
          return;
        }
        if (!(e instanceof StatusError && (e.reason === Reason.Conflict || e.code === 404))) {
          this.log(`customresourcedefinitions: ${name}: ${(e as Error).message}`);
        }
        this.queue.addRateLimited(name);
      } finally {
        this.queue.done(name);
      }
    }
  }

  /** Reconciles one CRD by name; `finalize` allows the (slow) deletion of instances. */
  async sync(name: string, finalize = true): Promise<SyncResult> {
    const obj = await this.crds.tryGet('', name);
    if (!obj) {
      await this.forget(name);
      return {};
    }
    let crd = new Definition(obj);
    if (crd.deleting) {
      if (!finalize || !crd.finalizers.includes(CustomResourceCleanupFinalizer)) {
        this.served.serve(crd);
        return {};
      }
      return this.finalize(crd);
    }
    crd = await this.settleNames(crd);
    this.served.serve(crd);
    return {};
  }

  private async allDefinitions(): Promise<Definition[]> {
    return (await this.crds.list('', everything)).items.map((o) => new Definition(o));
  }

  private now(): string {
    return rfc3339(this.clock.now());
  }

  private async writeStatus(crd: Definition, status: Record<string, unknown>): Promise<Definition> {
    const next: KubeObject = { ...crd.object, status: { ...crd.rawStatus, ...status } };
    const result = await this.crds.update('', crd.name, next, this.writeContext(), 'status');
    return new Definition(result.object);
  }

  /** The naming and establishing controllers, in one status write. */
  private async settleNames(crd: Definition): Promise<Definition> {
    let conditions: Condition[] = crd.conditions;
    let acceptedNames = crd.acceptedNames;
    let changed = false;
    if (namesNeedReconcile(crd)) {
      const all = await this.allDefinitions();
      const outcome = calculateNames(
        crd,
        all.filter((c) => c.group === crd.group),
      );
      if (!semanticEqual(outcome.acceptedNames, crd.acceptedNames) || !equivalentCondition(outcome.namesAccepted, crd.condition(ConditionType.NamesAccepted))) {
        acceptedNames = outcome.acceptedNames;
        conditions = setCondition(conditions, outcome.namesAccepted, this.now());
        conditions = setCondition(conditions, outcome.established, this.now());
        changed = true;
      }
    }
    const namesAccepted = conditions.find((c) => c.type === ConditionType.NamesAccepted)?.status === 'True';
    const established = conditions.find((c) => c.type === ConditionType.Established)?.status === 'True';
    if (namesAccepted && !established) {
      conditions = setCondition(conditions, establishedCondition, this.now());
      changed = true;
    }
    if (!changed) return crd;
    const updated = await this.writeStatus(crd, { acceptedNames: acceptedNamesJson(acceptedNames), conditions: conditions.map(conditionJson) });
    // Names we gave up may now be free for another CRD of the group.
    for (const other of await this.allDefinitions()) {
      if (other.group === crd.group && other.name !== crd.name && namesNeedReconcile(other)) this.queue.add(other.name);
    }
    return updated;
  }

  /** The CRD is gone: stop serving it (and remove instances a finalizer-less delete left behind). */
  private async forget(name: string): Promise<void> {
    const resource = this.served.unserve(name);
    if (!resource) return;
    const listed = await this.registry.options.storage.list(resource.storagePrefix + '/');
    for (const item of listed.items) {
      try {
        await this.registry.options.storage.delete(item.key, item.revision);
      } catch {
        // changed meanwhile: the next relist finds it
      }
    }
    for (const other of await this.allDefinitions()) {
      if (other.group === resource.group && namesNeedReconcile(other)) this.queue.add(other.name);
    }
  }

  /** The finalizing controller: delete every instance, then let the CRD go. */
  private async finalize(crd: Definition): Promise<SyncResult> {
    const inProgress: NewCondition = { type: ConditionType.Terminating, status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' };
    if (!equivalentCondition(crd.condition(ConditionType.Terminating), inProgress) && !this.isInstanceCheck(crd)) {
      crd = await this.writeStatus(crd, { conditions: setCondition(crd.conditions, inProgress, this.now()).map(conditionJson) });
    }
    this.served.serve(crd);
    let outcome: NewCondition;
    const served = this.served.get(crd.name);
    if (crd.isTrue(ConditionType.Established) && served) {
      const store = this.registry.storeFor(served);
      const listed = await store.list('', everything);
      const namespaces = new Set(listed.items.map((o) => o.metadata.namespace ?? ''));
      for (const ns of namespaces) {
        try {
          await store.deleteCollection(ns, everything, {}, this.writeContext());
        } catch (e) {
          const message = `could not issue all deletes: ${(e as Error).message}`;
          await this.writeStatus(crd, { conditions: setCondition(crd.conditions, { type: ConditionType.Terminating, status: 'True', reason: 'InstanceDeletionFailed', message }, this.now()).map(conditionJson) });
          throw e;
        }
      }
      const remaining = (await store.list('', everything)).items.length;
      if (remaining > 0) {
        const started = Date.parse(crd.object.metadata.deletionTimestamp ?? '') || this.clock.now();
        if (this.clock.now() - started < this.timeoutMs) return { requeueAfterMs: 500 };
        const check: NewCondition = {
          type: ConditionType.Terminating,
          status: 'True',
          reason: 'InstanceDeletionCheck',
          message: 'could not confirm zero CustomResources remaining: timed out waiting for the condition',
        };
        if (!equivalentCondition(crd.condition(ConditionType.Terminating), check)) {
          await this.writeStatus(crd, { conditions: setCondition(crd.conditions, check, this.now()).map(conditionJson) });
        }
        return { requeueAfterMs: 5_000 };
      }
      outcome = { type: ConditionType.Terminating, status: 'False', reason: 'InstanceDeletionCompleted', message: 'removed all instances' };
    } else {
      outcome = { type: ConditionType.Terminating, status: 'False', reason: 'NeverEstablished', message: 'resource was never established' };
    }
    crd = await this.writeStatus(crd, { conditions: setCondition(crd.conditions, outcome, this.now()).map(conditionJson) });
    const finalizers = crd.finalizers.filter((f) => f !== CustomResourceCleanupFinalizer);
    const next: KubeObject = { ...crd.object, metadata: { ...crd.object.metadata, finalizers } };
    if (finalizers.length === 0) delete next.metadata.finalizers;
    await this.crds.update('', crd.name, next, this.writeContext());
    // With no finalizer left the update removed the CRD; stop serving it now.
    if (!(await this.crds.tryGet('', crd.name))) await this.forget(crd.name);
    return {};
  }

  private isInstanceCheck(crd: Definition): boolean {
    const c = crd.condition(ConditionType.Terminating);
    return c?.status === 'True' && c.reason === 'InstanceDeletionCheck';
  }
}

/**
 * Creates the CRD controller and registers every stored CRD's resource. Await it before the
 * API server reports ready; then run the returned controller (a Runnable) to follow changes.
 */
export async function loadCustomResources(registry: Registry, options: CustomResourceDefinitionControllerOptions = {}): Promise<CustomResourceDefinitionController> {
  const controller = new CustomResourceDefinitionController(registry, options);
  await controller.load();
  return controller;
}
