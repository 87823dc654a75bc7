// Jobs and CronJobs as the seed tutorials use them (000: fib, luck, fun-with-cron; 002:
// batch-job, batch-job-more, activeDeadlineSeconds, backoffLimit), through `kubelite up
// --runtime simulated` and the real kubectl. Simulated containers of run-to-completion pods
// exit 0 after a few seconds; `sh -c "exit N"` fails at once and `sleep N` runs N seconds.

import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { eventually, startKubelite, type RunningCluster } from './harness.js';

const fibYaml = `apiVersion: batch/v1
kind: Job
metadata:
  name: fib
spec:
  template:
     metadata:
       name: fib
     spec:
       containers:
       - name: fib
         image: ruby:alpine
         command: ["ruby"]
         args:
         - -e
         - |
           a,b = 0,1
           100.times { puts b = (a = a+b) - b }
       restartPolicy: Never
`;

const funWithCronYaml = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: fun-with-cron
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            cronjob: fun-with-cron
        spec:
          restartPolicy: OnFailure
          containers:
          - name: how-soon-is-now
            image: alpine:3.6
            command: ["/bin/date"]
`;

const batchJobMoreYaml = `apiVersion: batch/v1
kind: Job
metadata:
  name: batch-job-more
spec:
  completions: 5
  parallelism: 3
  template:
    metadata:
      labels:
        app: batch-job-more
    spec:
      restartPolicy: OnFailure
      containers:
      - name: main
        image: luksa/batch-job
