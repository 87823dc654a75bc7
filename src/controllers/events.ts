// Recording Events that `kubectl describe` shows, the way client-go's recorder does: the same
// event repeated (same object, type, reason, message) bumps count and lastTimestamp instead of
// creating another object.

import type { KubeObject } from '../api/object.js';
import { rfc3339, rfc3339Micro, type Clock } from '../machinery/clock.js';
import type { Client } from '../client/interface.js';
import { R } from '../client/resources.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

export class ClientEventRecorder implements EventRecorder {
  private seen = new Map<string, Seen>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Client,
    private readonly component: string,
    private readonly clock: Clock,
    private readonly log: (msg: string) => void = () => {},
    private readonly host?: string,
  ) {}

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    // Events are written in order, off the caller's path: recording never fails a reconcile.
    this.chain = this.chain.then(() => this.write(obj, type, reason, message)).catch((e) => this.log(`event ${reason}: ${(e as Error).message}`));
  }

  /** Resolves when every event recorded so far is written (tests). */
  flush(): Promise<void> {
    return this.chain;
  }

  private async write(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const namespace = obj.metadata.namespace || 'default';
    const involved = {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
    };
    const key = [involved.kind, namespace, involved.name, involved.uid, type, reason, message].join('\u0000');
    const now = this.clock.now();
    const seen = this.seen.get(key);
    if (seen) {
      seen.count++;
      try {
        await this.client.patch(R.events, seen.namespace, seen.name, 'merge', { count: seen.count, lastTimestamp: rfc3339(now) });
        return;
      } catch {
        this.seen.delete(key);
      }
    }
    // As client-go: the object's name and the time in nanoseconds, in hex (BigInt: past 2^53).
    const name = `${obj.metadata.name}.${(BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))).toString(16)}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      type,
      source: this.host ? { component: this.component, host: this.host } : { component: this.component },
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      count: 1,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: this.host ?? '',
    };
    void rfc3339Micro;
    await this.client.create(R.events, namespace, event);
    if (this.seen.size > 4096) this.seen.clear();
    this.seen.set(key, { name, namespace, count: 1, firstTimestamp: rfc3339(now) });
  }
}
