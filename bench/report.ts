// The verdict and the write-up of a benchmark run: each target checked against what was
// measured, a plain-text summary for the terminal and the generated part of
// docs/benchmarks.md. Pure: the caller decides where the text goes.

import { unscheduledSchedulerName } from './pod-fixture.js';
import type { BenchResults } from './results.js';
import { formatBytes, formatCount, formatMs, formatNumber } from './stats.js';

export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

const MiB = 1024 * 1024;

/** Checks every target the project set for itself against one run's figures. */
export function checkTargets(r: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const c of r.creates) {
    const store = r.store.find((s) => s.writers === c.clients);
    if (!store) continue;
    checks.push({
      target: `server creates/s ≥ ½ raw store's rate (${c.clients} client${c.clients === 1 ? '' : 's'} vs ${store.writers} writer${store.writers === 1 ? '' : 's'})`,
      measured: `${formatNumber(c.perSecond)}/s vs ${formatNumber(store.perSecond)}/s (${Math.round((100 * c.perSecond) / store.perSecond)}%)`,
      pass: c.perSecond >= store.perSecond / 2,
    });
  }
  const at50 = r.creates.find((c) => c.clients === 50);
  if (at50) checks.push({ target: 'p99 create latency < 20 ms at 50 clients', measured: formatMs(at50.latency.p99), pass: at50.latency.p99 < 20 });
  for (const c of r.creates) {
    const w = c.watch;
    checks.push({
      target: `watch delivery p99 < 10 ms (during creates by ${c.clients} client${c.clients === 1 ? '' : 's'})`,
      measured: formatMs(w.latency.p99) + (w.missing ? `, ${w.missing} events missing` : ''),
      pass: w.latency.p99 < 10 && w.missing === 0,
    });
  }
  checks.push({
    target: `\`kubectl get pods\` over ${formatCount(r.podCount)} pods < 1 s`,
    measured: `${formatMs(r.kubectlTable.medianMs)} (median)`,
    pass: r.kubectlTable.medianMs < 1000,
  });
  checks.push({ target: 'cold start < 1 s, fresh data dir', measured: `${formatMs(r.freshStart.medianMs)} (median)`, pass: r.freshStart.medianMs < 1000 });
  checks.push({ target: 'cold start < 1 s, existing data dir', measured: `${formatMs(r.restart.medianMs)} (median)`, pass: r.restart.medianMs < 1000 });
  // The target is for an idle server; with 10,000 pods the store's in-memory copy of every
  // object dominates, so that figure is reported beside it, not judged.
  checks.push({ target: 'idle RSS < 120 MiB after start', measured: formatBytes(r.rssAfterStart), pass: r.rssAfterStart < 120 * MiB });
  return checks;
}

