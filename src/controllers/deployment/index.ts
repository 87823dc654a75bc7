// The Deployment controller (pkg/controller/deployment): a Deployment owns ReplicaSets named
// `<deployment>-<pod-template-hash>`, one per pod template it has had; its sync adopts and
// releases ReplicaSets, then pauses, rolls back, scales, or rolls out (RollingUpdate or
// Recreate), and reports status and the Available and Progressing conditions.
//
//   deploymentController(ctx)   // controllerFor(Deployment).owns(ReplicaSet), plus pod deletions

import type { KubeObject } from '../../api/object.js';
import { controllerOf, deepCopy, objectKey, splitKey } from '../../api/object.js';
import { selectorFromLabelSelector, type Selector } from '../../machinery/labels.js';
import { R } from '../../client/resources.js';
import { controllerFor, type Controller, type ControllerContext, type Reconciler, type Result } from '../controller.js';
import { ClientEventRecorder, type EventRecorder } from '../events.js';
import { releasePatch } from '../replicaset.js';
import { rolloutRecreate, type PodMap } from './recreate.js';
import { rollback, getRollbackTo } from './rollback.js';
import { rolloutRolling } from './rolling.js';
import { checkPausedConditions, isScalingEvent, sync, syncStatusOnly, updateDeploymentStatus, type DeploymentDeps, type Sync } from './sync.js';
import type { Deployment, ReplicaSet } from './util.js';

export { computeHash } from './hash.js';

export interface DeploymentControllerOptions {
  /** Defaults to a recorder whose events come from `deployment-controller`, as upstream's. */
  recorder?: EventRecorder;
  workers?: number;
}

