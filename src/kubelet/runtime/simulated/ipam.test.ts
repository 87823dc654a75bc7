import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPodRanges, nodeCIDRMaskSize, nodeIP, nodePodCIDR, PodIPAllocator } from './ipam.js';

test('node addresses and pod ranges stay inside reserved, never-routed space', () => {
  assert.equal(nodeIP(0), '198.18.128.1');
  assert.equal(nodeIP(4999), '198.18.147.136');
  assert.deepEqual(defaultPodRanges(3), { clusterCIDR: '198.19.0.0/16', maskSize: 24 });
  assert.deepEqual(defaultPodRanges(300), { clusterCIDR: '198.19.0.0/16', maskSize: 25 });
  assert.deepEqual(defaultPodRanges(5000), { clusterCIDR: '240.0.0.0/4', maskSize: 24 });
  assert.equal(nodePodCIDR(2, '198.19.0.0/16', 24), '198.19.2.0/24');
  assert.equal(nodePodCIDR(3, '198.19.0.0/16', 25), '198.19.1.128/25');
  assert.equal(nodePodCIDR(4999, '240.0.0.0/4', 24), '240.19.135.0/24');
  assert.equal(nodeCIDRMaskSize('10.42.0.0/16', 1000), 26);
  assert.throws(() => nodeCIDRMaskSize('198.19.0.0/16', 5000), /give a larger clusterCIDR/);
});

test('pods get .2 onwards, keep their address, and free it; a full range says so', () => {
  const a = new PodIPAllocator('198.19.0.0/29');
  assert.equal(a.capacity, 5);
  assert.equal(a.rangeText, '198.19.0.2-198.19.0.6');
  const ips = ['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => a.allocate(u));
  assert.deepEqual(ips, ['198.19.0.2', '198.19.0.3', '198.19.0.4', '198.19.0.5', '198.19.0.6']);
  assert.equal(a.allocate('u6'), undefined);
  assert.equal(a.allocate('u3'), '198.19.0.4', 'the same pod keeps its address');
  a.release('u2');
  assert.equal(a.allocate('u6'), '198.19.0.3');
  const b = new PodIPAllocator('198.19.1.0/24');
  b.claim('old', '198.19.1.2');
  assert.equal(b.allocate('new'), '198.19.1.3', 'an address seen in a pod after a restart is taken');
});
