import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  csiDriverPrinter,
  csiNodePrinter,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  storageClassPrinter,
  volumeAttachmentPrinter,
} from './storage.js';
import { ago, cells, headers, shown } from './testing.js';

test('persistentvolume: capacity, modes, claim, class and wide volume mode', () => {
  assert.deepEqual(headers(persistentVolumePrinter), [
    'NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE',
  ]);
  assert.deepEqual(headers(persistentVolumePrinter, true).at(-1), 'VOLUMEMODE');
  const pv = {
    metadata: { name: 'pv-0001', creationTimestamp: ago(2, 'd') },
    spec: {
      capacity: { storage: '10240Mi' },
      accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce', 'ReadWriteOncePod'],
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data' },
      storageClassName: 'standard',
      volumeMode: 'Filesystem',
    },
    status: { phase: 'Bound' },
  };
  assert.deepEqual(cells(persistentVolumePrinter, pv), ['pv-0001', '10Gi', 'RWO,RWX,RWOP', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', '2d', 'Filesystem']);
});

test('persistentvolume: Terminating, beta class annotation, and an empty spec', () => {
  const pv = {
    metadata: { name: 'old', deletionTimestamp: ago(1, 's'), annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } },
    spec: { storageClassName: 'standard', volumeAttributesClassName: 'gold' },
    status: { phase: 'Released', reason: 'Gone' },
  };
  assert.deepEqual(shown(persistentVolumePrinter, pv), ['old', '0', '', '', 'Terminating', '', 'legacy', 'gold', 'Gone', '<unknown>']);
});

test('persistentvolumeclaim: capacity and modes only once bound', () => {
  assert.deepEqual(headers(persistentVolumeClaimPrinter), ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
  const bound = {
    metadata: { name: 'data', creationTimestamp: ago(15, 'm') },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard', volumeName: 'pvc-1234', volumeMode: 'Filesystem' },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } },
  };
  assert.deepEqual(cells(persistentVolumeClaimPrinter, bound), ['data', 'Bound', 'pvc-1234', '1Gi', 'RWO', 'standard', '<unset>', '15m', 'Filesystem']);
  const pending = { metadata: { name: 'wait' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } };
  assert.deepEqual(cells(persistentVolumeClaimPrinter, pending), ['wait', 'Pending', '', '', '', '', '<unset>', '<unknown>', '<unset>']);
  assert.equal(shown(persistentVolumeClaimPrinter, { ...pending, metadata: { name: 'w', deletionTimestamp: ago(1, 's') } })[1], 'Terminating');
});

test('storageclass: (default) marker and Kubernetes defaults for unset fields', () => {
  assert.deepEqual(headers(storageClassPrinter), ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE']);
  const sc = {
    metadata: { name: 'standard', creationTimestamp: ago(30, 'd'), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
  assert.deepEqual(cells(storageClassPrinter, sc), ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '30d']);
  const beta = { metadata: { name: 'b', annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } }, provisioner: 'x', allowVolumeExpansion: true };
  assert.deepEqual(cells(storageClassPrinter, beta), ['b (default)', 'x', 'Delete', 'Immediate', true, '<unknown>']);
  const notDefault = { metadata: { name: 'n', annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } }, provisioner: 'x' };
  assert.equal(cells(storageClassPrinter, notDefault)[0], 'n');
});

test('csidriver: defaults, token audiences and lifecycle modes', () => {
  assert.deepEqual(headers(csiDriverPrinter), ['NAME', 'ATTACHREQUIRED', 'PODINFOONMOUNT', 'STORAGECAPACITY', 'TOKENREQUESTS', 'REQUIRESREPUBLISH', 'MODES', 'AGE']);
  const full = {
    metadata: { name: 'secrets-store.csi.k8s.io', creationTimestamp: ago(5, 'h') },
    spec: { attachRequired: false, podInfoOnMount: true, tokenRequests: [{ audience: 'api' }, { audience: 'vault' }], requiresRepublish: true, volumeLifecycleModes: ['Persistent', 'Ephemeral'] },
  };
  assert.deepEqual(cells(csiDriverPrinter, full), ['secrets-store.csi.k8s.io', false, true, false, 'api,vault', true, 'Persistent,Ephemeral', '5h']);
  assert.deepEqual(cells(csiDriverPrinter, { metadata: { name: 'min' }, spec: {} }), ['min', true, false, false, '<unset>', false, '<none>', '<unknown>']);
  assert.equal(cells(csiDriverPrinter, { metadata: { name: 'e' }, spec: { tokenRequests: [] } })[4], '');
});

test('csinode: number of drivers', () => {
  assert.deepEqual(headers(csiNodePrinter), ['NAME', 'DRIVERS', 'AGE']);
  assert.deepEqual(cells(csiNodePrinter, { metadata: { name: 'worker-1', creationTimestamp: ago(9, 'm') }, spec: { drivers: [{ name: 'a' }, { name: 'b' }] } }), ['worker-1', 2, '9m']);
});

test('volumeattachment: attacher, PV, node and attached flag', () => {
  assert.deepEqual(headers(volumeAttachmentPrinter), ['NAME', 'ATTACHER', 'PV', 'NODE', 'ATTACHED', 'AGE']);
  const va = {
    metadata: { name: 'csi-1a2b', creationTimestamp: ago(3, 'm') },
    spec: { attacher: 'ebs.csi.aws.com', nodeName: 'worker-1', source: { persistentVolumeName: 'pvc-1234' } },
    status: { attached: true },
  };
  assert.deepEqual(cells(volumeAttachmentPrinter, va), ['csi-1a2b', 'ebs.csi.aws.com', 'pvc-1234', 'worker-1', true, '3m']);
  assert.deepEqual(cells(volumeAttachmentPrinter, { metadata: { name: 'inline' }, spec: { attacher: 'x', source: {} } }), ['inline', 'x', '', '', false, '<unknown>']);
});
