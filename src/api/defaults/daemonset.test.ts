import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { setDefaultsDaemonSet } from './daemonset.js';

const ds = (spec: Record<string, unknown>): KubeObject => ({
  metadata: { name: 'node-exporter' },
  spec: { template: { spec: { containers: [{ name: 'c', image: 'node-exporter' }] } }, ...spec },
});

test('DaemonSets roll one node at a time and keep ten revisions', () => {
  const d = ds({});
  setDefaultsDaemonSet(d);
  assert.deepEqual((d.spec as any).updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal((d.spec as any).revisionHistoryLimit, 10);
  assert.deepEqual((d.spec as any).template.metadata, { creationTimestamp: null });
});

test('OnDelete stays as written; defaulting is idempotent', () => {
  const d = ds({ updateStrategy: { type: 'OnDelete' } });
  setDefaultsDaemonSet(d);
  assert.deepEqual((d.spec as any).updateStrategy, { type: 'OnDelete' });
  const again = structuredClone(d);
  setDefaultsDaemonSet(again);
  assert.deepEqual(again, d);
});
