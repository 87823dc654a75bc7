// A typed, read-only view of an apiextensions.k8s.io/v1 CustomResourceDefinition as stored.
// Stored CRDs have passed validation, but the view still reads defensively: a field of the wrong
// shape reads as absent instead of throwing inside the controller.

import type { KubeObject } from '../../api/object.js';
import { arr, isObject, obj, str, type JsonObject } from '../../api/validation/shape.js';

export const CustomResourceCleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

export interface Names {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames?: string[];
  categories?: string[];
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface VersionSpec {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: JsonObject;
  subresources?: { status?: JsonObject; scale?: ScaleSpec };
  additionalPrinterColumns: PrinterColumn[];
  selectableFields: { jsonPath: string }[];
}

function namesOf(v: unknown): Names {
  const n = obj(v);
  const out: Names = { plural: str(n.plural), singular: str(n.singular), kind: str(n.kind), listKind: str(n.listKind) };
  if (Array.isArray(n.shortNames)) out.shortNames = n.shortNames.map(str);
  if (Array.isArray(n.categories)) out.categories = n.categories.map(str);
  return out;
}

function versionOf(v: unknown): VersionSpec {
  const raw = obj(v);
  const sub = obj(raw.subresources);
  const subresources: VersionSpec['subresources'] = {};
  if (isObject(sub.status)) subresources.status = sub.status;
  if (isObject(sub.scale)) {
    const scale = sub.scale;
    subresources.scale = { specReplicasPath: str(scale.specReplicasPath), statusReplicasPath: str(scale.statusReplicasPath) };
    if (str(scale.labelSelectorPath)) subresources.scale.labelSelectorPath = str(scale.labelSelectorPath);
  }
  return {
    name: str(raw.name),
    served: raw.served === true,
    storage: raw.storage === true,
    deprecated: raw.deprecated === true,
    deprecationWarning: typeof raw.deprecationWarning === 'string' ? raw.deprecationWarning : undefined,
    schema: isObject(obj(raw.schema).openAPIV3Schema) ? (obj(raw.schema).openAPIV3Schema as JsonObject) : undefined,
    subresources,
    additionalPrinterColumns: arr(raw.additionalPrinterColumns).map((c) => {
      const col = obj(c);
      return {
        name: str(col.name),
        type: str(col.type),
        format: str(col.format) || undefined,
        description: str(col.description) || undefined,
        priority: typeof col.priority === 'number' ? col.priority : 0,
        jsonPath: str(col.jsonPath),
      };
    }),
    selectableFields: arr(raw.selectableFields).map((f) => ({ jsonPath: str(obj(f).jsonPath) })),
  };
}

/** What the CRD machinery reads of a CustomResourceDefinition. */
export class Definition {
  readonly name: string;
  readonly uid: string;
  readonly group: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly names: Names;
  readonly acceptedNames: Names;
  readonly versions: VersionSpec[];
  readonly conditions: Condition[];
  readonly storedVersions: string[];
  readonly deleting: boolean;
  readonly finalizers: string[];
  readonly conversionStrategy: string;

  constructor(readonly object: KubeObject) {
    const spec = obj(object.spec);
    const status = obj(object.status);
    this.name = object.metadata?.name ?? '';
    this.uid = object.metadata?.uid ?? '';
    this.group = str(spec.group);
    this.scope = spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced';
    this.names = namesOf(spec.names);
    this.acceptedNames = namesOf(status.acceptedNames);
    this.versions = arr(spec.versions).map(versionOf);
    this.conditions = arr(status.conditions).filter(isObject).map((c) => ({ ...c }) as unknown as Condition);
    this.storedVersions = arr(status.storedVersions).map(str);
    this.deleting = !!object.metadata?.deletionTimestamp;
    this.finalizers = object.metadata?.finalizers ?? [];
    this.conversionStrategy = str(obj(spec.conversion).strategy) || 'None';
  }

  get storageVersion(): VersionSpec | undefined {
    return this.versions.find((v) => v.storage);
  }

  version(name: string): VersionSpec | undefined {
    return this.versions.find((v) => v.name === name);
  }

  condition(type: string): Condition | undefined {
    return this.conditions.find((c) => c.type === type);
  }

  isTrue(type: string): boolean {
    return this.condition(type)?.status === 'True';
  }

  /** status.acceptedNames as the raw status holds it (for writing it back). */
  get rawStatus(): JsonObject {
    return obj(this.object.status);
  }
}
