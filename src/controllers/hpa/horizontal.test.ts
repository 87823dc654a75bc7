import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { R } from '../../client/resources.js';
import { deploymentController } from '../deployment/index.js';
import { replicaSetController } from '../replicaset.js';
import { node, runPod, startRig, table, type Rig } from '../endpoints.testkit.js';
import { until } from '../../testing/control-plane.js';
import { horizontalPodAutoscalerController } from './index.js';
import type { HpaStatus } from './horizontal.js';

function deployment(name: string, replicas: number, requests?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'luksa/kubia:v1', ...(requests ? { resources: { requests } } : {}) }] } },
    },
  };
}

/** Plays the kubelet for every pod of the app: on node-1, running, ready, using `cpu` each. */
async function runAll(rig: Rig, app: string, cpu: string): Promise<number> {
  const pods = (await rig.client.list(R.pods, 'default', { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
  for (const p of pods) {
    if ((p.metadata.annotations ?? {})['kubelite.io/simulate-cpu'] !== cpu) {
      await rig.client.patch(R.pods, 'default', p.metadata.name!, 'merge', { metadata: { annotations: { 'kubelite.io/simulate-cpu': cpu } } });
    }
    if ((p.status as { phase?: string }).phase !== 'Running') await runPod(rig.client, rig.clock, p, { node: 'node-1', ip: '10.42.0.2' });
  }
  return pods.length;
}

const hpaStatus = async (rig: Rig, name: string) => ((await rig.client.get(R.horizontalpodautoscalers, 'default', name))?.status ?? {}) as HpaStatus;
const replicasOf = async (rig: Rig, name: string) => ((await rig.client.get(R.deployments, 'default', name))?.spec as { replicas: number }).replicas;

/** Lets fake time pass in steps, the kubelet playing along, until fn holds. */
async function advanceUntil<T>(rig: Rig, app: string, cpu: string, fn: () => Promise<T>, what: string, stepMs = 5_000, maxSteps = 200): Promise<NonNullable<T>> {
  for (let i = 0; i < maxSteps; i++) {
    await runAll(rig, app, cpu);
    const v = await fn();
    if (v) return v as NonNullable<T>;
    rig.clock.advance(stepMs);
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`never: ${what}`);
}

test('kubectl autoscale deployment kubia --cpu-percent=30 --min=1 --max=5: scales up on load, down after five quiet minutes', async () => {
  const rig = await startRig((ctx, r) => [
    horizontalPodAutoscalerController(ctx, { recorder: r.recorder('horizontal-pod-autoscaler') }),
    deploymentController(ctx),
    replicaSetController(ctx),
  ]);
  try {
    const { client } = rig;
    await client.create(R.nodes, '', node('node-1'));
    await client.create(R.deployments, 'default', deployment('kubia', 1, { cpu: '100m' }));
    const out = await rig.kubectl(['autoscale', 'deployment', 'kubia', '--cpu-percent=30', '--min=1', '--max=5']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /horizontalpodautoscaler.autoscaling\/kubia autoscaled/);
    let rows = table((await rig.kubectl(['get', 'hpa'])).stdout);
    assert.deepEqual(rows[0].slice(0, 6), ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS']);
    assert.deepEqual(rows[1].slice(0, 6), ['kubia', 'Deployment/kubia', 'cpu: <unknown>/30%', '1', '5', '0']);

    // 90m of a 100m request: 90% against 30% → three pods.
    await advanceUntil(rig, 'kubia', '90m', async () => (await replicasOf(rig, 'kubia')) === 3, 'scaled to 3');
    const up = rig.events.find((e) => e.reason === 'SuccessfulRescale')!;
    assert.deepEqual([up.component, up.type, up.message], ['horizontal-pod-autoscaler', 'Normal', 'New size: 3; reason: cpu resource utilization (percentage of request) above target']);
    // The controller writes the target's scale, then its own status: wait for the second write.
    let s = await until(async () => {
      const st = await hpaStatus(rig, 'kubia');
      return st.desiredReplicas === 3 ? st : undefined;
    }, 5_000, 'the HPA status after the rescale');
    assert.deepEqual([s.currentReplicas, s.desiredReplicas], [1, 3]);
    assert.deepEqual(s.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '90m' } } }]);
    assert.ok(s.lastScaleTime);
    const cond = (type: string) => s.conditions!.find((c) => c.type === type)!;
    assert.deepEqual([cond('AbleToScale').status, cond('AbleToScale').reason, cond('AbleToScale').message], ['True', 'SucceededRescale', 'the HPA controller was able to update the target scale to 3']);
    assert.deepEqual([cond('ScalingActive').reason, cond('ScalingActive').message], ['ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)']);
    assert.deepEqual([cond('ScalingLimited').status, cond('ScalingLimited').reason], ['False', 'DesiredWithinRange']);
    rows = table((await rig.kubectl(['get', 'hpa', 'kubia'])).stdout);
    assert.deepEqual(rows[1].slice(0, 6), ['kubia', 'Deployment/kubia', 'cpu: 90%/30%', '1', '5', '1']);

    // Load drops to 10m a pod: the recommendation is 1, but scale-down waits out five minutes of higher ones.
    const quietFrom = rig.clock.now();
    await advanceUntil(rig, 'kubia', '10m', async () => (await hpaStatus(rig, 'kubia')).conditions?.find((c) => c.reason === 'ScaleDownStabilized'), 'stabilized');
    assert.equal(await replicasOf(rig, 'kubia'), 3);
    await advanceUntil(rig, 'kubia', '10m', async () => (await replicasOf(rig, 'kubia')) === 1, 'scaled back to 1', 15_000, 40);
    assert.ok(rig.clock.now() - quietFrom >= 5 * 60_000, 'not before the stabilization window');
    assert.equal(rig.events.filter((e) => e.reason === 'SuccessfulRescale').at(-1)!.message, 'New size: 1; reason: All metrics below target');
    s = await advanceUntil(rig, 'kubia', '10m', async () => {
      const st = await hpaStatus(rig, 'kubia');
      return st.currentReplicas === 1 ? st : undefined;
    }, 'status caught up');
    rows = table((await rig.kubectl(['get', 'hpa', 'kubia'])).stdout);
    assert.deepEqual(rows[1].slice(0, 6), ['kubia', 'Deployment/kubia', 'cpu: 10%/30%', '1', '5', '1']);
  } finally {
    await rig.stop();
  }
});

