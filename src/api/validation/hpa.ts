// autoscaling HorizontalPodAutoscaler validation, on the v2 shape kubelite stores (v1 objects
// are converted first, as upstream validates its internal type): replica bounds, the scale
// target, metrics of each source type and their targets, and scaling behavior.

import { field, type FieldError } from '../../machinery/errors.js';
import { quantitySign, tryParseQuantity } from '../../machinery/quantity.js';
import type { KubeObject } from '../object.js';
import { isDNS1123Label, isValidPathSegmentName } from './formats.js';
import { validateNonnegative } from './meta.js';
import { validateContainerResourceName } from './resources.js';
import { arr, child, index, isInt, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

/** The longest scaling policy period and stabilization window, in seconds. */
export const maxPeriodSeconds = 1800;
export const maxStabilizationWindowSeconds = 3600;

const metricSourceTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const selectPolicies = ['Disabled', 'Max', 'Min'];
const scalingPolicyTypes = ['Percent', 'Pods'];

export function validateCrossVersionObjectReference(refRaw: unknown, path: string): FieldError[] {
  const ref = obj(refRaw);
  const errs: FieldError[] = [];
  for (const f of ['kind', 'name']) {
    const v = str(ref[f]);
    if (v === '') errs.push(field.required(child(path, f), ''));
    else for (const msg of isValidPathSegmentName(v)) errs.push(field.invalid(child(path, f), v, msg));
  }
  return errs;
}

/** A positive quantity (a target value); unparsable text is an error too. */
function positiveQuantity(v: unknown, path: string, errs: FieldError[]): void {
  if (!isSet(v)) return;
  const q = tryParseQuantity(v);
  if (!q) errs.push(field.invalid(path, v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
  else if (quantitySign(q) !== 1) errs.push(field.invalid(path, v, 'must be positive'));
}

function validateMetricTarget(mtRaw: unknown, path: string): FieldError[] {
  const mt = obj(mtRaw);
  const errs: FieldError[] = [];
  const type = str(mt.type);
  if (type === '') errs.push(field.required(child(path, 'type'), 'must specify a metric target type'));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') {
    errs.push(field.invalid(child(path, 'type'), type, 'must be either Utilization, Value, or AverageValue'));
  }
  positiveQuantity(mt.value, child(path, 'value'), errs);
  positiveQuantity(mt.averageValue, child(path, 'averageValue'), errs);
  if (isSet(mt.averageUtilization) && !(isInt(mt.averageUtilization) && mt.averageUtilization >= 1)) {
    errs.push(field.invalid(child(path, 'averageUtilization'), mt.averageUtilization, 'must be greater than 0'));
  }
  return errs;
}

function validateMetricIdentifier(idRaw: unknown, path: string): FieldError[] {
  const name = str(obj(idRaw).name);
  if (name === '') return [field.required(child(path, 'name'), 'must specify a metric name')];
  return isValidPathSegmentName(name).map((msg) => field.invalid(child(path, 'name'), name, msg));
}

function validateObjectSource(srcRaw: unknown, path: string): FieldError[] {
  const src = obj(srcRaw);
  const target = obj(src.target);
  const errs = [
    ...validateCrossVersionObjectReference(src.describedObject, child(path, 'describedObject')),
    ...validateMetricIdentifier(src.metric, child(path, 'metric')),
    ...validateMetricTarget(src.target, child(path, 'target')),
  ];
  if (!isSet(target.value) && !isSet(target.averageValue)) {
    errs.push(field.required(child(child(path, 'target'), 'averageValue'), 'must set either a target value or averageValue'));
  }
  return errs;
}

function validateExternalSource(srcRaw: unknown, path: string): FieldError[] {
  const src = obj(srcRaw);
  const target = obj(src.target);
  const errs = [...validateMetricIdentifier(src.metric, child(path, 'metric')), ...validateMetricTarget(src.target, child(path, 'target'))];
  if (!isSet(target.value) && !isSet(target.averageValue)) {
    errs.push(field.required(child(child(path, 'target'), 'averageValue'), 'must set either a target value for metric or a per-pod target'));
  }
  if (isSet(target.value) && isSet(target.averageValue)) {
    errs.push(field.forbidden(child(child(path, 'target'), 'value'), 'may not set both a target value for metric and a per-pod target'));
  }
  return errs;
}

function validatePodsSource(srcRaw: unknown, path: string): FieldError[] {
  const src = obj(srcRaw);
  const errs = [...validateMetricIdentifier(src.metric, child(path, 'metric')), ...validateMetricTarget(src.target, child(path, 'target'))];
  if (!isSet(obj(src.target).averageValue)) {
    errs.push(field.required(child(child(path, 'target'), 'averageValue'), 'must specify a positive target averageValue'));
  }
  return errs;
}

function validateUtilizationOrValue(target: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(target.averageUtilization) && !isSet(target.averageValue)) {
    errs.push(field.required(child(child(path, 'target'), 'averageUtilization'), 'must set either a target raw value or a target utilization'));
  }
  if (isSet(target.averageUtilization) && isSet(target.averageValue)) {
    errs.push(field.forbidden(child(child(path, 'target'), 'averageValue'), 'may not set both a target raw value and a target utilization'));
  }
  return errs;
}

function validateResourceSource(srcRaw: unknown, path: string): FieldError[] {
  const src = obj(srcRaw);
  const errs: FieldError[] = [];
  if (str(src.name) === '') errs.push(field.required(child(path, 'name'), 'must specify a resource name'));
  errs.push(...validateMetricTarget(src.target, child(path, 'target')));
  errs.push(...validateUtilizationOrValue(obj(src.target), path));
  return errs;
}

function validateContainerResourceSource(srcRaw: unknown, path: string): FieldError[] {
  const src = obj(srcRaw);
  const errs: FieldError[] = [];
  const name = str(src.name);
  if (name === '') errs.push(field.required(child(path, 'name'), 'must specify a resource name'));
  else errs.push(...validateContainerResourceName(name, child(path, 'name')));
  const container = str(src.container);
  if (container === '') errs.push(field.required(child(path, 'container'), 'must specify a container'));
  else errs.push(...isDNS1123Label(container).map((msg) => field.invalid(child(path, 'container'), container, msg)));
  errs.push(...validateMetricTarget(src.target, child(path, 'target')));
  errs.push(...validateUtilizationOrValue(obj(src.target), path));
  return errs;
}

const sourceFields: [string, (src: unknown, path: string) => FieldError[]][] = [
  ['object', validateObjectSource],
  ['external', validateExternalSource],
  ['pods', validatePodsSource],
  ['resource', validateResourceSource],
  ['containerResource', validateContainerResourceSource],
];

const expectedFieldOfType: Record<string, string> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  External: 'external',
  ContainerResource: 'containerResource',
};

