import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsPriorityClass } from '../defaults/priorityclass.js';
import type { KubeObject } from '../object.js';
import { validatePriorityClass, validatePriorityClassUpdate } from './priorityclass.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const pc = (name: string, fields: Record<string, unknown>): KubeObject => {
  const o: KubeObject = { metadata: { name }, ...fields };
  setDefaultsPriorityClass(o);
  return o;
};

test('a user priority class defaults to preempting lower priorities', () => {
  const o = pc('high-priority', { value: 1000000, globalDefault: false, description: 'for important pods' });
  assert.deepEqual(validatePriorityClass(o), []);
  assert.equal(o.preemptionPolicy, 'PreemptLowerPriority');
});

test('user values stop at one billion; system- names are reserved', () => {
  assert.deepEqual(messages(validatePriorityClass(pc('huge', { value: 1000000001 }))), [
    'value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
  ]);
  assert.deepEqual(messages(validatePriorityClass(pc('system-mine', { value: 10 }))), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
  ]);
  assert.deepEqual(messages(validatePriorityClass(pc('system-node-critical', { value: 10 }))), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000",
  ]);
  assert.deepEqual(validatePriorityClass(pc('system-cluster-critical', { value: 2000000000 })), []);
});

test('preemption policy values', () => {
  assert.deepEqual(messages(validatePriorityClass(pc('p', { value: 1, preemptionPolicy: 'Always' }))), [
    'preemptionPolicy: Unsupported value: "Always": supported values: "Never", "PreemptLowerPriority"',
  ]);
});

test('value and preemptionPolicy never change', () => {
  const old = pc('p', { value: 1 });
  assert.deepEqual(messages(validatePriorityClassUpdate(pc('p', { value: 2, preemptionPolicy: 'Never' }), old)), [
    'value: Forbidden: may not be changed in an update.',
    'preemptionPolicy: Invalid value: "Never": field is immutable',
  ]);
  assert.deepEqual(validatePriorityClassUpdate(pc('p', { value: 1, description: 'changed' }), old), []);
});
