import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../api/object.js';
import type { StructuralSchema } from '../../api/schema/structural.js';
import { updateManagedFields } from './field-manager.js';
import { parentEntriesFromScale, replicasPath, scaleEntriesFromParent } from './scale.js';
import { ignoreManagedFieldsTimestamps } from './timestamps.js';

// `kubectl scale deployment web --replicas=5` goes through /scale: the Scale object's
// managedFields come from the Deployment's, the write is recorded on the Scale, and the
// result goes back to the Deployment.

const paths = { 'apps/v1': replicasPath('.spec.replicas') };
const scaleSchema: StructuralSchema = {
  type: 'object',
  'x-kubelite-definition': 'io.k8s.api.autoscaling.v1.Scale',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: { type: 'object', properties: { replicas: { type: 'integer' } } },
    status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
  },
};

const deploymentEntries: ManagedFieldsEntry[] = [
  {
    manager: 'kubectl',
    operation: 'Apply',
    apiVersion: 'apps/v1',
    time: '2024-05-01T10:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': {} } } } },
  },
  {
    manager: 'kube-controller-manager',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: '2024-05-01T10:00:01Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:replicas': {} } },
    subresource: 'status',
  },
];

describe('managedFields through the scale subresource', () => {
  it('shows the Scale object the owners of replicas, in autoscaling/v1', () => {
    assert.deepEqual(scaleEntriesFromParent(deploymentEntries, paths), [
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'autoscaling/v1', time: '2024-05-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
    ]);
  });

  it('moves replicas to the scale writer, whose entry has no time of its own', () => {
    const scale = {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: 'default', uid: 'u', managedFields: scaleEntriesFromParent(deploymentEntries, paths) },
      spec: { replicas: 2 },
      status: { replicas: 2 },
    } as KubeObject;
    const scaled = updateManagedFields(scale, { ...scale, spec: { replicas: 5 } }, {
      manager: 'kubectl',
      apiVersion: 'autoscaling/v1',
      subresource: 'scale',
      now: new Date('2024-05-01T10:05:00Z'),
      schema: scaleSchema,
      resetFields: [['status']],
    });
    const parent = parentEntriesFromScale(deploymentEntries, scaled.metadata.managedFields, 'apps/v1', paths);
    assert.deepEqual(parent, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2024-05-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': {} } } } },
      },
      { manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } }, subresource: 'scale' },
      deploymentEntries[1],
    ]);
  });
});

describe('ignoreManagedFieldsTimestamps', () => {
  const stored = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', managedFields: [{ manager: 'm', operation: 'Apply', apiVersion: 'v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }] },
    data: { a: '1' },
  } as KubeObject;
  const retimed = (obj: KubeObject, data: Record<string, string>): KubeObject => ({
    ...obj,
    data,
    metadata: { ...obj.metadata, managedFields: obj.metadata.managedFields!.map((e) => ({ ...e, time: '2024-06-01T00:00:00Z' })) },
  });

  it('puts old times back when nothing but times changed', () => {
    assert.deepEqual(ignoreManagedFieldsTimestamps(retimed(stored, { a: '1' }), stored), stored);
  });

  it('keeps new times when the object changed too', () => {
    const changed = retimed(stored, { a: '2' });
    assert.equal(ignoreManagedFieldsTimestamps(changed, stored), changed);
  });
});
