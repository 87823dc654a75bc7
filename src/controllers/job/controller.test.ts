import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../client/resources.js';
import { jobController } from './controller.js';
import { startBatchTestBed, type BatchTestBed } from './test-support.js';
import type { Job, Pod } from './types.js';

function jobManifest(name: string, spec: Record<string, unknown> = {}, restartPolicy = 'Never'): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      template: { metadata: { name }, spec: { containers: [{ name, image: 'ruby:alpine', command: ['ruby'] }], restartPolicy } },
      ...spec,
    },
  } as Job;
}

async function bed(): Promise<BatchTestBed> {
  return startBatchTestBed((ctx) => [jobController(ctx, { syncBatchPeriodMs: 0 })]);
}

const cond = (job: Job | undefined, type: string) => job?.status?.conditions?.find((c) => c.type === type);

test('fib: one pod named <job>-<5 chars>, labelled and tracked; Succeeded completes the Job', async () => {
  const b = await bed();
  try {
    const created = await b.cp.client.create(R.jobs, 'default', jobManifest('fib'));
    const uid = created.metadata.uid!;
    const [pod] = await b.until(async () => {
      const pods = await b.podsOf('default', 'fib');
      return pods.length === 1 ? pods : undefined;
    }, 'the pod');
    assert.match(pod.metadata.name!, /^fib-[a-z0-9]{5}$/);
    assert.deepEqual(pod.metadata.labels, {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'fib',
      'controller-uid': uid,
      'job-name': 'fib',
    });
    assert.deepEqual(pod.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
    assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'fib', uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(pod.metadata.annotations, undefined);

    const running = await b.until(async () => {
      const j = await b.job('default', 'fib');
      return j?.status?.active === 1 ? j : undefined;
    }, 'active=1');
    assert.equal(running.status!.startTime, '2026-01-01T00:00:00Z');
    assert.equal(running.status!.ready, 0);
    assert.equal(running.status!.terminating, 0);
    assert.deepEqual(running.status!.uncountedTerminatedPods, {});

    await b.setPodPhase(pod, 'Running');
    await b.until(async () => (await b.job('default', 'fib'))?.status?.ready === 1, 'ready=1');
    b.clock.advance(65_000);
    await b.setPodPhase(pod, 'Succeeded');
    const done = await b.until(async () => {
      const j = await b.job('default', 'fib');
      return cond(j, 'Complete') ? j : undefined;
    }, 'Complete');
    const st = done.status!;
    assert.equal(st.succeeded, 1);
    assert.equal(st.active, undefined);
    assert.equal(st.failed, undefined);
    assert.equal(st.ready, 0);
    assert.deepEqual(st.uncountedTerminatedPods, {});
    assert.deepEqual(
      st.conditions!.map((c) => [c.type, c.status, c.reason, c.message]),
      [
        ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
        ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ],
    );
    assert.equal(st.completionTime, cond(done, 'Complete')!.lastTransitionTime);
    assert.ok(Date.parse(st.completionTime!) >= Date.parse('2026-01-01T00:01:05Z'));

    // The pod stays (its logs remain readable) without the finalizer.
    const after = (await b.cp.client.get(R.pods, 'default', pod.metadata.name!)) as Pod;
    assert.deepEqual(after.metadata.finalizers ?? [], []);
    const events = await b.events('default', 'Job', 'fib');
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.message, e.source]),
      [
        ['Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'job-controller'],
        ['Normal', 'Completed', 'Job completed', 'job-controller'],
      ],
    );
  } finally {
    await b.stop();
  }
});

async function waitJob(b: BatchTestBed, name: string, pred: (j: Job) => boolean, what: string): Promise<Job> {
  return b.until(async () => {
    const j = await b.job('default', name);
    return j && pred(j) ? j : undefined;
  }, what);
}

async function waitPods(b: BatchTestBed, job: string, pred: (pods: Pod[]) => boolean, what: string): Promise<Pod[]> {
  return b.until(async () => {
    const pods = await b.podsOf('default', job);
    return pred(pods) ? pods : undefined;
  }, what);
}

const active = (pods: Pod[]) => pods.filter((p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));

