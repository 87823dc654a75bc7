// The StatefulSet controller (pkg/controller/statefulset): pods `web-0..N-1` with stable names,
// hostnames and claims `www-web-N`, created in order and removed in reverse (OrderedReady) or
// all at once (Parallel), rolled to new templates from the highest ordinal down to the
// partition, with ControllerRevisions `web-<hash>` recording every template for
// `kubectl rollout history|undo|status statefulset/web`.
//
//   statefulSetController(ctx)   // controllerFor(StatefulSet).owns(Pod), orphans offered to matching sets

import type { KubeObject } from '../../api/object.js';
import { controllerOf, objectKey, splitKey } from '../../api/object.js';
import { selectorFromLabelSelector, type Selector } from '../../machinery/labels.js';
import { R } from '../../client/resources.js';
import { controllerFor, type Controller, type ControllerContext, type Reconciler, type Result } from '../controller.js';
import { ClientEventRecorder, type EventRecorder } from '../events.js';
import { claimObjects, History, recheckNotDeleted } from '../history.js';
import { isPodReady, podReadyCondition } from '../replicaset.js';
import { StatefulSetControl } from './control.js';
import { StatefulPodControl, WriteOverlay } from './pod-control.js';
import { isMemberOf, statefulSetKind, type Pod, type StatefulSet } from './utils.js';

export { StatefulSetControl } from './control.js';
export { StatefulPodControl, WriteOverlay } from './pod-control.js';
export * from './utils.js';

export interface StatefulSetControllerOptions {
  /** Defaults to a recorder whose events come from `statefulset-controller`, as upstream's. */
  recorder?: EventRecorder;
  /** ConcurrentStatefulSetSyncs (default 5). */
  workers?: number;
  /** The MaxUnavailableStatefulSet feature gate: alpha in 1.32, so off unless asked for. */
  maxUnavailableStatefulSet?: boolean;
}

export class StatefulSetReconciler implements Reconciler {
  readonly control: StatefulSetControl;
  readonly podControl: StatefulPodControl;
  private readonly history: History;

  constructor(
    private readonly ctx: ControllerContext,
    options: StatefulSetControllerOptions = {},
  ) {
    const recorder = options.recorder ?? new ClientEventRecorder(ctx.client, 'statefulset-controller', ctx.clock, ctx.log);
    const pods = new WriteOverlay(ctx.clock);
    const claims = new WriteOverlay(ctx.clock);
    this.podControl = new StatefulPodControl(ctx.client, recorder, this.claims, pods, claims);
    this.history = new History(ctx.client, this.revisions);
    this.control = new StatefulSetControl({
      client: ctx.client,
      clock: ctx.clock,
      recorder,
      podControl: this.podControl,
      history: this.history,
      maxUnavailableStatefulSet: options.maxUnavailableStatefulSet ?? false,
    });
    // Our own writes stay visible until the informers catch up with them.
    const follow = (overlay: WriteOverlay) => ({
      onAdd: (o: KubeObject) => overlay.observed(o),
      onUpdate: (_: KubeObject, o: KubeObject) => overlay.observed(o),
      onDelete: (o: KubeObject) => overlay.observedDelete(o),
    });
    this.pods.addEventHandler(follow(pods));
    this.claims.addEventHandler(follow(claims));
  }

  private get sets() {
    return this.ctx.informers.informerFor(R.statefulsets);
  }
  private get pods() {
    return this.ctx.informers.informerFor(R.pods);
  }
  private get claims() {
    return this.ctx.informers.informerFor(R.persistentvolumeclaims);
  }
  private get revisions() {
    return this.ctx.informers.informerFor(R.controllerrevisions);
  }

  /** Keys of the sets an orphan pod might belong to (its labels match their selector). */
  setsForOrphan(pod: KubeObject): string[] {
    if (controllerOf(pod)) return [];
    const keys: string[] = [];
    for (const set of this.sets.list(pod.metadata.namespace)) {
      let selector: Selector;
      try {
        selector = selectorFromLabelSelector((set as StatefulSet).spec?.selector);
      } catch {
        continue;
      }
      if (!selector.isEmpty() && selector.matches(pod.metadata.labels)) keys.push(objectKey(set));
    }
    return keys;
  }

  async reconcile(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const set = this.sets.get(namespace, name) as StatefulSet | undefined;
    if (!set) return;
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(set.spec?.selector);
    } catch (e) {
      // Not transient: nothing to retry until the set changes.
      this.ctx.log(`statefulset-controller: ${key}: error converting selector: ${(e as Error).message}`);
      return;
    }
    await this.adoptOrphanRevisions(set);
    const pods = await this.podsForStatefulSet(set, selector);
    const status = await this.control.updateStatefulSet(set, pods);

    // Pods that are ready become available minReadySeconds later: look again then.
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status && status.availableReplicas !== (set.spec.replicas ?? 1)) {
      const now = this.ctx.clock.now();
      let next: number | undefined;
      for (const pod of pods) {
        if (!isPodReady(pod)) continue;
        const since = Date.parse(podReadyCondition(pod)?.lastTransitionTime ?? '');
        const at = Number.isNaN(since) ? undefined : since + minReady * 1000;
        if (at !== undefined && at >= now && (next === undefined || at < next)) next = at;
      }
      return { requeueAfter: next !== undefined ? next - now + 1000 : minReady * 1000 };
    }
  }

  /** adoptOrphanRevisions: revisions matching the selector that no controller owns become the set's. */
  private async adoptOrphanRevisions(set: StatefulSet): Promise<void> {
    const orphans = this.control.listRevisions(set).filter((r) => !controllerOf(r));
    if (orphans.length === 0) return;
    try {
      await recheckNotDeleted(this.ctx.client, R.statefulsets, set)();
    } catch (e) {
      throw new Error(`can't adopt ControllerRevisions: ${(e as Error).message}`);
    }
    for (const r of orphans) await this.history.adopt(set, statefulSetKind, r);
  }

  /**
   * getPodsForStatefulSet: the set's pods and the orphans in its namespace; orphans named
   * `<set>-<ordinal>` that match are adopted, owned pods that stopped matching released.
   */
  private async podsForStatefulSet(set: StatefulSet, selector: Selector): Promise<Pod[]> {
    const candidates = this.podControl.pods.list(this.pods.list(set.metadata.namespace), set.metadata.namespace).filter((p) => {
      const ref = controllerOf(p);
      return !ref || ref.uid === set.metadata.uid;
    });
    return (await claimObjects(candidates, {
      client: this.ctx.client,
      ref: R.pods,
      parent: set,
      parentKind: statefulSetKind,
      selector,
      filter: (pod) => isMemberOf(set, pod),
      canAdopt: recheckNotDeleted(this.ctx.client, R.statefulsets, set),
    })) as Pod[];
  }
}

/** `controllerFor(StatefulSet).owns(Pod)`, with orphan pods offered to the sets that select them. */
export function statefulSetController(ctx: ControllerContext, options: StatefulSetControllerOptions = {}): Controller {
  const reconciler = new StatefulSetReconciler(ctx, options);
  return controllerFor(ctx, R.statefulsets)
    .owns(R.pods)
    .watches(R.pods, (pod) => reconciler.setsForOrphan(pod))
    .named('statefulset-controller')
    .withWorkers(options.workers ?? 5)
    .complete(reconciler);
}
