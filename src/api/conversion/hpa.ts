// HorizontalPodAutoscaler between autoscaling/v2 (stored) and autoscaling/v1. v1 has one
// metric of its own, a CPU utilization target (targetCPUUtilizationPercentage ⇄ a v2 Resource
// metric for cpu), and carries everything else v2 can say in annotations, as upstream does, so
// that a v1 client reading and writing back an object loses nothing:
//   autoscaling.alpha.kubernetes.io/metrics          the other metric specs (v1 JSON)
//   autoscaling.alpha.kubernetes.io/current-metrics  status.currentMetrics (v1 JSON)
//   autoscaling.alpha.kubernetes.io/conditions       status.conditions
//   autoscaling.alpha.kubernetes.io/behavior         spec.behavior, as Go marshals its internal
//                                                    type (field names, not json tags)
// The annotations exist only in the v1 view: conversion to v2 drops them.

import type { KubeObject } from '../object.js';

type Json = Record<string, unknown>;

export const HpaAnnotation = {
  metricSpecs: 'autoscaling.alpha.kubernetes.io/metrics',
  metricStatuses: 'autoscaling.alpha.kubernetes.io/current-metrics',
  conditions: 'autoscaling.alpha.kubernetes.io/conditions',
  behavior: 'autoscaling.alpha.kubernetes.io/behavior',
} as const;

const roundTripAnnotations: string[] = Object.values(HpaAnnotation);

/** Before v1 had its own default, the controller assumed 80% CPU; conversion makes it explicit. */
export const defaultCPUUtilization = 80;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const o = (v: unknown): Json => (isObj(v) ? v : {});
const has = (v: unknown) => v !== undefined && v !== null;

/** Copies `from[src]` to `to[dst]` when set (Go's omitempty on pointers). */
function copy(to: Json, dst: string, from: Json, src: string): void {
  if (has(from[src])) to[dst] = from[src];
}

/** A non-pointer resource.Quantity: its zero value serialises as "0". */
const quantity = (v: unknown) => (has(v) ? v : '0');

function ref(r: unknown): Json {
  const src = o(r);
  const out: Json = { kind: src.kind ?? '', name: src.name ?? '' };
  if (typeof src.apiVersion === 'string' && src.apiVersion !== '') out.apiVersion = src.apiVersion;
  return out;
}

/** The metric annotations' v1 MetricSpec for a v2 MetricSpec. */
function metricSpecToV1(m: Json): Json {
  const out: Json = { type: m.type ?? '' };
  if (isObj(m.object)) {
    const target = o(m.object.target);
    const metric = o(m.object.metric);
    const v: Json = { target: ref(m.object.describedObject), metricName: metric.name ?? '', targetValue: quantity(target.value) };
    copy(v, 'selector', metric, 'selector');
    copy(v, 'averageValue', target, 'averageValue');
    out.object = v;
  }
  if (isObj(m.pods)) {
    const metric = o(m.pods.metric);
    const v: Json = { metricName: metric.name ?? '', targetAverageValue: quantity(o(m.pods.target).averageValue) };
    copy(v, 'selector', metric, 'selector');
    out.pods = v;
  }
  for (const key of ['resource', 'containerResource']) {
    const src = m[key];
    if (!isObj(src)) continue;
    const target = o(src.target);
    const v: Json = { name: src.name ?? '' };
    copy(v, 'targetAverageUtilization', target, 'averageUtilization');
    copy(v, 'targetAverageValue', target, 'averageValue');
    if (key === 'containerResource') v.container = src.container ?? '';
    out[key] = v;
  }
  if (isObj(m.external)) {
    const target = o(m.external.target);
    const metric = o(m.external.metric);
    const v: Json = { metricName: metric.name ?? '' };
    copy(v, 'metricSelector', metric, 'selector');
    copy(v, 'targetValue', target, 'value');
    copy(v, 'targetAverageValue', target, 'averageValue');
    out.external = v;
  }
  return out;
}

