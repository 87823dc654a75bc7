// Golden tests of the pod stages: a pod goes in, the statuses the stages write come out, with
// the clock moved to each stage's time (no API server: the engine's loop in miniature).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rfc3339 } from '../../../machinery/clock.js';
import { backOffMs, behaviourOf, interactiveTimings, nextStage, SimulateAnnotations, type SimEvent, type SimTimings, type StageContext } from './stages.js';
import { goDuration, normalizeImage, imageIDOf, type Pod } from './pod-status.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');

function pod(spec: Partial<Pod['spec']> = {}, annotations?: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', resourceVersion: '1', ...(annotations ? { annotations } : {}) },
    spec: { nodeName: 'n0', restartPolicy: 'Always', containers: [{ name: 'app', image: 'nginx', imagePullPolicy: 'Always' }], ...spec },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

interface Step {
  at: number;
  stage: string;
  pod: Pod;
  events: SimEvent[];
}

/** Runs the stages from `start` until nothing is left to do or `until`; returns each write. */
function run(p: Pod, opts: { timings?: Partial<SimTimings>; until?: number; ips?: (string | undefined)[] } = {}): { steps: Step[]; final: Pod | undefined } {
  let current: Pod | undefined = structuredClone(p);
  let now = t0;
  const steps: Step[] = [];
  const ips = opts.ips ?? ['198.19.0.2'];
  const timings = { ...interactiveTimings, ...opts.timings };
  for (let i = 0; i < 200 && current; i++) {
    const ctx: StageContext = { now, timings, hostIP: '198.18.128.1', podIPRange: '198.19.0.2-198.19.0.254', allocatePodIP: () => ips[0] };
    const next = nextStage(current, ctx);
    if (!next) break;
    if (next.at > now) {
      if (opts.until !== undefined && next.at > opts.until) break;
      now = next.at;
      continue;
    }
    const result = next.stage.next(current, ctx);
    if ('retryAfterMs' in result) {
      steps.push({ at: now, stage: next.stage.name, pod: current, events: result.events ?? [] });
      if (opts.until !== undefined && now + result.retryAfterMs > opts.until) break;
      now += result.retryAfterMs;
      ips.shift();
      continue;
    }
    if ('delete' in result) {
      steps.push({ at: now, stage: next.stage.name, pod: current, events: result.events ?? [] });
      current = undefined;
      break;
    }
    current = { ...current, status: result.status };
    steps.push({ at: now, stage: next.stage.name, pod: current, events: result.events ?? [] });
  }
  return { steps, final: current };
}

const at = (s: number) => rfc3339(t0 + s * 1000);

test('a plain pod: ContainerCreating at once, then Running and Ready with a pod IP', () => {
  const { steps, final } = run(pod());
  assert.deepEqual(
    steps.map((s) => [s.stage, (s.at - t0) / 1000]),
    [
      ['pod-sandbox', 0],
      ['pod-start', 1],
    ],
  );
  assert.deepEqual(steps[0].pod.status, {
    phase: 'Pending',
    conditions: [
      { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null, lastTransitionTime: at(0) },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at(0) },
      { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: at(0), reason: 'ContainersNotReady', message: 'containers with unready status: [app]' },
      { type: 'ContainersReady', status: 'False', lastProbeTime: null, lastTransitionTime: at(0), reason: 'ContainersNotReady', message: 'containers with unready status: [app]' },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at(0) },
    ],
    hostIP: '198.18.128.1',
    hostIPs: [{ ip: '198.18.128.1' }],
    startTime: at(0),
    containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, image: 'nginx', imageID: '', started: false }],
    qosClass: 'BestEffort',
  });
  const s = final!.status!;
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '198.19.0.2');
  assert.deepEqual(s.podIPs, [{ ip: '198.19.0.2' }]);
  assert.deepEqual(
    s.conditions!.map((c) => [c.type, c.status, c.lastTransitionTime]),
    [
      ['PodReadyToStartContainers', 'True', at(1)],
      ['Initialized', 'True', at(0)],
      ['Ready', 'True', at(1)],
      ['ContainersReady', 'True', at(1)],
      ['PodScheduled', 'True', at(0)],
    ],
  );
  const cs = s.containerStatuses![0];
  assert.equal(cs.image, 'docker.io/library/nginx:latest');
  assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.match(cs.containerID!, /^simulated:\/\/[0-9a-f]{64}$/);
  assert.deepEqual(cs.state, { running: { startedAt: at(1) } });
  assert.equal(cs.ready, true);
  assert.equal(cs.started, true);
  assert.deepEqual(
    steps[1].events.map((e) => [e.reason, e.message, e.fieldPath]),
    [
      ['Pulling', 'Pulling image "nginx"', 'spec.containers{app}'],
      ['Pulled', steps[1].events[1].message, 'spec.containers{app}'],
      ['Created', 'Created container app', 'spec.containers{app}'],
      ['Started', 'Started container app', 'spec.containers{app}'],
    ],
  );
  assert.match(steps[1].events[1].message, /^Successfully pulled image "nginx" in 1s \(1s including waiting\)\. Image size: \d+ bytes\.$/);
});

