// One pod's sync, as the kubelet's syncPod / syncTerminatingPod / syncTerminatedPod and
// kuberuntime's SyncPod run it: status first, then volumes, then the actions computePodActions
// asks for (sandbox, init containers in order, app containers with crash-loop back-off,
// kills for failed probes), each container started through image pull, config (env, mounts,
// /etc/hosts, termination log), create, start and postStart; termination with preStop hooks,
// the grace period and SIGKILL; and the final, terminal status.

import { mkdirSync, readdirSync, rmSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../api/object.js';
import type { Clock } from '../machinery/clock.js';
import { Backoff, goDuration } from './backoff.js';
import { ContainerConfigError, expandCommandAndArgs, makeEnvironment, type EnvLookups } from './env.js';
import type { Recorder } from './events.js';
import { hostNetworkHostsFileContent, managedHostsFileContent, podDNSConfig, podDNSType, podHostnameAndDomain, type ResolvConf } from './hosts.js';
import type { ImageManager } from './images.js';
import { containerAnnotations, containerLabels, L, sandboxAnnotations, sandboxLabels } from './labels.js';
import { computePodActions, type KillReason, type PodActions } from './pod-actions.js';
import type { ProbeManager } from './probes/manager.js';
import { runHandler, type ProberDeps } from './probes/prober.js';
import { containerResources, podCgroupParent, podResources } from './resources.js';
import type { ContainerConfig, ContainerRuntime, Mount, PodSandboxConfig, PortMapping } from './runtime/interface.js';
import { hostNetworkAnnotation, RuntimeStatusReader } from './runtime-status.js';
import type { StatusManager } from './status/manager.js';
import { ContainerReasonStatusUnknown, findContainer, generatePodStatus, WaitingReason, type RuntimeContainer, type RuntimePodStatus } from './status/generate.js';
import type { Container, LifecycleHandler, Pod, PodStatus } from './types.js';
import { formatPod, isRestartableInitContainer } from './types.js';
import type { VolumeManager, VolumeSources } from './volumes/manager.js';

export const minimumGracePeriodSeconds = 2;
/** Back-off of crash-looping containers: 10 s doubling to 5 min. */
export const crashBackoffInitialMs = 10_000;
export const crashBackoffMaxMs = 300_000;

export interface SyncResult {
  /** The pod reached a terminal phase: terminate it. */
  terminal: boolean;
  /** Sync again after this long (a back-off ends, an error to retry). */
  requeueAfterMs?: number;
}

export interface PodSyncerOptions {
  runtime: ContainerRuntime;
  /** containerd, fake, …: container IDs in the status are `<runtimeName>://<id>`. */
  runtimeName: () => string;
  clock: Clock;
  log: (msg: string) => void;
  recorder: Recorder;
  status: StatusManager;
  probes: ProbeManager;
  images: ImageManager;
  volumes: VolumeManager;
  nodeName: string;
  nodeIPs: () => string[];
  clusterDNS: string[];
  clusterDomain: string;
  hostResolv: ResolvConf;
  /** Host's /etc/hosts text, for host-network pods. */
  nodeHosts: () => string;
  podLogsDir: string;
  memoryCapacity: number;
  cgroupRoot?: string;
  /** Pass cgroup parents to the runtime (default true). */
  cgroups: boolean;
  envLookups(pod: Pod, podIPs: string[]): EnvLookups;
  volumeSources(pod: Pod): VolumeSources;
  pullSecrets(pod: Pod): Promise<KubeObject[]>;
  proberDeps(pod: Pod): ProberDeps;
}

interface Why {
  reason: string;
  message: string;
}

function sleepOn(clock: Clock, ms: number): Promise<void> {
  return new Promise((r) => clock.setTimeout(r, ms));
}

/** Waiting reasons that last out a back-off, rather than report what the last sync met. */
const backOffReasons = new Set<string>([WaitingReason.CrashLoopBackOff, WaitingReason.ImagePullBackOff]);

export class PodSyncer {
  readonly reader: RuntimeStatusReader;
  readonly crashBackoff: Backoff;
  private readonly reasons = new Map<string, Map<string, Why>>();
  private readonly dnsWarned = new Set<string>();
  /** Grace period escalation for pods being killed: uid → the shortest asked. */
  private readonly killing = new Map<string, { grace: number; containers: Set<string> }>();

  constructor(private readonly o: PodSyncerOptions) {
    this.reader = new RuntimeStatusReader(o.runtime);
    this.crashBackoff = new Backoff(o.clock, crashBackoffInitialMs, crashBackoffMaxMs);
  }

  // ---- status ----

  private reasonsOf(uid: string): Map<string, Why> {
    let m = this.reasons.get(uid);
    if (!m) this.reasons.set(uid, (m = new Map()));
    return m;
  }

  generate(pod: Pod, rt: RuntimePodStatus, terminal: boolean): PodStatus {
    const uid = pod.metadata.uid ?? '';
    const name = this.o.runtimeName();
    const old = this.o.status.get(uid) ?? pod.status ?? {};
    const probes = this.o.probes;
    return generatePodStatus(pod, rt, old, {
      runtimeName: name,
      reason: (c) => this.reasons.get(uid)?.get(c),
      probes: { startup: (id) => probes.startup(id), readiness: (id) => probes.readiness(id) },
      hostIPs: this.o.nodeIPs(),
      podIsTerminal: terminal,
    });
  }

  private probeResultsFor() {
    const name = this.o.runtimeName();
    return {
      liveness: (id: string) => this.o.probes.liveness(`${name}://${id}`),
      startup: (id: string) => this.o.probes.startup(`${name}://${id}`),
    };
  }

  // ---- syncPod ----

  async syncPod(pod: Pod): Promise<SyncResult> {
    const uid = pod.metadata.uid ?? '';
    let rt = await this.reader.podStatus(uid);
    const first = this.generate(pod, rt, false);
    this.o.status.set(pod, first);
    if (first.phase === 'Succeeded' || first.phase === 'Failed') return { terminal: true };

    const dns = podDNSType(pod, this.o.clusterDNS);
    if (dns.fallback && !this.dnsWarned.has(uid)) {
      this.dnsWarned.add(uid);
      this.o.recorder.pod(pod, 'Warning', 'MissingClusterDNS', `pod: "${formatPod(pod)}". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`);
    }

    mkdirSync(this.o.volumes.podDir(uid), { recursive: true });
    const vols = await this.o.volumes.setUp(pod, this.o.volumeSources(pod));
    if (vols.errors.length) {
      for (const e of vols.errors) this.o.recorder.pod(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${e.volume}" : ${e.message}`);
      return { terminal: false, requeueAfterMs: 2000 };
    }
    const pullSecrets = await this.o.pullSecrets(pod);
    const actions = computePodActions(pod, rt, this.probeResultsFor());
    let requeue = await this.execute(pod, rt, actions, vols.volumes, pullSecrets);
    this.o.probes.addPod(pod);

    rt = await this.reader.podStatus(uid);
    this.o.status.set(pod, this.generate(pod, rt, false));
    this.pruneDeadContainers(pod, rt);
    // An error this sync met (ErrImagePull, RunContainerError …) lasts only until the next sync
    // shows the back-off: let the API have it first, or on a busy node the status writes would
    // coalesce it away and no one would see what failed.
    const failed = [...(this.reasons.get(uid)?.values() ?? [])].some((why) => !backOffReasons.has(why.reason));
    if (failed) await this.o.status.written(uid, 10_000);
    // Containers waiting out a back-off come back when it ends.
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      const why = this.reasons.get(uid)?.get(c.name);
      if (!why) continue;
      let at: number | undefined;
      if (why.reason === WaitingReason.CrashLoopBackOff) {
        const last = rt.containers.find((x) => x.name === c.name && x.state === 'exited');
        if (last) at = last.finishedAt + this.crashBackoff.get(this.backoffKey(pod, c));
      } else if (why.reason === WaitingReason.ErrImagePull) {
        // Shows ImagePullBackOff soon after the failed pull, as the next sync does upstream.
        at = this.o.clock.now() + 1000;
      } else if (why.reason === WaitingReason.ImagePullBackOff) {
        at = this.o.images.backoffEnds(pod, c.image ?? '');
      } else at = this.o.clock.now() + 10_000;
      if (at !== undefined) {
        const delay = Math.max(0, at - this.o.clock.now());
        requeue = requeue === undefined ? delay : Math.min(requeue, delay);
      }
    }
    return { terminal: false, requeueAfterMs: requeue };
  }

  private backoffKey(pod: Pod, c: Container): string {
    return `${pod.metadata.name}_${pod.metadata.namespace}_${pod.metadata.uid}_${c.name}`;
  }

  /** Runs the actions; returns a delay to sync again after, if one is needed. */
  private async execute(pod: Pod, rt: RuntimePodStatus, actions: PodActions, volumes: Map<string, import('./volumes/manager.js').MountedVolume>, pullSecrets: KubeObject[]): Promise<number | undefined> {
    const uid = pod.metadata.uid ?? '';
    if (actions.createSandbox && actions.sandboxId) this.o.recorder.pod(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
    if (actions.killPod) {
      await this.killPod(pod, rt, undefined);
      if (actions.createSandbox) await this.purgeInitContainers(pod, rt);
    } else {
      for (const k of actions.containersToKill) {
        const rc = rt.containers.find((c) => c.id === k.id);
        if (rc) await this.killContainer(pod, rc, k.container, k.message, k.reason, undefined);
      }
    }
    let sandboxId = actions.sandboxId;
    let podIPs = rt.ips;
    if (actions.createSandbox) {
      try {
        sandboxId = await this.createSandbox(pod, actions.attempt);
      } catch (e) {
        if (pod.metadata.deletionTimestamp) return undefined;
        this.o.recorder.pod(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(e as Error).message}`);
        return 10_000;
      }
      const s = await this.o.runtime.podSandboxStatus(sandboxId);
      podIPs = s?.ip ? [s.ip] : [];
    }
    if (!actions.initContainersToStart.length && !actions.containersToStart.length) return undefined;
    const sandboxConfig = this.sandboxConfig(pod, actions.createSandbox ? actions.attempt : (rt.sandboxes[0]?.attempt ?? 0));
    const hostsPath = this.writeHostsFile(pod, podIPs);
    const current = actions.createSandbox ? { ...rt, containers: rt.containers.filter((c) => c.type !== 'init') } : rt;
    const start = async (c: Container, isInit: boolean) => {
      if (this.inBackOff(pod, c, current)) return false;
      return this.startContainer(pod, c, isInit, sandboxId, sandboxConfig, podIPs, current, volumes, pullSecrets, hostsPath);
    };
    for (const i of actions.initContainersToStart) {
      const c = pod.spec.initContainers![i];
      const ok = await start(c, true);
      if (!ok && !isRestartableInitContainer(c)) return undefined;
    }
    for (const i of actions.containersToStart) await start(pod.spec.containers[i], false);
    void uid;
    return undefined;
  }

  /** doBackOff: a container that exited recently enough waits out its back-off in CrashLoopBackOff. */
  private inBackOff(pod: Pod, c: Container, rt: RuntimePodStatus): boolean {
    const last = rt.containers.find((x) => x.name === c.name && x.state === 'exited');
    if (!last) return false;
    const key = this.backoffKey(pod, c);
    if (this.crashBackoff.isInBackOffSince(key, last.finishedAt)) {
      this.o.recorder.container(pod, c, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${formatPod(pod)}`);
      this.reasonsOf(pod.metadata.uid ?? '').set(c.name, { reason: WaitingReason.CrashLoopBackOff, message: `back-off ${goDuration(this.crashBackoff.get(key))} restarting failed container=${c.name} pod=${formatPod(pod)}` });
      return true;
    }
    this.crashBackoff.next(key, last.finishedAt);
    return false;
  }

  podLogDir(pod: Pod): string {
    return join(this.o.podLogsDir, `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
  }

  sandboxConfig(pod: Pod, attempt: number): PodSandboxConfig {
    const hostNetwork = pod.spec.hostNetwork === true;
    const { hostname } = podHostnameAndDomain(pod, this.o.clusterDomain);
    const portMappings: PortMapping[] = [];
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      for (const p of c.ports ?? []) {
        if (!p.hostPort) continue;
        const m: PortMapping = { protocol: p.protocol ?? 'TCP', containerPort: p.containerPort, hostPort: p.hostPort };
        if (p.hostIP) m.hostIp = p.hostIP;
        portMappings.push(m);
      }
    }
    const sc = pod.spec.securityContext ?? {};
    const config: PodSandboxConfig = {
      name: pod.metadata.name ?? '',
      namespace: pod.metadata.namespace ?? '',
      uid: pod.metadata.uid ?? '',
      attempt,
      hostname: hostNetwork ? '' : hostname,
      logDirectory: this.podLogDir(pod),
      dnsConfig: podDNSConfig(pod, { clusterDNS: this.o.clusterDNS, clusterDomain: this.o.clusterDomain, host: this.o.hostResolv }),
      portMappings,
      labels: sandboxLabels(pod),
      annotations: { ...sandboxAnnotations(pod), [hostNetworkAnnotation]: String(hostNetwork) },
      linux: {
        cgroupParent: this.o.cgroups ? podCgroupParent(pod, this.o.cgroupRoot) : undefined,
        namespaces: { network: hostNetwork ? 'node' : 'pod', pid: pod.spec.hostPID ? 'node' : (pod.spec as { shareProcessNamespace?: boolean }).shareProcessNamespace ? 'pod' : 'container', ipc: pod.spec.hostIPC ? 'node' : 'pod' },
      },
      resources: podResources(pod),
    };
    if (sc.sysctls?.length) config.linux.sysctls = Object.fromEntries(sc.sysctls.map((s) => [s.name, s.value]));
    if (sc.runAsUser !== undefined) config.linux.runAsUser = sc.runAsUser;
    if (sc.runAsGroup !== undefined) config.linux.runAsGroup = sc.runAsGroup;
    if (sc.supplementalGroups?.length) config.linux.supplementalGroups = sc.supplementalGroups;
    return config;
  }

  private async createSandbox(pod: Pod, attempt: number): Promise<string> {
    const config = this.sandboxConfig(pod, attempt);
    mkdirSync(config.logDirectory, { recursive: true, mode: 0o755 });
    return this.o.runtime.runPodSandbox(config);
  }

  private writeHostsFile(pod: Pod, podIPs: string[]): string {
    const uid = pod.metadata.uid ?? '';
    const path = join(this.o.volumes.podDir(uid), 'etc-hosts');
    const { hostname, domain } = podHostnameAndDomain(pod, this.o.clusterDomain);
    const content = pod.spec.hostNetwork ? hostNetworkHostsFileContent(this.o.nodeHosts(), pod.spec.hostAliases) : managedHostsFileContent(podIPs.length ? podIPs : this.o.nodeIPs(), hostname, domain, pod.spec.hostAliases);
    mkdirSync(this.o.volumes.podDir(uid), { recursive: true });
    writeFileSync(path, content, { mode: 0o644 });
    return path;
  }

  private restartCountFromLogs(pod: Pod, c: Container): number {
    try {
      let n = 0;
      for (const f of readdirSync(join(this.podLogDir(pod), c.name))) {
        const m = /^(\d+)\.log/.exec(f);
        if (m) n = Math.max(n, Number(m[1]) + 1);
      }
      return n;
    } catch {
      return 0;
    }
  }

  private async startContainer(
    pod: Pod,
    c: Container,
    isInit: boolean,
    sandboxId: string,
    sandboxConfig: PodSandboxConfig,
    podIPs: string[],
    rt: RuntimePodStatus,
    volumes: Map<string, import('./volumes/manager.js').MountedVolume>,
    pullSecrets: KubeObject[],
    hostsPath: string,
  ): Promise<boolean> {
    const uid = pod.metadata.uid ?? '';
    const reasons = this.reasonsOf(uid);
    const fail = (reason: string, message: string, event?: string) => {
      if (event !== undefined) this.o.recorder.container(pod, c, 'Warning', 'Failed', `Error: ${event}`);
      reasons.set(c.name, { reason, message });
      return false;
    };
    const img = await this.o.images.ensureImageExists(pod, c, pullSecrets);
    if (!img.ok) return fail(img.reason, img.message, img.reason);

    const latest = findContainer(rt, c.name);
    const restartCount = latest ? latest.restartCount + 1 : this.restartCountFromLogs(pod, c);
    let config: ContainerConfig;
    try {
      const env = await makeEnvironment(pod, c, this.o.envLookups(pod, pod.spec.hostNetwork || !podIPs.length ? this.o.nodeIPs() : podIPs));
      const { command, args } = expandCommandAndArgs(c, env);
      const mounts: Mount[] = this.o.volumes.mountsFor(pod, c, volumes, env);
      if (!mounts.some((m) => m.containerPath === '/etc/hosts')) mounts.push({ containerPath: '/etc/hosts', hostPath: hostsPath });
      let terminationHostPath: string | undefined;
      if (c.terminationMessagePath) {
        const dir = join(this.o.volumes.podDir(uid), 'containers', c.name);
        mkdirSync(dir, { recursive: true });
        terminationHostPath = join(dir, randomBytes(4).toString('hex'));
        writeFileSync(terminationHostPath, '');
        chmodSync(terminationHostPath, 0o666);
        mounts.push({ containerPath: c.terminationMessagePath, hostPath: terminationHostPath });
      }
      mkdirSync(join(sandboxConfig.logDirectory, c.name), { recursive: true, mode: 0o755 });
      const sc = c.securityContext ?? {};
      const psc = pod.spec.securityContext ?? {};
      config = {
        name: c.name,
        attempt: restartCount,
        image: c.image ?? '',
        command,
        args,
        workingDir: c.workingDir,
        env: env.map((e) => ({ key: e.name, value: e.value })),
        mounts,
        labels: containerLabels(pod, c),
        annotations: containerAnnotations(pod, c, restartCount, isInit ? 'init' : 'regular', terminationHostPath),
        logPath: join(c.name, `${restartCount}.log`),
        stdin: c.stdin,
        stdinOnce: c.stdinOnce,
        tty: c.tty,
        linux: {
          resources: containerResources(pod, c, this.o.memoryCapacity),
          securityContext: {
            privileged: sc.privileged,
            runAsUser: sc.runAsUser ?? psc.runAsUser,
            runAsGroup: sc.runAsGroup ?? psc.runAsGroup,
            runAsNonRoot: sc.runAsNonRoot ?? psc.runAsNonRoot,
            readonlyRootfs: sc.readOnlyRootFilesystem,
            capabilities: sc.capabilities ? { add: sc.capabilities.add ?? [], drop: sc.capabilities.drop ?? [] } : undefined,
            supplementalGroups: psc.supplementalGroups,
            noNewPrivs: sc.allowPrivilegeEscalation === false ? true : undefined,
          },
        },
      };
    } catch (e) {
      const msg = (e as Error).message;
      if (e instanceof ContainerConfigError || !(e instanceof TypeError)) return fail(WaitingReason.CreateContainerConfigError, msg, msg);
      throw e;
    }
    let id: string;
    try {
      id = await this.o.runtime.createContainer(sandboxId, config, sandboxConfig);
    } catch (e) {
      const msg = (e as Error).message;
      return fail(WaitingReason.CreateContainerError, msg, msg);
    }
    this.o.recorder.container(pod, c, 'Normal', 'Created', `Created container: ${c.name}`);
    try {
      await this.o.runtime.startContainer(id);
    } catch (e) {
      const msg = (e as Error).message;
      return fail(WaitingReason.RunContainerError, msg, msg);
    }
    this.o.recorder.container(pod, c, 'Normal', 'Started', `Started container ${c.name}`);
    reasons.delete(c.name);
    if (c.lifecycle?.postStart) {
      const err = await this.runHook(pod, c, id, c.lifecycle.postStart, podIPs[0] ?? this.o.nodeIPs()[0] ?? '', 0);
      if (err) {
        this.o.recorder.container(pod, c, 'Warning', 'FailedPostStartHook', 'PostStartHook failed');
        const rc = (await this.reader.podStatus(uid)).containers.find((x) => x.id === id);
        if (rc) await this.killContainer(pod, rc, c, 'FailedPostStartHook', '', undefined);
        return fail(WaitingReason.PostStartHookError, err);
      }
    }
    this.o.probes.poke(uid);
    return true;
  }

  /** Runs a lifecycle hook; resolves with an error message, or undefined when it succeeded. */
  private async runHook(pod: Pod, c: Container, containerId: string, h: LifecycleHandler, podIP: string, timeoutSeconds: number): Promise<string | undefined> {
    if (h.sleep) {
      await sleepOn(this.o.clock, h.sleep.seconds * 1000);
      return undefined;
    }
    const deps = this.o.proberDeps(pod);
    if (h.exec) {
      const cmd = h.exec.command ?? [];
      try {
        const r = await this.o.runtime.execSync(containerId, cmd, timeoutSeconds);
        if (r.exitCode === 0) return undefined;
        const out = Buffer.concat([r.stdout, r.stderr]).toString('utf8');
        return `Exec lifecycle hook ([${cmd.join(' ')}]) for Container "${c.name}" in Pod "${formatPod(pod)}" failed - error: command '${cmd.join(' ')}' exited with ${r.exitCode}: ${r.stderr.toString('utf8')}, message: ${JSON.stringify(out)}`;
      } catch (e) {
        return `Exec lifecycle hook ([${cmd.join(' ')}]) for Container "${c.name}" in Pod "${formatPod(pod)}" failed - error: ${(e as Error).message}, message: ""`;
      }
    }
    const r = await runHandler(deps, h, pod, c, containerId, podIP, timeoutSeconds || 30);
    if (r.result === 'success' || r.result === 'warning') return undefined;
    if (h.httpGet) return `HTTP lifecycle hook (${h.httpGet.path ?? ''}) for Container "${c.name}" in Pod "${formatPod(pod)}" failed - error: ${r.output}`;
    return r.output;
  }

  // ---- killing ----

  private gracePeriod(pod: Pod, spec: Container | undefined, rc: RuntimeContainer, reason: KillReason): number {
    if (pod.metadata.deletionGracePeriodSeconds !== undefined) return pod.metadata.deletionGracePeriodSeconds;
    const tgp = pod.spec?.terminationGracePeriodSeconds ?? (rc.annotations[L.terminationGracePeriod] ? Number(rc.annotations[L.terminationGracePeriod]) : undefined);
    if (tgp === undefined) return minimumGracePeriodSeconds;
    if (reason === 'StartupProbe' && spec?.startupProbe?.terminationGracePeriodSeconds !== undefined) return spec.startupProbe.terminationGracePeriodSeconds;
    if (reason === 'LivenessProbe' && spec?.livenessProbe?.terminationGracePeriodSeconds !== undefined) return spec.livenessProbe.terminationGracePeriodSeconds;
    return tgp;
  }

  /** killContainer: the Killing event, preStop within the grace period, then stop (SIGTERM, SIGKILL after). */
  async killContainer(pod: Pod, rc: RuntimeContainer, spec: Container | undefined, message: string, reason: KillReason, graceOverride: number | undefined): Promise<void> {
    const c: Container = spec ?? { name: rc.name, lifecycle: rc.annotations[L.preStopHandler] ? { preStop: JSON.parse(rc.annotations[L.preStopHandler]) } : undefined };
    let grace = this.gracePeriod(pod, spec, rc, reason);
    this.o.recorder.container(pod, c, 'Normal', 'Killing', message || `Stopping container ${c.name}`);
    if (graceOverride !== undefined) grace = graceOverride;
    const uid = pod.metadata.uid ?? '';
    if (c.lifecycle?.preStop && grace > 0 && rc.state === 'running') {
      const started = this.o.clock.now();
      const hook = this.runHook(pod, c, rc.id, c.lifecycle.preStop, (this.o.status.get(uid)?.podIP as string | undefined) ?? '', grace).then((err) => {
        if (err) {
          this.o.log(`kubelet: preStop hook of ${formatPod(pod)}/${c.name}: ${err}`);
          this.o.recorder.container(pod, c, 'Warning', 'FailedPreStopHook', 'PreStopHook failed');
        }
      });
      let cancel = () => {};
      const timeout = new Promise<void>((r) => (cancel = this.o.clock.setTimeout(r, grace * 1000)));
      await Promise.race([hook, timeout]);
      cancel();
      grace -= Math.floor((this.o.clock.now() - started) / 1000);
    }
    const k = this.killing.get(uid);
    if (k && k.grace < grace) grace = k.grace;
    grace = Math.max(grace, minimumGracePeriodSeconds);
    k?.containers.add(rc.id);
    try {
      await this.o.runtime.stopContainer(rc.id, grace);
    } catch (e) {
      if (!/not found/i.test((e as Error).message)) throw e;
    } finally {
      k?.containers.delete(rc.id);
    }
  }

  /** Kills every running container (regular ones first, then sidecars last to first) and stops the sandboxes. */
  async killPod(pod: Pod, rt: RuntimePodStatus, graceOverride: number | undefined): Promise<void> {
    const specOf = (name: string) => [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === name);
    const running = rt.containers.filter((c) => c.state === 'running' || c.state === 'created');
    const sidecarNames = (pod.spec.initContainers ?? []).filter(isRestartableInitContainer).map((c) => c.name);
    const regular = running.filter((c) => !sidecarNames.includes(c.name));
    await Promise.all(regular.map((rc) => this.killContainer(pod, rc, specOf(rc.name), '', 'Unknown', graceOverride)));
    for (const name of [...sidecarNames].reverse()) {
      for (const rc of running.filter((c) => c.name === name)) await this.killContainer(pod, rc, specOf(rc.name), '', 'Unknown', graceOverride);
    }
    for (const s of rt.sandboxes) if (s.state === 'ready') await this.o.runtime.stopPodSandbox(s.id);
  }

  /** A shorter grace period arrived while the pod is being killed: stop its containers sooner. */
  escalate(uid: string, grace: number): void {
    const k = this.killing.get(uid);
    if (!k || grace >= k.grace) return;
    k.grace = grace;
    const g = Math.max(grace, minimumGracePeriodSeconds);
    for (const id of k.containers) void this.o.runtime.stopContainer(id, g).catch(() => {});
  }

  private async purgeInitContainers(pod: Pod, rt: RuntimePodStatus): Promise<void> {
    for (const c of rt.containers) {
      if (c.type !== 'init' || c.state === 'running') continue;
      await this.removeContainer(c);
    }
  }

  private async removeContainer(c: RuntimeContainer): Promise<void> {
    try {
      await this.o.runtime.removeContainer(c.id);
    } catch (e) {
      this.o.log(`kubelet: remove container ${c.id}: ${(e as Error).message}`);
      return;
    }
    this.reader.forget([c.id]);
    if (c.logPath) rmSync(c.logPath, { force: true });
    const tm = c.annotations[L.terminationMessageHostPath];
    if (tm) rmSync(tm, { force: true });
  }

  /** Keeps the newest instance of each container and the one before it (logs --previous). */
  private pruneDeadContainers(pod: Pod, rt: RuntimePodStatus): void {
    const seen = new Map<string, number>();
    for (const c of rt.containers) {
      const n = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, n);
      if (n > 2 && c.state === 'exited') void this.removeContainer(c);
    }
    void pod;
  }

  // ---- termination ----

  async syncTerminatingPod(pod: Pod, grace: number): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    let rt = await this.reader.podStatus(uid);
    this.o.status.set(pod, this.generate(pod, rt, false));
    this.killing.set(uid, { grace, containers: new Set() });
    try {
      await this.killPod(pod, rt, grace);
    } finally {
      this.killing.delete(uid);
    }
    this.o.probes.removePod(uid);
    rt = await this.reader.podStatus(uid);
    const stillRunning = rt.containers.filter((c) => c.state === 'running');
    if (stillRunning.length) throw new Error(`detected running containers after a successful KillPod: ${stillRunning.map((c) => c.name).join(', ')}`);
    this.o.status.set(pod, this.generate(pod, rt, true));
  }

  async syncTerminatedPod(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const rt = await this.reader.podStatus(uid);
    const status = this.generate(pod, rt, true);
    this.o.volumes.tearDown(pod);
    this.o.status.set(pod, terminatePodStatus(pod, status));
  }

  /** Removes what the runtime and the disk still hold of a pod that is gone from the API. */
  async cleanupPod(uid: string, pod: Pod | undefined): Promise<void> {
    const rt = await this.reader.podStatus(uid);
    for (const s of rt.sandboxes) {
      try {
        await this.o.runtime.stopPodSandbox(s.id);
        await this.o.runtime.removePodSandbox(s.id);
      } catch (e) {
        this.o.log(`kubelet: remove sandbox ${s.id}: ${(e as Error).message}`);
      }
    }
    for (const c of (await this.reader.podStatus(uid)).containers) await this.removeContainer(c);
    this.reader.forget(rt.containers.map((c) => c.id));
    if (pod) {
      rmSync(this.podLogDir(pod), { recursive: true, force: true });
      this.crashBackoff.forgetPrefix(`${pod.metadata.name}_${pod.metadata.namespace}_${uid}_`);
    } else if (existsSync(this.o.podLogsDir)) {
      for (const d of readdirSync(this.o.podLogsDir)) if (d.endsWith(`_${uid}`)) rmSync(join(this.o.podLogsDir, d), { recursive: true, force: true });
    }
    this.o.volumes.removePodDir(uid);
    this.o.images.forgetPod(uid);
    this.reasons.delete(uid);
    this.dnsWarned.delete(uid);
  }
}

/** The status manager's TerminatePod: every container ends terminated, the phase terminal. */
export function terminatePodStatus(pod: Pod, status: PodStatus): PodStatus {
  const s: PodStatus = structuredClone(status);
  const unknown = () => ({ terminated: { exitCode: 137, reason: ContainerReasonStatusUnknown, message: 'The container could not be located when the pod was terminated' } });
  const initialized = (s.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (initialized) for (const cs of s.containerStatuses ?? []) if (!cs.state.terminated) cs.state = unknown();
  const inits = s.initContainerStatuses ?? [];
  // Init containers before the last one that started are marked failed when they left no trace.
  let lastStarted = -1;
  inits.forEach((cs, i) => {
    if (cs.state.running || cs.state.terminated || cs.lastState.terminated) lastStarted = i;
  });
  inits.forEach((cs, i) => {
    if (i < lastStarted && !cs.state.terminated) cs.state = unknown();
  });
  if (s.phase !== 'Succeeded' && s.phase !== 'Failed') s.phase = 'Failed';
  return s;
}

