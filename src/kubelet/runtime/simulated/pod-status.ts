// What a kubelet writes into a pod's status, as pure functions: container statuses in each
// state, the pod's phase from them (kubelet's getPhase), and the conditions it owns
// (PodReadyToStartContainers, Initialized, Ready, ContainersReady) with the reasons and
// messages of pkg/kubelet/status/generate.go. The simulated stages build on these; a real
// runtime's status manager could too.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../api/object.js';
import { rfc3339 } from '../../../machinery/clock.js';

export interface Probe {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  recursiveReadOnly?: string;
}

export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  /** Init containers only: Always makes a sidecar. */
  restartPolicy?: string;
  command?: string[];
  args?: string[];
  readinessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: VolumeMount[];
}

export interface PodSpec {
  nodeName?: string;
  containers?: Container[];
  initContainers?: Container[];
  restartPolicy?: string;
  hostNetwork?: boolean;
  readinessGates?: { conditionType: string }[];
  terminationGracePeriodSeconds?: number;
  tolerations?: unknown[];
}

export interface ContainerStateTerminated {
  exitCode: number;
  signal?: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  containerID?: string;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: ContainerStateTerminated;
}

export interface VolumeMountStatus {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  recursiveReadOnly?: string;
}

export interface ContainerStatus {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started?: boolean;
  volumeMounts?: VolumeMountStatus[];
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface PodStatus {
  phase?: string;
  conditions?: PodCondition[];
  message?: string;
  reason?: string;
  nominatedNodeName?: string;
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
  qosClass?: string;
  [field: string]: unknown;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: PodStatus;
}

/** The conditions a kubelet owns; every other condition is kept as others wrote it. */
export const kubeletConditionTypes = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'] as const;

export const Reason = {
  ContainerCreating: 'ContainerCreating',
  PodInitializing: 'PodInitializing',
  CrashLoopBackOff: 'CrashLoopBackOff',
  Completed: 'Completed',
  Error: 'Error',
  ContainersNotReady: 'ContainersNotReady',
  ContainersNotInitialized: 'ContainersNotInitialized',
  ReadinessGatesNotReady: 'ReadinessGatesNotReady',
  PodCompleted: 'PodCompleted',
  PodFailed: 'PodFailed',
} as const;

export function containersOf(pod: Pod): Container[] {
  return pod.spec?.containers ?? [];
}

export function initContainersOf(pod: Pod): Container[] {
  return pod.spec?.initContainers ?? [];
}

export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

export function statusOf(statuses: ContainerStatus[] | undefined, name: string): ContainerStatus | undefined {
  return statuses?.find((s) => s.name === name);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The image reference as containerd reports it: registry, repository and tag spelled out. */
export function normalizeImage(image: string | undefined): string {
  if (!image) return '';
  let name = image;
  let suffix = '';
  const at = name.indexOf('@');
  if (at >= 0) {
    suffix = name.slice(at);
    name = name.slice(0, at);
  }
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = slash < 0 ? `docker.io/library/${name}` : `docker.io/${name}`;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  if (!suffix && !lastSegment.includes(':')) name += ':latest';
  return name + suffix;
}

/** A stable digest reference for an image, `repository@sha256:…`. */
export function imageIDOf(image: string | undefined): string {
  const normalized = normalizeImage(image);
  if (!normalized) return '';
  if (normalized.includes('@')) return normalized.replace(/:[^/@]*@/, '@');
  const repo = normalized.slice(0, normalized.lastIndexOf(':'));
  return `${repo}@sha256:${sha256(`image:${normalized}`)}`;
}

export const runtimeName = 'simulated';

/** A container ID for one run of a container: stable per pod, container and restart. */
export function containerIDOf(podUID: string, container: string, restartCount: number): string {
  return `${runtimeName}://${sha256(`${podUID}/${container}/${restartCount}`)}`;
}

/** The sandbox ID, named in sandbox errors. */
export function sandboxIDOf(podUID: string): string {
  return sha256(`sandbox/${podUID}`);
}

/** Go's time.Duration formatting for whole-millisecond durations ("10s", "1m20s", "5m0s", "500ms"). */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds - h * 3600) / 60);
  const s = totalSeconds - h * 3600 - m * 60;
  const sText = `${Number.isInteger(s) ? s : Number(s.toFixed(3))}s`;
  if (h > 0) return `${h}h${m}m${sText}`;
  if (m > 0) return `${m}m${sText}`;
  return sText;
}

