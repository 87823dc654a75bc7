// storage.k8s.io/v1 VolumeAttachment validation: an attacher (a CSI driver name), exactly one
// source (a PersistentVolume name or an inline spec), a node name; a spec that never changes;
// bounded attachment metadata and error messages in status.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { inclusiveRangeError, isDNS1123Subdomain } from './formats.js';
import { tooLong } from './groups-common.js';
import { validateCSIDriverName } from './csinode.js';
import { byteLength, child, isInt, isObject, isSet, obj, semanticEqual, str } from './shape.js';
import type { KindValidation } from './types.js';

const maxAttachedVolumeMetadataSize = 256 * (1 << 10);
const maxVolumeErrorMessageSize = 1024;

function validateSource(sourceRaw: unknown, path: string): FieldError[] {
  const source = obj(sourceRaw);
  const hasInline = isSet(source.inlineVolumeSpec);
  const hasPV = isSet(source.persistentVolumeName);
  if (!hasInline && !hasPV) return [field.required(path, 'must specify exactly one of inlineVolumeSpec and persistentVolumeName')];
  if (hasInline && hasPV) return [field.forbidden(path, 'must specify exactly one of inlineVolumeSpec and persistentVolumeName')];
  if (hasPV && str(source.persistentVolumeName) === '') {
    return [field.required(child(path, 'persistentVolumeName'), 'must specify non empty persistentVolumeName')];
  }
  return [];
}

function validateVolumeError(errRaw: unknown, path: string): FieldError[] {
  if (!isSet(errRaw)) return [];
  const e = obj(errRaw);
  const errs: FieldError[] = [];
  // Upstream names the metadata limit in this message, not the 1024 it checks.
  if (byteLength(str(e.message)) > maxVolumeErrorMessageSize) errs.push(tooLong(child(path, 'message'), maxAttachedVolumeMetadataSize));
  if (isInt(e.errorCode) && e.errorCode < 0) errs.push(field.invalid(child(path, 'errorCode'), e.errorCode, inclusiveRangeError(0, 2147483647)));
  return errs;
}

export function validateVolumeAttachmentStatus(statusRaw: unknown, path = 'status'): FieldError[] {
  const status = obj(statusRaw);
  const errs: FieldError[] = [];
  let size = 0;
  if (isObject(status.attachmentMetadata)) {
    for (const [k, v] of Object.entries(status.attachmentMetadata)) size += byteLength(k) + byteLength(str(v));
  }
  if (size > maxAttachedVolumeMetadataSize) errs.push(tooLong(child(path, 'attachmentMetadata'), maxAttachedVolumeMetadataSize));
  errs.push(...validateVolumeError(status.attachError, child(path, 'attachError')));
  errs.push(...validateVolumeError(status.detachError, child(path, 'detachError')));
  return errs;
}

export function validateVolumeAttachment(va: KubeObject): FieldError[] {
  const spec = obj(va.spec);
  const errs: FieldError[] = [];
  const attacher = str(spec.attacher);
  if (attacher === '') errs.push(field.required('spec.attacher', ''));
  errs.push(...validateSource(spec.source, 'spec.source'));
  const nodeName = str(spec.nodeName);
  for (const msg of isDNS1123Subdomain(nodeName)) errs.push(field.invalid('spec.nodeName', nodeName, msg));
  errs.push(...validateVolumeAttachmentStatus(va.status));
  // ValidateVolumeAttachmentV1: the attacher is a CSI driver name, the PV name a subdomain.
  errs.push(...validateCSIDriverName(attacher, 'spec.attacher'));
  const source = obj(spec.source);
  if (isSet(source.persistentVolumeName)) {
    const pv = str(source.persistentVolumeName);
    for (const msg of isDNS1123Subdomain(pv)) errs.push(field.invalid('spec.source.persistentVolumeName', pv, msg));
  }
  return errs;
}

export function validateVolumeAttachmentUpdate(va: KubeObject, old: KubeObject): FieldError[] {
  return semanticEqual(va.spec, old.spec) ? [] : [field.invalid('spec', va.spec ?? null, 'field is immutable')];
}

export const volumeAttachmentValidation: KindValidation = {
  validate: validateVolumeAttachment,
  validateUpdate: validateVolumeAttachmentUpdate,
  validateStatusUpdate: (va) => validateVolumeAttachmentStatus(va.status),
  nameRule: 'subdomain',
};