test('every stage moves the pod out of its own selector (no stage fires twice in a row)', () => {
  const cases = [
    pod(),
    pod({ restartPolicy: 'Never' }),
    pod({}, { [SimulateAnnotations.crashLoop]: 'true' }),
    pod({ initContainers: [{ name: 'init', image: 'busybox' }] }),
  ];
  for (const p of cases) {
    const { steps } = run(p, { until: t0 + 120_000 });
    for (let i = 1; i < steps.length; i++) {
      if (steps[i].at === steps[i - 1].at) assert.notEqual(steps[i].stage, steps[i - 1].stage, `${steps[i].stage} twice at ${steps[i].at - t0}`);
    }
  }
});

test('init containers run one after the other, then the containers', () => {
  const p = pod({ initContainers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] });
  const { steps, final } = run(p);
  assert.deepEqual(
    steps.map((s) => [s.stage, (s.at - t0) / 1000]),
    [
      ['pod-sandbox', 0],
      ['pod-start', 1],
      ['pod-init-complete', 2],
      ['pod-init-complete', 3],
    ],
  );
  const creating = steps[0].pod.status!;
  assert.deepEqual(creating.initContainerStatuses!.map((s) => s.state), [{ waiting: { reason: 'PodInitializing' } }, { waiting: { reason: 'PodInitializing' } }]);
  assert.deepEqual(creating.containerStatuses!.map((s) => s.state), [{ waiting: { reason: 'PodInitializing' } }]);
  assert.deepEqual(
    creating.conditions!.find((c) => c.type === 'Initialized'),
    { type: 'Initialized', status: 'False', lastProbeTime: null, lastTransitionTime: at(0), reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [a b]' },
  );
  const firstRunning = steps[1].pod.status!;
  assert.ok(firstRunning.initContainerStatuses![0].state.running);
  assert.equal(firstRunning.initContainerStatuses![0].started, true);
  assert.ok(firstRunning.initContainerStatuses![1].state.waiting);
  assert.equal(firstRunning.phase, 'Pending');
  const s = final!.status!;
  assert.equal(s.phase, 'Running');
  assert.deepEqual(
    s.initContainerStatuses!.map((x) => [x.name, x.ready, x.state.terminated?.reason, x.state.terminated?.exitCode]),
    [
      ['a', true, 'Completed', 0],
      ['b', true, 'Completed', 0],
    ],
  );
  assert.equal(s.conditions!.find((c) => c.type === 'Initialized')!.status, 'True');
  assert.equal(s.conditions!.find((c) => c.type === 'Initialized')!.lastTransitionTime, at(3));
});