function validateMetricSpec(specRaw: unknown, path: string): FieldError[] {
  const spec = obj(specRaw);
  const errs: FieldError[] = [];
  const type = str(spec.type);
  if (type === '') errs.push(field.required(child(path, 'type'), 'must specify a metric source type'));
  if (!metricSourceTypes.includes(type)) errs.push(field.notSupported(child(path, 'type'), type, metricSourceTypes));
  // Only the first source present is validated; the others are reported as extra below.
  const present: string[] = [];
  for (const [name, validate] of sourceFields) {
    if (!isSet(spec[name])) continue;
    present.push(name);
    if (present.length === 1) errs.push(...validate(spec[name], child(path, name)));
  }
  const expected = expectedFieldOfType[type];
  if (expected === undefined) errs.push(field.notSupported(child(path, 'type'), type, metricSourceTypes));
  else if (!isSet(spec[expected])) errs.push(field.required(child(path, expected), 'must populate information for the given metric source'));
  if (present.length !== 1) {
    for (const name of present) if (name !== expected) errs.push(field.forbidden(child(path, name), 'must populate the given metric source only'));
  }
  return errs;
}

function validateMetrics(metrics: unknown, path: string, minReplicas: unknown): FieldError[] {
  const errs: FieldError[] = [];
  let hasObjectOrExternal = false;
  arr(metrics).forEach((m, i) => {
    errs.push(...validateMetricSpec(m, index(path, i)));
    const type = obj(m).type;
    if (type === 'Object' || type === 'External') hasObjectOrExternal = true;
  });
  if (minReplicas === 0 && !hasObjectOrExternal) {
    errs.push(field.forbidden(path, 'must specify at least one Object or External metric to support scaling to zero replicas'));
  }
  return errs;
}

