// scheduling.k8s.io/v1 PriorityClass defaults: pods of the class may preempt lower ones unless
// stated.

import type { KubeObject } from '../object.js';
import { setIfAbsent } from './groups-common.js';

export function setDefaultsPriorityClass(pc: KubeObject): void {
  setIfAbsent(pc, 'preemptionPolicy', 'PreemptLowerPriority');
}
