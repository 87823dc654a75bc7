// apps/v1 DaemonSet defaults (SetDefaults_DaemonSet): RollingUpdate one node at a time
// (maxUnavailable 1, maxSurge 0), ten revisions kept, and the pod template's defaults.

import type { KubeObject } from '../object.js';
import { defaultPodTemplate, ensureObject, setIfAbsent, setIfEmpty } from './groups-common.js';

export function setDefaultsDaemonSet(ds: KubeObject): void {
  const spec = ensureObject(ds, 'spec');
  if (!spec) return;
  const strategy = ensureObject(spec, 'updateStrategy');
  if (strategy) {
    setIfEmpty(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = ensureObject(strategy, 'rollingUpdate');
      if (ru) {
        setIfAbsent(ru, 'maxUnavailable', 1);
        setIfAbsent(ru, 'maxSurge', 0);
      }
    }
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec);
}
