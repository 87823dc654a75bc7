import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLabels, formatLabelSelector, labelSelectorString, listWithMore } from './format.js';

test('formatLabels sorts whole key=value strings and shows <none> when empty', () => {
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  // "a.b=…" sorts before "a=…" because '.' < '='.
  assert.equal(formatLabels({ a: '1', 'a.b': '2' }), 'a.b=2,a=1');
  assert.equal(formatLabels({}), '<none>');
});

test('label selectors sort all requirements by key and their values', () => {
  const selector = {
    matchLabels: { tier: 'web' },
    matchExpressions: [
      { key: 'zone', operator: 'NotIn', values: ['b', 'a'] },
      { key: 'app', operator: 'Exists' },
      { key: 'canary', operator: 'DoesNotExist' },
      { key: 'env', operator: 'In', values: ['prod'] },
    ],
  };
  assert.equal(formatLabelSelector(selector), 'app,!canary,env in (prod),tier=web,zone notin (a,b)');
});

test('nil, empty and invalid selectors', () => {
  assert.equal(formatLabelSelector(undefined), '<none>');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), '<error>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), '<error>');
  assert.equal(formatLabelSelector({ matchLabels: { 'bad key!': 'x' } }), '<error>');
  assert.equal(labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }), undefined);
});

test('listWithMore', () => {
  assert.equal(listWithMore([], 3), '<unset>');
  assert.equal(listWithMore(['a', 'b', 'c'], 3), 'a,b,c');
  assert.equal(listWithMore(['a', 'b', 'c', 'd', 'e'], 3), 'a,b,c + 2 more...');
});
