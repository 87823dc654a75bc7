import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinResources } from '../scheme.js';
import { groupValidation } from './groups-index.js';

const served = new Set(builtinResources.filter((r) => r.group !== '' && !r.virtual).map((r) => `${r.group}/${r.kind}`));

test('every entry names a served kind as group/Kind', () => {
  for (const key of Object.keys(groupValidation)) assert.ok(served.has(key), key);
});

test('the kinds of apps, batch, autoscaling, policy, networking, rbac, storage, scheduling, coordination, discovery, events, certificates, node and apiextensions are all covered', () => {
  const groups = [
    'apps',
    'batch',
    'autoscaling',
    'policy',
    'networking.k8s.io',
    'rbac.authorization.k8s.io',
    'storage.k8s.io',
    'scheduling.k8s.io',
    'coordination.k8s.io',
    'discovery.k8s.io',
    'events.k8s.io',
    'certificates.k8s.io',
    'node.k8s.io',
    'apiextensions.k8s.io',
  ];
  const expected = [...served].filter((k) => groups.includes(k.slice(0, k.indexOf('/'))));
  assert.deepEqual(expected.filter((k) => !(k in groupValidation)), []);
});

test('Event exists in two groups: events.k8s.io has its own entry', () => {
  assert.ok(groupValidation['events.k8s.io/Event']);
  assert.equal(groupValidation['/Event'], undefined);
});

test('name rules follow upstream: path segments for RBAC, DNS labels for StatefulSets, anything for CSRs', () => {
  assert.equal(groupValidation['rbac.authorization.k8s.io/Role'].nameRule, 'pathSegment');
  assert.equal(groupValidation['apps/StatefulSet'].nameRule, 'label');
  assert.equal(groupValidation['certificates.k8s.io/CertificateSigningRequest'].nameRule, 'none');
  assert.equal(groupValidation['apps/Deployment'].nameRule, 'subdomain');
});

test('no validator throws on an object whose fields all have the wrong type', () => {
  const garbage = { metadata: { name: 'x' }, spec: 42, status: 'up', data: [], rules: 'all', roleRef: 1, subjects: {}, provisioner: 7, value: 'big' };
  for (const [key, v] of Object.entries(groupValidation)) {
    assert.doesNotThrow(() => v.validate(garbage), key);
    assert.doesNotThrow(() => v.validate({ metadata: {} }), key);
    assert.doesNotThrow(() => v.validateUpdate?.(garbage, { metadata: {} }), key);
    assert.doesNotThrow(() => v.validateStatusUpdate?.(garbage, { metadata: {}, status: [] }), key);
  }
});
