// networking.k8s.io/v1 NetworkPolicy defaults: ports are TCP unless stated, and policyTypes is
// Ingress (plus Egress when egress rules are given) unless stated.

import type { KubeObject } from '../object.js';
import { ensureObject, objects, setIfAbsent } from './groups-common.js';

export function setDefaultsNetworkPolicy(np: KubeObject): void {
  const spec = ensureObject(np, 'spec');
  if (!spec) return;
  for (const direction of ['ingress', 'egress']) {
    for (const rule of objects(spec[direction])) for (const port of objects(rule.ports)) setIfAbsent(port, 'protocol', 'TCP');
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}
