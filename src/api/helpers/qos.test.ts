import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { effectivePodQOSClass, podQOSClass } from './qos.js';

const pod = (...resources: unknown[]): KubeObject => ({ metadata: { name: 'p' }, spec: { containers: resources.map((r, i) => ({ name: `c${i}`, image: 'x', resources: r })) } });

test('BestEffort: no cpu or memory anywhere', () => {
  assert.equal(podQOSClass(pod({}, {})), 'BestEffort');
  assert.equal(podQOSClass(pod({ requests: { 'ephemeral-storage': '1Gi' } })), 'BestEffort');
  assert.equal(podQOSClass(pod({ requests: { cpu: '0' } })), 'BestEffort', 'zero amounts do not count');
});

test('Guaranteed: every container limits cpu and memory, requests equal', () => {
  const full = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } };
  assert.equal(podQOSClass(pod(full, full)), 'Guaranteed');
  // As upstream, the class is computed after defaulting has copied limits into requests.
  assert.equal(podQOSClass(pod({ limits: { cpu: '1', memory: '20Mi' }, requests: { cpu: '1', memory: '20Mi' } })), 'Guaranteed');
  assert.equal(podQOSClass(pod({ limits: { cpu: '1', memory: '20Mi' } })), 'Burstable', 'undefaulted: no requests');
});

test('Burstable: anything in between', () => {
  assert.equal(podQOSClass(pod({ requests: { cpu: '200m', memory: '10Mi' } })), 'Burstable');
  assert.equal(podQOSClass(pod({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } })), 'Burstable');
  assert.equal(podQOSClass(pod({ limits: { cpu: '1', memory: '1Gi' } }, {})), 'Burstable', 'one container without limits');
  assert.equal(podQOSClass(pod({ limits: { cpu: '1' } })), 'Burstable');
});

test('init containers count; the recorded class wins when present', () => {
  const p = pod({ limits: { cpu: '1', memory: '1Gi' } });
  (p.spec as any).initContainers = [{ name: 'i', image: 'x', resources: { requests: { cpu: '100m' } } }];
  assert.equal(podQOSClass(p), 'Burstable');
  p.status = { qosClass: 'BestEffort' };
  assert.equal(effectivePodQOSClass(p), 'BestEffort');
  assert.equal(podQOSClass({ metadata: {}, spec: 'junk' } as unknown as KubeObject), 'BestEffort');
});
