// Test support for the StatefulSet and DaemonSet controllers: the real API server in this
// process on a fake clock, the controllers under test (and optionally the garbage collector),
// a kubelet the test drives (pods are bound to a node, then become Running and Ready when it
// says so), the events the controllers recorded, and the real kubectl against it all.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { splitApiVersion } from '../../api/object.js';
import { FakeClock, rfc3339 } from '../../machinery/clock.js';
import type { Client, ResourceRef } from '../../client/interface.js';
import { R } from '../../client/resources.js';
import { startTestControlPlane, type TestControlPlane } from '../../testing/control-plane.js';
import { controllerHarness, type ControllerHarness } from '../../testing/controllers.js';
import type { Runnable } from '../controller.js';
import { ClientEventRecorder, type EventRecorder, type EventType } from '../events.js';
import { GarbageCollector } from '../garbage-collector.js';
import { pvcProtectionController } from '../pvc-protection.js';
import { daemonSetController, type DaemonSetControllerOptions } from '../daemonset/index.js';
import { statefulSetController, type StatefulSetControllerOptions } from './index.js';

export interface RecordedEvent {
  component: string;
  kind: string;
  name: string;
  type: EventType;
  reason: string;
  message: string;
}

/** Keeps every event in order (for assertions) and writes it to the API too (for kubectl describe). */
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

type PodStatus = { phase?: string; conditions?: { type: string; status: string }[] };

export function podPhase(pod: KubeObject): string {
  return (pod.status as PodStatus | undefined)?.phase ?? '';
}

export function podIsReady(pod: KubeObject): boolean {
  return ((pod.status as PodStatus | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The test's kubelet (and scheduler): binds pods, reports them Running and Ready, finishes deletions. */
export class TestKubelet {
  /** Which pods become Ready on their own at each sync (none by default: the test decides). */
  auto: (pod: KubeObject) => boolean = () => false;
  /** Which pods being deleted finish terminating at each sync. */
  terminate: (pod: KubeObject) => boolean = () => true;
  /** The node a pod without one is bound to. */
  nodeFor: (pod: KubeObject) => string = (pod) => daemonTarget(pod) ?? 'node-1';

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
      } else if (podPhase(pod) !== 'Failed' && podPhase(pod) !== 'Succeeded' && !podIsReady(pod) && this.auto(pod)) {
        await this.markReady(pod).catch(() => {});
      }
    }
  }

  /** Binds a pod to its node (a DaemonSet pod to the node its affinity names). */
  async bind(pod: KubeObject, node = this.nodeFor(pod)): Promise<KubeObject> {
    if ((pod.spec as { nodeName?: string }).nodeName) return pod;
    await this.client.createSubresource(R.pods, pod.metadata.namespace!, pod.metadata.name!, 'binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: pod.metadata.name },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    } as KubeObject);
    return (await this.client.get(R.pods, pod.metadata.namespace!, pod.metadata.name!))!;
  }

  async ready(name: string, namespace = 'default'): Promise<void> {
    const pod = await this.client.get(R.pods, namespace, name);
    if (!pod) throw new Error(`no pod ${namespace}/${name}`);
    await this.markReady(pod);
  }

  /** Running with every condition True, on its node. */
  async markReady(pod: KubeObject): Promise<void> {
    pod = await this.bind(pod);
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
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now })),
      containerStatuses: containers,
      startTime: now,
      qosClass: (pod.status as { qosClass?: string } | undefined)?.qosClass ?? 'BestEffort',
    };
    await this.client.update(R.pods, pod.metadata.namespace!, { ...pod, status }, { subresource: 'status' });
  }

  /** Running but not Ready (a readiness probe failing). */
  async markNotReady(name: string, namespace = 'default'): Promise<void> {
    let pod = (await this.client.get(R.pods, namespace, name))!;
    pod = await this.bind(pod);
    const now = rfc3339(this.clock.now());
    const status = {
      ...((pod.status as object) ?? {}),
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: now },
        { type: 'ContainersReady', status: 'False', lastProbeTime: null, lastTransitionTime: now },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      ],
    };
    await this.client.update(R.pods, namespace, { ...pod, status }, { subresource: 'status' });
  }

  /** The pod's containers exited: phase Failed (or Succeeded). */
  async finish(name: string, phase: 'Failed' | 'Succeeded', namespace = 'default'): Promise<void> {
    let pod = (await this.client.get(R.pods, namespace, name))!;
    pod = await this.bind(pod);
    await this.client.update(R.pods, namespace, { ...pod, status: { ...((pod.status as object) ?? {}), phase, conditions: [] } }, { subresource: 'status' });
  }
}

