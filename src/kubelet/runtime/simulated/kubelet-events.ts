// Events as a kubelet records them: source {component: kubelet, host: node}, the container's
// fieldPath in involvedObject, and a repeat of the same event (a crash loop's BackOff) counted
// on the first one. Written one at a time, off the simulation's path; a backlog beyond a bound
// is dropped rather than queued without end.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../api/object.js';
import { rfc3339, type Clock } from '../../../machinery/clock.js';
import type { Client } from '../../../client/interface.js';
import { R } from '../../../client/resources.js';

export interface KubeletEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  fieldPath?: string;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
}

const maxBacklog = 10_000;

export class KubeletEventRecorder {
  private seen = new Map<string, Seen>();
  private chain: Promise<void> = Promise.resolve();
  private backlog = 0;
  private dropped = 0;
  private seq = 0;

  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  record(obj: KubeObject, host: string, e: KubeletEvent): void {
    if (this.backlog >= maxBacklog) {
      if (this.dropped++ === 0) this.log(`kubelet events: more than ${maxBacklog} waiting; dropping some`);
      return;
    }
    this.backlog++;
    const involved = {
      kind: obj.kind ?? (obj.metadata.namespace ? 'Pod' : 'Node'),
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion ?? 'v1',
      resourceVersion: obj.metadata.resourceVersion,
      ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
    };
    this.chain = this.chain
      .then(() => this.write(involved, host, e))
      .catch((err) => this.log(`kubelet event ${e.reason}: ${(err as Error).message}`))
      .finally(() => this.backlog--);
  }

  /** Resolves when every event recorded so far is written. */
  flush(): Promise<void> {
    return this.chain;
  }

  private async write(involved: Record<string, unknown> & { name?: string; namespace?: string; uid?: string }, host: string, e: KubeletEvent): Promise<void> {
    const namespace = involved.namespace || 'default';
    const key = createHash('sha1')
      .update([involved.kind, namespace, involved.name, involved.uid, involved.fieldPath ?? '', e.type, e.reason, e.message, host].join('\u0000'))
      .digest('base64');
    const now = rfc3339(this.clock.now());
    const seen = this.seen.get(key);
    if (seen) {
      seen.count++;
      try {
        await this.client.patch(R.events, seen.namespace, seen.name, 'merge', { count: seen.count, lastTimestamp: now });
        return;
      } catch {
        this.seen.delete(key);
      }
    }
    // Nanoseconds in hex, as client-go names events (BigInt: the float would lose the low digits).
    const name = `${involved.name}.${(BigInt(this.clock.now()) * 1_000_000n + BigInt(this.seq++ % 1_000_000)).toString(16)}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: involved,
      reason: e.reason,
      message: e.message,
      type: e.type,
      source: { component: 'kubelet', host },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: host,
    };
    await this.client.create(R.events, namespace, event);
    if (this.seen.size > 4096) this.seen.clear();
    this.seen.set(key, { name, namespace, count: 1 });
  }
}
