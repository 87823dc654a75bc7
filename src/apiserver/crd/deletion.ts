// Deleting a CustomResourceDefinition, as the apiextensions-apiserver does it: the first delete
// does not remove the CRD but adds the customresourcecleanup finalizer and a Terminating
// condition (InstanceDeletionPending); the finalizer's owner (the CRD controller) then deletes
// every instance and removes the finalizer, and only then does the CRD go.

import type { KubeObject } from '../../api/object.js';
import { rfc3339, type Clock } from '../../machinery/clock.js';
import type { ResourceHooks } from '../registry/store.js';
import { CustomResourceCleanupFinalizer, Definition } from './definition.js';
import { conditionJson, ConditionType, setCondition } from './names.js';

export const instanceDeletionPending = {
  type: ConditionType.Terminating,
  status: 'True',
  reason: 'InstanceDeletionPending',
  message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
} as const;

/**
 * The store hooks for customresourcedefinitions (to merge into hooksFor): a CRD not yet being
 * deleted is held, and marked with the finalizer and the Terminating condition.
 */
export function customResourceDefinitionDeletionHooks(clock: Clock): Pick<ResourceHooks, 'holdsDeletion' | 'markDeleting'> {
  return {
    holdsDeletion: (crd) => !crd.metadata.deletionTimestamp,
    markDeleting: (crd) => markForDeletion(crd, rfc3339(clock.now())),
  };
}

/** Adds the cleanup finalizer and InstanceDeletionPending, once (a repeated delete changes nothing). */
export function markForDeletion(crd: KubeObject, now: string): void {
  const finalizers = crd.metadata.finalizers ?? [];
  if (finalizers.includes(CustomResourceCleanupFinalizer)) return;
  crd.metadata.finalizers = [...finalizers, CustomResourceCleanupFinalizer];
  const status = (crd.status && typeof crd.status === 'object' ? crd.status : {}) as Record<string, unknown>;
  const conditions = setCondition(new Definition(crd).conditions, instanceDeletionPending, now);
  crd.status = { ...status, conditions: conditions.map(conditionJson) };
}