function metricSpecToV2(m: Json): Json {
  const out: Json = { type: m.type ?? '' };
  const identifier = (src: Json, selectorKey: string) => {
    const id: Json = { name: src.metricName ?? '' };
    copy(id, 'selector', src, selectorKey);
    return id;
  };
  if (isObj(m.object)) {
    const src = m.object;
    const target: Json = { type: has(src.averageValue) ? 'AverageValue' : 'Value', value: quantity(src.targetValue) };
    copy(target, 'averageValue', src, 'averageValue');
    out.object = { describedObject: ref(src.target), target, metric: identifier(src, 'selector') };
  }
  if (isObj(m.pods)) {
    out.pods = { metric: identifier(m.pods, 'selector'), target: { type: 'AverageValue', averageValue: quantity(m.pods.targetAverageValue) } };
  }
  for (const key of ['resource', 'containerResource']) {
    const src = m[key];
    if (!isObj(src)) continue;
    const target: Json = { type: has(src.targetAverageUtilization) ? 'Utilization' : 'AverageValue' };
    copy(target, 'averageValue', src, 'targetAverageValue');
    copy(target, 'averageUtilization', src, 'targetAverageUtilization');
    const v: Json = { name: src.name ?? '', target };
    if (key === 'containerResource') v.container = src.container ?? '';
    out[key] = v;
  }
  if (isObj(m.external)) {
    const src = m.external;
    const target: Json = { type: has(src.targetValue) ? 'Value' : 'AverageValue' };
    copy(target, 'value', src, 'targetValue');
    copy(target, 'averageValue', src, 'targetAverageValue');
    out.external = { metric: identifier(src, 'metricSelector'), target };
  }
  return out;
}

function metricStatusToV1(m: Json): Json {
  const out: Json = { type: m.type ?? '' };
  if (isObj(m.object)) {
    const current = o(m.object.current);
    const metric = o(m.object.metric);
    const v: Json = { target: ref(m.object.describedObject), metricName: metric.name ?? '', currentValue: quantity(current.value) };
    copy(v, 'selector', metric, 'selector');
    copy(v, 'averageValue', current, 'averageValue');
    out.object = v;
  }
  if (isObj(m.pods)) {
    const metric = o(m.pods.metric);
    const v: Json = { metricName: metric.name ?? '', currentAverageValue: quantity(o(m.pods.current).averageValue) };
    copy(v, 'selector', metric, 'selector');
    out.pods = v;
  }
  for (const key of ['resource', 'containerResource']) {
    const src = m[key];
    if (!isObj(src)) continue;
    const current = o(src.current);
    const v: Json = { name: src.name ?? '' };
    copy(v, 'currentAverageUtilization', current, 'averageUtilization');
    v.currentAverageValue = quantity(current.averageValue);
    if (key === 'containerResource') v.container = src.container ?? '';
    out[key] = v;
  }
  if (isObj(m.external)) {
    const current = o(m.external.current);
    const metric = o(m.external.metric);
    const v: Json = { metricName: metric.name ?? '' };
    copy(v, 'metricSelector', metric, 'selector');
    v.currentValue = quantity(current.value);
    copy(v, 'currentAverageValue', current, 'averageValue');
    out.external = v;
  }
  return out;
}

function metricStatusToV2(m: Json): Json {
  const out: Json = { type: m.type ?? '' };
  const identifier = (src: Json, selectorKey: string) => {
    const id: Json = { name: src.metricName ?? '' };
    copy(id, 'selector', src, selectorKey);
    return id;
  };
  if (isObj(m.object)) {
    const src = m.object;
    const current: Json = { value: quantity(src.currentValue) };
    copy(current, 'averageValue', src, 'averageValue');
    out.object = { metric: identifier(src, 'selector'), current, describedObject: ref(src.target) };
  }
  if (isObj(m.pods)) out.pods = { metric: identifier(m.pods, 'selector'), current: { averageValue: quantity(m.pods.currentAverageValue) } };
  for (const key of ['resource', 'containerResource']) {
    const src = m[key];
    if (!isObj(src)) continue;
    const current: Json = { averageValue: quantity(src.currentAverageValue) };
    copy(current, 'averageUtilization', src, 'currentAverageUtilization');
    const v: Json = { name: src.name ?? '', current };
    if (key === 'containerResource') v.container = src.container ?? '';
    out[key] = v;
  }
  if (isObj(m.external)) {
    const src = m.external;
    const current: Json = { value: quantity(src.currentValue) };
    copy(current, 'averageValue', src, 'currentAverageValue');
    out.external = { metric: identifier(src, 'metricSelector'), current };
  }
  return out;
}

