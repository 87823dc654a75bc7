import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { setDefaultsHorizontalPodAutoscaler } from './hpa.js';

const hpa = (spec: Record<string, unknown>): KubeObject => ({
  metadata: { name: 'kubia' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kubia' }, maxReplicas: 5, ...spec },
});

test('without metrics an HPA targets 80% CPU, from one replica', () => {
  const h = hpa({});
  setDefaultsHorizontalPodAutoscaler(h);
  assert.equal((h.spec as any).minReplicas, 1);
  assert.deepEqual((h.spec as any).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.equal((h.spec as any).behavior, undefined);
});

test('a behavior that is given at all gets every rule filled in', () => {
  const h = hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
  setDefaultsHorizontalPodAutoscaler(h);
  assert.deepEqual((h.spec as any).behavior, {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
});

test('metric quantities are stored canonically; idempotent', () => {
  const h = hpa({ metrics: [{ type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '1000m' } } }] });
  setDefaultsHorizontalPodAutoscaler(h);
  assert.equal((h.spec as any).metrics[0].pods.target.averageValue, '1');
  const again = structuredClone(h);
  setDefaultsHorizontalPodAutoscaler(again);
  assert.deepEqual(again, h);
});
