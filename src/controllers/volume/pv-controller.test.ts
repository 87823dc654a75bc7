import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { R } from '../../client/resources.js';
import { pvProtectionController } from '../pv-protection.js';
import { pvcProtectionController } from '../pvc-protection.js';
import { node, pod, runPod, startRig, table, type Rig } from '../endpoints.testkit.js';
import { volumeControllers, persistentVolumeController } from './index.js';
import { Ann } from './util.js';

function pv(name: string, size: string, o: { policy?: string; cls?: string; claimRef?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: size },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: o.policy ?? 'Retain',
      storageClassName: o.cls ?? '',
      hostPath: { path: `/tmp/kubelite-test/${name}` },
      ...(o.claimRef ? { claimRef: o.claimRef } : {}),
    },
  };
}

function pvc(name: string, size: string, o: { cls?: string | null; volumeName?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(o.cls === null ? {} : { storageClassName: o.cls ?? '' }),
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
    },
  };
}

const get = (rig: Rig, ref: typeof R.persistentvolumes, ns: string, name: string) => rig.client.get(ref, ns, name);
const phase = async (rig: Rig, ref: typeof R.persistentvolumes, ns: string, name: string) => ((await get(rig, ref, ns, name))?.status as { phase?: string } | undefined)?.phase;

