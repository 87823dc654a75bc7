// networking.k8s.io/v1 IngressClass defaults: a parameters reference is cluster-scoped unless
// stated.

import type { KubeObject } from '../object.js';
import { isObject, setIfAbsent } from './groups-common.js';

export function setDefaultsIngressClass(ic: KubeObject): void {
  const spec = ic.spec;
  if (isObject(spec) && isObject(spec.parameters)) setIfAbsent(spec.parameters, 'scope', 'Cluster');
}
