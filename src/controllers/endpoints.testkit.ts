// Test support for the service, disruption, volume and autoscaling controllers: the real API
// server in this process on a fake clock, the controllers under test on a ControllerHarness,
// the events they record, a fake kubelet's worth of pod status writes, and the real kubectl.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { FakeClock, rfc3339 } from '../machinery/clock.js';
import type { Client } from '../client/interface.js';
import { R } from '../client/resources.js';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.js';
import { controllerHarness, type ControllerHarness } from '../testing/controllers.js';
import type { ControllerContext, Runnable } from './controller.js';
import { ClientEventRecorder, type EventRecorder, type EventType } from './events.js';

export interface RecordedEvent {
  component: string;
  kind: string;
  name: string;
  type: EventType;
  reason: string;
  message: string;
}

/** Keeps every event in order (for assertions) and writes it to the API too. */
export class RecordingRecorder implements EventRecorder {
  private readonly inner: ClientEventRecorder;
  constructor(
    client: Client,
    private readonly component: string,
    clock: FakeClock,
    private readonly sink: RecordedEvent[],
  ) {
    this.inner = new ClientEventRecorder(client, component, clock);
  }
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    this.sink.push({ component: this.component, kind: obj.kind ?? '', name: obj.metadata.name ?? '', type, reason, message });
    this.inner.event(obj, type, reason, message);
  }
}

export interface Rig {
  cp: TestControlPlane;
  clock: FakeClock;
  /** A client straight into the registry, acting as the user (and the kubelet). */
  client: Client;
  h: ControllerHarness;
  events: RecordedEvent[];
  recorder(component: string): EventRecorder;
  /** Polls fn; between tries the fake clock moves `tick` ms and real time a little. */
  until<T>(fn: () => T | Promise<T>, what: string, timeoutMs?: number): Promise<NonNullable<T>>;
  /** Lets the controllers act on what they saw (a few polls with nothing to wait for). */
  settle(polls?: number): Promise<void>;
  kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startRig(make: (ctx: ControllerContext, rig: Rig) => Runnable[], opts: { tick?: number } = {}): Promise<Rig> {
  const clock = new FakeClock();
  const cp = await startTestControlPlane({ controllers: false, clock });
  const client = cp.inProcessClient('test');
  await client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }).catch(() => {});
  const h = controllerHarness(cp, { clock, component: 'kube-controller-manager' });
  if (process.env.RIG_DEBUG) h.ctx.log = (m) => console.error(m);
  const events: RecordedEvent[] = [];
  const tick = opts.tick ?? 20;
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  const rig: Rig = {
    cp,
    clock,
    client,
    h,
    events,
    recorder: (component) => new RecordingRecorder(h.ctx.client, component, clock, events),
    async until(fn, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      for (;;) {
        try {
          const v = await fn();
          if (v) return v as NonNullable<typeof v>;
          last = v;
        } catch (e) {
          last = e;
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
        clock.advance(tick);
        await sleep(10);
      }
    },
    async settle(polls = 10) {
      for (let i = 0; i < polls; i++) {
        clock.advance(tick);
        await sleep(10);
      }
    },
    kubectl: (args, input) =>
      new Promise((resolve) => {
        const child = execFile(process.env.KUBECTL ?? '/usr/bin/kubectl', ['--kubeconfig', cp.kubeconfigPath, '--cache-dir', cacheDir, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
        });
        child.stdin!.end(input ?? '');
      }),
    async stop() {
      await h.stop();
      await cp.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
  h.run(...make(h.ctx, rig));
  return rig;
}

// ---- builders ----

export function node(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export interface PodOptions {
  labels?: Record<string, string>;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  hostname?: string;
  subdomain?: string;
  owner?: KubeObject;
  requests?: Record<string, string>;
  annotations?: Record<string, string>;
  claims?: string[];
}

export function pod(name: string, o: PodOptions = {}): KubeObject {
  const owner = o.owner;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      labels: o.labels ?? { app: 'web' },
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(owner
        ? { ownerReferences: [{ apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true }] }
        : {}),
    },
    spec: {
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
      containers: [{ name: 'app', image: 'nginx', ...(o.ports ? { ports: o.ports } : {}), ...(o.requests ? { resources: { requests: o.requests } } : {}) }],
      ...(o.claims ? { volumes: o.claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })) } : {}),
    },
  };
}

/** Plays the scheduler and kubelet: binds the pod to a node, gives it an IP, and sets readiness. */
export async function runPod(client: Client, clock: FakeClock, p: KubeObject, o: { node?: string; ip?: string; ready?: boolean; namespace?: string; phase?: string } = {}): Promise<KubeObject> {
  const namespace = o.namespace ?? 'default';
  let current = (await client.get(R.pods, namespace, p.metadata.name!)) ?? (await client.create(R.pods, namespace, p));
  if (o.node && !(current.spec as { nodeName?: string }).nodeName) {
    await client.createSubresource(R.pods, namespace, current.metadata.name!, 'binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: current.metadata.name },
      target: { apiVersion: 'v1', kind: 'Node', name: o.node },
    } as KubeObject);
  }
  return setPodStatus(client, clock, p.metadata.name!, { ip: o.ip, ready: o.ready ?? true, namespace, phase: o.phase });
}

export async function setPodStatus(client: Client, clock: FakeClock, name: string, o: { ip?: string; ready: boolean; namespace?: string; phase?: string }): Promise<KubeObject> {
  const namespace = o.namespace ?? 'default';
  const current = (await client.get(R.pods, namespace, name))!;
  const now = rfc3339(clock.now());
  const old = (current.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string }[]; startTime?: string; podIP?: string };
  const wasReady = old.conditions?.find((c) => c.type === 'Ready');
  const readyStatus = o.ready ? 'True' : 'False';
  const ip = o.ip ?? old.podIP;
  const status = {
    ...old,
    phase: o.phase ?? 'Running',
    conditions: [
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      { type: 'Ready', status: readyStatus, lastProbeTime: null, lastTransitionTime: wasReady && wasReady.status === readyStatus ? wasReady.lastTransitionTime : now },
      { type: 'ContainersReady', status: readyStatus, lastProbeTime: null, lastTransitionTime: now },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
    ],
    startTime: old.startTime ?? now,
    ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
  };
  return client.update(R.pods, namespace, { ...current, status }, { subresource: 'status' });
}

/** A kubectl table as rows of cells (header included), split on runs of 2+ spaces. */
export function table(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}
