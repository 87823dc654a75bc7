// Keeping managedFields from growing without bound: once more than ten managers have
// recorded updates (applies are never capped), the oldest are folded, per API version, into
// one "ancient-changes" entry, as upstream's capManagersManager does after every update.

import { compareGoStrings, unixSeconds } from './go-format.js';
import { copyManaged, managerIdentifier, type Managed } from './managed-fields.js';

/** How many Update entries an object keeps before the oldest are merged. */
export const maxUpdateManagers = 10;

export const ancientChangesManager = 'ancient-changes';

export function capUpdateManagers(managed: Managed, max = maxUpdateManagers): Managed {
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= max) return managed;
  const out = copyManaged(managed);
  const seconds = (id: string): number => unixSeconds(managed.times.get(id));
  updaters.sort((a, b) => seconds(a) - seconds(b) || compareGoStrings(a, b));

  // Oldest first: the first entry seen of each version stays until a second one of that
  // version arrives; then both go into the version's bucket, and so on until under the cap.
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i];
    const vs = out.fields.get(id)!;
    const time = out.times.get(id);
    const bucket = managerIdentifier({ manager: ancientChangesManager, operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstOfVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!out.fields.has(bucket)) {
      out.fields.set(bucket, out.fields.get(first)!);
      out.fields.delete(first);
    }
    out.fields.set(bucket, { set: vs.set.union(out.fields.get(bucket)!.set), apiVersion: vs.apiVersion, applied: vs.applied });
    out.fields.delete(id);
    length--;
    out.times.set(bucket, time);
  }
  return out;
}
