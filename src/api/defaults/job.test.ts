import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { generateJobSelector, setDefaultsJob } from './job.js';

const job = (spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject => ({
  metadata: { name: 'batch-job', labels },
  spec: { template: { metadata: { labels: { app: 'batch-job' } }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'main', image: 'luksa/batch-job' }] } }, ...spec },
});

test('a plain Job: one completion, parallelism one, six retries, the defaults 1.32 shows', () => {
  const j = job({});
  setDefaultsJob(j);
  const spec = j.spec as Record<string, any>;
  assert.equal(spec.completions, 1);
  assert.equal(spec.parallelism, 1);
  assert.equal(spec.backoffLimit, 6);
  assert.equal(spec.completionMode, 'NonIndexed');
  assert.equal(spec.suspend, false);
  assert.equal(spec.manualSelector, false);
  assert.equal(spec.podReplacementPolicy, 'TerminatingOrFailed');
  assert.deepEqual(j.metadata.labels, { app: 'batch-job' });
});

test('completions and parallelism as the seed sets them are kept; parallelism alone means a work queue', () => {
  const more = job({ completions: 5, parallelism: 3 });
  setDefaultsJob(more);
  assert.equal((more.spec as any).completions, 5);
  assert.equal((more.spec as any).parallelism, 3);
  const queue = job({ parallelism: 2 });
  setDefaultsJob(queue);
  assert.equal((queue.spec as any).completions, undefined);
  const onlyCompletions = job({ completions: 4 });
  setDefaultsJob(onlyCompletions);
  assert.equal((onlyCompletions.spec as any).parallelism, 1);
});

test('per-index retries make the overall limit unlimited; a failure policy means replacing failed pods only', () => {
  const j = job({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } });
  setDefaultsJob(j);
  assert.equal((j.spec as any).backoffLimit, 2147483647);
  assert.equal((j.spec as any).podReplacementPolicy, 'Failed');
  assert.equal((j.spec as any).podFailurePolicy.rules[0].onPodConditions[0].status, 'True');
});

test('labels of the Job itself are not overwritten', () => {
  const j = job({}, { team: 'data' });
  setDefaultsJob(j);
  assert.deepEqual(j.metadata.labels, { team: 'data' });
});

test('the generated selector and labels', () => {
  const j = job({});
  setDefaultsJob(j);
  j.metadata.labels = {};
  j.metadata.uid = 'uid-1';
  generateJobSelector(j);
  const labels = { app: 'batch-job', 'job-name': 'batch-job', 'batch.kubernetes.io/job-name': 'batch-job', 'controller-uid': 'uid-1', 'batch.kubernetes.io/controller-uid': 'uid-1' };
  assert.deepEqual((j.spec as any).template.metadata.labels, labels);
  assert.deepEqual((j.spec as any).selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } });
  assert.deepEqual(j.metadata.labels, labels);
});

test('no selector is generated with manualSelector', () => {
  const j = job({ manualSelector: true, selector: { matchLabels: { app: 'batch-job' } } });
  setDefaultsJob(j);
  j.metadata.uid = 'uid-1';
  generateJobSelector(j);
  assert.deepEqual((j.spec as any).selector, { matchLabels: { app: 'batch-job' } });
  assert.deepEqual((j.spec as any).template.metadata.labels, { app: 'batch-job' });
});

test('idempotent', () => {
  const j = job({});
  setDefaultsJob(j);
  const again = structuredClone(j);
  setDefaultsJob(again);
  assert.deepEqual(again, j);
});
