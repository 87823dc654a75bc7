// The RollingUpdate strategy (pkg/controller/deployment/rolling.go): scale the new ReplicaSet up
// within maxSurge, then the old ones down within maxUnavailable, unhealthy old replicas first.

import type { Result } from '../controller.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent, type Sync } from './sync.js';
import {
  availableReplicas,
  byCreation,
  deploymentComplete,
  deploymentReplicas,
  filterActive,
  maxUnavailable,
  newRSNewReplicas,
  rsReplicas,
  totalReplicas,
  type ReplicaSet,
} from './util.js';

export async function rolloutRolling(s: Sync): Promise<Result | void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, true);
  const allRSs = [...oldRSs, newRS!];
  if (await reconcileNewReplicaSet(s, allRSs, newRS!)) return syncRolloutStatus(s, allRSs, newRS);
  if (await reconcileOldReplicaSets(s, allRSs, filterActive(oldRSs), newRS!)) return syncRolloutStatus(s, allRSs, newRS);
  if (deploymentComplete(s.d, s.d.status ?? {})) await cleanupDeployment(s, oldRSs);
  return syncRolloutStatus(s, allRSs, newRS);
}

/** Scales the new ReplicaSet up as far as maxSurge allows (or down to the Deployment's size). */
export async function reconcileNewReplicaSet(s: Sync, allRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const replicas = deploymentReplicas(s.d);
  if (rsReplicas(newRS) === replicas) return false;
  if (rsReplicas(newRS) > replicas) return (await scaleReplicaSetAndRecordEvent(s, newRS, replicas)).scaled;
  const count = newRSNewReplicas(s.d, allRSs, newRS);
  return (await scaleReplicaSetAndRecordEvent(s, newRS, count)).scaled;
}

/**
 * Scales old ReplicaSets down while at least replicas − maxUnavailable pods stay available,
 * counting the new ReplicaSet's unavailable pods against the budget.
 */
export async function reconcileOldReplicaSets(s: Sync, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (totalReplicas(oldRSs) === 0) return false;
  const allPods = totalReplicas(allRSs);
  const minAvailable = deploymentReplicas(s.d) - maxUnavailable(s.d);
  const newRSUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  let cleaned: { oldRSs: ReplicaSet[]; count: number };
  try {
    cleaned = await cleanupUnhealthyReplicas(s, oldRSs, maxScaledDown);
  } catch {
    return false;
  }
  let scaledDown: number;
  try {
    scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(s, [...cleaned.oldRSs, newRS], cleaned.oldRSs);
  } catch {
    return false;
  }
  return cleaned.count + scaledDown > 0;
}

/** Scales old ReplicaSets down by their unavailable replicas first: that costs no availability. */
async function cleanupUnhealthyReplicas(s: Sync, oldRSs: ReplicaSet[], maxCleanup: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanup) break;
    const rs = sorted[i];
    const available = rs.status?.availableReplicas ?? 0;
    if (rsReplicas(rs) === 0 || rsReplicas(rs) === available) continue;
    const count = Math.min(maxCleanup - total, rsReplicas(rs) - available);
    const target = rsReplicas(rs) - count;
    if (target > rsReplicas(rs)) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${rsReplicas(rs)} -> ${target}`);
    sorted[i] = (await scaleReplicaSetAndRecordEvent(s, rs, target)).rs;
    total += count;
  }
  return { oldRSs: sorted, count: total };
}

/** Scales old ReplicaSets down, oldest first, by what availability above the minimum allows. */
async function scaleDownOldReplicaSetsForRollingUpdate(s: Sync, allRSs: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
  const minAvailable = deploymentReplicas(s.d) - maxUnavailable(s.d);
  const available = availableReplicas(allRSs);
  if (available <= minAvailable) return 0;
  const sorted = [...oldRSs].sort(byCreation);
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of sorted) {
    if (total >= budget) break;
    if (rsReplicas(rs) === 0) continue;
    const count = Math.min(rsReplicas(rs), budget - total);
    const target = rsReplicas(rs) - count;
    await scaleReplicaSetAndRecordEvent(s, rs, target);
    total += count;
  }
  return total;
}
