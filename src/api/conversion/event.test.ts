import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { coreEventToEventsV1, eventsV1ToCoreEvent } from './event.js';

/** An event as the kubelet records it through core/v1. */
const pulled: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'kubia.17a', namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'kubia', uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{kubia}' },
  reason: 'Pulled',
  message: 'Container image "luksa/kubia" already present on machine',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-01-01T00:00:00Z',
  lastTimestamp: '2024-01-01T00:00:05Z',
  count: 2,
  type: 'Normal',
  eventTime: null,
  reportingComponent: 'kubelet',
  reportingInstance: 'node-1',
};

test('core/v1 → events.k8s.io/v1 renames the fields upstream renames', () => {
  assert.deepEqual(coreEventToEventsV1(pulled), {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: pulled.metadata,
    eventTime: null,
    reportingController: 'kubelet',
    reportingInstance: 'node-1',
    reason: 'Pulled',
    regarding: pulled.involvedObject,
    note: 'Container image "luksa/kubia" already present on machine',
    type: 'Normal',
    deprecatedSource: { component: 'kubelet', host: 'node-1' },
    deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
    deprecatedLastTimestamp: '2024-01-01T00:00:05Z',
    deprecatedCount: 2,
  });
});

test('the round trip is lossless both ways', () => {
  assert.deepEqual(eventsV1ToCoreEvent(coreEventToEventsV1(pulled)), pulled);
  const series: KubeObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'e', namespace: 'default' },
    eventTime: '2024-01-01T00:00:00.000000Z',
    series: { count: 3, lastObservedTime: '2024-01-01T00:01:00.000000Z' },
    reportingController: 'example.com/controller',
    reportingInstance: 'controller-0',
    action: 'Reconcile',
    reason: 'Synced',
    regarding: { kind: 'Deployment', name: 'web', namespace: 'default' },
    related: { kind: 'ReplicaSet', name: 'web-1' },
    note: 'synced',
    type: 'Normal',
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
  };
  assert.deepEqual(coreEventToEventsV1(eventsV1ToCoreEvent(series)), series);
});

test('core events always carry what Go always writes', () => {
  const core = eventsV1ToCoreEvent({ metadata: { name: 'e' }, reason: 'X' } as KubeObject);
  assert.deepEqual(core, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e' },
    involvedObject: {},
    reason: 'X',
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
  });
});
