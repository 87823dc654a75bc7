import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { setDefaultsDeployment } from './deployment.js';

const deployment = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'versions' }, spec });
const template = { metadata: { labels: { app: 'ver' } }, spec: { containers: [{ name: 'c', image: 'errm/versions:0.0.1' }] } };

test('what `kubectl get deploy -o yaml` shows the API server filled in', () => {
  const d = deployment({ selector: { matchLabels: { app: 'ver' } }, template: structuredClone(template) });
  setDefaultsDeployment(d);
  const spec = d.spec as Record<string, any>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  assert.deepEqual(spec.template.metadata, { labels: { app: 'ver' }, creationTimestamp: null });
  assert.equal(spec.template.spec.restartPolicy, 'Always');
  assert.equal(spec.template.spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
});

test('explicit values stay; Recreate gets no rollingUpdate; only the missing limit is filled', () => {
  const recreate = deployment({ replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 0, template: structuredClone(template) });
  setDefaultsDeployment(recreate);
  assert.equal((recreate.spec as any).replicas, 0);
  assert.deepEqual((recreate.spec as any).strategy, { type: 'Recreate' });
  assert.equal((recreate.spec as any).revisionHistoryLimit, 0);
  const surgeOnly = deployment({ strategy: { rollingUpdate: { maxSurge: 1 } }, template: structuredClone(template) });
  setDefaultsDeployment(surgeOnly);
  assert.deepEqual((surgeOnly.spec as any).strategy, { rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' }, type: 'RollingUpdate' });
});

test('defaulting twice changes nothing more', () => {
  const once = deployment({ template: structuredClone(template) });
  setDefaultsDeployment(once);
  const twice = structuredClone(once);
  setDefaultsDeployment(twice);
  assert.deepEqual(twice, once);
});
