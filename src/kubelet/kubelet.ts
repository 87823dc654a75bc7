// The kubelet: a Runnable that registers its Node, keeps its Lease renewed and its status
// posted, and runs the pods bound to it through any ContainerRuntime — one serialized worker
// per pod (pod-workers.ts), a relist of the runtime every second to notice exits (the generic
// PLEG), probes, volumes, and a status manager writing pod status. It also serves the
// streaming server (src/kubelet/server) as its KubeletStreamingBackend.
//
//   const kubelet = new Kubelet({ client, runtime, nodeName: 'node-1', dataDir, nodeIP, clusterDNS: ['10.43.0.10'] });
//   void kubelet.start(signal);
//   await kubelet.ready;

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { aborted } from '../machinery/abort.js';
import { realClock, rfc3339, type Clock } from '../machinery/clock.js';
import type { Client } from '../client/interface.js';
import { InformerFactory, type Informer } from '../client/informer.js';
import { R } from '../client/resources.js';
import type { Runnable } from '../controllers/controller.js';
import { KubeletRecorder, type Recorder } from './events.js';
import { ImageManager } from './images.js';
import { L } from './labels.js';
import { capacityOf, kubeletConditions, machineInfo, nodeConditions, nodeObjectOf, nodeStatusOf, type MachineInfo, type NodeSpecInput } from './node-status.js';
import { PodSyncer } from './pod-sync.js';
import { PodWorkers } from './pod-workers.js';
import { ProbeManager } from './probes/manager.js';
import { netDialer, portForwardDialer, type ProberDeps } from './probes/prober.js';
import { readHostResolvConf } from './hosts.js';
import type { ContainerRuntime } from './runtime/interface.js';
import { allocatableOf, leaseObject, leaseNamespace, type NodeCondition } from './runtime/simulated/node-object.js';
import { StatusManager } from './status/manager.js';
import { TokenManager } from './tokens.js';
import type { Pod } from './types.js';
import { VolumeManager, type VolumeSources } from './volumes/manager.js';
import type { EnvLookups } from './env.js';

export interface KubeletOptions {
  client: Client;
  runtime: ContainerRuntime;
  nodeName: string;
  /** Pod volumes (`pods/`) and container logs (`pod-logs/`) live here. */
  dataDir: string;
  /** The node's InternalIP (hostIP of its pods). */
  nodeIP: string;
  clock?: Clock;
  log?: (msg: string) => void;
  /** Written to the Node's spec at registration (no node IPAM controller runs). */
  podCIDR?: string;
  /** The cluster DNS service address(es); empty: ClusterFirst falls back to the node's resolv.conf. */
  clusterDNS?: string[];
  clusterDomain?: string;
  /** The streaming server's port (daemonEndpoints.kubeletEndpoint.Port). Default 10250. */
  kubeletPort?: number;
  maxPods?: number;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  /** Probe (and hook) connections through runtime.portForward instead of the pod IP. */
  probeViaPortForward?: boolean;
  /** Pass /kubepods cgroup parents to the runtime (default true). */
  cgroups?: boolean;
  cgroupRoot?: string;
  /** The node's resolver configuration (default /etc/resolv.conf). */
  resolvConf?: string;
  /** Mount tmpfs for emptyDir medium Memory (default: when root). */
  tmpfs?: boolean;
  leaseRenewIntervalMs?: number;
  nodeStatusUpdateMs?: number;
  nodeStatusReportMs?: number;
  plegRelistMs?: number;
  housekeepingMs?: number;
  resyncMs?: number;
}

const defaults = {
  clusterDomain: 'cluster.local',
  kubeletPort: 10250,
  maxPods: 110,
  leaseRenewIntervalMs: 10_000,
  nodeStatusUpdateMs: 10_000,
  nodeStatusReportMs: 300_000,
  plegRelistMs: 1000,
  housekeepingMs: 2000,
  resyncMs: 60_000,
} satisfies Partial<KubeletOptions>;

