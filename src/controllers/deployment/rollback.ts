// Rollback through the `deprecated.deployment.rollback.to` annotation (what apps/v1beta1's
// spec.rollbackTo round-trips to). kubectl 1.32's `rollout undo` does not use it: it patches the
// template from the old ReplicaSet itself, and the ordinary rollout takes it from there.

import { deepCopy } from '../../api/object.js';
import { R } from '../../client/resources.js';
import type { Result } from '../controller.js';
import { getAllReplicaSetsAndSyncRevision, type Sync } from './sync.js';
import {
  DefaultDeploymentUniqueLabelKey,
  DeprecatedRollbackTo,
  Reason,
  equalIgnoreHash,
  lastRevision,
  revisionOf,
  setDeploymentAnnotationsTo,
  type Deployment,
  type ReplicaSet,
} from './util.js';

/** The revision asked for, or undefined (no annotation, or not a number). */
export function getRollbackTo(d: Deployment): number | undefined {
  const v = d.metadata.annotations?.[DeprecatedRollbackTo];
  if (!v || !/^[+-]?\d+$/.test(v)) return undefined;
  return Number(v);
}

export async function rollback(s: Sync): Promise<Result | void> {
  const { d, deps } = s;
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, true);
  const allRSs: ReplicaSet[] = [...oldRSs, ...(newRS ? [newRS] : [])];
  let revision = getRollbackTo(d)!;
  if (revision === 0) {
    revision = lastRevision(allRSs);
    if (revision === 0) {
      deps.recorder.event(d, 'Warning', Reason.RollbackRevisionNotFound, 'Unable to find last revision.');
      return updateDeploymentAndClearRollbackTo(s);
    }
  }
  for (const rs of allRSs) {
    const v = revisionOf(rs);
    if (Number.isNaN(v) || v !== revision) continue;
    const performed = await rollbackToTemplate(s, rs);
    if (performed) deps.recorder.event(d, 'Normal', Reason.RollbackDone, `Rolled back deployment "${d.metadata.name}" to revision ${revision}`);
    return;
  }
  deps.recorder.event(d, 'Warning', Reason.RollbackRevisionNotFound, 'Unable to find the revision to rollback to.');
  return updateDeploymentAndClearRollbackTo(s);
}

async function rollbackToTemplate(s: Sync, rs: ReplicaSet): Promise<boolean> {
  const { d } = s;
  let performed = false;
  if (!equalIgnoreHash(d.spec.template, rs.spec.template)) {
    const template = deepCopy(rs.spec.template ?? {});
    if (template.metadata?.labels) delete template.metadata.labels[DefaultDeploymentUniqueLabelKey];
    d.spec.template = template;
    // The Deployment takes the old ReplicaSet's annotations (change-cause), or the current ones
    // would be copied onto it.
    setDeploymentAnnotationsTo(d, rs);
    performed = true;
  } else {
    s.deps.recorder.event(d, 'Warning', Reason.RollbackTemplateUnchanged, `The rollback revision contains the same template as current deployment "${d.metadata.name}"`);
  }
  await updateDeploymentAndClearRollbackTo(s);
  return performed;
}

async function updateDeploymentAndClearRollbackTo(s: Sync): Promise<void> {
  const { d } = s;
  if (d.metadata.annotations) delete d.metadata.annotations[DeprecatedRollbackTo];
  const out = await s.deps.client.update(R.deployments, d.metadata.namespace!, d);
  d.metadata.resourceVersion = out.metadata.resourceVersion;
}
