import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { generateJobSelector, setDefaultsJob } from '../defaults/job.js';
import type { KubeObject } from '../object.js';
import { jobValidation, validateIndexesFormat, validateJob, validateJobStatusUpdate, validateJobUpdate } from './job.js';

/**
 * Messages as kubectl shows them. Errors without a value (Go's field.OmitValueType) render as
 * "Invalid value: <detail>" upstream; errors.ts does not know that form yet, so it is spelled
 * out here.
 */
const messages = (errs: FieldError[]) => errs.map((e) => (e.hasValue === false ? `${e.field}: Invalid value: ${e.detail}` : fieldErrorMessage(e)));
const uid = '0d5b5c2e-4b47-4a5e-9c4a-6f1f3c1a2b3c';

/** A Job as the API server holds it after create: defaulted, then given a uid and its selector. */
function created(job: KubeObject): KubeObject {
  setDefaultsJob(job);
  job.metadata.uid = uid;
  generateJobSelector(job);
  return job;
}

/** The seed's `fib` Job. */
function fib(mutate: (spec: Record<string, any>) => void = () => {}): KubeObject {
  const job: KubeObject = {
    metadata: { name: 'fib', namespace: 'default' },
    spec: {
      template: {
        metadata: { name: 'fib' },
        spec: {
          containers: [{ name: 'fib', image: 'ruby:alpine', command: ['ruby'], args: ['-e', 'a,b = 0,1\n100.times { puts b = (a = a+b) - b }\n'] }],
          restartPolicy: 'Never',
        },
      },
    },
  };
  mutate(job.spec as Record<string, any>);
  return created(job);
}

