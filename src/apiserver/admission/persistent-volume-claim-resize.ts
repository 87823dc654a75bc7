// PersistentVolumeClaimResize: a claim may grow only when it is bound and its StorageClass
// allows volume expansion.

import type { KubeObject } from '../../api/object.js';
import { compareQuantities, tryParseQuantity, zeroQuantity } from '../../machinery/quantity.js';
import { claimClass } from './default-storage-class.js';
import type { AdmissionPlugin } from './types.js';
import { admissionForbidden, asObject, isMainResource } from './util.js';

function requestedStorage(claim: KubeObject) {
  return tryParseQuantity(asObject(asObject(asObject(claim.spec).resources).requests).storage) ?? zeroQuantity;
}

export const persistentVolumeClaimResize: AdmissionPlugin = {
  name: 'PersistentVolumeClaimResize',
  async validate(attrs, lookup) {
    if (attrs.operation !== 'UPDATE' || !isMainResource(attrs, '', 'persistentvolumeclaims')) return;
    const claim = attrs.object;
    const old = attrs.oldObject;
    if (!claim || !old) return;
    if (compareQuantities(requestedStorage(claim), requestedStorage(old)) <= 0) return;
    if (asObject(old.status).phase !== 'Bound') {
      throw admissionForbidden(attrs, 'Only bound persistent volume claims can be expanded', 'validate');
    }
    const cls = claimClass(claim);
    const oldCls = claimClass(old);
    let allowed = false;
    if (cls !== '' && cls === oldCls) {
      const sc = await lookup.get('storage.k8s.io', 'storageclasses', '', cls);
      allowed = sc?.allowVolumeExpansion === true;
    }
    if (!allowed) {
      throw admissionForbidden(attrs, 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize', 'validate');
    }
  },
};
