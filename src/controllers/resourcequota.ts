// The resource quota controller: keeps every ResourceQuota's status current — status.hard
// mirrors spec.hard, status.used is the usage of what the namespace holds now. Admission charges
// new objects to status.used as they are created; this controller recounts when a quota's
// limits change, when something is deleted or stops using resources (a pod finishing, a
// Service changing type), and on a periodic full resync. Creations do not trigger a recount:
// counting from a cache that has not seen them yet would undo admission's charges.

import type { KubeObject } from '../api/object.js';
import { objectKey, splitKey } from '../api/object.js';
import type { ResourceRef } from '../client/interface.js';
import type { Informer } from '../client/informer.js';
import { R } from '../client/resources.js';
import { evaluatorsForResources, evaluatorFor, podCountsForQuota, quotaServiceType, type QuotaEvaluator } from '../apiserver/admission/quota/evaluators.js';
import { scopeRequirementsOf } from '../apiserver/admission/quota/scopes.js';
import { addLists, formatResourceList, listsEqual, maskList, parseResourceList, resourceNames, type ResourceList } from '../apiserver/admission/resources/resource-list.js';
import { zeroQuantity } from '../machinery/quantity.js';
import { Controller, type ControllerContext, type Reconciler, type Runnable } from './controller.js';

export interface ResourceQuotaControllerDeps extends ControllerContext {
  /** The ResourceRef of a resource by group and plural, for `count/<resource>.<group>` quotas. */
  resourceFor(group: string, plural: string): ResourceRef | undefined;
  /** How often every quota is recounted (kube-controller-manager's --resource-quota-sync-period: 5m). */
  resyncPeriodMs?: number;
  workers?: number;
}

/** What a quota's status should be: hard from spec, used recounted over the tracked resources. */
export function desiredQuotaStatus(quota: KubeObject, recounted: ResourceList): { hard: ResourceList; used: ResourceList } {
  const hard = parseResourceList((quota.spec as { hard?: unknown } | undefined)?.hard);
  const used = parseResourceList((quota.status as { used?: unknown } | undefined)?.used);
  for (const [k, v] of recounted) used.set(k, v);
  return { hard, used: maskList(used, hard.keys()) };
}

/**
 * Usage of the objects that fall in the quota's scopes, for the hard resources some evaluator
 * can count (CalculateUsage). Resources whose objects cannot be listed are left out.
 */
export async function calculateUsage(
  quota: KubeObject,
  hard: ResourceList,
  objectsOf: (e: QuotaEvaluator) => Promise<KubeObject[] | undefined>,
  now: number,
): Promise<ResourceList> {
  const hardNames = resourceNames(hard);
  const evaluators = evaluatorsForResources(hardNames);
  const matched = new Set(evaluators.flatMap((e) => e.matchingResources(hardNames)));
  const scopes = scopeRequirementsOf(quota);
  let usage: ResourceList = new Map();
  for (const e of evaluators) {
    const names = e.matchingResources([...matched]);
    if (names.length === 0) continue;
    const objects = await objectsOf(e);
    if (!objects) {
      for (const n of names) matched.delete(n);
      continue;
    }
    let stats: ResourceList = new Map(names.map((n) => [n, zeroQuantity]));
    for (const obj of objects) {
      if (scopes.every((s) => e.matchesScope(s, obj, 'stored'))) stats = addLists(stats, e.usage(obj, now));
    }
    usage = addLists(usage, stats);
  }
  return maskList(usage, matched);
}

export class ResourceQuotaReconciler implements Reconciler {
  constructor(
    private readonly deps: ResourceQuotaControllerDeps,
    private readonly objectsOf: (namespace: string, e: QuotaEvaluator) => Promise<KubeObject[] | undefined>,
  ) {}

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const quota = this.deps.informers.informerFor(R.resourcequotas).get(namespace, name);
    if (!quota) return;
    const status = (quota.status ?? {}) as { hard?: unknown; used?: unknown };
    const spec = (quota.spec ?? {}) as { hard?: unknown };
    const hard = parseResourceList(spec.hard);
    const recounted = await calculateUsage(quota, hard, (e) => this.objectsOf(namespace, e), this.deps.clock.now());
    const desired = desiredQuotaStatus(quota, recounted);
    const dirty =
      status.hard === undefined ||
      status.used === undefined ||
      !listsEqual(desired.hard, parseResourceList(status.hard)) ||
      !listsEqual(desired.used, parseResourceList(status.used));
    if (!dirty) return;
    await this.deps.client.update(
      R.resourcequotas,
      namespace,
      { ...quota, status: { hard: formatResourceList(desired.hard), used: formatResourceList(desired.used) } },
      { subresource: 'status' },
    );
  }
}

