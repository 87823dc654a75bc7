// Storage: PersistentVolume and PersistentVolumeClaim (CAPACITY, ACCESS MODES as RWO/ROX/
// RWX/RWOP, STORAGECLASS, VOLUMEATTRIBUTESCLASS…), StorageClass ("(default)" marker),
// CSIDriver, CSINode and VolumeAttachment.

import { ageCell, ageColumn, column, nameCell, nameColumn, wideColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { at, bool, items, list, obj, optBool, optStr, str, stringMap } from './json.js';
import { quantityCell } from './quantity.js';
import type { TablePrinter } from './types.js';

const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** Access modes abbreviated, always in the order RWO, ROX, RWX, RWOP. */
export function accessModesCell(modes: unknown[]): string {
  const abbreviations: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return abbreviations
    .filter(([mode]) => modes.includes(mode))
    .map(([, short]) => short)
    .join(',');
}

/** The class from the beta annotation when present (even empty), else from the spec. */
function storageClassCell(o: unknown): string {
  const annotations = stringMap(o, 'metadata', 'annotations');
  if (Object.prototype.hasOwnProperty.call(annotations, betaStorageClassAnnotation)) return annotations[betaStorageClassAnnotation];
  return optStr(o, 'spec', 'storageClassName') ?? '';
}

function isDeleting(o: unknown): boolean {
  return typeof at(o, 'metadata', 'deletionTimestamp') === 'string';
}

export const persistentVolumePrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Capacity', 'string', apiDoc['corev1.PersistentVolumeSpec.capacity']),
    column('Access Modes', 'string', apiDoc['corev1.PersistentVolumeSpec.accessModes']),
    column('Reclaim Policy', 'string', apiDoc['corev1.PersistentVolumeSpec.persistentVolumeReclaimPolicy']),
    column('Status', 'string', apiDoc['corev1.PersistentVolumeStatus.phase']),
    column('Claim', 'string', apiDoc['corev1.PersistentVolumeSpec.claimRef']),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', apiDoc['corev1.PersistentVolumeStatus.reason']),
    ageColumn,
    wideColumn('VolumeMode', 'string', apiDoc['corev1.PersistentVolumeSpec.volumeMode']),
  ],
  row(pv, { now }) {
    const claimRef = obj(pv, 'spec').claimRef;
    const claim = typeof claimRef === 'object' && claimRef !== null ? `${str(claimRef, 'namespace')}/${str(claimRef, 'name')}` : '';
    return [
      nameCell(pv),
      quantityCell(at(pv, 'spec', 'capacity', 'storage')),
      accessModesCell(items(pv, 'spec', 'accessModes')),
      str(pv, 'spec', 'persistentVolumeReclaimPolicy'),
      isDeleting(pv) ? 'Terminating' : str(pv, 'status', 'phase'),
      claim,
      storageClassCell(pv),
      optStr(pv, 'spec', 'volumeAttributesClassName') ?? '<unset>',
      str(pv, 'status', 'reason'),
      ageCell(pv, now),
      optStr(pv, 'spec', 'volumeMode') ?? '<unset>',
    ];
  },
};

export const persistentVolumeClaimPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', apiDoc['corev1.PersistentVolumeClaimStatus.phase']),
    column('Volume', 'string', apiDoc['corev1.PersistentVolumeClaimSpec.volumeName']),
    column('Capacity', 'string', apiDoc['corev1.PersistentVolumeClaimStatus.capacity']),
    column('Access Modes', 'string', apiDoc['corev1.PersistentVolumeClaimStatus.accessModes']),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn,
    wideColumn('VolumeMode', 'string', apiDoc['corev1.PersistentVolumeClaimSpec.volumeMode']),
  ],
  row(pvc, { now }) {
    const volumeName = str(pvc, 'spec', 'volumeName');
    // Capacity and access modes are only shown once the claim is bound to a volume.
    const bound = volumeName !== '';
    return [
      nameCell(pvc),
      isDeleting(pvc) ? 'Terminating' : str(pvc, 'status', 'phase'),
      volumeName,
      bound ? quantityCell(at(pvc, 'status', 'capacity', 'storage')) : '',
      bound ? accessModesCell(items(pvc, 'status', 'accessModes')) : '',
      storageClassCell(pvc),
      optStr(pvc, 'spec', 'volumeAttributesClassName') ?? '<unset>',
      ageCell(pvc, now),
      optStr(pvc, 'spec', 'volumeMode') ?? '<unset>',
    ];
  },
};

