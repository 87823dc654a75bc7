// The pod status a kubelet computes from what the runtime reports, as pure functions after
// pkg/kubelet's generateAPIPodStatus, convertToAPIContainerStatuses and getPhase, and
// pkg/kubelet/status/generate.go for the conditions it owns (PodReadyToStartContainers,
// Initialized, Ready, ContainersReady, PodScheduled).

import { rfc3339 } from '../../machinery/clock.js';
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../types.js';
import { isRestartableInitContainer } from '../types.js';

/** A container instance as the runtime reports it (kubecontainer.Status). */
export interface RuntimeContainer {
  id: string;
  name: string;
  type: 'init' | 'regular';
  state: 'created' | 'running' | 'exited' | 'unknown';
  /** Milliseconds since the epoch; 0 when not reached. */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  restartCount: number;
  hash: string;
  logPath: string;
  annotations: Record<string, string>;
}

export interface RuntimeSandbox {
  id: string;
  state: 'ready' | 'notready';
  createdAt: number;
  ip: string;
  attempt: number;
  hostNetwork: boolean;
}

/** Everything the runtime knows of one pod (kubecontainer.PodStatus): newest first. */
export interface RuntimePodStatus {
  uid: string;
  sandboxes: RuntimeSandbox[];
  containers: RuntimeContainer[];
  /** The newest ready sandbox's IPs. */
  ips: string[];
}

export const WaitingReason = {
  ContainerCreating: 'ContainerCreating',
  PodInitializing: 'PodInitializing',
  CrashLoopBackOff: 'CrashLoopBackOff',
  ErrImagePull: 'ErrImagePull',
  ImagePullBackOff: 'ImagePullBackOff',
  ErrImageNeverPull: 'ErrImageNeverPull',
  InvalidImageName: 'InvalidImageName',
  CreateContainerConfigError: 'CreateContainerConfigError',
  CreateContainerError: 'CreateContainerError',
  RunContainerError: 'RunContainerError',
  PostStartHookError: 'PostStartHookError',
  PreStartHookError: 'PreStartHookError',
} as const;

export const ContainerReasonStatusUnknown = 'ContainerStatusUnknown';

export function findContainer(rt: RuntimePodStatus, name: string): RuntimeContainer | undefined {
  let best: RuntimeContainer | undefined;
  for (const c of rt.containers) if (c.name === name && (!best || c.createdAt > best.createdAt)) best = c;
  return best;
}

/** Whether a container should be (re)started at the next sync (kubecontainer.ShouldContainerBeRestarted). */
export function shouldContainerBeRestarted(c: Container, pod: Pod, rt: RuntimePodStatus): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const s = findContainer(rt, c.name);
  if (!s) return true;
  if (s.state === 'running') return false;
  if (s.state === 'unknown' || s.state === 'created') return true;
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && s.exitCode === 0) return false;
  return true;
}

export interface ProbeView {
  /** The startup probe's result for a container instance, if it produced one. */
  startup(containerID: string): 'success' | 'failure' | undefined;
  readiness(containerID: string): 'success' | 'failure' | undefined;
}

export interface ConvertOptions {
  /** `containerd`, `fake`, … : container IDs are `<runtime>://<id>`. */
  runtimeName: string;
  /** The last waiting reason of a container that failed to start. */
  reason(containerName: string): { reason: string; message: string } | undefined;
}

function mountsOf(c: Container): ContainerStatus['volumeMounts'] {
  if (!c.volumeMounts?.length) return undefined;
  return c.volumeMounts.map((m) => {
    const s: { name: string; mountPath: string; readOnly?: boolean; recursiveReadOnly?: string } = { name: m.name, mountPath: m.mountPath };
    if (m.readOnly) {
      s.readOnly = true;
      s.recursiveReadOnly = m.recursiveReadOnly === 'Enabled' ? 'Enabled' : 'Disabled';
    }
    return s;
  });
}

