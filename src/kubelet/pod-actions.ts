// What one sync of a pod must do, as a pure function of its spec and what the runtime reports
// (kuberuntime's computePodActions and computeInitContainerActions, with 1.32's sidecar
// handling): create a sandbox, start init containers in order, start or restart app
// containers, kill ones whose probes failed or whose spec changed, or kill the whole pod.

import { containerHash } from './labels.js';
import { findContainer, podSandboxChanged, type RuntimeContainer, type RuntimePodStatus } from './status/generate.js';
import type { Container, Pod } from './types.js';
import { isRestartableInitContainer } from './types.js';

export type KillReason = 'LivenessProbe' | 'StartupProbe' | 'Unknown' | '';

export interface ContainerToKill {
  id: string;
  name: string;
  container: Container;
  message: string;
  reason: KillReason;
}

export interface PodActions {
  killPod: boolean;
  createSandbox: boolean;
  sandboxId: string;
  attempt: number;
  /** Indexes into spec.initContainers, in start order. */
  initContainersToStart: number[];
  /** Indexes into spec.containers. */
  containersToStart: number[];
  containersToKill: ContainerToKill[];
}

export interface ProbeResults {
  liveness(containerID: string): 'success' | 'failure' | undefined;
  startup(containerID: string): 'success' | 'failure' | undefined;
}

export function shouldRestartOnFailure(pod: Pod): boolean {
  return (pod.spec.restartPolicy ?? 'Always') !== 'Never';
}

function containerSucceeded(c: Container, rt: RuntimePodStatus): boolean {
  const s = findContainer(rt, c.name);
  return !!s && s.state === 'exited' && s.exitCode === 0;
}

export function containerChanged(c: Container, s: RuntimeContainer): boolean {
  return !!s.hash && s.hash !== containerHash(c);
}

function isInitContainerFailed(s: RuntimeContainer): boolean {
  if (s.state === 'exited' && s.exitCode !== 0) return true;
  if (s.state === 'unknown') return true;
  return false;
}

function hasAnyRegularContainerCreated(pod: Pod, rt: RuntimePodStatus): boolean {
  return pod.spec.containers.some((c) => {
    const s = findContainer(rt, c.name);
    return !!s && (s.state === 'created' || s.state === 'running' || s.state === 'exited');
  });
}

/** Fills init container actions; returns whether the pod is initialized. */
function computeInitContainerActions(pod: Pod, rt: RuntimePodStatus, probes: ProbeResults, changes: PodActions): boolean {
  const inits = pod.spec.initContainers ?? [];
  if (inits.length === 0) return true;
  let podHasInitialized = false;
  for (const c of pod.spec.containers) {
    const s = findContainer(rt, c.name);
    if (s && (s.state === 'created' || s.state === 'running')) {
      podHasInitialized = true;
      break;
    }
  }
  let previouslyInitialized = podHasInitialized;
  const restartOnFailure = shouldRestartOnFailure(pod);
  const toStart: number[] = [];
  const kill = (s: RuntimeContainer, c: Container, message: string, reason: KillReason) => changes.containersToKill.push({ id: s.id, name: c.name, container: c, message, reason });

  for (let i = inits.length - 1; i >= 0; i--) {
    const c = inits[i];
    const s = findContainer(rt, c.name);
    const sidecar = isRestartableInitContainer(c);
    if (!s) {
      if (previouslyInitialized && sidecar) toStart.push(i);
      continue;
    }
    if (previouslyInitialized && !sidecar) continue;
    switch (s.state) {
      case 'created':
        toStart.push(i);
        break;
      case 'running': {
        if (!sidecar) break;
        if (c.startupProbe) {
          const startup = probes.startup(s.id);
          if (startup === undefined) break;
          if (startup !== 'success') {
            kill(s, c, `Init container ${c.name} failed startup probe`, 'StartupProbe');
            toStart.push(i);
            break;
          }
        }
        if (i === inits.length - 1) podHasInitialized = true;
        else if (!previouslyInitialized) toStart.push(i + 1);
        if (containerChanged(c, s)) {
          kill(s, c, `Init container ${c.name} definition changed`, '');
          toStart.push(i);
          break;
        }
        if (c.livenessProbe && probes.liveness(s.id) === 'failure') {
          kill(s, c, `Init container ${c.name} failed liveness probe`, 'LivenessProbe');
          toStart.push(i);
        }
        break;
      }
      case 'exited':
        if (sidecar) toStart.push(i);
        else {
          if (isInitContainerFailed(s)) {
            if (!restartOnFailure) {
              changes.killPod = true;
              changes.initContainersToStart = [];
              return false;
            }
            toStart.push(i);
            break;
          }
          if (i === inits.length - 1) podHasInitialized = true;
          else toStart.push(i + 1);
        }
        break;
      default:
        if (!sidecar && !restartOnFailure) {
          changes.killPod = true;
          changes.initContainersToStart = [];
          return false;
        }
        kill(s, c, `Init container is in "${s.state}" state, try killing it before restart`, 'Unknown');
        toStart.push(i);
    }
    if (!previouslyInitialized) previouslyInitialized = true;
  }
  if (!previouslyInitialized) toStart.push(0);
  changes.initContainersToStart = toStart.reverse();
  return podHasInitialized;
}

