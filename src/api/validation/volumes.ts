// Volumes: every pod volume source and persistent volume source, their mounts and devices,
// and the downward API selectors volumes and env vars share. Exactly one source per volume;
// error paths and messages follow upstream, quirks included (a gcePersistentDisk is validated
// under "persistentDisk", a second downwardAPI is reported at "downwarAPI").

import { field, type FieldError } from '../../machinery/errors.js';
import { formatQuantity, quantitySign, tryParseQuantity } from '../../machinery/quantity.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './formats.js';
import { validateAnnotations, validateLabels, validateLabelSelector } from './meta.js';
import { validatePersistentVolumeClaimSpec } from './persistentvolumeclaim.js';
import { arr, byteLength, child, index, isInt, isSet, key, obj, str, type JsonObject } from './shape.js';

export const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';
const pdPartitionErrorMsg = inclusiveRangeError(1, 255);

/** What validateVolumes learned: each valid volume's source, by name. */
export type VolumeSources = Map<string, JsonObject>;

export interface VolumeValidationOptions {
  /** The pod's name, when validating a real pod (ephemeral volumes derive PVC names from it). */
  podName?: string;
  /** Validation of a Pod rather than a template: image volumes need a reference. */
  resourceIsPod?: boolean;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function present(src: JsonObject, k: string): boolean {
  return isSet(src[k]);
}

function validateMode(mode: unknown, path: string): FieldError[] {
  if (!isSet(mode)) return [];
  const m = num(mode);
  return m > 0o777 || m < 0 || !isInt(mode) ? [field.invalid(path, mode, fileModeErrorMsg)] : [];
}

function isAbs(p: string): boolean {
  return p.startsWith('/');
}

export function validatePathNoBacksteps(target: string, path: string): FieldError[] {
  return target.replace(/\\/g, '/').split('/').includes('..') ? [field.invalid(path, target, "must not contain '..'")] : [];
}

export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (isAbs(target)) errs.push(field.invalid(path, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

export function validateLocalNonReservedPath(target: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(field.invalid(path, target, "must not start with '..'"));
  return errs;
}

function required(src: JsonObject, name: string, path: string, detail = ''): FieldError[] {
  return str(src[name]) === '' ? [field.required(child(path, name), detail)] : [];
}

// --- sources shared by pod volumes and persistent volumes ---

const hostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateHostPath(src: JsonObject, path: string): FieldError[] {
  if (str(src.path) === '') return [field.required(child(path, 'path'), '')];
  const errs = validatePathNoBacksteps(str(src.path), child(path, 'path'));
  if (isSet(src.type) && !hostPathTypes.includes(str(src.type))) errs.push(field.notSupported(child(path, 'type'), src.type, hostPathTypes));
  return errs;
}

function validateGitRepo(src: JsonObject, path: string): FieldError[] {
  return [...required(src, 'repository', path), ...validateLocalDescendingPath(str(src.directory), child(path, 'directory'))];
}

const iqnRegex = /iqn\.\d{4}-\d{2}\.([A-Za-z0-9\-.]+)(:[^,;*&$|\s]+)$/;
const euiRegex = /^eui.[A-Za-z0-9]{16}$/;
const naaRegex = /^naa.[A-Za-z0-9]{32}$/;

function iscsiNameErrors(value: string, path: string, prefixMsg: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!value.startsWith('iqn') && !value.startsWith('eui') && !value.startsWith('naa')) errs.push(field.invalid(path, value, prefixMsg));
  if (value.startsWith('iqn') && !iqnRegex.test(value)) errs.push(field.invalid(path, value, 'must be valid format'));
  else if (value.startsWith('eui') && !euiRegex.test(value)) errs.push(field.invalid(path, value, 'must be valid format'));
  else if (value.startsWith('naa') && !naaRegex.test(value)) errs.push(field.invalid(path, value, 'must be valid format'));
  return errs;
}

function validateISCSI(src: JsonObject, path: string): FieldError[] {
  const errs = required(src, 'targetPortal', path);
  const iqn = str(src.iqn);
  if (iqn === '') errs.push(field.required(child(path, 'iqn'), ''));
  else errs.push(...iscsiNameErrors(iqn, child(path, 'iqn'), 'must be valid format starting with iqn, eui, or naa'));
  if (num(src.lun) < 0 || num(src.lun) > 255) errs.push(field.invalid(child(path, 'lun'), num(src.lun), inclusiveRangeError(0, 255)));
  if ((src.chapAuthDiscovery === true || src.chapAuthSession === true) && !isSet(src.secretRef)) errs.push(field.required(child(path, 'secretRef'), ''));
  if (isSet(src.initiatorName)) {
    errs.push(...iscsiNameErrors(str(src.initiatorName), child(path, 'initiatorname'), 'must be valid format starting with iqn, eui, or naa'));
  }
  return errs;
}

function validateISCSIPersistent(src: JsonObject, path: string, pvName: string): FieldError[] {
  const errs = required(src, 'targetPortal', path);
  if (isSet(src.initiatorName) && byteLength(`${pvName}:${str(src.targetPortal)}`) > 64) {
    errs.push(
      field.invalid(
        child(path, 'targetportal'),
        str(src.targetPortal),
        'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.',
      ),
    );
  }
  const iqn = str(src.iqn);
  if (iqn === '') errs.push(field.required(child(path, 'iqn'), ''));
  else if (!iqn.startsWith('iqn') && !iqn.startsWith('eui') && !iqn.startsWith('naa')) errs.push(field.invalid(child(path, 'iqn'), iqn, 'must be valid format'));
  else errs.push(...iscsiNameErrors(iqn, child(path, 'iqn'), 'must be valid format'));
  if (num(src.lun) < 0 || num(src.lun) > 255) errs.push(field.invalid(child(path, 'lun'), num(src.lun), inclusiveRangeError(0, 255)));
  if ((src.chapAuthDiscovery === true || src.chapAuthSession === true) && !isSet(src.secretRef)) errs.push(field.required(child(path, 'secretRef'), ''));
  if (isSet(src.secretRef) && str(obj(src.secretRef).name) === '') errs.push(field.required(child(child(path, 'secretRef'), 'name'), ''));
  if (isSet(src.initiatorName)) errs.push(...iscsiNameErrors(str(src.initiatorName), child(path, 'initiatorname'), 'must be valid format'));
  return errs;
}

function validateFC(src: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const wwns = arr(src.targetWWNs);
  const wwids = arr(src.wwids);
  if (wwns.length < 1 && wwids.length < 1) errs.push(field.required(child(path, 'targetWWNs'), 'must specify either targetWWNs or wwids, but not both'));
  if (wwns.length !== 0 && wwids.length !== 0) {
    errs.push(field.invalid(child(path, 'targetWWNs'), wwns, 'targetWWNs and wwids can not be specified simultaneously'));
  }
  if (wwns.length !== 0) {
    if (!isSet(src.lun)) errs.push(field.required(child(path, 'lun'), 'lun is required if targetWWNs is specified'));
    else if (num(src.lun) < 0 || num(src.lun) > 255) errs.push(field.invalid(child(path, 'lun'), src.lun, inclusiveRangeError(0, 255)));
  }
  return errs;
}

function validateGCEPersistentDisk(src: JsonObject, path: string): FieldError[] {
  const errs = required(src, 'pdName', path);
  if (num(src.partition) < 0 || num(src.partition) > 255) errs.push(field.invalid(child(path, 'partition'), num(src.partition), pdPartitionErrorMsg));
  return errs;
}

function validateAWSElasticBlockStore(src: JsonObject, path: string): FieldError[] {
  const errs = required(src, 'volumeID', path);
  if (num(src.partition) < 0 || num(src.partition) > 255) errs.push(field.invalid(child(path, 'partition'), num(src.partition), pdPartitionErrorMsg));
  return errs;
}

export function validateKeyToPath(raw: unknown, path: string): FieldError[] {
  const kp = obj(raw);
  const errs = [...required(kp, 'key', path), ...required(kp, 'path', path)];
  errs.push(...validateLocalNonReservedPath(str(kp.path), child(path, 'path')));
  errs.push(...validateMode(kp.mode, child(path, 'mode')));
  return errs;
}

function validateSecretVolume(src: JsonObject, path: string): FieldError[] {
  const errs = required(src, 'secretName', path);
  errs.push(...validateMode(src.defaultMode, child(path, 'defaultMode')));
  arr(src.items).forEach((kp, i) => errs.push(...validateKeyToPath(kp, index(child(path, 'items'), i))));
  return errs;
}

function validateConfigMapVolume(src: JsonObject, path: string): FieldError[] {
  const errs = required(src, 'name', path);
  errs.push(...validateMode(src.defaultMode, child(path, 'defaultMode')));
  arr(src.items).forEach((kp, i) => errs.push(...validateKeyToPath(kp, index(child(path, 'items'), i))));
  return errs;
}

function validateNFS(src: JsonObject, path: string): FieldError[] {
  const errs = [...required(src, 'server', path), ...required(src, 'path', path)];
  if (!isAbs(str(src.path))) errs.push(field.invalid(child(path, 'path'), str(src.path), 'must be an absolute path'));
  return errs;
}

function isHostPort(pair: string): boolean {
  // net.SplitHostPort: host:port, [v6]:port; the port may be empty.
  if (pair.startsWith('[')) return /^\[[^\]]*\]:[^:]*$/.test(pair);
  const parts = pair.split(':');
  return parts.length === 2;
}

function validateQuobyte(src: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const registry = str(src.registry);
  if (registry === '') errs.push(field.required(child(path, 'registry'), 'must be a host:port pair or multiple pairs separated by commas'));
  else if (byteLength(str(src.tenant)) >= 65) errs.push(field.required(child(path, 'tenant'), 'must be a UUID and may not exceed a length of 64 characters'));
  else {
    for (const pair of registry.split(',')) {
      if (!isHostPort(pair)) errs.push(field.invalid(child(path, 'registry'), registry, 'must be a host:port pair or multiple pairs separated by commas'));
    }
  }
  errs.push(...required(src, 'volume', path));
  return errs;
}

function validateGlusterfs(src: JsonObject, path: string): FieldError[] {
  return [...required(src, 'endpoints', path), ...required(src, 'path', path)];
}

function validateGlusterfsPersistent(src: JsonObject, path: string): FieldError[] {
  const errs = validateGlusterfs(src, path);
  if (isSet(src.endpointsNamespace)) {
    const ns = str(src.endpointsNamespace);
    if (ns === '') errs.push(field.invalid(child(path, 'endpointsNamespace'), ns, 'if the endpointnamespace is set, it must be a valid namespace name'));
    else errs.push(...isDNS1123Label(ns).map((msg) => field.invalid(child(path, 'endpointsNamespace'), ns, msg)));
  }
  return errs;
}

function validateFlocker(src: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(src.datasetName);
  const uuid = str(src.datasetUUID);
  if (name === '' && uuid === '') errs.push(field.required(path, 'one of datasetName and datasetUUID is required'));
  if (name !== '' && uuid !== '') errs.push(field.invalid(path, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
  if (name.includes('/')) errs.push(field.invalid(child(path, 'datasetName'), name, "must not contain '/'"));
  return errs;
}

function validatePersistentVolumeClaimSource(src: JsonObject, path: string): FieldError[] {
  return required(src, 'claimName', path);
}

function validateRBD(src: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (arr(src.monitors).length === 0) errs.push(field.required(child(path, 'monitors'), ''));
  errs.push(...required(src, 'image', path));
  return errs;
}

function validateCinder(src: JsonObject, path: string): FieldError[] {
  const errs = required(src, 'volumeID', path);
  if (isSet(src.secretRef) && str(obj(src.secretRef).name) === '') errs.push(field.required(child(child(path, 'secretRef'), 'name'), ''));
  return errs;
}

function validateCinderPersistent(src: JsonObject, path: string): FieldError[] {
  const errs = required(src, 'volumeID', path);
  if (isSet(src.secretRef)) {
    const ref = obj(src.secretRef);
    if (str(ref.name) === '') errs.push(field.required(child(child(path, 'secretRef'), 'name'), ''));
    if (str(ref.namespace) === '') errs.push(field.required(child(child(path, 'secretRef'), 'namespace'), ''));
  }
  return errs;
}

function validateCephFS(src: JsonObject, path: string): FieldError[] {
  return arr(src.monitors).length === 0 ? [field.required(child(path, 'monitors'), '')] : [];
}

function validateFlex(src: JsonObject, path: string): FieldError[] {
  const errs = required(src, 'driver', path);
  for (const k of Object.keys(obj(src.options))) {
    const parts = k.split('/');
    const namespace = parts.length >= 2 ? parts[0] : k;
    const normalized = '.' + namespace.toLowerCase();
    if (normalized.endsWith('.kubernetes.io') || normalized.endsWith('.k8s.io')) {
      errs.push(field.invalid(key(child(path, 'options'), k), k, 'kubernetes.io and k8s.io namespaces are reserved'));
    }
  }
  return errs;
}

function validateAzureFile(src: JsonObject, path: string): FieldError[] {
  return [...required(src, 'secretName', path), ...required(src, 'shareName', path)];
}

function validateAzureFilePersistent(src: JsonObject, path: string): FieldError[] {
  const errs = validateAzureFile(src, path);
  if (isSet(src.secretNamespace) && str(src.secretNamespace) === '') errs.push(field.required(child(path, 'secretNamespace'), ''));
  return errs;
}

function validateAzureDisk(src: JsonObject, path: string): FieldError[] {
  const errs = [...required(src, 'diskName', path), ...required(src, 'diskURI', path)];
  const cachingModes = ['None', 'ReadOnly', 'ReadWrite'];
  const kinds = ['Dedicated', 'Managed', 'Shared'];
  if (isSet(src.cachingMode) && !cachingModes.includes(str(src.cachingMode))) {
    errs.push(field.notSupported(child(path, 'cachingMode'), src.cachingMode, cachingModes));
  }
  if (isSet(src.kind) && !kinds.includes(str(src.kind))) errs.push(field.notSupported(child(path, 'kind'), src.kind, kinds));
  const uri = str(src.diskURI);
  if (isSet(src.kind) && src.kind === 'Managed' && !uri.startsWith('/subscriptions/')) {
    errs.push(field.notSupported(child(path, 'diskURI'), uri, ['/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}']));
  }
  if (isSet(src.kind) && src.kind !== 'Managed' && !uri.startsWith('https://')) {
    errs.push(field.notSupported(child(path, 'diskURI'), uri, ['https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd']));
  }
  return errs;
}

function validateVsphere(src: JsonObject, path: string): FieldError[] {
  return required(src, 'volumePath', path);
}

function validatePhoton(src: JsonObject, path: string): FieldError[] {
  return required(src, 'pdID', path);
}

function validatePortworx(src: JsonObject, path: string): FieldError[] {
  return required(src, 'volumeID', path);
}

function validateScaleIO(src: JsonObject, path: string): FieldError[] {
  return [...required(src, 'gateway', path), ...required(src, 'system', path), ...required(src, 'volumeName', path)];
}

function validateStorageOS(src: JsonObject, path: string, persistent: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(src.volumeName);
  if (name === '') errs.push(field.required(child(path, 'volumeName'), ''));
  else errs.push(...isDNS1123Label(name).map((msg) => field.invalid(child(path, 'volumeName'), name, msg)));
  const ns = str(src.volumeNamespace);
  if (ns !== '') errs.push(...isDNS1123Label(ns).map((msg) => field.invalid(child(path, 'volumeNamespace'), ns, msg)));
  if (isSet(src.secretRef)) {
    const ref = obj(src.secretRef);
    if (str(ref.name) === '') errs.push(field.required(child(child(path, 'secretRef'), 'name'), ''));
    if (persistent && str(ref.namespace) === '') errs.push(field.required(child(child(path, 'secretRef'), 'namespace'), ''));
  }
  return errs;
}

function validateLocal(src: JsonObject, path: string): FieldError[] {
  if (str(src.path) === '') return [field.required(child(path, 'path'), '')];
  return validatePathNoBacksteps(str(src.path), child(path, 'path'));
}

export function validateCSIDriverName(driver: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (driver.length === 0) errs.push(field.required(path, ''));
  if (byteLength(driver) > 63) errs.push(field.tooLong(path, '', 63));
  errs.push(...isDNS1123Subdomain(driver.toLowerCase()).map((msg) => field.invalid(path, driver, msg)));
  return errs;
}

function validateCSIVolume(src: JsonObject, path: string): FieldError[] {
  const errs = validateCSIDriverName(str(src.driver), child(path, 'driver'));
  if (isSet(src.nodePublishSecretRef)) {
    const name = str(obj(src.nodePublishSecretRef).name);
    if (name === '') errs.push(field.required(child(child(path, 'nodePublishSecretRef'), 'name'), ''));
    else errs.push(...isDNS1123Subdomain(name).map((msg) => field.invalid(child(path, 'name'), name, msg)));
  }
  return errs;
}

function validatePVSecretReference(raw: unknown, path: string): FieldError[] {
  const ref = obj(raw);
  const errs: FieldError[] = [];
  const name = str(ref.name);
  const ns = str(ref.namespace);
  if (name === '') errs.push(field.required(child(path, 'name'), ''));
  else errs.push(...isDNS1123Subdomain(name).map((msg) => field.invalid(child(path, 'name'), name, msg)));
  if (ns === '') errs.push(field.required(child(path, 'namespace'), ''));
  else errs.push(...isDNS1123Label(ns).map((msg) => field.invalid(child(path, 'namespace'), ns, msg)));
  return errs;
}

function validateCSIPersistent(src: JsonObject, path: string): FieldError[] {
  const errs = validateCSIDriverName(str(src.driver), child(path, 'driver'));
  errs.push(...required(src, 'volumeHandle', path));
  for (const ref of ['controllerPublishSecretRef', 'controllerExpandSecretRef', 'nodePublishSecretRef', 'nodeExpandSecretRef']) {
    if (isSet(src[ref])) errs.push(...validatePVSecretReference(src[ref], child(path, ref)));
  }
  return errs;
}

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

export function validatePullPolicy(policy: unknown, path: string): FieldError[] {
  const p = str(policy);
  if (p === 'Always' || p === 'IfNotPresent' || p === 'Never') return [];
  if (p === '') return [field.required(path, '')];
  return [field.notSupported(path, policy, pullPolicies)];
}

function validateImageVolume(src: JsonObject, path: string, opts: VolumeValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (opts.resourceIsPod && str(src.reference) === '') errs.push(field.required(child(path, 'reference'), ''));
  errs.push(...validatePullPolicy(src.pullPolicy, child(path, 'pullPolicy')));
  return errs;
}

// --- the downward API, shared with env vars ---

export const volumeDownwardAPIFieldPaths = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
export const envDownwardAPIFieldPaths = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
export const containerResourceFieldPaths = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

/** `metadata.labels['key']` → [path, subscript]. */
function splitSubscriptedPath(p: string): [string, string] | undefined {
  if (!p.endsWith("']")) return undefined;
  const s = p.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

const downwardAPIFieldLabels = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

/** ConvertDownwardAPIFieldLabel: the internal field path, or the conversion error. */
function convertDownwardAPIFieldLabel(version: string, label: string): string | Error {
  if (version !== 'v1') return new Error(`unsupported pod version: ${version}`);
  const sub = splitSubscriptedPath(label);
  if (sub) {
    if (sub[0] === 'metadata.annotations' || sub[0] === 'metadata.labels') return label;
    return new Error(`field label does not support subscript: ${label}`);
  }
  if (downwardAPIFieldLabels.has(label)) return label;
  if (label === 'spec.host') return 'spec.nodeName';
  return new Error(`field label not supported: ${label}`);
}

export function validateObjectFieldSelector(raw: unknown, expressions: string[], path: string): FieldError[] {
  const fs = obj(raw);
  if (str(fs.apiVersion) === '') return [field.required(child(path, 'apiVersion'), '')];
  if (str(fs.fieldPath) === '') return [field.required(child(path, 'fieldPath'), '')];
  const converted = convertDownwardAPIFieldLabel(str(fs.apiVersion), str(fs.fieldPath));
  if (converted instanceof Error) {
    return [field.invalid(child(path, 'fieldPath'), str(fs.fieldPath), `error converting fieldPath: ${converted.message}`)];
  }
  const sub = splitSubscriptedPath(converted);
  if (sub) {
    const [p, subscript] = sub;
    if (p === 'metadata.annotations') return isQualifiedName(subscript.toLowerCase()).map((msg) => field.invalid(path, subscript.toLowerCase(), msg));
    if (p === 'metadata.labels') return isQualifiedName(subscript).map((msg) => field.invalid(path, subscript, msg));
    return [field.invalid(path, p, 'does not support subscript')];
  }
  if (!expressions.includes(converted)) return [field.notSupported(child(path, 'fieldPath'), converted, [...expressions].sort())];
  return [];
}

const cpuDivisors = new Set(['1m', '1']);
const byteDivisors = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);
const byteDivisorList = '1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei';

function validateContainerResourceDivisor(resource: string, divisor: unknown, path: string): FieldError[] {
  if (!isSet(divisor)) return [];
  const q = tryParseQuantity(divisor);
  if (!q || quantitySign(q) === 0) return [];
  const text = formatQuantity(q);
  const errs: FieldError[] = [];
  const p = child(path, 'divisor');
  switch (resource) {
    case 'limits.cpu':
    case 'requests.cpu':
      if (!cpuDivisors.has(text)) errs.push(field.invalid(p, resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
      break;
    case 'limits.memory':
    case 'requests.memory':
      if (!byteDivisors.has(text)) errs.push(field.invalid(p, resource, `only divisor's values ${byteDivisorList} are supported with the memory resource`));
      break;
    case 'limits.ephemeral-storage':
    case 'requests.ephemeral-storage':
      if (!byteDivisors.has(text)) {
        errs.push(field.invalid(p, resource, `only divisor's values ${byteDivisorList} are supported with the local ephemeral storage resource`));
      }
      break;
  }
  if ((resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-')) && !byteDivisors.has(text)) {
    errs.push(field.invalid(p, resource, `only divisor's values ${byteDivisorList} are supported with the hugepages resource`));
  }
  return errs;
}

export function validateContainerResourceFieldSelector(raw: unknown, path: string, volume: boolean): FieldError[] {
  const fs = obj(raw);
  const errs: FieldError[] = [];
  const resource = str(fs.resource);
  if (volume && str(fs.containerName) === '') errs.push(field.required(child(path, 'containerName'), ''));
  else if (resource === '') errs.push(field.required(child(path, 'resource'), ''));
  else if (!containerResourceFieldPaths.includes(resource)) {
    const prefixed = resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-');
    if (!prefixed) errs.push(field.notSupported(child(path, 'resource'), resource, containerResourceFieldPaths));
  }
  errs.push(...validateContainerResourceDivisor(resource, fs.divisor, path));
  return errs;
}

function validateDownwardAPIVolumeFile(raw: unknown, path: string): FieldError[] {
  const file = obj(raw);
  const errs = required(file, 'path', path);
  errs.push(...validateLocalNonReservedPath(str(file.path), child(path, 'path')));
  if (isSet(file.fieldRef)) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, volumeDownwardAPIFieldPaths, child(path, 'fieldRef')));
    if (isSet(file.resourceFieldRef)) errs.push(field.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (isSet(file.resourceFieldRef)) {
    errs.push(...validateContainerResourceFieldSelector(file.resourceFieldRef, child(path, 'resourceFieldRef'), true));
  } else {
    errs.push(field.required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateMode(file.mode, child(path, 'mode')));
  return errs;
}

function validateDownwardAPIVolume(src: JsonObject, path: string): FieldError[] {
  const errs = validateMode(src.defaultMode, child(path, 'defaultMode'));
  // Upstream reports item errors at the volume's path, not the item's.
  for (const item of arr(src.items)) errs.push(...validateDownwardAPIVolumeFile(item, path));
  return errs;
}

function validateProjected(src: JsonObject, path: string): FieldError[] {
  const errs = validateMode(src.defaultMode, child(path, 'defaultMode'));
  const allPaths = new Set<string>();
  const track = (p: string, value: unknown) => {
    if (p.length === 0) return;
    if (allPaths.has(p)) errs.push(field.invalid(path, value, 'conflicting duplicate paths'));
    else allPaths.add(p);
  };
  arr(src.sources).forEach((raw, i) => {
    const source = obj(raw);
    const srcPath = index(child(path, 'sources'), i);
    let numSources = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      if (!present(source, kind)) continue;
      numSources++;
      const s = obj(source[kind]);
      const projPath = child(srcPath, kind);
      if (str(s.name) === '') errs.push(field.required(child(projPath, 'name'), ''));
      arr(s.items).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, index(child(projPath, 'items'), j)));
        track(str(obj(kp).path), str(s.name));
      });
    }
    if (present(source, 'downwardAPI')) {
      numSources++;
      const projPath = child(srcPath, 'downwardAPI');
      for (const item of arr(obj(source.downwardAPI).items)) {
        errs.push(...validateDownwardAPIVolumeFile(item, projPath));
        track(str(obj(item).path), str(obj(item).path));
      }
    }
    if (present(source, 'serviceAccountToken')) {
      numSources++;
      const t = obj(source.serviceAccountToken);
      const projPath = child(srcPath, 'serviceAccountToken');
      const expiration = num(t.expirationSeconds);
      if (expiration < 600) errs.push(field.invalid(child(projPath, 'expirationSeconds'), expiration, 'may not specify a duration less than 10 minutes'));
      if (expiration > 2 ** 32) errs.push(field.invalid(child(projPath, 'expirationSeconds'), expiration, 'may not specify a duration larger than 2^32 seconds'));
      if (str(t.path) === '') errs.push(field.required(child(path, 'path'), ''));
      else errs.push(...validateLocalNonReservedPath(str(t.path), child(path, 'path')));
    }
    if (present(source, 'clusterTrustBundle')) {
      numSources++;
      const b = obj(source.clusterTrustBundle);
      const projPath = child(srcPath, 'clusterTrustBundle');
      const usingName = isSet(b.name);
      const usingSigner = isSet(b.signerName);
      if (usingName && usingSigner) errs.push(field.invalid(projPath, b, 'only one of name and signerName may be used'));
      else if (usingName) {
        if (str(b.name) === '') errs.push(field.required(child(projPath, 'name'), 'must be a valid object name'));
        if (isSet(b.labelSelector)) errs.push(field.invalid(child(projPath, 'labelSelector'), b.labelSelector, 'labelSelector must be unset if name is specified'));
      } else if (usingSigner) {
        if (str(b.signerName) === '') errs.push(field.required(child(projPath, 'signerName'), 'must be a valid signer name'));
        errs.push(...validateLabelSelector(b.labelSelector, child(projPath, 'labelSelector')));
      } else {
        errs.push(field.required(projPath, 'either name or signerName must be specified'));
      }
      if (str(b.path) === '') errs.push(field.required(child(projPath, 'path'), ''));
      errs.push(...validateLocalNonReservedPath(str(b.path), child(projPath, 'path')));
      track(str(b.path) || '\u0000', str(b.path));
    }
    if (numSources > 1) errs.push(field.forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

// --- pod volumes ---

/** Template metadata may only carry labels and annotations (ValidateTemplateObjectMeta). */
export function validateTemplateObjectMeta(raw: unknown, path: string): FieldError[] {
  const m = obj(raw);
  const errs = [...validateAnnotations(m.annotations, child(path, 'annotations')), ...validateLabels(m.labels, child(path, 'labels'))];
  // Field order and the "uID" spelling are those of upstream's reflection over ObjectMeta.
  const others: [string, string][] = [
    ['name', 'name'],
    ['generateName', 'generateName'],
    ['namespace', 'namespace'],
    ['selfLink', 'selfLink'],
    ['uid', 'uID'],
    ['resourceVersion', 'resourceVersion'],
    ['generation', 'generation'],
    ['creationTimestamp', 'creationTimestamp'],
    ['deletionTimestamp', 'deletionTimestamp'],
    ['deletionGracePeriodSeconds', 'deletionGracePeriodSeconds'],
    ['ownerReferences', 'ownerReferences'],
    ['finalizers', 'finalizers'],
    ['managedFields', 'managedFields'],
  ];
  for (const [jsonName, reported] of others) {
    const v = m[jsonName];
    const empty = !isSet(v) || v === '' || v === 0 || (Array.isArray(v) && v.length === 0);
    if (!empty) errs.push(field.forbidden(child(path, reported), 'cannot be set'));
  }
  return errs;
}

function validateEphemeral(src: JsonObject, path: string, volName: string, opts: VolumeValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(src.volumeClaimTemplate)) {
    errs.push(field.required(child(path, 'volumeClaimTemplate'), ''));
  } else {
    const t = obj(src.volumeClaimTemplate);
    const tPath = child(path, 'volumeClaimTemplate');
    errs.push(...validateTemplateObjectMeta(t.metadata, child(tPath, 'metadata')));
    errs.push(...validatePersistentVolumeClaimSpec(t.spec, child(tPath, 'spec')));
  }
  if (opts.podName && volName) {
    const pvcName = `${opts.podName}-${volName}`;
    for (const msg of isDNS1123Subdomain(pvcName)) errs.push(field.invalid(child(path, 'name'), volName, `PVC name "${pvcName}": ${msg}`));
  }
  return errs;
}

type PodSourceCheck = (src: JsonObject, path: string, volName: string, opts: VolumeValidationOptions) => FieldError[];

/**
 * Pod volume sources in upstream's order: [JSON key, name in "more than 1" errors, name
 * validated under, check]. One table for every volume (it was rebuilt for each).
 */
const podVolumeSources: readonly (readonly [string, string, string, PodSourceCheck])[] = [
  ['hostPath', 'hostPath', 'hostPath', validateHostPath],
  ['gitRepo', 'gitRepo', 'gitRepo', validateGitRepo],
  ['gcePersistentDisk', 'gcePersistentDisk', 'persistentDisk', validateGCEPersistentDisk],
  ['awsElasticBlockStore', 'awsElasticBlockStore', 'awsElasticBlockStore', validateAWSElasticBlockStore],
  ['secret', 'secret', 'secret', validateSecretVolume],
  ['nfs', 'nfs', 'nfs', validateNFS],
  ['iscsi', 'iscsi', 'iscsi', validateISCSI],
  ['glusterfs', 'glusterfs', 'glusterfs', validateGlusterfs],
  ['flocker', 'flocker', 'flocker', validateFlocker],
  ['persistentVolumeClaim', 'persistentVolumeClaim', 'persistentVolumeClaim', validatePersistentVolumeClaimSource],
  ['rbd', 'rbd', 'rbd', validateRBD],
  ['cinder', 'cinder', 'cinder', validateCinder],
  ['cephfs', 'cephFS', 'cephfs', validateCephFS],
  ['quobyte', 'quobyte', 'quobyte', validateQuobyte],
  ['downwardAPI', 'downwarAPI', 'downwardAPI', validateDownwardAPIVolume],
  ['fc', 'fc', 'fc', validateFC],
  ['flexVolume', 'flexVolume', 'flexVolume', validateFlex],
  ['configMap', 'configMap', 'configMap', validateConfigMapVolume],
  ['azureFile', 'azureFile', 'azureFile', validateAzureFile],
  ['vsphereVolume', 'vsphereVolume', 'vsphereVolume', validateVsphere],
  ['photonPersistentDisk', 'photonPersistentDisk', 'photonPersistentDisk', validatePhoton],
  ['portworxVolume', 'portworxVolume', 'portworxVolume', validatePortworx],
  ['azureDisk', 'azureDisk', 'azureDisk', validateAzureDisk],
  ['storageos', 'storageos', 'storageos', (s, p) => validateStorageOS(s, p, false)],
  ['projected', 'projected', 'projected', validateProjected],
  ['scaleIO', 'scaleIO', 'scaleIO', validateScaleIO],
  ['csi', 'csi', 'csi', validateCSIVolume],
  ['ephemeral', 'ephemeral', 'ephemeral', (s, p, volName, opts) => validateEphemeral(s, p, volName, opts)],
  ['image', 'image', 'image', (s, p, _volName, opts) => validateImageVolume(s, p, opts)],
];

function validateVolumeSource(source: JsonObject, path: string, volName: string, opts: VolumeValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  let numVolumes = 0;
  if (present(source, 'emptyDir')) {
    numVolumes++;
    const limit = obj(source.emptyDir).sizeLimit;
    if (isSet(limit)) {
      const q = tryParseQuantity(limit);
      if (!q || quantitySign(q) < 0) {
        errs.push(field.forbidden(child(child(path, 'emptyDir'), 'sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
      }
    }
  }
  for (const [jsonKey, reported, validatedAs, check] of podVolumeSources) {
    if (!present(source, jsonKey)) continue;
    if (numVolumes > 0) {
      errs.push(field.forbidden(child(path, reported), 'may not specify more than 1 volume type'));
    } else {
      numVolumes++;
      errs.push(...check(obj(source[jsonKey]), child(path, validatedAs), volName, opts));
    }
    if (jsonKey === 'iscsi') {
      const iscsi = obj(source.iscsi);
      if (isSet(iscsi.initiatorName) && byteLength(`${volName}:${str(iscsi.targetPortal)}`) > 64) {
        errs.push(
          field.invalid(
            child(path, 'name'),
            volName,
            'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.',
          ),
        );
      }
    }
  }
  if (numVolumes === 0) errs.push(field.required(path, 'must specify a volume type'));
  return errs;
}

/** ValidateVolumes: each volume named (DNS label), unique, with exactly one valid source. */
export function validateVolumes(raw: unknown, path: string, opts: VolumeValidationOptions = {}): { volumes: VolumeSources; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const volumes: VolumeSources = new Map();
  const list = arr(raw);
  const createdPVCs = new Set<string>();
  if (opts.podName) {
    for (const v of list) if (present(obj(v), 'ephemeral')) createdPVCs.add(`${opts.podName}-${str(obj(v).name)}`);
  }
  list.forEach((rawVol, i) => {
    const vol = obj(rawVol);
    const name = str(vol.name);
    const idxPath = index(path, i);
    const namePath = child(idxPath, 'name');
    const el = validateVolumeSource(vol, idxPath, name, opts);
    if (name === '') el.push(field.required(namePath, ''));
    else el.push(...isDNS1123Label(name).map((msg) => field.invalid(namePath, name, msg)));
    if (volumes.has(name)) el.push(field.duplicate(namePath, name));
    if (el.length === 0) volumes.set(name, vol);
    else errors.push(...el);
    const claim = obj(vol.persistentVolumeClaim);
    if (present(vol, 'persistentVolumeClaim') && createdPVCs.has(str(claim.claimName))) {
      errors.push(
        field.invalid(
          child(child(idxPath, 'persistentVolumeClaim'), 'claimName'),
          str(claim.claimName),
          'must not reference a PVC that gets created for an ephemeral volume',
        ),
      );
    }
  });
  return { volumes, errors };
}

// --- mounts and devices ---

const mountPropagations = ['Bidirectional', 'HostToContainer', 'None'];
const recursiveReadOnlyModes = ['Disabled', 'Enabled', 'IfPossible'];

export function validateVolumeMounts(raw: unknown, devices: Map<string, string>, volumes: VolumeSources, container: JsonObject | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountpoints = new Set<string>();
  arr(raw).forEach((rawMount, i) => {
    const m = obj(rawMount);
    const idxPath = index(path, i);
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (name === '') errs.push(field.required(child(idxPath, 'name'), ''));
    if (!volumes.has(name)) errs.push(field.notFound(child(idxPath, 'name'), name));
    if (mountPath === '') errs.push(field.required(child(idxPath, 'mountPath'), ''));
    if (mountpoints.has(mountPath)) errs.push(field.invalid(child(idxPath, 'mountPath'), mountPath, 'must be unique'));
    mountpoints.add(mountPath);
    if (devices.has(name)) errs.push(field.invalid(child(idxPath, 'name'), name, 'must not already exist in volumeDevices'));
    if ([...devices.values()].includes(mountPath)) errs.push(field.invalid(child(idxPath, 'mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
    const vol = volumes.get(name);
    if (vol && present(vol, 'image')) {
      if (str(m.subPath) !== '') errs.push(field.invalid(child(idxPath, 'subPath'), str(m.subPath), 'not allowed in image volume sources'));
      if (str(m.subPathExpr) !== '') errs.push(field.invalid(child(idxPath, 'subPathExpr'), str(m.subPathExpr), 'not allowed in image volume sources'));
    }
    if (str(m.subPath) !== '') errs.push(...validateLocalDescendingPath(str(m.subPath), child(path, 'subPath')));
    if (str(m.subPathExpr) !== '') {
      if (str(m.subPath) !== '') errs.push(field.invalid(child(idxPath, 'subPathExpr'), str(m.subPathExpr), 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(str(m.subPathExpr), child(path, 'subPathExpr')));
    }
    if (isSet(m.mountPropagation)) {
      const mp = str(m.mountPropagation);
      const mpPath = child(path, 'mountPropagation');
      if (!mountPropagations.includes(mp)) errs.push(field.notSupported(mpPath, m.mountPropagation, mountPropagations));
      if (container) {
        const privileged = obj(container.securityContext).privileged === true;
        if (mp === 'Bidirectional' && !privileged) errs.push(field.forbidden(mpPath, 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
    if (isSet(m.recursiveReadOnly)) {
      const rro = str(m.recursiveReadOnly);
      const rroPath = child(path, 'recursiveReadOnly');
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (m.readOnly !== true) errs.push(field.forbidden(rroPath, 'may only be specified when readOnly is true'));
        if (isSet(m.mountPropagation) && m.mountPropagation !== 'None') {
          errs.push(field.forbidden(rroPath, 'may only be specified when mountPropagation is None or not specified'));
        }
      } else if (rro !== 'Disabled') {
        errs.push(field.notSupported(rroPath, m.recursiveReadOnly, recursiveReadOnlyModes));
      }
    }
  });
  return errs;
}

export function validateVolumeDevices(raw: unknown, mounts: Map<string, string>, volumes: VolumeSources, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const devicePaths = new Set<string>();
  const deviceNames = new Set<string>();
  arr(raw).forEach((rawDev, i) => {
    const d = obj(rawDev);
    const idxPath = index(path, i);
    const name = str(d.name);
    const devPath = str(d.devicePath);
    const vol = volumes.get(name);
    const isPVC = !!vol && (present(vol, 'persistentVolumeClaim') || present(vol, 'ephemeral'));
    if (name === '') errs.push(field.required(child(idxPath, 'name'), ''));
    if (deviceNames.has(name)) errs.push(field.invalid(child(idxPath, 'name'), name, 'must be unique'));
    if (vol && !isPVC) {
      errs.push(field.invalid(child(idxPath, 'name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!vol) errs.push(field.notFound(child(idxPath, 'name'), name));
    if (devPath === '') errs.push(field.required(child(idxPath, 'devicePath'), ''));
    if (devicePaths.has(devPath)) errs.push(field.invalid(child(idxPath, 'devicePath'), devPath, 'must be unique'));
    if (devPath !== '' && validatePathNoBacksteps(devPath, '').length > 0) {
      errs.push(field.invalid(child(idxPath, 'devicePath'), devPath, "can not contain backsteps ('..')"));
    } else devicePaths.add(devPath);
    if (mounts.has(name)) errs.push(field.invalid(child(idxPath, 'name'), name, 'must not already exist in volumeMounts'));
    if ([...mounts.values()].includes(devPath)) errs.push(field.invalid(child(idxPath, 'devicePath'), devPath, 'must not already exist as a path in volumeMounts'));
    if (name !== '') deviceNames.add(name);
  });
  return errs;
}

// --- persistent volume sources ---

type PersistentSourceCheck = (src: JsonObject, path: string, pvName: string) => FieldError[];

/**
 * Persistent volume sources in upstream's order, as podVolumeSources (flexVolume is never
 * "more than 1": its reported name is empty).
 */
export const persistentVolumeSources: readonly (readonly [string, string, string, PersistentSourceCheck])[] = [
  ['hostPath', 'hostPath', 'hostPath', validateHostPath],
  ['gcePersistentDisk', 'gcePersistentDisk', 'persistentDisk', validateGCEPersistentDisk],
  ['awsElasticBlockStore', 'awsElasticBlockStore', 'awsElasticBlockStore', validateAWSElasticBlockStore],
  ['glusterfs', 'glusterfs', 'glusterfs', validateGlusterfsPersistent],
  ['flocker', 'flocker', 'flocker', validateFlocker],
  ['nfs', 'nfs', 'nfs', validateNFS],
  ['rbd', 'rbd', 'rbd', validateRBD],
  ['quobyte', 'quobyte', 'quobyte', validateQuobyte],
  ['cephfs', 'cephFS', 'cephfs', validateCephFS],
  ['iscsi', 'iscsi', 'iscsi', validateISCSIPersistent],
  ['cinder', 'cinder', 'cinder', validateCinderPersistent],
  ['fc', 'fc', 'fc', validateFC],
  ['flexVolume', '', 'flexVolume', validateFlex],
  ['azureFile', 'azureFile', 'azureFile', validateAzureFilePersistent],
  ['vsphereVolume', 'vsphereVolume', 'vsphereVolume', validateVsphere],
  ['photonPersistentDisk', 'photonPersistentDisk', 'photonPersistentDisk', validatePhoton],
  ['portworxVolume', 'portworxVolume', 'portworxVolume', validatePortworx],
  ['azureDisk', 'azureDisk', 'azureDisk', validateAzureDisk],
  ['scaleIO', 'scaleIO', 'scaleIO', validateScaleIO],
  ['local', 'local', 'local', validateLocal],
  ['storageos', 'storageos', 'storageos', (s, p) => validateStorageOS(s, p, true)],
  ['csi', 'csi', 'csi', validateCSIPersistent],
];

/** The JSON keys of every persistent volume source (they make up the immutable PersistentVolumeSource). */
export const persistentVolumeSourceKeys = persistentVolumeSources.map(([k]) => k);
