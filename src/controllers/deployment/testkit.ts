// Test support for the workload controllers: the real API server in this process on a fake
// clock, the ReplicaSet, ReplicationController, Deployment (and optionally garbage collector)
// loops, a fake kubelet that the test drives (pods become Running and Ready when it says so),
// the events the controllers recorded, and the real kubectl against it all.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { splitApiVersion } from '../../api/object.js';
import { FakeClock, rfc3339 } from '../../machinery/clock.js';
import type { Client, ResourceRef } from '../../client/interface.js';
import { R } from '../../client/resources.js';
import type { AdmissionPlugin } from '../../apiserver/admission/types.js';
import { startTestControlPlane, type TestControlPlane } from '../../testing/control-plane.js';
import { controllerHarness, type ControllerHarness } from '../../testing/controllers.js';
import type { Runnable } from '../controller.js';
import { ClientEventRecorder, type EventRecorder, type EventType } from '../events.js';
import { GarbageCollector } from '../garbage-collector.js';
import { isPodActive, isPodReady, replicaSetController, replicationControllerController } from '../replicaset.js';
import { deploymentController } from './index.js';

export interface RecordedEvent {
  component: string;
  kind: string;
  name: string;
  type: EventType;
  reason: string;
  message: string;
}

/** Keeps every event in order (for assertions) and writes it to the API too. */
class RecordingRecorder implements EventRecorder {
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

/** The test's kubelet: marks pods Running and Ready through the status subresource. */
export class FakeKubelet {
  /** Which pods become Ready on their own at each sync. */
  auto: (pod: KubeObject) => boolean = () => true;
  /** Which pods being deleted (gracefully: they are on a node) finish terminating at each sync. */
  terminate: (pod: KubeObject) => boolean = () => true;

  constructor(
    private readonly client: Client,
    private readonly clock: FakeClock,
  ) {}

  async pods(namespace = 'default'): Promise<KubeObject[]> {
    return (await this.client.list(R.pods, namespace)).items;
  }

  async sync(namespace = 'default'): Promise<void> {
    for (const pod of await this.pods(namespace)) {
      if (pod.metadata.deletionTimestamp) {
        if (this.terminate(pod)) await this.client.delete(R.pods, namespace, pod.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => {});
      } else if (isPodActive(pod) && !isPodReady(pod) && this.auto(pod)) {
        await this.markReady(pod).catch(() => {});
      }
    }
  }

  /** Makes up to n not-ready pods (matching filter) Ready, returning their names. */
  async ready(n: number, filter: (pod: KubeObject) => boolean = () => true, namespace = 'default'): Promise<string[]> {
    const names: string[] = [];
    for (const pod of await this.pods(namespace)) {
      if (names.length >= n) break;
      if (!isPodActive(pod) || isPodReady(pod) || !filter(pod)) continue;
      await this.markReady(pod);
      names.push(pod.metadata.name!);
    }
    return names;
  }

  async markReady(pod: KubeObject): Promise<void> {
    // On a node first (the scheduler's binding): deleting it is graceful from then on.
    if (!(pod.spec as { nodeName?: string }).nodeName) {
      await this.client.createSubresource(R.pods, pod.metadata.namespace!, pod.metadata.name!, 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: pod.metadata.name },
        target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
      } as KubeObject);
      pod = (await this.client.get(R.pods, pod.metadata.namespace!, pod.metadata.name!))!;
    }
    const now = rfc3339(this.clock.now());
    const containers = ((pod.spec as { containers?: { name: string; image: string }[] }).containers ?? []).map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
    }));
    const status = {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      ],
      containerStatuses: containers,
      startTime: now,
      qosClass: (pod.status as { qosClass?: string } | undefined)?.qosClass ?? 'BestEffort',
    };
    await this.client.update(R.pods, pod.metadata.namespace!, { ...pod, status }, { subresource: 'status' });
  }
}

