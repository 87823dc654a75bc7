import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackoffStore, backoffDuration, remainingBackoff } from './backoff.js';
import { OrderedIntervals, matchSucceededIndexesRule } from './intervals.js';
import { matchPodFailurePolicy, matchSuccessPolicy } from './policies.js';
import { compareActivePods, rfc1123z } from './util.js';
import type { Pod } from './types.js';

test('intervals: parse, merge and print as status.completedIndexes does', () => {
  assert.equal(OrderedIntervals.parse('1,3-5,7', 10).toString(), '1,3-5,7');
  assert.equal(OrderedIntervals.parse('0,1,2', 10).toString(), '0-2');
  assert.equal(OrderedIntervals.parse('3,4', 10).toString(), '3,4');
  assert.equal(OrderedIntervals.parse('1-8', 5).toString(), '1-4', 'capped at completions');
  assert.equal(OrderedIntervals.parse('x,2', 5).toString(), '2', 'unparsable pieces skipped');
  assert.equal(OrderedIntervals.parse('', 5).total(), 0);
  const s = OrderedIntervals.parse('1,5-6', 10).withIndexes([0, 2, 7, 9]);
  assert.equal(s.toString(), '0-2,5-7,9');
  assert.equal(s.total(), 7);
  assert.ok(s.has(6) && s.has(0) && !s.has(3) && !s.has(8) && !s.has(10));
  assert.equal(OrderedIntervals.parse('0-2', 10).merge(OrderedIntervals.parse('3,8', 10)).toString(), '0-3,8');
});

test('success policy: succeededIndexes and succeededCount', () => {
  const done = OrderedIntervals.parse('0,2-4', 10);
  assert.ok(matchSucceededIndexesRule(OrderedIntervals.parse('2-4', 10), done, undefined));
  assert.ok(!matchSucceededIndexesRule(OrderedIntervals.parse('1-4', 10), done, undefined));
  assert.ok(matchSucceededIndexesRule(OrderedIntervals.parse('1-4', 10), done, 3));
  assert.equal(matchSuccessPolicy({ rules: [{ succeededIndexes: '5-9' }, { succeededCount: 4 }] }, 10, done), 'Matched rules at index 1');
  assert.equal(matchSuccessPolicy({ rules: [{ succeededCount: 5 }] }, 10, done), undefined);
  assert.equal(matchSuccessPolicy(undefined, 10, done), undefined);
});

test('back-off: 10 s doubling per failure, capped at 10 minutes', () => {
  assert.deepEqual([1, 2, 3, 4, 6, 7, 20].map((n) => backoffDuration(n) / 1000), [10, 20, 40, 80, 320, 600, 600]);
  assert.equal(remainingBackoff(100_000, 2, 95_000), 15_000);
  assert.equal(remainingBackoff(100_000, 1, 80_000), 0);
  assert.equal(remainingBackoff(100_000, 0, undefined), 0);
});

const finished = (uid: string, at: string, phase = 'Failed'): Pod =>
  ({
    metadata: { uid, name: uid, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { containers: [] },
    status: { phase, containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 1, finishedAt: at } } }] },
  }) as Pod;

test('back-off record: failures after the last success count', () => {
  const store = new BackoffStore();
  let r = store.next('ns/j', [], [finished('a', '2026-01-01T00:00:10Z'), finished('b', '2026-01-01T00:00:05Z')]);
  assert.equal(r.failuresAfterLastSuccess, 2);
  assert.equal(r.lastFailureTime, Date.parse('2026-01-01T00:00:10Z'));
  store.update(r);
  r = store.next('ns/j', [finished('s', '2026-01-01T00:00:20Z', 'Succeeded')], [finished('c', '2026-01-01T00:00:30Z'), finished('d', '2026-01-01T00:00:15Z')]);
  assert.equal(r.failuresAfterLastSuccess, 1);
  assert.equal(r.lastFailureTime, Date.parse('2026-01-01T00:00:30Z'));
});

test('pod failure policy: exit codes (In/NotIn, container name), pod conditions, first rule wins', () => {
  const pod = (exitCode: number, conditions: { type: string; status: string }[] = []): Pod =>
    ({
      metadata: { name: 'p', namespace: 'ns' },
      spec: { containers: [] },
      status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'main', state: { terminated: { exitCode } } }] },
    }) as Pod;
  const policy = {
    rules: [
      { action: 'Ignore' as const, onPodConditions: [{ type: 'DisruptionTarget' }] },
      { action: 'FailJob' as const, onExitCodes: { containerName: 'main', operator: 'In' as const, values: [42] } },
      { action: 'Count' as const, onExitCodes: { operator: 'NotIn' as const, values: [1] } },
    ],
  };
  assert.deepEqual(matchPodFailurePolicy(policy, pod(1, [{ type: 'DisruptionTarget', status: 'True' }])), { countFailed: false, action: 'Ignore' });
  assert.deepEqual(matchPodFailurePolicy(policy, pod(42)), {
    failJobMessage: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1',
    countFailed: true,
    action: 'FailJob',
  });
  assert.deepEqual(matchPodFailurePolicy(policy, pod(3)), { countFailed: true, action: 'Count' });
  assert.deepEqual(matchPodFailurePolicy(policy, pod(1)), { countFailed: true });
  assert.deepEqual(matchPodFailurePolicy({ rules: [{ action: 'FailJob', onPodConditions: [{ type: 'ConfigIssue', status: 'True' }] }] }, pod(1, [{ type: 'ConfigIssue', status: 'True' }])), {
    failJobMessage: 'Pod ns/p has condition ConfigIssue matching FailJob rule at index 0',
    countFailed: true,
    action: 'FailJob',
  });
});

test('active pods sort: unscheduled, pending, not ready, then newer first', () => {
  const p = (name: string, nodeName: string, phase: string, ready: boolean, created: string): Pod =>
    ({
      metadata: { name, creationTimestamp: created },
      spec: { containers: [], nodeName },
      status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    }) as Pod;
  const pods = [
    p('running-old', 'n1', 'Running', true, '2026-01-01T00:00:00Z'),
    p('running-new', 'n1', 'Running', true, '2026-01-01T00:05:00Z'),
    p('unscheduled', '', 'Pending', false, '2026-01-01T00:00:00Z'),
    p('pending', 'n1', 'Pending', false, '2026-01-01T00:00:00Z'),
    p('not-ready', 'n1', 'Running', false, '2026-01-01T00:00:00Z'),
  ];
  assert.deepEqual(pods.sort(compareActivePods).map((x) => x.metadata.name), ['unscheduled', 'pending', 'not-ready', 'running-new', 'running-old']);
});

test('RFC 1123 with numeric zone, as MissSchedule events print times', () => {
  assert.equal(rfc1123z(Date.parse('2026-01-01T00:05:00Z')), 'Thu, 01 Jan 2026 00:05:00 +0000');
});