`;

function job(name: string, spec: Record<string, unknown>, command: string[] = ['sh', '-c', 'echo done'], restartPolicy = 'Never'): string {
  return YAML.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: { ...spec, template: { spec: { restartPolicy, containers: [{ name: 'main', image: 'busybox', command }] } } },
  });
}

describe('Jobs and CronJobs (seeds 000 and 002)', () => {
  let c: RunningCluster;
  /** Why the whole suite cannot run here, if it cannot. */
  let unavailable: string | undefined;
  let cronCreatedAt = 0;

  const skipIfUnavailable = (t: TestContext): boolean => {
    if (unavailable) t.skip(unavailable);
    return !!unavailable;
  };

  before(async () => {
    c = await startKubelite({ args: ['--runtime', 'simulated'] });
    try {
      await eventually(() => c.k('get nodes -o name').trim() !== '', 15_000, 'a simulated node');
    } catch {
      throw new Error('no node registered: `kubelite up --runtime simulated` runs no simulated node yet');
      return;
    }
    // The CronJob is created first so its first minute passes while the Job tests run.
    c.k('apply -f -', { input: funWithCronYaml });
    cronCreatedAt = Date.now();
    c.k('create -f -', { input: job('probe', {}) });
    try {
      await eventually(() => c.k('get pods -l job-name=probe -o name').trim() !== '', 15_000, 'a pod of the probe Job');
    } catch {
      throw new Error('the Job controller is not wired into `kubelite up` yet (a Job got no pod)');
    }
  });

  after(async () => {
    await c?.stop();
  });

  it('fib: the Job runs one pod to completion; describe and get show it', async (t) => {
    if (skipIfUnavailable(t)) return;
    assert.equal(c.k('create -f -', { input: fibYaml }).trim(), 'job.batch/fib created');
    await eventually(() => c.k('get job fib -o jsonpath={.status.succeeded}') === '1', 30_000, 'fib succeeded');
    const pods = c.k('get pods -l job-name=fib');
    assert.match(pods, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    assert.match(pods, /\nfib-[a-z0-9]{5}\s+0\/1\s+Completed\s+0\s+\S+\n$/);
    await eventually(() => /\bComplete\b/.test(c.k('get job fib')), 10_000, 'Complete');
    const jobs = c.k('get jobs fib');
    assert.match(jobs, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\n/);
    assert.match(jobs, /\nfib\s+Complete\s+1\/1\s+\S+\s+\S+\n$/);
    const d = c.k('describe jobs/fib');
    assert.match(d, /Name:\s+fib\n/);
    assert.match(d, /Selector:\s+batch\.kubernetes\.io\/controller-uid=[0-9a-f-]+/);
    assert.match(d, /job-name=fib/);
    assert.match(d, /Parallelism:\s+1\n/);
    assert.match(d, /Completions:\s+1\n/);
    assert.match(d, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
    assert.match(d, /Normal\s+SuccessfulCreate\s+\S+\s+job-controller\s+Created pod: fib-[a-z0-9]{5}/);
    assert.match(d, /Normal\s+Completed\s+\S+\s+job-controller\s+Job completed/);
  });

  it('batch-job-more: completions 5, parallelism 3 runs at most three pods at once', async (t) => {
    if (skipIfUnavailable(t)) return;
    assert.equal(c.k('create -f -', { input: batchJobMoreYaml }).trim(), 'job.batch/batch-job-more created');
    let most = 0;
    await eventually(
      () => {
        const running = c.k('get pods -l job-name=batch-job-more --field-selector=status.phase!=Succeeded -o name').trim();
        most = Math.max(most, running ? running.split('\n').length : 0);
        return c.k('get job batch-job-more -o jsonpath={.status.succeeded}') === '5';
      },
      60_000,
      'five completions',
    );
    assert.ok(most <= 3 && most > 0, `at most three pods at once, saw ${most}`);
    assert.equal(c.k('get pods -l job-name=batch-job-more -o name').trim().split('\n').length, 5);
    await eventually(() => /batch-job-more\s+Complete\s+5\/5/.test(c.k('get jobs')), 10_000, 'get jobs shows 5/5');
  });

  it('backoffLimit: a failing pod is retried, then the Job fails with BackoffLimitExceeded', async (t) => {
    if (skipIfUnavailable(t)) return;
    c.k('create -f -', { input: job('luck', { backoffLimit: 1 }, ['sh', '-c', 'exit 3']) });
    await eventually(() => c.k(['get', 'job', 'luck', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}']) === 'BackoffLimitExceeded', 60_000, 'Failed');
    assert.equal(c.k('get job luck -o jsonpath={.status.failed}'), '2');
    assert.match(c.k('get job luck'), /\nluck\s+Failed\s+0\/1\s/);
    assert.equal(c.k('get pods -l job-name=luck -o name').trim().split('\n').length, 2);
    const d = c.k('describe job luck');
    assert.match(d, /Warning\s+BackoffLimitExceeded\s+\S+\s+job-controller\s+Job has reached the specified backoff limit/);
  });

  it('activeDeadlineSeconds: a Job running too long fails with DeadlineExceeded', async (t) => {
    if (skipIfUnavailable(t)) return;
    c.k('create -f -', { input: job('slow', { activeDeadlineSeconds: 3 }, ['sleep', '600']) });
    await eventually(() => c.k(['get', 'job', 'slow', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}']) === 'DeadlineExceeded', 30_000, 'DeadlineExceeded');
    assert.match(c.k('describe job slow'), /Warning\s+DeadlineExceeded\s+\S+\s+job-controller\s+Job was active longer than specified deadline/);
  });

  it('ttlSecondsAfterFinished: a finished Job is deleted after its TTL', async (t) => {
    if (skipIfUnavailable(t)) return;
    c.k('create -f -', { input: job('short-lived', { ttlSecondsAfterFinished: 2 }) });
    await eventually(() => c.kubectl('get job short-lived').code !== 0, 30_000, 'the Job deleted after its TTL');
    await eventually(() => c.k('get pods -l job-name=short-lived -o name').trim() === '', 15_000, 'its pod deleted');
  });

  it('fun-with-cron: a Job named by the minute each minute; kubectl create job --from=cronjob', async (t) => {
    if (skipIfUnavailable(t)) return;
    const cj = c.k('get cj fun-with-cron');
    assert.match(cj, /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n/);
    assert.match(cj, /\nfun-with-cron\s+\* \* \* \* \*\s+<none>\s+False\s+\d+\s+\S+\s+\S+\n$/);
    const left = 75_000 - (Date.now() - cronCreatedAt);
    const name: RegExpExecArray = await eventually(
      () => /^(fun-with-cron-(\d+))\s/m.exec(c.k('get jobs')) as RegExpExecArray,
      Math.max(left, 5000),
      'the first scheduled Job',
    );
    const annotation = c.k(`get job ${name[1]} -o jsonpath={.metadata.annotations.batch\\.kubernetes\\.io/cronjob-scheduled-timestamp}`);
    assert.equal(Date.parse(annotation) / 60_000, Number(name[2]));
    await eventually(() => c.k('get pods -l cronjob=fun-with-cron -o name').trim() !== '', 15_000, 'its pod');
    await eventually(() => /\S/.test(c.k('get cj fun-with-cron -o jsonpath={.status.lastScheduleTime}')), 10_000, 'lastScheduleTime');

    assert.equal(c.k('create job by-hand --from=cronjob/fun-with-cron').trim(), 'job.batch/by-hand created');
    assert.equal(c.k('get job by-hand -o jsonpath={.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}'), 'manual');
    await eventually(() => c.k('get job by-hand -o jsonpath={.status.succeeded}') === '1', 30_000, 'the manual run completes');
    const d = c.k('describe cronjob fun-with-cron');
    assert.match(d, new RegExp(`Normal\\s+SuccessfulCreate\\s+\\S+\\s+cronjob-controller\\s+Created job ${name[1]}`));
  });
});
