import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryLatencies } from './watch-latency.js';

test('delivery latency is arrival minus response, per pod', () => {
  const responses = new Map([
    ['a', 100],
    ['b', 200],
    ['c', 300],
  ]);
  const arrivals = new Map([
    ['a', 101],
    ['b', 204],
    ['c', 302],
  ]);
  const d = deliveryLatencies(responses, arrivals);
  assert.equal(d.delivered, 3);
  assert.equal(d.missing, 0);
  assert.equal(d.latency.p50, 2);
  assert.equal(d.latency.max, 4);
});

test('events that beat the response count as zero, and missing events are counted', () => {
  const responses = new Map([
    ['a', 100],
    ['b', 200],
    ['gone', 300],
  ]);
  const arrivals = new Map([
    ['a', 99.5],
    ['b', 201],
    ['other', 5],
  ]);
  const d = deliveryLatencies(responses, arrivals);
  assert.equal(d.delivered, 2);
  assert.equal(d.missing, 1);
  assert.equal(d.beforeResponse, 1);
  assert.equal(d.latency.p50, 0);
  assert.equal(d.latency.max, 1);
});
