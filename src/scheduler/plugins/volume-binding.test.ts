import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PodInfo } from '../pod-info.js';
import { CycleState } from '../types.js';
import { makeNode, makePod, TestCluster } from '../testkit.js';
import { VolumeBinding } from './volume-binding.js';

function withVolumes(name: string, volumes: Record<string, unknown>[]) {
  const p = makePod(name);
  return new PodInfo({ ...p, spec: { ...(p.spec as object), volumes } });
}

describe('VolumeBinding (claim checks)', () => {
  const c = new TestCluster([makeNode('n1')]);
  c.objects.persistentvolumeclaims.push(
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, status: { phase: 'Bound' } },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'old', namespace: 'default', deletionTimestamp: '2026-01-01T00:00:00Z' } },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'gone', namespace: 'default' }, spec: { volumeName: 'pv-1' }, status: { phase: 'Lost' } },
  );
  const plugin = new VolumeBinding(c.handle);
  const reasons = (pod: PodInfo) => {
    const s = plugin.preFilter(new CycleState(), pod);
    return s ? [s.code, ...s.reasons] : null;
  };

  it('has nothing to check for pods without claims', () => {
    assert.deepEqual(reasons(withVolumes('p', [{ name: 'tmp', emptyDir: {} }])), [5]);
  });

  it('needs each claim to exist, not be lost and not be deleted', () => {
    assert.equal(reasons(withVolumes('p', [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }])), null);
    assert.deepEqual(reasons(withVolumes('p', [{ name: 'v', persistentVolumeClaim: { claimName: 'missing' } }])), [3, 'persistentvolumeclaim "missing" not found']);
    assert.deepEqual(reasons(withVolumes('p', [{ name: 'v', persistentVolumeClaim: { claimName: 'old' } }])), [3, 'persistentvolumeclaim "old" is being deleted']);
    assert.deepEqual(reasons(withVolumes('p', [{ name: 'v', persistentVolumeClaim: { claimName: 'gone' } }])), [3, 'persistentvolumeclaim "gone" bound to non-existent persistentvolume "pv-1"']);
    assert.deepEqual(reasons(withVolumes('web', [{ name: 'scratch', ephemeral: { volumeClaimTemplate: {} } }])), [3, 'waiting for ephemeral volume controller to create the persistentvolumeclaim "web-scratch"']);
  });
});
