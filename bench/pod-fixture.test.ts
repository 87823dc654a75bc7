import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setDefaultsPod } from '../src/api/defaults/pod.js';
import { validatePodCreate } from '../src/api/validation/pod.js';
import { benchPod, benchPodBody } from './pod-fixture.js';

test('the bench pod is about 3 KB of JSON', () => {
  const size = Buffer.byteLength(benchPodBody('bench-000001'));
  assert.ok(size >= 2800 && size <= 3400, `size ${size}`);
});

test('the bench pod passes pod validation once defaulted, as the server does', () => {
  const pod = benchPod('bench-000001');
  setDefaultsPod(pod);
  assert.deepEqual(validatePodCreate(pod).map(String), []);
});

test('the bench pod can name a scheduler, and by default leaves the choice to the server', () => {
  const pod = benchPod('p1', 'default', { schedulerName: 'other' });
  assert.equal((pod.spec as Record<string, unknown>).schedulerName, 'other');
  assert.equal((benchPod('p1').spec as Record<string, unknown>).schedulerName, undefined);
  setDefaultsPod(pod);
  assert.deepEqual(validatePodCreate(pod).map(String), []);
});

test('the bench pod carries its name and namespace', () => {
  const pod = benchPod('p1', 'ns1');
  assert.equal(pod.metadata.name, 'p1');
  assert.equal(pod.metadata.namespace, 'ns1');
});
