import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { customResourcePrinter } from './printer.js';
import { evaluateJsonPath, parseJsonPath } from './jsonpath.js';

const now = Date.parse('2026-01-01T01:00:00Z');

const obj: KubeObject = {
  apiVersion: 'stable.example.com/v1',
  kind: 'CronTab',
  metadata: { name: 'my-cron', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { cronSpec: '* * * * */5', replicas: 3, ratio: 0.5, paused: false, tags: ['a', 'b'], selector: { b: '2', a: '1' }, lastRun: '2026-01-01T00:55:00Z', bogusDate: 'soon' },
  status: {
    conditions: [
      { type: 'Progressing', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'Waiting' },
    ],
  },
};

test('JSONPath: fields, indexes, slices, wildcards, recursion and filters', () => {
  const find = (p: string) => evaluateJsonPath(parseJsonPath(p), obj);
  assert.deepEqual(find('.spec.replicas'), [3]);
  assert.deepEqual(find('.spec.tags[1]'), ['b']);
  assert.deepEqual(find('.spec.tags[-1]'), ['b']);
  assert.deepEqual(find('.spec.tags[0:1]'), ['a']);
  assert.deepEqual(find('.spec.tags[*]'), ['a', 'b']);
  assert.deepEqual(find(".spec['cronSpec']"), ['* * * * */5']);
  assert.deepEqual(find('.status.conditions[?(@.type=="Ready")].status'), ['False']);
  assert.deepEqual(find('.status.conditions[?(@.reason)].type'), ['Ready']);
  assert.deepEqual(find('..reason'), ['Waiting']);
  assert.deepEqual(find('.spec.missing.deeper'), []);
  assert.deepEqual(find('{.metadata.name}'), ['my-cron']);
});

test('NAME first, then the declared columns typed as declared', () => {
  const printer = customResourcePrinter([
    { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
    { name: 'Replicas', type: 'integer', description: 'How many', jsonPath: '.spec.replicas' },
    { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio' },
    { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', priority: 1 },
    { name: 'Tags', type: 'string', jsonPath: '.spec.tags' },
    { name: 'Selector', type: 'string', jsonPath: '.spec.selector' },
    { name: 'Last Run', type: 'date', jsonPath: '.spec.lastRun' },
    { name: 'Bad', type: 'date', jsonPath: '.spec.bogusDate' },
    { name: 'Wrong', type: 'integer', jsonPath: '.spec.cronSpec' },
    { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
  ]);
  assert.deepEqual(
    printer.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Spec', 'string', 0],
      ['Replicas', 'integer', 0],
      ['Ratio', 'number', 0],
      ['Paused', 'boolean', 0],
      ['Ready', 'string', 1],
      ['Tags', 'string', 0],
      ['Selector', 'string', 0],
      ['Last Run', 'date', 0],
      ['Bad', 'date', 0],
      ['Wrong', 'integer', 0],
      ['Missing', 'string', 0],
    ],
  );
  assert.equal(printer.columns[1].description, 'Custom resource definition column (in JSONPath format): .spec.cronSpec');
  assert.equal(printer.columns[2].description, 'How many');
  assert.deepEqual(printer.row(obj, { now }), ['my-cron', '* * * * */5', 3, 0.5, false, 'False', '["a","b"]', '{"a":"1","b":"2"}', '5m', '<invalid>', null, null]);
});

test('a version without columns shows NAME and AGE', () => {
  const printer = customResourcePrinter([]);
  assert.deepEqual(printer.columns.map((c) => c.name), ['Name', 'Age']);
  assert.deepEqual(printer.row(obj, { now }), ['my-cron', '60m']);
});
