// The horizontal pod autoscaler controller (upstream pkg/controller/podautoscaler/horizontal.go),
// autoscaling/v2: every 15 seconds each HPA reads its target's scale subresource, computes a
// replica count per metric (the largest wins), bounds it by min/max and the scaling rules,
// rescales the target through the scale subresource, and reports what it saw in status —
// currentReplicas, desiredReplicas, currentMetrics, lastScaleTime and the AbleToScale,
// ScalingActive and ScalingLimited conditions — with the upstream reasons, messages and
// events (SuccessfulRescale "New size: 4; reason: cpu resource utilization (percentage of
// request) above target").
//
// Without spec.behavior, scale-down is stabilized over the last 5 minutes of recommendations
// and scale-up limited to max(2×current, 4) per sync; with it, each direction has its own
// stabilization window and Pods/Percent policies over periods.

import type { KubeObject } from '../../api/object.js';
import { deepCopy, objectKey, splitApiVersion, splitKey } from '../../api/object.js';
import { rfc3339 } from '../../machinery/clock.js';
import { formatQuantity, parseQuantity, quantityFromMilli, quantityMilliValue } from '../../machinery/quantity.js';
import { parseSelector, type LabelSelector, type Selector } from '../../machinery/labels.js';
import type { ResourceRef } from '../../client/interface.js';
import { R } from '../../client/resources.js';
import { Controller, type ControllerContext, type Reconciler, type Result, type Runnable } from '../controller.js';
import { ClientEventRecorder, type EventRecorder } from '../events.js';
import { SimulatedPodMetrics, type PodMetricsSource } from './metrics.js';
import { defaultCalculatorOptions, plainMetricReplicas, resourceMetrics, resourceReplicas, type CalculatorOptions } from './replica-calculator.js';

export const defaultResyncPeriodMs = 15_000;
/** --horizontal-pod-autoscaler-downscale-stabilization. */
export const defaultDownscaleStabilizationMs = 5 * 60_000;
const scaleUpLimitFactor = 2;
const scaleUpLimitMinimum = 4;

// ---- shapes ----

interface MetricTarget {
  type: 'Utilization' | 'Value' | 'AverageValue';
  averageUtilization?: number;
  averageValue?: string;
  value?: string;
}

export interface MetricSpec {
  type: 'Resource' | 'ContainerResource' | 'Pods' | 'Object' | 'External';
  resource?: { name: string; target: MetricTarget };
  containerResource?: { name: string; container: string; target: MetricTarget };
  pods?: { metric: { name: string; selector?: LabelSelector }; target: MetricTarget };
  object?: { describedObject: { kind: string; name: string; apiVersion?: string }; metric: { name: string; selector?: LabelSelector }; target: MetricTarget };
  external?: { metric: { name: string; selector?: LabelSelector }; target: MetricTarget };
}

export interface MetricStatus {
  type: string;
  resource?: { name: string; current: { averageUtilization?: number; averageValue?: string } };
  containerResource?: { name: string; container: string; current: { averageUtilization?: number; averageValue?: string } };
}

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: ScalingPolicy[];
}

export interface HpaSpec {
  scaleTargetRef: { apiVersion?: string; kind: string; name: string };
  minReplicas?: number;
  maxReplicas: number;
  metrics?: MetricSpec[];
  behavior?: { scaleUp?: ScalingRules; scaleDown?: ScalingRules } | null;
}

export interface HpaCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

export interface HpaStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas: number;
  currentMetrics?: MetricStatus[];
  conditions?: HpaCondition[];
}

/** setCondition: the transition time moves only with the status; new conditions are appended. */
export function setCondition(status: HpaStatus, type: string, s: 'True' | 'False', reason: string, message: string, now: number): void {
  const list = status.conditions ?? (status.conditions = []);
  let c = list.find((x) => x.type === type);
  if (!c) list.push((c = { type, status: s, reason, message, lastTransitionTime: rfc3339(now) }));
  if (c.status !== s) c.lastTransitionTime = rfc3339(now);
  c.status = s;
  c.reason = reason;
  c.message = message;
}

// ---- normalization (pure, with the recommendation/scale-event state passed in) ----

export interface Recommendation {
  replicas: number;
  at: number;
}

