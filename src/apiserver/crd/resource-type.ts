// The scheme entry a CustomResourceDefinition serves: its accepted names, scope, served versions
// (the storage version first, since the registry stores objects in versions[0]), the verbs the
// apiextensions-apiserver's discovery lists for custom resources, and the status and scale
// subresources with the scale paths.

import type { ResourceType, SubresourceInfo } from '../../api/scheme.js';
import type { Definition, VersionSpec } from './definition.js';

/** Upstream's discovery order for custom resource verbs. */
export const customResourceVerbs = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

const subresourceVerbs = ['get', 'patch', 'update'];

/** Served versions with the storage version first, then in spec order. */
export function servedVersions(crd: Definition): string[] {
  const storage = crd.storageVersion;
  const out = storage ? [storage.name] : [];
  for (const v of crd.versions) if (v.served && !out.includes(v.name)) out.push(v.name);
  return out;
}

/** Subresources come from the storage version (the registry has one set per resource). */
function subresourcesOf(version: VersionSpec | undefined): Pick<ResourceType, 'subresources' | 'scale'> {
  const subresources: Record<string, SubresourceInfo> = {};
  let scale: ResourceType['scale'];
  if (version?.subresources?.status) subresources.status = { kind: '', verbs: [...subresourceVerbs] };
  const s = version?.subresources?.scale;
  if (s) {
    subresources.scale = { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: [...subresourceVerbs] };
    scale = { specReplicasPath: s.specReplicasPath, statusReplicasPath: s.statusReplicasPath };
    if (s.labelSelectorPath) scale.labelSelectorPath = s.labelSelectorPath;
  }
  return { subresources, scale };
}

/** The resource a CRD serves, named by its accepted names. */
export function resourceTypeFor(crd: Definition): ResourceType {
  const names = crd.acceptedNames;
  const { subresources, scale } = subresourcesOf(crd.storageVersion ?? crd.versions.find((v) => v.served));
  const r: ResourceType = {
    group: crd.group,
    versions: servedVersions(crd),
    kind: names.kind,
    listKind: names.listKind || `${names.kind}List`,
    plural: names.plural,
    singular: names.singular || names.kind.toLowerCase(),
    namespaced: crd.scope === 'Namespaced',
    shortNames: [...(names.shortNames ?? [])],
    categories: [...(names.categories ?? [])],
    verbs: [...customResourceVerbs],
    subresources,
    storagePrefix: `/registry/${crd.group}/${names.plural}`,
    custom: true,
  };
  if (scale) r.scale = scale;
  return r;
}
