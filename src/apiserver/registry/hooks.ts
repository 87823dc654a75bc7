// Resource-specific behaviour on top of the generic store: Services get cluster IPs and node
// ports, Pods are deleted gracefully once they are on a node, Namespaces wait for their
// contents to go (spec.finalizers) and show Terminating meanwhile.

import type { KubeObject } from '../../api/object.js';
import type { ResourceType } from '../../api/scheme.js';
import type { Clock } from '../../machinery/clock.js';
import { field, goStringSlice, invalid, type FieldError } from '../../machinery/errors.js';
import type { Storage } from '../../storage/interface.js';
import { AllocationError, NodePortAllocator, ServiceIPAllocator } from './allocator.js';
import { dropServiceTypeDependentFields, normalizeServiceClusterIPs, setServiceIPFamilyDefaults } from '../../api/defaults/service.js';
import type { DeleteOptions, ResourceHooks } from './store.js';
import { generateJobSelector } from '../../api/defaults/job.js';
import { prepareTemplateGeneration } from '../../controllers/daemonset/util.js';
import { semanticEqual } from '../../api/validation/shape.js';
import { updateStoredVersions } from '../../api/defaults/crd.js';
import { customResourceDefinitionDeletionHooks } from '../crd/deletion.js';

export interface HookDeps {
  storage: Storage;
  clock: Clock;
  serviceCIDR?: string;
  nodePortRange?: [number, number];
  /** Set by serviceHooks: the allocators, for the bootstrap of the `kubernetes` Service. */
  serviceIPs?: ServiceIPAllocator;
  nodePorts?: NodePortAllocator;
}

export const defaultServiceCIDR = '10.43.0.0/16';

interface ServicePort {
  name?: string;
  port?: number;
  nodePort?: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  healthCheckNodePort?: number;
  externalTrafficPolicy?: string;
}

function specOf(svc: KubeObject): ServiceSpec {
  if (!svc.spec || typeof svc.spec !== 'object') svc.spec = {};
  return svc.spec as ServiceSpec;
}

function needsClusterIP(spec: ServiceSpec): boolean {
  return spec.type !== 'ExternalName';
}

function needsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

function podGracePeriod(pod: KubeObject, options: DeleteOptions): number {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  // Not on a node, or finished: nothing to stop, so it goes at once.
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  if (options.gracePeriodSeconds !== undefined) return Math.max(0, options.gracePeriodSeconds);
  return spec.terminationGracePeriodSeconds ?? 30;
}