function convertOne(cs: RuntimeContainer, old: ContainerStatus | undefined, o: ConvertOptions): ContainerStatus {
  const cid = `${o.runtimeName}://${cs.id}`;
  const status: ContainerStatus = {
    name: cs.name,
    state: {},
    lastState: {},
    ready: false,
    restartCount: cs.restartCount,
    image: cs.image,
    imageID: cs.imageRef,
    containerID: cid,
  };
  switch (cs.state) {
    case 'running':
      status.state = { running: { startedAt: rfc3339(cs.startedAt) } };
      break;
    case 'created':
      status.state = { waiting: {} };
      break;
    case 'exited': {
      // As upstream (time.Unix(0, n)): an exited container always has both times, the epoch when
      // it never started (StartError shows "Started: Thu, 01 Jan 1970" in describe).
      const t: NonNullable<ContainerState['terminated']> = { exitCode: cs.exitCode, reason: cs.reason || undefined, message: cs.message || undefined, startedAt: rfc3339(cs.startedAt), finishedAt: rfc3339(cs.finishedAt), containerID: cid };
      if (t.reason === undefined) delete t.reason;
      if (t.message === undefined) delete t.message;
      status.state = { terminated: t };
      break;
    }
    default:
      if (old?.state.running) {
        status.state = { terminated: { exitCode: 137, reason: ContainerReasonStatusUnknown, message: 'The container could not be located when the pod was terminated' } };
        status.restartCount = old.restartCount + 1;
      } else status.state = { waiting: {} };
  }
  return status;
}

/** convertToAPIContainerStatuses: one status per container of `containers`, from runtime instances and the previous statuses. */
export function convertContainerStatuses(pod: Pod, rt: RuntimePodStatus, previous: ContainerStatus[] | undefined, containers: Container[], isInit: boolean, o: ConvertOptions): ContainerStatus[] {
  const hasInit = (pod.spec.initContainers ?? []).length > 0;
  const old = new Map((previous ?? []).map((s) => [s.name, s]));
  const statuses = new Map<string, ContainerStatus>();
  const defaultWaiting: ContainerState = { waiting: { reason: hasInit ? WaitingReason.PodInitializing : WaitingReason.ContainerCreating } };
  for (const c of containers) {
    let status: ContainerStatus = { name: c.name, state: defaultWaiting, lastState: {}, ready: false, restartCount: 0, image: c.image ?? '', imageID: '' };
    const prev = old.get(c.name);
    if (prev) {
      if (prev.state.terminated) status = structuredClone(prev);
      else {
        status.restartCount = prev.restartCount;
        status.lastState = structuredClone(prev.lastState ?? {});
      }
    }
    statuses.set(c.name, status);
  }

  // A container that was running and vanished from the runtime (removed, lost): stopped, not waiting.
  for (const c of containers) {
    if (rt.containers.some((x) => x.name === c.name)) continue;
    const prev = old.get(c.name);
    if (!prev || prev.state.terminated || !prev.state.running) continue;
    const status = statuses.get(c.name)!;
    const isDefault = status.state.waiting?.reason === (hasInit ? WaitingReason.PodInitializing : WaitingReason.ContainerCreating);
    if (!isDefault || status.lastState.terminated) continue;
    status.lastState = { terminated: { exitCode: 137, reason: ContainerReasonStatusUnknown, message: 'The container could not be located when the pod was deleted.  The container used to be Running' } };
    if (!pod.metadata.deletionTimestamp) status.restartCount += 1;
  }

  // The newest instance is the state, the one before it the last state.
  const byNewest = [...rt.containers].sort((a, b) => b.createdAt - a.createdAt);
  const seen = new Map<string, number>();
  for (const cs of byNewest) {
    if (!statuses.has(cs.name)) continue;
    const n = seen.get(cs.name) ?? 0;
    if (n >= 2) continue;
    const converted = convertOne(cs, old.get(cs.name), o);
    if (n === 0) statuses.set(cs.name, converted);
    else statuses.get(cs.name)!.lastState = converted.state;
    seen.set(cs.name, n + 1);
  }

  // Containers that failed to start wait, with the reason of the failure.
  for (const c of containers) {
    if (isInit) {
      const s = findContainer(rt, c.name);
      if (s && s.state === 'exited' && s.exitCode === 0) continue;
    }
    if (!shouldContainerBeRestarted(c, pod, rt)) continue;
    const why = o.reason(c.name);
    if (!why) continue;
    const status = statuses.get(c.name)!;
    if (status.state.terminated) status.lastState = status.state;
    status.state = { waiting: { reason: why.reason, message: why.message || undefined } };
    if (!status.state.waiting!.message) delete status.state.waiting!.message;
  }

  for (const c of containers) {
    const m = mountsOf(c);
    if (m) statuses.get(c.name)!.volumeMounts = m;
  }
  const list = containers.map((c) => statuses.get(c.name)!);
  // Regular containers are sorted by name (SortedContainerStatuses); init containers keep spec order.
  if (!isInit) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return list;
}

