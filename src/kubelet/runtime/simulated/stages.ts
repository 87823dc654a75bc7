// The lifecycle of a pod on a simulated node as data, in the manner of kwok's Stages: each stage
// is a selector (does it apply to the pod as it is now?), a time (when it fires, computed from
// timestamps in the pod itself, so a restarted simulator picks up where it left off) and the
// next state (a new status, or the pod's removal). The engine evaluates every stage whose
// selector matches and fires the earliest; the write it makes moves the pod so that another
// stage matches next. Nothing about a pod is held outside the pod.
//
// Test hooks are pod annotations (see SimulateAnnotations).

import { rfc3339 } from '../../../machinery/clock.js';
import {
  buildPodStatus,
  containersOf,
  formatPod,
  goDuration,
  initContainerDone,
  initContainersOf,
  isSidecar,
  isTerminalPhase,
  normalizeImage,
  Reason,
  runningStatus,
  sandboxIDOf,
  sandboxReady,
  shouldRestart,
  sortStatusFields,
  statusOf,
  terminatedStatus,
  waitingStatus,
  kubeletConditionTypes,
  generateKubeletConditions,
  podPhase,
  type Container,
  type ContainerState,
  type ContainerStatus,
  type Pod,
  type PodStatus,
} from './pod-status.js';

/** Annotations a pod can carry to choose how its simulated containers behave. */
export const SimulateAnnotations = {
  /** Containers exit with this code after running (default run time: `jobRunMs`). */
  exitCode: 'kubelite.io/simulate-exit-code',
  /** Containers run this many seconds, then exit (with simulate-exit-code, default 0). */
  runSeconds: 'kubelite.io/simulate-run-seconds',
  /** "true": containers fail (exit 1 unless simulate-exit-code says otherwise) after `crashRunMs`, and back off. */
  crashLoop: 'kubelite.io/simulate-crashloop',
  /** "true": readiness never succeeds (Ready stays False). */
  neverReady: 'kubelite.io/simulate-never-ready',
  /** Seconds from binding until the containers start (image pull and sandbox), instead of `startMs`. */
  startSeconds: 'kubelite.io/simulate-start-seconds',
  /** Seconds containers take to stop once the pod is deleted, or "grace" for the whole grace period. */
  shutdownSeconds: 'kubelite.io/simulate-shutdown-seconds',
  /** On a Node: "true" stops its simulated kubelet (no lease, no status) — a node failure; removing it brings the node back. */
  nodeDown: 'kubelite.io/simulate-node-down',
} as const;

/** Stage timings in milliseconds (annotations override some per pod). */
export interface SimTimings {
  /** Bound pod first seen → ContainerCreating status. */
  sandboxMs: number;
  /** ContainerCreating → containers (or the first init container) running. */
  startMs: number;
  /** How long each init container runs before it completes. */
  initMs: number;
  /** How long the containers of run-to-completion pods (Jobs, restartPolicy Never/OnFailure) run. */
  jobRunMs: number;
  /** How long a crash-looping container runs before it fails. */
  crashRunMs: number;
  /** How long containers take to stop after the pod is deleted (capped by the grace period). */
  shutdownMs: number;
  /** Retry of a sandbox that could not be created (no pod IP left). */
  sandboxRetryMs: number;
  /** First crash-loop back-off and its cap (the kubelet's 10 s and 5 min). */
  backOffInitialMs: number;
  backOffMaxMs: number;
}

/** For `kubelite up`: pods run about a second after binding; jobs finish after three. */
export const interactiveTimings: SimTimings = {
  sandboxMs: 0,
  startMs: 1000,
  initMs: 1000,
  jobRunMs: 3000,
  crashRunMs: 1000,
  shutdownMs: 1000,
  sandboxRetryMs: 10_000,
  backOffInitialMs: 10_000,
  backOffMaxMs: 300_000,
};

/** For tests and scale runs: everything that is not a test's subject happens at once. */
export const fastTimings: SimTimings = {
  sandboxMs: 0,
  startMs: 0,
  initMs: 0,
  jobRunMs: 0,
  crashRunMs: 0,
  shutdownMs: 0,
  sandboxRetryMs: 10_000,
  backOffInitialMs: 10_000,
  backOffMaxMs: 300_000,
};

