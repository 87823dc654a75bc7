import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { validateRuntimeClass, validateRuntimeClassUpdate } from './runtimeclass.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const rc = (fields: Record<string, unknown>) => ({ metadata: { name: 'gvisor' }, handler: 'runsc', ...fields });

test('a handler with overhead and scheduling is valid', () => {
  const o = rc({ overhead: { podFixed: { cpu: '250m', memory: '120Mi' } }, scheduling: { nodeSelector: { sandbox: 'gvisor' }, tolerations: [{ key: 'sandbox', operator: 'Exists' }] } });
  assert.deepEqual(validateRuntimeClass(o), []);
});

test('handlers are DNS labels and never change', () => {
  const msgs = messages(validateRuntimeClass(rc({ handler: 'Run_SC' })));
  assert.equal(msgs.length, 1);
  assert.ok(msgs[0].startsWith('handler: Invalid value: "Run_SC": a lowercase RFC 1123 label'));
  assert.deepEqual(messages(validateRuntimeClassUpdate(rc({ handler: 'kata' }), rc({}))), ['handler: Invalid value: "kata": field is immutable']);
});

test('overhead is checked like container limits, and reported as such', () => {
  assert.deepEqual(messages(validateRuntimeClass(rc({ overhead: { podFixed: { cpu: '-1' } } }))), ['overhead.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0']);
});

test('tolerations are unique (upstream reports them under tolerations.tolerations)', () => {
  const t = { key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' };
  assert.deepEqual(messages(validateRuntimeClass(rc({ scheduling: { tolerations: [t, t, { key: 'a', operator: 'Sometimes' }] } }))), [
    'scheduling.tolerations.tolerations[2].operator: Unsupported value: "Sometimes": supported values: "Equal", "Exists"',
    'scheduling.tolerations[1]: Duplicate value: {"key":"sandbox","operator":"Exists","effect":"NoSchedule"}',
  ]);
});
