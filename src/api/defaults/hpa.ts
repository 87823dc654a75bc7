// autoscaling/v2 HorizontalPodAutoscaler defaults (SetDefaults_HorizontalPodAutoscaler): at
// least one replica, 80% average CPU utilization when no metric is given, and, once behavior is
// given at all, every scaling rule filled in (scale up by 4 pods or 100% every 15 s, scale down
// by 100% every 15 s; Max policy). Metric quantities are stored in canonical form.

import type { KubeObject } from '../object.js';
import { absent, ensureObject, isObject, objects, setIfAbsent, type JsonObject } from './groups-common.js';
import { canonicalQuantityValue } from './quantities.js';

export const defaultCPUUtilization = 80;

function defaultScaleUpRules(): JsonObject {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** The scale-down window stays unset: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies. */
function defaultScaleDownRules(): JsonObject {
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** copyHPAScalingRules: the given fields over the defaults. */
function fillRules(given: unknown, defaults: JsonObject): JsonObject {
  if (!isObject(given)) return defaults;
  const out: JsonObject = { ...defaults };
  for (const k of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) if (!absent(given[k])) out[k] = given[k];
  return out;
}

function canonicalizeTarget(target: unknown): void {
  if (!isObject(target)) return;
  for (const k of ['value', 'averageValue']) if (!absent(target[k])) target[k] = canonicalQuantityValue(target[k]);
}

export function setDefaultsHorizontalPodAutoscaler(hpa: KubeObject): void {
  const spec = ensureObject(hpa, 'spec');
  if (!spec) return;
  setIfAbsent(spec, 'minReplicas', 1);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } },
    ];
  }
  for (const metric of objects(spec.metrics)) {
    for (const source of ['object', 'pods', 'resource', 'containerResource', 'external']) {
      if (isObject(metric[source])) canonicalizeTarget(metric[source].target);
    }
  }
  if (isObject(spec.behavior)) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, defaultScaleUpRules());
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, defaultScaleDownRules());
  }
}