export interface SimEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** spec.containers{name} and the like. */
  fieldPath?: string;
}

export interface StageContext {
  now: number;
  timings: SimTimings;
  /** The node's InternalIP. */
  hostIP: string;
  /** A pod address from the node's range, held for this pod; undefined when the range is full. */
  allocatePodIP(pod: Pod): string | undefined;
  /** The node's pod address range, "first-last", for error messages. */
  podIPRange: string;
}

export type StageResult =
  | { status: PodStatus; events?: SimEvent[] }
  | { delete: true; events?: SimEvent[] }
  | { retryAfterMs: number; events?: SimEvent[] };

export interface PodStage {
  name: string;
  /** Whether the stage applies to the pod as it is now. */
  selector(pod: Pod, ctx: StageContext): boolean;
  /** The clock time it fires at; now (or a time already past) fires at once. */
  at(pod: Pod, ctx: StageContext): number;
  /** Events recorded when the stage is first scheduled for a pod (before it fires). */
  announce?(pod: Pod, ctx: StageContext): SimEvent[];
  next(pod: Pod, ctx: StageContext): StageResult;
}

// ---- what a pod asks for ----

export interface Behaviour {
  /** How long a run of a regular container lasts; undefined: until stopped. */
  runMs: number | undefined;
  exitCode: number;
  neverReady: boolean;
  startMs: number;
  /** How long stopping takes; Infinity: the whole grace period. */
  shutdownMs: number;
}

function annotation(pod: Pod, key: string): string | undefined {
  return pod.metadata.annotations?.[key];
}

function seconds(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : undefined;
}

function ownedByJob(pod: Pod): boolean {
  return (pod.metadata.ownerReferences ?? []).some((r) => r.kind === 'Job' && r.apiVersion?.startsWith('batch/'));
}

/** A shell line the simulator understands: `sleep N` runs N seconds, `exit N` fails at once. */
function commandHint(c: Container | undefined): { runMs?: number; exitCode?: number } {
  if (!c) return {};
  const argv = [...(c.command ?? []), ...(c.args ?? [])];
  let script = argv.join(' ');
  const shell = argv.findIndex((a) => a === '-c');
  if (shell >= 0 && /(^|\/)(ba|a|da)?sh$/.test(argv[0] ?? '')) script = argv.slice(shell + 1).join(' ');
  else if (/(^|\/)sleep$/.test(argv[0] ?? '')) script = argv.map((a, i) => (i === 0 ? 'sleep' : a)).join(' ');
  const sleep = /^\s*sleep\s+(\d+(?:\.\d+)?)s?\s*$/.exec(script);
  if (sleep) return { runMs: Number(sleep[1]) * 1000, exitCode: 0 };
  const exit = /^\s*exit\s+(\d{1,3})\s*$/.exec(script);
  if (exit) return { runMs: 0, exitCode: Number(exit[1]) };
  return {};
}

export function behaviourOf(pod: Pod, timings: SimTimings): Behaviour {
  const crash = annotation(pod, SimulateAnnotations.crashLoop) === 'true';
  const exitText = annotation(pod, SimulateAnnotations.exitCode);
  const exitAnnotated = exitText !== undefined && /^\d{1,3}$/.test(exitText.trim()) ? Number(exitText) : undefined;
  const runAnnotated = seconds(annotation(pod, SimulateAnnotations.runSeconds));
  const policy = pod.spec?.restartPolicy ?? 'Always';
  const toCompletion = policy !== 'Always' || ownedByJob(pod);
  const hint = commandHint(containersOf(pod)[0]);
  let runMs: number | undefined;
  if (runAnnotated !== undefined) runMs = runAnnotated;
  else if (crash) runMs = timings.crashRunMs;
  else if (exitAnnotated !== undefined) runMs = timings.jobRunMs;
  else if (hint.runMs !== undefined) runMs = hint.runMs;
  else if (toCompletion) runMs = timings.jobRunMs;
  const exitCode = exitAnnotated ?? (crash ? 1 : (hint.exitCode ?? 0));
  const shutdownText = annotation(pod, SimulateAnnotations.shutdownSeconds);
  return {
    runMs,
    exitCode,
    neverReady: annotation(pod, SimulateAnnotations.neverReady) === 'true',
    startMs: seconds(annotation(pod, SimulateAnnotations.startSeconds)) ?? timings.startMs,
    shutdownMs: shutdownText === 'grace' ? Infinity : (seconds(shutdownText) ?? timings.shutdownMs),
  };
}

