// The Warning a request to a deprecated CRD version carries: the version's own
// deprecationWarning, or the API server's default naming the newest served, non-deprecated
// version that is newer than it.

import { sortVersions } from '../../api/scheme.js';
import type { Definition } from './definition.js';

/** undefined when the version is not deprecated. */
export function deprecationWarning(crd: Definition, version: string): string | undefined {
  const v = crd.version(version);
  if (!v?.deprecated) return undefined;
  if (v.deprecationWarning !== undefined) return v.deprecationWarning;
  const kind = crd.names.kind;
  const msg = `${crd.group}/${version} ${kind} is deprecated`;
  // sortVersions orders by Kubernetes version priority, highest first.
  const newer = crd.versions
    .filter((x) => x.served && !x.deprecated && x.name !== version)
    .map((x) => x.name)
    .filter((name) => {
      const order = sortVersions([name, version]);
      return order[0] === name;
    });
  if (newer.length === 0) return msg;
  return `${msg}; use ${crd.group}/${sortVersions(newer)[0]} ${kind}`;
}