function code(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

/** The configmaps and secrets a pod reads (volumes, env, envFrom, projected sources, pull secrets). */
export function podReferences(pod: Pod): string[] {
  const ns = pod.metadata.namespace ?? '';
  const refs = new Set<string>();
  for (const v of pod.spec.volumes ?? []) {
    if (v.configMap?.name) refs.add(`cm/${ns}/${v.configMap.name}`);
    if (v.secret?.secretName) refs.add(`secret/${ns}/${v.secret.secretName}`);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap?.name) refs.add(`cm/${ns}/${s.configMap.name}`);
      if (s.secret?.name) refs.add(`secret/${ns}/${s.secret.name}`);
    }
  }
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) refs.add(`cm/${ns}/${e.valueFrom.configMapKeyRef.name}`);
      if (e.valueFrom?.secretKeyRef?.name) refs.add(`secret/${ns}/${e.valueFrom.secretKeyRef.name}`);
    }
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef?.name) refs.add(`cm/${ns}/${f.configMapRef.name}`);
      if (f.secretRef?.name) refs.add(`secret/${ns}/${f.secretRef.name}`);
    }
  }
  for (const s of pod.spec.imagePullSecrets ?? []) if (s.name) refs.add(`secret/${ns}/${s.name}`);
  return [...refs];
}

function specView(pod: Pod): string {
  const m = pod.metadata;
  return JSON.stringify([pod.spec, m.deletionTimestamp, m.deletionGracePeriodSeconds, m.labels, m.annotations]);
}

/**
 * Whether a change of the pod's status alone needs a sync (status.NeedToReconcilePodReadiness
 * and HandlePodReconcile upstream): a readiness gate's condition changed, or the pod reached a
 * terminal phase.
 */
export function statusNeedsSync(old: Pod, pod: Pod): boolean {
  const phase = pod.status?.phase;
  if ((phase === 'Succeeded' || phase === 'Failed') && old.status?.phase !== phase) return true;
  const gates = new Set((pod.spec.readinessGates ?? []).map((g) => g.conditionType));
  if (gates.size === 0) return false;
  const view = (p: Pod) => JSON.stringify((p.status?.conditions ?? []).filter((c) => gates.has(c.type)).map((c) => [c.type, c.status]));
  return view(old) !== view(pod);
}

export class Kubelet implements Runnable {
  readonly runtime: ContainerRuntime;
  readonly nodeName: string;
  readonly clock: Clock;
  readonly status: StatusManager;
  readonly probes: ProbeManager;
  readonly workers: PodWorkers;
  readonly syncer: PodSyncer;
  readonly volumes: VolumeManager;
  readonly images: ImageManager;
  readonly tokens: TokenManager;
  readonly recorder: Recorder;
  private readonly o: KubeletOptions & typeof defaults;
  private readonly log: (msg: string) => void;
  private readonly client: Client;
  private machine!: MachineInfo;
  private runtimeVersion = { runtimeName: 'unknown', runtimeVersion: '0.0.0' };
  private informers!: InformerFactory;
  private pods!: Informer;
  private configMaps!: Informer;
  private secrets!: Informer;
  private services!: Informer;
  private nodeUID: string | undefined;
  private lastPosted: { key: string; at: number; conditions: NodeCondition[] } | undefined;
  private readonly refIndex = new Map<string, Set<string>>();
  private readonly podRefs = new Map<string, string[]>();
  private plegSeen = new Map<string, string>();
  private readonly cleaning = new Set<string>();
  private readonly timers: (() => void)[] = [];
  private stopped = false;
  private readyResolve!: () => void;
  /** Resolves once the Node is registered and the pod cache synced. */
  readonly ready: Promise<void> = new Promise((r) => (this.readyResolve = r));

