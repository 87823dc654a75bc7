// The StatefulSet update algorithm (stateful_set_control.go, Kubernetes 1.32): find or record
// the current and update revisions, then walk the pods by ordinal — create missing ones (one at
// a time, each Running and Ready first, under OrderedReady; all at once under Parallel), delete
// the ones beyond the replica count from the highest ordinal down, and roll pods at or above
// the partition over to the update revision, highest ordinal first. Status and history follow.

import { deepCopy } from '../../api/object.js';
import type { Clock } from '../../machinery/clock.js';
import { selectorFromLabelSelector } from '../../machinery/labels.js';
import type { Client } from '../../client/interface.js';
import { R } from '../../client/resources.js';
import type { EventRecorder } from '../events.js';
import {
  findEqualRevisions,
  equalRevision,
  nextRevision,
  revisionsToPrune,
  sortControllerRevisions,
  type ControllerRevision,
  type History,
} from '../history.js';
import { scaledValue } from '../deployment/util.js';
import { slowStartBatch } from '../replicaset.js';
import type { StatefulPodControl } from './pod-control.js';
import {
  allowsBurst,
  applyRevision,
  completeRollingUpdate,
  countReplicas,
  getOrdinal,
  identityMatches,
  inconsistentStatus,
  isCreated,
  isHealthy,
  isRunningAndAvailable,
  isRunningAndReady,
  isTerminating,
  newRevision,
  newVersionedStatefulSetPod,
  normalizeStatus,
  phaseOf,
  podInOrdinalRange,
  podRevision,
  replicasOf,
  startOrdinal,
  endOrdinal,
  storageMatches,
  type Pod,
  type StatefulSet,
  type StatefulSetStatus,
} from './utils.js';

export interface StatefulSetControlDeps {
  client: Client;
  clock: Clock;
  recorder: EventRecorder;
  podControl: StatefulPodControl;
  history: History;
  /** The MaxUnavailableStatefulSet feature gate (alpha, off by default in 1.32). */
  maxUnavailableStatefulSet?: boolean;
}

/** A step's outcome: stop this round (monotonic mode waits), and any error. */
type Step = { exit: boolean; error?: unknown };

/**
 * runForAll: in order, stopping at the first step that blocks or fails (OrderedReady); or all
 * at once in slow-start batches of 1, 2, 4... stopping after a batch with a failure (Parallel).
 */
async function runForAll<T>(items: T[], fn: (i: number) => Promise<Step>, monotonic: boolean): Promise<Step> {
  if (monotonic) {
    for (let i = 0; i < items.length; i++) {
      const step = await fn(i);
      if (step.exit || step.error) return { exit: true, error: step.error };
    }
    return { exit: false };
  }
  let next = 0;
  const { error } = await slowStartBatch(items.length, 1, async () => {
    const step = await fn(next++);
    if (step.error) throw step.error;
  });
  return error ? { exit: true, error } : { exit: false };
}

export class StatefulSetControl {
  constructor(private readonly deps: StatefulSetControlDeps) {}

  /**
   * UpdateStatefulSet: one pass of the algorithm over the set and the pods it claims. Returns
   * the status written (or that would be), throwing the first error after recording status and
   * trimming history.
   */
  async updateStatefulSet(cached: StatefulSet, pods: Pod[]): Promise<StatefulSetStatus | undefined> {
    const set = deepCopy(cached);
    const revisions = sortControllerRevisions(this.listRevisions(set));
    const held: { current?: ControllerRevision; update?: ControllerRevision } = {};
    let status: StatefulSetStatus | undefined;
    try {
      status = await this.performUpdate(set, pods, revisions, held);
    } catch (e) {
      await this.truncateHistory(set, pods, revisions, held.current, held.update).catch(() => {});
      throw e;
    }
    await this.truncateHistory(set, pods, revisions, held.current, held.update);
    return status;
  }

  /** The revisions matching the set's selector that it owns, or that no controller owns. */
  listRevisions(set: StatefulSet): ControllerRevision[] {
    return this.deps.history.list(set, selectorFromLabelSelector(set.spec.selector));
  }

  private async performUpdate(set: StatefulSet, pods: Pod[], revisions: ControllerRevision[], held: { current?: ControllerRevision; update?: ControllerRevision }): Promise<StatefulSetStatus> {
    const { current, update, collisionCount } = await this.getStatefulSetRevisions(set, revisions);
    held.current = current;
    held.update = update;
    const { status, error } = await this.updatePods(set, current, update, collisionCount, pods);
    let statusError: unknown;
    try {
      await this.updateStatefulSetStatus(set, status);
    } catch (e) {
      statusError = e;
    }
    if (error) throw error;
    if (statusError) throw statusError;
    return status;
  }