/** The node a DaemonSet pod's required node affinity names (matchFields metadata.name In [node]). */
export function daemonTarget(pod: KubeObject): string | undefined {
  const terms =
    (pod.spec as { affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchFields?: { key: string; operator: string; values?: string[] }[] }[] } } } })
      .affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  return undefined;
}

export interface Apps {
  cp: TestControlPlane;
  clock: FakeClock;
  /** A client straight into the registry, acting as the user. */
  client: Client;
  kubelet: TestKubelet;
  events: RecordedEvent[];
  /** Polls fn, letting the kubelet act and fake time pass a little between tries. */
  until<T>(fn: () => T | Promise<T>, what: string, timeoutMs?: number): Promise<NonNullable<T>>;
  /** Waits until nothing changes any more (sets, pods, claims, revisions). */
  quiesce(namespace?: string): Promise<void>;
  /** The real kubectl against this control plane. */
  kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /**
   * A Ready node with these labels and taints. The API server taints every new node
   * not-ready:NoSchedule; a node that reports Ready loses that taint (the node lifecycle
   * controller's part), as this one does at once.
   */
  addNode(name: string, labels?: Record<string, string>, taints?: { key: string; value?: string; effect: string }[]): Promise<KubeObject>;
  /**
   * A user's merge (or strategic) patch, retried on a conflict: the in-process patch path does
   * not yet retry when a controller writes the object meanwhile.
   */
  patch(ref: ResourceRef, name: string, body: unknown, type?: 'merge' | 'strategic', namespace?: string): Promise<KubeObject>;
  /** Names of the pods in a namespace, sorted, leaving out those being deleted unless asked. */
  podNames(opts?: { namespace?: string; deleting?: boolean; selector?: string }): Promise<string[]>;
  stop(): Promise<void>;
}

