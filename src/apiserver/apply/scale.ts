// managedFields across the scale subresource. A Scale object shows, and a write to /scale
// changes, only spec.replicas; its managedFields are the parent's entries that own the
// parent's replicas field, moved to autoscaling/v1 and spec.replicas. After the write, the
// entries come back: managers that lost replicas to the scale writer lose it in the parent,
// and the scale writer gets an entry owning the parent's replicas field (as upstream, it
// inherits no time of its own from the parent). As upstream's managedfields.ScaleHandler.

import type { ManagedFieldsEntry } from '../../api/object.js';
import { FieldSet } from './field-set.js';
import { decodeManagedFields, encodeManagedFields, type Managed } from './managed-fields.js';
import { fieldElement, type Path } from './path-element.js';
import type { ManagerSets } from './updater.js';

/** API version of the parent → its replicas field path (null for kinds without one). */
export type ReplicasPaths = Record<string, readonly string[] | null>;

const scaleGroupVersion = 'autoscaling/v1';
const replicasInScale: Path = [fieldElement('spec'), fieldElement('replicas')];

/** `.spec.replicas` (a scale subresource's specReplicasPath) → ['spec', 'replicas']. */
export function replicasPath(jsonPath: string): string[] {
  return jsonPath.replace(/^\./, '').split('.');
}

const toPath = (names: readonly string[]): Path => names.map(fieldElement);

/** The Scale object's managedFields, from its parent's. */
export function scaleEntriesFromParent(parentEntries: ManagedFieldsEntry[] | undefined, paths: ReplicasPaths): ManagedFieldsEntry[] | undefined {
  const parent = decodeManagedFields(parentEntries);
  const out: Managed = { fields: new Map(), times: new Map() };
  for (const [id, vs] of parent.fields) {
    const path = paths[vs.apiVersion];
    if (!path || !vs.set.has(toPath(path))) continue;
    out.fields.set(id, { set: FieldSet.of(replicasInScale), apiVersion: scaleGroupVersion, applied: vs.applied });
    out.times.set(id, parent.times.get(id));
  }
  return encodeManagedFields(out);
}

/** The parent's managedFields after a write through /scale produced `scaleEntries`. */
export function parentEntriesFromScale(
  parentEntries: ManagedFieldsEntry[] | undefined,
  scaleEntries: ManagedFieldsEntry[] | undefined,
  parentApiVersion: string,
  paths: ReplicasPaths,
): ManagedFieldsEntry[] | undefined {
  const parent = decodeManagedFields(parentEntries);
  const scale = decodeManagedFields(scaleEntries);
  const scaleFields: ManagerSets = new Map(scale.fields);
  const out: Managed = { fields: new Map(), times: new Map() };
  for (const [id, vs] of parent.fields) {
    if (!(vs.apiVersion in paths)) continue;
    const path = paths[vs.apiVersion];
    if (!path || !vs.set.has(toPath(path))) {
      out.fields.set(id, vs);
      out.times.set(id, parent.times.get(id));
      continue;
    }
    if (!scaleFields.has(id)) {
      // The scale writer took replicas from this manager.
      const rest = vs.set.difference(FieldSet.of(toPath(path)));
      if (!rest.isEmpty()) {
        out.fields.set(id, { ...vs, set: rest });
        out.times.set(id, parent.times.get(id));
      }
    } else {
      out.fields.set(id, vs);
      out.times.set(id, parent.times.get(id));
      scaleFields.delete(id);
    }
  }
  const parentPath = paths[parentApiVersion];
  for (const [id, vs] of scaleFields) {
    if (!vs.set.has(replicasInScale) || !parentPath) continue;
    out.fields.set(id, { set: FieldSet.of(toPath(parentPath)), apiVersion: parentApiVersion, applied: vs.applied });
    out.times.set(id, parent.times.get(id));
  }
  return encodeManagedFields(out);
}
