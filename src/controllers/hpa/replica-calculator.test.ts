import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { rfc3339 } from '../../machinery/clock.js';
import { defaultCalculatorOptions, groupPods, plainMetricReplicas, resourceMetrics, resourceReplicas, type PodMetricsInfo } from './replica-calculator.js';
import { desiredWithBehaviorRate, desiredWithRules, scaleDownLimit, scaleUpLimit } from './horizontal.js';
import { simulatedUsage } from './metrics.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const now = t0 + 3600_000;

function pod(name: string, o: { cpu?: string; phase?: string; ready?: boolean; readySince?: number; started?: number; deleting?: boolean } = {}): KubeObject {
  return {
    metadata: { name, ...(o.deleting ? { deletionTimestamp: rfc3339(now) } : {}) },
    spec: { containers: [{ name: 'app', resources: o.cpu === undefined ? {} : { requests: { cpu: o.cpu } } }] },
    status: {
      phase: o.phase ?? 'Running',
      startTime: rfc3339(o.started ?? t0),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: rfc3339(o.readySince ?? t0) }],
    },
  };
}

const usage = (entries: Record<string, number>): PodMetricsInfo => new Map(Object.entries(entries).map(([k, v]) => [k, { timestamp: now, windowMs: 15_000, value: v }]));
const o = defaultCalculatorOptions;

test('utilization: desired = ceil(ratio × ready pods), within the 0.1 tolerance nothing changes', () => {
  const pods = ['a', 'b', 'c'].map((n) => pod(n, { cpu: '1' }));
  assert.deepEqual(resourceReplicas(3, 50, 'cpu', '', pods, usage({ a: 800, b: 800, c: 800 }), now, o), { replicas: 5, utilization: 80, rawUtilization: 800 });
  assert.deepEqual(resourceReplicas(3, 50, 'cpu', '', pods, usage({ a: 520, b: 520, c: 520 }), now, o), { replicas: 3, utilization: 52, rawUtilization: 520 });
  assert.equal(resourceReplicas(3, 50, 'cpu', '', pods, usage({ a: 100, b: 100, c: 100 }), now, o).replicas, 1);
  assert.throws(() => resourceReplicas(1, 50, 'cpu', '', [pod('x')], usage({ x: 100 }), now, o), /^Error: missing request for cpu in container app of Pod x$/);
  assert.throws(() => resourceReplicas(1, 50, 'cpu', '', [], usage({}), now, o), /no pods returned by selector while calculating replica count/);
});

test('missing metrics count as the full request when scaling down and as nothing when scaling up; unready pods as nothing on the way up', () => {
  const pods = ['a', 'b', 'c', 'd'].map((n) => pod(n, { cpu: '1' }));
  // Scale-up: a and b hot, c and d missing (0): 1800/4000 = 45% < 50% would reverse direction → stay.
  assert.equal(resourceReplicas(4, 50, 'cpu', '', pods, usage({ a: 900, b: 900 }), now, o).replicas, 4);
  // Scale-up where it still holds: 2×1000 + 0 + 0 over 4 = 50%... with a target of 30%: ceil(1.66 × 4) = 7.
  assert.equal(resourceReplicas(4, 30, 'cpu', '', pods, usage({ a: 1000, b: 1000 }), now, o).replicas, 7);
  // Scale-down: missing pods use 100%: (100+100+1000+1000)/4000 = 55% vs 50% → within tolerance, stay.
  assert.equal(resourceReplicas(4, 50, 'cpu', '', pods, usage({ a: 100, b: 100 }), now, o).replicas, 4);
  // Unready (pending) pods on the way up: 0. Ready a: 1000 (100%), pending b, c, d: (1000+0+0+0)/4000 = 25% < 50 → reverses → stay.
  const pending = [pod('a', { cpu: '1' }), ...['b', 'c', 'd'].map((n) => pod(n, { cpu: '1', phase: 'Pending' }))];
  assert.equal(resourceReplicas(4, 50, 'cpu', '', pending, usage({ a: 1000 }), now, o).replicas, 4);
  assert.throws(() => resourceReplicas(4, 50, 'cpu', '', pending.slice(1), usage({}), now, o), /did not receive metrics for targeted pods \(pods might be unready\)/);
});

