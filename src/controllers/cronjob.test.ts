import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { parseCronSchedule } from '../api/helpers/cron.js';
import { R } from '../client/resources.js';
import { cronJobController, jobFromTemplate, mostRecentScheduleTime, nextScheduleTimeDuration, rfc3339InZone, scheduleOf, type Schedule } from './cronjob.js';
import { jobController } from './job/controller.js';
import { startBatchTestBed, type BatchTestBed } from './job/test-support.js';
import type { CronJob, Job } from './job/types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const minutes = (iso: string) => Math.floor(Date.parse(iso) / 60_000);

function sched(spec: string): Schedule {
  const p = parseCronSchedule(spec);
  if (!p.ok) throw new Error(p.error);
  return scheduleOf(p.schedule);
}

function cronJob(name: string, schedule: string, spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default', uid: 'cj-uid', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {
      schedule,
      jobTemplate: {
        spec: { template: { metadata: { labels: { cronjob: name } }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'how-soon-is-now', image: 'alpine:3.6', command: ['/bin/date'] }] } } },
      },
      ...spec,
    },
    status,
  } as CronJob;
}

test('mostRecentScheduleTime: nothing due, one due, several and many missed', () => {
  const every = sched('TZ=UTC * * * * *');
  const cj = cronJob('c', '* * * * *');
  assert.deepEqual(mostRecentScheduleTime(cj, T0 + 30_000, every, false), { earliest: T0, missed: 'none' });
  assert.deepEqual(mostRecentScheduleTime(cj, T0 + 61_000, every, false), { earliest: T0, mostRecent: T0 + 60_000, missed: 'none' });
  assert.deepEqual(mostRecentScheduleTime(cj, T0 + 5 * 60_000 + 1, every, false), { earliest: T0, mostRecent: T0 + 5 * 60_000, missed: 'few' });
  const many = mostRecentScheduleTime(cj, T0 + 3 * 3600_000 + 5000, every, false);
  assert.equal(many.missed, 'many');
  assert.equal(many.mostRecent, T0 + 3 * 3600_000);
  // The starting deadline moves the earliest time considered.
  const late = cronJob('c', '* * * * *', { startingDeadlineSeconds: 30 });
  assert.equal(mostRecentScheduleTime(late, T0 + 3 * 3600_000 + 5000, every, true).missed, 'none');
  // A schedule that never fires.
  assert.equal(mostRecentScheduleTime(cj, T0 + 60_000, sched('TZ=UTC 0 0 31 2 *'), false).error, 'time difference between two schedules is less than 1 second');
});

test('nextScheduleTimeDuration: the next time after the last one, plus 100 ms', () => {
  const cj = cronJob('c', '*/15 * * * *', {}, { lastScheduleTime: '2026-01-01T00:15:00Z' });
  assert.equal(nextScheduleTimeDuration(cj, Date.parse('2026-01-01T00:20:00Z'), sched('TZ=UTC */15 * * * *')), 10 * 60_000 + 100);
  const every = cronJob('e', '@every 1h30m');
  assert.equal(nextScheduleTimeDuration(every, T0, sched('@every 1h30m')), 90 * 60_000 + 100);
});

