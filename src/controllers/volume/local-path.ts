// The local-path provisioner, as k3s ships it (rancher/local-path-provisioner on
// sig-storage-lib-external-provisioner): for each claim the PersistentVolume controller hands
// to `rancher.io/local-path`, a directory `<dataDir>/pvc-<uid>_<namespace>_<claim>` on the node
// the scheduler selected, and a hostPath PersistentVolume `pvc-<uid>` pre-bound to the claim,
// with node affinity to that node and the class's reclaim policy. When such a volume is
// Released with reclaim policy Delete, its directory and then the volume are deleted.
//
// Why `rancher.io/local-path`: manifests and charts written for k3s name this provisioner (and
// the `local-path` class), so they work here unchanged, and `kubectl describe pvc` shows the
// same ExternalProvisioning / Provisioning / ProvisioningSucceeded story a k3s user knows.
// The name is an option for clusters that want their own.

import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { objectKey, splitKey } from '../../api/object.js';
import { R } from '../../client/resources.js';
import { Controller, type ControllerContext, type Reconciler, type Result, type Runnable } from '../controller.js';
import { ClientEventRecorder, type EventRecorder } from '../events.js';
import { Ann, VolumePhase, claimClass, claimRefOf, claimSpec, phaseOf, volumeSpec } from './util.js';

export const localPathProvisionerName = 'rancher.io/local-path';
/** The node label the volume's node affinity names (what local-path-provisioner uses). */
export const hostnameLabel = 'kubernetes.io/hostname';

export interface LocalPathOptions {
  /** Where volume directories are made (k3s: /var/lib/rancher/k3s/storage). */
  dataDir: string;
  /** The provisioner name classes refer to (default rancher.io/local-path). */
  provisionerName?: string;
  /** Defaults to a recorder whose component is `<provisioner>_<host>_<uuid>`, as the library names it. */
  recorder?: EventRecorder;
  workers?: number;
}

/** The directory of a claim's volume: `<dataDir>/pvc-<uid>_<namespace>_<name>`. */
export function volumeDirectory(dataDir: string, claim: KubeObject): string {
  return join(resolve(dataDir), [`pvc-${claim.metadata.uid}`, claim.metadata.namespace, claim.metadata.name].join('_'));
}