export function computePodActions(pod: Pod, rt: RuntimePodStatus, probes: ProbeResults): PodActions {
  const sb = podSandboxChanged(rt);
  const changes: PodActions = {
    killPod: sb.changed,
    createSandbox: sb.changed,
    sandboxId: sb.sandboxId,
    attempt: sb.attempt,
    initContainersToStart: [],
    containersToStart: [],
    containersToKill: [],
  };
  if (sb.changed) {
    if (!shouldRestartOnFailure(pod) && sb.attempt !== 0 && rt.containers.length !== 0) {
      // Everything ran once and must not run again: no new sandbox.
      changes.createSandbox = false;
      return changes;
    }
    const toStart: number[] = [];
    pod.spec.containers.forEach((c, i) => {
      if (pod.spec.restartPolicy === 'OnFailure' && containerSucceeded(c, rt)) return;
      toStart.push(i);
    });
    if (toStart.length === 0 && hasAnyRegularContainerCreated(pod, rt)) {
      changes.createSandbox = false;
      return changes;
    }
    if ((pod.spec.initContainers ?? []).length) {
      changes.initContainersToStart = [0];
      return changes;
    }
    changes.containersToStart = toStart;
    return changes;
  }

  const initialized = computeInitContainerActions(pod, rt, probes, changes);
  if (changes.killPod || !initialized) return changes;

  let keep = 0;
  pod.spec.containers.forEach((c, i) => {
    const s = findContainer(rt, c.name);
    if (!s || s.state !== 'running') {
      if (shouldStart(c, pod, s)) {
        changes.containersToStart.push(i);
        if (s && s.state === 'unknown') changes.containersToKill.push({ id: s.id, name: c.name, container: c, message: `Container is in "unknown" state, try killing it before restart`, reason: 'Unknown' });
      }
      return;
    }
    let message: string;
    let reason: KillReason = '';
    let restart = shouldRestartOnFailure(pod);
    if (containerChanged(c, s)) {
      message = `Container ${c.name} definition changed`;
      restart = true;
    } else if (probes.liveness(s.id) === 'failure') {
      message = `Container ${c.name} failed liveness probe`;
      reason = 'LivenessProbe';
    } else if (probes.startup(s.id) === 'failure') {
      message = `Container ${c.name} failed startup probe`;
      reason = 'StartupProbe';
    } else {
      keep++;
      return;
    }
    if (restart) {
      message = `${message}, will be restarted`;
      changes.containersToStart.push(i);
    }
    changes.containersToKill.push({ id: s.id, name: c.name, container: c, message, reason });
  });
  if (keep === 0 && changes.containersToStart.length === 0) {
    changes.killPod = true;
    // Sidecars must not keep a finished pod alive.
    changes.initContainersToStart = [];
  }
  return changes;
}

function shouldStart(c: Container, pod: Pod, s: RuntimeContainer | undefined): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  if (!s) return true;
  if (s.state === 'unknown' || s.state === 'created') return true;
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && s.exitCode === 0) return false;
  return true;
}