function errorCode(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

export class DeploymentReconciler implements Reconciler {
  private readonly deps: DeploymentDeps;

  constructor(
    private readonly ctx: ControllerContext,
    recorder?: EventRecorder,
  ) {
    this.deps = {
      client: ctx.client,
      clock: ctx.clock,
      log: ctx.log,
      recorder: recorder ?? new ClientEventRecorder(ctx.client, 'deployment-controller', ctx.clock, ctx.log),
    };
  }

  private get deployments() {
    return this.ctx.informers.informerFor(R.deployments);
  }

  private get replicaSets() {
    return this.ctx.informers.informerFor(R.replicasets);
  }

  private get pods() {
    return this.ctx.informers.informerFor(R.pods);
  }

  /** Keys of Deployments that might adopt an orphan ReplicaSet (its labels match their selector). */
  deploymentsForOrphan(rs: KubeObject): string[] {
    if (controllerOf(rs) || Object.keys(rs.metadata.labels ?? {}).length === 0) return [];
    const keys: string[] = [];
    for (const d of this.deployments.list(rs.metadata.namespace)) {
      let selector: Selector;
      try {
        selector = selectorFromLabelSelector((d as Deployment).spec?.selector);
      } catch {
        continue;
      }
      // A Deployment with an empty selector must match nothing, not everything.
      if (selector.isEmpty() || !selector.matches(rs.metadata.labels)) continue;
      keys.push(objectKey(d));
    }
    return keys;
  }

  /** The Deployment a pod belongs to through its ReplicaSet, if any. */
  deploymentForPod(pod: KubeObject): Deployment | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.replicaSets.get(pod.metadata.namespace ?? '', ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return undefined;
    const owner = controllerOf(rs);
    if (!owner || owner.kind !== 'Deployment') return undefined;
    const d = this.deployments.get(rs.metadata.namespace ?? '', owner.name);
    return d && d.metadata.uid === owner.uid ? (d as Deployment) : undefined;
  }

  async reconcile(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const cached = this.deployments.get(namespace, name);
    if (!cached) return;
    const d = deepCopy(cached) as Deployment;
    d.spec ??= {};
    const s: Sync = { deps: this.deps, d, rsList: [] };

    const sel = d.spec.selector;
    if (sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
      this.deps.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata.generation };
        await updateDeploymentStatus(s);
      }
      return;
    }

    s.rsList = await this.claimReplicaSets(d);
    const podMap = this.podMap(d, s.rsList);

    if (d.metadata.deletionTimestamp) return syncStatusOnly(s);
    await checkPausedConditions(s);
    if (d.spec.paused) return sync(s, getRollbackTo(d) !== undefined);
    if (getRollbackTo(d) !== undefined) return rollback(s);
    if (await isScalingEvent(s)) return sync(s, false);
    switch (d.spec.strategy?.type) {
      case 'Recreate':
        return rolloutRecreate(s, podMap);
      case 'RollingUpdate':
        return rolloutRolling(s);
    }
    throw new Error(`unexpected deployment strategy type: ${d.spec.strategy?.type}`);
  }

  /**
   * The ReplicaSets this Deployment manages: owned ones that still match, plus matching orphans
   * (adopted); owned ones that stopped matching are released.
   */
  private async claimReplicaSets(d: Deployment): Promise<ReplicaSet[]> {
    const selector = selectorFromLabelSelector(d.spec.selector);
    const claimed: ReplicaSet[] = [];
    const errors: unknown[] = [];
    let canAdopt: Promise<void> | undefined;
    for (const rs of this.replicaSets.list(d.metadata.namespace) as ReplicaSet[]) {
      const ref = controllerOf(rs);
      if (ref) {
        if (ref.uid !== d.metadata.uid) continue;
        if (selector.matches(rs.metadata.labels)) {
          claimed.push(deepCopy(rs));
          continue;
        }
        if (d.metadata.deletionTimestamp) continue;
        try {
          await this.ctx.client.patch(R.replicasets, rs.metadata.namespace!, rs.metadata.name!, 'merge', releasePatch(rs, d.metadata.uid!));
        } catch (e) {
          if (errorCode(e) !== 404 && errorCode(e) !== 422) errors.push(e);
        }
        continue;
      }
      if (d.metadata.deletionTimestamp || rs.metadata.deletionTimestamp || !selector.matches(rs.metadata.labels)) continue;
      canAdopt ??= this.recheckNotDeleted(d);
      try {
        await canAdopt;
        const adopted = await this.ctx.client.patch(R.replicasets, rs.metadata.namespace!, rs.metadata.name!, 'strategic', {
          metadata: {
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
            uid: rs.metadata.uid,
          },
        });
        claimed.push(adopted as ReplicaSet);
      } catch (e) {
        if (errorCode(e) !== 404) errors.push(e);
      }
    }
    if (errors.length) throw errors[0];
    return claimed;
  }

  private async recheckNotDeleted(d: Deployment): Promise<void> {
    const fresh = await this.ctx.client.get(R.deployments, d.metadata.namespace!, d.metadata.name!);
    if (!fresh || fresh.metadata.uid !== d.metadata.uid) {
      throw new Error(`original Deployment ${d.metadata.namespace}/${d.metadata.name} is gone: got uid ${fresh?.metadata.uid}, wanted ${d.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) throw new Error(`${d.metadata.namespace}/${d.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }

  /** Pods of the Deployment's ReplicaSets, by ReplicaSet uid, in every phase. */
  private podMap(d: Deployment, rsList: ReplicaSet[]): PodMap {
    const map: PodMap = new Map(rsList.map((rs) => [rs.metadata.uid!, []]));
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(d.spec.selector);
    } catch {
      return map;
    }
    for (const pod of this.pods.list(d.metadata.namespace, selector)) {
      const ref = controllerOf(pod);
      if (ref && map.has(ref.uid)) map.get(ref.uid)!.push(pod);
    }
    return map;
  }
}

/**
 * `controllerFor(Deployment).owns(ReplicaSet)`; orphan ReplicaSets go to the Deployments that
 * select them, and a deleted pod wakes its Recreate Deployment (waiting for old pods to go).
 */
export function deploymentController(ctx: ControllerContext, options: DeploymentControllerOptions = {}): Controller {
  const reconciler = new DeploymentReconciler(ctx, options.recorder);
  const controller = controllerFor(ctx, R.deployments)
    .owns(R.replicasets)
    .watches(R.replicasets, (rs) => reconciler.deploymentsForOrphan(rs))
    .named('deployment-controller')
    .withWorkers(options.workers ?? 5)
    .complete(reconciler);
  ctx.informers.informerFor(R.pods).addEventHandler({
    onDelete: (pod) => {
      const d = reconciler.deploymentForPod(pod);
      if (d?.spec?.strategy?.type === 'Recreate') controller.enqueue(objectKey(d));
    },
  });
  return controller;
}