  /**
   * getStatefulSetRevisions: the update revision is the current template — an existing equal
   * revision (renumbered to be the newest when it is an older one: a rollback) or a new one.
   * The current revision is the one status names, or the update revision for a new history.
   */
  private async getStatefulSetRevisions(set: StatefulSet, revisions: ControllerRevision[]): Promise<{ current: ControllerRevision; update: ControllerRevision; collisionCount: number }> {
    let collisionCount = set.status?.collisionCount ?? 0;
    let update = newRevision(set, nextRevision(revisions), collisionCount);
    const equal = findEqualRevisions(revisions, update);
    if (equal.length > 0 && equalRevision(revisions[revisions.length - 1], equal[equal.length - 1])) {
      update = revisions[revisions.length - 1];
    } else if (equal.length > 0) {
      update = await this.deps.history.updateRevision(equal[equal.length - 1], update.revision);
    } else {
      const created = await this.deps.history.create(set, update, collisionCount);
      update = created.revision;
      collisionCount = created.collisionCount;
    }
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  private async updatePods(
    set: StatefulSet,
    currentRevision: ControllerRevision,
    updateRevision: ControllerRevision,
    collisionCount: number,
    pods: Pod[],
  ): Promise<{ status: StatefulSetStatus; error?: unknown }> {
    const { podControl } = this.deps;
    const now = () => this.deps.clock.now();
    const minReady = set.spec.minReadySeconds ?? 0;
    const currentSet = applyRevision(set, currentRevision);
    const updateSet = applyRevision(set, updateRevision);

    const status: StatefulSetStatus = {
      observedGeneration: set.metadata.generation,
      currentRevision: currentRevision.metadata.name,
      updateRevision: updateRevision.metadata.name,
      collisionCount,
      ...countReplicas(pods, minReady, now(), currentRevision.metadata.name!, updateRevision.metadata.name!),
    };
    const recount = (...lists: Pod[][]) => Object.assign(status, countReplicas(lists.flat(), minReady, now(), currentRevision.metadata.name!, updateRevision.metadata.name!));

    const start = startOrdinal(set);
    const replicas: Pod[] = new Array(replicasOf(set));
    const condemned: Pod[] = [];
    for (const pod of pods) {
      if (podInOrdinalRange(pod, set)) replicas[getOrdinal(pod) - start] = pod;
      else if (getOrdinal(pod) >= 0) condemned.push(pod);
    }
    for (let ord = start; ord <= endOrdinal(set); ord++) {
      if (!replicas[ord - start]) replicas[ord - start] = newVersionedStatefulSetPod(currentSet, updateSet, currentRevision.metadata.name!, updateRevision.metadata.name!, ord);
    }
    condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a));

    let firstUnhealthy: Pod | undefined = replicas.find((p) => !isHealthy(p));
    for (let i = condemned.length - 1; i >= 0 && !firstUnhealthy; i--) if (!isHealthy(condemned[i])) firstUnhealthy = condemned[i];

    if (set.metadata.deletionTimestamp) return { status };

    const monotonic = !allowsBurst(set);

    // Living replicas first: create, repair, and (in order) wait for each to be Running, Ready and available.
    const processReplica = async (i: number): Promise<Step> => {
      const pod = replicas[i];
      try {
        if (phaseOf(pod) === 'Failed' || phaseOf(pod) === 'Succeeded') {
          if (!isTerminating(pod)) {
            if (phaseOf(pod) === 'Failed') this.deps.recorder.event(set, 'Warning', 'RecreatingFailedPod', `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating failed Pod ${pod.metadata.name}`);
            else this.deps.recorder.event(set, 'Normal', 'RecreatingTerminatedPod', `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating terminated Pod ${pod.metadata.name}`);
            await podControl.deleteStatefulPod(set, pod);
          }
          // The pod is made again on the sync after it is gone.
          return { exit: true };
        }
        if (!isCreated(pod)) {
          // A claim still owned by an earlier pod of this name must be deleted first.
          if (podControl.podClaimIsStale(set, pod)) return { exit: true };
          await podControl.createStatefulPod(set, pod);
          if (monotonic) return { exit: true };
        }
        if (phaseOf(pod) === 'Pending') await podControl.createMissingPersistentVolumeClaims(set, pod);
        if (isTerminating(pod) && monotonic) return { exit: true };
        if (!isRunningAndReady(pod) && monotonic) return { exit: true };
        if (!isRunningAndAvailable(pod, minReady, now()) && monotonic) return { exit: true };
        if (!isCreated(pod)) return { exit: false };
        const retentionMatch = podControl.claimsMatchRetentionPolicy(updateSet, pod);
        if (identityMatches(set, pod) && storageMatches(set, pod) && retentionMatch) return { exit: false };
        await podControl.updateStatefulPod(updateSet, deepCopy(pod));
        return { exit: false };
      } catch (error) {
        return { exit: true, error };
      }
    };
    let step = await runForAll(replicas, processReplica, monotonic);
    if (step.exit || step.error) {
      recount(replicas, condemned);
      return { status, error: step.error };
    }

    // Claims of pods about to be scaled away get the owners the retention policy wants.
    const fixPodClaim = async (i: number): Promise<Step> => {
      try {
        if (!podControl.claimsMatchRetentionPolicy(updateSet, condemned[i])) await podControl.updatePodClaimForRetentionPolicy(updateSet, condemned[i]);
        return { exit: false };
      } catch (error) {
        return { exit: true, error };
      }
    };
    step = await runForAll(condemned, fixPodClaim, monotonic);
    if (step.exit || step.error) {
      recount(replicas, condemned);
      return { status, error: step.error };
    }

