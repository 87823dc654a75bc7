// The prober manager: one worker per container and probe kind (liveness, readiness, startup),
// each ticking every periodSeconds on the kubelet's clock, honouring initialDelaySeconds and
// the success/failure thresholds, and keeping results per container instance (a restarted
// container starts over). Readiness starts as failure, liveness as success, startup unknown.
// A changed result calls back into the kubelet: readiness updates status, a failed liveness
// or startup probe makes the pod worker restart the container.

import type { Clock } from '../../machinery/clock.js';
import type { Recorder } from '../events.js';
import type { Container, ContainerStatus, Pod, PodStatus, Probe } from '../types.js';
import { runHandler, type ProberDeps } from './prober.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
type Result = 'success' | 'failure' | 'unknown';

const kindName: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

export interface ProbeManagerOptions {
  clock: Clock;
  recorder: Recorder;
  /** The status the kubelet last generated for the pod (container IDs, states, started). */
  podStatus(uid: string): PodStatus | undefined;
  /** Prober dependencies for a pod (its dialer may go through the runtime). */
  deps(pod: Pod): ProberDeps;
  /** A result changed. */
  onChange(uid: string, kind: ProbeKind): void;
}

interface Worker {
  pod: Pod;
  container: Container;
  isInit: boolean;
  kind: ProbeKind;
  probe: Probe;
  containerID: string;
  lastResult: Result | undefined;
  resultRun: number;
  onHold: boolean;
  running: boolean;
  stopped: boolean;
  cancel: () => void;
}

export class ProbeManager {
  private readonly workers = new Map<string, Worker>();
  /** containerID → result, per kind. */
  private readonly results: Record<ProbeKind, Map<string, Result>> = { liveness: new Map(), readiness: new Map(), startup: new Map() };

  constructor(private readonly opts: ProbeManagerOptions) {}

  liveness(containerID: string): 'success' | 'failure' | undefined {
    return this.get('liveness', containerID);
  }
  readiness(containerID: string): 'success' | 'failure' | undefined {
    return this.get('readiness', containerID);
  }
  startup(containerID: string): 'success' | 'failure' | undefined {
    return this.get('startup', containerID);
  }

  private get(kind: ProbeKind, id: string): 'success' | 'failure' | undefined {
    const r = this.results[kind].get(id);
    return r === 'unknown' ? undefined : r;
  }

  /** Whether a startup result exists at all for the instance (unknown counts: probing has begun). */
  hasResult(kind: ProbeKind, id: string): boolean {
    return this.results[kind].has(id);
  }

  /** Starts workers for the pod's probes (idempotent); updates their view of the pod. */
  addPod(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    const each = (c: Container, isInit: boolean) => {
      const kinds: [ProbeKind, Probe | undefined][] = [
        ['startup', c.startupProbe],
        ['readiness', isInit && c.restartPolicy !== 'Always' ? undefined : c.readinessProbe],
        ['liveness', c.livenessProbe],
      ];
      for (const [kind, probe] of kinds) {
        if (!probe) continue;
        const key = `${uid}/${c.name}/${kind}`;
        const existing = this.workers.get(key);
        if (existing) {
          existing.pod = pod;
          continue;
        }
        const w: Worker = { pod, container: c, isInit, kind, probe, containerID: '', lastResult: undefined, resultRun: 0, onHold: false, running: false, stopped: false, cancel: () => {} };
        this.workers.set(key, w);
        this.schedule(w, 0);
      }
    };
    for (const c of pod.spec.initContainers ?? []) if (c.restartPolicy === 'Always') each(c, true);
    for (const c of pod.spec.containers) each(c, false);
  }

  removePod(uid: string): void {
    for (const [key, w] of this.workers) {
      if (!key.startsWith(`${uid}/`)) continue;
      w.stopped = true;
      w.cancel();
      if (w.containerID) for (const kind of Object.keys(this.results) as ProbeKind[]) this.results[kind].delete(w.containerID);
      this.workers.delete(key);
    }
  }

  /** Runs the pod's workers now (a container just started: no need to wait a period). */
  poke(uid: string): void {
    for (const [key, w] of this.workers) if (key.startsWith(`${uid}/`) && !w.running) this.schedule(w, 0);
  }

  stop(): void {
    for (const w of this.workers.values()) {
      w.stopped = true;
      w.cancel();
    }
    this.workers.clear();
  }

  private schedule(w: Worker, ms: number): void {
    w.cancel();
    if (w.stopped) return;
    w.cancel = this.opts.clock.setTimeout(() => void this.tick(w), ms);
  }

