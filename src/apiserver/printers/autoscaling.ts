// HorizontalPodAutoscalers: REFERENCE, TARGETS ("cpu: 45%/80%", "2/10 (avg)"…), MINPODS,
// MAXPODS, REPLICAS. Kubernetes prints one internal type; autoscaling/v1 objects are first
// read into the v2 shape the way their conversion does (extra metrics live in annotations).

import type { KubeObject } from '../../api/object.js';
import { ageCell, ageColumn, column, nameCell, nameColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { at, int, list, obj, optInt, optObj, str } from './json.js';
import type { Json } from './json.js';
import { quantityCell, quantityPointerCell } from './quantity.js';
import type { TablePrinter } from './types.js';

const MAX_METRICS = 2;

function percent(value: number | undefined, otherwise: string): string {
  return value === undefined ? otherwise : `${value}%`;
}

/** One "current/target" entry of the TARGETS cell. */
function metricEntry(spec: Json, status: Json | undefined): string {
  switch (str(spec, 'type')) {
    case 'External':
    case 'Object': {
      const field = str(spec, 'type') === 'External' ? 'external' : 'object';
      const target = obj(spec, field, 'target');
      const current = status ? optObj(status, field) : undefined;
      if (target.averageValue !== undefined && target.averageValue !== null) {
        const now = current && at(current, 'current', 'averageValue') != null ? quantityCell(at(current, 'current', 'averageValue')) : '<unknown>';
        return `${now}/${quantityCell(target.averageValue)} (avg)`;
      }
      const now = current ? quantityPointerCell(at(current, 'current', 'value')) : '<unknown>';
      return `${now}/${quantityPointerCell(target.value)}`;
    }
    case 'Pods': {
      const current = status ? optObj(status, 'pods') : undefined;
      const now = current ? quantityPointerCell(at(current, 'current', 'averageValue')) : '<unknown>';
      return `${now}/${quantityPointerCell(at(spec, 'pods', 'target', 'averageValue'))}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const field = str(spec, 'type') === 'Resource' ? 'resource' : 'containerResource';
      const source = obj(spec, field);
      const target = obj(source, 'target');
      const current = status ? optObj(status, field) : undefined;
      const name = str(source, 'name');
      if (target.averageValue !== undefined && target.averageValue !== null) {
        const now = current ? quantityPointerCell(at(current, 'current', 'averageValue')) : '<unknown>';
        return `${name}: ${now}/${quantityCell(target.averageValue)}`;
      }
      const now = percent(current ? optInt(current, 'current', 'averageUtilization') : undefined, '<unknown>');
      return `${name}: ${now}/${percent(optInt(target, 'averageUtilization'), '<auto>')}`;
    }
    default:
      return '<unknown type>';
  }
}

/** The TARGETS cell: the first two metrics, then "+ N more...". */
export function formatHPAMetrics(specs: Json[], statuses: Json[]): string {
  if (specs.length === 0) return '<none>';
  const entries = specs.map((spec, i) => metricEntry(spec, statuses[i]));
  const joined = entries.slice(0, MAX_METRICS).join(', ');
  return entries.length > MAX_METRICS ? `${joined} + ${entries.length - MAX_METRICS} more...` : joined;
}

const metricSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
const metricStatusesAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';

function parseJsonList(text: string | undefined): Json[] | undefined {
  if (text === undefined) return undefined;
  try {
    return list(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** An autoscaling/v1 annotation MetricSpec (the v2beta1 shape) in v2 form. */
function v1MetricSpecAsV2(m: Json): Json {
  const type = str(m, 'type');
  switch (type) {
    case 'Resource':
    case 'ContainerResource': {
      const field = type === 'Resource' ? 'resource' : 'containerResource';
      const src = obj(m, field);
      return { type, [field]: { name: src.name, container: src.container, target: { averageUtilization: src.targetAverageUtilization, averageValue: src.targetAverageValue } } };
    }
    case 'Pods':
      return { type, pods: { target: { averageValue: at(m, 'pods', 'targetAverageValue') ?? '0' } } };
    case 'Object':
      return { type, object: { target: { value: at(m, 'object', 'targetValue') ?? '0', averageValue: at(m, 'object', 'averageValue') } } };
    case 'External':
      return { type, external: { target: { value: at(m, 'external', 'targetValue'), averageValue: at(m, 'external', 'targetAverageValue') } } };
    default:
      return { type };
  }
}

/** An autoscaling/v1 annotation MetricStatus in v2 form. */
function v1MetricStatusAsV2(m: Json): Json {
  const type = str(m, 'type');
  switch (type) {
    case 'Resource':
    case 'ContainerResource': {
      const field = type === 'Resource' ? 'resource' : 'containerResource';
      const src = obj(m, field);
      return { type, [field]: { name: src.name, current: { averageUtilization: src.currentAverageUtilization, averageValue: src.currentAverageValue ?? '0' } } };
    }
    case 'Pods':
      return { type, pods: { current: { averageValue: at(m, 'pods', 'currentAverageValue') ?? '0' } } };
    case 'Object':
      return { type, object: { current: { value: at(m, 'object', 'currentValue') ?? '0', averageValue: at(m, 'object', 'averageValue') } } };
    case 'External':
      return { type, external: { current: { value: at(m, 'external', 'currentValue') ?? '0', averageValue: at(m, 'external', 'currentAverageValue') } } };
    default:
      return { type };
  }
}

/** Reads an autoscaling/v1 HPA as its v2 form, as Convert_v1_HorizontalPodAutoscaler does. */
export function hpaV1AsV2(hpa: unknown): { specs: Json[]; statuses: Json[] } {
  const annotations = obj(hpa, 'metadata', 'annotations');
  const cpuTarget = optInt(hpa, 'spec', 'targetCPUUtilizationPercentage');
  const cpuMetric: Json[] =
    cpuTarget === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpuTarget } } }];
  const otherMetrics = parseJsonList(typeof annotations[metricSpecsAnnotation] === 'string' ? (annotations[metricSpecsAnnotation] as string) : undefined);
  let specs = otherMetrics ? [...otherMetrics.map(v1MetricSpecAsV2), ...cpuMetric] : cpuMetric;
  // autoscaling/v1 always meant "80% CPU" when nothing was set.
  if (specs.length === 0) specs = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];

  const currentMetrics = parseJsonList(typeof annotations[metricStatusesAnnotation] === 'string' ? (annotations[metricStatusesAnnotation] as string) : undefined);
  const cpuCurrent = optInt(hpa, 'status', 'currentCPUUtilizationPercentage');
  const statuses = currentMetrics
    ? currentMetrics.map(v1MetricStatusAsV2)
    : cpuCurrent === undefined
      ? []
      : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpuCurrent } } }];
  return { specs, statuses };
}

const hpaColumns = [
  nameColumn,
  column('Reference', 'string', apiDoc['autoscalingv2beta1.HorizontalPodAutoscalerSpec.scaleTargetRef']),
  column('Targets', 'string', apiDoc['autoscalingv2beta1.HorizontalPodAutoscalerSpec.metrics']),
  column('MinPods', 'string', apiDoc['autoscalingv2beta1.HorizontalPodAutoscalerSpec.minReplicas']),
  column('MaxPods', 'string', apiDoc['autoscalingv2beta1.HorizontalPodAutoscalerSpec.maxReplicas']),
  column('Replicas', 'string', apiDoc['autoscalingv2beta1.HorizontalPodAutoscalerStatus.currentReplicas']),
  ageColumn,
];

function hpaRow(hpa: unknown, targets: string, now: number): unknown[] {
  const minReplicas = optInt(hpa, 'spec', 'minReplicas');
  return [
    nameCell(hpa),
    `${str(hpa, 'spec', 'scaleTargetRef', 'kind')}/${str(hpa, 'spec', 'scaleTargetRef', 'name')}`,
    targets,
    minReplicas === undefined ? '<unset>' : String(minReplicas),
    int(hpa, 'spec', 'maxReplicas'),
    int(hpa, 'status', 'currentReplicas'),
    ageCell(hpa, now),
  ];
}

/** autoscaling/v2 (the stored version). */
export const horizontalPodAutoscalerPrinter: TablePrinter = {
  columns: hpaColumns,
  row(hpa, { now }) {
    return hpaRow(hpa, formatHPAMetrics(list(hpa, 'spec', 'metrics'), list(hpa, 'status', 'currentMetrics')), now);
  },
};

/** Whether an HPA is in the autoscaling/v1 shape (by apiVersion, else by its fields). */
function isV1(hpa: KubeObject): boolean {
  const apiVersion = str(hpa, 'apiVersion');
  if (apiVersion !== '') return apiVersion === 'autoscaling/v1';
  return at(hpa, 'spec', 'metrics') === undefined && at(hpa, 'status', 'currentMetrics') === undefined;
}

/** autoscaling/v1 requests: reads v1 objects as v1, and v2 objects handed over unconverted as v2. */
export const horizontalPodAutoscalerV1Printer: TablePrinter = {
  columns: hpaColumns,
  row(hpa, ctx) {
    if (!isV1(hpa)) return horizontalPodAutoscalerPrinter.row(hpa, ctx);
    const { specs, statuses } = hpaV1AsV2(hpa);
    return hpaRow(hpa, formatHPAMetrics(specs, statuses), ctx.now);
  },
};