    // Scale down from the highest ordinal, one at a time under OrderedReady, once all are healthy.
    const processCondemned = async (i: number): Promise<Step> => {
      const pod = condemned[i];
      if (isTerminating(pod)) return { exit: monotonic };
      if (!isRunningAndReady(pod) && monotonic && pod !== firstUnhealthy) return { exit: true };
      if (!isRunningAndAvailable(pod, minReady, now()) && monotonic && pod !== firstUnhealthy) return { exit: true };
      try {
        await podControl.deleteStatefulPod(set, pod);
        return { exit: true };
      } catch (error) {
        return { exit: true, error };
      }
    };
    step = await runForAll(condemned, processCondemned, monotonic);
    recount(replicas, condemned);
    if (step.exit || step.error) return { status, error: step.error };

    // OnDelete: pods change revision only when a user deletes them.
    if (set.spec.updateStrategy?.type === 'OnDelete') return { status };

    const updateMin = set.spec.updateStrategy?.rollingUpdate ? (set.spec.updateStrategy.rollingUpdate.partition ?? 0) : 0;
    if (this.deps.maxUnavailableStatefulSet) return this.rollWithMaxUnavailable(set, replicas, updateRevision, updateMin, status);

    // Replace the highest-ordinal pod not at the update revision; wait while the one above is unhealthy.
    for (let target = replicas.length - 1; target >= updateMin; target--) {
      const pod = replicas[target];
      if (podRevision(pod) !== updateRevision.metadata.name && !isTerminating(pod)) {
        try {
          await podControl.deleteStatefulPod(set, pod);
        } catch (error) {
          if ((error as { code?: number }).code !== 404) return { status, error };
        }
        status.currentReplicas = Math.max(0, (status.currentReplicas ?? 0) - 1);
        return { status };
      }
      if (!isHealthy(pod)) return { status };
    }
    return { status };
  }

  /** With MaxUnavailableStatefulSet: up to maxUnavailable pods at or above the partition are replaced at once. */
  private async rollWithMaxUnavailable(set: StatefulSet, replicas: Pod[], updateRevision: ControllerRevision, updateMin: number, status: StatefulSetStatus): Promise<{ status: StatefulSetStatus; error?: unknown }> {
    let maxUnavailable = 1;
    const ru = set.spec.updateStrategy?.rollingUpdate;
    if (ru) {
      try {
        maxUnavailable = Math.max(1, scaledValue(ru.maxUnavailable ?? 1, replicas.length, false));
      } catch (error) {
        return { status, error };
      }
    }
    const unavailable = replicas.filter((p) => !isHealthy(p)).length;
    if (unavailable >= maxUnavailable) return { status };
    let toDelete = maxUnavailable - unavailable;
    for (let target = replicas.length - 1; target >= updateMin && toDelete > 0; target--) {
      const pod = replicas[target];
      if (podRevision(pod) === updateRevision.metadata.name || isTerminating(pod)) continue;
      try {
        await this.deps.podControl.deleteStatefulPod(set, pod);
      } catch (error) {
        if ((error as { code?: number }).code !== 404) return { status, error };
      }
      toDelete--;
      status.currentReplicas = Math.max(0, (status.currentReplicas ?? 0) - 1);
    }
    return { status };
  }

  /** updateStatefulSetStatus: completes a finished rolling update, then writes status if it differs. */
  private async updateStatefulSetStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    completeRollingUpdate(set, status);
    if (!inconsistentStatus(set, status)) return;
    const next = normalizeStatus({ ...status, conditions: undefined });
    let target = set;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.deps.client.update(R.statefulsets, set.metadata.namespace!, { ...target, status: next }, { subresource: 'status' });
        return;
      } catch (e) {
        if (attempt >= 1 || (e as { reason?: string }).reason !== 'Conflict') throw e;
        const fresh = (await this.deps.client.get(R.statefulsets, set.metadata.namespace!, set.metadata.name!)) as StatefulSet | undefined;
        if (!fresh || fresh.metadata.uid !== set.metadata.uid) return;
        target = fresh;
      }
    }
  }

  /**
   * truncateHistory: revisions neither current, nor the update revision, nor any pod's are
   * history; the oldest go until revisionHistoryLimit remain.
   */
  private async truncateHistory(set: StatefulSet, pods: Pod[], revisions: ControllerRevision[], current?: ControllerRevision, update?: ControllerRevision): Promise<void> {
    const live = new Set<string>();
    if (current) live.add(current.metadata.name!);
    if (update) live.add(update.metadata.name!);
    for (const pod of pods) live.add(podRevision(pod));
    const limit = set.spec.revisionHistoryLimit ?? 10;
    for (const r of revisionsToPrune(revisions, limit, (r) => live.has(r.metadata.name!))) await this.deps.history.delete(r);
  }
}
