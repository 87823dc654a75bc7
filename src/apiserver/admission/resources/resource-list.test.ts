import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addLists, exceededNames, formatResourceList, listsEqual, maskList, parseResourceList, prettyPrintList, removeZeros, subtractNonNegative } from './resource-list.js';

test('sums keep exact values and print canonically', () => {
  const sum = addLists(parseResourceList({ cpu: '1', memory: '512Mi' }), parseResourceList({ cpu: '500m', memory: '0.5Gi', pods: '1' }));
  assert.deepEqual(formatResourceList(sum), { cpu: '1500m', memory: '1Gi', pods: '1' });
});

test('differences floor at zero over both sides', () => {
  const d = subtractNonNegative(parseResourceList({ cpu: '1', memory: '1Gi' }), parseResourceList({ cpu: '2', pods: '1' }));
  assert.deepEqual(formatResourceList(d), { cpu: '0', memory: '1Gi', pods: '0' });
  assert.deepEqual(formatResourceList(removeZeros(d)), { memory: '1Gi' });
});

test('comparisons, masks and the quota error form', () => {
  const used = parseResourceList({ pods: '3', 'requests.cpu': '2', 'limits.memory': '1Gi' });
  const hard = parseResourceList({ pods: '2', 'requests.cpu': '2', 'limits.memory': '512Mi' });
  assert.deepEqual(exceededNames(used, hard).sort(), ['limits.memory', 'pods']);
  assert.equal(prettyPrintList(maskList(used, ['pods', 'limits.memory'])), 'limits.memory=1Gi,pods=3');
  assert.equal(listsEqual(parseResourceList({ cpu: '1' }), parseResourceList({ cpu: '1000m' })), true);
  assert.equal(listsEqual(parseResourceList({ cpu: '1' }), parseResourceList({ cpu: '1', pods: '0' })), false);
});