function sameHard(a: KubeObject, b: KubeObject): boolean {
  const hard = (q: KubeObject) => parseResourceList((q.spec as { hard?: unknown } | undefined)?.hard);
  return listsEqual(hard(a), hard(b));
}

export class ResourceQuotaController implements Runnable {
  readonly controller: Controller;
  private readonly monitored = new Map<string, Informer>();
  private readonly quotas: Informer;

  constructor(private readonly deps: ResourceQuotaControllerDeps) {
    this.controller = new Controller('resourcequota-controller', deps, new ResourceQuotaReconciler(deps, (ns, e) => this.objectsOf(ns, e)), deps.workers ?? 2);
    this.quotas = deps.informers.informerFor(R.resourcequotas);
    const enqueue = (q: KubeObject) => this.controller.enqueue(objectKey(q));
    this.quotas.addEventHandler({
      onAdd: enqueue,
      // Status writes (ours and admission's) do not call for a recount; a new spec.hard does.
      onUpdate: (old, cur) => {
        if (!sameHard(old, cur)) enqueue(cur);
      },
      onDelete: enqueue,
    });
    for (const ref of [R.pods, R.services, R.persistentvolumeclaims, R.configmaps, R.secrets, R.replicationcontrollers, R.resourcequotas]) this.monitor(ref);
  }

  /** Watches a resource so that deletions (and usage-releasing updates) recount its namespace's quotas. */
  private monitor(ref: ResourceRef): Informer {
    const key = `${ref.group}/${ref.plural}`;
    let inf = this.monitored.get(key);
    if (inf) return inf;
    inf = this.deps.informers.informerFor(ref);
    this.monitored.set(key, inf);
    const replenish = (obj: KubeObject) => this.replenish(ref.group, ref.plural, obj.metadata.namespace ?? '');
    inf.addEventHandler({
      onUpdate: (old, cur) => {
        if (releasesUsage(ref, old, cur, this.deps.clock.now())) replenish(cur);
      },
      onDelete: replenish,
    });
    return inf;
  }

  /** Enqueues the namespace's quotas that track this resource. */
  private replenish(group: string, plural: string, namespace: string): void {
    if (!namespace) return;
    const evaluator = evaluatorFor(group, plural);
    for (const q of this.quotas.list(namespace)) {
      const hard = resourceNames(parseResourceList((q.status as { hard?: unknown } | undefined)?.hard));
      if (evaluator.matchingResources(hard).length > 0) this.controller.enqueue(objectKey(q));
    }
  }

  private async objectsOf(namespace: string, e: QuotaEvaluator): Promise<KubeObject[] | undefined> {
    const ref = e.group === '' && ['pods', 'services', 'persistentvolumeclaims'].includes(e.plural) ? undefined : this.deps.resourceFor(e.group, e.plural);
    const known = this.monitored.get(`${e.group}/${e.plural}`);
    const inf = known ?? (ref ? this.monitor(ref) : undefined);
    if (!inf) {
      this.deps.log(`resourcequota-controller: cannot count ${e.plural}${e.group ? '.' + e.group : ''}: unknown resource`);
      return undefined;
    }
    await inf.synced;
    return inf.list(namespace);
  }

  private enqueueAll(): void {
    for (const q of this.quotas.list()) this.controller.enqueue(objectKey(q));
  }

  async start(signal: AbortSignal): Promise<void> {
    const period = this.deps.resyncPeriodMs ?? 5 * 60_000;
    let cancel = () => {};
    const schedule = () => {
      cancel = this.deps.clock.setTimeout(() => {
        if (signal.aborted) return;
        this.enqueueAll();
        schedule();
      }, period);
    };
    schedule();
    signal.addEventListener('abort', () => cancel(), { once: true });
    await this.controller.start(signal);
  }
}

/** An update that lowers usage: a pod finishing or passing its deletion grace, a Service changing type. */
export function releasesUsage(ref: ResourceRef, old: KubeObject, cur: KubeObject, now: number): boolean {
  if (ref.group !== '') return false;
  if (ref.plural === 'pods') return podCountsForQuota(old, now) && !podCountsForQuota(cur, now);
  if (ref.plural === 'services') return quotaServiceType(old) !== quotaServiceType(cur);
  return false;
}

export function resourceQuotaController(deps: ResourceQuotaControllerDeps): ResourceQuotaController {
  return new ResourceQuotaController(deps);
}
