// `npm run bench`: every figure in one run, side by side — the raw store, the API server over
// HTTPS (creates, gets, lists, watch delivery), kubectl over 10,000 pods, cold start and
// memory — then a summary on stdout and the generated part of docs/benchmarks.md.
//
//   node scripts/bench.mjs [--quick] [--source | --entry FILE] [--no-write] [--cpu-prof DIR]
//                          [--pods N] [--kubectl PATH]
//
// --quick     small counts, nothing written: a smoke test of the harness
// --source    run the server from the TypeScript sources through tsx instead of the bundle
// --entry     run the server from another built bundle (`node FILE up ...`)
// --cpu-prof  profile the measured server (nothing written); summarise with bench/profile-summary.ts
// --pods      how many pods the list, kubectl and memory figures run over (10,000)
// --kubectl   the kubectl binary ($KUBECTL or /usr/bin/kubectl)
// --schedule  let the cluster's scheduler take the pods (by default they name a scheduler that
//             does not run, so the figures are the API server's; see pod-fixture.ts)

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchHttpsClient } from './https-client.js';
import { timeKubectl } from './kubectl-bench.js';
import { startKubelite, type RunningKubelite } from './kubelite-process.js';
import { nowMs } from './load.js';
import { describeMachine } from './machine.js';
import { checkTargets, renderMarkdown, renderSummary, spliceGenerated } from './report.js';
import type { BenchResults } from './results.js';
import {
  countPods,
  currentResourceVersion,
  fillTo,
  measureCreates,
  measureGets,
  measurePagedLists,
  measureWholeList,
  podName,
  podsPath,
  waitForDefaultServiceAccount,
  type CreateFigures,
  type ThroughputFigures,
} from './server-bench.js';
import { measureFreshStarts, measureRestarts } from './startup-bench.js';
import { measureStoreWrites, type StoreWriteFigures } from './store-bench.js';
import { benchNamespace, benchPodBody, unscheduledSchedulerName } from './pod-fixture.js';
import { WatcherProcess } from './watch-latency.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const docPath = join(root, 'docs/benchmarks.md');

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    source: { type: 'boolean', default: false },
    entry: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    pods: { type: 'string' },
    kubectl: { type: 'string', default: process.env.KUBECTL ?? '/usr/bin/kubectl' },
    schedule: { type: 'boolean', default: false },
  },
});

