import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../machinery/errors.js';
import { setDefaultsPersistentVolume, setDefaultsPersistentVolumeClaim } from '../defaults/core-kinds.js';
import { persistentVolumeValidation } from './persistentvolume.js';
import { persistentVolumeClaimValidation } from './persistentvolumeclaim.js';

const pv = (spec: Record<string, unknown>) => {
  const o = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec } as Record<string, any>;
  setDefaultsPersistentVolume(o as any);
  return o as any;
};
const pvc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => {
  const o = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default', resourceVersion: '1' }, spec, status } as Record<string, any>;
  setDefaultsPersistentVolumeClaim(o as any);
  return o as any;
};

test('persistent volumes: defaults and a valid hostPath volume', () => {
  const v = pv({ capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } });
  assert.deepEqual(v.spec, { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data', type: '' }, persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' });
  assert.deepEqual(v.status, { phase: 'Pending' });
  assert.deepEqual(persistentVolumeValidation.validate(v), []);
});

test('persistent volumes: capacity, access modes, sources', () => {
  const v = pv({ capacity: { cpu: '1' }, accessModes: ['ReadWriteOncePod', 'ReadWriteOnce', 'Sometimes'], hostPath: { path: '/x' }, nfs: { server: 's', path: '/e' } });
  assert.deepEqual(persistentVolumeValidation.validate(v).map(fieldErrorMessage), [
    'spec.accessModes: Unsupported value: "Sometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
    'spec.capacity: Unsupported value: {"cpu":"1"}: supported values: "storage"',
    'spec.nfs: Forbidden: may not specify more than 1 volume type',
  ]);
  assert.deepEqual(persistentVolumeValidation.validate(pv({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] })).map(fieldErrorMessage), [
    'spec: Required value: must specify a volume type',
  ]);
  assert.deepEqual(persistentVolumeValidation.validate(pv({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt' } })).map(fieldErrorMessage), [
    'spec.nodeAffinity: Required value: Local volume requires node affinity',
  ]);
});

test('persistent volumes: the source is immutable', () => {
  const old = pv({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } });
  const next = pv({ capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/other' } });
  const errs = persistentVolumeValidation.validateUpdate!(next, old).map(fieldErrorMessage);
  assert.equal(errs.length, 1);
  assert.ok(errs[0].startsWith('spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n'));
});

test('claims: access modes and a positive storage request are required', () => {
  assert.deepEqual(persistentVolumeClaimValidation.validate(pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } })), []);
  assert.deepEqual(persistentVolumeClaimValidation.validate(pvc({ resources: { requests: { storage: '0' } } })).map(fieldErrorMessage), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Invalid value: "0": must be greater than zero',
  ]);
  assert.deepEqual(persistentVolumeClaimValidation.validate(pvc({ accessModes: ['ReadWriteOnce'] })).map(fieldErrorMessage), ['spec.resources[storage]: Required value']);
});

test('claims: only a bound claim may grow, and the rest of the spec is fixed', () => {
  const old = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
  const bound = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, volumeName: 'pv1' }, { phase: 'Bound' });
  assert.deepEqual(persistentVolumeClaimValidation.validateUpdate!(bound, old), []);
  const unbound = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } });
  const errs = persistentVolumeClaimValidation.validateUpdate!(unbound, old).map(fieldErrorMessage);
  assert.ok(errs[0].startsWith('spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n'));
  const shrink = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '512Mi' } } }, { phase: 'Bound' });
  assert.deepEqual(persistentVolumeClaimValidation.validateUpdate!(shrink, old).map(fieldErrorMessage), [
    'spec.resources.requests.storage: Forbidden: field can not be less than previous value',
  ]);
  const sameValue = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } });
  assert.deepEqual(persistentVolumeClaimValidation.validateUpdate!(sameValue, old), []);
});
