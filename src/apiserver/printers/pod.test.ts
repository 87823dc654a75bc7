import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podPrinter } from './pod.js';
import type { KubeObject } from '../../api/object.js';
import { ago, cells, headers, shown, wideOnly } from './testing.js';

const running = { running: { startedAt: ago(1, 'h') } };

function pod(fields: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', creationTimestamp: ago(5, 'm'), ...meta },
    spec: { containers: [{ name: 'app', image: 'nginx' }] },
    status: {},
    ...fields,
  };
}

test('pod columns match kubectl get pods and -o wide', () => {
  assert.deepEqual(headers(podPrinter), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
  assert.deepEqual(headers(podPrinter, true), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
  assert.equal(podPrinter.columns[3].type, 'string');
  assert.equal(podPrinter.columns[0].format, 'name');
});

test('a running pod shows ready containers, restarts with their age, IP and node', () => {
  const p = pod({
    spec: { nodeName: 'node-1', containers: [{ name: 'app' }, { name: 'sidecar' }] },
    status: {
      phase: 'Running',
      podIPs: [{ ip: '10.244.0.7' }, { ip: 'fd00::7' }],
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        { name: 'app', ready: true, restartCount: 3, state: running, lastState: { terminated: { exitCode: 1, finishedAt: ago(5, 'm') } } },
        { name: 'sidecar', ready: false, restartCount: 0, state: running },
      ],
    },
  });
  assert.deepEqual(cells(podPrinter, p), ['web-0', '1/2', 'Running', '3 (5m ago)', '5m', '10.244.0.7', 'node-1', '<none>', '<none>']);
});

test('pending pods show <none> for IP and node', () => {
  const p = pod({ status: { phase: 'Pending' } });
  assert.deepEqual(cells(podPrinter, p), ['web-0', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
});

test('a waiting container reason replaces the phase', () => {
  const p = pod({
    status: {
      phase: 'Running',
      containerStatuses: [{ name: 'app', restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 2, finishedAt: ago(40, 's') } } }],
    },
  });
  assert.deepEqual(shown(podPrinter, p), ['web-0', '0/1', 'CrashLoopBackOff', '7 (40s ago)', '5m']);
});

test('the first container wins when several report a reason', () => {
  const p = pod({
    spec: { containers: [{ name: 'a' }, { name: 'b' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'a', restartCount: 3, state: { waiting: { reason: 'ImagePullBackOff' } } },
        { name: 'b', restartCount: 3, state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } },
      ],
    },
  });
  assert.deepEqual(shown(podPrinter, p), ['web-0', '0/2', 'ImagePullBackOff', '6', '5m']);
});

test('terminated containers without a reason show their signal or exit code', () => {
  const bySignal = pod({ status: { phase: 'Running', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, signal: 9 } } }] } });
  const byCode = pod({ status: { phase: 'Running', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 3 } } }] } });
  assert.equal(shown(podPrinter, bySignal)[2], 'Signal:9');
  assert.equal(shown(podPrinter, byCode)[2], 'ExitCode:3');
});

test('a pod reason (Evicted) replaces the phase', () => {
  const p = pod({ status: { phase: 'Failed', reason: 'Evicted' } });
  assert.equal(shown(podPrinter, p)[2], 'Evicted');
});

test('completed containers next to running ones read Running or NotReady', () => {
  const statuses = [
    { name: 'a', ready: true, restartCount: 3, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
    { name: 'b', ready: true, restartCount: 3, state: running },
  ];
  const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
  const notReady = pod({ spec, status: { phase: 'Running', containerStatuses: statuses } });
  const ready = pod({ spec, status: { phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'True' }] } });
  assert.deepEqual(shown(podPrinter, notReady), ['web-0', '1/2', 'NotReady', '6', '5m']);
  assert.deepEqual(shown(podPrinter, ready), ['web-0', '1/2', 'Running', '6', '5m']);
});

test('a finished pod reads Completed and marks its row completed', () => {
  const p = pod({ status: { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { reason: 'Completed', exitCode: 0 } } }] } });
  assert.deepEqual(shown(podPrinter, p), ['web-0', '0/1', 'Completed', '0', '5m']);
  assert.deepEqual(podPrinter.conditions?.(p as KubeObject), [
    { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
  ]);
  const failed = pod({ status: { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { reason: 'Error', exitCode: 1 } } }] } });
  assert.equal(shown(podPrinter, failed)[2], 'Error');
  assert.equal(podPrinter.conditions?.(failed as KubeObject)?.[0].reason, 'Failed');
  assert.equal(podPrinter.conditions?.(pod({ status: { phase: 'Running' } }) as KubeObject), undefined);
});

