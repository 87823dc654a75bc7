import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { setDefaultsCronJob } from './cronjob.js';

const cronJob = (): KubeObject => ({
  metadata: { name: 'fun-with-cron' },
  spec: {
    schedule: '* * * * *',
    jobTemplate: { spec: { template: { metadata: { labels: { cronjob: 'fun-with-cron' } }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'alpine:3.6' }] } } } },
  },
});

test('CronJob defaults: Allow, not suspended, 3 successful and 1 failed Job kept', () => {
  const cj = cronJob();
  setDefaultsCronJob(cj);
  const spec = cj.spec as Record<string, any>;
  assert.equal(spec.concurrencyPolicy, 'Allow');
  assert.equal(spec.suspend, false);
  assert.equal(spec.successfulJobsHistoryLimit, 3);
  assert.equal(spec.failedJobsHistoryLimit, 1);
});

test('the job template gets its metadata and pod defaults, but not the Job defaults', () => {
  const cj = cronJob();
  setDefaultsCronJob(cj);
  const jobTemplate = (cj.spec as any).jobTemplate;
  assert.deepEqual(jobTemplate.metadata, { creationTimestamp: null });
  assert.equal(jobTemplate.spec.backoffLimit, undefined);
  assert.equal(jobTemplate.spec.completions, undefined);
  assert.deepEqual(jobTemplate.spec.template.metadata, { labels: { cronjob: 'fun-with-cron' }, creationTimestamp: null });
  assert.equal(jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
});

test('explicit values stay; idempotent', () => {
  const cj = cronJob();
  Object.assign(cj.spec as object, { concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 0 });
  setDefaultsCronJob(cj);
  assert.equal((cj.spec as any).concurrencyPolicy, 'Forbid');
  assert.equal((cj.spec as any).successfulJobsHistoryLimit, 0);
  const again = structuredClone(cj);
  setDefaultsCronJob(again);
  assert.deepEqual(again, cj);
});
