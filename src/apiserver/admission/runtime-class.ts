// RuntimeClass: a pod that names a RuntimeClass takes its pod overhead and its scheduling
// constraints (node selector and tolerations); a pod whose overhead disagrees with its class,
// or that names a class that does not exist, is refused.

import type { KubeObject } from '../../api/object.js';
import { parseResourceList, listsEqual } from './resources/resource-list.js';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from './types.js';
import { admissionForbidden, asObject, asObjects, isMainResource, type AdmissionPhase, type JsonObject } from './util.js';

/** isSuperset (pkg/util/tolerations): whether `ss` tolerates everything `t` does. */
export function toleratesSuperset(ss: JsonObject, t: JsonObject): boolean {
  if (sameToleration(ss, t)) return true;
  const ssKey = (ss.key as string | undefined) ?? '';
  const tKey = (t.key as string | undefined) ?? '';
  // An empty key with Exists matches every key.
  if (tKey !== ssKey && (ssKey !== '' || ss.operator !== 'Exists')) return false;
  const ssEffect = (ss.effect as string | undefined) ?? '';
  if ((t.effect ?? '') !== ssEffect && ssEffect !== '') return false;
  if (ssEffect === 'NoExecute' && typeof ss.tolerationSeconds === 'number') {
    if (typeof t.tolerationSeconds !== 'number' || t.tolerationSeconds > ss.tolerationSeconds) return false;
  }
  switch (ss.operator ?? '') {
    case 'Equal':
    case '':
      return t.operator === 'Equal' && (t.value ?? '') === (ss.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

function sameToleration(a: JsonObject, b: JsonObject): boolean {
  const norm = (t: JsonObject) => JSON.stringify([t.key ?? '', t.operator ?? '', t.value ?? '', t.effect ?? '', t.tolerationSeconds ?? null]);
  return norm(a) === norm(b);
}

/** MergeTolerations: both lists, without tolerations another one already covers. */
export function mergeTolerations(first: JsonObject[], second: JsonObject[]): JsonObject[] {
  const all = [...first, ...second];
  const merged: JsonObject[] = [];
  next: for (let i = 0; i < all.length; i++) {
    const t = all[i];
    for (const m of merged) if (toleratesSuperset(m, t)) continue next;
    for (const later of all.slice(i + 1)) {
      // Of two equal tolerations the first is kept.
      if (!sameToleration(t, later) && toleratesSuperset(later, t)) continue next;
    }
    merged.push(t);
  }
  return merged;
}

const overheadMismatch = "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";

async function runtimeClassOf(attrs: AdmissionAttributes, lookup: AdmissionLookup, phase: AdmissionPhase): Promise<KubeObject | undefined> {
  const name = asObject(attrs.object!.spec).runtimeClassName;
  if (typeof name !== 'string') return undefined;
  const rc = await lookup.get('node.k8s.io', 'runtimeclasses', '', name);
  if (!rc) throw admissionForbidden(attrs, `pod rejected: RuntimeClass "${name}" not found`, phase);
  return rc;
}

function applies(attrs: AdmissionAttributes): boolean {
  return attrs.operation === 'CREATE' && isMainResource(attrs, '', 'pods') && !!attrs.object;
}

export const runtimeClass: AdmissionPlugin = {
  name: 'RuntimeClass',
  async admit(attrs, lookup) {
    if (!applies(attrs)) return;
    const rc = await runtimeClassOf(attrs, lookup, 'admit');
    if (!rc) return;
    const pod = attrs.object!;
    if (!pod.spec || typeof pod.spec !== 'object') pod.spec = {};
    const spec = pod.spec as JsonObject;
    if (rc.overhead !== undefined && rc.overhead !== null) {
      const podFixed = asObject(rc.overhead).podFixed;
      const have = parseResourceList(spec.overhead);
      if (have.size > 0 && !listsEqual(have, parseResourceList(podFixed))) throw admissionForbidden(attrs, overheadMismatch, 'admit');
      if (podFixed === undefined || podFixed === null) delete spec.overhead;
      else spec.overhead = { ...asObject(podFixed) };
    }
    const scheduling = rc.scheduling ? asObject(rc.scheduling) : undefined;
    if (scheduling) {
      const wanted = asObject(scheduling.nodeSelector) as Record<string, string>;
      const selector = spec.nodeSelector && typeof spec.nodeSelector === 'object' ? (spec.nodeSelector as Record<string, string>) : undefined;
      if (!selector) {
        if (Object.keys(wanted).length) spec.nodeSelector = { ...wanted };
      } else {
        for (const [k, v] of Object.entries(wanted)) {
          if (k in selector && selector[k] !== v) {
            throw admissionForbidden(attrs, `conflict: runtimeClass.scheduling.nodeSelector[${k}] = ${v}; pod.spec.nodeSelector[${k}] = ${selector[k]}`, 'admit');
          }
          selector[k] = v;
        }
      }
      const merged = mergeTolerations(asObjects(spec.tolerations), asObjects(scheduling.tolerations));
      if (merged.length) spec.tolerations = merged;
    }
  },
  async validate(attrs, lookup) {
    if (!applies(attrs)) return;
    const rc = await runtimeClassOf(attrs, lookup, 'validate');
    const spec = asObject(attrs.object!.spec);
    if (rc && rc.overhead !== undefined && rc.overhead !== null) {
      // Semantic equality: an empty list equals an absent one.
      if (!listsEqual(parseResourceList(asObject(rc.overhead).podFixed), parseResourceList(spec.overhead))) throw admissionForbidden(attrs, overheadMismatch, 'validate');
    } else if (spec.overhead !== undefined && spec.overhead !== null) {
      throw admissionForbidden(attrs, 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead', 'validate');
    }
  },
};
