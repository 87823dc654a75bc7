// The core of a Deployment's sync (pkg/controller/deployment/sync.go): finding or creating the
// new ReplicaSet and keeping revisions, scaling (proportionally when several ReplicaSets are
// active), cleaning up old ReplicaSets past revisionHistoryLimit, and the status.

import { deepCopy } from '../../api/object.js';
import type { Clock } from '../../machinery/clock.js';
import type { Client } from '../../client/interface.js';
import { R } from '../../client/resources.js';
import type { EventRecorder } from '../events.js';
import type { Result } from '../controller.js';
import { computeHash } from './hash.js';
import {
  ConditionType,
  DefaultDeploymentUniqueLabelKey,
  Reason,
  RevisionAnnotation,
  actualReplicas,
  availableReplicas,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  deploymentReplicas,
  desiredReplicasAnnotation,
  equalIgnoreHash,
  filterActive,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  getCondition,
  getProportion,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  isControlledBy,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newCondition,
  newRSNewReplicas,
  normalizeDeploymentStatus,
  readyReplicas,
  replicasAnnotationsNeedUpdate,
  rsReplicas,
  setCondition,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  statusOf,
  totalReplicas,
  type Deployment,
  type DeploymentStatus,
  type ReplicaSet,
} from './util.js';

export interface DeploymentDeps {
  client: Client;
  clock: Clock;
  recorder: EventRecorder;
  log: (msg: string) => void;
}

/**
 * One sync of one Deployment: the (copied) Deployment, which the steps update as they write it,
 * and the ReplicaSets it owns, replaced in place as the steps write them so later steps of the
 * same sync see what was written instead of the cache's older copy.
 */
export interface Sync {
  deps: DeploymentDeps;
  d: Deployment;
  rsList: ReplicaSet[];
}

