import { test } from 'node:test';
import assert from 'node:assert/strict';
import { horizontalPodAutoscalerPrinter, horizontalPodAutoscalerV1Printer } from './autoscaling.js';
import { ago, cells, headers } from './testing.js';

function hpa(metrics: unknown[] | undefined, currentMetrics: unknown[] = [], extra: Record<string, unknown> = {}) {
  return {
    metadata: { name: 'web', creationTimestamp: ago(25, 'm') },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10, metrics },
    status: { currentReplicas: 3, desiredReplicas: 3, currentMetrics },
    ...extra,
  };
}

const cpu80 = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } };

test('hpa columns', () => {
  assert.deepEqual(headers(horizontalPodAutoscalerPrinter), ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
});

test('a CPU utilization target with and without a current reading', () => {
  assert.deepEqual(cells(horizontalPodAutoscalerPrinter, hpa([cpu80])), ['web', 'Deployment/web', 'cpu: <unknown>/80%', '2', 10, 3, '25m']);
  const measured = hpa([cpu80], [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '90m' } } }]);
  assert.equal(cells(horizontalPodAutoscalerPrinter, measured)[2], 'cpu: 45%/80%');
});

test('value, pods, object, external and container targets; two shown, then a count', () => {
  const metrics = [
    { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } },
    { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } },
    { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '30' } } },
  ];
  const current = [
    { type: 'Resource', resource: { name: 'memory', current: { averageValue: '256Mi' } } },
    { type: 'Pods', pods: { metric: { name: 'rps' }, current: { averageValue: '50' } } },
  ];
  assert.equal(cells(horizontalPodAutoscalerPrinter, hpa(metrics, current))[2], 'memory: 256Mi/512Mi, 50/100 + 1 more...');

  const one = (metric: unknown, status: unknown[] = []) => cells(horizontalPodAutoscalerPrinter, hpa([metric], status))[2];
  assert.equal(one({ type: 'External', external: { metric: { name: 'q' }, target: { type: 'AverageValue', averageValue: '2' } } }), '<unknown>/2 (avg)');
  assert.equal(one({ type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '30' } } }, [{ type: 'External', external: { current: { value: '12' } } }]), '12/30');
  assert.equal(one({ type: 'Object', object: { metric: { name: 'hits' }, target: { type: 'Value', value: '1k' } } }, [{ type: 'Object', object: { current: { value: '500' } } }]), '500/1k');
  assert.equal(one({ type: 'Object', object: { target: { type: 'AverageValue', averageValue: '10' } } }, [{ type: 'Object', object: { current: { averageValue: '4' } } }]), '4/10 (avg)');
  assert.equal(one({ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 60 } } }), 'cpu: <unknown>/60%');
  assert.equal(one({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }), 'cpu: <unknown>/<auto>');
  assert.equal(one({ type: 'Bogus' }), '<unknown type>');
});

test('no metrics and no minReplicas', () => {
  const h = { metadata: { name: 'bare' }, spec: { scaleTargetRef: { kind: 'StatefulSet', name: 'db' }, maxReplicas: 4 } };
  assert.deepEqual(cells(horizontalPodAutoscalerPrinter, h), ['bare', 'StatefulSet/db', '<none>', '<unset>', 4, 0, '<unknown>']);
});

test('autoscaling/v1 objects: CPU percentage fields, the 80% default, and annotation metrics', () => {
  const v1 = (spec: Record<string, unknown>, status: Record<string, unknown> = {}, annotations?: Record<string, string>) => ({
    metadata: { name: 'web', creationTimestamp: ago(25, 'm'), annotations },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, ...spec },
    status: { currentReplicas: 1, ...status },
  });
  assert.deepEqual(cells(horizontalPodAutoscalerV1Printer, v1({ minReplicas: 1, targetCPUUtilizationPercentage: 50 }, { currentCPUUtilizationPercentage: 12 })), [
    'web', 'Deployment/web', 'cpu: 12%/50%', '1', 5, 1, '25m',
  ]);
  assert.equal(cells(horizontalPodAutoscalerV1Printer, v1({}))[2], 'cpu: <unknown>/80%');
  const annotated = v1(
    { targetCPUUtilizationPercentage: 70 },
    {},
    {
      'autoscaling.alpha.kubernetes.io/metrics': JSON.stringify([{ type: 'Pods', pods: { metricName: 'rps', targetAverageValue: '100' } }]),
      'autoscaling.alpha.kubernetes.io/current-metrics': JSON.stringify([
        { type: 'Pods', pods: { metricName: 'rps', currentAverageValue: '40' } },
        { type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 33, currentAverageValue: '100m' } },
      ]),
    },
  );
  assert.equal(cells(horizontalPodAutoscalerV1Printer, annotated)[2], '40/100, cpu: 33%/70%');
  const broken = v1({ targetCPUUtilizationPercentage: 70 }, {}, { 'autoscaling.alpha.kubernetes.io/metrics': '{not json' });
  assert.equal(cells(horizontalPodAutoscalerV1Printer, broken)[2], 'cpu: <unknown>/70%');
});

test('the v1 printer reads objects still in the stored v2 shape as v2', () => {
  const stored = { apiVersion: 'autoscaling/v2', ...hpa([cpu80], [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 5 } } }]) };
  assert.equal(cells(horizontalPodAutoscalerV1Printer, stored)[2], 'cpu: 5%/80%');
  const v1Tagged = { apiVersion: 'autoscaling/v1', metadata: { name: 'x' }, spec: { targetCPUUtilizationPercentage: 60 } };
  assert.equal(cells(horizontalPodAutoscalerV1Printer, v1Tagged)[2], 'cpu: <unknown>/60%');
});
