// What the runtime knows of a pod (kuberuntime's GetPodStatus): its sandboxes and container
// instances, found by the io.kubernetes.pod.uid label, newest first, with restart counts and
// spec hashes read back from the annotations the kubelet set, and the termination message of
// exited containers (their termination-log file, or the log tail with FallbackToLogsOnError).

import { readFileSync } from 'node:fs';
import { msOfNanos } from './cri-log.js';
import { tailCriLog } from './cri-log.js';
import { L } from './labels.js';
import type { ContainerRuntime, ContainerStatus as CriContainerStatus, PodSandboxStatus } from './runtime/interface.js';
import type { RuntimeContainer, RuntimePodStatus, RuntimeSandbox } from './status/generate.js';

export const maxTerminationMessageLength = 4096;
export const maxTerminationMessageLogLength = 2048;
export const maxTerminationMessageLogLines = 80;

export const hostNetworkAnnotation = 'io.kubelite.sandbox.hostNetwork';

export function toRuntimeSandbox(s: PodSandboxStatus): RuntimeSandbox {
  return { id: s.id, state: s.state, createdAt: msOfNanos(s.createdAt), ip: s.ip, attempt: s.metadata.attempt, hostNetwork: s.annotations[hostNetworkAnnotation] === 'true' };
}

export class RuntimeStatusReader {
  /** Termination messages of exited containers never change: read once. */
  private readonly messages = new Map<string, string>();

  constructor(private readonly runtime: ContainerRuntime) {}

  async podStatus(uid: string): Promise<RuntimePodStatus> {
    const [sandboxes, summaries] = await Promise.all([this.runtime.listPodSandboxes({ labels: { [L.podUID]: uid } }), this.runtime.listContainers({ labels: { [L.podUID]: uid } })]);
    const containers: RuntimeContainer[] = [];
    for (const s of summaries) {
      const st = await this.runtime.containerStatus(s.id);
      if (!st) continue;
      containers.push(await this.convert(st));
    }
    containers.sort((a, b) => b.createdAt - a.createdAt);
    const sb = sandboxes.map(toRuntimeSandbox).sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
    const newest = sb[0];
    return { uid, sandboxes: sb, containers, ips: newest && newest.state === 'ready' && newest.ip ? [newest.ip] : [] };
  }

  forget(containerIds: string[]): void {
    for (const id of containerIds) this.messages.delete(id);
  }

  private async convert(st: CriContainerStatus): Promise<RuntimeContainer> {
    const a = st.annotations;
    const c: RuntimeContainer = {
      id: st.id,
      name: st.labels[L.containerName] ?? st.name,
      type: a[L.containerType] === 'init' ? 'init' : 'regular',
      state: st.state,
      createdAt: msOfNanos(st.createdAt),
      startedAt: st.state !== 'created' ? msOfNanos(st.startedAt) : 0,
      finishedAt: st.state === 'exited' ? msOfNanos(st.finishedAt) : 0,
      exitCode: st.state === 'exited' ? st.exitCode : 0,
      reason: st.state === 'exited' ? st.reason : '',
      message: st.state === 'exited' ? st.message : '',
      image: st.image,
      imageRef: st.imageRef,
      restartCount: Number(a[L.restartCount] ?? st.attempt ?? 0) || 0,
      hash: a[L.containerHash] ?? '',
      logPath: st.logPath,
      annotations: a,
    };
    if (c.state === 'exited') {
      let tm = this.messages.get(c.id);
      if (tm === undefined) {
        tm = await this.terminationMessage(c);
        this.messages.set(c.id, tm);
      }
      if (tm) c.message = c.message ? `${c.message}: ${tm}` : tm;
    }
    return c;
  }

  private async terminationMessage(c: RuntimeContainer): Promise<string> {
    const a = c.annotations;
    const fallback = a[L.terminationMessagePolicy] === 'FallbackToLogsOnError' && c.exitCode !== 0 && c.reason !== 'ContainerCannotRun';
    let message = '';
    let checkLogs = fallback;
    const hostPath = a[L.terminationMessageHostPath];
    if (a[L.terminationMessagePath] && hostPath) {
      try {
        const data = readFileSync(hostPath);
        message = data.subarray(Math.max(0, data.length - maxTerminationMessageLength)).toString('utf8');
        checkLogs = fallback && data.length === 0;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return `Error on reading termination log ${hostPath}: ${(e as Error).message}`;
      }
    }
    if (checkLogs && c.logPath) {
      try {
        message = await tailCriLog(c.logPath, maxTerminationMessageLogLines, maxTerminationMessageLogLength);
      } catch (e) {
        message = `Error on reading termination message from logs: ${(e as Error).message}`;
      }
    }
    return message;
  }
}