  private async tick(w: Worker): Promise<void> {
    if (w.stopped || w.running) return;
    w.running = true;
    let keep = true;
    try {
      keep = await this.doProbe(w);
    } catch {
      keep = true;
    } finally {
      w.running = false;
    }
    if (!keep) {
      const uid = w.pod.metadata.uid ?? '';
      this.workers.delete(`${uid}/${w.container.name}/${w.kind}`);
      w.stopped = true;
      return;
    }
    this.schedule(w, Math.max(1, w.probe.periodSeconds ?? 10) * 1000);
  }

  private set(w: Worker, result: Result): void {
    const prev = this.results[w.kind].get(w.containerID);
    this.results[w.kind].set(w.containerID, result);
    if (prev !== result) this.opts.onChange(w.pod.metadata.uid ?? '', w.kind);
  }

  /** One step of the worker (the kubelet's worker.doProbe); false ends the worker. */
  private async doProbe(w: Worker): Promise<boolean> {
    const uid = w.pod.metadata.uid ?? '';
    const status = this.opts.podStatus(uid);
    if (!status) return true;
    if (status.phase === 'Failed' || status.phase === 'Succeeded') return false;
    const list = w.isInit ? status.initContainerStatuses : status.containerStatuses;
    const c: ContainerStatus | undefined = list?.find((s) => s.name === w.container.name);
    if (!c || !c.containerID) return true;
    if (w.containerID !== c.containerID) {
      if (w.containerID) this.results[w.kind].delete(w.containerID);
      w.containerID = c.containerID;
      const initial: Result = w.kind === 'readiness' ? 'failure' : w.kind === 'liveness' ? 'success' : 'unknown';
      this.set(w, initial);
      w.onHold = false;
      w.lastResult = undefined;
      w.resultRun = 0;
    }
    if (w.onHold) return true;
    if (!c.state.running) {
      this.set(w, 'failure');
      return !c.state.terminated || w.pod.spec.restartPolicy !== 'Never';
    }
    if (w.pod.metadata.deletionTimestamp && (w.kind === 'liveness' || w.kind === 'startup')) {
      this.set(w, 'success');
      return false;
    }
    const startedAt = Date.parse(c.state.running.startedAt ?? '');
    if (!Number.isNaN(startedAt) && Math.floor((this.opts.clock.now() - startedAt) / 1000) < (w.probe.initialDelaySeconds ?? 0)) return true;
    if (c.started) {
      if (w.kind === 'startup') return true;
    } else if (w.kind !== 'startup') return true;

    const deps = this.opts.deps(w.pod);
    const podIP = status.podIP ?? '';
    const id = c.containerID.slice(c.containerID.indexOf('://') + 3);
    let outcome = await runHandler(deps, w.probe, w.pod, w.container, id, podIP, w.probe.timeoutSeconds ?? 1);
    // Errors (unknown) are retried a few times, as the prober does, before being thrown away.
    for (let retry = 1; outcome.result === 'unknown' && retry < 3 && !w.stopped; retry++) outcome = await runHandler(deps, w.probe, w.pod, w.container, id, podIP, w.probe.timeoutSeconds ?? 1);
    if (w.stopped || w.containerID !== c.containerID) return true;
    const name = kindName[w.kind];
    if (outcome.result === 'unknown') {
      this.opts.recorder.container(w.pod, w.container, 'Warning', 'Unhealthy', `${name} probe errored and resulted in unknown state: ${outcome.output}`);
      return true;
    }
    if (outcome.result === 'failure') this.opts.recorder.container(w.pod, w.container, 'Warning', 'Unhealthy', `${name} probe failed: ${outcome.output}`);
    if (outcome.result === 'warning') this.opts.recorder.container(w.pod, w.container, 'Warning', 'ProbeWarning', `${name} probe warning: ${outcome.output}`);
    const result: Result = outcome.result === 'failure' ? 'failure' : 'success';
    if (w.lastResult === result) w.resultRun++;
    else {
      w.lastResult = result;
      w.resultRun = 1;
    }
    if ((result === 'failure' && w.resultRun < (w.probe.failureThreshold ?? 3)) || (result === 'success' && w.resultRun < (w.probe.successThreshold ?? 1))) return true;
    this.set(w, result);
    if ((w.kind === 'liveness' || w.kind === 'startup') && result === 'failure') {
      w.onHold = true;
      w.resultRun = 0;
    }
    return true;
  }
}
