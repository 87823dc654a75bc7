import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { validatePodDisruptionBudget, validatePodDisruptionBudgetStatus } from './pdb.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const pdb = (spec: Record<string, unknown>) => ({ metadata: { name: 'zk-pdb' }, spec });

test('minAvailable or maxUnavailable, as a count or a percentage', () => {
  assert.deepEqual(validatePodDisruptionBudget(pdb({ minAvailable: 2, selector: { matchLabels: { app: 'zk' } } })), []);
  assert.deepEqual(validatePodDisruptionBudget(pdb({ maxUnavailable: '50%', selector: { matchLabels: { app: 'zk' } } })), []);
  assert.deepEqual(messages(validatePodDisruptionBudget(pdb({ minAvailable: 1, maxUnavailable: 1 }))), [
    'spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set',
  ]);
  assert.deepEqual(messages(validatePodDisruptionBudget(pdb({ minAvailable: '120%' }))), [
    'spec.minAvailable: Invalid value: "120%": must not be greater than 100%',
  ]);
  assert.deepEqual(messages(validatePodDisruptionBudget(pdb({ maxUnavailable: -1 }))), [
    'spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

test('unhealthy pod eviction policy', () => {
  assert.deepEqual(messages(validatePodDisruptionBudget(pdb({ minAvailable: 1, unhealthyPodEvictionPolicy: 'Never' }))), [
    'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
  ]);
});

test('status: counters and conditions', () => {
  const status = {
    disruptionsAllowed: -1,
    conditions: [
      { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', lastTransitionTime: '2024-01-01T00:00:00Z' },
      { type: 'DisruptionAllowed', status: 'Maybe', reason: '1bad' },
    ],
  };
  assert.deepEqual(messages(validatePodDisruptionBudgetStatus(status)), [
    'status.conditions[1].type: Duplicate value: "DisruptionAllowed"',
    'status.conditions[1].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
    'status.conditions[1].lastTransitionTime: Required value: must be set',
    "status.conditions[1].reason: Invalid value: \"1bad\": a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')",
    'status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0',
  ]);
});
