// Events as the kubelet records them: about the pod, or about one of its containers (the
// involved object's fieldPath `spec.containers{app}`), from component kubelet on this host.

import type { KubeObject } from '../api/object.js';
import type { Clock } from '../machinery/clock.js';
import type { Client } from '../client/interface.js';
import { KubeletEventRecorder } from './runtime/simulated/kubelet-events.js';
import type { Container, Pod } from './types.js';

export type EventType = 'Normal' | 'Warning';

export interface Recorder {
  pod(pod: Pod, type: EventType, reason: string, message: string): void;
  container(pod: Pod, container: Container, type: EventType, reason: string, message: string): void;
  node(node: KubeObject, type: EventType, reason: string, message: string): void;
  flush(): Promise<void>;
}

/** Where a container sits in the pod spec, as event fieldPaths name it. */
export function containerFieldPath(pod: Pod, c: Container): string {
  if ((pod.spec.initContainers ?? []).some((x) => x.name === c.name)) return `spec.initContainers{${c.name}}`;
  return `spec.containers{${c.name}}`;
}

export class KubeletRecorder implements Recorder {
  private readonly inner: KubeletEventRecorder;

  constructor(
    client: Client,
    clock: Clock,
    private readonly host: string,
    log?: (msg: string) => void,
  ) {
    this.inner = new KubeletEventRecorder(client, clock, log);
  }

  pod(pod: Pod, type: EventType, reason: string, message: string): void {
    this.inner.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, this.host, { type, reason, message });
  }

  container(pod: Pod, container: Container, type: EventType, reason: string, message: string): void {
    this.inner.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, this.host, { type, reason, message, fieldPath: containerFieldPath(pod, container) });
  }

  node(node: KubeObject, type: EventType, reason: string, message: string): void {
    this.inner.record({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, uid: node.metadata.name } }, this.host, { type, reason, message });
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }
}
