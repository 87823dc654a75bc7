// Pod validation: the PodSpec (shared by every workload's template), the pod-only rules on
// create, the update rules (only images, activeDeadlineSeconds, tolerations additions and a
// few more may change), status updates, the ephemeralcontainers subresource, bindings and
// pod templates.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import {
  isContainerEqual,
  validateAppArmorProfileField,
  validateContainerOnlyForPod,
  validateContainers,
  validateEphemeralContainers,
  validateInitContainers,
  validateSeccompProfileField,
  validateWindowsSecurityContextOptions,
  isRestartableInitContainer,
  type ContainerContext,
} from './container.js';
import { specDiff } from './diff.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidGroupID, isValidIP, isValidUserID, parseIP } from './formats.js';
import { fieldImmutableErrorMsg, validateAnnotations, validateLabels } from './meta.js';
import { validateResourceRequirements } from './resources.js';
import {
  hasInvalidLabelValueInNodeSelectorTerms,
  validateAffinity,
  validateNodeSelectorMutation,
  validateTolerations,
  validateTopologySpreadConstraints,
} from './scheduling.js';
import { arr, byteLength, child, index, isObject, isSet, jsonEqual, key, obj, semanticEqual, str, type JsonObject } from './shape.js';
import type { KindValidation } from './types.js';
import { validateLocalDescendingPath, validateVolumes } from './volumes.js';

export interface PodValidationOptions {
  /** The top-level object is a Pod, not a PodSpec inside another resource. */
  resourceIsPod?: boolean;
  /** The pod's name, for the PVC names generic ephemeral volumes produce. */
  podName?: string;
  allowInvalidPodDeletionCost?: boolean;
  allowInvalidLabelValueInSelector?: boolean;
  allowInvalidLabelValueInRequiredNodeAffinity?: boolean;
  allowInvalidTopologySpreadConstraintLabelSelector?: boolean;
  allowNamespacedSysctlsForHostNetAndHostIPC?: boolean;
}

const mirrorPodAnnotation = 'kubernetes.io/config.mirror';
const tolerationsAnnotation = 'scheduler.alpha.kubernetes.io/tolerations';
const podDeletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';
const seccompPodAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainerAnnotationPrefix = 'container.seccomp.security.alpha.kubernetes.io/';
const appArmorAnnotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** Every container of a spec, with its path, as podshelper.VisitContainersWithPath visits them. */
function visitContainers(spec: JsonObject, path: string): { ctr: JsonObject; path: string }[] {
  const out: { ctr: JsonObject; path: string }[] = [];
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers']) {
    arr(spec[kind]).forEach((c, i) => out.push({ ctr: obj(c), path: index(child(path, kind), i) }));
  }
  return out;
}

// --- annotations ---

function validateSeccompProfileAnnotation(p: string, path: string): FieldError[] {
  if (p === 'runtime/default' || p === 'docker/default' || p === 'unconfined') return [];
  if (p.startsWith('localhost/')) return validateLocalDescendingPath(p.slice('localhost/'.length), path);
  return [field.invalid(path, p, 'must be a valid seccomp profile')];
}

function isValidDeletionCost(value: string): boolean {
  if (!/^(0|-\d+|[1-9]\d*)$/.test(value)) return false;
  const n = Number(value);
  return n >= -2147483648 && n <= 2147483647;
}

export function validatePodSpecificAnnotations(annotations: unknown, spec: JsonObject, path: string, opts: PodValidationOptions): FieldError[] {
  const ann = obj(annotations);
  const errs: FieldError[] = [];
  if (Object.prototype.hasOwnProperty.call(ann, mirrorPodAnnotation) && str(spec.nodeName) === '') {
    errs.push(field.invalid(key(path, mirrorPodAnnotation), str(ann[mirrorPodAnnotation]), 'must set spec.nodeName if mirror pod annotation is set'));
  }
  if (str(ann[tolerationsAnnotation]) !== '') {
    let tolerations: unknown;
    try {
      tolerations = JSON.parse(str(ann[tolerationsAnnotation]));
    } catch (e) {
      errs.push(field.invalid(path, tolerationsAnnotation, (e as Error).message));
    }
    if (Array.isArray(tolerations) && tolerations.length > 0) errs.push(...validateTolerations(tolerations, child(path, tolerationsAnnotation)));
  }
  if (!opts.allowInvalidPodDeletionCost && Object.prototype.hasOwnProperty.call(ann, podDeletionCostAnnotation)) {
    if (!isValidDeletionCost(str(ann[podDeletionCostAnnotation]))) {
      errs.push(field.invalid(key(path, podDeletionCostAnnotation), str(ann[podDeletionCostAnnotation]), 'must be a 32bit integer'));
    }
  }
  if (Object.prototype.hasOwnProperty.call(ann, seccompPodAnnotation)) {
    errs.push(...validateSeccompProfileAnnotation(str(ann[seccompPodAnnotation]), child(path, seccompPodAnnotation)));
  }
  for (const [k, v] of Object.entries(ann)) {
    if (k.startsWith(seccompContainerAnnotationPrefix)) errs.push(...validateSeccompProfileAnnotation(str(v), child(path, k)));
  }
  const names = new Set(visitContainers(spec, 'spec').map((c) => str(c.ctr.name)));
  for (const [k, v] of Object.entries(ann)) {
    if (!k.startsWith(appArmorAnnotationPrefix)) continue;
    const container = k.slice(appArmorAnnotationPrefix.length);
    if (!names.has(container)) errs.push(field.invalid(key(path, k), container, 'container not found'));
    const profile = str(v);
    if (profile !== '' && profile !== 'runtime/default' && profile !== 'unconfined' && !profile.startsWith('localhost/')) {
      errs.push(field.invalid(key(path, k), profile, `invalid AppArmor profile name: ${JSON.stringify(profile)}`));
    }
  }
  return errs;
}

