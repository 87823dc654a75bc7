import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../machinery/errors.js';
import { setDefaultsNode } from '../defaults/core-kinds.js';
import { nodeValidation } from './node.js';

const node = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec, status });

test('defaults: allocatable from capacity, quantities canonical', () => {
  const n = node({}, { capacity: { cpu: '2', memory: '4096Mi', pods: '110' } });
  setDefaultsNode(n);
  assert.deepEqual(n.status, { capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi', pods: '110' } });
});

test('taints are reported under metadata.taints, as upstream does', () => {
  const n = node({ taints: [{ key: 'node-type', value: 'production', effect: 'NoSchedule' }, { key: 'node-type', value: 'x', effect: 'NoSchedule' }, { key: 'k', effect: '' }] });
  assert.deepEqual(nodeValidation.validate(n).map(fieldErrorMessage), [
    'metadata.taints[1]: Duplicate value: {"key":"node-type","value":"x","effect":"NoSchedule"}: taints must be unique by key and effect pair',
    'metadata.taints[2].effect: Required value',
  ]);
});

test('pod CIDRs: valid, one per family, fixed once set', () => {
  assert.deepEqual(nodeValidation.validate(node({ podCIDRs: ['10.244.0.0/24', '10.245.0.0/24'] })).map(fieldErrorMessage), [
    'spec.podCIDRs: Invalid value: ["10.244.0.0/24","10.245.0.0/24"]: may specify no more than one CIDR for each IP family',
  ]);
  const old = node({ podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'], providerID: 'kubelite://n1' });
  assert.deepEqual(nodeValidation.validateUpdate!(node({ podCIDRs: ['10.244.1.0/24'], providerID: 'other' }), old).map(fieldErrorMessage), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
  assert.deepEqual(nodeValidation.validateUpdate!(node({ podCIDRs: ['10.244.0.0/24'] }), node({})), []);
});

test('status updates: duplicate addresses and negative capacity', () => {
  const n = node({}, { capacity: { cpu: '-1' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'InternalIP', address: '10.0.0.1' }] });
  assert.deepEqual(nodeValidation.validateStatusUpdate!(n, node({})).map(fieldErrorMessage), [
    'status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0',
    'status.addresses[1]: Duplicate value: {"type":"InternalIP","address":"10.0.0.1"}',
  ]);
});