function errorCode(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

function namespaceTerminating(e: unknown): boolean {
  return ((e as { details?: { causes?: { reason?: string }[] } }).details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

/** Remembers a ReplicaSet just written, for the rest of this sync. */
export function remember(s: Sync, rs: ReplicaSet): ReplicaSet {
  const i = s.rsList.findIndex((x) => x.metadata.uid === rs.metadata.uid);
  if (i >= 0) s.rsList[i] = rs;
  else s.rsList.push(rs);
  return rs;
}

// ---- writing the Deployment ----

/** Writes status through the status subresource. */
export async function updateDeploymentStatus(s: Sync): Promise<void> {
  const { d } = s;
  const out = await s.deps.client.update(R.deployments, d.metadata.namespace!, { ...d, status: normalizeDeploymentStatus(d.status) }, { subresource: 'status' });
  d.metadata.resourceVersion = out.metadata.resourceVersion;
}

/**
 * Writes the Deployment's revision annotation. Upstream writes it with the status (the
 * Deployment's status strategy keeps metadata changes); here it is a metadata-only write of the
 * Deployment, which leaves its generation alone, conditional on the version this sync read.
 */
export async function patchDeploymentRevision(s: Sync): Promise<void> {
  const { d } = s;
  const out = await s.deps.client.patch(R.deployments, d.metadata.namespace!, d.metadata.name!, 'merge', {
    metadata: { resourceVersion: d.metadata.resourceVersion, annotations: { [RevisionAnnotation]: d.metadata.annotations?.[RevisionAnnotation] } },
  });
  d.metadata.resourceVersion = out.metadata.resourceVersion;
}

// ---- the new ReplicaSet and revisions ----

/**
 * The new ReplicaSet (created when asked and missing) and the old ones, with the new one's
 * revision raised above every old one's and copied to the Deployment.
 */
export async function getAllReplicaSetsAndSyncRevision(s: Sync, createIfNotExisted: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
  const oldRSs = findOldReplicaSets(s.d, s.rsList);
  const newRS = await getNewReplicaSet(s, oldRSs, createIfNotExisted);
  return { newRS, oldRSs };
}

function controllerRef(d: Deployment) {
  return { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name!, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

async function getNewReplicaSet(s: Sync, oldRSs: ReplicaSet[], createIfNotExisted: boolean): Promise<ReplicaSet | undefined> {
  const { d, deps } = s;
  const now = deps.clock.now();
  const existing = findNewReplicaSet(d, s.rsList);
  const newRevision = String(maxRevision(oldRSs) + 1);

  if (existing) {
    const rsCopy = deepCopy(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
    const minReady = d.spec.minReadySeconds ?? 0;
    if (annotationsUpdated || (rsCopy.spec.minReadySeconds ?? 0) !== minReady) {
      if (minReady) rsCopy.spec.minReadySeconds = minReady;
      else delete rsCopy.spec.minReadySeconds;
      return remember(s, (await deps.client.update(R.replicasets, rsCopy.metadata.namespace!, rsCopy)) as ReplicaSet);
    }
    // The revision the new ReplicaSet carries is the Deployment's.
    const revisionChanged = setDeploymentRevision(d, rsCopy.metadata.annotations?.[RevisionAnnotation] ?? '');
    let statusChanged = false;
    if (hasProgressDeadline(d) && !getCondition(d.status, ConditionType.Progressing)) {
      setCondition(statusOf(d), newCondition(ConditionType.Progressing, 'True', Reason.FoundNewRS, `Found new replica set "${rsCopy.metadata.name}"`, now));
      statusChanged = true;
    }
    if (revisionChanged) await patchDeploymentRevision(s);
    if (statusChanged) await updateDeploymentStatus(s);
    return rsCopy;
  }

  if (!createIfNotExisted) return undefined;

  const template = deepCopy(d.spec.template ?? {});
  const hash = computeHash(template, d.status?.collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [DefaultDeploymentUniqueLabelKey]: hash } };
  const selector = deepCopy(d.spec.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [DefaultDeploymentUniqueLabelKey]: hash };
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels! },
      ownerReferences: [controllerRef(d)],
    },
    spec: { replicas: 0, selector, template },
  };
  if (d.spec.minReadySeconds) newRS.spec.minReadySeconds = d.spec.minReadySeconds;
  const newReplicas = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec.replicas = newReplicas;
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = (await deps.client.create(R.replicasets, d.metadata.namespace!, newRS)) as ReplicaSet;
  } catch (e) {
    if ((e as { reason?: string }).reason === 'AlreadyExists') {
      // A slow cache, or a hash collision: the existing one is ours only if its template is ours.
      const found = (await deps.client.get(R.replicasets, d.metadata.namespace!, newRS.metadata.name!)) as ReplicaSet | undefined;
      if (found && isControlledBy(found, d) && equalIgnoreHash(d.spec.template, found.spec.template)) {
        created = found;
        alreadyExists = true;
      } else {
        const status = statusOf(d);
        status.collisionCount = (status.collisionCount ?? 0) + 1;
        await updateDeploymentStatus(s);
        deps.log(`deployment-controller: found a hash collision for deployment ${d.metadata.namespace}/${d.metadata.name} - bumping collisionCount to ${status.collisionCount} to resolve it`);
        throw e;
      }
    } else if (namespaceTerminating(e)) {
      throw e;
    } else {
      const msg = `Failed to create new replica set "${newRS.metadata.name}": ${(e as Error).message}`;
      if (hasProgressDeadline(d)) {
        setCondition(statusOf(d), newCondition(ConditionType.Progressing, 'False', Reason.FailedRSCreate, msg, now));
        await updateDeploymentStatus(s).catch(() => {});
      }
      deps.recorder.event(d, 'Warning', Reason.FailedRSCreate, msg);
      throw e;
    }
  }
  remember(s, created);
  if (!alreadyExists && newReplicas > 0) {
    deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${newReplicas}`);
  }
  const revisionChanged = setDeploymentRevision(d, newRevision);
  let statusChanged = false;
  if (!alreadyExists && hasProgressDeadline(d)) {
    setCondition(statusOf(d), newCondition(ConditionType.Progressing, 'True', Reason.NewReplicaSet, `Created new replica set "${created.metadata.name}"`, now));
    statusChanged = true;
  }
  if (revisionChanged) await patchDeploymentRevision(s);
  if (statusChanged) await updateDeploymentStatus(s);
  return created;
}

// ---- scaling ----

/** Sets a ReplicaSet's size (and replica annotations); records ScalingReplicaSet when the size changed. */
export async function scaleReplicaSet(s: Sync, rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const { d, deps } = s;
  const desired = deploymentReplicas(d);
  const max = desired + maxSurge(d);
  const oldScale = rsReplicas(rs);
  const sizeNeedsUpdate = oldScale !== newScale;
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const rsCopy = deepCopy(rs);
  rsCopy.spec.replicas = newScale;
  setReplicasAnnotations(rsCopy, desired, max);
  const updated = remember(s, (await deps.client.update(R.replicasets, rsCopy.metadata.namespace!, rsCopy)) as ReplicaSet);
  if (sizeNeedsUpdate) {
    const op = oldScale < newScale ? 'up' : 'down';
    deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${updated.metadata.name} from ${oldScale} to ${newScale}`);
  }
  return { scaled: sizeNeedsUpdate, rs: updated };
}

