import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { HpaAnnotation, hpaV1ToV2, hpaV2ToV1 } from './hpa.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kubia' };

/** `kubectl autoscale deployment kubia --cpu-percent=30 --min=1 --max=5`, as stored (v2). */
const cpuOnly: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'kubia', namespace: 'default' },
  spec: {
    scaleTargetRef: ref,
    minReplicas: 1,
    maxReplicas: 5,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 30 } } }],
  },
  status: { currentReplicas: 1, desiredReplicas: 1, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12, averageValue: '12m' } } }] },
};

test('a CPU utilization target is v1\'s targetCPUUtilizationPercentage', () => {
  const v1 = hpaV2ToV1(cpuOnly);
  assert.deepEqual(v1.spec, { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 30 });
  assert.deepEqual(v1.status, { currentReplicas: 1, desiredReplicas: 1, currentCPUUtilizationPercentage: 12 });
  // The raw current metric (with its value) still travels in an annotation.
  assert.deepEqual(JSON.parse(v1.metadata.annotations![HpaAnnotation.metricStatuses]), [
    { type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 12, currentAverageValue: '12m' } },
  ]);
  assert.equal(v1.metadata.annotations![HpaAnnotation.metricSpecs], undefined);
});

test('v1 → v2 → v1 → v2 keeps everything', () => {
  const v2 = hpaV1ToV2(hpaV2ToV1(cpuOnly));
  assert.deepEqual(v2.spec, cpuOnly.spec);
  assert.deepEqual(v2.status, cpuOnly.status);
  assert.equal(v2.metadata.annotations, undefined);
});

test('what v1 cannot express goes to annotations and comes back', () => {
  const rich: KubeObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', annotations: { owner: 'team-a' } },
    spec: {
      scaleTargetRef: ref,
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '10' } } },
        { type: 'External', external: { metric: { name: 'queue', selector: { matchLabels: { q: 'jobs' } } }, target: { type: 'Value', value: '30' } } },
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    },
    status: {
      currentReplicas: 2,
      desiredReplicas: 3,
      conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', lastTransitionTime: '2024-01-01T00:00:00Z' }],
    },
  };
  const v1 = hpaV2ToV1(rich);
  assert.equal((v1.spec as any).targetCPUUtilizationPercentage, 60);
  const annotations = v1.metadata.annotations!;
  assert.equal(annotations.owner, 'team-a');
  assert.deepEqual(JSON.parse(annotations[HpaAnnotation.metricSpecs]), [
    { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
    { type: 'Pods', pods: { metricName: 'rps', targetAverageValue: '10' } },
    { type: 'External', external: { metricName: 'queue', metricSelector: { matchLabels: { q: 'jobs' } }, targetValue: '30' } },
  ]);
  // Upstream marshals its internal behavior type: Go field names, nil pointers as null.
  assert.equal(
    annotations[HpaAnnotation.behavior],
    '{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":"Min","Policies":[{"Type":"Pods","Value":1,"PeriodSeconds":60}]}}',
  );
  assert.deepEqual(JSON.parse(annotations[HpaAnnotation.conditions]), (rich.status as any).conditions);

  const back = hpaV1ToV2(v1);
  assert.deepEqual(back.metadata.annotations, { owner: 'team-a' });
  assert.deepEqual((back.spec as any).metrics, (rich.spec as any).metrics);
  assert.deepEqual((back.spec as any).behavior, (rich.spec as any).behavior);
  assert.deepEqual((back.status as any).conditions, (rich.status as any).conditions);
});

test('a v1 HPA without a CPU target gets the 80% default that v1 controllers assumed', () => {
  const v1: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x' }, spec: { scaleTargetRef: ref, maxReplicas: 3 } };
  const v2 = hpaV1ToV2(v1);
  assert.deepEqual((v2.spec as any).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(v2.status, { currentReplicas: 0, desiredReplicas: 0 });
});

test('stale round-trip annotations written by a v1 client are replaced, not kept', () => {
  const stale = { ...cpuOnly, metadata: { name: 'kubia', annotations: { [HpaAnnotation.metricSpecs]: '[{"type":"Pods"}]' } } };
  const v1 = hpaV2ToV1(stale as KubeObject);
  assert.equal(v1.metadata.annotations![HpaAnnotation.metricSpecs], undefined);
});

test('broken annotations are ignored rather than thrown on', () => {
  const v1: KubeObject = {
    metadata: { name: 'x', annotations: { [HpaAnnotation.metricSpecs]: '{not json', [HpaAnnotation.behavior]: '"x"' } },
    spec: { scaleTargetRef: ref, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
  };
  const v2 = hpaV1ToV2(v1);
  assert.equal((v2.spec as any).metrics.length, 1);
  assert.equal((v2.spec as any).behavior, undefined);
});