/** The probe managers' view: started and ready per container (prober manager UpdatePodStatus). */
export function applyProbeResults(pod: Pod, status: PodStatus, probes: ProbeView): void {
  const idOf = (s: ContainerStatus) => s.containerID ?? '';
  const specOf = (list: Container[] | undefined, name: string) => list?.find((c) => c.name === name);
  for (const s of status.containerStatuses ?? []) {
    const c = specOf(pod.spec.containers, s.name);
    let started = false;
    if (s.state.running) {
      const r = probes.startup(idOf(s));
      started = r !== undefined ? r === 'success' : !c?.startupProbe;
    }
    s.started = started;
    if (!started) {
      s.ready = false;
      continue;
    }
    const r = probes.readiness(idOf(s));
    s.ready = !!s.state.running && (r !== undefined ? r === 'success' : !c?.readinessProbe);
  }
  for (const s of status.initContainerStatuses ?? []) {
    const c = specOf(pod.spec.initContainers, s.name);
    let started = false;
    if (s.state.running) {
      const r = probes.startup(idOf(s));
      started = r !== undefined ? r === 'success' : !c?.startupProbe;
    }
    s.started = started;
    if (!c || !isRestartableInitContainer(c)) {
      s.ready = !!(s.state.terminated && s.state.terminated.exitCode === 0);
      continue;
    }
    if (!started) {
      s.ready = false;
      continue;
    }
    const r = probes.readiness(idOf(s));
    s.ready = !!s.state.running && (r !== undefined ? r === 'success' : !c.readinessProbe);
  }
}

function statusOf(list: ContainerStatus[], name: string): ContainerStatus | undefined {
  return list.find((s) => s.name === name);
}

/** Whether any regular container has run (HasAnyRegularContainerStarted). */
export function hasAnyRegularContainerStarted(pod: Pod, statuses: ContainerStatus[]): boolean {
  const names = new Set(pod.spec.containers.map((c) => c.name));
  return statuses.some((s) => names.has(s.name) && (s.state.running !== undefined || s.state.terminated !== undefined));
}