/** spec.behavior as json.Marshal writes the internal Go type: field names, nil as null. */
function behaviorToGoJson(behavior: Json): Json {
  const rules = (r: unknown) => {
    if (!isObj(r)) return null;
    const policies = Array.isArray(r.policies)
      ? r.policies.map((p) => ({ Type: o(p).type ?? '', Value: o(p).value ?? 0, PeriodSeconds: o(p).periodSeconds ?? 0 }))
      : null;
    return { StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null, SelectPolicy: r.selectPolicy ?? null, Policies: policies };
  };
  return { ScaleUp: rules(behavior.scaleUp), ScaleDown: rules(behavior.scaleDown) };
}

/** A JSON key as encoding/json matches it: exactly, else ignoring case. */
function getCI(obj: Json, name: string): unknown {
  if (name in obj) return obj[name];
  const k = Object.keys(obj).find((key) => key.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : obj[k];
}

function behaviorFromGoJson(v: unknown): Json | undefined {
  if (!isObj(v)) return undefined;
  const rules = (r: unknown): Json | undefined => {
    if (!isObj(r)) return undefined;
    const out: Json = {};
    const window = getCI(r, 'StabilizationWindowSeconds');
    if (has(window)) out.stabilizationWindowSeconds = window;
    const select = getCI(r, 'SelectPolicy');
    if (has(select)) out.selectPolicy = select;
    const policies = getCI(r, 'Policies');
    if (Array.isArray(policies)) {
      out.policies = policies.map((p) => ({ type: getCI(o(p), 'Type') ?? '', value: getCI(o(p), 'Value') ?? 0, periodSeconds: getCI(o(p), 'PeriodSeconds') ?? 0 }));
    }
    return out;
  };
  const out: Json = {};
  const up = rules(getCI(v, 'ScaleUp'));
  const down = rules(getCI(v, 'ScaleDown'));
  if (up) out.scaleUp = up;
  if (down) out.scaleDown = down;
  return out;
}

function parseAnnotation(annotations: Record<string, string> | undefined, key: string): unknown {
  const raw = annotations?.[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** DropRoundTripHorizontalPodAutoscalerAnnotations: a copy of the metadata without them. */
function withoutRoundTripAnnotations(meta: KubeObject['metadata']): KubeObject['metadata'] {
  const annotations = meta?.annotations;
  if (!annotations || !roundTripAnnotations.some((k) => k in annotations)) return { ...meta };
  const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => !roundTripAnnotations.includes(k)));
  const { annotations: _dropped, ...rest } = meta;
  return Object.keys(kept).length ? { ...rest, annotations: kept } : rest;
}

const isCpuResource = (m: unknown) => isObj(m) && m.type === 'Resource' && isObj(m.resource) && m.resource.name === 'cpu';

/** autoscaling/v2 (as stored) → autoscaling/v1. */
export function hpaV2ToV1(hpa: KubeObject): KubeObject {
  const spec = o(hpa.spec);
  const status = o(hpa.status);
  const metrics = Array.isArray(spec.metrics) ? spec.metrics.filter(isObj) : [];
  const metadata = withoutRoundTripAnnotations(hpa.metadata);

  const outSpec: Json = { scaleTargetRef: ref(spec.scaleTargetRef) };
  copy(outSpec, 'minReplicas', spec, 'minReplicas');
  outSpec.maxReplicas = spec.maxReplicas ?? 0;
  // The first cpu Resource metric decides, utilization or not.
  const cpu = metrics.find(isCpuResource);
  const cpuUtilization = cpu && o(o(cpu.resource).target).averageUtilization;
  if (has(cpuUtilization)) outSpec.targetCPUUtilizationPercentage = cpuUtilization;

  const outStatus: Json = {};
  copy(outStatus, 'observedGeneration', status, 'observedGeneration');
  copy(outStatus, 'lastScaleTime', status, 'lastScaleTime');
  outStatus.currentReplicas = status.currentReplicas ?? 0;
  outStatus.desiredReplicas = status.desiredReplicas ?? 0;
  const currentMetrics = Array.isArray(status.currentMetrics) ? status.currentMetrics.filter(isObj) : [];
  for (const m of currentMetrics) {
    const utilization = isCpuResource(m) ? o(o(m.resource).current).averageUtilization : undefined;
    if (has(utilization)) outStatus.currentCPUUtilizationPercentage = utilization;
  }

  const annotations: Record<string, string> = { ...(metadata.annotations ?? {}) };
  const others = metrics.filter((m) => !(isCpuResource(m) && has(o(o(m.resource).target).averageUtilization)));
  if (others.length) annotations[HpaAnnotation.metricSpecs] = JSON.stringify(others.map(metricSpecToV1));
  if (currentMetrics.length) annotations[HpaAnnotation.metricStatuses] = JSON.stringify(currentMetrics.map(metricStatusToV1));
  if (isObj(spec.behavior)) annotations[HpaAnnotation.behavior] = JSON.stringify(behaviorToGoJson(spec.behavior));
  if (Array.isArray(status.conditions) && status.conditions.length) annotations[HpaAnnotation.conditions] = JSON.stringify(status.conditions);
  if (Object.keys(annotations).length) metadata.annotations = annotations;

  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata, spec: outSpec, status: outStatus };
}

