import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../machinery/errors.js';
import { setDefaultsResourceQuota } from '../defaults/core-kinds.js';
import { resourceQuotaValidation } from './resourcequota.js';

const rq = (spec: Record<string, unknown>) => {
  const o = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'default' }, spec } as any;
  setDefaultsResourceQuota(o);
  return o;
};

test('hard limits: quota resource names, non-negative, whole object counts', () => {
  const q = rq({ hard: { 'requests.cpu': '400m', 'limits.memory': '2048Mi', pods: '10', services: '1.5', widgets: '1', 'count/deployments.apps': '2' } });
  assert.equal(q.spec.hard['limits.memory'], '2Gi');
  assert.deepEqual(resourceQuotaValidation.validate(q).map(fieldErrorMessage), [
    'spec.hard[services]: Invalid value: "1500m": must be an integer',
    'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified',
    'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota',
  ]);
});

test('scopes: known, compatible with the resources, not contradictory, immutable', () => {
  const q = rq({ hard: { pods: '1', services: '1' }, scopes: ['BestEffort', 'NotBestEffort'] });
  assert.deepEqual(resourceQuotaValidation.validate(q).map(fieldErrorMessage), [
    'spec.scopes: Invalid value: ["BestEffort","NotBestEffort"]: unsupported scope applied to resource',
    'spec.scopes: Invalid value: ["BestEffort","NotBestEffort"]: unsupported scope applied to resource',
    'spec.scopes: Invalid value: ["BestEffort","NotBestEffort"]: conflicting scopes',
  ]);
  const old = rq({ hard: { pods: '1' }, scopes: ['Terminating'] });
  assert.deepEqual(resourceQuotaValidation.validateUpdate!(rq({ hard: { pods: '2' }, scopes: ['NotTerminating'] }), old).map(fieldErrorMessage), [
    'spec.scopes: Invalid value: ["NotTerminating"]: field is immutable',
  ]);
});