test('luck: a failed pod is replaced after 10 s, then 20 s; a success completes with the failures counted', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.jobs, 'default', jobManifest('luck'));
    const [first] = await waitPods(b, 'luck', (p) => p.length === 1, 'first pod');
    await b.setPodPhase(first, 'Failed', { exitCode: 3 });
    const failedOnce = await waitJob(b, 'luck', (j) => j.status?.failed === 1, 'failed=1');
    assert.equal(failedOnce.status!.active, undefined);
    await b.advance(9000);
    assert.equal((await b.podsOf('default', 'luck')).length, 1, 'no replacement within the 10 s back-off');
    await b.advance(1500, 500);
    const [, second] = await waitPods(b, 'luck', (p) => p.length === 2, 'the replacement after 10 s');
    assert.deepEqual((await b.cp.client.get(R.pods, 'default', first.metadata.name!))!.metadata.finalizers ?? [], []);

    await b.setPodPhase(second, 'Failed', { exitCode: 7 });
    await waitJob(b, 'luck', (j) => j.status?.failed === 2, 'failed=2');
    await b.advance(19_000);
    assert.equal((await b.podsOf('default', 'luck')).length, 2, 'the second back-off is 20 s');
    await b.advance(1500, 500);
    const pods = await waitPods(b, 'luck', (p) => p.length === 3, 'the third pod');
    await b.setPodPhase(pods[2], 'Succeeded');
    const done = await waitJob(b, 'luck', (j) => !!cond(j, 'Complete'), 'Complete');
    assert.equal(done.status!.succeeded, 1);
    assert.equal(done.status!.failed, 2);
    const reasons = (await b.events('default', 'Job', 'luck')).map((e) => e.reason);
    assert.deepEqual(reasons, ['SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate', 'Completed']);
  } finally {
    await b.stop();
  }
});

test('backoffLimit: one failure more than the limit fails the Job with BackoffLimitExceeded', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.jobs, 'default', jobManifest('flaky', { backoffLimit: 1 }));
    const [p1] = await waitPods(b, 'flaky', (p) => p.length === 1, 'pod 1');
    await b.setPodPhase(p1, 'Failed');
    await waitJob(b, 'flaky', (j) => j.status?.failed === 1, 'failed=1');
    await b.advance(11_000);
    const [, p2] = await waitPods(b, 'flaky', (p) => p.length === 2, 'pod 2');
    await b.setPodPhase(p2, 'Failed');
    const failed = await waitJob(b, 'flaky', (j) => !!cond(j, 'Failed'), 'Failed');
    assert.equal(failed.status!.failed, 2);
    assert.deepEqual(
      failed.status!.conditions!.map((c) => [c.type, c.status, c.reason, c.message]),
      [
        ['FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
        ['Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ],
    );
    assert.equal(failed.status!.completionTime, undefined);
    await b.advance(700_000, 100_000);
    assert.equal((await b.podsOf('default', 'flaky')).length, 2, 'a failed Job creates no more pods');
    const events = await b.events('default', 'Job', 'flaky');
    assert.deepEqual(events.at(-1), { type: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', source: 'job-controller' });
  } finally {
    await b.stop();
  }
});

test('restartPolicy OnFailure: container restarts count towards backoffLimit; the running pod is deleted', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.jobs, 'default', jobManifest('restarts', { backoffLimit: 3 }, 'OnFailure'));
    const [pod] = await waitPods(b, 'restarts', (p) => p.length === 1, 'the pod');
    await b.setPodPhase(pod, 'Running', { restartCount: 2 });
    await waitJob(b, 'restarts', (j) => j.status?.ready === 1, 'ready');
    assert.equal(cond(await b.job('default', 'restarts'), 'FailureTarget'), undefined);
    await b.setPodPhase(pod, 'Running', { restartCount: 3 });
    const failed = await waitJob(b, 'restarts', (j) => !!cond(j, 'Failed'), 'Failed');
    assert.equal(cond(failed, 'Failed')!.reason, 'BackoffLimitExceeded');
    assert.equal(failed.status!.failed, 1, 'the deleted running pod counts as failed');
    assert.equal(failed.status!.active, undefined);
    assert.equal(await b.cp.client.get(R.pods, 'default', pod.metadata.name!), undefined, 'the pod is gone');
    const reasons = (await b.events('default', 'Job', 'restarts')).map((e) => `${e.reason}: ${e.message}`);
    assert.ok(reasons.includes(`SuccessfulDelete: Deleted pod: ${pod.metadata.name}`), reasons.join('\n'));
  } finally {
    await b.stop();
  }
});

