// Service networking on a real containerd node (issue 5): requests per second through a
// ClusterIP to 3 busybox httpd pods against the same requests straight to the pod IPs, in the
// same run (alternating rounds, from the host and from inside a pod's network namespace); the
// time from a pod turning Ready to its first request through the Service; cluster DNS queries
// per second and p99 latency, at the DNS server on loopback and through the kube-dns ClusterIP
// from inside a pod. The load generator is bench/net-load.ts, a process of its own (nsenter
// puts it in the pod's network namespace). Needs root, containerd and iptables.
//
//   node --import tsx bench/network.ts [--rounds 3] [--ms 4000] [--ready-samples 20] [--no-write]

import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../src/api/object.js';
import { startCluster, type Cluster } from '../src/cluster/cluster.js';
import { InProcessClient } from '../src/client/in-process.js';
import { R } from '../src/client/resources.js';
import type { CriRuntime } from '../src/kubelet/runtime/cri/cri-runtime.js';
import { importImageArchive } from '../src/kubelet/runtime/cri/containerd.js';
import { ensureTestImages, whyNoContainers } from '../src/kubelet/runtime/cri/testing.js';
import { poll } from '../src/testing/poll.js';
import { runLine, writeDocSection } from './doc-section.js';
import { describeMachine, type MachineDescription } from './machine.js';
import { type LoadFigures } from './net-load.js';
import { renderTable } from './report.js';
import { formatMs, formatNumber, median, summarize, type LatencySummary } from './stats.js';

/** Inside what the task set aside for this benchmark. */
const clusterCIDR = '198.19.216.0/21';
const serviceCIDR = '198.18.210.0/24';
const namespace = 'default';
const image = 'docker.io/library/busybox:latest';
/** The load pod's command line, unique on the machine: how its process (and network namespace) is found. */
const loadPodMarker = ['sleep', '36017'];
const root = fileURLToPath(new URL('..', import.meta.url));
const execFileAsync = promisify(execFile);

export const targets = { clusterIPShare: 0.8, readyToTrafficP99Ms: 1000 };

export interface ThroughputRound {
  from: 'host' | 'pod';
  direct: LoadFigures[];
  clusterIP: LoadFigures[];
}

export interface NetworkResults {
  machine: MachineDescription;
  concurrency: number;
  roundMs: number;
  throughput: ThroughputRound[];
  readyToTraffic: LatencySummary;
  dns: { where: string; figures: LoadFigures }[];
  skipped?: string;
}


const web = (replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'bench-web', namespace },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'bench-web' } },
    template: {
      metadata: { labels: { app: 'bench-web' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'httpd', image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www'], ports: [{ name: 'http', containerPort: 80 }], readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 } }],
      },
    },
  },
});

const service = (name: string, selector: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector, ports: [{ port: 80, targetPort: 80 }] },
});

const pod = (name: string, labels: Record<string, string>, command: string[], readinessDelay?: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'c', image, imagePullPolicy: 'IfNotPresent', command, ...(readinessDelay !== undefined ? { readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: readinessDelay, periodSeconds: 1 } } : {}) }],
  },
});

const isReady = (p: KubeObject) => ((p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  return poll(fn, { timeoutMs, what, intervalMs: everyMs }) as Promise<T>;
}

/** The pid of the process whose command line is exactly `argv`. */
function pidOf(argv: string[]): number | undefined {
  const want = `${argv.join('\0')}\0`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === want) return Number(entry);
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}

/**
 * Runs bench/net-load.ts on the host or in the network namespace of process `netnsPid`.
 * Asynchronously: the cluster DNS it may load lives in this process's event loop.
 */
async function load(args: string[], netnsPid?: number): Promise<LoadFigures> {
  const node = [process.execPath, '--import', 'tsx', 'bench/net-load.ts', ...args];
  const argv = netnsPid ? ['nsenter', `--net=/proc/${netnsPid}/ns/net`, ...node] : node;
  try {
    const { stdout } = await execFileAsync(argv[0]!, argv.slice(1), { cwd: root, encoding: 'utf8', timeout: 120_000 });
    return JSON.parse(stdout.trim().split('\n').pop()!) as LoadFigures;
  } catch (e) {
    throw new Error(`net-load ${args.join(' ')} failed: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`);
  }
}

