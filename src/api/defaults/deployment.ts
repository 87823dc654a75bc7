// apps/v1 Deployment defaults (SetDefaults_Deployment): one replica, RollingUpdate with 25%
// surge and unavailability, ten old ReplicaSets kept, a 600 s progress deadline, and the pod
// template's defaults.

import type { KubeObject } from '../object.js';
import { defaultPodTemplate, ensureObject, setIfAbsent, setIfEmpty } from './groups-common.js';

export function setDefaultsDeployment(d: KubeObject): void {
  const spec = ensureObject(d, 'spec');
  if (!spec) return;
  setIfAbsent(spec, 'replicas', 1);
  const strategy = ensureObject(spec, 'strategy');
  if (strategy) {
    setIfEmpty(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = ensureObject(strategy, 'rollingUpdate');
      if (ru) {
        setIfAbsent(ru, 'maxUnavailable', '25%');
        setIfAbsent(ru, 'maxSurge', '25%');
      }
    }
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  setIfAbsent(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec);
}