/** `name_namespace(uid)`, as the kubelet's format.Pod prints a pod in messages. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

function mountStatuses(c: Container): VolumeMountStatus[] | undefined {
  const mounts = c.volumeMounts ?? [];
  if (mounts.length === 0) return undefined;
  return mounts.map((m) => {
    const s: VolumeMountStatus = { name: m.name, mountPath: m.mountPath };
    if (m.readOnly) {
      s.readOnly = true;
      s.recursiveReadOnly = m.recursiveReadOnly === 'Enabled' ? 'Enabled' : 'Disabled';
    }
    return s;
  });
}

/** A container not created yet: waiting with the given reason. */
export function waitingStatus(c: Container, reason: string, message?: string): ContainerStatus {
  return {
    name: c.name,
    state: { waiting: message ? { reason, message } : { reason } },
    lastState: {},
    ready: false,
    restartCount: 0,
    image: c.image ?? '',
    imageID: '',
    started: false,
  };
}

/** A container run (the restartCount-th) that started at `startedAt`. */
export function runningStatus(pod: Pod, c: Container, o: { restartCount: number; startedAt: number; lastState?: ContainerState; started: boolean; ready: boolean }): ContainerStatus {
  const status: ContainerStatus = {
    name: c.name,
    state: { running: { startedAt: rfc3339(o.startedAt) } },
    lastState: o.lastState ?? {},
    ready: o.ready,
    restartCount: o.restartCount,
    image: normalizeImage(c.image),
    imageID: imageIDOf(c.image),
    containerID: containerIDOf(pod.metadata.uid ?? '', c.name, o.restartCount),
    started: o.started,
  };
  const mounts = mountStatuses(c);
  if (mounts) status.volumeMounts = mounts;
  return status;
}

export function exitReason(exitCode: number): string {
  return exitCode === 0 ? Reason.Completed : Reason.Error;
}

/** The running container `prev` ended at `finishedAt` with `exitCode`. */
export function terminatedStatus(c: Container, prev: ContainerStatus, exitCode: number, finishedAt: number, reason = exitReason(exitCode)): ContainerStatus {
  const terminated: ContainerStateTerminated = {
    exitCode,
    reason,
    startedAt: prev.state.running?.startedAt ?? rfc3339(finishedAt),
    finishedAt: rfc3339(finishedAt),
  };
  if (prev.containerID) terminated.containerID = prev.containerID;
  const status: ContainerStatus = {
    name: c.name,
    state: { terminated },
    lastState: prev.lastState ?? {},
    ready: false,
    restartCount: prev.restartCount,
    image: prev.image || normalizeImage(c.image),
    imageID: prev.imageID,
    started: false,
  };
  if (prev.containerID) status.containerID = prev.containerID;
  const mounts = mountStatuses(c);
  if (mounts) status.volumeMounts = mounts;
  return sortStatusFields(status);
}

/** Keeps the field order of the Go struct (name, state, lastState, ready, …) for -o json. */
export function sortStatusFields(s: ContainerStatus): ContainerStatus {
  const out: ContainerStatus = { name: s.name, state: s.state, lastState: s.lastState, ready: s.ready, restartCount: s.restartCount, image: s.image, imageID: s.imageID };
  if (s.containerID !== undefined) out.containerID = s.containerID;
  if (s.started !== undefined) out.started = s.started;
  if (s.volumeMounts !== undefined) out.volumeMounts = s.volumeMounts;
  return out;
}