function validatePodSpecificAnnotationUpdates(pod: KubeObject, old: KubeObject, path: string, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  const newAnn = obj(pod.metadata?.annotations);
  const oldAnn = obj(old.metadata?.annotations);
  for (const [k, oldVal] of Object.entries(oldAnn)) {
    if (Object.prototype.hasOwnProperty.call(newAnn, k) && newAnn[k] === oldVal) continue;
    if (k.startsWith(appArmorAnnotationPrefix)) errs.push(field.forbidden(key(path, k), 'may not remove or update AppArmor annotations'));
    if (k === mirrorPodAnnotation) errs.push(field.forbidden(key(path, k), 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(newAnn)) {
    if (Object.prototype.hasOwnProperty.call(oldAnn, k)) continue;
    if (k.startsWith(appArmorAnnotationPrefix)) errs.push(field.forbidden(key(path, k), 'may not add AppArmor annotations'));
    if (k === mirrorPodAnnotation) errs.push(field.forbidden(key(path, k), 'may not add mirror pod annotation'));
  }
  errs.push(...validatePodSpecificAnnotations(newAnn, obj(pod.spec), path, opts));
  return errs;
}

// --- pod security context ---

const sysctlSegment = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const sysctlRegexSource = `^(${sysctlSegment}[\\./])*${sysctlSegment}$`;
const sysctlRegex = new RegExp(sysctlRegexSource);

function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  // Sysctls may use '/' as the separator; compare in the dotted form.
  const n = name.includes('/') && !name.startsWith('/') ? name.replace(/\./g, '\u0000').replace(/\//g, '.').replace(/\u0000/g, '/') : name;
  if (n === 'kernel.sem' || n.startsWith('kernel.shm') || n.startsWith('kernel.msg') || n.startsWith('fs.mqueue.')) return 'ipc';
  if (n.startsWith('net.')) return 'net';
  return undefined;
}

function validateSysctls(sc: JsonObject, spec: JsonObject, path: string, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(sc.sysctls).forEach((raw, i) => {
    const name = str(obj(raw).name);
    const namePath = child(index(path, i), 'name');
    if (name === '') errs.push(field.required(namePath, ''));
    else if (byteLength(name) > 253 || !sysctlRegex.test(name)) {
      errs.push(field.invalid(namePath, name, `must have at most 253 characters and match regex ${sysctlRegexSource}`));
    } else if (names.has(name)) errs.push(field.duplicate(namePath, name));
    if (!opts.allowNamespacedSysctlsForHostNetAndHostIPC) {
      const ns = sysctlNamespace(name);
      if (spec.hostNetwork === true && ns === 'net') errs.push(field.invalid(namePath, name, "may not be specified when 'hostNetwork' is true"));
      else if (spec.hostIPC === true && ns === 'ipc') errs.push(field.invalid(namePath, name, "may not be specified when 'hostIPC' is true"));
    }
    names.add(name);
  });
  return errs;
}

function validatePodSecurityContext(raw: unknown, spec: JsonObject, path: string, opts: PodValidationOptions): FieldError[] {
  if (!isSet(raw)) return [];
  const sc = obj(raw);
  const errs: FieldError[] = [];
  if (isSet(sc.fsGroup)) errs.push(...isValidGroupID(num(sc.fsGroup)).map((m) => field.invalid(child(path, 'fsGroup'), num(sc.fsGroup), m)));
  if (isSet(sc.runAsUser)) errs.push(...isValidUserID(num(sc.runAsUser)).map((m) => field.invalid(child(path, 'runAsUser'), num(sc.runAsUser), m)));
  if (isSet(sc.runAsGroup)) errs.push(...isValidGroupID(num(sc.runAsGroup)).map((m) => field.invalid(child(path, 'runAsGroup'), num(sc.runAsGroup), m)));
  arr(sc.supplementalGroups).forEach((g, i) => {
    errs.push(...isValidGroupID(num(g)).map((m) => field.invalid(index(child(path, 'supplementalGroups'), i), num(g), m)));
  });
  // Internally shareProcessNamespace lives in the security context, hence this path.
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(field.invalid(child(path, 'shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  if (arr(sc.sysctls).length !== 0) errs.push(...validateSysctls(sc, spec, child(path, 'sysctls'), opts));
  if (isSet(sc.fsGroupChangePolicy) && !['Always', 'OnRootMismatch'].includes(str(sc.fsGroupChangePolicy))) {
    errs.push(field.notSupported(child(path, 'fsGroupChangePolicy'), sc.fsGroupChangePolicy, ['Always', 'OnRootMismatch']));
  }
  errs.push(...validateSeccompProfileField(sc.seccompProfile, child(path, 'seccompProfile')));
  errs.push(...validateWindowsSecurityContextOptions(sc.windowsOptions, child(path, 'windowsOptions')));
  errs.push(...validateAppArmorProfileField(sc.appArmorProfile, child(path, 'appArmorProfile')));
  if (isSet(sc.supplementalGroupsPolicy) && !['Merge', 'Strict'].includes(str(sc.supplementalGroupsPolicy))) {
    errs.push(field.notSupported(child(path, 'supplementalGroupsPolicy'), sc.supplementalGroupsPolicy, ['Merge', 'Strict']));
  }
  if (isSet(sc.seLinuxChangePolicy) && !['MountOption', 'Recursive'].includes(str(sc.seLinuxChangePolicy))) {
    errs.push(field.notSupported(child(path, 'seLinuxChangePolicy'), sc.seLinuxChangePolicy, ['MountOption', 'Recursive']));
  }
  return errs;
}

// --- the rest of the spec ---

function validateRestartPolicy(v: unknown, path: string): FieldError[] {
  const p = str(v);
  if (p === 'Always' || p === 'OnFailure' || p === 'Never') return [];
  if (p === '') return [field.required(path, '')];
  return [field.notSupported(path, v, ['Always', 'OnFailure', 'Never'])];
}

function validateDNSPolicy(v: unknown, path: string): FieldError[] {
  const p = str(v);
  if (['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(p)) return [];
  if (p === '') return [field.required(path, '')];
  return [field.notSupported(path, v, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'])];
}

function validatePodDNSConfig(raw: unknown, dnsPolicy: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (dnsPolicy === 'None') {
    if (!isSet(raw)) return [field.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arr(obj(raw).nameservers).length === 0) return [field.required(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!isSet(raw)) return errs;
  const cfg = obj(raw);
  const nameservers = arr(cfg.nameservers);
  if (nameservers.length > 3) errs.push(field.invalid(child(path, 'nameservers'), nameservers, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => errs.push(...isValidIP(str(ns)).map((m) => field.invalid(index(child(path, 'nameservers'), i), str(ns), m))));
  const searches = arr(cfg.searches).map(str);
  if (searches.length > 32) errs.push(field.invalid(child(path, 'searches'), searches, 'must not have more than 32 search paths'));
  if (byteLength(searches.join(' ')) > 2048) {
    errs.push(field.invalid(child(path, 'searches'), searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  }
  searches.forEach((s, i) => {
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    errs.push(...isDNS1123Subdomain(trimmed).map((m) => field.invalid(index(child(path, 'searches'), i), trimmed, m)));
  });
  arr(cfg.options).forEach((o, i) => {
    if (str(obj(o).name) === '') errs.push(field.required(index(child(path, 'options'), i), 'must not be empty'));
  });
  return errs;
}

function validateHostNetworkDeps(spec: JsonObject, path: string, opts: PodValidationOptions): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  const errs: FieldError[] = [];
  arr(spec.containers).forEach((c, i) => {
    arr(obj(c).ports).forEach((rawPort, j) => {
      const port = obj(rawPort);
      const hp = num(port.hostPort);
      if ((opts.resourceIsPod || hp !== 0) && hp !== num(port.containerPort)) {
        errs.push(field.invalid(child(index(child(index(child(path, 'containers'), i), 'ports'), j), 'hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
  return errs;
}

function validateImagePullSecrets(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(raw).forEach((s, i) => {
    const ref = obj(s);
    if (Object.keys(ref).some((k) => k !== 'name' && isSet(ref[k]))) errs.push(field.invalid(index(path, i), ref, 'only name may be set'));
  });
  return errs;
}

function validateReadinessGates(raw: unknown, path: string): FieldError[] {
  return arr(raw).flatMap((g, i) => {
    const t = str(obj(g).conditionType);
    return isQualifiedName(t).map((m) => field.invalid(child(index(path, i), 'conditionType'), t, m));
  });
}

function validateSchedulingGates(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(raw).forEach((g, i) => {
    const name = str(obj(g).name);
    errs.push(...isQualifiedName(name).map((m) => field.invalid(index(path, i), name, m)));
    if (seen.has(name)) errs.push(field.duplicate(index(path, i), name));
    seen.add(name);
  });
  return errs;
}

function validateHostAliases(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(raw).forEach((a, i) => {
    const alias = obj(a);
    errs.push(...isValidIP(str(alias.ip)).map((m) => field.invalid(child(index(path, i), 'ip'), str(alias.ip), m)));
    arr(alias.hostnames).forEach((h, j) => {
      errs.push(...isDNS1123Subdomain(str(h)).map((m) => field.invalid(index(child(index(path, i), 'hostnames'), j), str(h), m)));
    });
  });
  return errs;
}

function validateResourceClaims(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(raw).forEach((c, i) => {
    const claim = obj(c);
    const p = index(path, i);
    const name = str(claim.name);
    if (name === '') errs.push(field.required(child(p, 'name'), ''));
    else if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    else {
      errs.push(...isDNS1123Label(name).map((m) => field.invalid(child(p, 'name'), name, m)));
      names.add(name);
    }
    const hasName = isSet(claim.resourceClaimName);
    const hasTemplate = isSet(claim.resourceClaimTemplateName);
    if (hasName && hasTemplate) errs.push(field.invalid(p, claim, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
    if (!hasName && !hasTemplate) errs.push(field.invalid(p, claim, 'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`'));
    for (const f of ['resourceClaimName', 'resourceClaimTemplateName']) {
      if (isSet(claim[f])) errs.push(...isDNS1123Subdomain(str(claim[f])).map((m) => field.invalid(child(p, f), str(claim[f]), m)));
    }
  });
  return errs;
}

function validateHostUsers(spec: JsonObject, path: string): FieldError[] {
  if (obj(spec.securityContext).hostUsers !== false) return [];
  const errs: FieldError[] = [];
  if (spec.hostNetwork === true) errs.push(field.forbidden(child(path, 'hostNetwork'), 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostPID === true) errs.push(field.forbidden(child(path, 'HostPID'), 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostIPC === true) errs.push(field.forbidden(child(path, 'HostIPC'), 'when `pod.Spec.HostUsers` is false'));
  return errs;
}

function validateWindowsHostProcessPod(spec: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const podHostProcess = obj(obj(spec.securityContext).windowsOptions).hostProcess;
  let containers = 0;
  let hostProcess = 0;
  for (const { ctr, path: cPath } of visitContainers(spec, path)) {
    containers++;
    const ctrHostProcess = obj(obj(ctr.securityContext).windowsOptions).hostProcess;
    if (typeof podHostProcess === 'boolean' && typeof ctrHostProcess === 'boolean' && podHostProcess !== ctrHostProcess) {
      errs.push(
        field.invalid(
          child(child(child(cPath, 'securityContext'), 'windowsOptions'), 'hostProcess'),
          ctrHostProcess,
          `pod hostProcess value must be identical if both are specified, was ${podHostProcess}`,
        ),
      );
    }
    if (ctrHostProcess === true || (ctrHostProcess === undefined && podHostProcess === true)) hostProcess++;
  }
  if (hostProcess > 0) {
    if (hostProcess !== containers) errs.push(field.invalid(path, '', 'If pod contains any hostProcess containers then all containers must be HostProcess containers'));
    if (spec.hostNetwork !== true) errs.push(field.invalid(child(path, 'hostNetwork'), false, 'hostNetwork must be true if pod contains any hostProcess containers'));
  }
  return errs;
}

function validateOSSpecific(spec: JsonObject, path: string): FieldError[] {
  const os = obj(spec.os);
  const name = str(os.name);
  if (name === '') return [field.required(child(child(path, 'os'), 'name'), 'cannot be empty')];
  if (name !== 'linux' && name !== 'windows') return [field.notSupported(child(path, 'os'), name, ['linux', 'windows'])];
  const errs: FieldError[] = [];
  const sc = obj(spec.securityContext);
  const scPath = child(path, 'securityContext');
  if (name === 'linux') {
    if (isSet(sc.windowsOptions)) errs.push(field.forbidden(child(scPath, 'windowsOptions'), 'windows options cannot be set for a linux pod'));
    for (const { ctr, path: cPath } of visitContainers(spec, path)) {
      if (isSet(obj(ctr.securityContext).windowsOptions)) {
        errs.push(field.forbidden(child(child(cPath, 'securityContext'), 'windowsOptions'), 'windows options cannot be set for a linux pod'));
      }
    }
    return errs;
  }
  const forbid = (p: string) => errs.push(field.forbidden(p, 'cannot be set for a windows pod'));
  if (isSet(spec.securityContext)) {
    if (isSet(sc.appArmorProfile)) forbid(child(scPath, 'appArmorProfile'));
    if (isSet(sc.seLinuxOptions)) forbid(child(scPath, 'seLinuxOptions'));
    if (isSet(sc.hostUsers)) forbid(child(path, 'hostUsers'));
    if (spec.hostPID === true) forbid(child(path, 'hostPID'));
    if (spec.hostIPC === true) forbid(child(path, 'hostIPC'));
    if (isSet(sc.seccompProfile)) forbid(child(scPath, 'seccompProfile'));
    if (isSet(sc.fsGroup)) forbid(child(scPath, 'fsGroup'));
    if (isSet(sc.fsGroupChangePolicy)) forbid(child(scPath, 'fsGroupChangePolicy'));
    if (arr(sc.sysctls).length > 0) forbid(child(scPath, 'sysctls'));
    if (isSet(spec.shareProcessNamespace)) forbid(child(path, 'shareProcessNamespace'));
    if (isSet(sc.runAsUser)) forbid(child(scPath, 'runAsUser'));
    if (isSet(sc.runAsGroup)) forbid(child(scPath, 'runAsGroup'));
    if (isSet(sc.supplementalGroups)) forbid(child(scPath, 'supplementalGroups'));
    if (isSet(sc.supplementalGroupsPolicy)) forbid(child(scPath, 'supplementalGroupsPolicy'));
    if (isSet(sc.seLinuxChangePolicy)) forbid(child(scPath, 'seLinuxChangePolicy'));
  }
  for (const { ctr, path: cPath } of visitContainers(spec, path)) {
    if (!isSet(ctr.securityContext)) continue;
    const csc = obj(ctr.securityContext);
    const p = child(cPath, 'securityContext');
    for (const f of ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup']) {
      if (isSet(csc[f])) forbid(child(p, f));
    }
  }
  return errs;
}

/** Validation options for an update, derived from the stored object (GetValidationOptionsFromPodSpecAndMeta). */
export function podValidationOptionsFor(spec: unknown, old?: unknown, oldMeta?: unknown): PodValidationOptions {
  const opts: PodValidationOptions = {};
  if (old === undefined) return opts;
  const oldSpec = obj(old);
  const affinity = obj(oldSpec.affinity);
  // Objects stored before a rule tightened keep validating: tolerate what the old one had.
  opts.allowInvalidLabelValueInSelector = validateAffinity(oldSpec.affinity, 'x').some((e) => e.field.includes('labelSelector'));
  opts.allowInvalidLabelValueInRequiredNodeAffinity = hasInvalidLabelValueInNodeSelectorTerms(
    obj(obj(affinity.nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms,
  );
  opts.allowInvalidTopologySpreadConstraintLabelSelector = validateTopologySpreadConstraints(oldSpec.topologySpreadConstraints, 'x').some((e) =>
    e.field.includes('labelSelector'),
  );
  const oldAnn = obj(obj(oldMeta).annotations);
  if (Object.prototype.hasOwnProperty.call(oldAnn, podDeletionCostAnnotation)) {
    opts.allowInvalidPodDeletionCost = !isValidDeletionCost(str(oldAnn[podDeletionCostAnnotation]));
  }
  opts.allowNamespacedSysctlsForHostNetAndHostIPC = arr(obj(oldSpec.securityContext).sysctls).some((s) => {
    const ns = sysctlNamespace(str(obj(s).name));
    return (oldSpec.hostNetwork === true && ns === 'net') || (oldSpec.hostIPC === true && ns === 'ipc');
  });
  void spec;
  return opts;
}

/**
 * ValidatePodSpec: every field of a PodSpec, whether in a Pod or in a workload's template.
 * Call with `opts.resourceIsPod` for real pods.
 */
export function validatePodSpec(spec: unknown, path: string, opts: PodValidationOptions = {}): FieldError[] {
  if (!isObject(spec)) return [field.required(path, '')];
  const errs: FieldError[] = [];
  if (!isSet(spec.terminationGracePeriodSeconds)) errs.push(field.required(child(path, 'terminationGracePeriodSeconds'), ''));
  const gracePeriod = isSet(spec.terminationGracePeriodSeconds) ? num(spec.terminationGracePeriodSeconds) : undefined;
  const hostUsers = obj(spec.securityContext).hostUsers !== false;
  const { volumes, errors } = validateVolumes(spec.volumes, child(path, 'volumes'), { podName: opts.podName, resourceIsPod: opts.resourceIsPod });
  errs.push(...errors);
  const podClaimNames = new Set(arr(spec.resourceClaims).map((c) => str(obj(c).name)).filter((n) => n !== ''));
  errs.push(...validateResourceClaims(spec.resourceClaims, child(path, 'resourceClaims')));
  const ctx: ContainerContext = { volumes, podClaimNames, gracePeriod, podRestartPolicy: str(spec.restartPolicy), hostUsers };
  errs.push(...validateContainers(spec.containers, ctx, child(path, 'containers')));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, ctx, child(path, 'initContainers')));
  errs.push(...validateEphemeralContainers(spec.ephemeralContainers, spec.containers, spec.initContainers, ctx, child(path, 'ephemeralContainers')));
  errs.push(...validateHostNetworkDeps(spec, path, opts));
  errs.push(...validateRestartPolicy(spec.restartPolicy, child(path, 'restartPolicy')));
  errs.push(...validateDNSPolicy(spec.dnsPolicy, child(path, 'dnsPolicy')));
  errs.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  errs.push(...validatePodSecurityContext(spec.securityContext, spec, child(path, 'securityContext'), opts));
  errs.push(...validateImagePullSecrets(spec.imagePullSecrets, child(path, 'imagePullSecrets')));
  errs.push(
    ...validateAffinity(spec.affinity, child(path, 'affinity'), {
      allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector,
      allowInvalidLabelValueInRequiredNodeAffinity: opts.allowInvalidLabelValueInRequiredNodeAffinity,
    }),
  );
  errs.push(...validatePodDNSConfig(spec.dnsConfig, str(spec.dnsPolicy), child(path, 'dnsConfig')));
  errs.push(...validateReadinessGates(spec.readinessGates, child(path, 'readinessGates')));
  errs.push(...validateSchedulingGates(spec.schedulingGates, child(path, 'schedulingGates')));
  errs.push(
    ...validateTopologySpreadConstraints(spec.topologySpreadConstraints, child(path, 'topologySpreadConstraints'), {
      allowInvalidLabelSelector: opts.allowInvalidTopologySpreadConstraintLabelSelector,
    }),
  );
  errs.push(...validateWindowsHostProcessPod(spec, path));
  errs.push(...validateHostUsers(spec, path));
  const sa = str(spec.serviceAccountName);
  if (sa !== '') errs.push(...isDNS1123Subdomain(sa).map((m) => field.invalid(child(path, 'serviceAccountName'), sa, m)));
  const nodeName = str(spec.nodeName);
  if (nodeName !== '') errs.push(...isDNS1123Subdomain(nodeName).map((m) => field.invalid(child(path, 'nodeName'), nodeName, m)));
  if (isSet(spec.activeDeadlineSeconds)) {
    const v = num(spec.activeDeadlineSeconds);
    if (v < 1 || v > 2147483647) errs.push(field.invalid(child(path, 'activeDeadlineSeconds'), v, inclusiveRangeError(1, 2147483647)));
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = str(spec[f]);
    if (v !== '') errs.push(...isDNS1123Label(v).map((m) => field.invalid(child(path, f), v, m)));
  }
  if (arr(spec.tolerations).length > 0) errs.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  if (arr(spec.hostAliases).length > 0) errs.push(...validateHostAliases(spec.hostAliases, child(path, 'hostAliases')));
  const pc = str(spec.priorityClassName);
  if (pc !== '') errs.push(...isDNS1123Subdomain(pc).map((m) => field.invalid(child(path, 'priorityClassName'), pc, m)));
  if (isSet(spec.runtimeClassName)) {
    const rc = str(spec.runtimeClassName);
    errs.push(...isDNS1123Subdomain(rc).map((m) => field.invalid(child(path, 'runtimeClassName'), rc, m)));
  }
  if (isSet(spec.preemptionPolicy)) {
    const pp = str(spec.preemptionPolicy);
    if (pp === '') errs.push(field.required(child(path, 'preemptionPolicy'), ''));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') errs.push(field.notSupported(child(path, 'preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']));
  }
  if (isSet(spec.overhead)) errs.push(...validateResourceRequirements({ limits: spec.overhead }, child(path, 'overhead')));
  if (isSet(spec.os)) errs.push(...validateOSSpecific(spec, path));
  return errs;
}

// --- pods ---

function validateSeccompAnnotationsAndFields(meta: unknown, spec: JsonObject, specPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const ann = obj(obj(meta).annotations);
  const check = (annotation: string, profile: JsonObject, path: string) => {
    switch (profile.type) {
      case 'Unconfined':
        if (annotation !== 'unconfined') errs.push(field.forbidden(child(path, 'type'), 'seccomp type in annotation and field must match'));
        break;
      case 'RuntimeDefault':
        if (annotation !== 'runtime/default' && annotation !== 'docker/default') errs.push(field.forbidden(child(path, 'type'), 'seccomp type in annotation and field must match'));
        break;
      case 'Localhost':
        if (!annotation.startsWith('localhost/')) errs.push(field.forbidden(child(path, 'type'), 'seccomp type in annotation and field must match'));
        else if (!isSet(profile.localhostProfile) || annotation.slice('localhost/'.length) !== str(profile.localhostProfile)) {
          errs.push(field.forbidden(child(path, 'localhostProfile'), 'seccomp profile in annotation and field must match'));
        }
        break;
    }
  };
  const podProfile = obj(spec.securityContext).seccompProfile;
  if (isSet(podProfile) && Object.prototype.hasOwnProperty.call(ann, seccompPodAnnotation)) {
    check(str(ann[seccompPodAnnotation]), obj(podProfile), child(child(specPath, 'securityContext'), 'seccompProfile'));
  }
  for (const { ctr, path } of visitContainers(spec, specPath)) {
    const profile = obj(ctr.securityContext).seccompProfile;
    const k = seccompContainerAnnotationPrefix + str(ctr.name);
    if (isSet(profile) && Object.prototype.hasOwnProperty.call(ann, k)) check(str(ann[k]), obj(profile), child(child(path, 'securityContext'), 'seccompProfile'));
  }
  return errs;
}

function validateAppArmorAnnotationsAndFieldsMatch(meta: unknown, spec: JsonObject, specPath: string): FieldError[] {
  if (obj(spec.os).name === 'windows') return [];
  const errs: FieldError[] = [];
  const ann = obj(obj(meta).annotations);
  const podProfile = obj(spec.securityContext).appArmorProfile;
  for (const { ctr, path } of visitContainers(spec, specPath)) {
    const ctrProfile = obj(ctr.securityContext).appArmorProfile;
    const profile = isSet(ctrProfile) ? obj(ctrProfile) : isSet(podProfile) ? obj(podProfile) : undefined;
    if (!profile) continue;
    const k = appArmorAnnotationPrefix + str(ctr.name);
    if (!Object.prototype.hasOwnProperty.call(ann, k)) continue;
    const annotation = str(ann[k]);
    const p = child(child(path, 'securityContext'), 'appArmorProfile');
    const mismatch = () => errs.push(field.forbidden(child(p, 'type'), 'apparmor type in annotation and field must match'));
    switch (profile.type) {
      case 'Unconfined':
        if (annotation !== 'unconfined') mismatch();
        break;
      case 'RuntimeDefault':
        if (annotation !== 'runtime/default') mismatch();
        break;
      case 'Localhost':
        if (!annotation.startsWith('localhost/')) mismatch();
        else if (!isSet(profile.localhostProfile) || annotation.slice('localhost/'.length) !== str(profile.localhostProfile)) {
          errs.push(field.forbidden(child(p, 'localhostProfile'), 'apparmor profile in annotation and field must match'));
        }
        break;
    }
  }
  return errs;
}

/** validatePodMetadataAndSpec minus ObjectMeta itself, which the registry checks. */
function validatePodMetadataAndSpec(pod: KubeObject, opts: PodValidationOptions): FieldError[] {
  const spec = obj(pod.spec);
  const podOpts: PodValidationOptions = { ...opts, resourceIsPod: true, podName: str(pod.metadata?.name) };
  const errs = validatePodSpecificAnnotations(pod.metadata?.annotations, spec, 'metadata.annotations', podOpts);
  errs.push(...validatePodSpec(pod.spec, 'spec', podOpts));
  if (str(spec.serviceAccountName) === '') {
    arr(spec.volumes).forEach((v, vi) => {
      const projected = obj(obj(v).projected);
      arr(projected.sources).forEach((s, si) => {
        if (isSet(obj(s).serviceAccountToken)) {
          errs.push(field.forbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
        }
      });
    });
  }
  arr(spec.containers).forEach((c, i) => errs.push(...validateContainerOnlyForPod(obj(c), index('spec.containers', i))));
  arr(spec.initContainers).forEach((c, i) => errs.push(...validateContainerOnlyForPod(obj(c), index('spec.initContainers', i))));
  return errs;
}

/** ValidatePodCreate (ObjectMeta is checked by the registry). */
export function validatePodCreate(pod: KubeObject, opts: PodValidationOptions = {}): FieldError[] {
  const spec = obj(pod.spec);
  const errs = validatePodMetadataAndSpec(pod, opts);
  if (arr(spec.ephemeralContainers).length > 0) errs.push(field.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (str(spec.nodeName) !== '' && arr(spec.schedulingGates).length !== 0) {
    errs.push(field.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  errs.push(...validateSeccompAnnotationsAndFields(pod.metadata, spec, 'spec'));
  errs.push(...validateAppArmorAnnotationsAndFieldsMatch(pod.metadata, spec, 'spec'));
  return errs;
}

export const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validateContainerUpdates(newList: unknown, oldList: unknown, path: string): { errs: FieldError[]; stop: boolean } {
  const n = arr(newList);
  if (n.length !== arr(oldList).length) return { errs: [field.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const image = str(obj(c).image);
    if (image === '') errs.push(field.required(child(index(path, i), 'image'), ''));
    if (image.trim().length !== image.length) errs.push(field.invalid(child(index(path, i), 'image'), image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

function validateOnlyAddedTolerations(newList: unknown, oldList: unknown, path: string): FieldError[] {
  const n = arr(newList).map(obj);
  for (const old of arr(oldList).map(obj)) {
    const found = n.some((t) => jsonEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [field.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(newList, path);
}

function validateOnlyDeletedSchedulingGates(newList: unknown, oldList: unknown, path: string): FieldError[] {
  const n = arr(newList);
  if (n.length === 0) return [];
  const old = new Set(arr(oldList).map((g) => str(obj(g).name)));
  const added = new Map<string, number>();
  n.forEach((g, i) => added.set(str(obj(g).name), i));
  for (const name of old) added.delete(name);
  return [...added].map(([name, i]) => field.forbidden(child(index(path, i), 'name'), `only deletion is allowed, but found new scheduling gate '${name}'`));
}

function validateNodeAffinityMutation(path: string, newAffinity: unknown, oldAffinity: unknown): FieldError[] {
  const oldRequired = obj(oldAffinity).requiredDuringSchedulingIgnoredDuringExecution;
  if (!isSet(oldAffinity) || !isSet(oldRequired)) return [];
  const oldTerms = arr(obj(oldRequired).nodeSelectorTerms).map(obj);
  const newTerms = arr(obj(obj(newAffinity).requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms).map(obj);
  const termsPath = child(child(path, 'requiredDuringSchedulingIgnoredDuringExecution'), 'nodeSelectorTerms');
  if (oldTerms.length > 0 && oldTerms.length !== newTerms.length) {
    return [field.invalid(termsPath, newTerms, 'no additions/deletions to non-empty NodeSelectorTerms list are allowed')];
  }
  const errs: FieldError[] = [];
  oldTerms.forEach((oldTerm, i) => {
    const newTerm = newTerms[i];
    let ok = true;
    const oldExpr = arr(oldTerm.matchExpressions);
    const oldFields = arr(oldTerm.matchFields);
    if (oldExpr.length === 0 && oldFields.length === 0 && (arr(newTerm.matchExpressions).length > 0 || arr(newTerm.matchFields).length > 0)) ok = false;
    for (const [o, n] of [
      [oldExpr, arr(newTerm.matchExpressions)],
      [oldFields, arr(newTerm.matchFields)],
    ]) {
      if (o.length > 0 && (n.length < o.length || !semanticEqual(n.slice(0, o.length), o))) ok = false;
    }
    if (!ok) errs.push(field.invalid(index(termsPath, i), newTerm, 'only additions are allowed (no mutations or deletions)'));
  });
  return errs;
}

/** ValidatePodUpdate minus ObjectMeta (checked by the registry). */
export function validatePodUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const opts = podValidationOptionsFor(pod.spec, old.spec, old.metadata);
  const errs = validatePodSpecificAnnotationUpdates(pod, old, 'metadata.annotations', opts);
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  for (const kind of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(spec[kind], oldSpec[kind], `spec.${kind}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  if (isSet(spec.activeDeadlineSeconds)) {
    const v = num(spec.activeDeadlineSeconds);
    if (v < 0 || v > 2147483647) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', v, inclusiveRangeError(0, 2147483647)));
      return errs;
    }
    if (isSet(oldSpec.activeDeadlineSeconds) && num(oldSpec.activeDeadlineSeconds) < v) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', v, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (isSet(oldSpec.activeDeadlineSeconds)) {
    errs.push(field.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations, 'spec.tolerations'));
  errs.push(...validateOnlyDeletedSchedulingGates(spec.schedulingGates, oldSpec.schedulingGates, 'spec.schedulingGates'));
  if (semanticEqual(spec, oldSpec)) return errs;

  const munged: JsonObject = { ...spec };
  for (const kind of ['containers', 'initContainers']) {
    if (isSet(spec[kind])) {
      munged[kind] = arr(spec[kind]).map((c, i) => ({ ...obj(c), image: obj(arr(oldSpec[kind])[i]).image }));
    }
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  if (isSet(oldSpec.terminationGracePeriodSeconds) && num(oldSpec.terminationGracePeriodSeconds) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  if (arr(oldSpec.schedulingGates).length > 0) {
    // Gated pods may gain node selectors and node affinity terms.
    if (!semanticEqual(munged.nodeSelector, oldSpec.nodeSelector)) {
      errs.push(...validateNodeSelectorMutation('spec.nodeSelector', munged.nodeSelector, oldSpec.nodeSelector));
      munged.nodeSelector = oldSpec.nodeSelector;
    }
    const oldNA = obj(oldSpec.affinity).nodeAffinity;
    const newNA = obj(munged.affinity).nodeAffinity;
    if (!semanticEqual(oldNA, newNA)) {
      errs.push(...validateNodeAffinityMutation('spec.affinity.nodeAffinity', newNA, oldNA));
      if (!isSet(munged.affinity) && isSet(oldNA)) munged.affinity = { nodeAffinity: oldNA };
      else if (isSet(munged.affinity) && !isSet(oldSpec.affinity) && !isSet(obj(munged.affinity).podAffinity) && !isSet(obj(munged.affinity).podAntiAffinity)) {
        delete munged.affinity;
      } else if (isSet(munged.affinity)) munged.affinity = { ...obj(munged.affinity), nodeAffinity: oldNA };
    }
  }
  if (!semanticEqual(munged, oldSpec)) {
    errs.push(
      field.forbidden('spec', `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${specDiff('core.PodSpec', oldSpec, munged)}`),
    );
  }
  return errs;
}

function validateContainerStateTransition(newStatuses: unknown, oldStatuses: unknown, path: string, restartPolicy: string, initSpec?: JsonObject): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  const news = arr(newStatuses).map(obj);
  arr(oldStatuses).forEach((raw, i) => {
    const old = obj(raw);
    const terminated = obj(old.state).terminated;
    if (!isSet(terminated)) return;
    if (num(obj(terminated).exitCode) !== 0 && restartPolicy === 'OnFailure') return;
    if (initSpec) {
      const ctr = arr(initSpec.initContainers).find((c) => str(obj(c).name) === str(old.name));
      if (ctr && isRestartableInitContainer(ctr)) return;
    }
    for (const n of news) {
      if (str(n.name) === str(old.name) && !isSet(obj(n.state).terminated)) {
        errs.push(field.forbidden(child(index(path, i), 'state'), 'may not be transitioned to non-terminated state'));
      }
    }
  });
  return errs;
}

function validateIPList(raw: unknown, path: string, what: string): FieldError[] {
  const list = arr(raw).map((e) => str(obj(e).ip));
  const errs: FieldError[] = [];
  list.forEach((ip, i) => errs.push(...isValidIP(ip).map((m) => field.invalid(index(path, i), ip, m))));
  if (list.length > 1) {
    const families = list.map((ip) => parseIP(ip)?.family);
    const dualStack = list.length === 2 && families[0] !== undefined && families[1] !== undefined && families[0] !== families[1];
    if (what === 'pod') {
      if (!dualStack || list.length > 2) errs.push(field.invalid(path, raw, 'may specify no more than one IP for each IP family'));
      const seen = new Set<string>();
      list.forEach((ip, i) => {
        if (seen.has(ip)) errs.push(field.duplicate(index(path, i), arr(raw)[i]));
        seen.add(ip);
      });
    } else {
      const seen = new Set<string>();
      list.forEach((ip, i) => {
        if (seen.has(ip)) errs.push(field.duplicate(index(path, i), arr(raw)[i]));
        seen.add(ip);
      });
      if (!dualStack || list.length > 2) errs.push(field.invalid(path, raw, 'may specify no more than one IP for each IP family'));
    }
  }
  return errs;
}

/** ValidatePodStatusUpdate minus ObjectMeta (checked by the registry). */
export function validatePodStatusUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const opts = podValidationOptionsFor(pod.spec, old.spec, old.metadata);
  const errs = validatePodSpecificAnnotationUpdates(pod, old, 'metadata.annotations', opts);
  const status = obj(pod.status);
  const oldStatus = obj(old.status);
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  const systemConditions = new Set(['PodScheduled', 'Ready', 'Initialized']);
  arr(status.conditions).forEach((c, i) => {
    const t = str(obj(c).type);
    if (systemConditions.has(t)) return;
    errs.push(...isQualifiedName(t).map((m) => field.invalid(child(index('metadata.conditions', i), 'Type'), t, m)));
  });
  if (str(spec.nodeName) !== str(oldSpec.nodeName)) errs.push(field.forbidden('status.nodeName', 'may not be changed directly'));
  const nominated = str(status.nominatedNodeName);
  if (nominated !== str(oldStatus.nominatedNodeName) && nominated.length > 0) {
    errs.push(...isDNS1123Subdomain(nominated).map((m) => field.invalid('status.nominatedNodeName', nominated, m)));
  }
  if (str(status.qosClass) !== str(oldStatus.qosClass)) errs.push(field.invalid('status.qosClass', str(status.qosClass), fieldImmutableErrorMsg));
  errs.push(...validateContainerStateTransition(status.containerStatuses, oldStatus.containerStatuses, 'status.containerStatuses', str(oldSpec.restartPolicy)));
  errs.push(
    ...validateContainerStateTransition(status.initContainerStatuses, oldStatus.initContainerStatuses, 'status.initContainerStatuses', str(oldSpec.restartPolicy), oldSpec),
  );
  errs.push(...validateContainerStateTransition(status.ephemeralContainerStatuses, oldStatus.ephemeralContainerStatuses, 'status.ephemeralContainerStatuses', 'Never'));
  const claims = new Set(arr(spec.resourceClaims).map((c) => str(obj(c).name)));
  const seenClaims = new Set<string>();
  arr(status.resourceClaimStatuses).forEach((s, i) => {
    const name = str(obj(s).name);
    const p = child(index('status.resourceClaimStatuses', i), 'name');
    if (!claims.has(name)) errs.push(field.invalid(p, name, 'must match the name of an entry in `spec.resourceClaims`'));
    if (seenClaims.has(name)) errs.push(field.duplicate(p, name));
    else seenClaims.add(name);
  });
  errs.push(...validateIPList(status.podIPs, 'status.podIPs', 'pod'));
  const hostIPs = arr(status.hostIPs);
  if (hostIPs.length > 0) {
    if (str(status.hostIP) !== str(obj(hostIPs[0]).ip)) errs.push(field.invalid('status.hostIPs[0].ip', str(obj(hostIPs[0]).ip), 'must be equal to `hostIP`'));
    errs.push(...validateIPList(status.hostIPs, 'status.hostIPs', 'host'));
  }
  for (const kind of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
    arr(status[kind]).forEach((cs, i) => {
      const user = obj(obj(cs).user);
      if (!isSet(obj(cs).user)) return;
      const p = child(index(`status.${kind}`, i), 'linux');
      if (obj(spec.os).name === 'windows') {
        if (isSet(user.linux)) errs.push(field.forbidden(p, 'cannot be set for a windows pod'));
        return;
      }
      if (!isSet(user.linux)) return;
      const linux = obj(user.linux);
      errs.push(...isValidUserID(num(linux.uid)).map((m) => field.invalid(child(p, 'uid'), num(linux.uid), m)));
      errs.push(...isValidGroupID(num(linux.gid)).map((m) => field.invalid(child(p, 'gid'), num(linux.gid), m)));
      arr(linux.supplementalGroups).forEach((g, j) => {
        errs.push(...isValidGroupID(num(g)).map((m) => field.invalid(index(child(p, 'supplementalGroups'), j), num(g), m)));
      });
    });
  }
  arr(status.ephemeralContainerStatuses).forEach((cs, i) => {
    if (arr(obj(cs).allocatedResourcesStatus).length > 0) {
      errs.push(field.forbidden(child(index('status.ephemeralContainerStatuses', i), 'allocatedResourcesStatus'), 'must not be specified in container status'));
    }
  });
  return errs;
}

/** The ephemeralcontainers subresource: new ephemeral containers may be added, none changed or removed. */
export function validatePodEphemeralContainersUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const opts = podValidationOptionsFor(pod.spec, old.spec, old.metadata);
  const errs = [...validatePodMetadataAndSpec(pod, opts), ...validatePodSpecificAnnotationUpdates(pod, old, 'metadata.annotations', opts)];
  if (Object.prototype.hasOwnProperty.call(obj(old.metadata?.annotations), mirrorPodAnnotation)) {
    return [field.forbidden('', 'static pods do not support ephemeral containers')];
  }
  const byName = new Map(arr(obj(pod.spec).ephemeralContainers).map((c) => [str(obj(c).name), obj(c)] as [string, JsonObject]));
  for (const raw of arr(obj(old.spec).ephemeralContainers)) {
    const o = obj(raw);
    const n = byName.get(str(o.name));
    if (!n) errs.push(field.forbidden('spec.ephemeralContainers', `existing ephemeral containers ${JSON.stringify(str(o.name))} may not be removed\n`));
    else if (!isContainerEqual(o, n)) {
      errs.push(
        field.forbidden(
          'spec.ephemeralContainers',
          `existing ephemeral containers ${JSON.stringify(str(o.name))} may not be changed\n${specDiff('core.EphemeralContainer', o, n)}`,
        ),
      );
    }
  }
  return errs;
}

/**
 * The registry runs validate() on creates and updates alike; the create-only rules (no
 * ephemeral containers yet, annotation/field agreement) must not fire on updates, which
 * always carry the stored resourceVersion while creates never do.
 */
function validatePodCreateOrUpdate(pod: KubeObject): FieldError[] {
  if (str(pod.metadata?.resourceVersion) !== '') return validatePodMetadataAndSpec(pod, {});
  return validatePodCreate(pod);
}

export const podValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: validatePodCreateOrUpdate,
  validateUpdate: (pod, old) => validatePodUpdate(pod, old),
  validateStatusUpdate: (pod, old) => validatePodStatusUpdate(pod, old),
};

// --- templates ---

/**
 * ValidatePodTemplateSpec, for a workload's spec.template: labels, annotations and the
 * PodSpec. Note that upstream reports template labels at `<path>.labels`, not
 * `<path>.metadata.labels`.
 */
export function validatePodTemplateSpec(template: unknown, path: string, opts: PodValidationOptions = {}): FieldError[] {
  if (!isObject(template)) return [field.required(path, '')];
  const meta = obj(template.metadata);
  const spec = obj(template.spec);
  const errs = [
    ...validateLabels(meta.labels, child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validatePodSpecificAnnotations(meta.annotations, spec, child(path, 'annotations'), opts),
    ...validatePodSpec(template.spec, child(path, 'spec'), { ...opts, resourceIsPod: false, podName: undefined }),
    ...validateSeccompAnnotationsAndFields(meta, spec, child(path, 'spec')),
    ...validateAppArmorAnnotationsAndFieldsMatch(meta, spec, child(path, 'spec')),
  ];
  if (arr(spec.ephemeralContainers).length > 0) {
    errs.push(field.forbidden(child(child(path, 'spec'), 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

/** Options for validating an updated template: tolerate what the old template already had. */
export function podTemplateValidationOptions(oldTemplate: unknown): PodValidationOptions {
  if (!isObject(oldTemplate)) return {};
  return podValidationOptionsFor(undefined, obj(oldTemplate.spec), oldTemplate.metadata);
}

export const podTemplateValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: (pt) => validatePodTemplateSpec(pt.template, 'template'),
  validateUpdate: () => [],
};

/** Binding (pods/binding and POST bindings): a target Node by name. */
export function validatePodBinding(binding: KubeObject): FieldError[] {
  const target = obj(binding.target);
  const errs: FieldError[] = [];
  const kind = str(target.kind);
  if (kind !== '' && kind !== 'Node') errs.push(field.notSupported('target.kind', kind, ['Node', '<empty>']));
  if (str(target.name) === '') errs.push(field.required('target.name', ''));
  return errs;
}

export const bindingValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: validatePodBinding,
};