function validateScalingPolicy(policyRaw: unknown, path: string): FieldError[] {
  const policy = obj(policyRaw);
  const errs: FieldError[] = [];
  if (!scalingPolicyTypes.includes(str(policy.type))) errs.push(field.notSupported(child(path, 'type'), str(policy.type), scalingPolicyTypes));
  const value = isInt(policy.value) ? policy.value : 0;
  if (value <= 0) errs.push(field.invalid(child(path, 'value'), value, 'must be greater than zero'));
  const period = isInt(policy.periodSeconds) ? policy.periodSeconds : 0;
  if (period <= 0) errs.push(field.invalid(child(path, 'periodSeconds'), period, 'must be greater than zero'));
  if (period > maxPeriodSeconds) errs.push(field.invalid(child(path, 'periodSeconds'), period, `must be less than or equal to ${maxPeriodSeconds}`));
  return errs;
}

function validateScalingRules(rulesRaw: unknown, path: string): FieldError[] {
  if (!isSet(rulesRaw)) return [];
  const rules = obj(rulesRaw);
  const errs: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  const windowPath = child(path, 'stabilizationWindowSeconds');
  if (isInt(window) && window < 0) errs.push(field.invalid(windowPath, window, 'must be greater than or equal to zero'));
  if (isInt(window) && window > maxStabilizationWindowSeconds) {
    errs.push(field.invalid(windowPath, window, `must be less than or equal to ${maxStabilizationWindowSeconds}`));
  }
  if (isSet(rules.selectPolicy) && !selectPolicies.includes(str(rules.selectPolicy))) {
    errs.push(field.notSupported(child(path, 'selectPolicy'), rules.selectPolicy, selectPolicies));
  }
  const policiesPath = child(path, 'policies');
  const policies = arr(rules.policies);
  if (policies.length === 0) errs.push(field.required(policiesPath, 'must specify at least one Policy'));
  policies.forEach((p, i) => errs.push(...validateScalingPolicy(p, index(policiesPath, i))));
  return errs;
}

export function validateHorizontalPodAutoscalerSpec(specRaw: unknown, path = 'spec', minReplicasLowerBound = 1): FieldError[] {
  const spec = obj(specRaw);
  const errs: FieldError[] = [];
  const minReplicas = spec.minReplicas;
  const maxReplicas = isInt(spec.maxReplicas) ? spec.maxReplicas : 0;
  if (isInt(minReplicas) && minReplicas < minReplicasLowerBound) {
    errs.push(field.invalid(child(path, 'minReplicas'), minReplicas, `must be greater than or equal to ${minReplicasLowerBound}`));
  }
  if (maxReplicas < 1) errs.push(field.invalid(child(path, 'maxReplicas'), maxReplicas, 'must be greater than 0'));
  if (isInt(minReplicas) && maxReplicas < minReplicas) {
    errs.push(field.invalid(child(path, 'maxReplicas'), maxReplicas, 'must be greater than or equal to `minReplicas`'));
  }
  errs.push(...validateCrossVersionObjectReference(spec.scaleTargetRef, child(path, 'scaleTargetRef')));
  errs.push(...validateMetrics(spec.metrics, child(path, 'metrics'), minReplicas));
  if (isSet(spec.behavior)) {
    const behavior = obj(spec.behavior);
    errs.push(...validateScalingRules(behavior.scaleUp, child(child(path, 'behavior'), 'scaleUp')));
    errs.push(...validateScalingRules(behavior.scaleDown, child(child(path, 'behavior'), 'scaleDown')));
  }
  return errs;
}

/**
 * HPAScaleToZero is alpha and off, so minReplicas is at least 1. (Upstream lets an update keep
 * a stored 0; kubelite never stores one.)
 */
export function validateHorizontalPodAutoscaler(hpa: KubeObject): FieldError[] {
  return validateHorizontalPodAutoscalerSpec(hpa.spec);
}

export function validateHorizontalPodAutoscalerStatus(statusRaw: unknown): FieldError[] {
  const s = obj(statusRaw);
  return [...validateNonnegative(s.currentReplicas, 'status.currentReplicas'), ...validateNonnegative(s.desiredReplicas, 'status.desiredReplicas')];
}

export const horizontalPodAutoscalerValidation: KindValidation = {
  validate: validateHorizontalPodAutoscaler,
  validateStatusUpdate: (hpa) => validateHorizontalPodAutoscalerStatus(hpa.status),
  nameRule: 'subdomain',
};
