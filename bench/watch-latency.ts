// Watch delivery latency: a watcher in a process of its own holds a pod watch open over HTTPS
// and notes when each ADDED event arrives; the load generator notes when each create's
// response arrived. Both read the host's monotonic clock, so the difference is the delay a
// controller would see between a write being acknowledged and hearing about it.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClusterCredentials } from './kubelite-process.js';
import { summarize, type LatencySummary } from './stats.js';

export interface WatchDelivery {
  /** Events matched to creates. */
  delivered: number;
  /** Creates whose event never came. */
  missing: number;
  /** Events that arrived before the create's own response (counted as 0 ms). */
  beforeResponse: number;
  latency: LatencySummary;
}

/**
 * Delivery delays for the creates in `responses` (pod name → response time) given the
 * watcher's arrival times (pod name → arrival time). An event that beat its create's response
 * counts as zero: the watcher heard no later than the writer.
 */
export function deliveryLatencies(responses: ReadonlyMap<string, number>, arrivals: ReadonlyMap<string, number>): WatchDelivery {
  const delays: number[] = [];
  let missing = 0;
  let beforeResponse = 0;
  for (const [name, respondedAt] of responses) {
    const arrivedAt = arrivals.get(name);
    if (arrivedAt === undefined) {
      missing++;
      continue;
    }
    const delay = arrivedAt - respondedAt;
    if (delay < 0) beforeResponse++;
    delays.push(Math.max(0, delay));
  }
  return { delivered: delays.length, missing, beforeResponse, latency: summarize(delays) };
}

/** Messages between the load generator and the watcher process. */
export type WatcherRequest =
  | { type: 'start'; creds: ClusterCredentials; path: string }
  | { type: 'collect'; prefix: string; count: number; timeoutMs: number }
  | { type: 'exit' };

export type WatcherReply =
  | { type: 'watching' }
  | { type: 'arrivals'; arrivals: [string, number][] }
  | { type: 'error'; message: string };

/** The watcher process, driven over IPC. */
export class WatcherProcess {
  private child: ChildProcess;
  private pending: ((reply: WatcherReply) => void)[] = [];
  private exited: Promise<void>;

  private constructor() {
    const script = fileURLToPath(new URL('./watcher-main.ts', import.meta.url));
    this.child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: WatcherReply) => this.pending.shift()?.(m));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.once('exit', () => {
      for (const p of this.pending.splice(0)) p({ type: 'error', message: 'watcher process exited' });
    });
  }

  private ask(request: WatcherRequest): Promise<WatcherReply> {
    return new Promise((resolve, reject) => {
      this.pending.push((reply) => (reply.type === 'error' ? reject(new Error(`watcher: ${reply.message}`)) : resolve(reply)));
      this.child.send(request);
    });
  }

  /** Starts a watcher and returns once its watch is open. */
  static async open(creds: ClusterCredentials, path: string): Promise<WatcherProcess> {
    const w = new WatcherProcess();
    await w.ask({ type: 'start', creds, path });
    return w;
  }

  /** Arrival times of ADDED events for pods named with `prefix`, once `count` arrived or the time is up. */
  async arrivals(prefix: string, count: number, timeoutMs = 10_000): Promise<Map<string, number>> {
    const reply = await this.ask({ type: 'collect', prefix, count, timeoutMs });
    return new Map(reply.type === 'arrivals' ? reply.arrivals : []);
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.send({ type: 'exit' } satisfies WatcherRequest);
    await this.exited;
  }
}