/** The PersistentVolume the provisioner creates for a claim on a node. */
export function provisionedVolume(claim: KubeObject, sc: KubeObject, node: KubeObject, path: string, provisioner: string): KubeObject {
  const spec = claimSpec(claim);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pvc-${claim.metadata.uid}`, annotations: { [Ann.DynamicallyProvisioned]: provisioner } },
    spec: {
      capacity: { storage: spec.resources?.requests?.storage ?? '0' },
      accessModes: spec.accessModes ?? [],
      claimRef: claimRefOf(claim),
      persistentVolumeReclaimPolicy: (sc.reclaimPolicy as string | undefined) ?? 'Delete',
      storageClassName: sc.metadata.name,
      volumeMode: spec.volumeMode ?? 'Filesystem',
      ...((sc.mountOptions as string[] | undefined)?.length ? { mountOptions: sc.mountOptions } : {}),
      hostPath: { path, type: 'DirectoryOrCreate' },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: hostnameLabel, operator: 'In', values: [node.metadata.labels?.[hostnameLabel] ?? node.metadata.name!] }] }],
        },
      },
    },
  };
}

export class LocalPathProvisioner implements Runnable {
  readonly claimQueue: Controller;
  readonly volumeQueue: Controller;
  readonly name: string;
  private readonly recorder: EventRecorder;
  private readonly dataDir: string;

  constructor(
    private readonly ctx: ControllerContext,
    options: LocalPathOptions,
  ) {
    this.name = options.provisionerName ?? localPathProvisionerName;
    this.dataDir = resolve(options.dataDir);
    this.recorder = options.recorder ?? new ClientEventRecorder(ctx.client, `${this.name}_${hostname()}_${randomUUID()}`, ctx.clock, ctx.log);
    this.claimQueue = new Controller('local-path-provisioner-claims', ctx, { reconcile: (k) => this.provisionKey(k) } satisfies Reconciler, options.workers ?? 1);
    this.volumeQueue = new Controller('local-path-provisioner-volumes', ctx, { reconcile: (k) => this.deleteKey(k) } satisfies Reconciler, 1);
    const claim = (c: KubeObject) => this.claimQueue.enqueue(objectKey(c));
    ctx.informers.informerFor(R.persistentvolumeclaims).addEventHandler({ onAdd: claim, onUpdate: (_o, n) => claim(n) });
    const volume = (v: KubeObject) => this.volumeQueue.enqueue(v.metadata.name!);
    ctx.informers.informerFor(R.persistentvolumes).addEventHandler({ onAdd: volume, onUpdate: (_o, n) => volume(n) });
    ctx.informers.informerFor(R.storageclasses);
    ctx.informers.informerFor(R.nodes);
  }

  async start(signal: AbortSignal): Promise<void> {
    await Promise.all([this.claimQueue.start(signal), this.volumeQueue.start(signal)]);
  }

  private askedOfUs(claim: KubeObject): boolean {
    const a = claim.metadata.annotations ?? {};
    return (a[Ann.StorageProvisioner] ?? a[Ann.BetaStorageProvisioner]) === this.name;
  }

  private async provisionKey(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const claim = this.ctx.informers.informerFor(R.persistentvolumeclaims).get(namespace, name);
    if (!claim || claim.metadata.deletionTimestamp || claimSpec(claim).volumeName || !this.askedOfUs(claim)) return;
    const pvName = `pvc-${claim.metadata.uid}`;
    if (this.ctx.informers.informerFor(R.persistentvolumes).get('', pvName)) return;
    const sc = this.ctx.informers.informerFor(R.storageclasses).get('', claimClass(claim));
    if (!sc || sc.provisioner !== this.name) return;
    const selected = claim.metadata.annotations?.[Ann.SelectedNode];
    // A class that waits for the first consumer is provisioned once the scheduler picked a node.
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !selected) return;
    this.recorder.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${namespace}/${name}"`);
    try {
      const node = selected ? this.ctx.informers.informerFor(R.nodes).get('', selected) : undefined;
      if (!selected) throw new Error('configuration error, no node was specified');
      if (!node) throw new Error(`failed to get target node: nodes "${selected}" not found`);
      for (const mode of claimSpec(claim).accessModes ?? []) {
        if (mode !== 'ReadWriteOnce' && mode !== 'ReadWriteOncePod') throw new Error('NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes');
      }
      const path = volumeDirectory(this.dataDir, claim);
      await mkdir(path, { recursive: true, mode: 0o777 });
      try {
        await this.ctx.client.create(R.persistentvolumes, '', provisionedVolume(claim, sc, node, path, this.name));
      } catch (e) {
        if ((e as { reason?: string }).reason !== 'AlreadyExists') throw e;
      }
    } catch (e) {
      this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata.name}": ${(e as Error).message}`);
      return { requeueAfter: 10_000 };
    }
    this.recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
  }

  /** Only directories under the data directory are ever removed. */
  private ownsPath(path: string | undefined): path is string {
    if (!path) return false;
    const p = resolve(path);
    return p.startsWith(this.dataDir + sep) && p !== this.dataDir;
  }

  private async deleteKey(name: string): Promise<Result | void> {
    const volume = this.ctx.informers.informerFor(R.persistentvolumes).get('', name);
    if (!volume || volume.metadata.deletionTimestamp) return;
    const spec = volumeSpec(volume);
    if (phaseOf(volume) !== VolumePhase.Released || spec.persistentVolumeReclaimPolicy !== 'Delete') return;
    if (volume.metadata.annotations?.[Ann.DynamicallyProvisioned] !== this.name) return;
    const path = spec.hostPath?.path ?? spec.local?.path;
    try {
      if (this.ownsPath(path)) await rm(path, { recursive: true, force: true });
      await this.ctx.client.delete(R.persistentvolumes, '', name);
    } catch (e) {
      if ((e as { code?: number }).code === 404) return;
      this.recorder.event(volume, 'Warning', 'VolumeFailedDelete', (e as Error).message);
      return { requeueAfter: 10_000 };
    }
  }
}

export function localPathProvisioner(ctx: ControllerContext, options: LocalPathOptions): LocalPathProvisioner {
  return new LocalPathProvisioner(ctx, options);
}
