// Rollout status and progress (pkg/controller/deployment/progress.go): the Progressing
// condition (NewReplicaSetAvailable, ReplicaSetUpdated, ProgressDeadlineExceeded), ReplicaFailure
// promoted from the ReplicaSets, and when to look again for a deadline.

import type { Result } from '../controller.js';
import { calculateStatus, sameStatus, updateDeploymentStatus, type Sync } from './sync.js';
import {
  ConditionType,
  Reason,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  removeCondition,
  replicaSetToDeploymentCondition,
  setCondition,
  type Deployment,
  type DeploymentCondition,
  type DeploymentStatus,
  type ReplicaSet,
} from './util.js';

/** ReplicaFailure conditions of the new ReplicaSet, else of any. */
function replicaFailures(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const of = (rs: ReplicaSet | undefined) => (rs?.status?.conditions ?? []).filter((c) => c.type === ConditionType.ReplicaFailure).map(replicaSetToDeploymentCondition);
  const fromNew = of(newRS);
  if (fromNew.length) return fromNew;
  return allRSs.flatMap(of);
}

/** Updates the status during a rollout, estimating progress against progressDeadlineSeconds. */
export async function syncRolloutStatus(s: Sync, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<Result | void> {
  const { d } = s;
  const now = s.deps.clock.now();
  const status = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, ConditionType.Progressing);

  const current = getCondition(d.status, ConditionType.Progressing);
  // One active ReplicaSet and a finished rollout: a resync, nothing to estimate.
  const isCompleteDeployment = status.replicas === status.updatedReplicas && current?.reason === Reason.NewRSAvailable;
  if (hasProgressDeadline(d) && !isCompleteDeployment) {
    if (deploymentComplete(d, status)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setCondition(status, newCondition(ConditionType.Progressing, 'True', Reason.NewRSAvailable, msg, now));
    } else if (deploymentProgressing(d, status)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const condition = newCondition(ConditionType.Progressing, 'True', Reason.ReplicaSetUpdated, msg, now);
      // Progress moves lastUpdateTime even when the reason stays the same.
      if (current) {
        if (current.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, ConditionType.Progressing);
      }
      setCondition(status, condition);
    } else if (deploymentTimedOut(d, status, now)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(status, newCondition(ConditionType.Progressing, 'False', Reason.TimedOut, msg, now));
    }
  }

  const failures = replicaFailures(allRSs, newRS);
  if (failures.length) setCondition(status, failures[0]);
  else removeCondition(status, ConditionType.ReplicaFailure);

  if (sameStatus(d.status, status)) return requeueStuckDeployment(d, status, now);
  d.status = status;
  await updateDeploymentStatus(s);
}

/**
 * A rollout that shows no progress is looked at again when its deadline passes
 * (Progressing.lastUpdateTime + progressDeadlineSeconds), plus a second against skew.
 */
export function requeueStuckDeployment(d: Deployment, status: DeploymentStatus, nowMs: number): Result | void {
  const current = getCondition(d.status, ConditionType.Progressing);
  if (!hasProgressDeadline(d) || !current) return;
  if (deploymentComplete(d, status) || current.reason === Reason.TimedOut) return;
  const last = Date.parse(current.lastUpdateTime ?? '');
  if (Number.isNaN(last)) return;
  const after = last + d.spec.progressDeadlineSeconds! * 1000 - nowMs;
  return { requeueAfter: Math.max(after, 0) + 1000 };
}