export interface ScaleEvent {
  change: number;
  at: number;
  outdated: boolean;
}

/** convertDesiredReplicasWithRules (no behavior): min/max, and scale up at most to max(2×current, 4). */
export function desiredWithRules(current: number, desired: number, min: number, max: number): { replicas: number; reason: string; message: string } {
  const scaleUpLimit = Math.max(scaleUpLimitFactor * current, scaleUpLimitMinimum);
  let maximum: number;
  let reason: string;
  let message: string;
  if (max > scaleUpLimit) {
    maximum = scaleUpLimit;
    reason = 'ScaleUpLimit';
    message = 'the desired replica count is increasing faster than the maximum scale rate';
  } else {
    maximum = max;
    reason = 'TooManyReplicas';
    message = 'the desired replica count is more than the maximum replica count';
  }
  if (desired < min) return { replicas: min, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  if (desired > maximum) return { replicas: maximum, reason, message };
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

function changeInPeriod(periodSeconds: number, events: ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.filter((e) => e.at > cutoff).reduce((n, e) => n + e.change, 0);
}

/** calculateScaleUpLimitWithScalingRules. */
export function scaleUpLimit(current: number, up: ScaleEvent[], down: ScaleEvent[], rules: ScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const min = rules.selectPolicy === 'Min';
  let result = min ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const periodStart = current - changeInPeriod(p.periodSeconds, up, now) + changeInPeriod(p.periodSeconds, down, now);
    const proposed = p.type === 'Pods' ? periodStart + p.value : Math.ceil(periodStart * (1 + p.value / 100));
    result = min ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors. */
export function scaleDownLimit(current: number, up: ScaleEvent[], down: ScaleEvent[], rules: ScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const min = rules.selectPolicy === 'Min';
  let result = min ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const periodStart = current - changeInPeriod(p.periodSeconds, up, now) + changeInPeriod(p.periodSeconds, down, now);
    const proposed = p.type === 'Pods' ? periodStart - p.value : Math.trunc(periodStart * (1 - p.value / 100));
    result = min ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** convertDesiredReplicasWithBehaviorRate. */
export function desiredWithBehaviorRate(
  a: { current: number; desired: number; min: number; max: number; up: ScalingRules; down: ScalingRules },
  upEvents: ScaleEvent[],
  downEvents: ScaleEvent[],
  now: number,
): { replicas: number; reason: string; message: string } {
  if (a.desired > a.current) {
    let limit = scaleUpLimit(a.current, upEvents, downEvents, a.up, now);
    if (limit < a.current) limit = a.current;
    let maximum = a.max;
    let reason = 'TooManyReplicas';
    let message = 'the desired replica count is more than the maximum replica count';
    if (maximum > limit) {
      maximum = limit;
      reason = 'ScaleUpLimit';
      message = 'the desired replica count is increasing faster than the maximum scale rate';
    }
    if (a.desired > maximum) return { replicas: maximum, reason, message };
  } else if (a.desired < a.current) {
    let limit = scaleDownLimit(a.current, upEvents, downEvents, a.down, now);
    if (limit > a.current) limit = a.current;
    let minimum = a.min;
    let reason = 'TooFewReplicas';
    let message = 'the desired replica count is less than the minimum replica count';
    if (minimum < limit) {
      minimum = limit;
      reason = 'ScaleDownLimit';
      message = 'the desired replica count is decreasing faster than the maximum scale rate';
    }
    if (a.desired < minimum) return { replicas: minimum, reason, message };
  }
  return { replicas: a.desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

// ---- the controller ----

export interface HorizontalControllerOptions {
  /** Defaults to a recorder whose events come from `horizontal-pod-autoscaler`, as upstream's. */
  recorder?: EventRecorder;
  /** Defaults to SimulatedPodMetrics over the pod cache (annotations kubelite.io/simulate-*). */
  metrics?: PodMetricsSource;
  /** --horizontal-pod-autoscaler-sync-period (15 s). */
  resyncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (5 min). */
  downscaleStabilizationMs?: number;
  calculator?: Partial<CalculatorOptions>;
  /** Resolves scale targets of other kinds (custom resources with a scale subresource). */
  resourceForKind?: (apiVersion: string, kind: string) => ResourceRef | undefined;
  workers?: number;
}

const builtinTargets: Record<string, ResourceRef> = {
  'apps/Deployment': R.deployments,
  'apps/ReplicaSet': R.replicasets,
  'apps/StatefulSet': R.statefulsets,
  '/ReplicationController': R.replicationcontrollers,
};

interface ComputedMetrics {
  replicas: number;
  metric: string;
  statuses: MetricStatus[];
  error?: Error;
}

export class HorizontalReconciler implements Reconciler {
  private readonly recorder: EventRecorder;
  private readonly metrics: PodMetricsSource;
  private readonly resync: number;
  private readonly downscaleWindow: number;
  private readonly calc: CalculatorOptions;
  readonly recommendations = new Map<string, Recommendation[]>();
  readonly scaleUpEvents = new Map<string, ScaleEvent[]>();
  readonly scaleDownEvents = new Map<string, ScaleEvent[]>();
  /** The selectors of the HPAs seen so far, to detect two HPAs over the same pods. */
  private readonly selectors = new Map<string, Selector>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly options: HorizontalControllerOptions = {},
  ) {
    this.recorder = options.recorder ?? new ClientEventRecorder(ctx.client, 'horizontal-pod-autoscaler', ctx.clock, ctx.log);
    this.metrics = options.metrics ?? new SimulatedPodMetrics(ctx.informers.informerFor(R.pods), ctx.clock);
    this.resync = options.resyncPeriodMs ?? defaultResyncPeriodMs;
    this.downscaleWindow = options.downscaleStabilizationMs ?? defaultDownscaleStabilizationMs;
    this.calc = { ...defaultCalculatorOptions, ...(options.calculator ?? {}) };
  }

  private get pods() {
    return this.ctx.informers.informerFor(R.pods);
  }

  forget(key: string): void {
    this.recommendations.delete(key);
    this.scaleUpEvents.delete(key);
    this.scaleDownEvents.delete(key);
    this.selectors.delete(key);
  }

  async reconcile(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const hpa = this.ctx.informers.informerFor(R.horizontalpodautoscalers).get(namespace, name);
    if (!hpa) {
      this.forget(key);
      return;
    }
    try {
      await this.reconcileAutoscaler(deepCopy(hpa), key);
    } catch (e) {
      this.ctx.log(`horizontal-pod-autoscaler: ${key}: ${(e as Error).message}`);
    }
    return { requeueAfter: this.resync };
  }

  private targetResource(ref: HpaSpec['scaleTargetRef']): ResourceRef {
    const { group } = splitApiVersion(ref.apiVersion ?? '');
    const builtin = builtinTargets[`${group}/${ref.kind}`];
    if (builtin) return builtin;
    const custom = this.options.resourceForKind?.(ref.apiVersion ?? '', ref.kind);
    if (custom) return custom;
    throw new Error(`no matches for kind "${ref.kind}" in group "${group}"`);
  }

  private async reconcileAutoscaler(hpa: KubeObject, key: string): Promise<void> {
    const now = this.ctx.clock.now();
    const spec = hpa.spec as HpaSpec;
    const original = JSON.stringify(hpa.status ?? {});
    const status: HpaStatus = deepCopy((hpa.status ?? { desiredReplicas: 0 }) as HpaStatus);
    const namespace = hpa.metadata.namespace!;
    const targetRef = spec.scaleTargetRef;
    const reference = `${targetRef.kind}/${namespace}/${targetRef.name}`;
    const writeStatus = async () => {
      if (JSON.stringify(status) === original) return;
      try {
        await this.ctx.client.update(R.horizontalpodautoscalers, namespace, { ...hpa, status }, { subresource: 'status' });
      } catch (e) {
        this.recorder.event(hpa, 'Warning', 'FailedUpdateStatus', (e as Error).message);
        throw new Error(`failed to update status for ${hpa.metadata.name}: ${(e as Error).message}`);
      }
    };

    let resource: ResourceRef;
    let scale: KubeObject;
    try {
      resource = this.targetResource(targetRef);
      const got = await this.ctx.client.get(resource, namespace, targetRef.name, 'scale');
      if (!got) throw new Error(`${resource.plural}${resource.group ? `.${resource.group}` : ''} "${targetRef.name}" not found`);
      scale = got;
    } catch (e) {
      const msg = (e as Error).message;
      this.recorder.event(hpa, 'Warning', 'FailedGetScale', msg);
      setCondition(status, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${msg}`, now);
      await writeStatus();
      throw new Error(`failed to query scale subresource for ${reference}: ${msg}`);
    }
    setCondition(status, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale", now);
    const currentReplicas = (scale.spec as { replicas?: number } | undefined)?.replicas ?? 0;
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ replicas: currentReplicas, at: now }]);

    const minReplicas = spec.minReplicas ?? 1;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let metricStatuses: MetricStatus[] | undefined;
    let retErr: Error | undefined;

    if (currentReplicas === 0 && minReplicas !== 0) {
      desiredReplicas = 0;
      rescale = false;
      setCondition(status, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero', now);
    } else if (currentReplicas > spec.maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = spec.maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const computed = await this.computeReplicasForMetrics(hpa, status, scale, spec.metrics ?? [], now);
      metricStatuses = computed.statuses;
      if (computed.error && computed.replicas === -1) {
        this.setStatus(status, currentReplicas, status.desiredReplicas ?? 0, metricStatuses, false, now);
        await writeStatus();
        this.recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', computed.error.message);
        throw new Error(`failed to compute desired number of replicas based on listed metrics for ${reference}: ${computed.error.message}`);
      }
      retErr = computed.error;
      let rescaleMetric = '';
      if (computed.replicas > desiredReplicas) {
        desiredReplicas = computed.replicas;
        rescaleMetric = computed.metric;
      }
      if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      desiredReplicas = spec.behavior
        ? this.normalizeWithBehaviors(status, spec, key, currentReplicas, desiredReplicas, minReplicas, now)
        : this.normalize(status, spec, key, currentReplicas, desiredReplicas, minReplicas, now);
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      try {
        await this.ctx.client.patch(resource, namespace, targetRef.name, 'merge', { spec: { replicas: desiredReplicas } }, { subresource: 'scale' });
      } catch (e) {
        const msg = (e as Error).message;
        this.recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${msg}`);
        setCondition(status, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`, now);
        this.setStatus(status, currentReplicas, status.desiredReplicas ?? 0, metricStatuses, false, now);
        await writeStatus();
        throw new Error(`failed to rescale ${reference}: ${msg}`);
      }
      setCondition(status, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`, now);
      this.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      this.storeScaleEvent(spec, key, currentReplicas, desiredReplicas, now);
    } else {
      desiredReplicas = currentReplicas;
    }
    this.setStatus(status, currentReplicas, desiredReplicas, metricStatuses, rescale, now);
    await writeStatus();
    if (retErr) throw retErr;
  }

  private setStatus(status: HpaStatus, current: number, desired: number, metrics: MetricStatus[] | undefined, rescale: boolean, now: number): void {
    delete status.observedGeneration;
    if (current) status.currentReplicas = current;
    else delete status.currentReplicas;
    status.desiredReplicas = desired;
    if (metrics?.length) status.currentMetrics = metrics;
    else delete status.currentMetrics;
    if (rescale) status.lastScaleTime = rfc3339(now);
  }

  // ---- metrics ----

  private async computeReplicasForMetrics(hpa: KubeObject, status: HpaStatus, scale: KubeObject, specs: MetricSpec[], now: number): Promise<ComputedMetrics> {
    const scaleStatus = (scale.status ?? {}) as { selector?: string; replicas?: number };
    const key = objectKey(hpa);
    // validateAndParseSelector
    if (!scaleStatus.selector) {
      this.recorder.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      setCondition(status, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector", now);
      return { replicas: -1, metric: '', statuses: [], error: new Error('selector is required') };
    }
    let selector: Selector;
    try {
      selector = parseSelector(scaleStatus.selector);
    } catch (e) {
      const msg = `couldn't convert selector into a corresponding internal selector object: ${(e as Error).message}`;
      this.recorder.event(hpa, 'Warning', 'InvalidSelector', msg);
      setCondition(status, 'ScalingActive', 'False', 'InvalidSelector', msg, now);
      return { replicas: -1, metric: '', statuses: [], error: new Error(msg) };
    }
    this.selectors.set(key, selector);
    const pods = this.pods.list(hpa.metadata.namespace, selector);
    const others = new Set<string>([key]);
    for (const [other, sel] of this.selectors) {
      if (other === key || splitKey(other).namespace !== hpa.metadata.namespace) continue;
      if (pods.some((p) => sel.matches(p.metadata.labels))) others.add(other);
    }
    if (others.size > 1) {
      const list = [...others].sort().map((k) => `${k}`).join(' ');
      const msg = `pods by selector ${scaleStatus.selector} are controlled by multiple HPAs: [${list}]`;
      this.recorder.event(hpa, 'Warning', 'AmbiguousSelector', msg);
      setCondition(status, 'ScalingActive', 'False', 'AmbiguousSelector', msg, now);
      return { replicas: -1, metric: '', statuses: [], error: new Error(msg) };
    }

    const specReplicas = (scale.spec as { replicas?: number } | undefined)?.replicas ?? 0;
    const statuses: MetricStatus[] = specs.map(() => ({ type: '' }));
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let firstError: Error | undefined;
    let firstCondition: { reason: string; message: string } | undefined;
    for (const [i, ms] of specs.entries()) {
      try {
        const r = await this.computeReplicasForMetric(hpa, ms, specReplicas, pods, selector, now);
        statuses[i] = r.status;
        if (replicas === 0 || r.replicas > replicas) {
          replicas = r.replicas;
          metric = r.metric;
        }
      } catch (e) {
        const err = e as Error & { conditionReason?: string; conditionMessage?: string };
        if (invalid === 0) {
          firstError = err;
          firstCondition = { reason: err.conditionReason ?? 'FailedGetResourceMetric', message: err.conditionMessage ?? `the HPA was unable to compute the replica count: ${err.message}` };
        }
        invalid++;
      }
    }
    let error: Error | undefined;
    if (firstError) error = new Error(`invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.message}`);
    if (invalid >= specs.length || (invalid > 0 && replicas < specReplicas)) {
      setCondition(status, 'ScalingActive', 'False', firstCondition!.reason, firstCondition!.message, now);
      return { replicas: -1, metric: '', statuses, error };
    }
    setCondition(status, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`, now);
    return { replicas, metric, statuses, error };
  }

  /** One metric's proposal; failures carry the ScalingActive reason and message they set. */
  private async computeReplicasForMetric(hpa: KubeObject, ms: MetricSpec, specReplicas: number, pods: KubeObject[], selector: Selector, now: number): Promise<{ replicas: number; metric: string; status: MetricStatus }> {
    const fail = (reason: string, inner: Error, outer: string): never => {
      this.recorder.event(hpa, 'Warning', reason, inner.message);
      throw Object.assign(new Error(outer), { conditionReason: reason, conditionMessage: `the HPA was unable to compute the replica count: ${inner.message}` });
    };
    switch (ms.type) {
      case 'Resource':
      case 'ContainerResource': {
        const src = ms.type === 'Resource' ? ms.resource : ms.containerResource;
        const container = ms.type === 'ContainerResource' ? (ms.containerResource?.container ?? '') : '';
        const reason = ms.type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
        const name = src?.name ?? '';
        const outerPrefix = ms.type === 'Resource' ? `failed to get ${name} resource metric value: ` : `failed to get ${container} container metric value: `;
        try {
          const r = await this.resourceProposal(src?.target, name, container, specReplicas, pods, selector, ms.type, hpa.metadata.namespace!, now);
          const current = r.current;
          const status: MetricStatus =
            ms.type === 'Resource' ? { type: 'Resource', resource: { name, current } } : { type: 'ContainerResource', containerResource: { name, container, current } };
          return { replicas: r.replicas, metric: r.metric, status };
        } catch (e) {
          const inner = e as Error;
          return fail(reason, inner, outerPrefix + inner.message);
        }
      }
      case 'Pods': {
        const inner = new Error(`unable to get metric ${ms.pods?.metric.name}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered`);
        return fail('FailedGetPodsMetric', inner, `failed to get pods metric value: ${inner.message}`);
      }
      case 'Object': {
        const inner = new Error(`unable to get metric ${ms.object?.metric.name}: ${ms.object?.describedObject.kind} on ${hpa.metadata.namespace} ${ms.object?.describedObject.name}/unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered`);
        return fail('FailedGetObjectMetric', inner, `failed to get object metric value: ${inner.message}`);
      }
      case 'External': {
        const inner = new Error(`unable to get external metric ${hpa.metadata.namespace}/${ms.external?.metric.name}/${JSON.stringify(ms.external?.metric.selector ?? null)}: no external metrics API (external.metrics.k8s.io) registered`);
        return fail('FailedGetExternalMetric', inner, `failed to get ${ms.external?.metric.name} external metric value: ${inner.message}`);
      }
      default: {
        const inner = new Error(`unknown metric source type "${(ms as { type: string }).type}"`);
        return fail('InvalidMetricSourceType', inner, inner.message);
      }
    }
  }

  private async resourceProposal(
    target: MetricTarget | undefined,
    name: string,
    container: string,
    currentReplicas: number,
    pods: KubeObject[],
    selector: Selector,
    type: 'Resource' | 'ContainerResource',
    namespace: string,
    now: number,
  ): Promise<{ replicas: number; metric: string; current: { averageUtilization?: number; averageValue?: string } }> {
    const resource = name as 'cpu' | 'memory';
    const fetch = async () => {
      let raw;
      try {
        raw = await this.metrics.podMetrics(namespace, selector);
      } catch (e) {
        throw new Error(`unable to get metrics for resource ${name}: ${(e as Error).message}`);
      }
      if (raw.length === 0) throw new Error(`unable to get metrics for resource ${name}: no metrics returned from resource metrics API`);
      return resourceMetrics(raw, resource, container, now);
    };
    if (target?.averageValue !== undefined) {
      let targetMilli: number;
      try {
        targetMilli = quantityMilliValue(parseQuantity(target.averageValue));
      } catch {
        throw new Error(`failed to get ${name} usage: invalid target ${target.averageValue}`);
      }
      try {
        const metrics = await fetch();
        const r = plainMetricReplicas(currentReplicas, targetMilli, resource, pods, metrics, now, this.calc);
        return { replicas: r.replicas, metric: `${name} resource`, current: { averageValue: formatQuantity(quantityFromMilli(r.usage)) } };
      } catch (e) {
        throw new Error(`failed to get ${name} usage: ${(e as Error).message}`);
      }
    }
    if (target?.averageUtilization === undefined) throw new Error('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
    try {
      const metrics = await fetch();
      const r = resourceReplicas(currentReplicas, target.averageUtilization, resource, container, pods, metrics, now, this.calc);
      const metric = type === 'ContainerResource' ? `${name} container resource utilization (percentage of request)` : `${name} resource utilization (percentage of request)`;
      return { replicas: r.replicas, metric, current: { averageUtilization: r.utilization, averageValue: formatQuantity(quantityFromMilli(r.rawUtilization)) } };
    } catch (e) {
      throw new Error(`failed to get ${name} utilization: ${(e as Error).message}`);
    }
  }

  // ---- normalization ----

  /** Without behavior: scale-down stabilization over the window, then the min/max/rate rules. */
  private normalize(status: HpaStatus, spec: HpaSpec, key: string, current: number, prenormalized: number, min: number, now: number): number {
    const recs = this.recommendations.get(key) ?? [];
    const cutoff = now - this.downscaleWindow;
    let stabilized = prenormalized;
    let oldIndex = -1;
    recs.forEach((r, i) => {
      if (r.at < cutoff) oldIndex = i;
      else if (r.replicas > stabilized) stabilized = r.replicas;
    });
    if (oldIndex >= 0) recs[oldIndex] = { replicas: prenormalized, at: now };
    else recs.push({ replicas: prenormalized, at: now });
    this.recommendations.set(key, recs);
    if (stabilized !== prenormalized) {
      setCondition(status, 'AbleToScale', 'True', 'ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation', now);
    } else {
      setCondition(status, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size', now);
    }
    const r = desiredWithRules(current, stabilized, min, spec.maxReplicas);
    setCondition(status, 'ScalingLimited', r.replicas === stabilized ? 'False' : 'True', r.reason, r.message, now);
    return r.replicas;
  }

  /** With behavior: per-direction stabilization windows, then the policies' rates. */
  private normalizeWithBehaviors(status: HpaStatus, spec: HpaSpec, key: string, current: number, prenormalized: number, min: number, now: number): number {
    const up: ScalingRules = spec.behavior?.scaleUp ?? { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] };
    const down: ScalingRules = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], ...(spec.behavior?.scaleDown ?? {}) };
    if (down.stabilizationWindowSeconds === undefined || down.stabilizationWindowSeconds === null) down.stabilizationWindowSeconds = Math.trunc(this.downscaleWindow / 1000);
    const upCutoff = now - (up.stabilizationWindowSeconds ?? 0) * 1000;
    const downCutoff = now - down.stabilizationWindowSeconds * 1000;
    let upRec = prenormalized;
    let downRec = prenormalized;
    let oldIndex = -1;
    const recs = this.recommendations.get(key) ?? [];
    recs.forEach((r, i) => {
      if (r.at > upCutoff) upRec = Math.min(r.replicas, upRec);
      if (r.at > downCutoff) downRec = Math.max(r.replicas, downRec);
      if (r.at < upCutoff && r.at < downCutoff) oldIndex = i;
    });
    let stabilized = current;
    if (stabilized < upRec) stabilized = upRec;
    if (stabilized > downRec) stabilized = downRec;
    if (oldIndex >= 0) recs[oldIndex] = { replicas: prenormalized, at: now };
    else recs.push({ replicas: prenormalized, at: now });
    this.recommendations.set(key, recs);
    if (stabilized !== prenormalized) {
      if (prenormalized >= current) setCondition(status, 'AbleToScale', 'True', 'ScaleUpStabilized', 'recent recommendations were lower than current one, applying the lowest recent recommendation', now);
      else setCondition(status, 'AbleToScale', 'True', 'ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation', now);
    } else {
      setCondition(status, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size', now);
    }
    const r = desiredWithBehaviorRate({ current, desired: stabilized, min, max: spec.maxReplicas, up, down }, this.scaleUpEvents.get(key) ?? [], this.scaleDownEvents.get(key) ?? [], now);
    setCondition(status, 'ScalingLimited', r.replicas === stabilized ? 'False' : 'True', r.reason, r.message, now);
    return r.replicas;
  }

  /** Scale events are kept (reusing outdated slots) only when behavior is set: only its policies read them. */
  private storeScaleEvent(spec: HpaSpec, key: string, prev: number, next: number, now: number): void {
    if (!spec.behavior) return;
    const upward = next > prev;
    const rules = (upward ? spec.behavior.scaleUp : spec.behavior.scaleDown) ?? {};
    const longest = Math.max(0, ...(rules.policies ?? []).map((p) => p.periodSeconds));
    const map = upward ? this.scaleUpEvents : this.scaleDownEvents;
    const events = map.get(key) ?? [];
    const cutoff = now - longest * 1000;
    for (const e of events) if (e.at < cutoff) e.outdated = true;
    const event: ScaleEvent = { change: Math.abs(next - prev), at: now, outdated: false };
    const reuse = events.map((e, i) => (e.outdated ? i : -1)).filter((i) => i >= 0).pop();
    if (reuse !== undefined) events[reuse] = event;
    else events.push(event);
    map.set(key, events);
  }
}

export function horizontalPodAutoscalerController(ctx: ControllerContext, options: HorizontalControllerOptions = {}): Runnable {
  const reconciler = new HorizontalReconciler(ctx, options);
  const controller = new Controller('horizontal-pod-autoscaler', ctx, reconciler, options.workers ?? 2);
  const resync = options.resyncPeriodMs ?? defaultResyncPeriodMs;
  // As upstream: every change is picked up at the next resync tick, never sooner (the queue
  // keeps the earliest pending one), so an HPA is processed once per period.
  const enqueue = (hpa: KubeObject) => controller.queue.addAfter(objectKey(hpa), resync);
  ctx.informers.informerFor(R.horizontalpodautoscalers).addEventHandler({
    onAdd: enqueue,
    onUpdate: (_o, n) => enqueue(n),
    onDelete: (hpa) => reconciler.forget(objectKey(hpa)),
  });
  ctx.informers.informerFor(R.pods);
  return controller;
}