  constructor(opts: KubeletOptions) {
    this.o = { ...defaults, ...opts } as KubeletOptions & typeof defaults;
    this.client = opts.client;
    this.runtime = opts.runtime;
    this.nodeName = opts.nodeName;
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? (() => {});
    const podsDir = join(opts.dataDir, 'pods');
    const podLogsDir = join(opts.dataDir, 'pod-logs');
    mkdirSync(podsDir, { recursive: true });
    mkdirSync(podLogsDir, { recursive: true });
    this.machine = machineInfo(opts.dataDir);
    this.recorder = new KubeletRecorder(this.client, this.clock, this.nodeName, this.log);
    this.volumes = new VolumeManager({ podsDir, tmpfs: opts.tmpfs, log: this.log });
    this.images = new ImageManager(this.runtime, this.clock, this.recorder);
    this.tokens = new TokenManager(this.client, this.clock, this.log);
    this.status = new StatusManager({
      client: this.client,
      clock: this.clock,
      log: this.log,
      podFromCache: (ns, name) => this.pods?.get(ns, name) as Pod | undefined,
      canBeDeleted: (uid) => this.workers.isFinished(uid),
    });
    this.probes = new ProbeManager({
      clock: this.clock,
      recorder: this.recorder,
      podStatus: (uid) => this.status.get(uid),
      deps: (pod) => this.proberDeps(pod),
      onChange: (uid) => this.workers.poke(uid),
    });
    const hostResolv = readHostResolvConf(opts.resolvConf);
    this.syncer = new PodSyncer({
      runtime: this.runtime,
      runtimeName: () => this.runtimeVersion.runtimeName,
      clock: this.clock,
      log: this.log,
      recorder: this.recorder,
      status: this.status,
      probes: this.probes,
      images: this.images,
      volumes: this.volumes,
      nodeName: this.nodeName,
      nodeIPs: () => [this.o.nodeIP],
      clusterDNS: opts.clusterDNS ?? [],
      clusterDomain: this.o.clusterDomain,
      hostResolv,
      nodeHosts: () => {
        try {
          return readFileSync('/etc/hosts', 'utf8');
        } catch {
          return '127.0.0.1\tlocalhost\n';
        }
      },
      podLogsDir,
      memoryCapacity: this.machine.memoryBytes,
      cgroupRoot: opts.cgroupRoot,
      cgroups: opts.cgroups ?? true,
      envLookups: (pod, podIPs) => this.envLookups(pod, podIPs),
      volumeSources: (pod) => this.volumeSources(pod),
      pullSecrets: (pod) => this.pullSecrets(pod),
      proberDeps: (pod) => this.proberDeps(pod),
    });
    this.workers = new PodWorkers({
      clock: this.clock,
      syncer: this.syncer,
      log: this.log,
      resyncMs: this.o.resyncMs,
      onTerminated: (uid) => this.status.maybeDelete(uid),
      onForgotten: (uid) => {
        this.status.forget(uid);
        this.probes.removePod(uid);
        this.tokens.forgetPod(uid);
        this.unindex(uid);
      },
    });
  }

  get allocatable(): Record<string, string> {
    return allocatableOf(capacityOf(this.machine, this.o.maxPods));
  }

  // ---- lookups the pod sync uses ----

  private async cached(inf: Informer, ns: string, name: string): Promise<KubeObject | undefined> {
    await inf.synced;
    return inf.get(ns, name);
  }

  private envLookups(pod: Pod, podIPs: string[]): EnvLookups {
    return {
      configMap: (ns, name) => this.cached(this.configMaps, ns, name),
      secret: (ns, name) => this.cached(this.secrets, ns, name),
      services: (ns) => this.services.list().filter((s) => s.metadata.namespace === ns || s.metadata.namespace === 'default'),
      nodeName: this.nodeName,
      hostIPs: [this.o.nodeIP],
      podIPs,
      allocatable: this.allocatable,
    };
  }

  private volumeSources(pod: Pod): VolumeSources {
    const podIPs = (this.status.get(pod.metadata.uid ?? '')?.podIPs ?? pod.status?.podIPs ?? []).map((p) => p.ip);
    return {
      configMap: (ns, name) => this.cached(this.configMaps, ns, name),
      secret: (ns, name) => this.cached(this.secrets, ns, name),
      pvc: (ns, name) => this.client.get(R.persistentvolumeclaims, ns, name),
      pv: (name) => this.client.get(R.persistentvolumes, '', name),
      serviceAccountToken: (p, audience, exp) => this.tokens.get(p, audience, exp),
      nodeName: this.nodeName,
      hostIPs: [this.o.nodeIP],
      podIPs,
      allocatable: this.allocatable,
    };
  }