test('static volumes: the smallest fitting one binds; Retain keeps it Released; Delete without a deleter fails it', async () => {
  const rig = await startRig((ctx, r) => [persistentVolumeController(ctx, { recorder: r.recorder('persistentvolume-controller') }), pvcProtectionController(ctx), pvProtectionController(ctx)]);
  try {
    const { client } = rig;
    await client.create(R.persistentvolumes, '', pv('pv0001', '1Gi'));
    await client.create(R.persistentvolumes, '', pv('pv0002', '5Gi', { policy: 'Delete' }));
    await rig.until(async () => (await phase(rig, R.persistentvolumes, '', 'pv0001')) === 'Available' && (await phase(rig, R.persistentvolumes, '', 'pv0002')) === 'Available', 'volumes Available');
    assert.ok(((await get(rig, R.persistentvolumes, '', 'pv0001'))!.status as { lastPhaseTransitionTime?: string }).lastPhaseTransitionTime);

    await client.create(R.persistentvolumeclaims, 'default', pvc('data', '1Gi'));
    await client.create(R.persistentvolumeclaims, 'default', pvc('big', '2Gi'));
    await rig.until(async () => (await phase(rig, R.persistentvolumeclaims, 'default', 'data')) === 'Bound' && (await phase(rig, R.persistentvolumeclaims, 'default', 'big')) === 'Bound', 'claims Bound');
    const claim = (await get(rig, R.persistentvolumeclaims, 'default', 'data'))!;
    assert.equal((claim.spec as { volumeName?: string }).volumeName, 'pv0001');
    assert.deepEqual(claim.metadata.annotations, { [Ann.BindCompleted]: 'yes', [Ann.BoundByController]: 'yes' });
    assert.deepEqual(claim.status, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    const volume = (await get(rig, R.persistentvolumes, '', 'pv0001'))!;
    assert.deepEqual(volume.metadata.annotations, { [Ann.BoundByController]: 'yes' });
    assert.deepEqual((volume.spec as { claimRef?: Record<string, unknown> }).claimRef, {
      kind: 'PersistentVolumeClaim',
      namespace: 'default',
      name: 'data',
      uid: claim.metadata.uid,
      apiVersion: 'v1',
      resourceVersion: (volume.spec as { claimRef: { resourceVersion: string } }).claimRef.resourceVersion,
    });
    await rig.until(async () => (await phase(rig, R.persistentvolumes, '', 'pv0001')) === 'Bound', 'pv0001 Bound');

    let rows = table((await rig.kubectl(['get', 'pvc'])).stdout);
    assert.deepEqual(rows[0].slice(0, 5), ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES']);
    assert.deepEqual(rows.find((r) => r[0] === 'data')!.slice(0, 5), ['data', 'Bound', 'pv0001', '1Gi', 'RWO']);
    assert.deepEqual(rows.find((r) => r[0] === 'big')!.slice(0, 5), ['big', 'Bound', 'pv0002', '5Gi', 'RWO']);
    rows = table((await rig.kubectl(['get', 'pv'])).stdout);
    assert.deepEqual(rows.find((r) => r[0] === 'pv0001')!.slice(0, 6), ['pv0001', '1Gi', 'RWO', 'Retain', 'Bound', 'default/data']);

    // Retain: the claim goes, the volume stays Released with its claimRef.
    await client.delete(R.persistentvolumeclaims, 'default', 'data');
    await rig.until(async () => (await phase(rig, R.persistentvolumes, '', 'pv0001')) === 'Released', 'pv0001 Released');
    rows = table((await rig.kubectl(['get', 'pv', 'pv0001'])).stdout);
    assert.deepEqual(rows[1].slice(0, 6), ['pv0001', '1Gi', 'RWO', 'Retain', 'Released', 'default/data']);

    // Delete, for a hostPath volume nobody provisioned: there is no deleter; it fails visibly.
    await client.delete(R.persistentvolumeclaims, 'default', 'big');
    await rig.until(async () => (await phase(rig, R.persistentvolumes, '', 'pv0002')) === 'Failed', 'pv0002 Failed');
    const failed = (await get(rig, R.persistentvolumes, '', 'pv0002'))!;
    assert.equal((failed.status as { message?: string }).message, 'error getting deleter volume plugin for volume "pv0002": no deletable volume plugin matched');
    assert.ok(rig.events.some((e) => e.reason === 'VolumeFailedDelete' && e.name === 'pv0002'));
  } finally {
    await rig.stop();
  }
});

test('pre-binding: a claim naming its volume, a volume naming its claim, and a mismatch', async () => {
  const rig = await startRig((ctx, r) => [persistentVolumeController(ctx, { recorder: r.recorder('persistentvolume-controller') })]);
  try {
    const { client } = rig;
    await client.create(R.persistentvolumes, '', pv('small', '1Gi'));
    await client.create(R.persistentvolumes, '', pv('reserved', '1Gi', { claimRef: { namespace: 'default', name: 'chosen' } }));
    await client.create(R.persistentvolumes, '', pv('named', '3Gi'));
    await rig.until(async () => (await phase(rig, R.persistentvolumes, '', 'named')) === 'Available', 'volumes Available');
    await client.create(R.persistentvolumeclaims, 'default', pvc('asks', '1Gi', { volumeName: 'named' }));
    await client.create(R.persistentvolumeclaims, 'default', pvc('chosen', '1Gi'));
    await client.create(R.persistentvolumeclaims, 'default', pvc('greedy', '2Gi', { volumeName: 'small' }));
    await rig.until(async () => (await phase(rig, R.persistentvolumeclaims, 'default', 'asks')) === 'Bound' && (await phase(rig, R.persistentvolumeclaims, 'default', 'chosen')) === 'Bound', 'claims Bound');
    // The user bound the claim: only bind-completed on it; the controller bound the volume.
    assert.deepEqual((await get(rig, R.persistentvolumeclaims, 'default', 'asks'))!.metadata.annotations, { [Ann.BindCompleted]: 'yes' });
    assert.deepEqual((await get(rig, R.persistentvolumes, '', 'named'))!.metadata.annotations, { [Ann.BoundByController]: 'yes' });
    // The user bound the volume: the controller bound the claim.
    assert.equal(((await get(rig, R.persistentvolumeclaims, 'default', 'chosen'))!.spec as { volumeName: string }).volumeName, 'reserved');
    assert.equal((await get(rig, R.persistentvolumes, '', 'reserved'))!.metadata.annotations, undefined);
    await rig.until(() => rig.events.find((e) => e.reason === 'VolumeMismatch' && e.name === 'greedy'), 'VolumeMismatch');
    assert.equal(rig.events.find((e) => e.reason === 'VolumeMismatch')!.message, 'Cannot bind to requested volume "small": requested PV is too small');
    assert.equal(await phase(rig, R.persistentvolumeclaims, 'default', 'greedy'), 'Pending');
  } finally {
    await rig.stop();
  }
});

test('local-path: the default class waits for the first consumer, provisions on its node, and deletes with the claim', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelite-local-path-'));
  const rig = await startRig((ctx, r) => [
    ...volumeControllers(ctx, { binder: { recorder: r.recorder('persistentvolume-controller') }, localPath: { dataDir, recorder: r.recorder('rancher.io/local-path') } }),
    pvcProtectionController(ctx),
    pvProtectionController(ctx),
  ]);
  try {
    const { client, clock } = rig;
    await client.create(R.nodes, '', node('node-1'));
    const sc = await rig.until(() => client.get(R.storageclasses, '', 'local-path'), 'the default StorageClass');
    assert.deepEqual([sc.provisioner, sc.reclaimPolicy, sc.volumeBindingMode, sc.metadata.annotations], ['rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', { [Ann.IsDefaultClass]: 'true' }]);
    const scRows = table((await rig.kubectl(['get', 'storageclass'])).stdout);
    assert.deepEqual(scRows[1].slice(0, 4), ['local-path (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer']);

    // No class given: the admission plugin fills in the default.
    await client.create(R.persistentvolumeclaims, 'default', pvc('www', '1Gi', { cls: null }));
    await rig.until(() => rig.events.find((e) => e.reason === 'WaitForFirstConsumer' && e.name === 'www'), 'WaitForFirstConsumer');
    assert.equal(rig.events.find((e) => e.reason === 'WaitForFirstConsumer')!.message, 'waiting for first consumer to be created before binding');
    let rows = table((await rig.kubectl(['get', 'pvc', 'www'])).stdout);
    assert.deepEqual([rows[1][0], rows[1][1], rows[1][2]], ['www', 'Pending', 'local-path']);

    // A pod using the claim is not scheduled yet: the claim says so.
    await client.create(R.pods, 'default', pod('web-0', { claims: ['www'] }));
    await rig.until(() => rig.events.find((e) => e.reason === 'WaitForPodScheduled'), 'WaitForPodScheduled');
    assert.equal(rig.events.find((e) => e.reason === 'WaitForPodScheduled')!.message, 'waiting for pod web-0 to be scheduled');

    // Scheduled onto node-1: selected-node, then the provisioner's volume, then the binding.
    await runPod(client, clock, pod('web-0'), { node: 'node-1', ip: '10.42.0.2', ready: false });
    const bound = await rig.until(async () => {
      const c = await get(rig, R.persistentvolumeclaims, 'default', 'www');
      return (c?.status as { phase?: string } | undefined)?.phase === 'Bound' ? c : undefined;
    }, 'www Bound');
    const pvName = `pvc-${bound.metadata.uid}`;
    assert.equal((bound.spec as { volumeName: string }).volumeName, pvName);
    assert.deepEqual(bound.metadata.annotations, {
      [Ann.BindCompleted]: 'yes',
      [Ann.BoundByController]: 'yes',
      [Ann.SelectedNode]: 'node-1',
      [Ann.StorageProvisioner]: 'rancher.io/local-path',
      [Ann.BetaStorageProvisioner]: 'rancher.io/local-path',
    });
    const volume = (await get(rig, R.persistentvolumes, '', pvName))!;
    const dir = join(dataDir, `${pvName}_default_www`);
    assert.deepEqual((volume.spec as { hostPath: unknown }).hostPath, { path: dir, type: 'DirectoryOrCreate' });
    assert.deepEqual((volume.spec as { nodeAffinity: unknown }).nodeAffinity, {
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] }] },
    });
    assert.equal(volume.metadata.annotations?.[Ann.DynamicallyProvisioned], 'rancher.io/local-path');
    assert.ok(existsSync(dir));
    const story = rig.events.filter((e) => e.name === 'www' && ['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded'].includes(e.reason));
    // The PV controller (ExternalProvisioning) and the provisioner (Provisioning) answer the same
    // change of the claim, each on its own: either may record first, as between the two
    // processes upstream. The provisioner's success comes last.
    const reasons = [...new Set(story.map((e) => e.reason))];
    assert.deepEqual([...reasons].sort(), ['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']);
    assert.equal(reasons.at(-1), 'ProvisioningSucceeded');
    assert.equal(
      story.find((e) => e.reason === 'ExternalProvisioning')!.message,
      "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
    );
    assert.equal(story.find((e) => e.reason === 'Provisioning')!.message, 'External provisioner is provisioning volume for claim "default/www"');
    assert.equal(story.find((e) => e.reason === 'ProvisioningSucceeded')!.message, `Successfully provisioned volume ${pvName}`);
    await rig.until(async () => (await phase(rig, R.persistentvolumes, '', pvName)) === 'Bound', 'the volume Bound');
    rows = table((await rig.kubectl(['get', 'pvc,pv'])).stdout.split('\n\n')[0]);
    assert.deepEqual(rows[1].slice(0, 6), ['persistentvolumeclaim/www', 'Bound', pvName, '1Gi', 'RWO', 'local-path']);

    // The pod and the claim go: reclaim policy Delete removes the directory and the volume.
    await client.delete(R.pods, 'default', 'web-0', { gracePeriodSeconds: 0 });
    await client.delete(R.persistentvolumeclaims, 'default', 'www');
    await rig.until(async () => !(await get(rig, R.persistentvolumes, '', pvName)), 'the volume deleted');
    assert.equal(existsSync(dir), false);
  } finally {
    await rig.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('claims without a class get the default when it appears; a missing class fails provisioning (the StatefulSet seed)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelite-local-path-'));
  const rig = await startRig((ctx, r) => [persistentVolumeController(ctx, { recorder: r.recorder('persistentvolume-controller') })]);
  try {
    const { client } = rig;
    await client.create(R.persistentvolumeclaims, 'default', pvc('early', '1Gi', { cls: null }));
    await client.create(R.persistentvolumeclaims, 'default', pvc('www-web-0', '1Gi', { cls: 'my-storage-class' }));
    await rig.until(() => rig.events.find((e) => e.reason === 'ProvisioningFailed' && e.name === 'www-web-0'), 'ProvisioningFailed');
    assert.equal(rig.events.find((e) => e.reason === 'ProvisioningFailed')!.message, 'storageclass.storage.k8s.io "my-storage-class" not found');
    await rig.until(() => rig.events.find((e) => e.reason === 'FailedBinding' && e.name === 'early'), 'FailedBinding');
    assert.equal(rig.events.find((e) => e.reason === 'FailedBinding')!.message, 'no persistent volumes available for this claim and no storage class is set');
    // The default class appears (kubelite's own, say): the waiting claim takes it.
    const { ensureDefaultStorageClass } = await import('./storage-class.js');
    assert.equal(await ensureDefaultStorageClass(client), true);
    assert.equal(await ensureDefaultStorageClass(client), false);
    await rig.until(async () => ((await get(rig, R.persistentvolumeclaims, 'default', 'early'))?.spec as { storageClassName?: string }).storageClassName === 'local-path', 'the default class assigned');
  } finally {
    await rig.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
