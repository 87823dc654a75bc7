// The scheme: every resource kubelite serves, with the group, versions, scope, short names,
// categories, verbs and subresources Kubernetes 1.32 gives it. Discovery, routing, storage keys
// and kubectl's resource resolution all read this one table. Custom resources join it at run
// time through registerResource().

import { apiVersionOf } from './object.js';

export const standardVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceType {
  group: string;
  /** Served versions, preferred first. Objects are stored in the first. */
  versions: string[];
  kind: string;
  listKind: string;
  /** Lower-case plural: the resource name in URLs. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresource name → kind it accepts/returns (empty for streaming or proxy ones). */
  subresources: Record<string, SubresourceInfo>;
  /** Storage prefix under /registry; resources that share storage (events) share it. */
  storagePrefix: string;
  /** Set for custom resources. */
  custom?: boolean;
  /** How scale maps onto the object, when it has a scale subresource. */
  scale?: ScaleSubresource;
  /** Create-only virtual resources (reviews, bindings) are never stored. */
  virtual?: boolean;
}

export interface SubresourceInfo {
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

const statusSub: SubresourceInfo = { kind: '', verbs: ['get', 'patch', 'update'] };
const scaleSub: SubresourceInfo = { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

interface Def {
  group?: string;
  versions?: string[];
  kind: string;
  plural?: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: readonly string[];
  subresources?: Record<string, SubresourceInfo>;
  storagePrefix?: string;
  scale?: ScaleSubresource;
  virtual?: boolean;
}

const replicasScale: ScaleSubresource = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.status.selector',
};

function define(d: Def): ResourceType {
  const plural = d.plural ?? d.kind.toLowerCase() + 's';
  const group = d.group ?? '';
  return {
    group,
    versions: d.versions ?? ['v1'],
    kind: d.kind,
    listKind: d.kind + 'List',
    plural,
    singular: d.kind.toLowerCase(),
    namespaced: d.namespaced ?? true,
    shortNames: d.shortNames ?? [],
    categories: d.categories ?? [],
    verbs: [...(d.verbs ?? standardVerbs)],
    subresources: d.subresources ?? {},
    storagePrefix: d.storagePrefix ?? (group ? `/registry/${group}/${plural}` : `/registry/${plural}`),
    scale: d.scale,
    virtual: d.virtual,
  };
}

const createOnly = ['create'] as const;

/** Every built-in resource, in the order `kubectl api-resources` lists groups. */
export const builtinResources: ResourceType[] = [
  // core/v1
  define({ kind: 'Binding', namespaced: true, verbs: createOnly, virtual: true }),
  define({ kind: 'ComponentStatus', plural: 'componentstatuses', namespaced: false, shortNames: ['cs'], verbs: ['get', 'list'], virtual: true }),
  define({ kind: 'ConfigMap', shortNames: ['cm'] }),
  define({ kind: 'Endpoints', plural: 'endpoints', shortNames: ['ep'] }),
  define({ kind: 'Event', shortNames: ['ev'] }),
  define({ kind: 'LimitRange', shortNames: ['limits'] }),
  define({
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: { status: statusSub, finalize: { kind: 'Namespace', verbs: ['update'] } },
  }),
  define({ kind: 'Node', namespaced: false, shortNames: ['no'], subresources: { status: statusSub, proxy: { kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] } } }),
  define({ kind: 'PersistentVolumeClaim', shortNames: ['pvc'], subresources: { status: statusSub } }),
  define({ kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'], subresources: { status: statusSub } }),
  define({
    kind: 'Pod',
    shortNames: ['po'],
    categories: ['all'],
    subresources: {
      attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      binding: { kind: 'Binding', verbs: ['create'] },
      ephemeralcontainers: { kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
      log: { kind: 'Pod', verbs: ['get'] },
      portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      proxy: { kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      status: statusSub,
    },
  }),
  define({ kind: 'PodTemplate' }),
  define({
    kind: 'ReplicationController',
    shortNames: ['rc'],
    categories: ['all'],
    subresources: { scale: scaleSub, status: statusSub },
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  }),
  define({ kind: 'ResourceQuota', shortNames: ['quota'], subresources: { status: statusSub } }),
  define({ kind: 'Secret' }),
  define({ kind: 'ServiceAccount', shortNames: ['sa'], subresources: { token: { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] } } }),
  define({
    kind: 'Service',
    shortNames: ['svc'],
    categories: ['all'],
    subresources: { proxy: { kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }, status: statusSub },
  }),

  // apiextensions.k8s.io
  define({
    group: 'apiextensions.k8s.io',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: { status: statusSub },
  }),

  // apps
  define({ group: 'apps', kind: 'ControllerRevision' }),
  define({ group: 'apps', kind: 'DaemonSet', shortNames: ['ds'], categories: ['all'], subresources: { status: statusSub } }),
  define({ group: 'apps', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], subresources: { scale: scaleSub, status: statusSub }, scale: replicasScale }),
  define({ group: 'apps', kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'], subresources: { scale: scaleSub, status: statusSub }, scale: replicasScale }),
  define({ group: 'apps', kind: 'StatefulSet', shortNames: ['sts'], categories: ['all'], subresources: { scale: scaleSub, status: statusSub }, scale: replicasScale }),

  // authentication / authorization: create-only reviews that are answered, not stored
  define({ group: 'authentication.k8s.io', kind: 'SelfSubjectReview', namespaced: false, verbs: createOnly, virtual: true }),
  define({ group: 'authentication.k8s.io', kind: 'TokenReview', namespaced: false, verbs: createOnly, virtual: true }),
  define({ group: 'authorization.k8s.io', kind: 'LocalSubjectAccessReview', namespaced: true, verbs: createOnly, virtual: true }),
  define({ group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: createOnly, virtual: true }),
  define({ group: 'authorization.k8s.io', kind: 'SelfSubjectRulesReview', namespaced: false, verbs: createOnly, virtual: true }),
  define({ group: 'authorization.k8s.io', kind: 'SubjectAccessReview', namespaced: false, verbs: createOnly, virtual: true }),

  // autoscaling: v2 is stored and preferred; v1 is converted
  define({
    group: 'autoscaling',
    versions: ['v2', 'v1'],
    kind: 'HorizontalPodAutoscaler',
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: { status: statusSub },
  }),

  // batch
  define({ group: 'batch', kind: 'CronJob', shortNames: ['cj'], categories: ['all'], subresources: { status: statusSub } }),
  define({ group: 'batch', kind: 'Job', categories: ['all'], subresources: { status: statusSub } }),

  // certificates
  define({
    group: 'certificates.k8s.io',
    kind: 'CertificateSigningRequest',
    namespaced: false,
    shortNames: ['csr'],
    subresources: { approval: { kind: 'CertificateSigningRequest', verbs: ['get', 'patch', 'update'] }, status: statusSub },
  }),

  // coordination
  define({ group: 'coordination.k8s.io', kind: 'Lease' }),

  // discovery
  define({ group: 'discovery.k8s.io', kind: 'EndpointSlice' }),

  // events.k8s.io shares storage with core events
  define({ group: 'events.k8s.io', kind: 'Event', shortNames: ['ev'], storagePrefix: '/registry/events' }),

  // networking
  define({ group: 'networking.k8s.io', kind: 'IngressClass', plural: 'ingressclasses', namespaced: false }),
  define({ group: 'networking.k8s.io', kind: 'Ingress', plural: 'ingresses', shortNames: ['ing'], subresources: { status: statusSub } }),
  define({ group: 'networking.k8s.io', kind: 'NetworkPolicy', plural: 'networkpolicies', shortNames: ['netpol'] }),

  // node
  define({ group: 'node.k8s.io', kind: 'RuntimeClass', namespaced: false }),

  // policy
  define({ group: 'policy', kind: 'PodDisruptionBudget', shortNames: ['pdb'], subresources: { status: statusSub } }),

  // rbac
  define({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', namespaced: false }),
  define({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', namespaced: false }),
  define({ group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' }),
  define({ group: 'rbac.authorization.k8s.io', kind: 'Role' }),

  // scheduling
  define({ group: 'scheduling.k8s.io', kind: 'PriorityClass', plural: 'priorityclasses', namespaced: false, shortNames: ['pc'] }),

  // storage
  define({ group: 'storage.k8s.io', kind: 'CSIDriver', namespaced: false }),
  define({ group: 'storage.k8s.io', kind: 'CSINode', namespaced: false }),
  define({ group: 'storage.k8s.io', kind: 'StorageClass', plural: 'storageclasses', namespaced: false, shortNames: ['sc'] }),
  define({ group: 'storage.k8s.io', kind: 'VolumeAttachment', namespaced: false, subresources: { status: statusSub } }),
];

/** The group order of discovery documents, as the real API server lists them. */
export const groupOrder = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
];

/**
 * The live registry of resource types: built-ins plus custom resources. Lookups are by
 * (group, version, plural) for routing and by (group, kind) for bodies.
 */
export class Scheme {
  private byPlural = new Map<string, ResourceType>();
  private byKind = new Map<string, ResourceType>();
  private listeners = new Set<() => void>();

  constructor(resources: ResourceType[] = builtinResources) {
    for (const r of resources) this.add(r);
  }

  private add(r: ResourceType): void {
    this.byPlural.set(`${r.group}/${r.plural}`, r);
    this.byKind.set(`${r.group}/${r.kind}`, r);
  }

  /** Registers (or replaces) a custom resource type; discovery and OpenAPI follow. */
  registerResource(r: ResourceType): void {
    const old = this.byPlural.get(`${r.group}/${r.plural}`);
    if (old) this.byKind.delete(`${old.group}/${old.kind}`);
    this.add(r);
    this.changed();
  }

  unregisterResource(group: string, plural: string): void {
    const r = this.byPlural.get(`${group}/${plural}`);
    if (!r) return;
    this.byPlural.delete(`${group}/${plural}`);
    this.byKind.delete(`${group}/${r.kind}`);
    this.changed();
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  /** Resolves a URL's group, version and resource; undefined when not served. */
  resource(group: string, version: string, plural: string): ResourceType | undefined {
    const r = this.byPlural.get(`${group}/${plural}`);
    return r && r.versions.includes(version) ? r : undefined;
  }

  resourceForKind(group: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${group}/${kind}`);
  }

  all(): ResourceType[] {
    return [...this.byPlural.values()];
  }

  /** Group → versions served (preferred first), in discovery order. */
  groups(): { name: string; versions: string[] }[] {
    const versions = new Map<string, string[]>();
    for (const r of this.byPlural.values()) {
      const list = versions.get(r.group) ?? [];
      for (const v of r.versions) if (!list.includes(v)) list.push(v);
      versions.set(r.group, list);
    }
    const names = [...versions.keys()].sort((a, b) => {
      const ia = groupOrder.indexOf(a);
      const ib = groupOrder.indexOf(b);
      if (ia >= 0 && ib >= 0) return ia - ib;
      if (ia >= 0) return -1;
      if (ib >= 0) return 1;
      return a.localeCompare(b);
    });
    return names.map((name) => ({ name, versions: sortVersions(versions.get(name)!) }));
  }

  resourcesIn(group: string, version: string): ResourceType[] {
    return [...this.byPlural.values()]
      .filter((r) => r.group === group && r.versions.includes(version))
      .sort((a, b) => a.plural.localeCompare(b.plural));
  }
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function sortVersions(versions: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = v.match(/^v(\d+)(?:(alpha|beta)(\d+))?$/);
    if (!m) return [3, 0, 0];
    const stability = m[2] === 'alpha' ? 2 : m[2] === 'beta' ? 1 : 0;
    return [stability, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  return [...versions].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || a.localeCompare(b);
  });
}

export function storageApiVersion(r: ResourceType): string {
  return apiVersionOf(r.group, r.versions[0]);
}

/** `deployments.apps`, `pods`: the qualified resource errors name. */
export function qualifiedResource(r: ResourceType): { group: string; resource: string; kind: string } {
  return { group: r.group, resource: r.plural, kind: r.kind };
}
