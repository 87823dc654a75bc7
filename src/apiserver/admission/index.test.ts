import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from '../../machinery/clock.js';
import { kubernetesAdmissionPlugins } from './index.js';

test("the chain is kube-apiserver 1.32's default-enabled plugins, in its order", () => {
  assert.deepEqual(
    kubernetesAdmissionPlugins(realClock).map((p) => p.name),
    [
      'NamespaceLifecycle',
      'LimitRanger',
      'ServiceAccount',
      'TaintNodesByCondition',
      'Priority',
      'DefaultTolerationSeconds',
      'DefaultStorageClass',
      'StorageObjectInUseProtection',
      'PersistentVolumeClaimResize',
      'RuntimeClass',
      'DefaultIngressClass',
      'ResourceQuota',
    ],
  );
});

test('each chain has its own quota state', () => {
  const a = kubernetesAdmissionPlugins(realClock).at(-1);
  const b = kubernetesAdmissionPlugins(realClock).at(-1);
  assert.notEqual(a, b);
});
