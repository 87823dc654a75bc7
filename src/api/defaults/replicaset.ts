// apps/v1 ReplicaSet defaults: one replica and the pod template's defaults.

import type { KubeObject } from '../object.js';
import { defaultPodTemplate, ensureObject, setIfAbsent } from './groups-common.js';

export function setDefaultsReplicaSet(rs: KubeObject): void {
  const spec = ensureObject(rs, 'spec');
  if (!spec) return;
  setIfAbsent(spec, 'replicas', 1);
  defaultPodTemplate(spec);
}