/** The body of one GET when it answered 200; a refused connection (no endpoint: REJECT) fails at once. */
function answers(url: string): Promise<string | undefined> {
  // node:http, one connection per request: fetch's pool kept failing after a refused connect.
  return new Promise((resolve) => {
    const req = httpGet(url, { agent: false, timeout: 500 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? body : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export interface NetworkOptions {
  rounds?: number;
  roundMs?: number;
  concurrency?: number;
  readySamples?: number;
  log?: (m: string) => void;
}

export async function measureNetwork(opts: NetworkOptions = {}): Promise<NetworkResults> {
  const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as NetworkOptions;
  const o = { rounds: 3, roundMs: 4000, concurrency: 12, readySamples: 20, log: () => {}, ...given } satisfies Required<NetworkOptions>;
  const out: NetworkResults = { machine: describeMachine(process.env.KUBECTL ?? '/usr/bin/kubectl'), concurrency: o.concurrency, roundMs: o.roundMs, throughput: [], readyToTraffic: summarize([]), dns: [] };
  const why = process.getuid?.() !== 0 ? 'needs root (iptables, containerd)' : await whyNoContainers();
  if (why) return { ...out, skipped: why };

  const dataDir = mkdtempSync('/tmp/bench-network-');
  const clusterLog: string[] = [];
  let cluster: Cluster | undefined;
  const stop = new AbortController();
  try {
    cluster = await startCluster({ dataDir, port: 0, runtime: 'containerd', nodes: 1, nodeName: 'bench-network', clusterCIDR, serviceCIDR, localStorageDir: false, log: (m) => clusterLog.push(m) });
    const node = cluster.node!;
    await node.running.kubelet.ready;
    const admin = new InProcessClient(cluster.server.registry, { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] }, 'bench');
    const images = await ensureTestImages();
    await importImageArchive({ socket: (node.running.kubelet.runtime as CriRuntime).containerd!.socket, file: images.busyboxTar, baseName: 'docker.io/library/busybox' });
    await until(() => admin.get(R.serviceaccounts, namespace, 'default'), 20_000, 'the default ServiceAccount');

    await admin.create(R.services, namespace, service('bench-web', { app: 'bench-web' }));
    await admin.create(R.services, namespace, service('bench-lat', { app: 'bench-lat' }));
    await admin.create(R.deployments, namespace, web(3));
    await admin.create(R.pods, namespace, pod('bench-load', { app: 'bench-load' }, loadPodMarker));
    const clusterIP = ((await admin.get(R.services, namespace, 'bench-web'))!.spec as { clusterIP: string }).clusterIP;
    const latIP = ((await admin.get(R.services, namespace, 'bench-lat'))!.spec as { clusterIP: string }).clusterIP;
    const dnsIP = ((await admin.get(R.services, 'kube-system', 'kube-dns'))!.spec as { clusterIP: string }).clusterIP;
    const podIPs = await until(async () => {
      const pods = (await admin.list(R.pods, namespace, { labelSelector: 'app=bench-web' })).items.filter(isReady);
      return pods.length === 3 ? pods.map((p) => (p.status as { podIP: string }).podIP) : undefined;
    }, 120_000, 'three ready web pods');
    await until(async () => (await admin.get(R.pods, namespace, 'bench-load'))?.status && isReady((await admin.get(R.pods, namespace, 'bench-load'))!), 60_000, 'the load pod');
    const loadPid = await until(async () => pidOf(loadPodMarker), 10_000, 'the load pod process');
    // The rules are in once every pod answers through the ClusterIP.
    const seen = new Set<string>();
    await until(async () => {
      const a = await answers(`http://${clusterIP}/`);
      if (a) seen.add(a);
      return seen.size === 3;
    }, 20_000, 'the ClusterIP to reach all three pods', 10);
    o.log(`node ready; web pods ${podIPs.join(', ')}, ClusterIP ${clusterIP}`);

    // Throughput: direct and ClusterIP rounds alternate, so load from elsewhere hits both alike.
    for (const from of ['host', 'pod'] as const) {
      const round: ThroughputRound = { from, direct: [], clusterIP: [] };
      const pid = from === 'pod' ? loadPid : undefined;
      for (let i = 0; i < o.rounds; i++) {
        round.direct.push(await load(['http', '--targets', podIPs.map((ip) => `${ip}:80`).join(','), '--ms', String(o.roundMs), '--concurrency', String(o.concurrency)], pid));
        round.clusterIP.push(await load(['http', '--targets', `${clusterIP}:80`, '--ms', String(o.roundMs), '--concurrency', String(o.concurrency)], pid));
      }
      o.log(`throughput from the ${from}: direct ${round.direct.map((f) => f.perSecond.toFixed(0)).join('/')}, ClusterIP ${round.clusterIP.map((f) => f.perSecond.toFixed(0)).join('/')} req/s`);
      out.throughput.push(round);
    }

    // Ready → traffic: the Service bench-lat has no endpoint (its ClusterIP refuses) until the
    // one pod of each sample turns Ready; a prober asks every ~5 ms.
    const readyAt = new Map<string, number>();
    void (async () => {
      const rv = (await admin.list(R.pods, namespace)).resourceVersion;
      for await (const ev of admin.watch(R.pods, namespace, { resourceVersion: rv, labelSelector: 'app=bench-lat', signal: stop.signal })) {
        if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && isReady(ev.object) && !readyAt.has(ev.object.metadata.name!)) readyAt.set(ev.object.metadata.name!, performance.now());
      }
    })().catch(() => {});
    const samples: number[] = [];
    for (let i = 0; i < o.readySamples; i++) {
      const name = `bench-lat-${i}`;
      await admin.create(R.pods, namespace, pod(name, { app: 'bench-lat' }, ['sh', '-c', `mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p 80 -h /www`], 1));
      let last: string | undefined;
      const firstAnswer = await until(async () => ((last = await answers(`http://${latIP}/`))?.trim() === name ? performance.now() : undefined), 30_000, `${name} to answer`, 5).catch(async (e: Error) => {
        const slices = JSON.stringify((await admin.list(R.endpointslices, namespace, { labelSelector: 'kubernetes.io/service-name=bench-lat' })).items.map((x) => (x as { endpoints?: unknown }).endpoints));
        const rules = spawnSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes('bench-lat')).join('\n');
        throw new Error(`${e.message} (last answer: ${last}; pods: ${JSON.stringify([...readyAt.keys()])})\nEndpointSlice endpoints: ${slices}\nrules:\n${rules}`);
      });
      const ready = await until(async () => readyAt.get(name), 5000, `${name} Ready in the watch`);
      samples.push(firstAnswer - ready);
      await admin.delete(R.pods, namespace, name, { gracePeriodSeconds: 0 });
      await until(async () => !(await answers(`http://${latIP}/`)), 30_000, `${name} out of the Service`, 20);
    }
    out.readyToTraffic = summarize(samples);
    o.log(`ready → traffic: p50 ${formatMs(out.readyToTraffic.p50)}, p99 ${formatMs(out.readyToTraffic.p99)}`);

    // DNS: at the server on loopback (what the node runs), and from a pod through the kube-dns ClusterIP.
    const name = 'bench-web.default.svc.cluster.local';
    out.dns.push({ where: 'the DNS server on 127.0.0.1 (from the host)', figures: await load(['dns', '--server', `127.0.0.1:${node.running.dns!.port}`, '--name', name, '--ms', String(o.roundMs)]) });
    out.dns.push({ where: `from a pod, through the kube-dns ClusterIP ${dnsIP}`, figures: await load(['dns', '--server', `${dnsIP}:53`, '--name', name, '--ms', String(o.roundMs)], loadPid) });
    for (const d of out.dns) o.log(`dns ${d.where}: ${d.figures.perSecond.toFixed(0)} q/s, p99 ${formatMs(d.figures.latencyMs.p99)}, ${d.figures.errors} errors`);
    return out;
  } catch (e) {
    process.stderr.write(`cluster log (last lines):\n${clusterLog.slice(-30).join('\n')}\n`);
    throw e;
  } finally {
    stop.abort();
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function renderNetwork(r: NetworkResults): string {
  const title = '### Service networking on a containerd node: ClusterIP throughput, Ready → traffic, cluster DNS';
  if (r.skipped) return `${title}\n\nSkipped: ${r.skipped}.`;
  const rps = (fs: LoadFigures[]) => median(fs.map((f) => f.perSecond));
  const errs = (fs: LoadFigures[]) => fs.reduce((n, f) => n + f.errors, 0);
  const throughputRows = r.throughput.map((t) => {
    // Each ClusterIP round against the direct round just before it: the load that other work
    // puts on the machine changes between rounds far more than within a pair.
    const share = median(t.clusterIP.map((c, i) => c.perSecond / t.direct[i]!.perSecond));
    return [
      `from the ${t.from}`,
      `${formatNumber(rps(t.direct))} (${t.direct.map((f) => formatNumber(f.perSecond)).join(', ')})`,
      `${formatNumber(rps(t.clusterIP))} (${t.clusterIP.map((f) => formatNumber(f.perSecond)).join(', ')})`,
      `${(share * 100).toFixed(0)}%`,
      `${formatMs(median(t.direct.map((f) => f.latencyMs.p99)))} / ${formatMs(median(t.clusterIP.map((f) => f.latencyMs.p99)))}`,
      `${errs(t.direct)} / ${errs(t.clusterIP)}`,
      share >= targets.clusterIPShare ? 'PASS' : 'FAIL',
    ];
  });
  const ready = r.readyToTraffic;
  const dnsRows = r.dns.map((d) => [d.where, formatNumber(d.figures.perSecond), formatMs(d.figures.latencyMs.p50), formatMs(d.figures.latencyMs.p99), String(d.figures.errors)]);
  return [
    title,
    '',
    `Run: ${runLine(r.machine)}.`,
    '',
    `#### Requests per second: straight to the 3 pod IPs, and through their ClusterIP (target: ≥ ${targets.clusterIPShare * 100}% of direct)`,
    '',
    renderTable(['load from', 'direct req/s, median (rounds)', 'ClusterIP req/s, median (rounds)', 'ClusterIP / direct, median of the rounds', 'p99 latency direct / ClusterIP', 'errors direct / ClusterIP', 'result'], throughputRows, 'markdown'),
    '',
    `${r.concurrency} concurrent loops of \`bench/net-load.ts\` (Node), each a new TCP connection per GET (busybox \`httpd\` closes after each answer and forks per connection; the proxy balances connections), ${(r.roundMs / 1000).toFixed(0)} s per round, direct and ClusterIP rounds alternating; the share is the median, over the pairs, of a ClusterIP round's rate over the direct round's just before it (on a shared machine the load from other work moves between rounds more than within a pair). Direct requests go round-robin over the three pod IPs; ClusterIP requests are spread by the node's iptables rules. "From the host": the OUTPUT chain's DNAT; "from the pod": the generator runs in a pod's network namespace (\`nsenter --net\`), so requests take the PREROUTING path pods take.`,
    '',
    `#### Pod Ready → first request through the Service (target: p99 < ${formatMs(targets.readyToTrafficP99Ms)})`,
    '',
    renderTable(['samples', 'p50', 'p99', 'max', 'result'], [[String(ready.count), formatMs(ready.p50), formatMs(ready.p99), formatMs(ready.max), ready.p99 < targets.readyToTrafficP99Ms ? 'PASS' : 'FAIL']], 'markdown'),
    '',
    "A Service whose only pod is created per sample: from a watch first seeing the pod's `Ready` condition `True` to the first answer from that pod at the ClusterIP, probed from the host every ~5 ms (before it, the ClusterIP refuses: no endpoint). It covers the EndpointSlice controller's update, the proxy's informer, its rate limit (at most one restore per 150 ms) and `iptables-restore`.",
    '',
    '#### Cluster DNS: A queries for a Service name',
    '',
    renderTable(['where', 'queries/s', 'p50', 'p99', 'lost or failed'], dnsRows, 'markdown'),
    '',
    `32 queries in flight over one UDP socket for ${(r.roundMs / 1000).toFixed(0)} s (\`bench/net-load.ts dns\`).`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, ms: { type: 'string' }, 'ready-samples': { type: 'string' }, concurrency: { type: 'string' }, 'no-write': { type: 'boolean', default: false } } });
  const results = await measureNetwork({
    rounds: values.rounds ? Number(values.rounds) : undefined,
    roundMs: values.ms ? Number(values.ms) : undefined,
    readySamples: values['ready-samples'] ? Number(values['ready-samples']) : undefined,
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
    log: (m) => process.stderr.write(`[network ${new Date().toISOString().slice(11, 19)}] ${m}\n`),
  });
  const text = renderNetwork(results);
  console.log(text);
  if (!values['no-write'] && !results.skipped) {
    writeDocSection('network', text);
    process.stderr.write('wrote docs/benchmarks.md\n');
  }
  process.exit(0);
}