/** autoscaling/v1 → autoscaling/v2, reading back what the annotations carry. */
export function hpaV1ToV2(hpa: KubeObject): KubeObject {
  const spec = o(hpa.spec);
  const status = o(hpa.status);
  const annotations = hpa.metadata?.annotations;

  const outSpec: Json = { scaleTargetRef: ref(spec.scaleTargetRef) };
  copy(outSpec, 'minReplicas', spec, 'minReplicas');
  outSpec.maxReplicas = spec.maxReplicas ?? 0;
  let metrics: Json[] = [];
  if (has(spec.targetCPUUtilizationPercentage)) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  const others = parseAnnotation(annotations, HpaAnnotation.metricSpecs);
  if (Array.isArray(others)) metrics = [...others.filter(isObj).map(metricSpecToV2), ...metrics];
  if (metrics.length === 0) {
    metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } }];
  }
  outSpec.metrics = metrics;
  const behavior = behaviorFromGoJson(parseAnnotation(annotations, HpaAnnotation.behavior));
  if (behavior) outSpec.behavior = behavior;

  const outStatus: Json = {};
  copy(outStatus, 'observedGeneration', status, 'observedGeneration');
  copy(outStatus, 'lastScaleTime', status, 'lastScaleTime');
  outStatus.currentReplicas = status.currentReplicas ?? 0;
  outStatus.desiredReplicas = status.desiredReplicas ?? 0;
  if (has(status.currentCPUUtilizationPercentage)) {
    outStatus.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
  }
  const currentMetrics = parseAnnotation(annotations, HpaAnnotation.metricStatuses);
  if (Array.isArray(currentMetrics)) outStatus.currentMetrics = currentMetrics.filter(isObj).map(metricStatusToV2);
  const conditions = parseAnnotation(annotations, HpaAnnotation.conditions);
  if (Array.isArray(conditions)) outStatus.conditions = conditions;

  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: withoutRoundTripAnnotations(hpa.metadata),
    spec: outSpec,
    status: outStatus,
  };
}
