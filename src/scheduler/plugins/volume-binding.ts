// VolumeBinding, the part kubelite can check: a pod's PersistentVolumeClaims (named, or
// generated for ephemeral volumes) must exist, not be lost and not be going away. Binding
// unbound claims to volumes and topology-aware provisioning are not done here: without a
// volume binder, claims would otherwise keep their pods pending forever.

import { array, record, str } from '../helpers.js';
import type { PodInfo } from '../pod-info.js';
import { Code, Status, type CycleState, type EnqueueExtensions, type Handle, type PreFilterPlugin } from '../types.js';

export class VolumeBinding implements PreFilterPlugin, EnqueueExtensions {
  readonly name = 'VolumeBinding';

  constructor(private readonly handle: Handle) {}

  preFilter(_state: CycleState, pod: PodInfo): Status | null {
    let hasPVC = false;
    for (const vol of array<Record<string, unknown>>(pod.spec.volumes)) {
      let claim: string;
      let ephemeral = false;
      if (vol.persistentVolumeClaim) claim = str(record(vol.persistentVolumeClaim).claimName);
      else if (vol.ephemeral) {
        claim = `${pod.name}-${str(vol.name)}`;
        ephemeral = true;
      } else continue;
      hasPVC = true;
      const pvc = this.handle.get('persistentvolumeclaims', pod.namespace, claim);
      if (!pvc) {
        const msg = ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${claim}"` : `persistentvolumeclaim "${claim}" not found`;
        return new Status(Code.UnschedulableAndUnresolvable, [msg]);
      }
      if (record(pvc.status).phase === 'Lost') {
        return new Status(Code.UnschedulableAndUnresolvable, [`persistentvolumeclaim "${claim}" bound to non-existent persistentvolume "${str(record(pvc.spec).volumeName)}"`]);
      }
      if (pvc.metadata.deletionTimestamp) return new Status(Code.UnschedulableAndUnresolvable, [`persistentvolumeclaim "${claim}" is being deleted`]);
      if (ephemeral && !(pvc.metadata.ownerReferences ?? []).some((o) => o.controller && o.uid === pod.uid)) {
        return new Status(Code.UnschedulableAndUnresolvable, [`PVC ${pod.namespace}/${claim} was not created for pod ${pod.namespace}/${pod.name} (pod is not owner)`]);
      }
    }
    return hasPVC ? null : Status.skip();
  }

  events() {
    return [{ kind: 'PersistentVolumeClaimAdd' as const }, { kind: 'PersistentVolumeClaimUpdate' as const }];
  }
}
