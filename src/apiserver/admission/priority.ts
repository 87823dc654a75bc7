// Priority: a new pod's spec.priority (and preemptionPolicy) come from its PriorityClass — the
// one it names, else the cluster's globalDefault class, else 0 — and a pod may not claim a
// priority of its own. Only one PriorityClass may be the global default, and the built-in
// system classes cannot be deleted.

import type { KubeObject } from '../../api/object.js';
import { forbidden } from '../../machinery/errors.js';
import type { AdmissionLookup, AdmissionPlugin } from './types.js';
import { admissionForbidden, asString, isMainResource, type JsonObject } from './util.js';

/** scheduling.DefaultPriorityWhenNoDefaultClassExists. */
export const defaultPriorityWhenNoDefaultClass = 0;
export const systemPriorityClasses = ['system-node-critical', 'system-cluster-critical'];

/** The global default class; if a race made several, the lowest value wins. */
export async function defaultPriorityClass(lookup: AdmissionLookup): Promise<KubeObject | undefined> {
  let chosen: KubeObject | undefined;
  for (const pc of await lookup.list('scheduling.k8s.io', 'priorityclasses', '')) {
    if (pc.globalDefault !== true) continue;
    if (!chosen || (chosen.value as number) > (pc.value as number)) chosen = pc;
  }
  return chosen;
}

async function admitPod(attrs: Parameters<NonNullable<AdmissionPlugin['admit']>>[0], lookup: AdmissionLookup): Promise<void> {
  const pod = attrs.object!;
  if (!pod.spec || typeof pod.spec !== 'object') pod.spec = {};
  const spec = pod.spec as JsonObject;
  if (attrs.operation === 'UPDATE') {
    // Priority was set at creation; an update that leaves it out keeps it (validation forbids changes).
    const old = (attrs.oldObject?.spec ?? {}) as JsonObject;
    if (spec.priority === undefined && old.priority !== undefined) spec.priority = old.priority;
    if (spec.preemptionPolicy === undefined && old.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy;
    return;
  }
  let priority: number;
  let preemptionPolicy: string | undefined;
  const className = asString(spec.priorityClassName);
  if (className === '') {
    const def = await defaultPriorityClass(lookup);
    if (def) {
      spec.priorityClassName = def.metadata.name;
      priority = def.value as number;
      preemptionPolicy = typeof def.preemptionPolicy === 'string' ? def.preemptionPolicy : undefined;
    } else {
      priority = defaultPriorityWhenNoDefaultClass;
      preemptionPolicy = 'PreemptLowerPriority';
    }
  } else {
    const pc = await lookup.get('scheduling.k8s.io', 'priorityclasses', '', className);
    if (!pc) throw admissionForbidden(attrs, `no PriorityClass with name ${className} was found`, 'admit');
    priority = pc.value as number;
    preemptionPolicy = typeof pc.preemptionPolicy === 'string' ? pc.preemptionPolicy : undefined;
  }
  if (typeof spec.priority === 'number' && spec.priority !== priority) {
    throw admissionForbidden(
      attrs,
      `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
      'admit',
    );
  }
  spec.priority = priority;
  if (preemptionPolicy !== undefined) {
    if (typeof spec.preemptionPolicy === 'string' && spec.preemptionPolicy !== preemptionPolicy) {
      throw admissionForbidden(
        attrs,
        `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`,
        'admit',
      );
    }
    spec.preemptionPolicy = preemptionPolicy;
  }
}

export const priority: AdmissionPlugin = {
  name: 'Priority',
  async admit(attrs, lookup) {
    if ((attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') || !isMainResource(attrs, '', 'pods') || !attrs.object) return;
    await admitPod(attrs, lookup);
  },
  async validate(attrs, lookup) {
    if (!isMainResource(attrs, 'scheduling.k8s.io', 'priorityclasses')) return;
    if (attrs.operation === 'DELETE') {
      // Upstream's PriorityClass storage refuses this before admission; the message is the same.
      if (systemPriorityClasses.includes(attrs.name)) {
        throw forbidden({ group: 'scheduling.k8s.io', resource: 'priorityclasses' }, attrs.name, 'this is a system priority class and cannot be deleted');
      }
      return;
    }
    const pc = attrs.object;
    if (!pc || pc.globalDefault !== true) return;
    const def = await defaultPriorityClass(lookup);
    if (!def) return;
    if (attrs.operation === 'CREATE' || (attrs.operation === 'UPDATE' && def.metadata.name !== pc.metadata.name)) {
      throw admissionForbidden(attrs, `PriorityClass ${def.metadata.name} is already marked as default. Only one default can exist`, 'validate');
    }
  },
};
