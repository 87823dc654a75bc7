// Read-your-writes over the informer cache, and Go-style error text for events.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { FakeClock } from '../../machinery/clock.js';
import { WriteOverlay, errorText } from './pod-control.js';

const obj = (name: string, rv: number, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ metadata: { name, namespace: 'ns', resourceVersion: String(rv), ...extra } });

describe('WriteOverlay', () => {
  it('shows a created object until the informer has it', () => {
    const clock = new FakeClock();
    const o = new WriteOverlay(clock);
    o.wrote(obj('web-0', 5));
    assert.deepEqual(o.list([], 'ns').map((x) => x.metadata.name), ['web-0']);
    assert.equal(o.get('ns/web-0', obj('web-0', 4))!.metadata.resourceVersion, '5', 'a stale cache loses');
    o.observed(obj('web-0', 6));
    assert.equal(o.get('ns/web-0', obj('web-0', 6))!.metadata.resourceVersion, '6');
    assert.deepEqual(o.list([], 'ns'), [], 'settled: only the cache speaks');
  });
  it('hides a deleted object until the informer drops it, but not a newer one of that name', () => {
    const o = new WriteOverlay(new FakeClock());
    const cached = obj('web-1', 7);
    o.deleted(cached, undefined);
    assert.deepEqual(o.list([cached], 'ns'), []);
    assert.equal(o.get('ns/web-1', obj('web-1', 9))!.metadata.resourceVersion, '9', 'recreated since');
    o.observedDelete(cached);
    assert.deepEqual(o.list([cached], 'ns').length, 1);
  });
  it('forgets entries after a minute of clock time', () => {
    const clock = new FakeClock();
    const o = new WriteOverlay(clock);
    o.wrote(obj('web-0', 5));
    clock.advance(61_000);
    assert.deepEqual(o.list([], 'ns'), []);
  });
  it("errorText is Go's text of one error or an aggregate", () => {
    assert.equal(errorText(new Error('a')), 'a');
    assert.equal(errorText(new AggregateError([new Error('a'), new Error('b')])), '[a, b]');
  });
});
