import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsHorizontalPodAutoscaler } from '../defaults/hpa.js';
import type { KubeObject } from '../object.js';
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerStatus } from './hpa.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

/** What `kubectl autoscale deployment kubia --cpu-percent=30 --min=1 --max=5` sends (as v2). */
function kubia(mutate: (spec: Record<string, any>) => void = () => {}): KubeObject {
  const hpa: KubeObject = {
    metadata: { name: 'kubia' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kubia' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 30 } } }],
    },
  };
  mutate(hpa.spec as Record<string, any>);
  setDefaultsHorizontalPodAutoscaler(hpa);
  return hpa;
}

test('the autoscale HPA is valid', () => {
  assert.deepEqual(messages(validateHorizontalPodAutoscaler(kubia())), []);
});

test('replica bounds', () => {
  const d = kubia((s) => {
    s.minReplicas = 0;
    s.maxReplicas = 0;
  });
  assert.deepEqual(messages(validateHorizontalPodAutoscaler(d)), [
    'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    'spec.maxReplicas: Invalid value: 0: must be greater than 0',
    'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas',
  ]);
  const inverted = kubia((s) => (s.minReplicas = 6));
  assert.deepEqual(messages(validateHorizontalPodAutoscaler(inverted)), ['spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`']);
});

test('the scale target needs a kind and a name that are path segments', () => {
  const d = kubia((s) => (s.scaleTargetRef = { kind: '', name: 'a/b' }));
  assert.deepEqual(messages(validateHorizontalPodAutoscaler(d)), [
    'spec.scaleTargetRef.kind: Required value',
    "spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'",
  ]);
});

test('metric sources: the one named by type, and only it', () => {
  const d = kubia((s) => {
    s.metrics = [
      { type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization' } } },
      { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '0' } } },
      { type: 'Bogus' },
    ];
  });
  assert.deepEqual(messages(validateHorizontalPodAutoscaler(d)), [
    'spec.metrics[0].pods: Required value: must populate information for the given metric source',
    'spec.metrics[1].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
    'spec.metrics[2].external.target.value: Invalid value: "0": must be positive',
    'spec.metrics[3].type: Unsupported value: "Bogus": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    'spec.metrics[3].type: Unsupported value: "Bogus": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
  ]);
});

test('metric targets', () => {
  const d = kubia((s) => {
    s.metrics = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Percent', averageUtilization: 0, averageValue: '100m' } } },
      { type: 'Pods', pods: { metric: { name: '' }, target: { type: 'AverageValue' } } },
      { type: 'Object', object: { describedObject: { kind: 'Ingress', name: 'main' }, metric: { name: 'rps' }, target: { type: 'Value' } } },
    ];
  });
  assert.deepEqual(messages(validateHorizontalPodAutoscaler(d)), [
    'spec.metrics[0].resource.target.type: Invalid value: "Percent": must be either Utilization, Value, or AverageValue',
    'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
    'spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
    'spec.metrics[1].pods.metric.name: Required value: must specify a metric name',
    'spec.metrics[1].pods.target.averageValue: Required value: must specify a positive target averageValue',
    'spec.metrics[2].object.target.averageValue: Required value: must set either a target value or averageValue',
  ]);
});

test('scaling behavior', () => {
  const d = kubia((s) => {
    s.behavior = {
      scaleUp: { stabilizationWindowSeconds: 3601, selectPolicy: 'Sometimes', policies: [{ type: 'Nodes', value: 0, periodSeconds: 1801 }] },
      scaleDown: { policies: [] },
    };
  });
  assert.deepEqual(messages(validateHorizontalPodAutoscaler(d)), [
    'spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600',
    'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Sometimes": supported values: "Disabled", "Max", "Min"',
    'spec.behavior.scaleUp.policies[0].type: Unsupported value: "Nodes": supported values: "Percent", "Pods"',
    'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
    'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800',
    'spec.behavior.scaleDown.policies: Required value: must specify at least one Policy',
  ]);
});

test('status replicas are never negative', () => {
  assert.deepEqual(messages(validateHorizontalPodAutoscalerStatus({ currentReplicas: -1, desiredReplicas: 2 })), [
    'status.currentReplicas: Invalid value: -1: must be greater than or equal to 0',
  ]);
});
