import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronJobPrinter, jobPrinter } from './batch.js';
import { ago, cells, headers, shown } from './testing.js';

const podTemplate = { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } };

function job(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', creationTimestamp: ago(10, 'm'), ...meta },
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, template: podTemplate, ...spec },
    status,
  };
}

test('job columns include the STATUS column of 1.32', () => {
  assert.deepEqual(headers(jobPrinter), ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
  assert.deepEqual(headers(jobPrinter, true), ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
});

test('a completed job: Complete, n/n, duration from start to completion', () => {
  const j = job(
    { completions: 1, parallelism: 1 },
    { succeeded: 1, startTime: ago(10, 'm'), completionTime: ago(9, 'm'), conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] },
  );
  assert.deepEqual(cells(jobPrinter, j), ['pi', 'Complete', '1/1', '60s', '10m', 'pi', 'perl:5.34', 'batch.kubernetes.io/controller-uid=abc']);
});

test('a running job measures its duration up to now', () => {
  const j = job({ completions: 5, parallelism: 2 }, { succeeded: 2, active: 2, startTime: ago(3, 'm') });
  assert.deepEqual(shown(jobPrinter, j), ['pi', 'Running', '2/5', '3m', '10m']);
});

test('a job without completions shows n/1, or n/1 of parallelism', () => {
  assert.equal(shown(jobPrinter, job({ parallelism: 1 }, {}))[2], '0/1');
  assert.equal(shown(jobPrinter, job({ parallelism: 4 }, { succeeded: 1 }))[2], '1/1 of 4');
  assert.equal(shown(jobPrinter, job({}, {}))[2], '0/1');
  // Not started yet: no duration.
  assert.equal(shown(jobPrinter, job({}, {}))[3], '');
});

test('job status precedence: Complete, Failed, Terminating, Suspended, FailureTarget, Running', () => {
  const status = (conditions: unknown[], meta: Record<string, unknown> = {}) => shown(jobPrinter, job({}, { conditions }, meta))[1];
  assert.equal(status([{ type: 'Failed', status: 'True' }]), 'Failed');
  assert.equal(status([{ type: 'FailureTarget', status: 'True' }]), 'FailureTarget');
  assert.equal(status([{ type: 'Suspended', status: 'True' }]), 'Suspended');
  assert.equal(status([{ type: 'Suspended', status: 'False' }]), 'Running');
  assert.equal(status([{ type: 'Suspended', status: 'True' }], { deletionTimestamp: ago(1, 's') }), 'Terminating');
  assert.equal(status([{ type: 'Complete', status: 'True' }], { deletionTimestamp: ago(1, 's') }), 'Complete');
  assert.equal(status([{ type: 'FailureTarget', status: 'True' }, { type: 'Failed', status: 'True' }]), 'Failed');
});

test('cronjob: schedule, timezone, suspend, active and last schedule', () => {
  assert.deepEqual(headers(cronJobPrinter), ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']);
  const cj = {
    metadata: { name: 'hello', creationTimestamp: ago(5, 'h') },
    spec: {
      schedule: '*/5 * * * *',
      timeZone: 'Etc/UTC',
      suspend: false,
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox:1.36' }] } } } },
    },
    status: { active: [{ name: 'hello-290' }], lastScheduleTime: ago(3, 'm') },
  };
  assert.deepEqual(cells(cronJobPrinter, cj), ['hello', '*/5 * * * *', 'Etc/UTC', 'False', 1, '3m', '5h', 'hello', 'busybox:1.36', '<none>']);
});

test('cronjob that never ran and has no timezone or suspend set', () => {
  const cj = { metadata: { name: 'nightly', creationTimestamp: ago(30, 's') }, spec: { schedule: '0 0 * * *' } };
  assert.deepEqual(shown(cronJobPrinter, cj), ['nightly', '0 0 * * *', '<none>', '<unset>', 0, '<none>', '30s']);
  const suspended = { metadata: { name: 's' }, spec: { schedule: '@hourly', suspend: true } };
  assert.equal(shown(cronJobPrinter, suspended)[3], 'True');
});
