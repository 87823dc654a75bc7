import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventPrinter, eventsV1EventPrinter } from './event.js';
import { ago, cells, headers, shown } from './testing.js';

test('event columns: LAST SEEN first, the rest only with -o wide', () => {
  assert.deepEqual(headers(eventPrinter), ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
  assert.deepEqual(headers(eventPrinter, true), ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']);
  assert.equal(eventPrinter.columns.find((c) => c.name === 'Name')?.format, 'name');
  assert.deepEqual(eventsV1EventPrinter.columns, eventPrinter.columns);
});

test('a core event with first and last timestamps and a count', () => {
  const ev = {
    metadata: { name: 'web-0.17f1c2', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-0', fieldPath: 'spec.containers{app}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container app in pod web-0\n',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: ago(3, 'd'),
    lastTimestamp: ago(2, 'd'),
    count: 6,
    type: 'Warning',
  };
  assert.deepEqual(cells(eventPrinter, ev), [
    '2d', 'Warning', 'BackOff', 'pod/web-0', 'spec.containers{app}', 'kubelet, node-1', 'Back-off restarting failed container app in pod web-0', '3d', 6, 'web-0.17f1c2',
  ]);
  assert.deepEqual(shown(eventPrinter, ev), ['2d', 'Warning', 'BackOff', 'pod/web-0', 'Back-off restarting failed container app in pod web-0']);
});

test('missing timestamps fall back to eventTime, and a missing count to 1', () => {
  const base = { metadata: { name: 'e' }, involvedObject: { kind: 'Deployment', name: 'web' }, reason: 'ScalingReplicaSet', message: 'Scaled up', type: 'Normal', source: { component: 'deployment-controller' } };
  const onlyEventTime = { ...base, eventTime: ago(3, 'd') };
  assert.deepEqual(cells(eventPrinter, onlyEventTime).slice(0, 9), ['3d', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up', '3d', 1]);
  const noFirst = { ...base, eventTime: ago(3, 'd'), lastTimestamp: ago(1, 'h'), count: 2 };
  assert.deepEqual([cells(eventPrinter, noFirst)[0], cells(eventPrinter, noFirst)[7], cells(eventPrinter, noFirst)[8]], ['60m', '3d', 2]);
  const nothing = { ...base };
  assert.equal(cells(eventPrinter, nothing)[0], '<unknown>');
});

test('a series reports its last observation and count', () => {
  const ev = {
    metadata: { name: 'e' },
    involvedObject: { kind: 'Node', name: 'node-1' },
    reason: 'NodeNotReady',
    type: 'Normal',
    eventTime: ago(3, 'd'),
    series: { count: 2, lastObservedTime: ago(2, 'd') },
    reportingComponent: 'node-controller',
    reportingInstance: 'kube-controller-manager-1',
  };
  const row = cells(eventPrinter, ev);
  assert.deepEqual([row[0], row[5], row[7], row[8]], ['2d', 'node-controller, kube-controller-manager-1', '3d', 2]);
});

test('objects without a name show only their kind', () => {
  const ev = { metadata: { name: 'e' }, involvedObject: { kind: 'ClusterRole' }, reason: 'X', type: 'Normal' };
  assert.equal(shown(eventPrinter, ev)[3], 'clusterrole');
});

test('events.k8s.io/v1 events print like their core/v1 form', () => {
  const ev = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'web-0.17f1c2', namespace: 'default' },
    eventTime: ago(10, 'm'),
    reportingController: 'kubelet',
    reportingInstance: 'node-1',
    action: 'Pulling',
    reason: 'Pulling',
    regarding: { kind: 'Pod', name: 'web-0', fieldPath: 'spec.containers{app}' },
    note: 'Pulling image "nginx"',
    type: 'Normal',
    deprecatedFirstTimestamp: ago(10, 'm'),
    deprecatedLastTimestamp: ago(4, 'm'),
    deprecatedCount: 3,
    deprecatedSource: { component: 'kubelet', host: 'node-1' },
  };
  assert.deepEqual(cells(eventsV1EventPrinter, ev), ['4m', 'Normal', 'Pulling', 'pod/web-0', 'spec.containers{app}', 'kubelet, node-1', 'Pulling image "nginx"', '10m', 3, 'web-0.17f1c2']);
  const fresh = { metadata: { name: 'n' }, eventTime: ago(5, 's'), reportingController: 'scheduler', regarding: { kind: 'Pod', name: 'p' }, reason: 'Scheduled', note: 'ok', type: 'Normal' };
  assert.deepEqual(cells(eventsV1EventPrinter, fresh), ['5s', 'Normal', 'Scheduled', 'pod/p', '', 'scheduler', 'ok', '5s', 1, 'n']);
});

test('either printer accepts either shape, since both APIs share one store', () => {
  const core = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'c' }, involvedObject: { kind: 'Pod', name: 'p' }, reason: 'Started', message: 'go', type: 'Normal', count: 2, lastTimestamp: ago(1, 'm') };
  assert.deepEqual(shown(eventsV1EventPrinter, core), ['60s', 'Normal', 'Started', 'pod/p', 'go']);
  const v1 = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'n' }, regarding: { kind: 'Node', name: 'n1' }, note: 'hi', reason: 'R', type: 'Normal', eventTime: ago(2, 'm') };
  assert.deepEqual(shown(eventPrinter, v1), ['2m', 'Normal', 'R', 'node/n1', 'hi']);
});