/** Whether the restart policy brings a container that exited with this code back. */
export function shouldRestart(restartPolicy: string | undefined, exitCode: number): boolean {
  const policy = restartPolicy ?? 'Always';
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

/** Whether an init container is done: a regular one exited 0, a sidecar has started. */
export function initContainerDone(c: Container, s: ContainerStatus | undefined): boolean {
  if (!s) return false;
  if (isSidecar(c)) return s.started === true;
  return s.state.terminated?.exitCode === 0 || (s.state.waiting !== undefined && s.lastState.terminated?.exitCode === 0);
}

/**
 * The pod phase from its container statuses, as the kubelet's getPhase computes it. `terminal`:
 * the pod is finished for good (deleted and stopped), so stopped containers end it whatever
 * the restart policy.
 */
export function podPhase(pod: Pod, init: ContainerStatus[], regular: ContainerStatus[], terminal: boolean): string {
  const spec = pod.spec ?? {};
  const restartPolicy = spec.restartPolicy ?? 'Always';
  let pendingInit = 0;
  let failedInit = 0;
  for (const c of initContainersOf(pod)) {
    const s = statusOf(init, c.name);
    if (isSidecar(c)) {
      if (!s?.started) pendingInit++;
      continue;
    }
    if (!s) {
      pendingInit++;
      continue;
    }
    if (s.state.running) pendingInit++;
    else if (s.state.terminated) {
      if (s.state.terminated.exitCode === 0) continue;
      failedInit++;
    } else if (s.state.waiting) {
      const last = s.lastState.terminated;
      if (last) {
        if (last.exitCode !== 0) failedInit++;
      } else pendingInit++;
    } else pendingInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of containersOf(pod)) {
    const s = statusOf(regular, c.name);
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
  if (failedInit > 0 && restartPolicy === 'Never') return 'Failed';
  const anyRegularStarted = regular.some((s) => s.state.running || s.state.terminated || s.lastState.terminated);
  if ((pendingInit > 0 || failedInit > 0) && !anyRegularStarted) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function names(list: string[]): string {
  return `[${list.join(' ')}]`;
}

/** The conditions the kubelet generates (without transition times). */
export function generateKubeletConditions(pod: Pod, init: ContainerStatus[], regular: ContainerStatus[], phase: string, sandboxReady: boolean, existing: PodCondition[]): PodCondition[] {
  const terminalPhase = phase === 'Succeeded' || phase === 'Failed';
  const readyToStart: PodCondition = { type: 'PodReadyToStartContainers', status: sandboxReady && !terminalPhase ? 'True' : 'False' };

  // Initialized
  let initialized: PodCondition;
  const unknownInit: string[] = [];
  const incompleteInit: string[] = [];
  for (const c of initContainersOf(pod)) {
    const s = statusOf(init, c.name);
    if (!s) unknownInit.push(c.name);
    else if (isSidecar(c) ? s.started !== true : !s.ready) incompleteInit.push(c.name);
  }
  const anyRegularStarted = regular.some((s) => s.state.running || s.state.terminated || s.lastState.terminated);
  if (phase === 'Succeeded' && unknownInit.length === 0) initialized = { type: 'Initialized', status: 'True', reason: Reason.PodCompleted };
  else if (anyRegularStarted) initialized = { type: 'Initialized', status: 'True' };
  else {
    const msgs: string[] = [];
    if (unknownInit.length) msgs.push(`containers with unknown status: ${names(unknownInit)}`);
    if (incompleteInit.length) msgs.push(`containers with incomplete status: ${names(incompleteInit)}`);
    initialized = msgs.length ? { type: 'Initialized', status: 'False', reason: Reason.ContainersNotInitialized, message: msgs.join(', ') } : { type: 'Initialized', status: 'True' };
  }

  // ContainersReady
  let containersReady: PodCondition;
  if (phase === 'Succeeded' || phase === 'Failed') {
    containersReady = { type: 'ContainersReady', status: 'False', reason: phase === 'Failed' ? Reason.PodFailed : Reason.PodCompleted };
  } else {
    const unknown: string[] = [];
    const unready: string[] = [];
    const check = (c: Container, list: ContainerStatus[]) => {
      const s = statusOf(list, c.name);
      if (!s) unknown.push(c.name);
      else if (!s.ready) unready.push(c.name);
    };
    for (const c of initContainersOf(pod)) if (isSidecar(c)) check(c, init);
    for (const c of containersOf(pod)) check(c, regular);
    const msgs: string[] = [];
    if (unknown.length) msgs.push(`containers with unknown status: ${names(unknown)}`);
    if (unready.length) msgs.push(`containers with unready status: ${names(unready)}`);
    containersReady = msgs.length ? { type: 'ContainersReady', status: 'False', reason: Reason.ContainersNotReady, message: msgs.join(', ') } : { type: 'ContainersReady', status: 'True' };
  }

  // Ready: ContainersReady plus the readiness gates.
  let ready: PodCondition;
  if (containersReady.status !== 'True') {
    ready = { ...containersReady, type: 'Ready' };
  } else {
    const msgs: string[] = [];
    for (const gate of pod.spec?.readinessGates ?? []) {
      const c = existing.find((x) => x.type === gate.conditionType);
      if (!c) msgs.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
      else if (c.status !== 'True') msgs.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
    }
    ready = msgs.length ? { type: 'Ready', status: 'False', reason: Reason.ReadinessGatesNotReady, message: msgs.join(', ') } : { type: 'Ready', status: 'True' };
  }
  // The kubelet runs the pod, so it is scheduled (pods created with spec.nodeName get this too).
  return [readyToStart, initialized, ready, containersReady, { type: 'PodScheduled', status: 'True' }];
}

/**
 * The pod's conditions after a kubelet update, as its status manager merges them: what others
 * wrote (DisruptionTarget, readiness gates) first, then its own five, each keeping its
 * transition time while its status stays.
 */
export function mergeConditions(existing: PodCondition[], generated: PodCondition[], now: number): PodCondition[] {
  const own = new Set<string>(kubeletConditionTypes);
  const out: PodCondition[] = existing.filter((c) => !own.has(c.type));
  for (const g of generated) {
    const old = existing.find((c) => c.type === g.type);
    const c: PodCondition = { type: g.type, status: g.status, lastProbeTime: null, lastTransitionTime: old && old.status === g.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now) };
    if (g.reason) c.reason = g.reason;
    if (g.message) c.message = g.message;
    out.push(c);
  }
  return out;
}

export interface StatusParts {
  init: ContainerStatus[];
  containers: ContainerStatus[];
  sandboxReady: boolean;
  /** Deleted and stopped: the phase becomes terminal. */
  terminal?: boolean;
  hostIP?: string;
  podIP?: string;
  startTime?: string;
}

/** A complete pod status from its parts, in the Go struct's field order. */
export function buildPodStatus(pod: Pod, parts: StatusParts, now: number): PodStatus {
  const old = pod.status ?? {};
  let phase = podPhase(pod, parts.init, parts.containers, parts.terminal === true);
  // A pod finished for good is terminal even if some container never ran.
  if (parts.terminal && !isTerminalPhase(phase)) phase = 'Failed';
  const existing = old.conditions ?? [];
  const conditions = mergeConditions(existing, generateKubeletConditions(pod, parts.init, parts.containers, phase, parts.sandboxReady, existing), now);
  const status: PodStatus = { phase, conditions };
  if (old.message !== undefined) status.message = old.message;
  if (old.reason !== undefined) status.reason = old.reason;
  if (old.nominatedNodeName !== undefined) status.nominatedNodeName = old.nominatedNodeName;
  const hostIP = parts.hostIP ?? old.hostIP;
  if (hostIP) {
    status.hostIP = hostIP;
    status.hostIPs = [{ ip: hostIP }];
  }
  const podIP = parts.podIP ?? old.podIP;
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  const startTime = parts.startTime ?? old.startTime;
  if (startTime) status.startTime = startTime;
  if (parts.init.length) status.initContainerStatuses = parts.init.map(sortStatusFields);
  status.containerStatuses = parts.containers.map(sortStatusFields);
  if (old.qosClass !== undefined) status.qosClass = old.qosClass;
  for (const [k, v] of Object.entries(old)) if (!(k in status) && !['phase', 'conditions', 'initContainerStatuses', 'containerStatuses'].includes(k)) status[k] = v;
  return status;
}

/** Whether the sandbox (network, podIP) is up, as the status shows it. */
export function sandboxReady(pod: Pod): boolean {
  return pod.status?.conditions?.find((c) => c.type === 'PodReadyToStartContainers')?.status === 'True';
}

export function isTerminalPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}