export interface Workloads {
  cp: TestControlPlane;
  clock: FakeClock;
  /** A client straight into the registry, acting as the user. */
  client: Client;
  kubelet: FakeKubelet;
  events: RecordedEvent[];
  /** Polls fn, letting the kubelet act and fake time pass a little between tries. */
  until<T>(fn: () => T | Promise<T>, what: string, timeoutMs?: number): Promise<NonNullable<T>>;
  /** Waits until nothing changes any more (ReplicaSets, pods, Deployments). */
  quiesce(namespace?: string): Promise<void>;
  /** The real kubectl against this control plane. */
  kubectl(args: string[], input?: string, env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export interface WorkloadsOptions {
  garbageCollector?: boolean;
  admissionPlugins?: AdmissionPlugin[];
  /** Ms of fake time that pass between polls (default 20). */
  tick?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startWorkloads(opts: WorkloadsOptions = {}): Promise<Workloads> {
  const clock = new FakeClock();
  const cp = await startTestControlPlane({ controllers: false, clock, registry: { admissionPlugins: opts.admissionPlugins ?? [] } });
  // Pods need their namespace's default ServiceAccount (the ServiceAccount admission plugin).
  await cp
    .inProcessClient('test')
    .create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } })
    .catch((e) => {
      if ((e as { reason?: string }).reason !== 'AlreadyExists') throw e;
    });
  const h: ControllerHarness = controllerHarness(cp, { clock, component: 'kube-controller-manager' });
  if (process.env.WORKLOADS_DEBUG) h.ctx.log = (m) => console.error(m);
  const events: RecordedEvent[] = [];
  const runnables: Runnable[] = [
    replicaSetController(h.ctx, { recorder: new RecordingRecorder(h.ctx.client, 'replicaset-controller', clock, events) }),
    replicationControllerController(h.ctx, { recorder: new RecordingRecorder(h.ctx.client, 'replication-controller', clock, events) }),
    deploymentController(h.ctx, { recorder: new RecordingRecorder(h.ctx.client, 'deployment-controller', clock, events) }),
  ];
  if (opts.garbageCollector) {
    const kinds: Record<string, ResourceRef> = { Pod: R.pods, ReplicaSet: R.replicasets, ReplicationController: R.replicationcontrollers, Deployment: R.deployments };
    runnables.push(
      new GarbageCollector({
        ...h.ctx,
        deletableResources: () => Object.values(kinds),
        resourceForKind: (apiVersion, kind) => {
          const ref = kinds[kind];
          return ref && ref.group === splitApiVersion(apiVersion).group ? ref : undefined;
        },
      }),
    );
  }
  h.run(...runnables);
  const client = cp.inProcessClient('test');
  const kubelet = new FakeKubelet(client, clock);
  const tick = opts.tick ?? 20;
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));

  const step = async () => {
    await kubelet.sync().catch(() => {});
    clock.advance(tick);
    await sleep(15);
  };

  const until: Workloads['until'] = async (fn, what, timeoutMs = 10_000) => {
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
      await step();
    }
  };

  const snapshot = async (namespace: string) => {
    const [ds, rss, pods] = await Promise.all([client.list(R.deployments, namespace), client.list(R.replicasets, namespace), client.list(R.pods, namespace)]);
    return JSON.stringify([
      ds.items.map((d) => [d.metadata.name, d.metadata.resourceVersion]),
      rss.items.map((r) => [r.metadata.name, r.metadata.resourceVersion]),
      pods.items.map((p) => [p.metadata.name, p.metadata.resourceVersion]),
    ]);
  };

  const quiesce: Workloads['quiesce'] = async (namespace = 'default') => {
    // Nothing changed for five polls and at least 150 ms: every loop has acted on what it saw.
    const deadline = Date.now() + 15_000;
    let last = '';
    let stable = 0;
    let since = Date.now();
    while (stable < 5 || Date.now() - since < 150) {
      if (Date.now() > deadline) throw new Error('the controllers did not settle');
      await step();
      const now = await snapshot(namespace);
      if (now === last) stable++;
      else {
        stable = 0;
        since = Date.now();
      }
      last = now;
    }
  };

  // Asynchronous: the API server answering kubectl runs in this very process.
  const kubectl: Workloads['kubectl'] = (args, input, env) =>
    new Promise((resolve) => {
      const options = { timeout: 60_000, env: { ...process.env, ...(env ?? {}) } };
      const child = execFile(process.env.KUBECTL ?? '/usr/bin/kubectl', ['--kubeconfig', cp.kubeconfigPath, '--cache-dir', cacheDir, ...args], options, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      });
      if (input !== undefined) child.stdin!.end(input);
      else child.stdin!.end();
    });

  return {
    cp,
    clock,
    client,
    kubelet,
    events,
    until,
    quiesce,
    kubectl,
    async stop() {
      await h.stop();
      await cp.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

// ---- small builders ----

export function deployment(name: string, opts: { replicas?: number; image?: string; strategy?: Record<string, unknown>; labels?: Record<string, string>; spec?: Record<string, unknown>; annotations?: Record<string, string> } = {}): KubeObject {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      replicas: opts.replicas ?? 3,
      selector: { matchLabels: labels },
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: opts.image ?? 'nginx:1.0' }] } },
      ...(opts.spec ?? {}),
    },
  };
}

export function imageOf(obj: KubeObject): string {
  const spec = (obj.spec ?? {}) as { template?: { spec?: { containers?: { image?: string }[] } }; containers?: { image?: string }[] };
  return (spec.template?.spec?.containers ?? spec.containers ?? [])[0]?.image ?? '';
}

/** `name=replicas` of each ReplicaSet of a Deployment, newest revision first. */
export async function replicaSetSizes(client: Client, app: string, namespace = 'default'): Promise<Record<string, number>> {
  const rss = (await client.list(R.replicasets, namespace, { labelSelector: `app=${app}` })).items;
  return Object.fromEntries(rss.map((rs) => [rs.metadata.name!, (rs.spec as { replicas?: number }).replicas ?? 0]));
}
