// Containers: the checks every container kind shares (name, image, ports, env, mounts,
// resources, security context) and the lists of regular, init and ephemeral containers with
// their own rules (probes, lifecycle hooks, sidecars, unique names, host port conflicts).

import { field, type FieldError } from '../../machinery/errors.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isHTTPHeaderName,
  isValidGroupID,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
} from './formats.js';
import { isNegativeErrorMsg } from './meta.js';
import { validateResourceRequirements } from './resources.js';
import { arr, child, index, isSet, obj, semanticEqual, str, type JsonObject } from './shape.js';
import {
  envDownwardAPIFieldPaths,
  validateContainerResourceFieldSelector,
  validateLocalDescendingPath,
  validateObjectFieldSelector,
  validatePullPolicy,
  validateVolumeDevices,
  validateVolumeMounts,
  type VolumeSources,
} from './volumes.js';


export const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

export interface ContainerContext {
  volumes: VolumeSources;
  podClaimNames: Set<string>;
  /** spec.terminationGracePeriodSeconds, which sleep hooks may not exceed. */
  gracePeriod: number | undefined;
  podRestartPolicy: string;
  /** False only when spec.securityContext.hostUsers is false (user namespaces). */
  hostUsers: boolean;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function nonnegative(v: unknown, path: string): FieldError[] {
  return num(v) < 0 ? [field.invalid(path, num(v), isNegativeErrorMsg)] : [];
}

// --- ports ---

export function validateContainerPorts(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(raw).forEach((rawPort, i) => {
    const port = obj(rawPort);
    const p = index(path, i);
    const name = str(port.name);
    if (name.length > 0) {
      const msgs = isValidPortName(name);
      if (msgs.length) msgs.forEach((m) => errs.push(field.invalid(child(p, 'name'), name, m)));
      else if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    const containerPort = num(port.containerPort);
    if (containerPort === 0) errs.push(field.required(child(p, 'containerPort'), ''));
    else errs.push(...isValidPortNum(containerPort).map((m) => field.invalid(child(p, 'containerPort'), containerPort, m)));
    const hostPort = num(port.hostPort);
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((m) => field.invalid(child(p, 'hostPort'), hostPort, m)));
    const protocol = str(port.protocol);
    if (protocol === '') errs.push(field.required(child(p, 'protocol'), ''));
    else if (!supportedPortProtocols.includes(protocol)) errs.push(field.notSupported(child(p, 'protocol'), port.protocol, supportedPortProtocols));
  });
  return errs;
}

/** An IntOrString port: a number 1-65535 or an IANA service name. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => field.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => field.invalid(path, port, m));
  if (!isSet(port)) return isValidPortNum(0).map((m) => field.invalid(path, 0, m));
  return [field.invalid(path, port, 'must be an integer or a string')];
}

/** Every container's host ports (protocol/hostIP/port) must be distinct. */
export function accumulateUniqueHostPorts(containers: unknown[], seen: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    arr(obj(c).ports).forEach((rawPort, pi) => {
      const port = obj(rawPort);
      const hostPort = num(port.hostPort);
      if (hostPort === 0) return;
      const k = `${str(port.protocol)}/${str(port.hostIP)}/${hostPort}`;
      if (seen.has(k)) errs.push(field.duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), k));
      else seen.add(k);
    });
  });
  return errs;
}

// --- env ---

function validateKeySelector(raw: unknown, path: string): FieldError[] {
  const s = obj(raw);
  const errs = isDNS1123Subdomain(str(s.name)).map((m) => field.invalid(child(path, 'name'), str(s.name), m));
  const k = str(s.key);
  if (k === '') errs.push(field.required(child(path, 'key'), ''));
  else errs.push(...isConfigMapKey(k).map((m) => field.invalid(child(path, 'key'), k, m)));
  return errs;
}

