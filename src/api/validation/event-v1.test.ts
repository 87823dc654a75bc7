import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { validateEventLegacy, validateEventV1, validateEventV1Update } from './event-v1.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

function event(fields: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'web.1', namespace: 'default' },
    eventTime: '2024-01-01T00:00:00.000000Z',
    reportingController: 'example.com/deployer',
    reportingInstance: 'deployer-0',
    action: 'Scale',
    reason: 'ScaledUp',
    regarding: { kind: 'Deployment', name: 'web', namespace: 'default' },
    note: 'scaled up to 3',
    type: 'Normal',
    ...fields,
  };
}

test('a new-style event is valid', () => {
  assert.deepEqual(validateEventV1(event()), []);
});

test('the strict rules name the core fields, as upstream (which validates the internal type)', () => {
  const e = event({
    eventTime: undefined,
    reportingController: '',
    type: 'Info',
    deprecatedCount: 3,
    deprecatedSource: { component: 'kubelet' },
    regarding: { kind: 'Pod', name: 'p', namespace: 'other' },
  });
  assert.deepEqual(messages(validateEventV1(e)), [
    'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    'eventTime: Required value',
    'type: Invalid value: "": has invalid value: Info',
    'count: Invalid value: "": needs to be unset',
    'source: Invalid value: "": needs to be unset',
  ]);
  const noController = event({ reportingController: '', action: 'x'.repeat(129), note: 'n'.repeat(1025) });
  assert.deepEqual(messages(validateEventV1(noController)), [
    'reportingController: Required value',
    "reportingController: Invalid value: \"\": name part must be non-empty",
    "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    'action: Invalid value: "": can have at most 128 characters',
    'message: Invalid value: "": can have at most 1024 characters',
  ]);
});

test('series need a count of at least 2 and a last observed time', () => {
  assert.deepEqual(messages(validateEventV1(event({ series: { count: 1 } }))), [
    'series.count: Invalid value: "": should be at least 2',
    'series.lastObservedTime: Required value',
  ]);
});

test('old-style events (no eventTime) only need a matching namespace', () => {
  const legacy = { apiVersion: 'v1', metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Node', name: 'node-1' }, reason: 'Starting' };
  assert.deepEqual(validateEventLegacy(legacy), []);
  const moved = { ...legacy, involvedObject: { kind: 'Pod', name: 'p', namespace: 'kube-system' } };
  assert.deepEqual(messages(validateEventLegacy(moved)), ['involvedObject.namespace: Invalid value: "kube-system": does not match event.namespace']);
});

test('a recorded event keeps what it says; the series may move on', () => {
  const old = event({ series: { count: 2, lastObservedTime: '2024-01-01T00:00:00.000000Z' } });
  const bumped = event({ series: { count: 3, lastObservedTime: '2024-01-01T00:01:00.000000Z' } });
  assert.deepEqual(validateEventV1Update(bumped, old), []);
  const rewritten = event({ note: 'something else', series: (old as any).series });
  assert.deepEqual(messages(validateEventV1Update(rewritten, old)), ['message: Invalid value: "something else": field is immutable']);
});
