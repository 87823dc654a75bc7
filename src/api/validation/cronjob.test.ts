import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsCronJob } from '../defaults/cronjob.js';
import type { KubeObject } from '../object.js';
import { cronJobValidation, validateCronJob, validateCronJobUpdate, validateTimeZone } from './cronjob.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

/** The seed's fun-with-cron (in batch/v1), defaulted. */
function funWithCron(mutate: (spec: Record<string, any>) => void = () => {}): KubeObject {
  const cj: KubeObject = {
    metadata: { name: 'fun-with-cron', namespace: 'default' },
    spec: {
      schedule: '* * * * *',
      jobTemplate: {
        spec: {
          template: {
            metadata: { labels: { cronjob: 'fun-with-cron' } },
            spec: { restartPolicy: 'OnFailure', containers: [{ name: 'how-soon-is-now', image: 'alpine:3.6', command: ['/bin/date'] }] },
          },
        },
      },
    },
  };
  mutate(cj.spec as Record<string, any>);
  setDefaultsCronJob(cj);
  return cj;
}

test('the seed CronJob is valid once defaulted', () => {
  assert.deepEqual(messages(validateCronJob(funWithCron())), []);
});

test('the schedule is required and must parse; the error is robfig\'s', () => {
  assert.deepEqual(messages(validateCronJob(funWithCron((s) => delete s.schedule))), ['spec.schedule: Required value']);
  assert.deepEqual(messages(validateCronJob(funWithCron((s) => (s.schedule = '*/61 * * * * *')))), [
    'spec.schedule: Invalid value: "*/61 * * * * *": expected exactly 5 fields, found 6: [*/61 * * * * *]',
  ]);
  assert.deepEqual(messages(validateCronJob(funWithCron((s) => (s.schedule = '0 0 0/10 * *')))), [
    'spec.schedule: Invalid value: "0 0 0/10 * *": beginning of range (0) below minimum (1): 0/10',
  ]);
  assert.deepEqual(messages(validateCronJob(funWithCron((s) => (s.schedule = '@every 1h30m')))), []);
});

test('a TZ= prefix is refused in favour of the timeZone field', () => {
  assert.deepEqual(messages(validateCronJob(funWithCron((s) => (s.schedule = 'CRON_TZ=UTC * * * * *')))), [
    'spec.schedule: Invalid value: "CRON_TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
  assert.deepEqual(messages(validateCronJob(funWithCron((s) => (s.schedule = 'TZ=Nowhere/Land * * * * *')))), [
    'spec.schedule: Invalid value: "TZ=Nowhere/Land * * * * *": provided bad location Nowhere/Land: unknown time zone Nowhere/Land',
    'spec.schedule: Invalid value: "TZ=Nowhere/Land * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
});

test('an old schedule with TZ= may stay, but not together with timeZone', () => {
  const old = funWithCron((s) => (s.schedule = 'TZ=UTC 0 * * * *'));
  const d = funWithCron((s) => {
    s.schedule = 'TZ=UTC 0 * * * *';
    s.timeZone = 'Europe/Paris';
  });
  assert.deepEqual(messages(validateCronJobUpdate(d, old)), [
    'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule',
  ]);
});

test('time zones are explicit IANA names', () => {
  assert.deepEqual(validateTimeZone('Europe/Paris', 'spec.timeZone'), []);
  assert.deepEqual(messages(validateTimeZone('Europe/Pariss', 'spec.timeZone')), ['spec.timeZone: Invalid value: "Europe/Pariss": unknown time zone Europe/Pariss']);
  assert.deepEqual(messages(validateTimeZone('', 'spec.timeZone')), ['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']);
  assert.deepEqual(messages(validateTimeZone('Local', 'spec.timeZone')), [
    'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
  ]);
  assert.deepEqual(messages(validateTimeZone('America/Argentina/Buenos_Aires', 'spec.timeZone')), []);
  assert.deepEqual(messages(validateTimeZone('Etc/GMT+5', 'spec.timeZone')), []);
  assert.deepEqual(messages(validateTimeZone('a/../b', 'spec.timeZone')), ['spec.timeZone: Invalid value: "a/../b": unknown time zone a/../b']);
});

test('concurrency policy, deadlines and history limits', () => {
  const d = funWithCron((s) => {
    s.concurrencyPolicy = 'Sometimes';
    s.startingDeadlineSeconds = -1;
    s.successfulJobsHistoryLimit = -1;
    s.failedJobsHistoryLimit = -2;
  });
  assert.deepEqual(messages(validateCronJob(d)), [
    'spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0',
    'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    'spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
    'spec.failedJobsHistoryLimit: Invalid value: -2: must be greater than or equal to 0',
  ]);
});

test('the job template: its selector is generated, its pods restart Never or OnFailure', () => {
  const d = funWithCron((s) => {
    s.jobTemplate.spec.selector = { matchLabels: { a: 'b' } };
    s.jobTemplate.spec.manualSelector = true;
    s.jobTemplate.spec.template.spec.restartPolicy = 'Always';
  });
  assert.deepEqual(messages(validateCronJob(d)), [
    'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
    'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
  ]);
});

test('names leave room for the 11-character job suffix', () => {
  const d = funWithCron();
  d.metadata.name = 'a'.repeat(53);
  assert.deepEqual(messages(validateCronJob(d)), [`metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`]);
  d.metadata.name = 'a'.repeat(52);
  assert.deepEqual(validateCronJob(d), []);
});

test('registered as a subdomain-named kind', () => {
  assert.equal(cronJobValidation.nameRule, 'subdomain');
  assert.doesNotThrow(() => cronJobValidation.validate({ metadata: {}, spec: { schedule: 5, jobTemplate: [] } }));
});