/** The pod phase from its container statuses (getPhase). */
export function getPhase(pod: Pod, info: ContainerStatus[], podIsTerminal: boolean): NonNullable<PodStatus['phase']> {
  const spec = pod.spec;
  let pendingRestartableInit = 0;
  let pendingRegularInit = 0;
  let failedInit = 0;
  for (const c of spec.initContainers ?? []) {
    if (isRestartableInitContainer(c)) continue;
    const s = statusOf(info, c.name);
    if (!s) {
      pendingRegularInit++;
      continue;
    }
    if (s.state.running) pendingRegularInit++;
    else if (s.state.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state.waiting) {
      if (s.lastState.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInit++;
      } else pendingRegularInit++;
    } else pendingRegularInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.initContainers ?? []) {
    if (!isRestartableInitContainer(c)) continue;
    const s = statusOf(info, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state.running) {
      if (!s.started) pendingRestartableInit++;
      running++;
    } else if (s.state.terminated) {
      /* neither running nor pending */
    } else if (s.state.waiting) {
      if (!s.lastState.terminated) {
        pendingRestartableInit++;
        waiting++;
      }
    } else {
      pendingRestartableInit++;
      unknown++;
    }
  }
  for (const c of spec.containers) {
    const s = statusOf(info, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInit > 0 && spec.restartPolicy === 'Never') return 'Failed';
  if (pendingRegularInit > 0 || (pendingRestartableInit > 0 && !hasAnyRegularContainerStarted(pod, info)) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    const policy = spec.restartPolicy ?? 'Always';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

const goList = (names: string[]) => `[${names.join(' ')}]`;

export function containersReadyCondition(pod: Pod, statuses: ContainerStatus[], phase: string): PodCondition {
  const unknown: string[] = [];
  const unready: string[] = [];
  const check = (c: Container) => {
    const s = statusOf(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  };
  for (const c of pod.spec.initContainers ?? []) if (isRestartableInitContainer(c)) check(c);
  for (const c of pod.spec.containers) check(c);
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' };
  if (phase === 'Failed') return { type: 'ContainersReady', status: 'False', reason: 'PodFailed' };
  const msgs: string[] = [];
  if (unknown.length) msgs.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length) msgs.push(`containers with unready status: ${goList(unready)}`);
  if (msgs.length) return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: msgs.join(', ') };
  return { type: 'ContainersReady', status: 'True' };
}

export function podReadyCondition(pod: Pod, conditions: PodCondition[], statuses: ContainerStatus[], phase: string): PodCondition {
  const cr = containersReadyCondition(pod, statuses, phase);
  if (cr.status !== 'True') {
    const c: PodCondition = { type: 'Ready', status: cr.status };
    if (cr.reason) c.reason = cr.reason;
    if (cr.message) c.message = cr.message;
    return c;
  }
  const msgs: string[] = [];
  for (const gate of pod.spec.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) msgs.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') msgs.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  if (msgs.length) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: msgs.join(', ') };
  return { type: 'Ready', status: 'True' };
}

export function initializedCondition(pod: Pod, statuses: ContainerStatus[], phase: string): PodCondition {
  const inits = pod.spec.initContainers ?? [];
  if (inits.length === 0) return { type: 'Initialized', status: 'True' };
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of inits) {
    const s = statusOf(statuses, c.name);
    if (!s) {
      unknown.push(c.name);
      continue;
    }
    if (isRestartableInitContainer(c) ? !s.started : !s.ready) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  if (hasAnyRegularContainerStarted(pod, statuses)) return { type: 'Initialized', status: 'True' };
  const msgs: string[] = [];
  if (unknown.length) msgs.push(`containers with unknown status: ${goList(unknown)}`);
  if (incomplete.length) msgs.push(`containers with incomplete status: ${goList(incomplete)}`);
  if (msgs.length) return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: msgs.join(', ') };
  return { type: 'Initialized', status: 'True' };
}

/**
 * Whether the pod needs a new sandbox (runtimeutil.PodSandboxChanged): none yet, the newest not
 * ready, or more than one ready. (A sandbox without an IP is kept: a runtime without pod
 * networking, such as host processes without root, puts every pod in the node's network.)
 */
export function podSandboxChanged(rt: RuntimePodStatus): { changed: boolean; attempt: number; sandboxId: string } {
  if (rt.sandboxes.length === 0) return { changed: true, attempt: 0, sandboxId: '' };
  const newest = rt.sandboxes[0];
  const readyCount = rt.sandboxes.filter((s) => s.state === 'ready').length;
  if (readyCount > 1 || newest.state !== 'ready') return { changed: true, attempt: newest.attempt + 1, sandboxId: newest.id };
  return { changed: false, attempt: newest.attempt, sandboxId: newest.id };
}

/** The kubelet-owned conditions in the order the kubelet writes them (without transition times). */
export function kubeletConditions(pod: Pod, rt: RuntimePodStatus, status: PodStatus, phase: string, others: PodCondition[]): PodCondition[] {
  const all = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  const readyToStart: PodCondition = { type: 'PodReadyToStartContainers', status: podSandboxChanged(rt).changed ? 'False' : 'True' };
  return [
    readyToStart,
    initializedCondition(pod, all, phase),
    podReadyCondition(pod, others, all, phase),
    containersReadyCondition(pod, all, phase),
    { type: 'PodScheduled', status: 'True' },
  ];
}

export const kubeletConditionTypes = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

export interface GenerateOptions extends ConvertOptions {
  probes: ProbeView;
  /** The node's addresses: hostIP(s), and the pod IPs of host-network pods. */
  hostIPs: string[];
  podIsTerminal: boolean;
}

/**
 * generateAPIPodStatus: phase, conditions (transition times are the status manager's), container
 * statuses, IPs. `old` is the status the kubelet last set (or the API's).
 */
export function generatePodStatus(pod: Pod, rt: RuntimePodStatus, old: PodStatus, o: GenerateOptions): PodStatus {
  const s: PodStatus = {};
  const containerStatuses = convertContainerStatuses(pod, rt, old.containerStatuses, pod.spec.containers, false, o);
  const initStatuses = convertContainerStatuses(pod, rt, old.initContainerStatuses, pod.spec.initContainers ?? [], true, o);
  let phase = getPhase(pod, [...containerStatuses, ...initStatuses], o.podIsTerminal);
  const apiPhase = pod.status?.phase;
  if (phase !== 'Failed' && phase !== 'Succeeded') {
    if (old.phase === 'Failed' || old.phase === 'Succeeded') phase = old.phase;
    else if (apiPhase === 'Failed' || apiPhase === 'Succeeded') phase = apiPhase;
  }
  if ((apiPhase === 'Failed' || apiPhase === 'Succeeded') && phase !== apiPhase) phase = apiPhase;
  s.phase = phase;
  if (phase === old.phase) {
    const reason = old.reason || pod.status?.reason;
    const message = old.message || pod.status?.message;
    if (reason) s.reason = reason;
    if (message) s.message = message;
  }
  s.containerStatuses = containerStatuses;
  if (initStatuses.length) s.initContainerStatuses = initStatuses;
  applyProbeResults(pod, s, o.probes);
  const others = (pod.status?.conditions ?? []).filter((c) => !kubeletConditionTypes.has(c.type));
  s.conditions = [...others, ...kubeletConditions(pod, rt, s, phase, others)];
  if (o.hostIPs.length) {
    s.hostIP = o.hostIPs[0];
    s.hostIPs = o.hostIPs.map((ip) => ({ ip }));
  }
  const sandboxReady = rt.sandboxes[0]?.state === 'ready';
  // Host-network pods (and pods of a runtime without pod networking) have the node's addresses.
  let podIPs = pod.spec.hostNetwork || (sandboxReady && rt.ips.length === 0) ? o.hostIPs : rt.ips;
  if (!podIPs.length && old.podIPs?.length) podIPs = old.podIPs.map((p) => p.ip);
  if (podIPs.length) {
    s.podIP = podIPs[0];
    s.podIPs = podIPs.map((ip) => ({ ip }));
  }
  return s;
}

/** Keeps a condition's transition time while its status stays (the status manager's rule). */
export function withTransitionTimes(conditions: PodCondition[], old: PodCondition[] | undefined, now: number): PodCondition[] {
  return conditions.map((c) => {
    if (!kubeletConditionTypes.has(c.type)) return c;
    const prev = old?.find((x) => x.type === c.type);
    const out: PodCondition = { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now) };
    if (c.reason) out.reason = c.reason;
    if (c.message) out.message = c.message;
    return out;
  });
}
