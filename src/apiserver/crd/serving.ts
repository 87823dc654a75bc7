// Which custom resources the API server serves: an established CRD's resource registered in
// the scheme (discovery and routing follow it), its schemas and behaviour in the registry, and
// its OpenAPI documents refreshed. Registration is redone only when something served changes.

import type { ResourceType } from '../../api/scheme.js';
import type { Registry } from '../registry/registry.js';
import { customResourceBehaviour } from './behaviour.js';
import type { Definition } from './definition.js';
import { ConditionType } from './names.js';
import { resourceTypeFor } from './resource-type.js';

interface Served {
  resource: ResourceType;
  /** Everything the registration was built from, to notice changes. */
  key: string;
  versions: string[];
}

export class ServedResources {
  private readonly served = new Map<string, Served>();

  constructor(private readonly registry: Registry) {}

  /** The resource served for a CRD (by CRD name). */
  get(crdName: string): ResourceType | undefined {
    return this.served.get(crdName)?.resource;
  }

  names(): string[] {
    return [...this.served.keys()];
  }

  /** Serves an established CRD's resource (again, if anything served changed); unserves others. */
  serve(crd: Definition): void {
    if (!crd.isTrue(ConditionType.Established) || !crd.acceptedNames.plural || !crd.acceptedNames.kind) {
      this.unserve(crd.name);
      return;
    }
    const resource = resourceTypeFor(crd);
    const key = JSON.stringify({ resource, spec: crd.object.spec, terminating: crd.isTrue(ConditionType.Terminating) });
    const previous = this.served.get(crd.name);
    if (previous?.key === key) return;
    if (previous && (previous.resource.plural !== resource.plural || previous.resource.group !== resource.group || previous.resource.kind !== resource.kind)) {
      this.unserve(crd.name);
    }
    const { behaviour, schemas } = customResourceBehaviour(crd, resource);
    const versions = crd.versions.map((v) => v.name);
    for (const [v, schema] of schemas) this.registry.setCustomSchema(resource.group, v, resource.kind, schema);
    for (const v of this.served.get(crd.name)?.versions ?? []) {
      if (!versions.includes(v)) this.registry.setCustomSchema(resource.group, v, resource.kind, undefined);
    }
    this.registry.setCustomResourceBehaviour(resource.group, resource.plural, behaviour);
    this.registry.scheme.registerResource(resource);
    const publisher = this.registry.openapi();
    for (const v of new Set([...versions, ...(previous?.versions ?? [])])) publisher.invalidate(resource.group, v);
    this.served.set(crd.name, { resource, key, versions });
  }

  /** Stops serving a CRD's resource; returns what was served. */
  unserve(crdName: string): ResourceType | undefined {
    const s = this.served.get(crdName);
    if (!s) return undefined;
    const { group, plural, kind } = s.resource;
    this.served.delete(crdName);
    this.registry.scheme.unregisterResource(group, plural);
    this.registry.setCustomResourceBehaviour(group, plural, undefined);
    const publisher = this.registry.openapi();
    for (const v of s.versions) {
      this.registry.setCustomSchema(group, v, kind, undefined);
      publisher.invalidate(group, v);
    }
    return s.resource;
  }
}