  private async pullSecrets(pod: Pod): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    for (const ref of pod.spec.imagePullSecrets ?? []) {
      const s = ref.name ? await this.cached(this.secrets, pod.metadata.namespace ?? '', ref.name) : undefined;
      if (s) out.push(s);
      else this.recorder.pod(pod, 'Warning', 'FailedToRetrieveImagePullSecret', `Unable to retrieve some image pull secrets (${ref.name}); attempting to pull the image may not succeed.`);
    }
    return out;
  }

  private proberDeps(pod: Pod): ProberDeps {
    const uid = pod.metadata.uid ?? '';
    const viaRuntime = this.o.probeViaPortForward && !pod.spec.hostNetwork;
    return {
      runtime: this.runtime,
      clock: this.clock,
      dial: viaRuntime ? portForwardDialer(this.runtime, () => this.sandboxIds.get(uid)) : netDialer(this.clock),
    };
  }

  /** The newest sandbox per pod uid, as the last relist saw it. */
  private readonly sandboxIds = new Map<string, string>();

  // ---- the KubeletStreamingBackend (src/kubelet/server/types.ts) ----

  /** A pod on this node with the status the kubelet last computed. */
  getPod(namespace: string, name: string): KubeObject | undefined {
    const pod = this.pods?.get(namespace, name) as Pod | undefined;
    if (!pod) return undefined;
    const status = this.status.get(pod.metadata.uid ?? '');
    return status ? { ...pod, status: { ...pod.status, ...status } } : pod;
  }

  listPods(): KubeObject[] {
    return (this.pods?.list() ?? []).map((p) => this.getPod(p.metadata.namespace ?? '', p.metadata.name ?? '')!);
  }

  async podSandbox(namespace: string, name: string): Promise<string | undefined> {
    const pod = this.pods?.get(namespace, name);
    if (!pod) return undefined;
    const sandboxes = await this.runtime.listPodSandboxes({ labels: { [L.podUID]: pod.metadata.uid ?? '' } });
    const ready = sandboxes.filter((s) => s.state === 'ready').sort((a, b) => (BigInt(b.createdAt) > BigInt(a.createdAt) ? 1 : -1));
    return ready[0]?.id;
  }

  // ---- running ----

  async start(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    try {
      this.runtimeVersion = await this.runtime.version();
    } catch (e) {
      this.log(`kubelet: container runtime version: ${(e as Error).message}`);
    }
    this.informers = new InformerFactory(this.client, this.log);
    this.pods = this.informers.informerFor(R.pods, { fieldSelector: `spec.nodeName=${this.nodeName}` });
    this.configMaps = this.informers.informerFor(R.configmaps);
    this.secrets = this.informers.informerFor(R.secrets);
    this.services = this.informers.informerFor(R.services);
    this.pods.addEventHandler({
      onAdd: (p) => this.podAdded(p as Pod),
      onUpdate: (o, p) => this.podUpdated(o as Pod, p as Pod),
      onDelete: (p) => this.podDeleted(p as Pod),
    });
    const objectChanged = (kind: string) => (o: KubeObject) => {
      for (const uid of this.refIndex.get(`${kind}/${o.metadata.namespace}/${o.metadata.name}`) ?? []) this.workers.poke(uid);
    };
    this.configMaps.addEventHandler({ onAdd: objectChanged('cm'), onUpdate: (_o, n) => objectChanged('cm')(n), onDelete: objectChanged('cm') });
    this.secrets.addEventHandler({ onAdd: objectChanged('secret'), onUpdate: (_o, n) => objectChanged('secret')(n), onDelete: objectChanged('secret') });
    const onAbort = () => this.shutdown();
    signal.addEventListener('abort', onAbort, { once: true });

    await this.registerNode(signal);
    if (signal.aborted) return;
    this.informers.start(signal);
    await this.informers.waitForSync();
    if (signal.aborted) return;
    this.every(this.o.leaseRenewIntervalMs, () => this.renewLease());
    this.every(this.o.nodeStatusUpdateMs, () => this.updateNodeStatus());
    this.every(this.o.plegRelistMs, () => this.relist());
    this.every(this.o.housekeepingMs, () => this.housekeeping());
    this.readyResolve();
    await aborted(signal);
  }

  private shutdown(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const cancel of this.timers) cancel();
    this.workers.stop();
    this.probes.stop();
  }

  /** Runs fn every ms on the clock, one run at a time. */
  private every(ms: number, fn: () => Promise<void>): void {
    let cancel = () => {};
    const tick = () => {
      if (this.stopped) return;
      fn()
        .catch((e) => this.log(`kubelet: ${(e as Error).message}`))
        .finally(() => {
          if (!this.stopped) cancel = this.clock.setTimeout(tick, ms);
        });
    };
    cancel = this.clock.setTimeout(tick, ms);
    this.timers.push(() => cancel());
  }

  /** Resolves when pod workers and status writes are quiet (tests). */
  async settled(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.workers.settled();
      await this.status.settled();
      await new Promise((r) => setImmediate(r));
    }
    await this.recorder.flush();
  }

  // ---- pods ----

  private index(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    this.unindex(uid);
    const refs = podReferences(pod);
    this.podRefs.set(uid, refs);
    for (const r of refs) {
      let set = this.refIndex.get(r);
      if (!set) this.refIndex.set(r, (set = new Set()));
      set.add(uid);
    }
  }

  private unindex(uid: string): void {
    for (const r of this.podRefs.get(uid) ?? []) {
      const set = this.refIndex.get(r);
      set?.delete(uid);
      if (set && set.size === 0) this.refIndex.delete(r);
    }
    this.podRefs.delete(uid);
  }

  private podAdded(pod: Pod): void {
    this.index(pod);
    this.workers.update(pod);
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata.uid !== pod.metadata.uid) {
      this.workers.update(old, true);
      this.podAdded(pod);
      return;
    }
    if (specView(old) !== specView(pod)) {
      this.index(pod);
      this.workers.update(pod);
    } else {
      // Status only: syncing on every echo of our own status writes cost each new pod two
      // extra syncs, each a round of runtime calls (pkg/kubelet/config: such changes are
      // reconciles, which sync only for readiness gates or a terminal phase).
      if (statusNeedsSync(old, pod)) this.workers.update(pod);
      else this.workers.record(pod);
      this.status.reconcile(pod);
    }
  }

  private podDeleted(pod: Pod): void {
    this.workers.update(pod, true);
  }

  /** The generic PLEG: list the runtime, and sync every pod whose containers or sandboxes changed. */
  private async relist(): Promise<void> {
    const [sandboxes, containers] = await Promise.all([this.runtime.listPodSandboxes(), this.runtime.listContainers()]);
    const sig = new Map<string, string[]>();
    const newest = new Map<string, { id: string; at: bigint }>();
    for (const s of sandboxes) {
      const uid = s.labels[L.podUID] ?? s.metadata.uid;
      if (!uid) continue;
      (sig.get(uid) ?? sig.set(uid, []).get(uid)!).push(`s:${s.id}:${s.state}`);
      const at = BigInt(s.createdAt || '0');
      if (s.state === 'ready' && (!newest.has(uid) || newest.get(uid)!.at < at)) newest.set(uid, { id: s.id, at });
    }
    for (const c of containers) {
      const uid = c.labels[L.podUID];
      if (!uid) continue;
      (sig.get(uid) ?? sig.set(uid, []).get(uid)!).push(`c:${c.id}:${c.state}`);
    }
    this.sandboxIds.clear();
    for (const [uid, s] of newest) this.sandboxIds.set(uid, s.id);
    const next = new Map<string, string>();
    for (const [uid, parts] of sig) next.set(uid, parts.sort().join(','));
    for (const [uid, s] of next) if (this.plegSeen.get(uid) !== s) this.workers.poke(uid);
    for (const uid of this.plegSeen.keys()) if (!next.has(uid)) this.workers.poke(uid);
    this.plegSeen = next;
  }

  /** Removes what the runtime holds of pods this kubelet no longer knows (deleted while it was down). */
  private async housekeeping(): Promise<void> {
    if (!this.pods.hasSynced) return;
    const known = new Set((this.pods.list() as Pod[]).map((p) => p.metadata.uid ?? ''));
    for (const uid of this.workers.uids()) known.add(uid);
    for (const uid of this.plegSeen.keys()) {
      if (known.has(uid) || this.cleaning.has(uid)) continue;
      this.cleaning.add(uid);
      this.log(`kubelet: removing containers of pod ${uid}, which no longer exists`);
      try {
        await this.syncer.cleanupPod(uid, undefined);
      } finally {
        this.cleaning.delete(uid);
      }
    }
    this.images.backoff.gc();
    this.syncer.crashBackoff.gc();
  }

  // ---- node ----

  private nodeInput(): NodeSpecInput {
    return { name: this.nodeName, nodeIP: this.o.nodeIP, podCIDR: this.o.podCIDR, labels: this.o.labels, taints: this.o.taints, kubeletPort: this.o.kubeletPort, maxPods: this.o.maxPods };
  }

  private async currentNodeStatus(old: NodeCondition[] | undefined): Promise<Record<string, unknown>> {
    let ready = true;
    let why: string | undefined;
    try {
      this.runtimeVersion = await this.runtime.version();
    } catch (e) {
      ready = false;
      why = (e as Error).message;
    }
    const images = ready ? await this.runtime.listImages().catch(() => []) : [];
    const conditions = nodeConditions(old, kubeletConditions(ready, why), this.clock.now());
    return nodeStatusOf(this.nodeInput(), this.machine, this.runtimeVersion, conditions, images);
  }

  private nodeEvents(node: KubeObject): void {
    const name = this.nodeName;
    this.recorder.node(node, 'Normal', 'Starting', 'Starting kubelet.');
    for (const r of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) this.recorder.node(node, 'Normal', r, `Node ${name} status is now: ${r}`);
    this.recorder.node(node, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
  }

  private async registerNode(signal: AbortSignal): Promise<void> {
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        const status = await this.currentNodeStatus(undefined);
        let node: KubeObject;
        try {
          node = await this.client.create(R.nodes, '', nodeObjectOf(this.nodeInput(), this.machine, status));
        } catch (e) {
          if (code(e) !== 409) throw e;
          // Registered before: refresh labels, spec and status.
          const existing = (await this.client.get(R.nodes, '', this.nodeName))!;
          const labels = { ...existing.metadata.labels, ...(nodeObjectOf(this.nodeInput(), this.machine, status).metadata.labels ?? {}) };
          const spec = { ...(existing.spec as object) } as Record<string, unknown>;
          if (this.o.podCIDR) Object.assign(spec, { podCIDR: this.o.podCIDR, podCIDRs: [this.o.podCIDR] });
          await this.client.patch(R.nodes, '', this.nodeName, 'merge', { metadata: { labels }, spec });
          const old = ((existing.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []) as NodeCondition[];
          node = await this.client.patch(R.nodes, '', this.nodeName, 'merge', { status: await this.currentNodeStatus(old) }, { subresource: 'status' });
        }
        this.nodeUID = node.metadata.uid;
        this.nodeEvents(node);
        const conditions = ((node.status as { conditions?: NodeCondition[] }).conditions ?? []) as NodeCondition[];
        this.lastPosted = { key: this.statusKey(node.status as Record<string, unknown>), at: this.clock.now(), conditions };
        if (conditions.find((c) => c.type === 'Ready')?.status === 'True') this.recorder.node(node, 'Normal', 'NodeReady', `Node ${this.nodeName} status is now: NodeReady`);
        await this.renewLease();
        return;
      } catch (e) {
        this.log(`kubelet: registering node ${this.nodeName} (attempt ${attempt + 1}): ${(e as Error).message}`);
        await new Promise<void>((r) => this.clock.setTimeout(r, Math.min(7000, 100 * 2 ** attempt)));
      }
    }
  }

  /** The status without heartbeat times: what must be posted at once when it changes. */
  private statusKey(status: Record<string, unknown>): string {
    const conditions = ((status.conditions ?? []) as NodeCondition[]).map((c) => [c.type, c.status, c.reason, c.message]);
    return JSON.stringify({ ...status, conditions });
  }

  private async updateNodeStatus(): Promise<void> {
    const status = await this.currentNodeStatus(this.lastPosted?.conditions);
    const key = this.statusKey(status);
    const now = this.clock.now();
    if (this.lastPosted && this.lastPosted.key === key && now - this.lastPosted.at < this.o.nodeStatusReportMs) return;
    const wasReady = this.lastPosted?.conditions.find((c) => c.type === 'Ready')?.status;
    const node = await this.client.patch(R.nodes, '', this.nodeName, 'merge', { status }, { subresource: 'status' });
    const conditions = status.conditions as NodeCondition[];
    this.lastPosted = { key, at: now, conditions };
    const ready = conditions.find((c) => c.type === 'Ready')?.status;
    if (ready !== wasReady) this.recorder.node(node, 'Normal', ready === 'True' ? 'NodeReady' : 'NodeNotReady', `Node ${this.nodeName} status is now: ${ready === 'True' ? 'NodeReady' : 'NodeNotReady'}`);
  }

  private async renewLease(): Promise<void> {
    const now = this.clock.now();
    const existing = await this.client.get(R.leases, leaseNamespace, this.nodeName);
    if (!existing) {
      try {
        await this.client.create(R.leases, leaseNamespace, leaseObject(this.nodeName, this.nodeUID, now));
      } catch (e) {
        if (code(e) !== 409) throw e;
      }
      return;
    }
    const spec = { ...(existing.spec as object), holderIdentity: this.nodeName, leaseDurationSeconds: 40, renewTime: (leaseObject(this.nodeName, this.nodeUID, now).spec as { renewTime: string }).renewTime };
    await this.client.update(R.leases, leaseNamespace, { ...existing, spec });
  }
}

/** RFC 3339 of now on a clock (exported for tests). */
export function nowRfc3339(clock: Clock): string {
  return rfc3339(clock.now());
}