const quick = args.quick;
const plan = {
  concurrency: [1, 10, 50],
  storeWrites: quick ? 500 : 4000,
  storeSequentialWrites: quick ? 300 : 2000,
  starts: quick ? 2 : 5,
  // For the JIT to settle: after 1,000, 1-client creates still cost ~1.5x the CPU they do once
  // the 10- and 50-client phases have run (compiler and GC threads alone 0.46 ms a create).
  warmupCreates: quick ? 100 : 4000,
  creates: (clients: number) => (quick ? 200 : clients === 1 ? 1000 : clients === 10 ? 2000 : 3000),
  phaseMs: quick ? 1000 : 4000,
  pods: Number(args.pods ?? (quick ? 2000 : 10_000)),
  pageSize: 500,
  wholeListRuns: quick ? 2 : 3,
  kubectlRuns: quick ? 2 : 5,
  kubectlJsonRuns: quick ? 1 : 3,
  settleMs: 2000,
};

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function main(): Promise<void> {
  const started = nowMs();
  const bundle = args.entry ? resolve(args.entry) : join(root, 'bin/kubelite.js');
  const server = args.source || (!args.entry && !existsSync(join(root, 'dist/kubelite.js'))) ? 'source' : 'bundle';
  if (server === 'source' && !args.source) log('dist/kubelite.js is missing: running the server from the sources through tsx');
  const launch = {
    cwd: root,
    entry: server === 'bundle' ? [bundle] : ['--import', 'tsx', join(root, 'src/cmd/main.ts')],
  };
  const machine = describeMachine(args.kubectl);
  const podBody = args.schedule ? (name: string) => benchPodBody(name) : (name: string) => benchPodBody(name, benchNamespace, { schedulerName: unscheduledSchedulerName });

  log('raw store writes');
  const store: StoreWriteFigures[] = [];
  for (const writers of plan.concurrency) store.push(await measureStoreWrites(writers, writers === 1 ? plan.storeSequentialWrites : plan.storeWrites));
  store.push(await measureStoreWrites(0, plan.storeWrites));

  log('cold starts');
  const freshStart = await measureFreshStarts(launch, plan.starts);
  const restart = await measureRestarts(launch, plan.starts);

  const dataDir = mkdtempSync(join(tmpdir(), 'kubelite-bench-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubelite-bench-kubectl-'));
  let kubelite: RunningKubelite | undefined;
  let client: BenchHttpsClient | undefined;
  let watcher: WatcherProcess | undefined;
  try {
    const nodeFlags = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', resolve(args['cpu-prof'])] : [];
    kubelite = await startKubelite({ ...launch, dataDir, nodeFlags });
    await sleep(plan.settleMs);
    const rssAfterStart = kubelite.rssBytes();
    client = new BenchHttpsClient(kubelite, Math.max(...plan.concurrency));
    await waitForDefaultServiceAccount(client);
    const rv = await currentResourceVersion(client);
    watcher = await WatcherProcess.open(kubelite, `${podsPath}?watch=true&resourceVersion=${rv}`);

    log('server creates (warm-up first)');
    let podCount = await countPods(client);
    const cpu = kubelite.cpuMs;
    await measureCreates(client, watcher, cpu, 10, plan.warmupCreates, 'warmup', podBody);
    podCount += plan.warmupCreates;
    const creates: CreateFigures[] = [];
    for (const clients of plan.concurrency) {
      const figures = await measureCreates(client, watcher, cpu, clients, plan.creates(clients), `c${clients}`, podBody);
      creates.push(figures);
      podCount += figures.operations;
    }
    await watcher.close();
    watcher = undefined;

    log('server gets');
    const names = Array.from({ length: plan.creates(1) }, (_, i) => podName('c1', i));
    const gets: ThroughputFigures[] = [];
    for (const clients of plan.concurrency) gets.push(await measureGets(client, cpu, clients, plan.phaseMs, names));

    log(`filling to ${plan.pods} pods`);
    await fillTo(client, plan.pods, podCount, 'fill', 50, podBody);
    podCount = await countPods(client);
    const cpuBeforeIdle = cpu();
    await sleep(plan.settleMs);
    // Anything still churning in the background (retries, resyncs) shows up here.
    const idleCpuAfterPods = ((cpu() - cpuBeforeIdle) * 1000) / plan.settleMs;
    const rssAfterPods = kubelite.rssBytes();

    log('server lists');
    const pagedLists: ThroughputFigures[] = [];
    for (const clients of plan.concurrency) pagedLists.push(await measurePagedLists(client, cpu, clients, plan.phaseMs, plan.pageSize));
    const wholeLists = [await measureWholeList(client, 'json', plan.wholeListRuns), await measureWholeList(client, 'table', plan.wholeListRuns)];

    log('kubectl');
    const kubectlBase = { kubectl: args.kubectl, kubeconfig: kubelite.kubeconfig, cacheDir, serverCpu: cpu };
    const kubectlTable = await timeKubectl({ ...kubectlBase, args: ['get', 'pods'], runs: plan.kubectlRuns });
    const kubectlJson = await timeKubectl({ ...kubectlBase, args: ['get', 'pods', '-o', 'json'], runs: plan.kubectlJsonRuns });

    await sleep(plan.settleMs);
    const rssAtEnd = kubelite.rssBytes();

    const results: BenchResults = {
      machine,
      server,
      durationMs: nowMs() - started,
      loadAverageAtEnd: loadavg()[0],
      store,
      creates,
      gets,
      pagedLists,
      pageSize: plan.pageSize,
      wholeLists,
      podCount,
      kubectlTable,
      kubectlJson,
      freshStart,
      restart,
      rssAfterStart,
      rssAfterPods,
      rssAtEnd,
      idleCpuAfterPods,
      scheduled: args.schedule,
    };
    const checks = checkTargets(results);
    process.stdout.write(renderSummary(results, checks));
    // A profiled or shortened run is not the one to publish.
    if (!args['no-write'] && !quick && !args['cpu-prof']) {
      const existing = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n';
      writeFileSync(docPath, spliceGenerated(existing, renderMarkdown(results, checks)));
      log(`wrote ${docPath}`);
    }
  } catch (e) {
    if (kubelite) process.stderr.write(`kubelite output:\n${kubelite.output().slice(-4000)}\n`);
    throw e;
  } finally {
    await watcher?.close();
    client?.close();
    await kubelite?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
