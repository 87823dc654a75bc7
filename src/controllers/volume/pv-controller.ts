// The PersistentVolume controller (upstream pkg/controller/volume/persistentvolume): binds
// claims to volumes and keeps both sides' phases true.
//
// A claim binds to a volume pre-bound to it, else (unless its class waits for the first
// consumer) to the smallest Available volume of its class that fits its size, access modes
// and selector; failing that, a claim with a class is handed to that class's provisioner
// (annotated volume.kubernetes.io/storage-provisioner; the provisioner creates a volume
// pre-bound to it, which the next sync binds). A claim without a class gets the default class
// when one appears. A volume whose claim is gone is Released and its reclaim policy runs:
// Retain keeps it, Delete leaves it to its provisioner (or fails it when nobody can delete
// it). Everything is resynced every 15 seconds, as upstream's --pvclaimbinder-sync-period.

import type { KubeObject } from '../../api/object.js';
import { deepCopy, objectKey, splitKey } from '../../api/object.js';
import { rfc3339 } from '../../machinery/clock.js';
import { R } from '../../client/resources.js';
import { Controller, type ControllerContext, type Reconciler, type Result, type Runnable } from '../controller.js';
import { ClientEventRecorder, type EventRecorder } from '../events.js';
import {
  Ann,
  ClaimPhase,
  VolumePhase,
  claimClass,
  claimHasClass,
  claimRefOf,
  claimSpec,
  defaultClass,
  findBestMatchForClaim,
  hasAnnotation,
  isPodTerminated,
  isVolumeBoundToClaim,
  phaseOf,
  podClaimNames,
  volumeModeMismatch,
  volumeSpec,
  volumeUnsatisfiable,
} from './util.js';

export const defaultSyncPeriodMs = 15_000;

export interface PersistentVolumeControllerOptions {
  /** Defaults to a recorder whose events come from `persistentvolume-controller`, as upstream's. */
  recorder?: EventRecorder;
  /** --pvclaimbinder-sync-period (default 15 s). */
  syncPeriodMs?: number;
  /**
   * Until the scheduler's VolumeBinding plugin sets volume.kubernetes.io/selected-node, a
   * WaitForFirstConsumer claim whose consuming pod is already on a node takes that node
   * (default true). With the plugin in place this never fires: pods wait for their claims.
   */
  selectNodeForScheduledPods?: boolean;
}

const conflict = (message: string) => Object.assign(new Error(message), { reason: 'Conflict' });