// ---- reading the pod ----

function ms(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
}

function deleting(pod: Pod): boolean {
  return !!pod.metadata.deletionTimestamp;
}

function phaseOf(pod: Pod): string | undefined {
  return pod.status?.phase;
}

function regularStatuses(pod: Pod): ContainerStatus[] {
  return pod.status?.containerStatuses ?? [];
}

function initStatuses(pod: Pod): ContainerStatus[] {
  return pod.status?.initContainerStatuses ?? [];
}

/** The kubelet has begun with this pod (the first status it writes carries startTime). */
function started(pod: Pod): boolean {
  return !!pod.status?.startTime;
}

function fieldPath(c: Container, init: boolean): string {
  return `spec.${init ? 'initContainers' : 'containers'}{${c.name}}`;
}

function imageSize(image: string): number {
  let h = 0;
  for (const ch of image) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 10_000_000 + (h % 190_000_000);
}

/** Pulled (or Pulling and Pulled), Created, Started: a container run beginning. */
function startEvents(c: Container, init: boolean, pullMs: number): SimEvent[] {
  const fp = fieldPath(c, init);
  const image = c.image ?? '';
  const events: SimEvent[] = [];
  if (c.imagePullPolicy === 'Always') {
    const d = goDuration(pullMs);
    events.push({ type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"`, fieldPath: fp });
    events.push({ type: 'Normal', reason: 'Pulled', message: `Successfully pulled image "${image}" in ${d} (${d} including waiting). Image size: ${imageSize(normalizeImage(image))} bytes.`, fieldPath: fp });
  } else {
    events.push({ type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine`, fieldPath: fp });
  }
  events.push({ type: 'Normal', reason: 'Created', message: `Created container ${c.name}`, fieldPath: fp });
  events.push({ type: 'Normal', reason: 'Started', message: `Started container ${c.name}`, fieldPath: fp });
  return events;
}

/** A regular container begins a run now: started unless a startup probe must pass first, ready per readiness. */
function startRegular(pod: Pod, c: Container, now: number, b: Behaviour, restartCount: number, lastState: ContainerState | undefined): ContainerStatus {
  const startedNow = !c.startupProbe;
  const readyNow = startedNow && !c.readinessProbe && !b.neverReady;
  return runningStatus(pod, c, { restartCount, startedAt: now, lastState, started: startedNow, ready: readyNow });
}

/** The kubelet's crash-loop back-off before the next restart of a container that has restarted `restartCount` times. */
export function backOffMs(restartCount: number, timings: SimTimings, lastRunMs = 0): number {
  // A container that ran for ten minutes starts over with no back-off, as the kubelet's entry expires.
  if (restartCount <= 0 || lastRunMs >= 600_000) return 0;
  return Math.min(timings.backOffInitialMs * 2 ** (restartCount - 1), timings.backOffMaxMs);
}

function lastRunMs(s: ContainerStatus): number {
  const t = s.state.terminated ?? s.lastState.terminated;
  const a = ms(t?.startedAt);
  const b = ms(t?.finishedAt);
  return a !== undefined && b !== undefined ? b - a : 0;
}

/** Starts init containers in order from the first one not done, and the regular containers once they all are. */
function advanceInit(pod: Pod, init: ContainerStatus[], regular: ContainerStatus[], now: number, b: Behaviour, events: SimEvent[]): { init: ContainerStatus[]; regular: ContainerStatus[] } {
  const nextInit = [...init];
  for (const c of initContainersOf(pod)) {
    const i = nextInit.findIndex((s) => s.name === c.name);
    const s = i >= 0 ? nextInit[i] : undefined;
    if (initContainerDone(c, s)) continue;
    if (s?.state.running) return { init: nextInit, regular };
    // Start this one; a sidecar without a startup probe counts as started at once.
    const run = runningStatus(pod, c, { restartCount: s?.restartCount ?? 0, startedAt: now, lastState: s?.lastState, started: true, ready: isSidecar(c) && !c.readinessProbe });
    if (i >= 0) nextInit[i] = run;
    else nextInit.push(run);
    events.push(...startEvents(c, true, b.startMs));
    if (!isSidecar(c) || c.startupProbe) return { init: nextInit, regular };
  }
  const nextRegular = containersOf(pod).map((c) => {
    const s = statusOf(regular, c.name);
    if (s && (s.state.running || s.state.terminated || s.lastState.terminated)) return s;
    events.push(...startEvents(c, false, b.startMs));
    return startRegular(pod, c, now, b, 0, undefined);
  });
  return { init: nextInit, regular: nextRegular };
}

function build(pod: Pod, ctx: StageContext, init: ContainerStatus[], regular: ContainerStatus[], extra: { terminal?: boolean; podIP?: string; sandboxReady?: boolean } = {}): PodStatus {
  return buildPodStatus(
    pod,
    { init, containers: regular, sandboxReady: extra.sandboxReady ?? sandboxReady(pod), terminal: extra.terminal, hostIP: ctx.hostIP, podIP: extra.podIP },
    ctx.now,
  );
}

// ---- when things are due ----

function readyDue(c: Container, s: ContainerStatus): number | undefined {
  const startedAt = ms(s.state.running?.startedAt);
  if (startedAt === undefined) return undefined;
  if (!s.started) return c.startupProbe ? startedAt + (c.startupProbe.initialDelaySeconds ?? 0) * 1000 : startedAt;
  if (!s.ready) return c.readinessProbe ? startedAt + (c.readinessProbe.initialDelaySeconds ?? 0) * 1000 : startedAt;
  return undefined;
}

function exitDue(s: ContainerStatus, b: Behaviour): number | undefined {
  if (b.runMs === undefined || !s.state.running) return undefined;
  const startedAt = ms(s.state.running.startedAt);
  return startedAt === undefined ? undefined : startedAt + b.runMs;
}

function restartDue(pod: Pod, s: ContainerStatus, timings: SimTimings): number | undefined {
  const policy = pod.spec?.restartPolicy;
  if (s.state.terminated && shouldRestart(policy, s.state.terminated.exitCode) && s.restartCount === 0) {
    return ms(s.state.terminated.finishedAt) ?? 0;
  }
  if (s.state.waiting?.reason === Reason.CrashLoopBackOff && s.lastState.terminated) {
    return (ms(s.lastState.terminated.finishedAt) ?? 0) + backOffMs(s.restartCount, timings, lastRunMs(s));
  }
  return undefined;
}

function minDefined(values: (number | undefined)[]): number | undefined {
  let m: number | undefined;
  for (const v of values) if (v !== undefined && (m === undefined || v < m)) m = v;
  return m;
}

function running(pod: Pod): boolean {
  return started(pod) && sandboxReady(pod) && !isTerminalPhase(phaseOf(pod)) && !deleting(pod);
}

/** The time of the deletion request: deletionTimestamp less the grace period. */
function deletionRequestedAt(pod: Pod): number {
  const deadline = ms(pod.metadata.deletionTimestamp) ?? 0;
  return deadline - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
}

function anyRunning(pod: Pod): boolean {
  return [...initStatuses(pod), ...regularStatuses(pod)].some((s) => s.state.running);
}

// ---- the stages ----

const podDelete: PodStage = {
  name: 'pod-delete',
  selector: (pod) => deleting(pod) && (!started(pod) || isTerminalPhase(phaseOf(pod))),
  at: (_pod, ctx) => ctx.now,
  next: () => ({ delete: true }),
};

const podTerminate: PodStage = {
  name: 'pod-terminate',
  selector: (pod) => deleting(pod) && started(pod) && !isTerminalPhase(phaseOf(pod)),
  at: (pod, ctx) => {
    if (!anyRunning(pod)) return ctx.now;
    const b = behaviourOf(pod, ctx.timings);
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
    return deletionRequestedAt(pod) + Math.min(b.shutdownMs, graceMs);
  },
  announce: (pod) =>
    [...initContainersOf(pod).map((c) => ({ c, init: true })), ...containersOf(pod).map((c) => ({ c, init: false }))]
      .filter(({ c, init }) => statusOf(init ? initStatuses(pod) : regularStatuses(pod), c.name)?.state.running)
      .map(({ c, init }) => ({ type: 'Normal' as const, reason: 'Killing', message: `Stopping container ${c.name}`, fieldPath: fieldPath(c, init) })),
  next: (pod, ctx) => {
    const b = behaviourOf(pod, ctx.timings);
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
    // Stopped within the grace period: a clean exit; at its end, SIGKILL (137).
    const killed = b.shutdownMs >= graceMs && graceMs > 0;
    const exitCode = killed ? 137 : 0;
    const stop = (c: Container, s: ContainerStatus | undefined, init: boolean): ContainerStatus | undefined => {
      if (!s) return undefined;
      if (!s.state.running) return s;
      const t = terminatedStatus(c, s, exitCode, ctx.now);
      if (init && exitCode === 0 && !isSidecar(c)) t.ready = true;
      return t;
    };
    const init = initContainersOf(pod)
      .map((c) => stop(c, statusOf(initStatuses(pod), c.name), true))
      .filter((s): s is ContainerStatus => !!s);
    const regular = containersOf(pod)
      .map((c) => stop(c, statusOf(regularStatuses(pod), c.name), false))
      .filter((s): s is ContainerStatus => !!s);
    return { status: build(pod, ctx, init, regular, { terminal: true, sandboxReady: false }) };
  },
};

const podSandbox: PodStage = {
  name: 'pod-sandbox',
  selector: (pod) => !deleting(pod) && !started(pod) && !isTerminalPhase(phaseOf(pod)),
  at: (pod, ctx) => {
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'True');
    return (ms(scheduled?.lastTransitionTime) ?? ctx.now) + ctx.timings.sandboxMs;
  },
  next: (pod, ctx) => {
    const hasInit = initContainersOf(pod).length > 0;
    const init = initContainersOf(pod).map((c) => waitingStatus(c, Reason.PodInitializing));
    const regular = containersOf(pod).map((c) => waitingStatus(c, hasInit ? Reason.PodInitializing : Reason.ContainerCreating));
    const status = buildPodStatus(pod, { init, containers: regular, sandboxReady: false, hostIP: ctx.hostIP, startTime: rfc3339(ctx.now) }, ctx.now);
    return { status };
  },
};

const podStart: PodStage = {
  name: 'pod-start',
  selector: (pod) => !deleting(pod) && started(pod) && !sandboxReady(pod) && !isTerminalPhase(phaseOf(pod)),
  at: (pod, ctx) => (ms(pod.status?.startTime) ?? ctx.now) + behaviourOf(pod, ctx.timings).startMs,
  next: (pod, ctx) => {
    const podIP = pod.spec?.hostNetwork ? ctx.hostIP : ctx.allocatePodIP(pod);
    if (!podIP) {
      return {
        retryAfterMs: ctx.timings.sandboxRetryMs,
        events: [
          {
            type: 'Warning',
            reason: 'FailedCreatePodSandBox',
            message: `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandboxIDOf(pod.metadata.uid ?? '')}": plugin type="host-local" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${ctx.podIPRange}`,
          },
        ],
      };
    }
    const b = behaviourOf(pod, ctx.timings);
    const events: SimEvent[] = [];
    const next = advanceInit(pod, initStatuses(pod), regularStatuses(pod), ctx.now, b, events);
    return { status: build(pod, ctx, next.init, next.regular, { podIP, sandboxReady: true }), events };
  },
};

