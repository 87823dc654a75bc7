import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { validateVolumeAttachment, validateVolumeAttachmentStatus, validateVolumeAttachmentUpdate } from './volumeattachment.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const va = (spec: Record<string, unknown>) => ({ metadata: { name: 'csi-123' }, spec });

test('an attachment of a PersistentVolume to a node is valid', () => {
  assert.deepEqual(validateVolumeAttachment(va({ attacher: 'hostpath.csi.k8s.io', source: { persistentVolumeName: 'pv-1' }, nodeName: 'node-1' })), []);
});

test('exactly one source; an attacher that is a CSI driver name', () => {
  assert.deepEqual(messages(validateVolumeAttachment(va({ attacher: 'Hostpath_CSI', source: {}, nodeName: 'node-1' }))), [
    'spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName',
    "spec.attacher: Invalid value: \"Hostpath_CSI\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.deepEqual(messages(validateVolumeAttachment(va({ attacher: 'a.csi', source: { persistentVolumeName: 'p', inlineVolumeSpec: {} }, nodeName: 'n' }))), [
    'spec.source: Forbidden: must specify exactly one of inlineVolumeSpec and persistentVolumeName',
  ]);
});

test('the spec never changes', () => {
  const old = va({ attacher: 'a.csi', source: { persistentVolumeName: 'p' }, nodeName: 'n1' });
  assert.deepEqual(messages(validateVolumeAttachmentUpdate(va({ attacher: 'a.csi', source: { persistentVolumeName: 'p' }, nodeName: 'n2' }), old)), [
    'spec: Invalid value: {"attacher":"a.csi","source":{"persistentVolumeName":"p"},"nodeName":"n2"}: field is immutable',
  ]);
});

test('status: error codes are not negative, messages are bounded', () => {
  assert.deepEqual(messages(validateVolumeAttachmentStatus({ attached: false, attachError: { message: 'x'.repeat(1025), errorCode: -1 } })), [
    'status.attachError.message: Too long: may not be more than 262144 bytes',
    'status.attachError.errorCode: Invalid value: -1: must be between 0 and 2147483647, inclusive',
  ]);
});
