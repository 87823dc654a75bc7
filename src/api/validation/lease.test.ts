import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { validateLease } from './lease.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const lease = (spec: Record<string, unknown>) => ({ metadata: { name: 'node-1', namespace: 'kube-node-lease' }, spec });

test('a node heartbeat lease is valid', () => {
  assert.deepEqual(validateLease(lease({ holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-01-01T00:00:00.000000Z' })), []);
});

test('durations are positive, transitions not negative', () => {
  assert.deepEqual(messages(validateLease(lease({ leaseDurationSeconds: 0, leaseTransitions: -1 }))), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

test('coordinated leader election: a known or qualified strategy, a preferred holder only with one', () => {
  assert.deepEqual(validateLease(lease({ strategy: 'OldestEmulationVersion', preferredHolder: 'a' })), []);
  assert.deepEqual(messages(validateLease(lease({ preferredHolder: 'a' }))), ['spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined']);
  assert.deepEqual(messages(validateLease(lease({ strategy: 'Newest' }))), [
    'spec.strategy.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"',
  ]);
  assert.deepEqual(validateLease(lease({ strategy: 'example.com/mine' })), []);
});