test('jobFromTemplate: name in minutes, scheduled-timestamp annotation in the zone, controller reference', () => {
  const cj = cronJob('report', '0 9 * * *', { timeZone: 'Asia/Shanghai', jobTemplate: { metadata: { labels: { team: 'a' }, annotations: { note: 'x' } }, spec: { template: { spec: { containers: [] } } } } });
  const at = Date.parse('2026-01-01T01:00:00Z');
  const job = jobFromTemplate(cj, at);
  assert.equal(job.metadata.name, `report-${at / 60_000}`);
  assert.deepEqual(job.metadata.labels, { team: 'a' });
  assert.deepEqual(job.metadata.annotations, { note: 'x', 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T09:00:00+08:00' });
  assert.deepEqual(job.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(rfc3339InZone(at, ''), '2026-01-01T01:00:00Z');
  assert.equal(rfc3339InZone(at, 'America/New_York'), '2025-12-31T20:00:00-05:00');
});

// ---- against the API server, with the Job controller and the test as kubelet ----

async function bed(): Promise<BatchTestBed> {
  return startBatchTestBed((ctx) => [cronJobController(ctx), jobController(ctx, { syncBatchPeriodMs: 0 })]);
}

async function jobsOf(b: BatchTestBed, cj: string): Promise<Job[]> {
  const all = (await b.cp.client.list(R.jobs, 'default')).items as Job[];
  return all.filter((j) => j.metadata.ownerReferences?.[0]?.name === cj).sort((a, c) => a.metadata.name!.localeCompare(c.metadata.name!));
}

async function cj(b: BatchTestBed, name: string): Promise<CronJob> {
  return (await b.cp.client.get(R.cronjobs, 'default', name)) as CronJob;
}

/** Plays the kubelet for a Job's pods: every active one ends in this phase. */
async function finishJob(b: BatchTestBed, job: string, phase: 'Succeeded' | 'Failed' = 'Succeeded'): Promise<void> {
  const pods = await b.until(async () => {
    const p = await b.podsOf('default', job);
    return p.length > 0 ? p : undefined;
  }, `pods of ${job}`);
  for (const p of pods) if (!['Succeeded', 'Failed'].includes(p.status?.phase ?? '')) await b.setPodPhase(p, phase);
  const condition = phase === 'Succeeded' ? 'Complete' : 'Failed';
  // Finished, or already gone when a history limit of 0 removes it at once.
  await b.until(async () => {
    const j = await b.job('default', job);
    return !j || j.status?.conditions?.some((c) => c.type === condition);
  }, `${job} ${condition}`);
}

function create(b: BatchTestBed, c: CronJob) {
  const { uid: _u, creationTimestamp: _c, ...meta } = c.metadata;
  return b.cp.client.create(R.cronjobs, 'default', { ...c, metadata: meta, status: undefined } as CronJob);
}

test('fun-with-cron: a Job every minute named by the minute, tracked in status, completed jobs seen', async () => {
  const b = await bed();
  try {
    await create(b, cronJob('fun-with-cron', '* * * * *'));
    await b.advance(59_000);
    assert.deepEqual(await jobsOf(b, 'fun-with-cron'), [], 'nothing before the first minute');
    await b.advance(2000, 500);
    const first = `fun-with-cron-${minutes('2026-01-01T00:01:00Z')}`;
    const [job] = await b.until(async () => {
      const j = await jobsOf(b, 'fun-with-cron');
      return j.length === 1 ? j : undefined;
    }, 'the first job');
    assert.equal(job.metadata.name, first);
    assert.equal(job.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2026-01-01T00:01:00Z');
    const status = (await b.until(async () => {
      const c = await cj(b, 'fun-with-cron');
      return c.status?.active?.length ? c : undefined;
    }, 'active')).status!;
    assert.deepEqual(
      status.active!.map((r) => [r.kind, r.name, r.namespace, r.apiVersion, r.uid]),
      [['Job', first, 'default', 'batch/v1', job.metadata.uid]],
    );
    assert.equal(status.lastScheduleTime, '2026-01-01T00:01:00Z');
    // The pods carry the template's labels (kubectl logs -l cronjob=fun-with-cron).
    const pods = await b.until(async () => {
      const p = (await b.cp.client.list(R.pods, 'default', { labelSelector: 'cronjob=fun-with-cron' })).items;
      return p.length === 1 ? p : undefined;
    }, 'the pod');
    assert.match(pods[0].metadata.name!, new RegExp(`^${first}-[a-z0-9]{5}$`));

    await finishJob(b, first);
    const done = await b.until(async () => {
      const c = await cj(b, 'fun-with-cron');
      return !c.status?.active && c.status?.lastSuccessfulTime ? c : undefined;
    }, 'completed job seen');
    assert.ok(done.status!.lastSuccessfulTime);
    await b.advance(60_000);
    await b.until(async () => (await jobsOf(b, 'fun-with-cron')).length === 2, 'the second job');
    const events = (await b.events('default', 'CronJob', 'fun-with-cron')).map((e) => [e.type, e.reason, e.message, e.source]);
    assert.deepEqual(events.slice(0, 3), [
      ['Normal', 'SuccessfulCreate', `Created job ${first}`, 'cronjob-controller'],
      ['Normal', 'SawCompletedJob', `Saw completed job: ${first}, condition: Complete`, 'cronjob-controller'],
      ['Normal', 'SuccessfulCreate', `Created job fun-with-cron-${minutes('2026-01-01T00:02:00Z')}`, 'cronjob-controller'],
    ]);
  } finally {
    await b.stop();
  }
});

test('concurrencyPolicy Forbid holds a run back while one is active (it starts late once that ends); Allow runs them side by side', async () => {
  const b = await bed();
  try {
    await create(b, cronJob('forbid', '* * * * *', { concurrencyPolicy: 'Forbid' }));
    await create(b, cronJob('allow', '* * * * *'));
    await b.advance(61_000);
    await b.until(async () => (await jobsOf(b, 'forbid')).length === 1 && (await jobsOf(b, 'allow')).length === 1, 'first jobs');
    await b.advance(60_000);
    await b.until(async () => (await jobsOf(b, 'allow')).length === 2, 'allow runs a second one');
    assert.equal((await jobsOf(b, 'forbid')).length, 1);
    assert.ok((await b.events('default', 'CronJob', 'forbid')).some((e) => e.reason === 'JobAlreadyActive' && e.message === 'Not starting job because prior execution is running and concurrency policy is Forbid'));
    // Without a starting deadline the held-back 00:02 run starts, late, once the first ends.
    await finishJob(b, `forbid-${minutes('2026-01-01T00:01:00Z')}`);
    const names = await b.until(async () => {
      const j = await jobsOf(b, 'forbid');
      return j.length === 2 ? j.map((x) => x.metadata.name) : undefined;
    }, 'the held-back run after the first finished');
    assert.deepEqual(names, [`forbid-${minutes('2026-01-01T00:01:00Z')}`, `forbid-${minutes('2026-01-01T00:02:00Z')}`]);
    const c = await b.until(async () => {
      const x = await cj(b, 'forbid');
      return x.status?.active?.length === 1 ? x : undefined;
    }, 'one active');
    assert.equal(c.status!.lastScheduleTime, '2026-01-01T00:02:00Z');
  } finally {
    await b.stop();
  }
});

test('concurrencyPolicy Replace deletes the running Job before starting the next', async () => {
  const b = await bed();
  try {
    await create(b, cronJob('replace', '* * * * *', { concurrencyPolicy: 'Replace' }));
    await b.advance(61_000);
    const first = `replace-${minutes('2026-01-01T00:01:00Z')}`;
    await b.until(async () => (await jobsOf(b, 'replace')).length === 1, 'first job');
    await b.advance(60_000);
    const second = `replace-${minutes('2026-01-01T00:02:00Z')}`;
    await b.until(async () => {
      const j = await jobsOf(b, 'replace');
      return j.length === 1 && j[0].metadata.name === second;
    }, 'the first replaced by the second');
    const c = await b.until(async () => {
      const x = await cj(b, 'replace');
      return x.status?.active?.length === 1 && x.status.active[0].name === second ? x : undefined;
    }, 'active is the second');
    assert.equal(c.status!.lastScheduleTime, '2026-01-01T00:02:00Z');
    const events = (await b.events('default', 'CronJob', 'replace')).map((e) => `${e.reason}: ${e.message}`);
    assert.deepEqual(events, [`SuccessfulCreate: Created job ${first}`, `SuccessfulDelete: Deleted job ${first}`, `SuccessfulCreate: Created job ${second}`]);
  } finally {
    await b.stop();
  }
});

test('history limits: the oldest finished Jobs beyond the limits are deleted', async () => {
  const b = await bed();
  try {
    const hist = cronJob('hist', '* * * * *', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 0 });
    hist.spec.jobTemplate.spec.backoffLimit = 0;
    await create(b, hist);
    const at = (m: number) => `hist-${minutes('2026-01-01T00:00:00Z') + m}`;
    for (let m = 1; m <= 3; m++) {
      await b.advance(60_000);
      await b.until(async () => (await jobsOf(b, 'hist')).some((j) => j.metadata.name === at(m)), `job ${m}`);
      await finishJob(b, at(m), m === 3 ? 'Failed' : 'Succeeded');
      await b.until(async () => !(await cj(b, 'hist')).status?.active, `job ${m} seen finished`);
    }
    const left = await b.until(async () => {
      const j = (await jobsOf(b, 'hist')).map((x) => x.metadata.name);
      return j.length === 1 ? j : undefined;
    }, 'only the latest success');
    assert.deepEqual(left, [at(2)]);
    const deletes = (await b.events('default', 'CronJob', 'hist')).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    assert.deepEqual(deletes.sort(), [`Deleted job ${at(1)}`, `Deleted job ${at(3)}`]);
  } finally {
    await b.stop();
  }
});

test('startingDeadlineSeconds: a time missed by more than the deadline is not run', async () => {
  const b = await bed();
  try {
    await create(b, cronJob('deadline', '0,15,30,45 * * * *', { startingDeadlineSeconds: 15, suspend: true }));
    await b.advance(20 * 60_000, 60_000);
    // Down (suspended) over 00:15; resumed at 00:20 the missed run is 5 minutes late: it is
    // outside the window the controller looks at, so nothing starts (and, as upstream, no
    // event is recorded for it).
    await b.cp.client.patch(R.cronjobs, 'default', 'deadline', 'merge', { spec: { suspend: false } });
    await b.advance(5000, 500);
    assert.deepEqual(await jobsOf(b, 'deadline'), []);
    await b.advance(10 * 60_000, 30_000);
    const jobs = await b.until(async () => {
      const j = await jobsOf(b, 'deadline');
      return j.length === 1 ? j : undefined;
    }, 'the 00:30 run');
    assert.equal(jobs[0].metadata.name, `deadline-${minutes('2026-01-01T00:30:00Z')}`);
  } finally {
    await b.stop();
  }
});

test('after downtime: the most recent missed time runs once; more than 100 missed warns', async () => {
  const b = await bed();
  try {
    await create(b, cronJob('catchup', '* * * * *', { suspend: true }));
    await b.advance(3 * 3600_000, 600_000);
    await b.cp.client.patch(R.cronjobs, 'default', 'catchup', 'merge', { spec: { suspend: false } });
    const jobs = await b.until(async () => {
      const j = await jobsOf(b, 'catchup');
      return j.length === 1 ? j : undefined;
    }, 'one catch-up job');
    assert.equal(jobs[0].metadata.name, `catchup-${minutes('2026-01-01T03:00:00Z')}`);
    const warn = (await b.events('default', 'CronJob', 'catchup')).find((e) => e.reason === 'TooManyMissedTimes');
    assert.deepEqual([warn?.type, warn?.message], ['Warning', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew']);
  } finally {
    await b.stop();
  }
});

test('@every 1h30m and timeZone schedules', async () => {
  const b = await bed();
  try {
    await create(b, cronJob('every', '@every 1h30m'));
    await create(b, cronJob('morning', '0 9 * * *', { timeZone: 'Asia/Shanghai' }));
    await b.advance(90 * 60_000 + 1000, 300_000);
    const every = await b.until(async () => {
      const j = await jobsOf(b, 'every');
      return j.length === 1 ? j : undefined;
    }, '@every first run');
    assert.equal(every[0].metadata.name, `every-${minutes('2026-01-01T01:30:00Z')}`);
    // 09:00 in Shanghai is 01:00 UTC.
    const morning = await b.until(async () => {
      const j = await jobsOf(b, 'morning');
      return j.length === 1 ? j : undefined;
    }, 'the 09:00 Shanghai run');
    assert.equal(morning[0].metadata.name, `morning-${minutes('2026-01-01T01:00:00Z')}`);
    assert.equal(morning[0].metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2026-01-01T09:00:00+08:00');
    await b.advance(90 * 60_000, 300_000);
    await b.until(async () => (await jobsOf(b, 'every')).length === 2, '@every second run');
    assert.equal((await jobsOf(b, 'every'))[1].metadata.name, `every-${minutes('2026-01-01T03:00:00Z')}`);
  } finally {
    await b.stop();
  }
});

test('suspend: a suspended CronJob starts nothing', async () => {
  const b = await bed();
  try {
    await create(b, cronJob('paused', '* * * * *', { suspend: true }));
    await b.advance(5 * 60_000, 30_000);
    assert.deepEqual(await jobsOf(b, 'paused'), []);
  } finally {
    await b.stop();
  }
});

test('kubectl create job --from=cronjob/x makes a Job the Job controller runs', { skip: !existsSync('/usr/bin/kubectl') && 'kubectl not installed' }, async () => {
  const b = await bed();
  try {
    await create(b, cronJob('manual', '0 0 1 1 *'));
    // kubectl runs asynchronously: the API server answers from this very process.
    const r = await promisify(execFile)('/usr/bin/kubectl', ['--kubeconfig', b.cp.kubeconfigPath, 'create', 'job', 'by-hand', '--from=cronjob/manual'], { encoding: 'utf8' });
    assert.equal(r.stdout.trim(), 'job.batch/by-hand created');
    const job = (await b.job('default', 'by-hand'))!;
    assert.equal(job.metadata.annotations!['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.equal(job.metadata.ownerReferences![0].kind, 'CronJob');
    await finishJob(b, 'by-hand');
    const events = await b.events('default', 'CronJob', 'manual');
    assert.ok(events.some((e) => e.reason === 'UnexpectedJob' && e.message === 'Saw a job that the controller did not create or forgot: by-hand'));
  } finally {
    await b.stop();
  }
});