export interface AppsOptions {
  statefulSets?: StatefulSetControllerOptions | false;
  daemonSets?: DaemonSetControllerOptions | false;
  garbageCollector?: boolean;
  /** Ms of fake time that pass between polls (default 20). */
  tick?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startApps(opts: AppsOptions = {}): Promise<Apps> {
  const clock = new FakeClock();
  const cp = await startTestControlPlane({ controllers: false, clock });
  const client = cp.inProcessClient('test');
  // Pods need their namespace's default ServiceAccount (the ServiceAccount admission plugin).
  await client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }).catch((e) => {
    if ((e as { reason?: string }).reason !== 'AlreadyExists') throw e;
  });
  const h: ControllerHarness = controllerHarness(cp, { clock, component: 'kube-controller-manager' });
  if (process.env.APPS_DEBUG) h.ctx.log = (m) => console.error(m);
  const events: RecordedEvent[] = [];
  const runnables: Runnable[] = [];
  if (opts.statefulSets !== false) {
    runnables.push(statefulSetController(h.ctx, { ...(opts.statefulSets ?? {}), recorder: new RecordingRecorder(h.ctx.client, 'statefulset-controller', clock, events) }));
  }
  if (opts.daemonSets !== false) {
    runnables.push(daemonSetController(h.ctx, { ...(opts.daemonSets ?? {}), recorder: new RecordingRecorder(h.ctx.client, 'daemonset-controller', clock, events) }));
  }
  if (opts.garbageCollector) {
    // Claims carry the kubernetes.io/pvc-protection finalizer (admission): its controller lets them go.
    runnables.push(pvcProtectionController(h.ctx));
    const kinds: Record<string, ResourceRef> = {
      Pod: R.pods,
      PersistentVolumeClaim: R.persistentvolumeclaims,
      StatefulSet: R.statefulsets,
      DaemonSet: R.daemonsets,
      ControllerRevision: R.controllerrevisions,
    };
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
  const kubelet = new TestKubelet(client, clock);
  const tick = opts.tick ?? 20;
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));

  const step = async () => {
    await kubelet.sync().catch(() => {});
    clock.advance(tick);
    await sleep(15);
  };

  const until: Apps['until'] = async (fn, what, timeoutMs = 10_000) => {
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
    const lists = await Promise.all([R.statefulsets, R.daemonsets, R.pods, R.persistentvolumeclaims, R.controllerrevisions].map((r) => client.list(r, namespace)));
    return JSON.stringify(lists.map((l) => l.items.map((o) => [o.metadata.name, o.metadata.resourceVersion])));
  };

  const quiesce: Apps['quiesce'] = async (namespace = 'default') => {
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
  const kubectl: Apps['kubectl'] = (args, input) =>
    new Promise((resolve) => {
      const child = execFile(process.env.KUBECTL ?? '/usr/bin/kubectl', ['--kubeconfig', cp.kubeconfigPath, '--cache-dir', cacheDir, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      });
      child.stdin!.end(input ?? '');
    });

  const addNode: Apps['addNode'] = async (name, labels, taints) => {
    const created = await client.create(R.nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(labels ?? {}) } } });
    const status = { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: rfc3339(clock.now()), lastTransitionTime: rfc3339(clock.now()) }] };
    const withStatus = await client.update(R.nodes, '', { ...created, status }, { subresource: 'status' });
    return client.update(R.nodes, '', { ...withStatus, spec: { ...((withStatus.spec as object) ?? {}), taints: taints ?? [] } });
  };

  const patch: Apps['patch'] = async (ref, name, body, type = 'merge', namespace = 'default') => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.patch(ref, ref.namespaced ? namespace : '', name, type, body);
      } catch (e) {
        if ((e as { reason?: string }).reason !== 'Conflict' || attempt >= 10) throw e;
      }
    }
  };

  const podNames: Apps['podNames'] = async (o = {}) =>
    (await client.list(R.pods, o.namespace ?? 'default', { labelSelector: o.selector }))
      .items.filter((p) => o.deleting || !p.metadata.deletionTimestamp)
      .map((p) => p.metadata.name!)
      .sort();

  return {
    cp,
    clock,
    client,
    kubelet,
    events,
    until,
    quiesce,
    kubectl,
    addNode,
    patch,
    podNames,
    async stop() {
      await h.stop();
      await cp.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

// ---- builders ----

export function statefulSet(name: string, opts: { replicas?: number; image?: string; spec?: Record<string, unknown>; labels?: Record<string, string>; annotations?: Record<string, string>; claims?: string[] } = {}): KubeObject {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      serviceName: name,
      replicas: opts.replicas ?? 3,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 10,
          containers: [{ name: 'app', image: opts.image ?? 'nginx:1.0', ...(opts.claims ? { volumeMounts: opts.claims.map((c) => ({ name: c, mountPath: `/${c}` })) } : {}) }],
        },
      },
      ...(opts.claims
        ? { volumeClaimTemplates: opts.claims.map((c) => ({ metadata: { name: c }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } })) }
        : {}),
      ...(opts.spec ?? {}),
    },
  };
}

export function imageOf(obj: KubeObject): string {
  const spec = (obj.spec ?? {}) as { template?: { spec?: { containers?: { image?: string }[] } }; containers?: { image?: string }[] };
  return (spec.template?.spec?.containers ?? spec.containers ?? [])[0]?.image ?? '';
}