test('a readiness probe holds Ready until its initial delay has passed', () => {
  const p = pod({ containers: [{ name: 'app', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', readinessProbe: { initialDelaySeconds: 5 } }] });
  const { steps, final } = run(p);
  assert.deepEqual(
    steps.map((s) => [s.stage, (s.at - t0) / 1000]),
    [
      ['pod-sandbox', 0],
      ['pod-start', 1],
      ['pod-probe', 6],
    ],
  );
  assert.equal(steps[1].pod.status!.phase, 'Running');
  assert.equal(steps[1].pod.status!.containerStatuses![0].ready, false);
  assert.equal(steps[1].pod.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'False');
  assert.equal(steps[1].events[0].message, 'Container image "nginx:1.27" already present on machine');
  assert.equal(final!.status!.containerStatuses![0].ready, true);
  assert.equal(final!.status!.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime, at(6));
});

test('never-ready pods run but stay unready', () => {
  const { final } = run(pod({ containers: [{ name: 'app', image: 'nginx' }] }, { [SimulateAnnotations.neverReady]: 'true' }));
  assert.equal(final!.status!.phase, 'Running');
  assert.equal(final!.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'False');
  assert.equal(final!.status!.containerStatuses![0].started, true);
});

test('a Job pod completes: Succeeded, terminated Completed, sandbox gone', () => {
  const p = pod({ restartPolicy: 'Never' });
  p.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'j', controller: true }];
  const { steps, final } = run(p);
  assert.deepEqual(
    steps.map((s) => [s.stage, (s.at - t0) / 1000]),
    [
      ['pod-sandbox', 0],
      ['pod-start', 1],
      ['pod-exit', 4],
    ],
  );
  const s = final!.status!;
  assert.equal(s.phase, 'Succeeded');
  assert.deepEqual(s.containerStatuses![0].state.terminated, {
    exitCode: 0,
    reason: 'Completed',
    startedAt: at(1),
    finishedAt: at(4),
    containerID: s.containerStatuses![0].containerID,
  });
  assert.equal(s.containerStatuses![0].ready, false);
  assert.equal(s.containerStatuses![0].started, false);
  assert.deepEqual(
    s.conditions!.map((c) => [c.type, c.status, c.reason]),
    [
      ['PodReadyToStartContainers', 'False', undefined],
      ['Initialized', 'True', 'PodCompleted'],
      ['Ready', 'False', 'PodCompleted'],
      ['ContainersReady', 'False', 'PodCompleted'],
      ['PodScheduled', 'True', undefined],
    ],
  );
  assert.equal(s.podIP, '198.19.0.2', 'a finished pod keeps showing its address');
});

test('exit code 1 with restartPolicy Never fails the pod', () => {
  const { final } = run(pod({ restartPolicy: 'Never' }, { [SimulateAnnotations.exitCode]: '1', [SimulateAnnotations.runSeconds]: '2' }));
  const s = final!.status!;
  assert.equal(s.phase, 'Failed');
  assert.equal(s.containerStatuses![0].state.terminated!.reason, 'Error');
  assert.equal(s.containerStatuses![0].state.terminated!.exitCode, 1);
  assert.equal(s.containerStatuses![0].state.terminated!.finishedAt, at(3));
  assert.deepEqual(
    s.conditions!.filter((c) => c.type === 'Ready' || c.type === 'ContainersReady').map((c) => c.reason),
    ['PodFailed', 'PodFailed'],
  );
});

test('crash loop: restart at once, then back off 10s, 20s, 40s … capped at 5 minutes', () => {
  const p = pod({}, { [SimulateAnnotations.crashLoop]: 'true' });
  const { steps } = run(p, { until: t0 + 1000 * 1000 });
  const restarts = steps.filter((s) => s.stage === 'pod-restart').map((s) => (s.at - t0) / 1000);
  // Runs 1 s, crashes; first restart immediate, then each back-off after the crash.
  assert.deepEqual(restarts.slice(0, 7), [2, 13, 34, 75, 156, 317, 618]);
  const crashes = steps.filter((s) => s.stage === 'pod-exit');
  assert.equal(crashes[0].pod.status!.containerStatuses![0].state.terminated!.reason, 'Error');
  assert.equal(crashes[0].pod.status!.phase, 'Running', 'restartPolicy Always keeps the pod Running');
  const backoff = steps.find((s) => s.stage === 'pod-backoff')!;
  const cs = backoff.pod.status!.containerStatuses![0];
  assert.deepEqual(cs.state, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=web_default(uid-1)' } });
  assert.equal(cs.restartCount, 1);
  assert.equal(cs.lastState.terminated!.exitCode, 1);
  assert.deepEqual(backoff.events, [{ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container app in pod web_default(uid-1)', fieldPath: 'spec.containers{app}' }]);
  const laterBackoffs = steps.filter((s) => s.stage === 'pod-backoff').map((s) => s.pod.status!.containerStatuses![0].state.waiting!.message!.split(' ')[1]);
  assert.deepEqual(laterBackoffs.slice(0, 7), ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s']);
  const restarted = steps.filter((s) => s.stage === 'pod-restart')[1].pod.status!.containerStatuses![0];
  assert.equal(restarted.restartCount, 2);
  assert.ok(restarted.state.running);
  assert.equal(restarted.lastState.terminated!.reason, 'Error');
});

test('back-off arithmetic', () => {
  const t = interactiveTimings;
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 20].map((n) => backOffMs(n, t)), [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  assert.equal(backOffMs(5, t, 700_000), 0, 'a container that ran 10 minutes starts over');
  assert.equal(goDuration(80_000), '1m20s');
  assert.equal(goDuration(300_000), '5m0s');
  assert.equal(goDuration(1500), '1.5s');
});

test('deletion: containers stop after the shutdown time, the pod turns terminal, then it is removed', () => {
  const running = run(pod()).final!;
  const deleting: Pod = {
    ...running,
    metadata: { ...running.metadata, deletionTimestamp: rfc3339(t0 + 30_000), deletionGracePeriodSeconds: 30 },
  };
  const { steps, final } = run(deleting);
  assert.equal(final, undefined);
  assert.deepEqual(
    steps.map((s) => [s.stage, (s.at - t0) / 1000]),
    [
      ['pod-terminate', 1],
      ['pod-delete', 1],
    ],
  );
  const s = steps[0].pod.status!;
  assert.equal(s.phase, 'Succeeded');
  assert.equal(s.containerStatuses![0].state.terminated!.exitCode, 0);
  assert.equal(s.conditions!.find((c) => c.type === 'PodReadyToStartContainers')!.status, 'False');
});

test('slow shutdown: killed at the end of the grace period (137, Failed)', () => {
  const running = run(pod({}, { [SimulateAnnotations.shutdownSeconds]: 'grace' })).final!;
  const deleting: Pod = { ...running, metadata: { ...running.metadata, deletionTimestamp: rfc3339(t0 + 31_000), deletionGracePeriodSeconds: 30 } };
  const { steps } = run(deleting);
  assert.equal((steps[0].at - t0) / 1000, 31);
  assert.equal(steps[0].pod.status!.phase, 'Failed');
  assert.equal(steps[0].pod.status!.containerStatuses![0].state.terminated!.exitCode, 137);
});

test('a pod deleted before it started is removed at once', () => {
  const p = pod();
  p.metadata.deletionTimestamp = rfc3339(t0 + 30_000);
  p.metadata.deletionGracePeriodSeconds = 30;
  const { steps } = run(p);
  assert.deepEqual(steps.map((s) => s.stage), ['pod-delete']);
});

test('Ready turned False by the node controller is written back', () => {
  const running = run(pod()).final!;
  const status = structuredClone(running.status!);
  status.conditions!.find((c) => c.type === 'Ready')!.status = 'False';
  const { steps, final } = run({ ...running, status });
  assert.deepEqual(steps.map((s) => s.stage), ['pod-resync']);
  assert.equal(final!.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'True');
});

test('no address left: the sandbox fails and is retried', () => {
  const { steps, final } = run(pod(), { ips: [undefined, '198.19.0.9'] });
  assert.deepEqual(steps.map((s) => [s.stage, (s.at - t0) / 1000]), [
    ['pod-sandbox', 0],
    ['pod-start', 1],
    ['pod-start', 11],
  ]);
  assert.equal(steps[1].events[0].reason, 'FailedCreatePodSandBox');
  assert.match(steps[1].events[0].message, /no IP addresses available in range set: 198\.19\.0\.2-198\.19\.0\.254$/);
  assert.equal(final!.status!.podIP, '198.19.0.9');
});

test('behaviour from annotations and commands', () => {
  const t = interactiveTimings;
  assert.equal(behaviourOf(pod(), t).runMs, undefined);
  assert.equal(behaviourOf(pod({ restartPolicy: 'OnFailure' }), t).runMs, t.jobRunMs);
  assert.equal(behaviourOf(pod({}, { [SimulateAnnotations.runSeconds]: '5' }), t).runMs, 5000);
  assert.equal(behaviourOf(pod({ containers: [{ name: 'a', image: 'busybox', command: ['sh', '-c', 'sleep 3600'] }] }), t).runMs, 3_600_000);
  assert.equal(behaviourOf(pod({ containers: [{ name: 'a', image: 'busybox', command: ['sleep', '10'] }] }), t).runMs, 10_000);
  assert.deepEqual(
    (({ runMs, exitCode }) => ({ runMs, exitCode }))(behaviourOf(pod({ containers: [{ name: 'a', image: 'busybox', command: ['/bin/sh', '-c', 'exit 3'] }] }), t)),
    { runMs: 0, exitCode: 3 },
  );
  assert.equal(behaviourOf(pod({}, { [SimulateAnnotations.startSeconds]: '4' }), t).startMs, 4000);
  assert.equal(behaviourOf(pod({}, { [SimulateAnnotations.shutdownSeconds]: 'grace' }), t).shutdownMs, Infinity);
});

test('image references as containerd reports them', () => {
  assert.equal(normalizeImage('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(normalizeImage('nginx:1.27'), 'docker.io/library/nginx:1.27');
  assert.equal(normalizeImage('luksa/kubia'), 'docker.io/luksa/kubia:latest');
  assert.equal(normalizeImage('registry.k8s.io/pause:3.10'), 'registry.k8s.io/pause:3.10');
  assert.equal(normalizeImage('localhost:5000/app'), 'localhost:5000/app:latest');
  assert.equal(imageIDOf('nginx@sha256:abc'), 'docker.io/library/nginx@sha256:abc');
});
