// The Recreate strategy (pkg/controller/deployment/recreate.go): every old pod goes first; the
// new ReplicaSet is created and scaled up only once none of them is running.

import type { KubeObject } from '../../api/object.js';
import type { Result } from '../controller.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent, type Sync } from './sync.js';
import { actualReplicas, deploymentComplete, deploymentReplicas, filterActive, rsReplicas, type ReplicaSet } from './util.js';

/** Pods grouped by the uid of the owning ReplicaSet (every phase: Recreate must see them all). */
export type PodMap = Map<string, KubeObject[]>;

export async function rolloutRecreate(s: Sync, podMap: PodMap): Promise<Result | void> {
  // No new ReplicaSet yet: never scale up before the old pods are gone.
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, false);
  let allRSs = [...oldRSs, newRS];
  if (await scaleDownOldReplicaSetsForRecreate(s, filterActive(oldRSs))) return syncRolloutStatus(s, allRSs, newRS);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(s, allRSs, newRS);
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, true));
    allRSs = [...oldRSs, newRS];
  }
  await scaleReplicaSetAndRecordEvent(s, newRS!, deploymentReplicas(s.d));
  if (deploymentComplete(s.d, s.d.status ?? {})) await cleanupDeployment(s, oldRSs);
  return syncRolloutStatus(s, allRSs, newRS);
}

async function scaleDownOldReplicaSetsForRecreate(s: Sync, oldRSs: ReplicaSet[]): Promise<boolean> {
  let scaled = false;
  for (const rs of oldRSs) {
    if (rsReplicas(rs) === 0) continue;
    if ((await scaleReplicaSetAndRecordEvent(s, rs, 0)).scaled) scaled = true;
  }
  return scaled;
}

/** Old ReplicaSets still report pods, or an old pod is in any phase but Succeeded or Failed. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicas(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    for (const pod of pods) {
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}