const podInitComplete: PodStage = {
  name: 'pod-init-complete',
  selector: (pod) => running(pod) && initContainersOf(pod).some((c) => !isSidecar(c) && statusOf(initStatuses(pod), c.name)?.state.running),
  at: (pod, ctx) => {
    const c = initContainersOf(pod).find((c) => !isSidecar(c) && statusOf(initStatuses(pod), c.name)?.state.running)!;
    return (ms(statusOf(initStatuses(pod), c.name)!.state.running!.startedAt) ?? ctx.now) + ctx.timings.initMs;
  },
  next: (pod, ctx) => {
    const b = behaviourOf(pod, ctx.timings);
    const init = initContainersOf(pod).map((c) => {
      const s = statusOf(initStatuses(pod), c.name);
      if (!s || isSidecar(c) || !s.state.running) return s;
      const done = terminatedStatus(c, s, 0, ctx.now);
      done.ready = true;
      return done;
    }).filter((s): s is ContainerStatus => !!s);
    const events: SimEvent[] = [];
    const next = advanceInit(pod, init, regularStatuses(pod), ctx.now, b, events);
    return { status: build(pod, ctx, next.init, next.regular), events };
  },
};

const podProbe: PodStage = {
  name: 'pod-probe',
  selector: (pod, ctx) => {
    if (!running(pod)) return false;
    const b = behaviourOf(pod, ctx.timings);
    return containersOf(pod).some((c) => {
      const s = statusOf(regularStatuses(pod), c.name);
      return !!s?.state.running && (!s.started || (!s.ready && !b.neverReady));
    });
  },
  at: (pod, ctx) => {
    const b = behaviourOf(pod, ctx.timings);
    return (
      minDefined(
        containersOf(pod).map((c) => {
          const s = statusOf(regularStatuses(pod), c.name);
          if (!s?.state.running || (s.started && (s.ready || b.neverReady))) return undefined;
          return readyDue(c, s);
        }),
      ) ?? ctx.now
    );
  },
  next: (pod, ctx) => {
    const b = behaviourOf(pod, ctx.timings);
    const regular = containersOf(pod).map((c) => {
      const s = statusOf(regularStatuses(pod), c.name);
      if (!s?.state.running) return s;
      const due = readyDue(c, s);
      if (due === undefined || due > ctx.now) return s;
      if (!s.started) {
        const startedNow = { ...s, started: true };
        const readyAt = readyDue(c, startedNow);
        return { ...startedNow, ready: !b.neverReady && readyAt !== undefined && readyAt <= ctx.now };
      }
      return { ...s, ready: !b.neverReady };
    }).filter((s): s is ContainerStatus => !!s);
    return { status: build(pod, ctx, initStatuses(pod), regular) };
  },
};

