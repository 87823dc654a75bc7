import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podDisruptionBudgetPrinter, resourceQuotaPrinter } from './policy.js';
import { ago, cells, headers } from './testing.js';

test('resourcequota: requests and limits as used/hard, sorted by resource', () => {
  assert.deepEqual(headers(resourceQuotaPrinter), ['NAME', 'REQUEST', 'LIMIT', 'AGE']);
  const quota = {
    metadata: { name: 'compute', creationTimestamp: ago(4, 'h') },
    spec: { hard: { pods: '10' } },
    status: {
      hard: { 'requests.memory': '4Gi', pods: '10', 'limits.cpu': '4', 'requests.cpu': '2', 'limits.memory': '8192Mi', 'count/deployments.apps': '5' },
      used: { 'requests.memory': '1536Mi', pods: '3', 'limits.cpu': '1500m', 'requests.cpu': '500m' },
    },
  };
  assert.deepEqual(cells(resourceQuotaPrinter, quota), [
    'compute',
    'count/deployments.apps: 0/5, pods: 3/10, requests.cpu: 500m/2, requests.memory: 1536Mi/4Gi',
    'limits.cpu: 1500m/4, limits.memory: 0/8Gi',
    '4h',
  ]);
  assert.deepEqual(cells(resourceQuotaPrinter, { metadata: { name: 'new' }, spec: { hard: { pods: '1' } } }), ['new', '', '', '<unknown>']);
});

test('poddisruptionbudget: int or percent, N/A when unset', () => {
  assert.deepEqual(headers(podDisruptionBudgetPrinter), ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']);
  const byCount = { metadata: { name: 'zk', creationTimestamp: ago(8, 'm') }, spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1 } };
  assert.deepEqual(cells(podDisruptionBudgetPrinter, byCount), ['zk', '2', 'N/A', 1, '8m']);
  const byPercent = { metadata: { name: 'web' }, spec: { maxUnavailable: '25%' }, status: {} };
  assert.deepEqual(cells(podDisruptionBudgetPrinter, byPercent), ['web', 'N/A', '25%', 0, '<unknown>']);
});
