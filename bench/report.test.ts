import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTargets, renderMarkdown, renderSummary, renderTable, spliceGenerated, generatedEnd } from './report.js';
import type { BenchResults } from './results.js';
import { summarize } from './stats.js';

const MiB = 1024 * 1024;

function latency(p50: number, p99: number) {
  return { count: 100, p50, p99, max: p99 };
}

function results(over: Partial<BenchResults> = {}): BenchResults {
  const watch = { delivered: 100, missing: 0, beforeResponse: 0, latency: latency(1, 4) };
  const kubectl = (args: string[], medianMs: number) => ({ args, firstMs: medianMs * 2, runsMs: [medianMs], medianMs, kubectlCpuMs: medianMs / 2, serverCpuMs: medianMs / 4, outputLines: 10_001, outputBytes: 40 * MiB });
  return {
    machine: { cpuModel: 'AMD EPYC', cpus: 2, memoryGiB: 23, node: 'v20.20.2', kubectl: 'v1.32.4', kernel: '6.1', loadAverage: 0.5, date: '2025-11-23T10:00:00.000Z' },
    server: 'bundle',
    durationMs: 200_000,
    loadAverageAtEnd: 1.5,
    store: [
      { writers: 1, writes: 1000, elapsedMs: 500, perSecond: 2000, latency: latency(0.4, 2) },
      { writers: 50, writes: 4000, elapsedMs: 400, perSecond: 10_000, latency: latency(3, 12) },
    ],
    creates: [
      { clients: 1, operations: 500, errors: 0, perSecond: 1200, latency: latency(0.8, 3), serverCpuMsPerOp: 0.7, watch },
      { clients: 50, operations: 3000, errors: 0, perSecond: 4000, latency: latency(10, 25), serverCpuMsPerOp: 0.5, watch: { ...watch, latency: latency(3, 12) } },
    ],
    gets: [{ clients: 1, operations: 1000, errors: 0, perSecond: 3000, latency: latency(0.3, 1), serverCpuMsPerOp: 0.2 }],
    pagedLists: [{ clients: 1, operations: 100, errors: 0, perSecond: 50, latency: latency(20, 30), serverCpuMsPerOp: 15 }],
    pageSize: 500,
    wholeLists: [{ accept: 'json', items: 10_000, bytes: 40 * MiB, runsMs: [300, 310, 320], medianMs: 310 }],
    podCount: 10_000,
    kubectlTable: kubectl(['get', 'pods'], 800),
    kubectlJson: kubectl(['get', 'pods', '-o', 'json'], 2500),
    freshStart: { kind: 'fresh', runsMs: [500, 600, 700], medianMs: 600, reportedMedianMs: 300 },
    restart: { kind: 'existing', runsMs: [1100, 1200, 1300], medianMs: 1200, reportedMedianMs: 900 },
    rssAfterStart: 90 * MiB,
    rssAfterPods: 180 * MiB,
    rssAtEnd: 200 * MiB,
    idleCpuAfterPods: 3,
    scheduled: false,
    ...over,
  };
}

function check(r: BenchResults, prefix: string) {
  const found = checkTargets(r).find((c) => c.target.startsWith(prefix));
  assert.ok(found, `no target starting with ${prefix}`);
  return found;
}

test('the server must reach half the raw store rate at the same concurrency', () => {
  const checks = checkTargets(results()).filter((c) => c.target.startsWith('server creates/s'));
  assert.deepEqual(
    checks.map((c) => [c.measured, c.pass]),
    [
      ['1,200/s vs 2,000/s (60%)', true],
      ['4,000/s vs 10,000/s (40%)', false],
    ],
  );
});

test('p99 create latency at 50 clients must stay under 20 ms', () => {
  assert.equal(check(results(), 'p99 create latency').pass, false);
  assert.equal(check(results(), 'p99 create latency').measured, '25.0 ms');
});

test('watch delivery fails on a slow p99 or on missing events', () => {
  const [at1, at50] = checkTargets(results()).filter((c) => c.target.startsWith('watch delivery'));
  assert.equal(at1.pass, true);
  assert.equal(at50.pass, false);
  const r = results();
  r.creates[0].watch = { ...r.creates[0].watch, missing: 3 };
  const missing = checkTargets(r).find((c) => c.target.startsWith('watch delivery'))!;
  assert.equal(missing.pass, false);
  assert.match(missing.measured, /3 events missing/);
});

test('kubectl, start and memory targets use medians and the 120 MiB line', () => {
  assert.equal(check(results(), '`kubectl get pods`').pass, true);
  assert.equal(check(results(), 'cold start < 1 s, fresh').pass, true);
  assert.equal(check(results(), 'cold start < 1 s, existing').pass, false);
  assert.equal(check(results(), 'idle RSS < 120 MiB after start').pass, true);
  assert.equal(check(results({ rssAfterStart: 121 * MiB }), 'idle RSS < 120 MiB after start').pass, false);
  // Memory with 10,000 pods is reported, not judged.
  assert.equal(checkTargets(results()).filter((c) => c.target.includes('RSS')).length, 1);
});

test('tables align in text and escape pipes in markdown', () => {
  assert.equal(renderTable(['a', 'bb'], [['xxx', 'y']], 'text'), 'a    bb\n---  --\nxxx  y');
  assert.equal(renderTable(['a'], [['x|y']], 'markdown'), '| a |\n|---|\n| x\\|y |');
});

test('the summary and the document show verdicts and the machine', () => {
  const r = results();
  const checks = checkTargets(r);
  const text = renderSummary(r, checks);
  assert.match(text, /AMD EPYC, 2 CPUs, 23 GiB RAM/);
  assert.match(text, /load average 0.50 at start, 1.50 at end/);
  assert.match(text, /FAIL/);
  assert.match(text, /PASS/);
  const doc = renderMarkdown(r, checks);
  assert.match(doc, /\| p99 create latency < 20 ms at 50 clients \| 25.0 ms \| FAIL \|/);
  assert.match(doc, /kubectl get pods -o json/);
  assert.match(doc, /idle RSS after loading 10,000 pods \| 180 MiB/);
  assert.match(doc, /idle server CPU after loading 10,000 pods \| 3.00 ms\/s/);
  assert.match(doc, /schedulerName: kubelite-bench-unscheduled/);
  assert.match(renderMarkdown({ ...r, scheduled: true }, checks), /taken by the cluster's scheduler/);
  assert.match(doc, /\| 1 \| 500 \| 1,200 \| 0.80 ms \| 3.00 ms \| 0.70 ms \|/);
  assert.ok(doc.trimEnd().endsWith(generatedEnd));
});

test('regenerating keeps what was written around the generated part', () => {
  const first = spliceGenerated('# Benchmarks\n\nHow to read this.\n', '<!-- bench:begin x -->\nold\n<!-- bench:end -->\n');
  assert.equal(first, '# Benchmarks\n\nHow to read this.\n\n<!-- bench:begin x -->\nold\n<!-- bench:end -->\n');
  const withTail = first + '\n## Analysis\nkept\n';
  const second = spliceGenerated(withTail, '<!-- bench:begin x -->\nnew\n<!-- bench:end -->\n');
  assert.equal(second, '# Benchmarks\n\nHow to read this.\n\n<!-- bench:begin x -->\nnew\n<!-- bench:end -->\n\n## Analysis\nkept\n');
});

test('summaries of real samples render', () => {
  const r = results({ gets: [{ clients: 10, operations: 3, errors: 0, perSecond: 3, latency: summarize([1, 2, 3]), serverCpuMsPerOp: 1 }] });
  assert.match(renderSummary(r, checkTargets(r)), /get pod by name/);
});
