// DefaultIngressClass: a new Ingress that names no class (neither spec.ingressClassName nor the
// old kubernetes.io/ingress.class annotation) gets the default IngressClass, the one annotated
// ingressclass.kubernetes.io/is-default-class: "true" (the newest when there are several).

import type { KubeObject } from '../../api/object.js';
import type { AdmissionLookup, AdmissionPlugin } from './types.js';
import { annotation, creationTime, isMainResource, type JsonObject } from './util.js';

export const isDefaultIngressClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
export const ingressClassAnnotation = 'kubernetes.io/ingress.class';

export async function defaultIngressClass(lookup: AdmissionLookup): Promise<KubeObject | undefined> {
  const defaults = (await lookup.list('networking.k8s.io', 'ingressclasses', '')).filter((c) => annotation(c, isDefaultIngressClassAnnotation) === 'true');
  defaults.sort((a, b) => creationTime(b) - creationTime(a) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  return defaults[0];
}

export const defaultIngressClassAdmission: AdmissionPlugin = {
  name: 'DefaultIngressClass',
  async admit(attrs, lookup) {
    if (attrs.operation !== 'CREATE' || !isMainResource(attrs, 'networking.k8s.io', 'ingresses') || !attrs.object) return;
    const ingress = attrs.object;
    const spec = ingress.spec as JsonObject | undefined;
    if (spec?.ingressClassName !== undefined && spec.ingressClassName !== null) return;
    if (annotation(ingress, ingressClassAnnotation) !== undefined) return;
    const def = await defaultIngressClass(lookup);
    if (!def) return;
    if (!ingress.spec || typeof ingress.spec !== 'object') ingress.spec = {};
    (ingress.spec as JsonObject).ingressClassName = def.metadata.name;
  },
};
