// Test support for the batch controllers: the real API server in this process on a FakeClock,
// the controllers under test next to it, and the test playing the kubelet (it moves Pods
// through phases via the status subresource) — what users see is then read back over HTTPS.

import type { KubeObject } from '../../api/object.js';
import { FakeClock, rfc3339 } from '../../machinery/clock.js';
import { R } from '../../client/resources.js';
import { startTestControlPlane, type TestControlPlane } from '../../testing/control-plane.js';
import { controllerHarness, type ControllerHarness } from '../../testing/controllers.js';
import type { ControllerContext, Runnable } from '../controller.js';
import type { Job, Pod } from './types.js';

export interface BatchTestBed {
  cp: TestControlPlane;
  clock: FakeClock;
  h: ControllerHarness;
  ctx: ControllerContext;
  /** Polls until fn is truthy, nudging the fake clock a few ms so queue retries fire. */
  until<T>(fn: () => Falsy<T> | Promise<Falsy<T>>, what: string, timeoutMs?: number): Promise<T>;
  /** Advances the clock in steps, letting the controllers react between them. */
  advance(ms: number, stepMs?: number): Promise<void>;
  job(ns: string, name: string): Promise<Job | undefined>;
  podsOf(ns: string, jobName: string): Promise<Pod[]>;
  /** The kubelet's part: a Pod's phase (and container states) through the status subresource. */
  setPodPhase(pod: Pod, phase: 'Running' | 'Succeeded' | 'Failed', opts?: { exitCode?: number; ready?: boolean; restartCount?: number }): Promise<Pod>;
  events(ns: string, kind: string, name: string): Promise<{ type: string; reason: string; message: string; source: string }[]>;
  stop(): Promise<void>;
}

type Falsy<T> = T | undefined | null | false | 0 | '';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startBatchTestBed(make: (ctx: ControllerContext, clock: FakeClock) => Runnable[], start = '2026-01-01T00:00:00Z'): Promise<BatchTestBed> {
  const clock = new FakeClock(Date.parse(start));
  const cp = await startTestControlPlane({ controllers: false, clock });
  // The ServiceAccount admission wants the namespace's default account (its controller is not
  // running here).
  await cp.client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
  const h = controllerHarness(cp, { clock });
  if (process.env.KUBELITE_DEBUG) h.ctx.log = (m) => console.error(m);
  const runnables = make(h.ctx, clock);
  h.run(...runnables);
  const bed: BatchTestBed = {
    cp,
    clock,
    h,
    ctx: h.ctx,
    async until<T>(fn: () => Falsy<T> | Promise<Falsy<T>>, what: string, timeoutMs = 8000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = await fn();
        if (v) return v as T;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        clock.advance(5);
        await sleep(15);
      }
    },
    async advance(ms, stepMs = 1000) {
      for (let done = 0; done < ms; done += stepMs) {
        clock.advance(Math.min(stepMs, ms - done));
        await sleep(20);
      }
    },
    async job(ns, name) {
      return (await cp.client.get(R.jobs, ns, name)) as Job | undefined;
    },
    async podsOf(ns, jobName) {
      const pods = (await cp.client.list(R.pods, ns, { labelSelector: `batch.kubernetes.io/job-name=${jobName}` })).items as Pod[];
      return pods.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name!.localeCompare(b.metadata.name!));
    },
    async setPodPhase(pod, phase, opts = {}) {
      const now = rfc3339(clock.now());
      for (let attempt = 0; ; attempt++) {
        const live = (await cp.client.get(R.pods, pod.metadata.namespace!, pod.metadata.name!)) as Pod;
        const containers = live.spec.containers.map((c) => {
          const exitCode = opts.exitCode ?? (phase === 'Failed' ? 1 : 0);
          const state =
            phase === 'Running'
              ? { running: { startedAt: now } }
              : { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: now, finishedAt: now } };
          return { name: c.name, image: c.image, imageID: '', ready: phase === 'Running' && opts.ready !== false, restartCount: opts.restartCount ?? 0, started: phase === 'Running', state };
        });
        const ready = phase === 'Running' && opts.ready !== false;
        const status = {
          ...(live.status ?? {}),
          phase,
          conditions: [
            { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now },
            { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
          ],
          containerStatuses: containers,
          startTime: now,
        };
        try {
          return (await cp.client.update(R.pods, live.metadata.namespace!, { ...live, status } as KubeObject, { subresource: 'status' })) as Pod;
        } catch (e) {
          if ((e as { code?: number }).code !== 409 || attempt > 5) throw e;
        }
      }
    },
    async events(ns, kind, name) {
      await h.recorder.flush();
      for (const r of runnables) await (r as { recorder?: { flush?: () => Promise<void> } }).recorder?.flush?.();
      const items = (await cp.client.list(R.events, ns)).items as any[];
      return items
        .filter((e) => e.involvedObject?.kind === kind && e.involvedObject?.name === name)
        .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
        .map((e) => ({ type: e.type, reason: e.reason, message: e.message, source: e.source?.component }));
    },
    async stop() {
      await h.stop();
      await cp.stop();
    },
  };
  return bed;
}
