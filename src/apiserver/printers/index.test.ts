import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinResources } from '../../api/scheme.js';
import { defaultPrinter, printerFor } from './index.js';
import { horizontalPodAutoscalerPrinter, horizontalPodAutoscalerV1Printer } from './autoscaling.js';
import { podPrinter } from './pod.js';
import { eventPrinter, eventsV1EventPrinter } from './event.js';
import { ago, cells } from './testing.js';

test('every listable built-in resource has a printer', () => {
  for (const r of builtinResources.filter((r) => r.verbs.includes('list'))) {
    for (const version of r.versions) {
      assert.ok(printerFor(r.group, version, r.kind), `${r.group}/${version} ${r.kind}`);
    }
  }
});

test('kinds Kubernetes prints with the default table', () => {
  assert.equal(printerFor('', 'v1', 'LimitRange'), defaultPrinter);
  assert.equal(printerFor('rbac.authorization.k8s.io', 'v1', 'Role'), defaultPrinter);
  assert.equal(printerFor('rbac.authorization.k8s.io', 'v1', 'ClusterRole'), defaultPrinter);
  assert.equal(printerFor('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'), defaultPrinter);
});

test('lookups by group, version and kind', () => {
  assert.equal(printerFor('', 'v1', 'Pod'), podPrinter);
  assert.equal(printerFor('', 'v1', 'Event'), eventPrinter);
  assert.equal(printerFor('events.k8s.io', 'v1', 'Event'), eventsV1EventPrinter);
  assert.equal(printerFor('autoscaling', 'v2', 'HorizontalPodAutoscaler'), horizontalPodAutoscalerPrinter);
  assert.equal(printerFor('autoscaling', 'v1', 'HorizontalPodAutoscaler'), horizontalPodAutoscalerV1Printer);
  assert.equal(printerFor('stable.example.com', 'v1', 'CronTab'), undefined);
  assert.equal(printerFor('apps', 'v1', 'Pod'), undefined);
});

test('every printer returns one cell per column, even for empty or malformed objects', () => {
  const odd = [{ metadata: {} }, { metadata: { name: 'n', creationTimestamp: ago(1, 'm') }, spec: 7, status: 'x' }, { metadata: { name: 'n' }, spec: { containers: [null, 3] }, status: { conditions: [null] } }];
  for (const r of builtinResources) {
    for (const version of r.versions) {
      const printer = printerFor(r.group, version, r.kind);
      if (!printer) continue;
      for (const o of odd) assert.equal(cells(printer, o).length, printer.columns.length, `${r.group}/${version} ${r.kind}`);
      assert.ok(printer.columns.every((c) => c.name !== '' && typeof c.description === 'string' && (c.priority === 0 || c.priority === 1)));
    }
  }
});