test('batch-job-more: completions 5, parallelism 3 never runs more than 3 nor creates more than 5', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.jobs, 'default', jobManifest('batch-job-more', { completions: 5, parallelism: 3 }, 'OnFailure'));
    let pods = await waitPods(b, 'batch-job-more', (p) => p.length === 3, 'three pods');
    for (const p of pods) await b.setPodPhase(p, 'Running');
    let job = await waitJob(b, 'batch-job-more', (j) => j.status?.active === 3 && j.status?.ready === 3, 'active 3');
    assert.equal(job.status!.succeeded, undefined);
    await b.setPodPhase(pods[0], 'Succeeded');
    pods = await waitPods(b, 'batch-job-more', (p) => p.length === 4, 'a fourth pod');
    job = await waitJob(b, 'batch-job-more', (j) => j.status?.succeeded === 1 && j.status?.active === 3, 'succeeded 1, active 3');
    const [second, third] = active(pods);
    await b.setPodPhase(second, 'Succeeded');
    await b.setPodPhase(third, 'Succeeded');
    pods = await waitPods(b, 'batch-job-more', (p) => p.length === 5, 'a fifth pod');
    job = await waitJob(b, 'batch-job-more', (j) => j.status?.succeeded === 3 && j.status?.active === 2, 'succeeded 3, active 2');
    for (const p of active(pods)) await b.setPodPhase(p, 'Succeeded');
    job = await waitJob(b, 'batch-job-more', (j) => !!cond(j, 'Complete'), 'Complete');
    assert.equal(job.status!.succeeded, 5);
    assert.equal((await b.podsOf('default', 'batch-job-more')).length, 5);
  } finally {
    await b.stop();
  }
});

test('no completions: parallel workers until one succeeds and the rest finish', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.jobs, 'default', jobManifest('queue', { parallelism: 2 }));
    const pods = await waitPods(b, 'queue', (p) => p.length === 2, 'two workers');
    const created = await b.job('default', 'queue');
    assert.equal(created!.spec.completions, undefined);
    await b.setPodPhase(pods[0], 'Succeeded');
    await waitJob(b, 'queue', (j) => j.status?.succeeded === 1 && j.status?.active === 1, 'one done, one running');
    await b.advance(3000);
    assert.equal((await b.podsOf('default', 'queue')).length, 2, 'no new worker after a success');
    await b.setPodPhase(pods[1], 'Succeeded');
    const done = await waitJob(b, 'queue', (j) => !!cond(j, 'Complete'), 'Complete');
    assert.equal(done.status!.succeeded, 2);
  } finally {
    await b.stop();
  }
});

test('activeDeadlineSeconds: the Job fails with DeadlineExceeded and its pods are deleted', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.jobs, 'default', jobManifest('slow', { activeDeadlineSeconds: 30, parallelism: 2, completions: 4 }));
    const pods = await waitPods(b, 'slow', (p) => p.length === 2, 'two pods');
    await b.setPodPhase(pods[0], 'Running');
    await b.advance(29_000);
    assert.equal(cond(await b.job('default', 'slow'), 'FailureTarget'), undefined);
    await b.advance(1500, 500);
    const failed = await waitJob(b, 'slow', (j) => !!cond(j, 'Failed'), 'Failed');
    assert.deepEqual([cond(failed, 'Failed')!.reason, cond(failed, 'Failed')!.message], ['DeadlineExceeded', 'Job was active longer than specified deadline']);
    assert.equal(failed.status!.failed, 2);
    assert.deepEqual(await b.podsOf('default', 'slow'), []);
    const events = await b.events('default', 'Job', 'slow');
    assert.deepEqual(events.at(-1), { type: 'Warning', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline', source: 'job-controller' });
  } finally {
    await b.stop();
  }
});