/** A table as aligned plain text (for a terminal) or as GitHub markdown. */
export function renderTable(header: string[], rows: string[][], style: 'text' | 'markdown'): string {
  if (style === 'markdown') {
    const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'FAIL';
}

function writersLabel(writers: number, writes: number): string {
  if (writers === 0) return `burst (all ${formatCount(writes)} at once)`;
  return writers === 1 ? '1 (sequential)' : String(writers);
}

interface Section {
  title: string;
  header: string[];
  rows: string[][];
  note?: string;
}

function sections(r: BenchResults, checks: TargetCheck[]): Section[] {
  const ms = formatMs;
  return [
    {
      title: 'Targets',
      header: ['target', 'measured', 'result'],
      rows: checks.map((c) => [c.target, c.measured, verdict(c.pass)]),
    },
    {
      title: 'Raw store: SqliteStorage.create of ~3 KB pods (WAL, synchronous=FULL, group commit)',
      header: ['writers', 'writes', 'creates/s', 'p50', 'p99'],
      rows: r.store.map((s) => [writersLabel(s.writers, s.writes), formatCount(s.writes), formatNumber(s.perSecond), ms(s.latency.p50), ms(s.latency.p99)]),
      note: 'Each writer awaits its create before the next; writes made in one event-loop turn share one transaction and one fsync.',
    },
    {
      title: 'API server over HTTPS: create pod (POST), with watch delivery measured alongside',
      header: ['clients', 'creates', 'creates/s', 'p50', 'p99', 'server CPU/create', 'watch p50', 'watch p99', 'watch max'],
      rows: r.creates.map((c) => [
        String(c.clients),
        formatCount(c.operations),
        formatNumber(c.perSecond),
        ms(c.latency.p50),
        ms(c.latency.p99),
        ms(c.serverCpuMsPerOp),
        ms(c.watch.latency.p50),
        ms(c.watch.latency.p99),
        ms(c.watch.latency.max),
      ]),
      note:
        'Watch delivery: time from a create\'s response reaching the load generator to its ADDED event reaching a watcher in another process ' +
        '(both on the host\'s monotonic clock); an event that arrives before the response counts as 0 ms.',
    },
    {
      title: 'API server over HTTPS: get pod by name',
      header: ['clients', 'gets', 'gets/s', 'p50', 'p99', 'server CPU/get'],
      rows: r.gets.map((g) => [String(g.clients), formatCount(g.operations), formatNumber(g.perSecond), ms(g.latency.p50), ms(g.latency.p99), ms(g.serverCpuMsPerOp)]),
    },
    {
      title: `API server over HTTPS: list pods, first page of ${r.pageSize} (of ${formatCount(r.podCount)})`,
      header: ['clients', 'lists', 'lists/s', 'p50', 'p99', 'server CPU/list'],
      rows: r.pagedLists.map((g) => [String(g.clients), formatCount(g.operations), formatNumber(g.perSecond), ms(g.latency.p50), ms(g.latency.p99), ms(g.serverCpuMsPerOp)]),
    },
    {
      title: `API server over HTTPS: list all ${formatCount(r.podCount)} pods in one request`,
      header: ['as', 'items', 'bytes', 'median', 'runs'],
      rows: r.wholeLists.map((l) => [l.accept === 'table' ? 'Table (kubectl get)' : 'PodList JSON', formatCount(l.items), formatBytes(l.bytes), ms(l.medianMs), l.runsMs.map((x) => formatNumber(x)).join(', ')]),
    },
    {
      title: `kubectl ${r.machine.kubectl} over ${formatCount(r.podCount)} pods`,
      header: ['command', 'first run', 'median', 'runs (ms)', 'kubectl CPU', 'server CPU', 'output'],
      rows: [r.kubectlTable, r.kubectlJson].map((k) => [
        `kubectl ${k.args.join(' ')}`,
        ms(k.firstMs),
        ms(k.medianMs),
        k.runsMs.map((x) => formatNumber(x)).join(', '),
        ms(k.kubectlCpuMs),
        ms(k.serverCpuMs),
        k.args.includes('json') ? formatBytes(k.outputBytes) : `${formatCount(k.outputLines)} lines`,
      ]),
      note:
        'The first run also fills kubectl\'s discovery cache; the median is over the runs after it. `kubectl get` pages through the list 500 at a time. ' +
        'CPU columns are medians per run: kubectl\'s own user + system time, and the server process\'s during the run.',
    },
    {
      title: '`kubelite up`: start to ready, and memory',
      header: ['measure', 'median', 'runs', 'in-process part'],
      rows: [
        ['cold start, fresh data dir', ms(r.freshStart.medianMs), r.freshStart.runsMs.map((x) => formatNumber(x)).join(', '), ms(r.freshStart.reportedMedianMs)],
        ['cold start, existing data dir', ms(r.restart.medianMs), r.restart.runsMs.map((x) => formatNumber(x)).join(', '), ms(r.restart.reportedMedianMs)],
        ['idle RSS after start', formatBytes(r.rssAfterStart), '', ''],
        [`idle RSS after loading ${formatCount(r.podCount)} pods`, formatBytes(r.rssAfterPods), '', ''],
        ['idle RSS at the end (after the list and kubectl runs)', formatBytes(r.rssAtEnd), '', ''],
        [`idle server CPU after loading ${formatCount(r.podCount)} pods`, `${formatNumber(r.idleCpuAfterPods)} ms/s`, '', ''],
      ],
      note: 'Start is timed from exec of `node bin/kubelite.js up` to its ready line; "in-process part" is the time the process itself reports (without node\'s own start and module loading).',
    },
  ];
}

function machineLine(r: BenchResults): string {
  const m = r.machine;
  return `${m.date.slice(0, 10)} · ${m.cpuModel}, ${m.cpus} CPUs, ${m.memoryGiB} GiB RAM · Linux ${m.kernel} · node ${m.node} · kubectl ${m.kubectl} · load average ${m.loadAverage.toFixed(2)} at start, ${r.loadAverageAtEnd.toFixed(2)} at end · server: ${r.server === 'bundle' ? 'built bundle (bin/kubelite.js)' : 'TypeScript sources through tsx'} · pods ${r.scheduled ? 'scheduled' : 'left unscheduled'} · run took ${(r.durationMs / 1000).toFixed(0)} s`;
}

/** The terminal summary. */
export function renderSummary(r: BenchResults, checks: TargetCheck[]): string {
  const parts = [`kubelite benchmark — ${machineLine(r)}`];
  for (const s of sections(r, checks)) parts.push(`\n${s.title}\n${renderTable(s.header, s.rows, 'text')}`);
  const failed = checks.filter((c) => !c.pass).length;
  parts.push(`\n${checks.length - failed} of ${checks.length} targets met.`);
  return parts.join('\n') + '\n';
}

export const generatedBegin = '<!-- bench:begin (generated by `npm run bench`; edits inside are overwritten) -->';
export const generatedEnd = '<!-- bench:end -->';

/** The generated part of docs/benchmarks.md. */
export function renderMarkdown(r: BenchResults, checks: TargetCheck[]): string {
  const m = r.machine;
  const parts = [
    generatedBegin,
    `## Latest run: ${m.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- Machine: ${m.cpuModel}, ${m.cpus} CPUs (\`lscpu\`), ${m.memoryGiB} GiB RAM (\`free -g\`), Linux ${m.kernel}`,
    `- Node ${m.node} (\`node -v\`), kubectl ${m.kubectl}`,
    `- Server: ${r.server === 'bundle' ? 'the built bundle, `node bin/kubelite.js up`' : 'the TypeScript sources through tsx (the bundle could not be built)'}, in its own process; load generator and watcher in two others`,
    `- Pods: ${r.scheduled ? "taken by the cluster's scheduler (`--schedule`)" : `\`schedulerName: ${unscheduledSchedulerName}\`, a scheduler that does not run, so the figures are the API server's`}`,
    `- 1-minute load average: ${m.loadAverage.toFixed(2)} when the run started, ${r.loadAverageAtEnd.toFixed(2)} when it ended; the whole run took ${(r.durationMs / 1000).toFixed(0)} s`,
    `- ${checks.filter((c) => c.pass).length} of ${checks.length} targets met`,
  ];
  for (const s of sections(r, checks)) {
    parts.push('', `### ${s.title}`, '', renderTable(s.header, s.rows, 'markdown'));
    if (s.note) parts.push('', s.note);
  }
  parts.push('', generatedEnd);
  return parts.join('\n') + '\n';
}

/** Replaces the generated part of an existing document (or appends it), keeping what people wrote around it. */
export function spliceGenerated(document: string, generated: string): string {
  const begin = document.indexOf('<!-- bench:begin');
  const end = document.indexOf(generatedEnd);
  if (begin < 0 || end < begin) return (document ? document.trimEnd() + '\n\n' : '') + generated;
  return document.slice(0, begin) + generated + document.slice(end + generatedEnd.length).replace(/^\n/, '');
}
