// Events expire an hour after their last write (kube-apiserver's --event-ttl), against the real
// API server on a FakeClock.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../machinery/clock.js';
import { startTestControlPlane, until, type TestControlPlane } from '../../testing/control-plane.js';
import { lastWriteOf } from './event-expiry.js';

const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'));
let cp: TestControlPlane;

before(async () => {
  cp = await startTestControlPlane({ controllers: false, clock });
});

after(async () => {
  await cp.stop();
});

function event(name: string, reason: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' },
    reason,
    message: `${reason} happened`,
    type: 'Normal',
    count: 1,
    source: { component: 'test' },
  };
}

async function exists(name: string): Promise<boolean> {
  const res = await cp.request('GET', `/api/v1/namespaces/default/events/${name}`);
  return res.status === 200;
}

/** Moves the clock a minute at a time, letting each minute's sweep finish. */
async function advanceMinutes(minutes: number): Promise<void> {
  for (let i = 0; i < minutes; i++) {
    clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('an Event goes an hour after its last write; one written again meanwhile stays; watchers see it deleted', async () => {
  assert.equal((await cp.request('POST', '/api/v1/namespaces/default/events', event('old', 'Pulled'))).status, 201);
  assert.equal((await cp.request('POST', '/api/v1/namespaces/default/events', event('renewed', 'BackOff'))).status, 201);
  const rv = (await cp.request('GET', '/api/v1/namespaces/default/events')).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
  const watch = cp.watch(`/api/v1/namespaces/default/events?watch=true&resourceVersion=${rv}`);

  await advanceMinutes(40);
  // Written again at 40 minutes (as the kubelet bumps a repeating Event's count): its hour starts over.
  const patched = await cp.request('PATCH', '/api/v1/namespaces/default/events/renewed', { count: 2 }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(patched.status, 200);
  await advanceMinutes(19);
  assert.ok(await exists('old'), 'gone before its hour was up');

  await advanceMinutes(2);
  await until(async () => !(await exists('old')), 5000, 'the hour-old Event to be deleted');
  assert.ok(await exists('renewed'), 'an Event written 21 minutes ago was deleted');
  await until(async () => watch.events.some((e) => e.type === 'DELETED' && e.object.metadata.name === 'old'), 5000, 'a DELETED watch event');

  await advanceMinutes(40);
  await until(async () => !(await exists('renewed')), 5000, 'the renewed Event to go an hour after its last write');
  watch.stop();
});

test('events.k8s.io Events expire with the core ones (one store)', async () => {
  const body = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'new-api', namespace: 'default' },
    eventTime: new Date(clock.now()).toISOString().replace(/Z$/, '000Z'),
    reportingController: 'example.com/test',
    reportingInstance: 'test-1',
    action: 'Testing',
    reason: 'Tested',
    regarding: { kind: 'Pod', namespace: 'default', name: 'web' },
    type: 'Normal',
  };
  const res = await cp.request('POST', '/apis/events.k8s.io/v1/namespaces/default/events', body);
  assert.equal(res.status, 201, res.text);
  await advanceMinutes(61);
  await until(async () => (await cp.request('GET', '/apis/events.k8s.io/v1/namespaces/default/events/new-api')).status === 404, 5000, 'the events.k8s.io Event to expire');
});

test('the last write is the newest time an Event records', () => {
  const t = (s: string) => Date.parse(s);
  const base = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', creationTimestamp: '2026-01-01T00:00:00Z' } };
  assert.equal(lastWriteOf(base), t('2026-01-01T00:00:00Z'));
  assert.equal(
    lastWriteOf({ ...base, metadata: { ...base.metadata, managedFields: [{ manager: 'a', time: '2026-01-01T00:10:00Z' }, { manager: 'b', time: '2026-01-01T00:05:00Z' }] } }),
    t('2026-01-01T00:10:00Z'),
  );
  assert.equal(lastWriteOf({ ...base, lastTimestamp: '2026-01-01T00:20:00Z' } as never), t('2026-01-01T00:20:00Z'));
  assert.equal(lastWriteOf({ ...base, series: { count: 3, lastObservedTime: '2026-01-01T00:30:00.000000Z' } } as never), t('2026-01-01T00:30:00Z'));
  assert.ok(Number.isNaN(lastWriteOf({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' } })));
});
