// The API server's figures over HTTPS from a separate process: pod creates (with watch
// delivery measured alongside), gets, paged lists and whole lists, each with a number of
// concurrent keep-alive clients.

import type { BenchHttpsClient } from './https-client.js';
import { closedLoop, nowMs } from './load.js';
import { benchPodBody, benchNamespace } from './pod-fixture.js';
import { median, rate, summarize, type LatencySummary } from './stats.js';
import { deliveryLatencies, type WatchDelivery, type WatcherProcess } from './watch-latency.js';

export const podsPath = `/api/v1/namespaces/${benchNamespace}/pods`;

/** What kubectl sends for `kubectl get`: a Table, falling back to plain JSON. */
export const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export interface ThroughputFigures {
  clients: number;
  operations: number;
  errors: number;
  perSecond: number;
  latency: LatencySummary;
  /** Server CPU (user + system) per operation: steadier than rates on a shared machine. */
  serverCpuMsPerOp: number;
}

/** Reads the server process's CPU time so far, in ms. */
export type CpuProbe = () => number;

/** The JSON body of the pod to create under a name. */
export type PodBody = (name: string) => string;

const defaultPodBody: PodBody = (name) => benchPodBody(name);

export interface CreateFigures extends ThroughputFigures {
  watch: WatchDelivery;
}

/** The name of the i-th pod a create phase makes; the prefix tells phases apart. */
export function podName(prefix: string, i: number): string {
  return `${prefix}-${String(i).padStart(6, '0')}`;
}

function failOnErrors(what: string, run: { errors: number; firstError?: unknown; operations: number }): void {
  // A few failures would skew nothing; a phase where most fail would measure error paths.
  if (run.errors > run.operations / 100) throw new Error(`${what}: ${run.errors} errors, first: ${String(run.firstError)}`);
}

/** Creates `count` pods with `clients` concurrent clients while `watcher` times their events. */
export async function measureCreates(
  client: BenchHttpsClient,
  watcher: WatcherProcess,
  cpu: CpuProbe,
  clients: number,
  count: number,
  prefix: string,
  podBody: PodBody = defaultPodBody,
): Promise<CreateFigures> {
  const respondedAt = new Map<string, number>();
  const cpuBefore = cpu();
  const run = await closedLoop({
    clients,
    operations: count,
    op: async (i) => {
      const name = podName(prefix, i);
      await client.expect(201, 'POST', podsPath, podBody(name));
      respondedAt.set(name, nowMs());
    },
  });
  const serverCpuMsPerOp = (cpu() - cpuBefore) / run.operations;
  failOnErrors(`create with ${clients} clients`, run);
  const arrivals = await watcher.arrivals(`${prefix}-`, respondedAt.size);
  return {
    clients,
    operations: run.operations,
    errors: run.errors,
    perSecond: rate(run.operations, run.elapsedMs),
    latency: summarize(run.latencies),
    serverCpuMsPerOp,
    watch: deliveryLatencies(respondedAt, arrivals),
  };
}

/** Gets pods picked at random from `names` for `durationMs`. */
export async function measureGets(client: BenchHttpsClient, cpu: CpuProbe, clients: number, durationMs: number, names: readonly string[]): Promise<ThroughputFigures> {
  const cpuBefore = cpu();
  const run = await closedLoop({
    clients,
    durationMs,
    op: async () => {
      const name = names[Math.floor(Math.random() * names.length)];
      await client.expect(200, 'GET', `${podsPath}/${name}`);
    },
  });
  const serverCpuMsPerOp = (cpu() - cpuBefore) / run.operations;
  failOnErrors(`get with ${clients} clients`, run);
  return { clients, operations: run.operations, errors: run.errors, perSecond: rate(run.operations, run.elapsedMs), latency: summarize(run.latencies), serverCpuMsPerOp };
}

/** Lists the first page of `limit` pods, as informers and kubectl page through a list. */
export async function measurePagedLists(client: BenchHttpsClient, cpu: CpuProbe, clients: number, durationMs: number, limit: number): Promise<ThroughputFigures> {
  const cpuBefore = cpu();
  const run = await closedLoop({
    clients,
    durationMs,
    op: async () => {
      await client.expect(200, 'GET', `${podsPath}?limit=${limit}`);
    },
  });
  const serverCpuMsPerOp = (cpu() - cpuBefore) / run.operations;
  failOnErrors(`list with ${clients} clients`, run);
  return { clients, operations: run.operations, errors: run.errors, perSecond: rate(run.operations, run.elapsedMs), latency: summarize(run.latencies), serverCpuMsPerOp };
}

export interface WholeListFigures {
  accept: 'json' | 'table';
  items: number;
  bytes: number;
  runsMs: number[];
  medianMs: number;
}

/** Lists every pod in one request, `runs` times, as JSON or as kubectl's Table. */
export async function measureWholeList(client: BenchHttpsClient, accept: 'json' | 'table', runs: number): Promise<WholeListFigures> {
  const runsMs: number[] = [];
  let items = 0;
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = nowMs();
    const body = await client.expect(200, 'GET', podsPath, undefined, accept === 'table' ? tableAccept : 'application/json');
    runsMs.push(nowMs() - t0);
    const parsed = JSON.parse(body.toString('utf8')) as { items?: unknown[]; rows?: unknown[] };
    items = (accept === 'table' ? parsed.rows : parsed.items)?.length ?? 0;
    bytes = body.length;
  }
  return { accept, items, bytes, runsMs, medianMs: median(runsMs) };
}

/** Creates pods (named `prefix-N`) until the namespace holds `total`; returns how many it made. */
export async function fillTo(client: BenchHttpsClient, total: number, existing: number, prefix: string, clients = 50, podBody: PodBody = defaultPodBody): Promise<number> {
  const missing = Math.max(0, total - existing);
  const run = await closedLoop({
    clients,
    operations: missing,
    op: async (i) => {
      await client.expect(201, 'POST', podsPath, podBody(podName(prefix, i)));
    },
  });
  failOnErrors('filling the namespace', run);
  return run.operations;
}

/** How many pods the namespace holds now (a cheap list: one item, and the remaining count). */
export async function countPods(client: BenchHttpsClient): Promise<number> {
  const body = await client.expect(200, 'GET', `${podsPath}?limit=1`);
  const list = JSON.parse(body.toString('utf8')) as { items: unknown[]; metadata: { remainingItemCount?: number } };
  return list.items.length + (list.metadata.remainingItemCount ?? 0);
}

/**
 * Waits (up to `timeoutMs`) for the namespace's default ServiceAccount: until its controller
 * has made it, ServiceAccount admission refuses pods, as in Kubernetes.
 */
export async function waitForDefaultServiceAccount(client: BenchHttpsClient, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await client.request('GET', `/api/v1/namespaces/${benchNamespace}/serviceaccounts/default`)).status === 200) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The list's resourceVersion, where a watch starts so it sees only what follows. */
export async function currentResourceVersion(client: BenchHttpsClient): Promise<string> {
  const body = await client.expect(200, 'GET', `${podsPath}?limit=1`);
  return (JSON.parse(body.toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
}