test('suspend and resume: no pods while suspended, Suspended condition, startTime restarts on resume', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.jobs, 'default', jobManifest('later', { suspend: true, parallelism: 2, completions: 2 }));
    const held = await waitJob(b, 'later', (j) => !!cond(j, 'Suspended'), 'Suspended');
    assert.deepEqual([cond(held, 'Suspended')!.status, cond(held, 'Suspended')!.reason, cond(held, 'Suspended')!.message], ['True', 'JobSuspended', 'Job suspended']);
    assert.equal(held.status!.startTime, undefined);
    assert.deepEqual(await b.podsOf('default', 'later'), []);
    b.clock.advance(60_000);
    await b.cp.client.patch(R.jobs, 'default', 'later', 'merge', { spec: { suspend: false } });
    const resumed = await waitJob(b, 'later', (j) => cond(j, 'Suspended')?.status === 'False' && j.status?.active === 2, 'resumed');
    assert.deepEqual([cond(resumed, 'Suspended')!.reason, cond(resumed, 'Suspended')!.message], ['JobResumed', 'Job resumed']);
    assert.equal(resumed.status!.startTime, '2026-01-01T00:01:00Z');
    const pods = await waitPods(b, 'later', (p) => p.length === 2, 'two pods');
    await b.cp.client.patch(R.jobs, 'default', 'later', 'merge', { spec: { suspend: true } });
    await waitJob(b, 'later', (j) => cond(j, 'Suspended')?.status === 'True' && !j.status?.active, 'suspended again');
    await waitPods(b, 'later', (p) => p.length === 0, 'pods deleted');
    const events = (await b.events('default', 'Job', 'later')).map((e) => `${e.reason}: ${e.message}`);
    // The second suspension repeats the first event (its count goes up), as client-go does.
    assert.deepEqual(events.filter((e) => /Suspended|Resumed/.test(e)).sort(), ['Resumed: Job resumed', 'Suspended: Job suspended']);
    const suspendedEvent = (await b.cp.client.list(R.events, 'default')).items.find((e: any) => e.reason === 'Suspended' && e.involvedObject.name === 'later') as any;
    assert.equal(suspendedEvent.count, 2);
    for (const p of pods) assert.ok(events.includes(`SuccessfulDelete: Deleted pod: ${p.metadata.name}`));
    const job = await b.job('default', 'later');
    assert.equal(job!.status!.failed, undefined, 'pods deleted by suspension are not failures');
  } finally {
    await b.stop();
  }
});

test('parallelism lowered: surplus pods are deleted, not counted as failed', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.jobs, 'default', jobManifest('wide', { parallelism: 3, completions: 6 }));
    await waitPods(b, 'wide', (p) => p.length === 3, 'three pods');
    await b.cp.client.patch(R.jobs, 'default', 'wide', 'merge', { spec: { parallelism: 1 } });
    await waitPods(b, 'wide', (p) => p.length === 1, 'one pod left');
    const job = await waitJob(b, 'wide', (j) => j.status?.active === 1, 'active 1');
    assert.equal(job.status!.failed, undefined);
  } finally {
    await b.stop();
  }
});

test('Indexed: pods <job>-<index>-<5 chars> with the index annotation, label, env and hostname; completedIndexes', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.jobs, 'default', jobManifest('idx', { completions: 3, parallelism: 2, completionMode: 'Indexed' }));
    const pods = await waitPods(b, 'idx', (p) => p.length === 2, 'two pods');
    const byIndex = new Map(pods.map((p) => [p.metadata.annotations!['batch.kubernetes.io/job-completion-index'], p]));
    assert.deepEqual([...byIndex.keys()].sort(), ['0', '1']);
    const p1 = byIndex.get('1')!;
    assert.match(p1.metadata.name!, /^idx-1-[a-z0-9]{5}$/);
    assert.equal(p1.metadata.labels!['batch.kubernetes.io/job-completion-index'], '1');
    assert.equal(p1.spec.hostname, 'idx-1');
    assert.deepEqual(p1.spec.containers[0].env, [
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    await b.setPodPhase(p1, 'Succeeded');
    const after = await waitPods(b, 'idx', (p) => p.length === 3, 'index 2');
    assert.ok(after.some((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index'] === '2'));
    let job = await waitJob(b, 'idx', (j) => j.status?.completedIndexes === '1', 'completedIndexes 1');
    assert.equal(job.status!.succeeded, 1);
    for (const p of active(after)) await b.setPodPhase(p, 'Succeeded');
    job = await waitJob(b, 'idx', (j) => !!cond(j, 'Complete'), 'Complete');
    assert.equal(job.status!.completedIndexes, '0-2');
    assert.equal(job.status!.succeeded, 3);
  } finally {
    await b.stop();
  }
});

test('podFailurePolicy: FailJob on an exit code fails at once; Ignore does not count', async () => {
  const b = await bed();
  try {
    const policy = {
      rules: [
        { action: 'FailJob', onExitCodes: { containerName: 'pfp', operator: 'In', values: [42] } },
        { action: 'Ignore', onExitCodes: { operator: 'In', values: [13] } },
      ],
    };
    await b.cp.client.create(R.jobs, 'default', jobManifest('pfp', { podFailurePolicy: policy, backoffLimit: 0 }));
    const [p1] = await waitPods(b, 'pfp', (p) => p.length === 1, 'pod 1');
    await b.setPodPhase(p1, 'Failed', { exitCode: 13 });
    // An ignored failure still waits out the back-off, but does not count.
    await b.advance(11_000);
    const [, p2] = await waitPods(b, 'pfp', (p) => p.length === 2, 'the ignored failure replaced');
    let job = await waitJob(b, 'pfp', (j) => j.status?.active === 1, 'active');
    assert.equal(job.status!.failed, undefined);
    await b.setPodPhase(p2, 'Failed', { exitCode: 42 });
    job = await waitJob(b, 'pfp', (j) => !!cond(j, 'Failed'), 'Failed');
    const msg = `Container pfp for pod default/${p2.metadata.name} failed with exit code 42 matching FailJob rule at index 0`;
    assert.deepEqual([cond(job, 'FailureTarget')!.reason, cond(job, 'FailureTarget')!.message], ['PodFailurePolicy', msg]);
    assert.deepEqual([cond(job, 'Failed')!.reason, cond(job, 'Failed')!.message], ['PodFailurePolicy', msg]);
    assert.equal(job.status!.failed, 1);
  } finally {
    await b.stop();
  }
});

test('backoffLimitPerIndex: an index that fails past its limit is a failed index; the Job fails with FailedIndexes', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.jobs, 'default', jobManifest('per-index', { completions: 2, parallelism: 2, completionMode: 'Indexed', backoffLimitPerIndex: 1 }));
    const created = await b.job('default', 'per-index');
    assert.equal(created!.spec.backoffLimit, 2147483647);
    const pods = await waitPods(b, 'per-index', (p) => p.length === 2, 'two pods');
    const ix = (p: Pod) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index'];
    const zero = pods.find((p) => ix(p) === '0')!;
    const one = pods.find((p) => ix(p) === '1')!;
    assert.equal(zero.metadata.annotations!['batch.kubernetes.io/job-index-failure-count'], '0');
    await b.setPodPhase(zero, 'Failed');
    await b.advance(11_000);
    const retry = (await waitPods(b, 'per-index', (p) => p.filter((x) => ix(x) === '0').length === 2, 'index 0 retried')).find((p) => ix(p) === '0' && p.metadata.uid !== zero.metadata.uid)!;
    assert.equal(retry.metadata.annotations!['batch.kubernetes.io/job-index-failure-count'], '1');
    await b.setPodPhase(retry, 'Failed');
    await waitJob(b, 'per-index', (j) => j.status?.failedIndexes === '0', 'failedIndexes 0');
    await b.setPodPhase(one, 'Succeeded');
    const job = await waitJob(b, 'per-index', (j) => !!cond(j, 'Failed'), 'Failed');
    assert.deepEqual([cond(job, 'Failed')!.reason, cond(job, 'Failed')!.message], ['FailedIndexes', 'Job has failed indexes']);
    assert.equal(job.status!.completedIndexes, '1');
    assert.equal(job.status!.failed, 2);
  } finally {
    await b.stop();
  }
});