test('init containers: progress, failures and waiting reasons', () => {
  const spec = { initContainers: [{ name: 'init-a' }, { name: 'init-b' }], containers: [{ name: 'app' }] };
  const waiting = [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }];
  const progress = pod({
    spec,
    status: {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'init-a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'init-b', restartCount: 3, state: running, lastState: { terminated: { exitCode: 1, finishedAt: ago(10, 's') } } },
      ],
      containerStatuses: waiting,
    },
  });
  assert.deepEqual(shown(podPrinter, progress), ['web-0', '0/1', 'Init:1/2', '3 (10s ago)', '5m']);

  const crashing = pod({
    spec,
    status: {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'init-a', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
      containerStatuses: waiting,
    },
  });
  assert.deepEqual(shown(podPrinter, crashing), ['web-0', '0/1', 'Init:CrashLoopBackOff', '4', '5m']);

  const failed = pod({ spec, status: { phase: 'Failed', initContainerStatuses: [{ name: 'init-a', state: { terminated: { exitCode: 1, reason: 'Error' } } }] } });
  assert.equal(shown(podPrinter, failed)[2], 'Init:Error');
  const signalled = pod({ spec, status: { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', state: { terminated: { exitCode: 137, signal: 9 } } }] } });
  assert.equal(shown(podPrinter, signalled)[2], 'Init:Signal:9');
  const exitCode = pod({ spec, status: { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', state: { terminated: { exitCode: 2 } } }] } });
  assert.equal(shown(podPrinter, exitCode)[2], 'Init:ExitCode:2');
  const initializing = pod({
    spec,
    status: { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', state: { waiting: { reason: 'PodInitializing' } } }] },
  });
  assert.equal(shown(podPrinter, initializing)[2], 'Init:0/2');
});

test('after init, the main containers decide (PodInitializing)', () => {
  const p = pod({
    spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] },
    status: {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'init', restartCount: 2, state: { terminated: { exitCode: 0, reason: 'Completed' } }, lastState: { terminated: { finishedAt: ago(2, 'm') } } }],
      containerStatuses: [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }],
    },
  });
  // Restarts of finished (non-sidecar) init containers no longer count.
  assert.deepEqual(shown(podPrinter, p), ['web-0', '0/1', 'PodInitializing', '0', '5m']);
});

test('sidecars (restartable init containers) count towards READY and RESTARTS', () => {
  const spec = {
    initContainers: [
      { name: 'proxy', restartPolicy: 'Always' },
      { name: 'logger', restartPolicy: 'Always' },
    ],
    containers: [{ name: 'app' }],
  };
  const starting = pod({
    spec,
    status: {
      phase: 'Pending',
      conditions: [{ type: 'Initialized', status: 'False' }],
      initContainerStatuses: [
        { name: 'proxy', started: true, ready: false, restartCount: 3, state: running, lastState: { terminated: { finishedAt: ago(10, 's') } } },
        { name: 'logger', started: false, state: running },
      ],
      containerStatuses: [{ name: 'app', state: { waiting: {} } }],
    },
  });
  assert.deepEqual(shown(podPrinter, starting), ['web-0', '0/3', 'Init:1/2', '3 (10s ago)', '5m']);

  const up = pod({
    spec,
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      initContainerStatuses: [
        { name: 'proxy', started: true, ready: true, restartCount: 3, state: running, lastState: { terminated: { finishedAt: ago(10, 's') } } },
        { name: 'logger', started: true, ready: false, state: running },
      ],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 4, state: running, lastState: { terminated: { finishedAt: ago(20, 's') } } }],
    },
  });
  assert.deepEqual(shown(podPrinter, up), ['web-0', '2/3', 'Running', '7 (10s ago)', '5m']);
});

test('restarts show the most recent termination', () => {
  const p = pod({
    spec: { containers: [{ name: 'a' }, { name: 'b' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'a', ready: true, restartCount: 6, state: running, lastState: { terminated: { finishedAt: ago(5, 'd') } } },
        { name: 'b', ready: true, restartCount: 3, state: running, lastState: { terminated: { finishedAt: ago(20, 'd') } } },
      ],
    },
  });
  assert.deepEqual(shown(podPrinter, p), ['web-0', '2/2', 'Running', '9 (5d ago)', '5m']);
});

test('deletion: Terminating unless the pod already finished; NodeLost reads Unknown', () => {
  const deleting = { deletionTimestamp: ago(10, 's') };
  const runningPod = pod({ status: { phase: 'Running', containerStatuses: [{ name: 'app', state: running }] } }, deleting);
  assert.equal(shown(podPrinter, runningPod)[2], 'Terminating');
  const pending = pod({ status: { phase: 'Pending' } }, deleting);
  assert.equal(shown(podPrinter, pending)[2], 'Terminating');
  const done = pod({ status: { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { reason: 'Completed', exitCode: 0 } } }] } }, deleting);
  assert.equal(shown(podPrinter, done)[2], 'Completed');
  const lost = pod({ status: { phase: 'Running', reason: 'NodeLost' } }, deleting);
  assert.equal(shown(podPrinter, lost)[2], 'Unknown');
});

test('scheduling gates show SchedulingGated', () => {
  const p = pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } });
  assert.deepEqual(shown(podPrinter, p), ['web-0', '0/1', 'SchedulingGated', '0', '5m']);
});

test('nominated node and readiness gates in -o wide', () => {
  const p = pod({
    spec: { containers: [{ name: 'app' }], readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
    status: {
      phase: 'Pending',
      nominatedNodeName: 'node-2',
      conditions: [
        { type: 'example.com/lb', status: 'True' },
        { type: 'example.com/dns', status: 'False' },
      ],
    },
  });
  assert.deepEqual(wideOnly(podPrinter, p), ['<none>', '<none>', 'node-2', '1/2']);
});

test('a pod with nothing but a name still prints', () => {
  assert.deepEqual(cells(podPrinter, { metadata: { name: 'bare' } }), ['bare', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
  assert.deepEqual(cells(podPrinter, { metadata: {}, spec: 'junk', status: { containerStatuses: 'junk' } }).slice(0, 4), ['', '0/0', '', '0']);
});