test('CPU samples of starting pods are ignored until a full window after they became ready', () => {
  const fresh = pod('fresh', { cpu: '1', started: now - 60_000, readySince: now - 10_000 });
  const settled = pod('settled', { cpu: '1', started: now - 60_000, readySince: now - 20_000 });
  const neverReady = pod('never', { cpu: '1', started: now - 600_000, readySince: now - 600_000 + 1000, ready: false });
  const wasReady = pod('was', { cpu: '1', started: now - 600_000, readySince: now - 60_000, ready: false });
  const g = groupPods([fresh, settled, neverReady, wasReady, pod('gone', { deleting: true }), pod('new', { phase: 'Pending' }), pod('quiet')], usage({ fresh: 1, settled: 1, never: 1, was: 1 }), 'cpu', now, o);
  assert.deepEqual([g.readyPodCount, [...g.unready].sort(), [...g.missing], [...g.ignored]], [2, ['fresh', 'never', 'new'], ['quiet'], ['gone']]);
  // Memory has no readiness rules.
  assert.equal(groupPods([fresh], usage({ fresh: 1 }), 'memory', now, o).readyPodCount, 1);
});

test('average values, metrics per container, and the simulated source', () => {
  const pods = ['a', 'b'].map((n) => pod(n));
  assert.deepEqual(plainMetricReplicas(2, 100_000, 'memory', pods, usage({ a: 300_000, b: 300_000 }), now, o), { replicas: 6, usage: 300_000 });
  const m = resourceMetrics(
    [
      { name: 'a', containers: [{ name: 'app', usage: { cpu: '250m' } }, { name: 'side', usage: { cpu: '50m' } }] },
      { name: 'b', containers: [{ name: 'app', usage: { memory: '1Mi' } }] },
    ],
    'cpu',
    '',
    now,
  );
  assert.deepEqual([...m.keys()], ['a']);
  assert.equal(m.get('a')!.value, 300);
  assert.equal(resourceMetrics([{ name: 'a', containers: [{ name: 'app', usage: { cpu: '250m' } }, { name: 'side', usage: { cpu: '50m' } }] }], 'cpu', 'side', now).get('a')!.value, 50);
  const annotated: KubeObject = { ...pod('p'), metadata: { name: 'p', annotations: { 'kubelite.io/simulate-cpu': '250m' } } };
  assert.deepEqual(simulatedUsage(annotated, { cpu: '0', memory: '0' }), { name: 'p', containers: [{ name: 'app', usage: { cpu: '250m', memory: '0' } }] });
  assert.equal(simulatedUsage(pod('q', { phase: 'Pending' }), { cpu: '0', memory: '0' }), undefined);
  assert.equal(simulatedUsage(pod('r'), undefined), undefined);
});

test('limits: max(2×current, 4) without behavior; policies over periods with it', () => {
  assert.deepEqual(desiredWithRules(1, 10, 1, 10), { replicas: 4, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
  assert.deepEqual(desiredWithRules(3, 10, 1, 5), { replicas: 5, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' });
  assert.deepEqual(desiredWithRules(3, 0, 1, 5), { replicas: 1, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' });
  assert.equal(desiredWithRules(3, 4, 1, 5).reason, 'DesiredWithinRange');
  const up = { selectPolicy: 'Max' as const, policies: [{ type: 'Pods' as const, value: 4, periodSeconds: 15 }, { type: 'Percent' as const, value: 100, periodSeconds: 15 }] };
  assert.equal(scaleUpLimit(10, [], [], up, now), 20);
  assert.equal(scaleUpLimit(2, [], [], up, now), 6);
  assert.equal(scaleUpLimit(10, [], [], { ...up, selectPolicy: 'Min' }, now), 14);
  // 6 pods were added 10 s ago: the period started at 4.
  assert.equal(scaleUpLimit(10, [{ change: 6, at: now - 10_000, outdated: false }], [], up, now), 8);
  const down = { selectPolicy: 'Max' as const, policies: [{ type: 'Percent' as const, value: 50, periodSeconds: 60 }] };
  assert.equal(scaleDownLimit(10, [], [], down, now), 5);
  assert.equal(scaleDownLimit(10, [], [], { ...down, selectPolicy: 'Disabled' }, now), 10);
  assert.deepEqual(desiredWithBehaviorRate({ current: 10, desired: 2, min: 1, max: 20, up, down }, [], [], now), {
    replicas: 5,
    reason: 'ScaleDownLimit',
    message: 'the desired replica count is decreasing faster than the maximum scale rate',
  });
});