function serviceHooks(deps: HookDeps): ResourceHooks {
  const ips = (deps.serviceIPs ??= new ServiceIPAllocator(deps.serviceCIDR ?? defaultServiceCIDR));
  const ports = (deps.nodePorts ??= new NodePortAllocator(...(deps.nodePortRange ?? [30000, 32767])));
  // What the current write reserved, so a failed write can give it back.
  const reserved = new WeakMap<KubeObject, { ips: string[]; ports: number[] }>();

  const fail = (svc: KubeObject, errors: FieldError[]): never => {
    throw invalid('Service', '', svc.metadata.name ?? '', errors);
  };

  function allocate(svc: KubeObject, old: KubeObject | undefined): void {
    const spec = specOf(svc);
    const oldSpec = old ? specOf(old) : undefined;
    const took = { ips: [] as string[], ports: [] as number[] };
    reserved.set(svc, took);
    try {
      if (old) {
        normalizeServiceClusterIPs(svc, old);
        dropServiceTypeDependentFields(svc, old);
      }
      if (needsClusterIP(spec)) {
        const had = oldSpec && needsClusterIP(oldSpec) ? oldSpec.clusterIP : undefined;
        if (had) {
          // The address of an existing Service never changes; a replace that drops or changes
          // it is left for validation to refuse ("field is immutable"), as seed 004 shows.
        } else if (spec.clusterIP === 'None') {
          spec.clusterIPs = ['None'];
        } else {
          if (!spec.clusterIP && spec.clusterIPs?.[0]) spec.clusterIP = spec.clusterIPs[0];
          if (spec.clusterIP) {
            try {
              ips.allocate(spec.clusterIP);
            } catch (e) {
              if (e instanceof AllocationError) fail(svc, [field.invalid('spec.clusterIPs', goStringSlice([spec.clusterIP]), e.message)]);
              throw e;
            }
          } else {
            spec.clusterIP = ips.allocateNext();
          }
          took.ips.push(spec.clusterIP);
          spec.clusterIPs = [spec.clusterIP];
        }
        setServiceIPFamilyDefaults(svc);
      }
      if (needsNodePorts(spec)) {
        const oldPorts = new Set((oldSpec && needsNodePorts(oldSpec) ? oldSpec.ports ?? [] : []).map((p) => p.nodePort).filter((p): p is number => !!p));
        (spec.ports ?? []).forEach((p, i) => {
          if (p.nodePort && oldPorts.has(p.nodePort)) return;
          if (p.nodePort) {
            try {
              ports.allocate(p.nodePort);
            } catch (e) {
              if (e instanceof AllocationError) fail(svc, [field.invalid(`spec.ports[${i}].nodePort`, p.nodePort, e.message)]);
              throw e;
            }
          } else {
            p.nodePort = ports.allocateNext();
          }
          took.ports.push(p.nodePort);
        });
      } else {
        for (const p of spec.ports ?? []) delete p.nodePort;
      }
    } catch (e) {
      release(took);
      reserved.delete(svc);
      throw e;
    }
  }

  function release(took: { ips: string[]; ports: number[] } | undefined): void {
    for (const ip of took?.ips ?? []) ips.release(ip);
    for (const p of took?.ports ?? []) ports.release(p);
  }

  function inUse(svc: KubeObject): { ips: string[]; ports: number[] } {
    const spec = specOf(svc);
    return {
      ips: needsClusterIP(spec) && spec.clusterIP && spec.clusterIP !== 'None' ? [spec.clusterIP] : [],
      ports: needsNodePorts(spec) ? (spec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p) : [],
    };
  }

  return {
    beforeCreate: (svc) => allocate(svc, undefined),
    createFailed: (svc) => release(reserved.get(svc)),
    beforeUpdate: (svc, old) => {
      allocate(svc, old);
      // What the old object held and the new one no longer does is freed once the write lands;
      // freeing it now is safe because the write is serialised through the store.
      const now = inUse(svc);
      const before = inUse(old);
      const stale = {
        ips: before.ips.filter((ip) => !now.ips.includes(ip)),
        ports: before.ports.filter((p) => !now.ports.includes(p)),
      };
      reserved.set(old, stale);
    },
    updateFailed: (svc, old) => {
      release(reserved.get(svc));
      reserved.delete(old);
    },
    afterUpdate: (_svc, old) => {
      release(reserved.get(old));
      reserved.delete(old);
    },
    afterDelete: (svc) => release(inUse(svc)),
    restore: (svc) => {
      const used = inUse(svc);
      for (const ip of used.ips) if (!ips.isAllocated(ip)) ips.allocate(ip);
      for (const p of used.ports) {
        try {
          ports.allocate(p);
        } catch {
          /* a duplicate in stored data: keep serving */
        }
      }
    },
  };
}

const namespaceHooks: ResourceHooks = {
  beforeCreate(ns) {
    // Every namespace waits for the namespace controller to empty it before it goes.
    ns.spec = { ...(ns.spec as object | undefined), finalizers: ['kubernetes'] };
  },
  holdsDeletion: (ns) => ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length > 0,
  markDeleting(ns) {
    ns.status = { ...(ns.status as object | undefined), phase: 'Terminating' };
  },
  // Deleting a namespace orphans nothing: its contents are deleted by the namespace controller.
};

export function hooksFor(r: ResourceType, deps: HookDeps): ResourceHooks | undefined {
  const key = `${r.group}/${r.plural}`;
  switch (key) {
    case '/pods':
      return { gracePeriod: podGracePeriod };
    case '/services':
      return serviceHooks(deps);
    case '/namespaces':
      return namespaceHooks;
    case 'apps/daemonsets':
      // deprecated.daemonset.template.generation: 1 on create, +1 whenever the template changes.
      return {
        beforeCreate: (ds) => prepareTemplateGeneration(ds, undefined, semanticEqual),
        beforeUpdate: (ds, old) => prepareTemplateGeneration(ds, old, semanticEqual),
      };
    case 'batch/jobs':
      // PrepareForCreate: the selector (controller-uid) is generated from the new uid.
      return { beforeCreate: (job) => generateJobSelector(job) };
    case 'apiextensions.k8s.io/customresourcedefinitions':
      return {
        beforeCreate: (crd) => updateStoredVersions(crd),
        beforeUpdate: (crd) => updateStoredVersions(crd),
        // A CRD waits for its instances to be deleted (customresourcecleanup finalizer).
        ...customResourceDefinitionDeletionHooks(deps.clock),
      };
    default:
      return undefined;
  }
}
