// discovery.k8s.io/v1 EndpointSlice defaults: ports are unnamed ("") and TCP unless stated.

import type { KubeObject } from '../object.js';
import { objects, setIfAbsent } from './groups-common.js';

export function setDefaultsEndpointSlice(slice: KubeObject): void {
  for (const port of objects(slice.ports)) {
    setIfAbsent(port, 'name', '');
    setIfAbsent(port, 'protocol', 'TCP');
  }
}
