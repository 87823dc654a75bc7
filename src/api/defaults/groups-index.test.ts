import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { groupDefaults } from './groups-index.js';

const apply = (key: string, o: KubeObject) => {
  groupDefaults[key](o);
  return o;
};

test('kinds with upstream defaults are registered by group/Kind', () => {
  for (const key of ['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'batch/Job', 'batch/CronJob', 'autoscaling/HorizontalPodAutoscaler', 'apiextensions.k8s.io/CustomResourceDefinition']) {
    assert.equal(typeof groupDefaults[key], 'function', key);
  }
  assert.equal(groupDefaults['policy/PodDisruptionBudget'], undefined);
});

test('NetworkPolicy: TCP ports and policy types from the rules present', () => {
  const np = apply('networking.k8s.io/NetworkPolicy', { metadata: { name: 'n' }, spec: { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 443 }] }] } });
  assert.deepEqual((np.spec as any).policyTypes, ['Ingress', 'Egress']);
  assert.deepEqual((np.spec as any).egress[0].ports, [{ port: 53, protocol: 'UDP' }, { port: 443, protocol: 'TCP' }]);
});

test('RBAC, storage, scheduling and discovery defaults', () => {
  const crb = apply('rbac.authorization.k8s.io/ClusterRoleBinding', { metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'devs' }] });
  assert.equal((crb.roleRef as any).apiGroup, 'rbac.authorization.k8s.io');
  assert.equal((crb.subjects as any)[0].apiGroup, 'rbac.authorization.k8s.io');
  const sc = apply('storage.k8s.io/StorageClass', { metadata: { name: 's' }, provisioner: 'p', reclaimPolicy: 'Retain' });
  assert.equal(sc.reclaimPolicy, 'Retain');
  assert.equal(sc.volumeBindingMode, 'Immediate');
  const pc = apply('scheduling.k8s.io/PriorityClass', { metadata: { name: 'p' }, value: 1, preemptionPolicy: 'Never' });
  assert.equal(pc.preemptionPolicy, 'Never');
  const slice = apply('discovery.k8s.io/EndpointSlice', { metadata: { name: 'e' }, addressType: 'IPv4', ports: [{ name: 'http', port: 80 }] });
  assert.deepEqual(slice.ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
});

test('every defaulter is idempotent and survives odd input', () => {
  for (const [key, fn] of Object.entries(groupDefaults)) {
    const o: KubeObject = { metadata: { name: 'x' } };
    fn(o);
    const again = structuredClone(o);
    fn(again);
    assert.deepEqual(again, o, key);
    assert.doesNotThrow(() => fn({ metadata: {}, spec: 'nope', ports: 5, subjects: 'x', roleRef: [] } as KubeObject), key);
  }
});