function validateEnvVarValueFrom(ev: JsonObject, path: string): FieldError[] {
  if (!isSet(ev.valueFrom)) return [];
  const from = obj(ev.valueFrom);
  const errs: FieldError[] = [];
  let sources = 0;
  if (isSet(from.fieldRef)) {
    sources++;
    errs.push(...validateObjectFieldSelector(from.fieldRef, envDownwardAPIFieldPaths, child(path, 'fieldRef')));
  }
  if (isSet(from.resourceFieldRef)) {
    sources++;
    errs.push(...validateContainerResourceFieldSelector(from.resourceFieldRef, child(path, 'resourceFieldRef'), false));
  }
  if (isSet(from.configMapKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(from.configMapKeyRef, child(path, 'configMapKeyRef')));
  }
  if (isSet(from.secretKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(from.secretKeyRef, child(path, 'secretKeyRef')));
  }
  if (sources === 0) errs.push(field.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (str(ev.value).length !== 0) errs.push(field.invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

export function validateEnv(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(raw).forEach((rawVar, i) => {
    const ev = obj(rawVar);
    const p = index(path, i);
    const name = str(ev.name);
    if (name === '') errs.push(field.required(child(p, 'name'), ''));
    else errs.push(...isEnvVarName(name).map((m) => field.invalid(child(p, 'name'), name, m)));
    errs.push(...validateEnvVarValueFrom(ev, child(p, 'valueFrom')));
  });
  return errs;
}

export function validateEnvFrom(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(raw).forEach((rawSrc, i) => {
    const src = obj(rawSrc);
    const p = index(path, i);
    const prefix = str(src.prefix);
    if (prefix.length > 0) errs.push(...isEnvVarName(prefix).map((m) => field.invalid(child(p, 'prefix'), prefix, m)));
    let sources = 0;
    for (const kind of ['configMapRef', 'secretRef']) {
      if (!isSet(src[kind])) continue;
      sources++;
      const name = str(obj(src[kind]).name);
      const namePath = child(child(p, kind), 'name');
      if (name === '') errs.push(field.required(namePath, ''));
      else errs.push(...isDNS1123Subdomain(maskTrailingDash(name)).map((m) => field.invalid(namePath, name, m)));
    }
    if (sources === 0) errs.push(field.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

/** Upstream validates envFrom names as name prefixes, which tolerates a trailing dash. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? name.slice(0, -2) + 'a' : name;
}

// --- probes and hooks ---

const httpSchemes = ['HTTP', 'HTTPS'];

function validateHandler(handler: JsonObject, kinds: string[], gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let handlers = 0;
  for (const kind of kinds) {
    if (!isSet(handler[kind])) continue;
    const p = child(path, kind);
    if (handlers > 0) {
      errs.push(field.forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    handlers++;
    const h = obj(handler[kind]);
    switch (kind) {
      case 'exec':
        if (arr(h.command).length === 0) errs.push(field.required(child(p, 'command'), ''));
        break;
      case 'httpGet':
        if (str(h.path) === '') errs.push(field.required(child(p, 'path'), ''));
        errs.push(...validatePortNumOrName(h.port, child(p, 'port')));
        if (!httpSchemes.includes(str(h.scheme))) errs.push(field.notSupported(child(p, 'scheme'), str(h.scheme), httpSchemes));
        for (const header of arr(h.httpHeaders)) {
          const name = str(obj(header).name);
          errs.push(...isHTTPHeaderName(name).map((m) => field.invalid(child(p, 'httpHeaders'), name, m)));
        }
        break;
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(h.port, child(p, 'port')));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(num(h.port), child(p, 'port')));
        break;
      case 'sleep': {
        const seconds = num(h.seconds);
        if (gracePeriod !== undefined && (seconds <= 0 || seconds > gracePeriod)) {
          errs.push(
            field.invalid(
              p,
              seconds,
              `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
            ),
          );
        }
        break;
      }
    }
  }
  if (handlers === 0) errs.push(field.required(path, 'must specify a handler type'));
  return errs;
}

const probeHandlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const lifecycleHandlers = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

function validateProbe(probe: JsonObject, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs = validateHandler(probe, probeHandlers, gracePeriod, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...nonnegative(probe[f], child(path, f)));
  }
  if (isSet(probe.terminationGracePeriodSeconds) && num(probe.terminationGracePeriodSeconds) <= 0) {
    errs.push(field.invalid(child(path, 'terminationGracePeriodSeconds'), num(probe.terminationGracePeriodSeconds), 'must be greater than 0'));
  }
  return errs;
}

function validateLivenessOrStartupProbe(raw: unknown, gracePeriod: number | undefined, path: string): FieldError[] {
  if (!isSet(raw)) return [];
  const probe = obj(raw);
  const errs = validateProbe(probe, gracePeriod, path);
  if (num(probe.successThreshold) !== 1) errs.push(field.invalid(child(path, 'successThreshold'), num(probe.successThreshold), 'must be 1'));
  return errs;
}

function validateReadinessProbe(raw: unknown, gracePeriod: number | undefined, path: string): FieldError[] {
  if (!isSet(raw)) return [];
  const probe = obj(raw);
  const errs = validateProbe(probe, gracePeriod, path);
  if (isSet(probe.terminationGracePeriodSeconds)) {
    errs.push(field.invalid(child(path, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

function validateLifecycle(raw: unknown, gracePeriod: number | undefined, path: string): FieldError[] {
  const lc = obj(raw);
  const errs: FieldError[] = [];
  if (isSet(lc.postStart)) errs.push(...validateHandler(obj(lc.postStart), lifecycleHandlers, gracePeriod, child(path, 'postStart')));
  if (isSet(lc.preStop)) errs.push(...validateHandler(obj(lc.preStop), lifecycleHandlers, gracePeriod, child(path, 'preStop')));
  return errs;
}

/** Probes and hooks of regular containers and sidecars. */
function validateProbesAndHooks(ctr: JsonObject, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(ctr.lifecycle)) errs.push(...validateLifecycle(ctr.lifecycle, gracePeriod, child(path, 'lifecycle')));
  errs.push(...validateLivenessOrStartupProbe(ctr.livenessProbe, gracePeriod, child(path, 'livenessProbe')));
  errs.push(...validateReadinessProbe(ctr.readinessProbe, gracePeriod, child(path, 'readinessProbe')));
  errs.push(...validateLivenessOrStartupProbe(ctr.startupProbe, gracePeriod, child(path, 'startupProbe')));
  return errs;
}

// --- resize policy ---

const resizeResources = ['cpu', 'memory'];
const resizePolicies = ['NotRequired', 'RestartContainer'];

function validateResizePolicy(raw: unknown, path: string, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(raw).forEach((rawPolicy, i) => {
    const p = obj(rawPolicy);
    const resource = str(p.resourceName);
    const restart = str(p.restartPolicy);
    if (seen.has(resource)) errs.push(field.duplicate(index(path, i), resource));
    seen.add(resource);
    if (resource === '') errs.push(field.required(path, ''));
    else if (!resizeResources.includes(resource)) errs.push(field.notSupported(path, resource, resizeResources));
    if (restart === '') errs.push(field.required(path, ''));
    else if (!resizePolicies.includes(restart)) errs.push(field.notSupported(path, restart, resizePolicies));
    if (podRestartPolicy === 'Never' && restart !== 'NotRequired') {
      errs.push(field.invalid(path, restart, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  });
  return errs;
}

// --- security context ---

const seccompTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];

export function validateSeccompProfileField(raw: unknown, path: string): FieldError[] {
  if (!isSet(raw)) return [];
  const sp = obj(raw);
  const errs: FieldError[] = [];
  const type = str(sp.type);
  if (type === '') errs.push(field.required(child(path, 'type'), 'type is required when seccompProfile is set'));
  else if (!seccompTypes.includes(type)) errs.push(field.notSupported(child(path, 'type'), sp.type, seccompTypes));
  if (type === 'Localhost') {
    if (!isSet(sp.localhostProfile)) errs.push(field.required(child(path, 'localhostProfile'), 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(str(sp.localhostProfile), child(path, 'localhostProfile')));
  } else if (isSet(sp.localhostProfile)) {
    errs.push(field.invalid(child(path, 'localhostProfile'), sp, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

export function validateAppArmorProfileField(raw: unknown, path: string): FieldError[] {
  if (!isSet(raw)) return [];
  const profile = obj(raw);
  const errs: FieldError[] = [];
  switch (str(profile.type)) {
    case 'Localhost': {
      if (!isSet(profile.localhostProfile)) {
        errs.push(field.required(child(path, 'localhostProfile'), 'must be set when AppArmor type is Localhost'));
        break;
      }
      const lp = str(profile.localhostProfile);
      if (lp.trim() !== lp) errs.push(field.invalid(child(path, 'localhostProfile'), lp, 'must not be padded with whitespace'));
      else if (lp === '') errs.push(field.required(child(path, 'localhostProfile'), 'must be set when AppArmor type is Localhost'));
      if (lp.length > 4095) errs.push(field.tooLong(child(path, 'localhostProfile'), '', 4095));
      break;
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      if (isSet(profile.localhostProfile)) {
        errs.push(field.invalid(child(path, 'localhostProfile'), profile.localhostProfile, 'can only be set when AppArmor type is Localhost'));
      }
      break;
    case '':
      errs.push(field.required(child(path, 'type'), 'type is required when appArmorProfile is set'));
      break;
    default:
      errs.push(field.notSupported(child(path, 'type'), profile.type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
  return errs;
}

const netBiosRegex = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/;
const windowsDomainDNSRegex = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function validateWindowsSecurityContextOptions(raw: unknown, path: string): FieldError[] {
  if (!isSet(raw)) return [];
  const w = obj(raw);
  const errs: FieldError[] = [];
  if (isSet(w.gmsaCredentialSpecName)) {
    errs.push(...isDNS1123Subdomain(str(w.gmsaCredentialSpecName)).map((m) => field.invalid(child(path, 'gmsaCredentialSpecName'), w.gmsaCredentialSpecName, m)));
  }
  if (isSet(w.gmsaCredentialSpec)) {
    const l = str(w.gmsaCredentialSpec).length;
    if (l === 0) errs.push(field.invalid(child(path, 'gmsaCredentialSpec'), w.gmsaCredentialSpec, 'gmsaCredentialSpec cannot be an empty string'));
    else if (l > 64 * 1024) errs.push(field.invalid(child(path, 'gmsaCredentialSpec'), w.gmsaCredentialSpec, 'gmsaCredentialSpec size must be under 64 KiB'));
  }
  if (isSet(w.runAsUserName)) {
    const name = str(w.runAsUserName);
    const p = child(path, 'runAsUserName');
    // eslint-disable-next-line no-control-regex
    if (name.length === 0) errs.push(field.invalid(p, name, 'runAsUserName cannot be an empty string'));
    // eslint-disable-next-line no-control-regex
    else if (/[\x00-\x1f\x7f]/.test(name)) errs.push(field.invalid(p, name, 'runAsUserName cannot contain control characters'));
    else {
      const parts = name.split('\\');
      if (parts.length > 2) errs.push(field.invalid(p, name, 'runAsUserName cannot contain more than one backslash'));
      else {
        const hasDomain = parts.length === 2;
        const domain = hasDomain ? parts[0] : '';
        const user = hasDomain ? parts[1] : parts[0];
        if (domain.length >= 256) errs.push(field.invalid(p, name, "runAsUserName's Domain length must be under 256 characters"));
        if (hasDomain && !(netBiosRegex.test(domain) || windowsDomainDNSRegex.test(domain))) {
          errs.push(field.invalid(p, name, "runAsUserName's Domain doesn't match the NetBios nor the DNS format"));
        }
        if (user.length === 0) errs.push(field.invalid(p, name, "runAsUserName's User cannot be empty"));
        else if (user.length > 104) errs.push(field.invalid(p, name, "runAsUserName's User length must not be longer than 104 characters"));
        if (/^[. ]+$/.test(user)) errs.push(field.invalid(p, name, "runAsUserName's User cannot contain only periods or spaces"));
        if (/["/\\:;|=,+*?<>@[\]]/.test(user)) errs.push(field.invalid(p, name, `runAsUserName's User cannot contain the following characters: "/\\:;|=,+*?<>@[]`));
      }
    }
  }
  return errs;
}

export function validateSecurityContext(raw: unknown, path: string, hostUsers: boolean): FieldError[] {
  if (!isSet(raw)) return [];
  const sc = obj(raw);
  const errs: FieldError[] = [];
  if (isSet(sc.runAsUser)) errs.push(...isValidUserID(num(sc.runAsUser)).map((m) => field.invalid(child(path, 'runAsUser'), num(sc.runAsUser), m)));
  if (isSet(sc.runAsGroup)) errs.push(...isValidGroupID(num(sc.runAsGroup)).map((m) => field.invalid(child(path, 'runAsGroup'), num(sc.runAsGroup), m)));
  if (isSet(sc.procMount)) {
    const pm = str(sc.procMount);
    if (pm !== 'Default' && pm !== 'Unmasked') errs.push(field.notSupported(child(path, 'procMount'), sc.procMount, ['Default', 'Unmasked']));
    if (hostUsers && pm === 'Unmasked') errs.push(field.invalid(child(path, 'procMount'), pm, '`hostUsers` must be false to use `Unmasked`'));
  }
  errs.push(...validateSeccompProfileField(sc.seccompProfile, child(path, 'seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    for (const cap of arr(obj(sc.capabilities).add)) {
      if (cap === 'CAP_SYS_ADMIN') errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  errs.push(...validateWindowsSecurityContextOptions(sc.windowsOptions, child(path, 'windowsOptions')));
  errs.push(...validateAppArmorProfileField(sc.appArmorProfile, child(path, 'appArmorProfile')));
  return errs;
}

// --- containers ---

/** Checks common to every container type. */
export function validateContainerCommon(ctr: JsonObject, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(ctr.name);
  if (name === '') errs.push(field.required(child(path, 'name'), ''));
  else errs.push(...isDNS1123Label(name).map((m) => field.invalid(child(path, 'name'), name, m)));
  if (str(ctr.image) === '') errs.push(field.required(child(path, 'image'), ''));
  const tmp = str(ctr.terminationMessagePolicy);
  if (tmp === '') errs.push(field.required(child(path, 'terminationMessagePolicy'), ''));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(field.notSupported(child(path, 'terminationMessagePolicy'), ctr.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']));
  }
  const mounts = new Map(arr(ctr.volumeMounts).map((m) => [str(obj(m).name), str(obj(m).mountPath)] as [string, string]));
  const devices = new Map(arr(ctr.volumeDevices).map((d) => [str(obj(d).name), str(obj(d).devicePath)] as [string, string]));
  errs.push(...validateContainerPorts(ctr.ports, child(path, 'ports')));
  errs.push(...validateEnv(ctr.env, child(path, 'env')));
  errs.push(...validateEnvFrom(ctr.envFrom, child(path, 'envFrom')));
  errs.push(...validateVolumeMounts(ctr.volumeMounts, devices, ctx.volumes, ctr, child(path, 'volumeMounts')));
  errs.push(...validateVolumeDevices(ctr.volumeDevices, mounts, ctx.volumes, child(path, 'volumeDevices')));
  errs.push(...validatePullPolicy(ctr.imagePullPolicy, child(path, 'imagePullPolicy')));
  errs.push(...validateResourceRequirements(ctr.resources, child(path, 'resources'), { podClaimNames: ctx.podClaimNames }));
  errs.push(...validateResizePolicy(ctr.resizePolicy, child(path, 'resizePolicy'), ctx.podRestartPolicy));
  errs.push(...validateSecurityContext(ctr.securityContext, child(path, 'securityContext'), ctx.hostUsers));
  return errs;
}

export function validateContainers(raw: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const containers = arr(raw);
  if (containers.length === 0) return [field.required(path, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const ctr = obj(c);
    const p = index(path, i);
    errs.push(...validateContainerCommon(ctr, ctx, p));
    const name = str(ctr.name);
    if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    else names.add(name);
    errs.push(...validateProbesAndHooks(ctr, ctx.gracePeriod, p));
    if (isSet(ctr.restartPolicy)) errs.push(field.forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...accumulateUniqueHostPorts(containers, new Set(), path));
  return errs;
}

export function validateInitContainers(raw: unknown, regular: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(arr(regular).map((c) => str(obj(c).name)));
  arr(raw).forEach((c, i) => {
    const ctr = obj(c);
    const p = index(path, i);
    errs.push(...validateContainerCommon(ctr, ctx, p));
    let restartAlways = false;
    if (isSet(ctr.restartPolicy)) {
      if (ctr.restartPolicy !== 'Always') errs.push(field.notSupported(child(p, 'restartPolicy'), ctr.restartPolicy, ['Always']));
      restartAlways = ctr.restartPolicy === 'Always';
    }
    const name = str(ctr.name);
    if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    else if (name.length > 0) names.add(name);
    // Init containers run one at a time, so only conflicts within one container matter.
    errs.push(...accumulateUniqueHostPorts([ctr], new Set(), path));
    if (restartAlways) {
      errs.push(...validateProbesAndHooks(ctr, ctx.gracePeriod, p));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (isSet(ctr[f])) errs.push(field.forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
    if (arr(ctr.resizePolicy).length > 0) errs.push(field.invalid(child(p, 'resizePolicy'), ctr.resizePolicy, 'must not be set for init containers'));
  });
  return errs;
}

/** Fields an ephemeral container may set; the others are forbidden. */
const ephemeralAllowed = new Set([
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'envFrom',
  'env',
  'volumeMounts',
  'volumeDevices',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
  'targetContainerName',
]);

/** EphemeralContainerCommon's fields in declaration order, for the order of "cannot be set" errors. */
const ephemeralFieldOrder = [
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
];

function isZero(v: unknown): boolean {
  if (!isSet(v) || v === '' || v === false || v === 0) return true;
  return false;
}

export function validateEphemeralContainers(raw: unknown, containers: unknown, initContainers: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const list = arr(raw);
  if (list.length === 0) return [];
  const errs: FieldError[] = [];
  const others = new Set([...arr(containers), ...arr(initContainers)].map((c) => str(obj(c).name)));
  const all = new Set(others);
  list.forEach((c, i) => {
    const ec = obj(c);
    const p = index(path, i);
    errs.push(...validateContainerCommon(ec, ctx, p));
    errs.push(...validateContainerOnlyForPod(ec, p));
    const name = str(ec.name);
    if (all.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    else all.add(name);
    const target = str(ec.targetContainerName);
    if (target !== '' && !others.has(target)) errs.push(field.notFound(child(p, 'targetContainerName'), target));
    for (const f of ephemeralFieldOrder) {
      if (ephemeralAllowed.has(f)) continue;
      // resources is a struct: an empty one counts as unset.
      const v = ec[f];
      const unset = f === 'resources' ? Object.keys(obj(v)).every((k) => isZero(obj(v)[k]) || (Array.isArray(obj(v)[k]) && arr(obj(v)[k]).length === 0) || Object.keys(obj(obj(v)[k])).length === 0) : isZero(v) || (Array.isArray(v) && v.length === 0);
      if (!unset) errs.push(field.forbidden(child(p, f), 'cannot be set for an Ephemeral Container'));
    }
    arr(ec.volumeMounts).forEach((vm, j) => {
      const m = obj(vm);
      const vmPath = index(child(p, 'volumeMounts'), j);
      if (str(m.subPath) !== '') errs.push(field.forbidden(child(vmPath, 'subPath'), 'cannot be set for an Ephemeral Container'));
      if (str(m.subPathExpr) !== '') errs.push(field.forbidden(child(vmPath, 'subPathExpr'), 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}

/** Pod-only checks: an image may not carry leading or trailing whitespace. */
export function validateContainerOnlyForPod(ctr: JsonObject, path: string): FieldError[] {
  const image = str(ctr.image);
  return image.trim().length !== image.length ? [field.invalid(child(path, 'image'), image, 'must not have leading or trailing whitespace')] : [];
}

export function isRestartableInitContainer(ctr: unknown): boolean {
  return obj(ctr).restartPolicy === 'Always';
}


/** Semantic equality of two containers (unset and empty fields alike). */
export function isContainerEqual(a: JsonObject, b: JsonObject): boolean {
  return semanticEqual(a, b);
}