test('behavior: one pod per minute up; failures show in conditions and events', async () => {
  const rig = await startRig((ctx, r) => [horizontalPodAutoscalerController(ctx, { recorder: r.recorder('horizontal-pod-autoscaler') }), deploymentController(ctx), replicaSetController(ctx)]);
  try {
    const { client } = rig;
    await client.create(R.nodes, '', node('node-1'));
    await client.create(R.deployments, 'default', deployment('web', 1, { cpu: '200m' }));
    await client.create(R.deployments, 'default', deployment('norequests', 1));
    const hpa = (name: string, target: string, extra: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        ...extra,
      },
    });
    await client.create(R.horizontalpodautoscalers, 'default', hpa('web', 'web', { behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } }));
    await client.create(R.horizontalpodautoscalers, 'default', hpa('norequests', 'norequests'));
    await client.create(R.horizontalpodautoscalers, 'default', hpa('ghost', 'nope'));

    // 400m of 200m: 200% → 4 wanted, but one pod per minute.
    await advanceUntil(rig, 'web', '400m', async () => (await replicasOf(rig, 'web')) === 2, 'scaled to 2');
    const firstScale = rig.clock.now();
    let s = await until(async () => {
      const st = await hpaStatus(rig, 'web');
      return st.desiredReplicas === 2 ? st : undefined;
    }, 5_000, 'the HPA status after the rescale');
    assert.deepEqual([s.conditions?.find((c) => c.type === 'ScalingLimited')?.status, s.conditions?.find((c) => c.type === 'ScalingLimited')?.reason], ['True', 'ScaleUpLimit']);
    await advanceUntil(rig, 'web', '400m', async () => (await replicasOf(rig, 'web')) === 3, 'scaled to 3');
    assert.ok(rig.clock.now() - firstScale >= 60_000, 'a minute between steps');

    // No CPU request: the metric cannot be computed.
    await runAll(rig, 'norequests', '50m');
    s = await advanceUntil(rig, 'norequests', '50m', async () => {
      const st = await hpaStatus(rig, 'norequests');
      return /missing request/.test(st.conditions?.find((c) => c.type === 'ScalingActive')?.message ?? '') ? st : undefined;
    }, 'ScalingActive False for the missing request');
    const active = s.conditions!.find((c) => c.type === 'ScalingActive')!;
    assert.equal(active.reason, 'FailedGetResourceMetric');
    assert.match(active.message, /^the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod norequests-/);
    assert.ok(rig.events.some((e) => e.name === 'norequests' && e.reason === 'FailedComputeMetricsReplicas' && /^invalid metrics \(1 invalid out of 1\), first error is: failed to get cpu resource metric value: failed to get cpu utilization: missing request/.test(e.message)));
    const rows = table((await rig.kubectl(['get', 'hpa', 'norequests'])).stdout);
    assert.equal(rows[1][2], 'cpu: <unknown>/50%');

    // A target that does not exist.
    const ghost = await hpaStatus(rig, 'ghost');
    const able = ghost.conditions!.find((c) => c.type === 'AbleToScale')!;
    assert.deepEqual([able.status, able.reason, able.message], ['False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: deployments.apps "nope" not found`]);
    assert.ok(rig.events.some((e) => e.name === 'ghost' && e.reason === 'FailedGetScale'));
  } finally {
    await rig.stop();
  }
});
