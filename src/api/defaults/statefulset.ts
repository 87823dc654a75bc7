// apps/v1 StatefulSet defaults (SetDefaults_StatefulSet): OrderedReady pod management,
// RollingUpdate from partition 0, claims retained on delete and scale-down, one replica, ten
// revisions kept; the pod template's defaults; and volumeClaimTemplates written as the full
// PersistentVolumeClaims the API server stores (apiVersion, kind, volumeMode, Pending status).

import type { KubeObject } from '../object.js';
import { setDefaultsPersistentVolumeClaim } from './core-kinds.js';
import { defaultEmbeddedMeta, defaultPodTemplate, ensureObject, objects, setIfAbsent, setIfEmpty } from './groups-common.js';

export function setDefaultsStatefulSet(sts: KubeObject): void {
  const spec = ensureObject(sts, 'spec');
  if (!spec) return;
  setIfEmpty(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureObject(spec, 'updateStrategy');
  if (strategy) {
    if (strategy.type === undefined || strategy.type === null || strategy.type === '') {
      strategy.type = 'RollingUpdate';
      setIfAbsent(strategy, 'rollingUpdate', {});
    }
    const ru = strategy.rollingUpdate;
    if (strategy.type === 'RollingUpdate' && typeof ru === 'object' && ru !== null && !Array.isArray(ru)) {
      setIfAbsent(ru as Record<string, unknown>, 'partition', 0);
    }
  }
  const retention = ensureObject(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    setIfEmpty(retention, 'whenDeleted', 'Retain');
    setIfEmpty(retention, 'whenScaled', 'Retain');
  }
  setIfAbsent(spec, 'replicas', 1);
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec);
  for (const claim of objects(spec.volumeClaimTemplates)) {
    setIfEmpty(claim, 'apiVersion', 'v1');
    setIfEmpty(claim, 'kind', 'PersistentVolumeClaim');
    defaultEmbeddedMeta(claim);
    setDefaultsPersistentVolumeClaim(claim as KubeObject);
  }
}
