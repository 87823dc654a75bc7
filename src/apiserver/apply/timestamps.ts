// Writes that change nothing but managedFields times are not writes. After the registry has
// prepared an update, if the only difference from the stored object is the time of some
// managedFields entries, the old times are put back so that storage sees no change and the
// resourceVersion does not move (upstream's IgnoreManagedFieldsTimestampsTransformer, which
// its generic store runs on every update).

import type { KubeObject, ManagedFieldsEntry } from '../../api/object.js';
import { equalValues } from './values.js';

export function ignoreManagedFieldsTimestamps(updated: KubeObject, stored: KubeObject): KubeObject {
  const oldEntries = stored.metadata?.managedFields ?? [];
  const newEntries = updated.metadata?.managedFields ?? [];
  if (oldEntries.length !== newEntries.length || newEntries.length === 0) return updated;
  if (newEntries.every((e, i) => sameTime(e.time, oldEntries[i].time))) return updated;
  if (!newEntries.every((e, i) => equalValues(withoutTime(e), withoutTime(oldEntries[i])))) return updated;
  const restored = newEntries.map((e, i) => restoreTime(e, oldEntries[i].time));
  const candidate: KubeObject = { ...updated, metadata: { ...updated.metadata, managedFields: restored } };
  return equalValues(candidate, stored) ? candidate : updated;
}

function sameTime(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a === b || Date.parse(a) === Date.parse(b);
}

function withoutTime(e: ManagedFieldsEntry): ManagedFieldsEntry {
  const { time: _time, ...rest } = e;
  return rest;
}

function restoreTime(e: ManagedFieldsEntry, time: string | undefined): ManagedFieldsEntry {
  return time === undefined ? withoutTime(e) : { ...e, time };
}
