import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { setDefaultsCustomResourceDefinition, updateStoredVersions } from './crd.js';

const crd = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'crontabs.stable.example.com' }, spec });

test('singular, listKind, conversion and stored versions', () => {
  const c = crd({ group: 'stable.example.com', names: { plural: 'crontabs', kind: 'CronTab' }, versions: [{ name: 'v1', served: true, storage: true }] });
  setDefaultsCustomResourceDefinition(c);
  assert.deepEqual((c.spec as any).names, { plural: 'crontabs', kind: 'CronTab', singular: 'crontab', listKind: 'CronTabList' });
  assert.deepEqual((c.spec as any).conversion, { strategy: 'None' });
  assert.deepEqual(c.status, { storedVersions: ['v1'] });
});

test('a conversion webhook service listens on 443 unless stated', () => {
  const c = crd({ names: { kind: 'A' }, conversion: { strategy: 'Webhook', webhook: { clientConfig: { service: { name: 'conv', namespace: 'ns' } } } } });
  setDefaultsCustomResourceDefinition(c);
  assert.equal((c.spec as any).conversion.webhook.clientConfig.service.port, 443);
});

test('a new storage version joins the stored ones, which are never dropped', () => {
  const c = crd({ versions: [{ name: 'v1', storage: false }, { name: 'v2', storage: true }] });
  c.status = { storedVersions: ['v1'] };
  updateStoredVersions(c);
  assert.deepEqual((c.status as any).storedVersions, ['v1', 'v2']);
  updateStoredVersions(c);
  assert.deepEqual((c.status as any).storedVersions, ['v1', 'v2']);
});