test('the seed Job is valid, with its generated selector and labels', () => {
  const job = fib();
  assert.deepEqual(messages(validateJob(job)), []);
  assert.deepEqual((job.spec as any).selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
  assert.deepEqual((job.spec as any).template.metadata.labels, {
    'job-name': 'fib',
    'batch.kubernetes.io/job-name': 'fib',
    'controller-uid': uid,
    'batch.kubernetes.io/controller-uid': uid,
  });
});

test('leaving restartPolicy out (so it defaults to Always) is the well-known Required error', () => {
  const job = fib((s) => delete s.template.spec.restartPolicy);
  assert.deepEqual(messages(validateJob(job)), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
});

test('counts and deadlines are never negative', () => {
  const job = fib((s) => {
    s.parallelism = -1;
    s.completions = -2;
    s.activeDeadlineSeconds = -3;
    s.backoffLimit = -4;
    s.ttlSecondsAfterFinished = -5;
  });
  assert.deepEqual(messages(validateJob(job)), [
    'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
    'spec.completions: Invalid value: -2: must be greater than or equal to 0',
    'spec.activeDeadlineSeconds: Invalid value: -3: must be greater than or equal to 0',
    'spec.backoffLimit: Invalid value: -4: must be greater than or equal to 0',
    'spec.ttlSecondsAfterFinished: Invalid value: -5: must be greater than or equal to 0',
  ]);
});

test('a user label that conflicts with the generated ones is rejected', () => {
  const job = fib((s) => (s.template.metadata.labels = { 'controller-uid': 'mine' }));
  assert.deepEqual(messages(validateJob(job)), [
    `spec.template.metadata.labels[controller-uid]: Invalid value: {"controller-uid":"mine","job-name":"fib","batch.kubernetes.io/job-name":"fib","batch.kubernetes.io/controller-uid":"${uid}"}: must be '${uid}'`,
  ]);
});

test('a selector of its own without manualSelector is not the generated one', () => {
  const job = fib((s) => {
    s.selector = { matchLabels: { app: 'fib' } };
    s.template.metadata.labels = { app: 'fib' };
  });
  assert.deepEqual(messages(validateJob(job)), [
    `spec.selector: Invalid value: {"matchLabels":{"app":"fib","batch.kubernetes.io/controller-uid":"${uid}"}}: \`selector\` not auto-generated`,
  ]);
});

test('manualSelector: the user selector must match the template, and is required', () => {
  const ok = fib((s) => {
    s.manualSelector = true;
    s.selector = { matchLabels: { app: 'fib' } };
    s.template.metadata.labels = { app: 'fib' };
  });
  assert.deepEqual(messages(validateJob(ok)), []);
  const missing = fib((s) => (s.manualSelector = true));
  assert.deepEqual(messages(validateJob(missing)), ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`']);
});

test('Indexed Jobs need completions, a hostname-safe name, and per-index limits only there', () => {
  const job = fib((s) => {
    s.completionMode = 'Indexed';
    s.completions = 3;
    s.backoffLimitPerIndex = 1;
    s.maxFailedIndexes = 5;
  });
  assert.deepEqual(messages(validateJob(job)), ['spec.maxFailedIndexes: Invalid value: 5: must be less than or equal to completions']);
  const plain = fib((s) => (s.backoffLimitPerIndex = 1));
  assert.deepEqual(messages(validateJob(plain)), ['spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode']);
  const long = fib((s) => {
    s.completionMode = 'Indexed';
    s.completions = 10;
  });
  long.metadata.name = 'x'.repeat(62);
  assert.deepEqual(messages(validateJob(long)).filter((m) => m.startsWith('metadata.name')), [
    `metadata.name: Invalid value: "${'x'.repeat(62)}": will not able to create pod with invalid DNS label: ${'x'.repeat(62)}-9`,
  ]);
  const mode = fib((s) => (s.completionMode = 'Sometimes'));
  assert.deepEqual(messages(validateJob(mode)), ['spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"']);
});

test('pod failure policies', () => {
  const job = fib((s) => {
    s.podFailurePolicy = {
      rules: [
        { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [3, 0, 2, 2] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
        { action: 'Retry', onExitCodes: { operator: 'NotIn', values: [1] }, onPodConditions: [{ type: 'X', status: 'True' }] },
        { action: '' },
      ],
    };
  });
  assert.deepEqual(messages(validateJob(job)), [
    'spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "main": must be one of the container or initContainer names in the pod template',
    'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator',
    'spec.podFailurePolicy.rules[0].onExitCodes.values[3]: Duplicate value: 2',
    'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,0,2,2]: must be ordered',
    'spec.podFailurePolicy.rules[2].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
    'spec.podFailurePolicy.rules[2]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported',
    'spec.podFailurePolicy.rules[3].action: Required value: valid values: ["Count" "FailIndex" "FailJob" "Ignore"]',
    'spec.podFailurePolicy.rules[3]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required',
  ]);
  const onFailure = fib((s) => {
    s.template.spec.restartPolicy = 'OnFailure';
    s.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] };
  });
  assert.deepEqual(messages(validateJob(onFailure)), ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified']);
  assert.equal((onFailure.spec as any).podReplacementPolicy, 'Failed');
  assert.equal((onFailure.spec as any).podFailurePolicy.rules[0].onPodConditions[0].status, 'True');
});

test('success policies apply to Indexed Jobs only', () => {
  const job = fib((s) => (s.successPolicy = { rules: [{ succeededCount: 1 }] }));
  assert.deepEqual(messages(validateJob(job)), ['spec.successPolicy: Invalid value: {"rules":[{"succeededCount":1}]}: requires indexed completion mode']);
  const indexed = fib((s) => {
    s.completionMode = 'Indexed';
    s.completions = 5;
    s.successPolicy = { rules: [{ succeededIndexes: '0-2,1', succeededCount: 9 }, {}] };
  });
  assert.deepEqual(messages(validateJob(indexed)), [
    'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "0-2,1": error parsing succeededIndexes: non-increasing order, previous: 2, current: 1',
    'spec.successPolicy.rules[0].succeededCount: Invalid value: 9: must be less than or equal to 5 (the number of specified completions)',
    'spec.successPolicy.rules[0].succeededCount: Invalid value: 9: must be less than or equal to 0 (the number of indexes in the specified succeededIndexes field)',
    'spec.successPolicy.rules[1]: Required value: at least one of succeededCount or succeededIndexes must be specified',
  ]);
});

test('index lists', () => {
  assert.equal(validateIndexesFormat('0,2-4,7', 8), 5);
  assert.equal(validateIndexesFormat('1-2-3', 8), `the fragment "1-2-3" violates the requirement that an index interval can have at most two parts separated by '-'`);
  assert.equal(validateIndexesFormat('9', 8), 'too large index: "9"');
  assert.equal(validateIndexesFormat('a', 8), 'cannot convert string to integer for index: "a"');
});

test('an update may not change the template, selector or completions (of a non-Indexed Job)', () => {
  const old = fib();
  const changed = fib((s) => (s.template.spec.containers[0].image = 'ruby:3'));
  assert.deepEqual(messages(validateJobUpdate(changed, old)).map((m) => m.replace(/Invalid value: .*: field/, 'Invalid value: …: field')), [
    'spec.template: Invalid value: …: field is immutable',
  ]);
  const more = fib((s) => (s.completions = 2));
  assert.deepEqual(messages(validateJobUpdate(more, old)), ['spec.completions: Invalid value: 2: field is immutable']);
  const suspend = fib((s) => (s.suspend = true));
  assert.deepEqual(validateJobUpdate(suspend, old), []);
});

test('a suspended Job that never started may change its scheduling directives', () => {
  const old = fib((s) => (s.suspend = true));
  const moved = fib((s) => {
    s.suspend = true;
    s.template.spec.nodeSelector = { disk: 'ssd' };
    s.template.spec.tolerations = [{ key: 'gpu', operator: 'Exists' }];
  });
  assert.deepEqual(validateJobUpdate(moved, old), []);
  const started = { ...old, status: { startTime: '2024-01-01T00:00:00Z' } };
  assert.equal(validateJobUpdate(moved, started).length, 1);
});

test('Elastic Indexed Jobs scale completions together with parallelism', () => {
  const indexed = (c: number, p: number) =>
    fib((s) => {
      s.completionMode = 'Indexed';
      s.completions = c;
      s.parallelism = p;
    });
  assert.deepEqual(validateJobUpdate(indexed(5, 5), indexed(3, 3)), []);
  assert.deepEqual(messages(validateJobUpdate(indexed(5, 3), indexed(3, 3))), [
    'spec.completions: Invalid value: 5: can only be modified in tandem with spec.parallelism',
  ]);
});

test('status: a finished Job needs its conditions in order', () => {
  const old = { ...fib(), status: { active: 1, startTime: '2024-01-01T00:00:00Z' } };
  const completeOnly = {
    ...fib(),
    status: { active: 0, succeeded: 1, startTime: '2024-01-01T00:00:00Z', completionTime: '2024-01-01T00:01:00Z', conditions: [{ type: 'Complete', status: 'True' }] },
  };
  assert.deepEqual(messages(validateJobStatusUpdate(completeOnly, old)), [
    'status.conditions: Invalid value: cannot set Complete=True condition without the SuccessCriteriaMet=true condition',
  ]);
  const proper = {
    ...completeOnly,
    status: { ...completeOnly.status, conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] },
  };
  assert.deepEqual(validateJobStatusUpdate(proper, old), []);
  const failed = { ...fib(), status: { failed: 1, startTime: '2024-01-01T00:00:00Z', conditions: [{ type: 'Failed', status: 'True' }] } };
  assert.deepEqual(messages(validateJobStatusUpdate(failed, old)), [
    'status.conditions: Invalid value: cannot set Failed=True condition without the FailureTarget=true condition',
  ]);
});

test('status: counters only grow and terminal conditions stay', () => {
  const old = { ...fib(), status: { failed: 2, succeeded: 1, conditions: [{ type: 'FailureTarget', status: 'True' }] } };
  const d = { ...fib(), status: { failed: 1, succeeded: 0 } };
  assert.deepEqual(messages(validateJobStatusUpdate(d, old)), [
    'status.conditions: Invalid value: cannot disable the terminal FailureTarget=True condition',
    'status.failed: Invalid value: 1: cannot decrease the failed counter',
    'status.succeeded: Invalid value: 0: cannot decrease the succeeded counter',
  ]);
});

test('job validation is registered under its name rule', () => {
  assert.equal(jobValidation.nameRule, 'subdomain');
  assert.doesNotThrow(() => jobValidation.validate({ metadata: {}, spec: 'nonsense' }));
});
