import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spliceSection } from './doc-section.js';
import { spliceGenerated, generatedEnd } from './report.js';
import { rolloutComplete } from './rollout.js';
import { parseScaleOutput } from './scale-report.js';

const doc = '# Benchmarks\n\n<!-- bench:begin x -->\nserver\n<!-- bench:end -->\n\n## Nodes\n\n## Where the time goes\n\nanalysis\n';

test('a section goes before the analysis the first time, and is replaced in place afterwards', () => {
  const once = spliceSection(doc, 'pod-start', '### Pod start\n\n| a |\n|---|\n| 1 |');
  assert.ok(once.indexOf('### Pod start') < once.indexOf('## Where the time goes'));
  assert.ok(once.indexOf('### Pod start') > once.indexOf('## Nodes'));
  const twice = spliceSection(spliceSection(once, 'rollout', 'R1'), 'pod-start', '### Pod start again');
  assert.ok(!twice.includes('| 1 |'));
  assert.equal(twice.split('<!-- bench:pod-start:begin').length, 2);
  // Sections keep their order, and a table never runs into the end marker.
  assert.ok(twice.indexOf('Pod start again') < twice.indexOf('R1'));
  assert.match(once, /\| 1 \|\n\n<!-- bench:pod-start:end -->/);
});

test("the server benchmark's splice leaves the other sections alone", () => {
  const withSection = spliceSection(doc, 'scheduler', 'S1');
  const next = spliceGenerated(withSection, `<!-- bench:begin y -->\nserver 2\n${generatedEnd}\n`);
  assert.ok(next.includes('S1') && next.includes('server 2') && !next.includes('server\n'));
});

test('a rollout is complete when every replica is updated and available at the new generation', () => {
  const d = (generation: number, status: Record<string, number>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation }, spec: { replicas: 4 }, status });
  assert.equal(rolloutComplete(d(2, { observedGeneration: 2, replicas: 4, updatedReplicas: 4, availableReplicas: 4 })), true);
  assert.equal(rolloutComplete(d(3, { observedGeneration: 2, replicas: 4, updatedReplicas: 4, availableReplicas: 4 })), false);
  assert.equal(rolloutComplete(d(2, { observedGeneration: 2, replicas: 5, updatedReplicas: 4, availableReplicas: 4 })), false, 'an old pod remains');
  assert.equal(rolloutComplete(d(2, { observedGeneration: 2, replicas: 4, updatedReplicas: 4, availableReplicas: 3 })), false);
});

test("simulated-scale's output becomes figures", () => {
  const out = [
    '100000 pods created in 674.6 s (148/s)',
    'steady state: 69% of one core over 30.0 s (lease renewals, node status, monitoring)',
    'kubectl get nodes: 2.7 s (5001 lines)',
    'kubectl get pods -A: 64.6 s (100001 lines)',
    'kubectl get pods -A: 76.6 s (100001 lines)',
    'summary',
    '{"nodes":5000,"pods":100000,"small":false,"rssLoadedMB":5197,"heapLoadedMB":4240,"rssSteadyMB":5192,"rssAfterKubectlMB":5293}',
  ].join('\n');
  const f = parseScaleOutput(out);
  assert.deepEqual(f.kubectlGetPodsSeconds, [64.6, 76.6]);
  assert.equal(f.kubectlGetPodsLines, 100001);
  assert.equal(f.createRate, 148);
  assert.equal(f.rssAfterKubectlMB, 5293);
  assert.equal(f.steadyCpuPercent, 69);
  assert.throws(() => parseScaleOutput('crashed'), /no summary/);
});