function isDefaultStorageClass(sc: unknown): boolean {
  const annotations = stringMap(sc, 'metadata', 'annotations');
  return annotations['storageclass.kubernetes.io/is-default-class'] === 'true' || annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

export const storageClassPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Provisioner', 'string', apiDoc['storagev1.StorageClass.provisioner']),
    column('ReclaimPolicy', 'string', apiDoc['storagev1.StorageClass.reclaimPolicy']),
    column('VolumeBindingMode', 'string', apiDoc['storagev1.StorageClass.volumeBindingMode']),
    column('AllowVolumeExpansion', 'string', apiDoc['storagev1.StorageClass.allowVolumeExpansion']),
    ageColumn,
  ],
  row(sc, { now }) {
    return [
      isDefaultStorageClass(sc) ? `${nameCell(sc)} (default)` : nameCell(sc),
      str(sc, 'provisioner'),
      optStr(sc, 'reclaimPolicy') ?? 'Delete',
      optStr(sc, 'volumeBindingMode') ?? 'Immediate',
      optBool(sc, 'allowVolumeExpansion') ?? false,
      ageCell(sc, now),
    ];
  },
};

export const csiDriverPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('AttachRequired', 'boolean', apiDoc['storagev1.CSIDriverSpec.attachRequired']),
    column('PodInfoOnMount', 'boolean', apiDoc['storagev1.CSIDriverSpec.podInfoOnMount']),
    column('StorageCapacity', 'boolean', apiDoc['storagev1.CSIDriverSpec.storageCapacity']),
    column('TokenRequests', 'string', apiDoc['storagev1.CSIDriverSpec.tokenRequests']),
    column('RequiresRepublish', 'boolean', apiDoc['storagev1.CSIDriverSpec.requiresRepublish']),
    column('Modes', 'string', apiDoc['storagev1.CSIDriverSpec.volumeLifecycleModes']),
    ageColumn,
  ],
  row(driver, { now }) {
    const tokenRequests = at(driver, 'spec', 'tokenRequests');
    const modes = items(driver, 'spec', 'volumeLifecycleModes').map(String).join(',');
    return [
      nameCell(driver),
      optBool(driver, 'spec', 'attachRequired') ?? true,
      optBool(driver, 'spec', 'podInfoOnMount') ?? false,
      optBool(driver, 'spec', 'storageCapacity') ?? false,
      Array.isArray(tokenRequests) ? list(driver, 'spec', 'tokenRequests').map((t) => str(t, 'audience')).join(',') : '<unset>',
      optBool(driver, 'spec', 'requiresRepublish') ?? false,
      modes === '' ? '<none>' : modes,
      ageCell(driver, now),
    ];
  },
};

export const csiNodePrinter: TablePrinter = {
  columns: [nameColumn, column('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageColumn],
  row(csiNode, { now }) {
    return [nameCell(csiNode), items(csiNode, 'spec', 'drivers').length, ageCell(csiNode, now)];
  },
};

export const volumeAttachmentPrinter: TablePrinter = {
  columns: [
    nameColumn,
    { ...column('Attacher', 'string', apiDoc['storagev1.VolumeAttachmentSpec.attacher']), format: 'name' },
    column('PV', 'string', apiDoc['storagev1.VolumeAttachmentSource.persistentVolumeName']),
    column('Node', 'string', apiDoc['storagev1.VolumeAttachmentSpec.nodeName']),
    column('Attached', 'boolean', apiDoc['storagev1.VolumeAttachmentStatus.attached']),
    ageColumn,
  ],
  row(va, { now }) {
    return [
      nameCell(va),
      str(va, 'spec', 'attacher'),
      optStr(va, 'spec', 'source', 'persistentVolumeName') ?? '',
      str(va, 'spec', 'nodeName'),
      bool(va, 'status', 'attached'),
      ageCell(va, now),
    ];
  },
};