const podExit: PodStage = {
  name: 'pod-exit',
  selector: (pod, ctx) => {
    if (!running(pod)) return false;
    const b = behaviourOf(pod, ctx.timings);
    return b.runMs !== undefined && regularStatuses(pod).some((s) => s.state.running);
  },
  at: (pod, ctx) => {
    const b = behaviourOf(pod, ctx.timings);
    return minDefined(regularStatuses(pod).map((s) => exitDue(s, b))) ?? ctx.now;
  },
  next: (pod, ctx) => {
    const b = behaviourOf(pod, ctx.timings);
    const regular = containersOf(pod).map((c) => {
      const s = statusOf(regularStatuses(pod), c.name);
      if (!s) return s;
      const due = exitDue(s, b);
      if (due === undefined || due > ctx.now) return s;
      return terminatedStatus(c, s, b.exitCode, ctx.now);
    }).filter((s): s is ContainerStatus => !!s);
    const phase = podPhase(pod, initStatuses(pod), regular, false);
    // A finished pod's sandbox is torn down: PodReadyToStartContainers goes False.
    return { status: build(pod, ctx, initStatuses(pod), regular, { sandboxReady: !isTerminalPhase(phase) }) };
  },
};

const podBackOff: PodStage = {
  name: 'pod-backoff',
  selector: (pod) =>
    running(pod) &&
    regularStatuses(pod).some((s) => s.state.terminated && s.restartCount > 0 && shouldRestart(pod.spec?.restartPolicy, s.state.terminated.exitCode)),
  at: (_pod, ctx) => ctx.now,
  next: (pod, ctx) => {
    const events: SimEvent[] = [];
    const regular = containersOf(pod).map((c) => {
      const s = statusOf(regularStatuses(pod), c.name);
      if (!s?.state.terminated || s.restartCount === 0 || !shouldRestart(pod.spec?.restartPolicy, s.state.terminated.exitCode)) return s;
      const wait = backOffMs(s.restartCount, ctx.timings, lastRunMs(s));
      events.push({ type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${c.name} in pod ${formatPod(pod)}`, fieldPath: fieldPath(c, false) });
      const next: ContainerStatus = {
        ...s,
        state: { waiting: { reason: Reason.CrashLoopBackOff, message: `back-off ${goDuration(wait)} restarting failed container=${c.name} pod=${formatPod(pod)}` } },
        lastState: { terminated: s.state.terminated },
        ready: false,
        started: false,
      };
      return sortStatusFields(next);
    }).filter((s): s is ContainerStatus => !!s);
    return { status: build(pod, ctx, initStatuses(pod), regular), events };
  },
};

const podRestart: PodStage = {
  name: 'pod-restart',
  selector: (pod, ctx) => running(pod) && regularStatuses(pod).some((s) => restartDue(pod, s, ctx.timings) !== undefined),
  at: (pod, ctx) => minDefined(regularStatuses(pod).map((s) => restartDue(pod, s, ctx.timings))) ?? ctx.now,
  next: (pod, ctx) => {
    const b = behaviourOf(pod, ctx.timings);
    const events: SimEvent[] = [];
    const regular = containersOf(pod).map((c) => {
      const s = statusOf(regularStatuses(pod), c.name);
      if (!s) return s;
      const due = restartDue(pod, s, ctx.timings);
      if (due === undefined || due > ctx.now) return s;
      const last = s.state.terminated ? { terminated: s.state.terminated } : s.lastState;
      events.push(...startEvents(c, false, b.startMs));
      return startRegular(pod, c, ctx.now, b, s.restartCount + 1, last);
    }).filter((s): s is ContainerStatus => !!s);
    return { status: build(pod, ctx, initStatuses(pod), regular), events };
  },
};

function conditionKey(c: { type: string; status: string; reason?: string; message?: string }): string {
  return `${c.type}|${c.status}|${c.reason ?? ''}|${c.message ?? ''}`;
}

/**
 * The kubelet's status manager: conditions it owns that someone else changed (the node
 * lifecycle controller marks pods not ready while a node is unreachable) are written back.
 */
const podResync: PodStage = {
  name: 'pod-resync',
  selector: (pod) => {
    if (!running(pod)) return false;
    const existing = pod.status?.conditions ?? [];
    const phase = podPhase(pod, initStatuses(pod), regularStatuses(pod), false);
    if (phase !== phaseOf(pod)) return true;
    const want = generateKubeletConditions(pod, initStatuses(pod), regularStatuses(pod), phase, sandboxReady(pod), existing).map(conditionKey);
    const own = new Set<string>(kubeletConditionTypes);
    const have = existing.filter((c) => own.has(c.type)).map(conditionKey);
    return want.length !== have.length || want.some((k) => !have.includes(k));
  },
  at: (_pod, ctx) => ctx.now,
  next: (pod, ctx) => ({ status: build(pod, ctx, initStatuses(pod), regularStatuses(pod)) }),
};

/** The default lifecycle, in order of precedence (deletion first). */
export const defaultPodStages: readonly PodStage[] = [podDelete, podTerminate, podSandbox, podStart, podInitComplete, podExit, podBackOff, podRestart, podProbe, podResync];

/** The stage that fires next for a pod, and when: the earliest among those whose selector matches. */
export function nextStage(pod: Pod, ctx: StageContext, stages: readonly PodStage[] = defaultPodStages): { stage: PodStage; at: number } | undefined {
  let best: { stage: PodStage; at: number } | undefined;
  for (const stage of stages) {
    if (!stage.selector(pod, ctx)) continue;
    const at = stage.at(pod, ctx);
    if (!best || at < best.at) best = { stage, at };
    // Deletion preempts everything else.
    if (stage === podDelete || stage === podTerminate) return best;
  }
  return best;
}

