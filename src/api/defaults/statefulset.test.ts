import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { setDefaultsStatefulSet } from './statefulset.js';

function web(): KubeObject {
  return {
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'nginx' } },
      serviceName: 'nginx',
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.7.9' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

test('StatefulSet defaults', () => {
  const sts = web();
  setDefaultsStatefulSet(sts);
  const spec = sts.spec as Record<string, any>;
  assert.equal(spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(spec.replicas, 1);
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.template.spec.restartPolicy, 'Always');
});

test('claim templates are stored as full PersistentVolumeClaims', () => {
  const sts = web();
  setDefaultsStatefulSet(sts);
  assert.deepEqual((sts.spec as any).volumeClaimTemplates[0], {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'www', creationTimestamp: null },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
    status: { phase: 'Pending' },
  });
});

test('OnDelete keeps no rollingUpdate; an explicit partition stays; idempotent', () => {
  const sts = web();
  (sts.spec as any).updateStrategy = { type: 'OnDelete' };
  setDefaultsStatefulSet(sts);
  assert.deepEqual((sts.spec as any).updateStrategy, { type: 'OnDelete' });
  const partitioned = web();
  (partitioned.spec as any).updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 2 } };
  setDefaultsStatefulSet(partitioned);
  assert.deepEqual((partitioned.spec as any).updateStrategy.rollingUpdate, { partition: 2 });
  const again = structuredClone(partitioned);
  setDefaultsStatefulSet(again);
  assert.deepEqual(again, partitioned);
});
