// DaemonSet rollouts and history (pkg/controller/daemon/update.go): the revision that matches
// the template (created as `<ds>-<hash>` when new, renumbered to be the newest on a rollback),
// the rolling update within maxUnavailable (delete old pods, let the manage loop create new
// ones) or maxSurge (start the new pod beside the old one, delete the old once the new is
// available), and pruning to revisionHistoryLimit.

import type { KubeObject } from '../../api/object.js';
import { isPodAvailable, isPodReady } from '../replicaset.js';
import { computeHash } from '../deployment/hash.js';
import { controllerRef, maxRevision, sameData, templatePatch, type ControllerRevision } from '../history.js';
import { DaemonSetRevisionLabel, isPodUpdated, templateGeneration, type DaemonSet } from './util.js';

/** Match: the revision holds exactly this DaemonSet's template. */
export function matchesRevision(ds: DaemonSet, revision: ControllerRevision): boolean {
  return sameData(templatePatch(ds), revision.data);
}

/** snapshot's revision: `<ds>-<ComputeHash(template, collisionCount)>`, labelled and annotated like the DaemonSet. */
export function daemonSetRevision(ds: DaemonSet, revision: number): ControllerRevision {
  const hash = computeHash(ds.spec.template ?? {}, ds.status?.collisionCount ?? undefined);
  const cr: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${ds.metadata.name}-${hash}`,
      namespace: ds.metadata.namespace,
      labels: { ...(ds.spec.template?.metadata?.labels ?? {}), [DaemonSetRevisionLabel]: hash },
      ownerReferences: [controllerRef(ds, { apiVersion: 'apps/v1', kind: 'DaemonSet' })],
    },
    data: templatePatch(ds),
    revision,
  };
  if (ds.metadata.annotations && Object.keys(ds.metadata.annotations).length) cr.metadata.annotations = { ...ds.metadata.annotations };
  return cr;
}

/** Splits the DaemonSet's revisions into those holding its template and the others. */
export function splitHistory(ds: DaemonSet, revisions: ControllerRevision[]): { current: ControllerRevision[]; old: ControllerRevision[]; nextRevision: number } {
  const current: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (const r of revisions) (matchesRevision(ds, r) ? current : old).push(r);
  return { current, old, nextRevision: maxRevision(old) + 1 };
}

/**
 * findUpdatedPodsOnNode: the node's one new and one old pod (not being deleted); ok=false when
 * there is more than one of either (the manage loop prunes the extras first).
 */
export function updatedPodsOnNode(ds: DaemonSet, pods: KubeObject[], hash: string): { newPod?: KubeObject; oldPod?: KubeObject; ok: boolean } {
  let newPod: KubeObject | undefined;
  let oldPod: KubeObject | undefined;
  const generation = templateGeneration(ds);
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

export interface RollingPlan {
  /** Pods to delete now. */
  deletePods: string[];
  /** Nodes to start a new pod on now (surge only). */
  createOn: string[];
}

/**
 * rollingUpdate's decision, given each node's pods (nodes that should run a pod but have none
 * map to []), the budgets and which nodes should run the pod.
 */
export function planRollingUpdate(
  ds: DaemonSet,
  nodeToDaemonPods: Map<string, KubeObject[]>,
  hash: string,
  budget: { maxSurge: number; maxUnavailable: number; desiredNumberScheduled: number },
  shouldRun: (nodeName: string) => boolean,
  nowMs: number,
): RollingPlan {
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (pod: KubeObject) => isPodAvailable(pod, minReady, nowMs);
  const nodes = [...nodeToDaemonPods.keys()].sort();

  if (budget.maxSurge === 0) {
    // Delete just enough old pods to stay within maxUnavailable; the manage loop replaces them.
    let numUnavailable = 0;
    const allowedReplacementPods: string[] = [];
    const candidatePodsToDelete: string[] = [];
    for (const nodeName of nodes) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(ds, nodeToDaemonPods.get(nodeName)!, hash);
      if (!ok) {
        numUnavailable++;
        continue;
      }
      if ((!oldPod && !newPod) || (oldPod && newPod)) {
        numUnavailable++;
      } else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) {
          // An old pod that is not available anyway is replaced at once.
          allowedReplacementPods.push(oldPod.metadata.name!);
          numUnavailable++;
        } else if (numUnavailable < budget.maxUnavailable) {
          candidatePodsToDelete.push(oldPod.metadata.name!);
        }
      }
    }
    const remaining = Math.min(Math.max(0, budget.maxUnavailable - numUnavailable), candidatePodsToDelete.length);
    return { deletePods: [...allowedReplacementPods, ...candidatePodsToDelete.slice(0, remaining)], createOn: [] };
  }

  // Surge: start new pods beside available old ones (up to maxSurge at a time); an old pod goes
  // once the new one on its node is available.
  const oldPodsToDelete: string[] = [];
  const shouldNotRunPodsToDelete: string[] = [];
  const candidateNewNodes: string[] = [];
  const allowedNewNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const nodeName of nodes) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(ds, nodeToDaemonPods.get(nodeName)!, hash);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod) {
      if (available(oldPod)) numAvailable++;
    } else if (newPod && available(newPod)) {
      numAvailable++;
    }
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(nodeName)) {
          oldPodsToDelete.push(oldPod.metadata.name!);
          continue;
        }
        allowedNewNodes.push(nodeName);
      } else {
        if (!shouldRun(nodeName)) {
          shouldNotRunPodsToDelete.push(oldPod.metadata.name!);
          continue;
        }
        if (numSurge >= budget.maxSurge) continue;
        candidateNewNodes.push(nodeName);
      }
      continue;
    }
    if (!available(newPod)) {
      numSurge++;
      continue;
    }
    oldPodsToDelete.push(oldPod.metadata.name!);
  }
  // With surge every node should keep an available pod: a pod on a node that no longer
  // qualifies goes only once enough pods elsewhere are available.
  const deletable = Math.min(numAvailable - budget.desiredNumberScheduled, shouldNotRunPodsToDelete.length);
  if (deletable > 0) oldPodsToDelete.push(...shouldNotRunPodsToDelete.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(0, budget.maxSurge - numSurge), candidateNewNodes.length);
  return { deletePods: oldPodsToDelete, createOn: [...allowedNewNodes, ...candidateNewNodes.slice(0, remainingSurge)] };
}

/**
 * The pods to delete on one node that should keep running the daemon: failed ones are handled
 * by the caller; of the running ones, without surge all but the oldest go; with surge the
 * oldest new and oldest old pod may coexist until the new one is available.
 */
export function excessPodsOnNode(ds: DaemonSet, running: KubeObject[], hash: string, surge: boolean, nowMs: number, sortFn: (a: KubeObject, b: KubeObject) => number): string[] {
  const sorted = [...running].sort(sortFn);
  if (!surge) return sorted.slice(1).map((p) => p.metadata.name!);
  const out: string[] = [];
  let oldestNew: KubeObject | undefined;
  let oldestOld: KubeObject | undefined;
  for (const pod of sorted) {
    if (pod.metadata.labels?.[DaemonSetRevisionLabel] === hash) {
      if (!oldestNew) {
        oldestNew = pod;
        continue;
      }
    } else if (!oldestOld) {
      oldestOld = pod;
      continue;
    }
    out.push(pod.metadata.name!);
  }
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld)) out.push(oldestOld.metadata.name!);
    else if (isPodAvailable(oldestNew, ds.spec.minReadySeconds ?? 0, nowMs)) out.push(oldestOld.metadata.name!);
  }
  return out;
}