export async function scaleReplicaSetAndRecordEvent(s: Sync, rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  if (rsReplicas(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(s, rs, newScale);
}

/**
 * Scaling outside a rollout (or while paused): the only active ReplicaSet takes the new size;
 * a saturated new ReplicaSet takes all and the old go to zero; otherwise (RollingUpdate) the
 * replicas to add or remove are spread over the active ReplicaSets in proportion to their size,
 * largest first, leftovers to the largest.
 */
export async function scale(s: Sync, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const { d } = s;
  const replicas = deploymentReplicas(d);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (rsReplicas(activeOrLatest) === replicas) return;
    await scaleReplicaSetAndRecordEvent(s, activeOrLatest, replicas);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await scaleReplicaSetAndRecordEvent(s, old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const allRSs = filterActive([...oldRSs, newRS]);
  const allRSsReplicas = totalReplicas(allRSs);
  const allowedSize = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowedSize - allRSsReplicas;
  if (toAdd > 0) allRSs.sort(bySizeNewer);
  else if (toAdd < 0) allRSs.sort(bySizeOlder);
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of allRSs) {
    if (toAdd !== 0) {
      const proportion = getProportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name!, rsReplicas(rs) + proportion);
      added += proportion;
    } else {
      sizes.set(rs.metadata.name!, rsReplicas(rs));
    }
  }
  for (let i = 0; i < allRSs.length; i++) {
    const rs = allRSs[i];
    if (i === 0 && toAdd !== 0) {
      const leftover = toAdd - added;
      sizes.set(rs.metadata.name!, Math.max(0, sizes.get(rs.metadata.name!)! + leftover));
    }
    await scaleReplicaSet(s, rs, sizes.get(rs.metadata.name!)!);
  }
}

/** Deletes the oldest old ReplicaSets beyond revisionHistoryLimit that have nothing left. */
export async function cleanupDeployment(s: Sync, oldRSs: ReplicaSet[]): Promise<void> {
  const { d, deps } = s;
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => rs && !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - d.spec.revisionHistoryLimit!;
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i];
    if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata.deletionTimestamp) continue;
    try {
      await deps.client.delete(R.replicasets, rs.metadata.namespace!, rs.metadata.name!);
    } catch (e) {
      if (errorCode(e) !== 404) throw e;
    }
  }
}

// ---- status ----

export function calculateStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, nowMs: number): DeploymentStatus {
  const available = availableReplicas(allRSs);
  const unavailable = Math.max(0, totalReplicas(allRSs) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicas(allRSs),
    updatedReplicas: actualReplicas([newRS]),
    readyReplicas: readyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    collisionCount: d.status?.collisionCount,
    conditions: (d.status?.conditions ?? []).map((c) => ({ ...c })),
  };
  if (available >= deploymentReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(ConditionType.Available, 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(status, newCondition(ConditionType.Available, 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

export function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  return JSON.stringify(normalizeDeploymentStatus(a)) === JSON.stringify(normalizeDeploymentStatus(b));
}

export async function syncDeploymentStatus(s: Sync, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
  const status = calculateStatus(allRSs, newRS, s.d, s.deps.clock.now());
  if (sameStatus(s.d.status, status)) return;
  s.d.status = status;
  await updateDeploymentStatus(s);
}

/** Status only: a Deployment being deleted. */
export async function syncStatusOnly(s: Sync): Promise<Result | void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, false);
  await syncDeploymentStatus(s, [...oldRSs, newRS], newRS);
}

/** Scaling events and paused Deployments: scale, clean up (paused), and report. */
export async function sync(s: Sync, rollbackInFlight: boolean): Promise<Result | void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, false);
  await scale(s, newRS, oldRSs);
  if (s.d.spec.paused && !rollbackInFlight) await cleanupDeployment(s, oldRSs);
  await syncDeploymentStatus(s, [...oldRSs, newRS], newRS);
}

/** A scaling event: an active ReplicaSet remembers a different desired size than the Deployment's. */
export async function isScalingEvent(s: Sync): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, false);
  for (const rs of filterActive([...oldRSs, newRS])) {
    const desired = desiredReplicasAnnotation(rs);
    if (desired === undefined) continue;
    if (desired !== deploymentReplicas(s.d)) return true;
  }
  return false;
}

/**
 * Progressing=Unknown with DeploymentPaused or DeploymentResumed when pausing or resuming, so a
 * resumed Deployment is not timed out for the time it spent paused.
 */
export async function checkPausedConditions(s: Sync): Promise<void> {
  const { d } = s;
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, ConditionType.Progressing);
  if (cond?.reason === Reason.TimedOut) return;
  const pausedCondExists = cond?.reason === Reason.Paused;
  const now = s.deps.clock.now();
  if (d.spec.paused && !pausedCondExists) {
    setCondition(statusOf(d), newCondition(ConditionType.Progressing, 'Unknown', Reason.Paused, 'Deployment is paused', now));
  } else if (!d.spec.paused && pausedCondExists) {
    setCondition(statusOf(d), newCondition(ConditionType.Progressing, 'Unknown', Reason.Resumed, 'Deployment is resumed', now));
  } else {
    return;
  }
  await updateDeploymentStatus(s);
}

