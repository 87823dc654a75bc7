// Server-side apply and managedFields, as pure functions over plain JSON objects: what the
// API server's handlers call on every write. Behaviour follows Kubernetes 1.32
// (k8s.io/apimachinery/pkg/util/managedfields and sigs.k8s.io/structured-merge-diff v4.4.2).
//
// On a create, update or non-apply patch:
//     obj = updateManagedFields(old, obj, ctx)           // before the registry prepares obj
// On PATCH with Content-Type application/apply-patch+yaml:
//     obj = serverSideApply(live, body, { ...ctx, force, kind, name, namespace })
//     // then default obj and continue as a create (live undefined) or an update;
//     // kind, name and namespace are optional: without them the caller checks the URL.
// In the store's update, after the strategy has prepared the object:
//     obj = ignoreManagedFieldsTimestamps(obj, stored)
// For /scale, translate managedFields with scaleEntriesFromParent / parentEntriesFromScale
// around updateManagedFields on the Scale object.
//
// The context: `manager` (managerOrUserAgent(fieldManager, userAgent)), `apiVersion` of the
// request, `subresource`, `now`, the kind's `schema` (built-in schemas carry
// x-kubelite-definition and are treated as typed kinds, others as unstructured custom
// resources) and `resetFields` (by default status on the main resource when the schema has
// one, spec on /status).

export {
  updateManagedFields,
  serverSideApply,
  defaultResetFields,
  type ManagedFieldsContext,
  type ApplyContext,
} from './field-manager.js';
export { ignoreManagedFieldsTimestamps } from './timestamps.js';
export { scaleEntriesFromParent, parentEntriesFromScale, replicasPath, type ReplicasPaths } from './scale.js';
export {
  managerOrUserAgent,
  validateFieldManager,
  validateManagedFields,
  decodeManagedFields,
  encodeManagedFields,
  managerIdentifier,
} from './managed-fields.js';
export { lastAppliedAnnotation } from './last-applied.js';
export { maxUpdateManagers } from './cap-managers.js';
export { FieldSet } from './field-set.js';
export { rootType } from './type-model.js';
export { fieldSetOf } from './to-field-set.js';