export class PersistentVolumeController implements Runnable {
  readonly claimQueue: Controller;
  readonly volumeQueue: Controller;
  private readonly recorder: EventRecorder;
  private readonly syncPeriod: number;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly options: PersistentVolumeControllerOptions = {},
  ) {
    this.recorder = options.recorder ?? new ClientEventRecorder(ctx.client, 'persistentvolume-controller', ctx.clock, ctx.log);
    this.syncPeriod = options.syncPeriodMs ?? defaultSyncPeriodMs;
    this.claimQueue = new Controller('persistentvolume-binder-claims', ctx, { reconcile: (key) => this.syncClaimKey(key) } satisfies Reconciler, 1);
    this.volumeQueue = new Controller('persistentvolume-binder-volumes', ctx, { reconcile: (key) => this.syncVolumeKey(key) } satisfies Reconciler, 1);
    const claimKey = (o: KubeObject) => this.claimQueue.enqueue(objectKey(o));
    const volumeKey = (o: KubeObject) => this.volumeQueue.enqueue(o.metadata.name!);
    this.claims.addEventHandler({
      onAdd: claimKey,
      onUpdate: (_o, n) => claimKey(n),
      onDelete: (claim) => {
        // Its volume is Released now.
        const name = claimSpec(claim).volumeName;
        if (name) this.volumeQueue.enqueue(name);
        for (const v of this.volumes.list()) if (isVolumeBoundToClaim(v, claim)) volumeKey(v);
      },
    });
    this.volumes.addEventHandler({
      onAdd: volumeKey,
      onUpdate: (_o, n) => volumeKey(n),
      onDelete: (volume) => {
        // Its claim is Lost now.
        const ref = volumeSpec(volume).claimRef;
        if (ref?.namespace && ref.name) this.claimQueue.enqueue(`${ref.namespace}/${ref.name}`);
      },
    });
    // A new default class applies to claims waiting without one.
    this.classes.addEventHandler({ onAdd: () => this.pendingClaims().forEach(claimKey), onUpdate: () => this.pendingClaims().forEach(claimKey) });
    // A pod using a waiting claim getting a node moves the claim on.
    this.pods.addEventHandler({
      onAdd: (pod) => this.claimsOfPod(pod).forEach((k) => this.claimQueue.enqueue(k)),
      onUpdate: (o, n) => {
        if ((o.spec as { nodeName?: string }).nodeName !== (n.spec as { nodeName?: string }).nodeName) this.claimsOfPod(n).forEach((k) => this.claimQueue.enqueue(k));
      },
    });
  }

  get claims() {
    return this.ctx.informers.informerFor(R.persistentvolumeclaims);
  }
  get volumes() {
    return this.ctx.informers.informerFor(R.persistentvolumes);
  }
  get classes() {
    return this.ctx.informers.informerFor(R.storageclasses);
  }
  get pods() {
    return this.ctx.informers.informerFor(R.pods);
  }

  private pendingClaims(): KubeObject[] {
    return this.claims.list().filter((c) => !hasAnnotation(c, Ann.BindCompleted));
  }

  private claimsOfPod(pod: KubeObject): string[] {
    return podClaimNames(pod).map((n) => `${pod.metadata.namespace}/${n}`);
  }

  async start(signal: AbortSignal): Promise<void> {
    const resync = () => {
      if (signal.aborted) return;
      for (const c of this.claims.list()) this.claimQueue.enqueue(objectKey(c));
      for (const v of this.volumes.list()) this.volumeQueue.enqueue(v.metadata.name!);
      cancel = this.ctx.clock.setTimeout(resync, this.syncPeriod);
    };
    let cancel = this.ctx.clock.setTimeout(resync, this.syncPeriod);
    signal.addEventListener('abort', () => cancel(), { once: true });
    await Promise.all([this.claimQueue.start(signal), this.volumeQueue.start(signal)]);
  }

  // ---- claims ----

  private async syncClaimKey(key: string): Promise<Result | void> {
    const { namespace, name } = splitKey(key);
    const claim = this.claims.get(namespace, name);
    if (!claim) return;
    if (!hasAnnotation(claim, Ann.BindCompleted)) await this.syncUnboundClaim(claim);
    else await this.syncBoundClaim(claim);
  }

  private isDelayBinding(claim: KubeObject): boolean {
    const cls = claimClass(claim);
    if (!cls) return false;
    const sc = this.classes.get('', cls);
    return (sc?.volumeBindingMode as string | undefined) === 'WaitForFirstConsumer';
  }

  private async syncUnboundClaim(claim: KubeObject): Promise<void> {
    const spec = claimSpec(claim);
    if (!spec.volumeName) {
      const delayBinding = this.isDelayBinding(claim);
      const volume = findBestMatchForClaim(claim, this.volumes.list(), delayBinding);
      if (volume) {
        await this.bind(volume, claim);
        return;
      }
      if (await this.assignDefaultStorageClass(claim)) return;
      if (delayBinding && !hasAnnotation(claim, Ann.SelectedNode)) {
        if (await this.selectNodeFromScheduledPod(claim)) return;
        this.emitWaitingForConsumer(claim);
      } else if (claimClass(claim) !== '') {
        await this.provisionClaim(claim);
        return;
      } else {
        this.recorder.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      }
      await this.updateClaimStatus(claim, ClaimPhase.Pending, undefined);
      return;
    }
    // The user asked for a specific volume.
    const volume = this.volumes.get('', spec.volumeName);
    if (!volume) {
      await this.updateClaimStatus(claim, ClaimPhase.Pending, undefined);
      return;
    }
    const ref = volumeSpec(volume).claimRef;
    if (!ref) {
      const why = volumeUnsatisfiable(volume, claim);
      if (why) {
        this.recorder.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volume.metadata.name}": ${why}`);
        await this.updateClaimStatus(claim, ClaimPhase.Pending, undefined);
        return;
      }
      await this.bind(volume, claim);
    } else if (isVolumeBoundToClaim(volume, claim)) {
      await this.bind(volume, claim);
    } else {
      this.recorder.event(claim, 'Warning', 'FailedBinding', `volume "${volume.metadata.name}" already bound to a different claim.`);
      if (!hasAnnotation(claim, Ann.BoundByController)) await this.updateClaimStatus(claim, ClaimPhase.Pending, undefined);
      else throw new Error(`invalid binding of claim "${objectKey(claim)}" to volume "${spec.volumeName}": volume already claimed by "${ref.namespace}/${ref.name}"`);
    }
  }

  private async syncBoundClaim(claim: KubeObject): Promise<void> {
    const spec = claimSpec(claim);
    if (!spec.volumeName) {
      await this.updateClaimStatusWithEvent(claim, ClaimPhase.Lost, 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      return;
    }
    const volume = this.volumes.get('', spec.volumeName);
    if (!volume) {
      await this.updateClaimStatusWithEvent(claim, ClaimPhase.Lost, 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return;
    }
    const ref = volumeSpec(volume).claimRef;
    if (!ref || ref.uid === claim.metadata.uid) await this.bind(volume, claim);
    else await this.updateClaimStatusWithEvent(claim, ClaimPhase.Lost, 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  }

  /** Retroactive default StorageClass assignment for claims created before any default existed. */
  private async assignDefaultStorageClass(claim: KubeObject): Promise<boolean> {
    if (claimHasClass(claim)) return false;
    const sc = defaultClass(this.classes.list());
    if (!sc) return false;
    const next = deepCopy(claim);
    (next.spec as Record<string, unknown>).storageClassName = sc.metadata.name;
    await this.ctx.client.update(R.persistentvolumeclaims, claim.metadata.namespace!, next);
    return true;
  }

  private consumers(claim: KubeObject): KubeObject[] {
    return this.pods.list(claim.metadata.namespace).filter((p) => !isPodTerminated(p) && podClaimNames(p).includes(claim.metadata.name!));
  }

  /** Stands in for the scheduler's VolumeBinding PreBind (see the option). */
  private async selectNodeFromScheduledPod(claim: KubeObject): Promise<boolean> {
    if (this.options.selectNodeForScheduledPods === false) return false;
    const scheduled = this.consumers(claim).find((p) => (p.spec as { nodeName?: string }).nodeName);
    if (!scheduled) return false;
    const next = deepCopy(claim);
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [Ann.SelectedNode]: (scheduled.spec as { nodeName: string }).nodeName };
    await this.ctx.client.update(R.persistentvolumeclaims, claim.metadata.namespace!, next);
    return true;
  }

  private emitWaitingForConsumer(claim: KubeObject): void {
    const unscheduled = this.consumers(claim)
      .filter((p) => !(p.spec as { nodeName?: string }).nodeName)
      .map((p) => p.metadata.name!);
    if (unscheduled.length === 0) this.recorder.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    else if (unscheduled.length === 1) this.recorder.event(claim, 'Normal', 'WaitForPodScheduled', `waiting for pod ${unscheduled[0]} to be scheduled`);
    else this.recorder.event(claim, 'Normal', 'WaitForPodScheduled', `waiting for pods ${unscheduled.join(',')} to be scheduled`);
  }

  /** provisionClaim: every provisioner here is external — annotate the claim and say whom it waits for. */
  private async provisionClaim(claim: KubeObject): Promise<void> {
    const cls = claimClass(claim);
    const sc = this.classes.get('', cls);
    if (!sc) {
      this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${cls}" not found`);
      await this.updateClaimStatus(claim, ClaimPhase.Pending, undefined);
      return;
    }
    const provisioner = String(sc.provisioner ?? '');
    if (provisioner.startsWith('kubernetes.io/')) {
      // No in-tree volume plugins here (kubernetes.io/no-provisioner included).
      this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `no provisionable volume plugin matched`);
      await this.updateClaimStatus(claim, ClaimPhase.Pending, undefined);
      return;
    }
    const a = claim.metadata.annotations ?? {};
    if (a[Ann.StorageProvisioner] !== provisioner || a[Ann.BetaStorageProvisioner] !== provisioner) {
      const next = deepCopy(claim);
      next.metadata.annotations = { ...a, [Ann.StorageProvisioner]: provisioner, [Ann.BetaStorageProvisioner]: provisioner };
      try {
        claim = await this.ctx.client.update(R.persistentvolumeclaims, claim.metadata.namespace!, next);
      } catch (e) {
        if ((e as { reason?: string }).reason === 'Conflict') throw e;
        this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `Error saving claim: ${(e as Error).message}`);
        throw e;
      }
    }
    this.recorder.event(
      claim,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
    await this.updateClaimStatus(claim, ClaimPhase.Pending, undefined);
  }

  // ---- binding ----

  /** Volume first (claimRef, then phase), then the claim (volumeName and annotations, then status). */
  private async bind(volume: KubeObject, claim: KubeObject): Promise<void> {
    const { client } = this.ctx;
    const ref = volumeSpec(volume).claimRef;
    if (!ref || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace || ref.uid !== claim.metadata.uid) {
      const next = deepCopy(volume);
      const boundByController = !isVolumeBoundToClaim(volume, claim);
      (next.spec as Record<string, unknown>).claimRef = claimRefOf(claim);
      if (boundByController && !hasAnnotation(next, Ann.BoundByController)) next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [Ann.BoundByController]: 'yes' };
      volume = await client.update(R.persistentvolumes, '', next);
    }
    volume = await this.updateVolumePhase(volume, VolumePhase.Bound, '');
    let claimChanged = false;
    const nextClaim = deepCopy(claim);
    const annotations = { ...(nextClaim.metadata.annotations ?? {}) };
    if (claimSpec(claim).volumeName !== volume.metadata.name) {
      (nextClaim.spec as Record<string, unknown>).volumeName = volume.metadata.name;
      if (annotations[Ann.BoundByController] === undefined) annotations[Ann.BoundByController] = 'yes';
      claimChanged = true;
    }
    if (annotations[Ann.BindCompleted] === undefined) {
      annotations[Ann.BindCompleted] = 'yes';
      claimChanged = true;
    }
    if (claimChanged) {
      nextClaim.metadata.annotations = annotations;
      claim = await client.update(R.persistentvolumeclaims, claim.metadata.namespace!, nextClaim);
    }
    await this.updateClaimStatus(claim, ClaimPhase.Bound, volume);
  }

  private async updateClaimStatus(claim: KubeObject, phase: string, volume: KubeObject | undefined): Promise<KubeObject> {
    const status = { ...((claim.status ?? {}) as { phase?: string; accessModes?: string[]; capacity?: Record<string, string> }) };
    let dirty = false;
    if (status.phase !== phase) {
      status.phase = phase;
      dirty = true;
    }
    if (!volume) {
      if (status.accessModes !== undefined) {
        delete status.accessModes;
        dirty = true;
      }
      if (status.capacity !== undefined) {
        delete status.capacity;
        dirty = true;
      }
    } else {
      const modes = volumeSpec(volume).accessModes;
      if (JSON.stringify(status.accessModes ?? null) !== JSON.stringify(modes ?? null)) {
        status.accessModes = modes;
        dirty = true;
      }
      // Capacity is set when the claim becomes Bound, not afterwards (a resize may differ on purpose).
      if (((claim.status ?? {}) as { phase?: string }).phase !== phase) {
        const cap = volumeSpec(volume).capacity;
        if (!cap?.storage) throw new Error(`PersistentVolume "${volume.metadata.name}" is without a storage capacity`);
        if (status.capacity?.storage !== cap.storage) {
          status.capacity = cap;
          dirty = true;
        }
      }
    }
    if (!dirty) return claim;
    return this.ctx.client.update(R.persistentvolumeclaims, claim.metadata.namespace!, { ...claim, status }, { subresource: 'status' });
  }

  private async updateClaimStatusWithEvent(claim: KubeObject, phase: string, reason: string, message: string): Promise<void> {
    if (phaseOf(claim) === phase) return;
    const updated = await this.updateClaimStatus(claim, phase, undefined);
    this.recorder.event(updated, 'Warning', reason, message);
  }

  // ---- volumes ----

  private async syncVolumeKey(name: string): Promise<Result | void> {
    const volume = this.volumes.get('', name);
    if (!volume) return;
    const ref = volumeSpec(volume).claimRef;
    if (!ref) {
      await this.updateVolumePhase(volume, VolumePhase.Available, '');
      return;
    }
    if (!ref.uid) {
      // Pre-bound by the user to a claim that has not bound yet.
      await this.updateVolumePhase(volume, VolumePhase.Available, '');
      return;
    }
    const namespace = ref.namespace ?? '';
    let claim = this.claims.get(namespace, ref.name ?? '');
    if (!claim && phaseOf(volume) !== VolumePhase.Released && phaseOf(volume) !== VolumePhase.Failed) {
      // The claim may simply not have reached the cache yet (a provisioner's new volume).
      claim = await this.ctx.client.get(R.persistentvolumeclaims, namespace, ref.name ?? '');
    }
    if (claim && claim.metadata.uid !== ref.uid) {
      claim = await this.ctx.client.get(R.persistentvolumeclaims, namespace, ref.name ?? '');
      if (claim && claim.metadata.uid !== ref.uid) claim = undefined;
    }
    if (!claim) {
      let current = volume;
      if (phaseOf(volume) !== VolumePhase.Released && phaseOf(volume) !== VolumePhase.Failed) {
        current = await this.updateVolumePhase(volume, VolumePhase.Released, '');
      }
      await this.reclaimVolume(current);
      return;
    }
    const claimVolume = claimSpec(claim).volumeName;
    if (!claimVolume) {
      if (volumeModeMismatch(claim, volume)) {
        this.recorder.event(volume, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata.name}" due to incompatible volumeMode.`);
        this.recorder.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume "${volume.metadata.name}" to requested PersistentVolumeClaim due to incompatible volumeMode.`);
        return;
      }
      // The binding is not complete: the claim's sync finishes it.
      this.claimQueue.enqueue(objectKey(claim));
      return;
    }
    if (claimVolume === volume.metadata.name) {
      await this.updateVolumePhase(volume, VolumePhase.Bound, '');
      return;
    }
    // The claim is bound to another volume.
    if (hasAnnotation(volume, Ann.DynamicallyProvisioned) && volumeSpec(volume).persistentVolumeReclaimPolicy === 'Delete') {
      let current = volume;
      if (phaseOf(volume) !== VolumePhase.Released && phaseOf(volume) !== VolumePhase.Failed) current = await this.updateVolumePhase(volume, VolumePhase.Released, '');
      await this.reclaimVolume(current);
      return;
    }
    await this.unbindVolume(volume);
  }

  /** Rolls back a binding the controller made; a user's pre-binding keeps its name but loses the UID. */
  private async unbindVolume(volume: KubeObject): Promise<void> {
    const next = deepCopy(volume);
    const spec = next.spec as VolumeSpecLike;
    if (hasAnnotation(volume, Ann.BoundByController)) {
      delete spec.claimRef;
      const annotations = { ...(next.metadata.annotations ?? {}) };
      delete annotations[Ann.BoundByController];
      if (Object.keys(annotations).length) next.metadata.annotations = annotations;
      else delete next.metadata.annotations;
    } else if (spec.claimRef) {
      delete spec.claimRef.uid;
    }
    const updated = await this.ctx.client.update(R.persistentvolumes, '', next);
    await this.updateVolumePhase(updated, VolumePhase.Available, '');
  }

  private async reclaimVolume(volume: KubeObject): Promise<void> {
    const policy = volumeSpec(volume).persistentVolumeReclaimPolicy;
    switch (policy) {
      case 'Retain':
        return;
      case 'Recycle':
        // The recycler plugins (a scrubber pod per volume type) are not available here.
        await this.updateVolumePhaseWithEvent(volume, VolumePhase.Failed, 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
        return;
      case 'Delete': {
        const provisionedBy = volume.metadata.annotations?.[Ann.DynamicallyProvisioned];
        // An external provisioner deletes what it provisioned (the local-path provisioner does).
        if (provisionedBy && !provisionedBy.startsWith('kubernetes.io/')) return;
        if (volumeSpec(volume).csi) return;
        await this.updateVolumePhaseWithEvent(volume, VolumePhase.Failed, 'VolumeFailedDelete', `error getting deleter volume plugin for volume "${volume.metadata.name}": no deletable volume plugin matched`);
        return;
      }
      default:
        await this.updateVolumePhaseWithEvent(volume, VolumePhase.Failed, 'VolumeUnknownReclaimPolicy', 'Volume has unrecognized PersistentVolumeReclaimPolicy');
    }
  }

  private async updateVolumePhase(volume: KubeObject, phase: string, message: string): Promise<KubeObject> {
    if (phaseOf(volume) === phase) return volume;
    const status: Record<string, unknown> = { ...((volume.status ?? {}) as object), phase, lastPhaseTransitionTime: rfc3339(this.ctx.clock.now()) };
    if (message) status.message = message;
    else delete status.message;
    try {
      return await this.ctx.client.update(R.persistentvolumes, '', { ...volume, status }, { subresource: 'status' });
    } catch (e) {
      if ((e as { reason?: string }).reason === 'Conflict') throw conflict((e as Error).message);
      throw e;
    }
  }

  private async updateVolumePhaseWithEvent(volume: KubeObject, phase: string, reason: string, message: string): Promise<void> {
    if (phaseOf(volume) === phase) return;
    const updated = await this.updateVolumePhase(volume, phase, message);
    this.recorder.event(updated, 'Warning', reason, message);
  }
}

interface VolumeSpecLike {
  claimRef?: { uid?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export function persistentVolumeController(ctx: ControllerContext, options: PersistentVolumeControllerOptions = {}): PersistentVolumeController {
  return new PersistentVolumeController(ctx, options);
}
