// The namespace controller: a namespace being deleted (Terminating) has everything in it
// deleted, shows what remains in its status conditions, and is finalized — removed — only
// when it is empty.

import type { KubeObject } from '../api/object.js';
import { rfc3339 } from '../machinery/clock.js';
import type { ResourceRef } from '../client/interface.js';
import { R } from '../client/resources.js';
import { controllerFor, type ControllerContext, type Controller, type Reconciler, type Result } from './controller.js';

export interface NamespaceControllerDeps extends ControllerContext {
  /** Every namespaced resource that can be listed and deleted (custom resources included). */
  namespacedResources(): ResourceRef[];
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export class NamespaceReconciler implements Reconciler {
  constructor(private readonly deps: NamespaceControllerDeps) {}

  private get namespaces() {
    return this.deps.informers.informerFor(R.namespaces);
  }

  async reconcile(name: string): Promise<Result | void> {
    const ns = this.namespaces.get('', name);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    const { client } = this.deps;
    const remaining: { resource: string; count: number }[] = [];
    const finalizersRemaining = new Map<string, number>();
    let failure = '';
    for (const ref of this.deps.namespacedResources()) {
      let items: KubeObject[];
      try {
        items = (await client.list(ref, name)).items;
      } catch (e) {
        failure = `${ref.plural}: ${(e as Error).message}`;
        continue;
      }
      if (items.length === 0) continue;
      remaining.push({ resource: ref.group ? `${ref.plural}.${ref.group}` : ref.plural, count: items.length });
      for (const item of items) {
        for (const f of item.metadata.finalizers ?? []) finalizersRemaining.set(f, (finalizersRemaining.get(f) ?? 0) + 1);
        if (item.metadata.deletionTimestamp) continue;
        try {
          await client.delete(ref, name, item.metadata.name!, { propagationPolicy: 'Background' });
        } catch (e) {
          if ((e as { code?: number }).code !== 404) failure = `${ref.plural}: ${(e as Error).message}`;
        }
      }
    }
    await this.updateConditions(ns, remaining, finalizersRemaining, failure);
    if (remaining.length > 0 || failure) return { requeueAfter: 1000 };
    const spec = (ns.spec ?? {}) as { finalizers?: string[] };
    const finalizers = (spec.finalizers ?? []).filter((f) => f !== 'kubernetes');
    await client.update(R.namespaces, '', { ...ns, spec: { ...spec, finalizers } }, { subresource: 'finalize' });
  }

  private async updateConditions(ns: KubeObject, remaining: { resource: string; count: number }[], finalizers: Map<string, number>, failure: string): Promise<void> {
    const now = rfc3339(this.deps.clock.now());
    const status = (ns.status ?? {}) as { phase?: string; conditions?: Condition[] };
    const old = new Map((status.conditions ?? []).map((c) => [c.type, c]));
    const cond = (type: string, on: boolean, reason: string, message: string): Condition => {
      const prev = old.get(type);
      const s = on ? 'True' : 'False';
      return { type, status: s, lastTransitionTime: prev && prev.status === s ? prev.lastTransitionTime : now, reason, message };
    };
    const conditions = [
      cond('NamespaceDeletionDiscoveryFailure', false, 'ResourcesDiscovered', 'All resources successfully discovered'),
      cond('NamespaceDeletionGroupVersionParsingFailure', false, 'ParsedGroupVersions', 'All legacy kube types successfully parsed'),
      cond('NamespaceDeletionContentFailure', !!failure, failure ? 'ContentDeletionFailed' : 'ContentDeleted', failure ? `Failed to delete all resource types, 1 remaining: ${failure}` : 'All content successfully deleted, may be waiting on finalization'),
      cond(
        'NamespaceContentRemaining',
        remaining.length > 0,
        remaining.length ? 'SomeResourcesRemain' : 'ContentRemoved',
        remaining.length ? `Some resources are remaining: ${remaining.map((r) => `${r.resource} has ${r.count} resource instances`).join(', ')}` : 'All content successfully removed',
      ),
      cond(
        'NamespaceFinalizersRemaining',
        finalizers.size > 0,
        finalizers.size ? 'SomeFinalizersRemain' : 'ContentHasNoFinalizers',
        finalizers.size ? `Some content in the namespace has finalizers remaining: ${[...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}` : 'All content-preserving finalizers finished',
      ),
    ];
    if (JSON.stringify(conditions) === JSON.stringify(status.conditions)) return;
    try {
      await this.deps.client.update(R.namespaces, '', { ...ns, status: { ...status, phase: 'Terminating', conditions } }, { subresource: 'status' });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }
}

export function namespaceController(deps: NamespaceControllerDeps): Controller {
  return controllerFor(deps, R.namespaces).named('namespace-controller').complete(new NamespaceReconciler(deps));
}