test('a deleted Job: its pods lose the tracking finalizer, so they can go', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.jobs, 'default', jobManifest('gone', { parallelism: 2, completions: 2 }));
    const pods = await waitPods(b, 'gone', (p) => p.length === 2, 'two pods');
    await b.cp.client.delete(R.jobs, 'default', 'gone', { propagationPolicy: 'Background' });
    await b.until(async () => {
      const now = await b.podsOf('default', 'gone');
      return now.length === 2 && now.every((p) => (p.metadata.finalizers ?? []).length === 0);
    }, 'finalizers removed');
    assert.equal(pods.length, 2);
  } finally {
    await b.stop();
  }
});

test('an orphan pod matching the selector is adopted with the tracking finalizer', async () => {
  const b = await bed();
  try {
    await b.cp.client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'x' }], restartPolicy: 'Never' } });
    const manifest = jobManifest('adopt', { parallelism: 2, completions: 2, manualSelector: true, selector: { matchLabels: { app: 'adopt' } } });
    manifest.spec.template.metadata = { labels: { app: 'adopt' } };
    const job = await b.cp.client.create(R.jobs, 'default', manifest);
    const stray = await b.until(async () => {
      const p = await b.cp.client.get(R.pods, 'default', 'stray');
      return p?.metadata.ownerReferences?.[0]?.uid === job.metadata.uid ? p : undefined;
    }, 'adopted');
    assert.deepEqual(stray.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
    const pods = await b.until(async () => {
      const list = (await b.cp.client.list(R.pods, 'default', { labelSelector: 'app=adopt' })).items;
      return list.length === 2 ? list : undefined;
    }, 'one more pod, not two');
    await b.advance(2000);
    assert.equal((await b.cp.client.list(R.pods, 'default', { labelSelector: 'app=adopt' })).items.length, 2);
    assert.ok(pods.some((p) => p.metadata.name === 'stray'));
  } finally {
    await b.stop();
  }
});
