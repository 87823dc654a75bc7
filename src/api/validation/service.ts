// Service validation: type, ports (names, protocols, target ports, node ports), selector,
// session affinity, cluster IPs and IP families, external IPs, traffic policies, the update
// rules (a cluster IP never changes once set) and load balancer status.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { supportedPortProtocols, validatePortNumOrName } from './container.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidCIDR, isValidIP, isValidPortNum, parseIP } from './formats.js';
import { fieldImmutableErrorMsg, validateLabels } from './meta.js';
import { arr, child, index, isSet, key, obj, str, type JsonObject } from './shape.js';
import type { KindValidation } from './types.js';

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const sessionAffinities = ['ClientIP', 'None'];
const ipFamilies = ['IPv4', 'IPv6'];
const ipFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const maxClientIPServiceAffinitySeconds = 86400;
/** The default --service-node-port-range. */
export const defaultNodePortRange: [number, number] = [30000, 32767];

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** spec.clusterIPs, falling back to [clusterIP] the way the registry normalises old clients. */
export function serviceClusterIPs(spec: JsonObject): string[] {
  const ips = arr(spec.clusterIPs).map(str);
  if (ips.length === 0 && str(spec.clusterIP) !== '') return [str(spec.clusterIP)];
  return ips;
}

export function isHeadlessService(spec: JsonObject): boolean {
  const ips = serviceClusterIPs(spec);
  return ips.length === 1 && ips[0] === 'None';
}

/** Reachable from outside the cluster: a node port, a load balancer or external IPs. */
export function isExternallyAccessible(spec: JsonObject): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && arr(spec.externalIPs).length > 0);
}

export function needsHealthCheck(spec: JsonObject): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

/** ValidateNonSpecialIP: no unspecified, loopback or link-local addresses. */
export function validateNonSpecialIP(ip: string, path: string): FieldError[] {
  const parsed = parseIP(ip);
  if (!parsed) return [field.invalid(path, ip, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const lower = ip.toLowerCase();
  const v4 = parsed.family === 4 ? lower.replace(/^::ffff:/, '').split('.').map(Number) : undefined;
  const expanded = parsed.family === 6 ? expandIPv6(lower) : undefined;
  const unspecified = v4 ? v4.every((b) => b === 0) : expanded!.every((g) => g === 0);
  const loopback = v4 ? v4[0] === 127 : expanded!.slice(0, 7).every((g) => g === 0) && expanded![7] === 1;
  const linkLocalUnicast = v4 ? v4[0] === 169 && v4[1] === 254 : (expanded![0] & 0xffc0) === 0xfe80;
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : (expanded![0] & 0xff0f) === 0xff02;
  if (unspecified) errs.push(field.invalid(path, ip, `may not be unspecified (${ip})`));
  if (loopback) errs.push(field.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocalUnicast) errs.push(field.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast) errs.push(field.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

function expandIPv6(ip: string): number[] {
  let s = ip;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const b = s.slice(lastColon + 1).split('.').map(Number);
    tail = [(b[0] << 8) | b[1], (b[2] << 8) | b[3]];
    s = s.slice(0, lastColon + 1) + '0';
  }
  const [left, right] = s.includes('::') ? s.split('::') : [s, undefined];
  const l = left ? left.split(':').map((g) => parseInt(g || '0', 16)) : [];
  const r = right !== undefined && right !== '' ? right.split(':').map((g) => parseInt(g || '0', 16)) : [];
  const groups = right === undefined ? l : [...l, ...new Array(8 - l.length - r.length).fill(0), ...r];
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups;
}

function validateServicePort(port: JsonObject, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(port.name);
  if (requireName && name === '') errs.push(field.required(child(path, 'name'), ''));
  else if (name !== '') {
    errs.push(...isDNS1123Label(name).map((m) => field.invalid(child(path, 'name'), name, m)));
    if (names.has(name)) errs.push(field.duplicate(child(path, 'name'), name));
    else names.add(name);
  }
  errs.push(...isValidPortNum(num(port.port)).map((m) => field.invalid(child(path, 'port'), num(port.port), m)));
  const protocol = str(port.protocol);
  if (protocol === '') errs.push(field.required(child(path, 'protocol'), ''));
  else if (!supportedPortProtocols.includes(protocol)) errs.push(field.notSupported(child(path, 'protocol'), protocol, supportedPortProtocols));
  errs.push(...validatePortNumOrName(port.targetPort, child(path, 'targetPort')));
  if (isSet(port.appProtocol)) {
    const ap = str(port.appProtocol);
    errs.push(...isQualifiedName(ap).map((m) => field.invalid(child(path, 'appProtocol'), ap, m)));
  }
  return errs;
}

function validateClusterIPsRelatedFields(spec: JsonObject): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const clusterIP = str(spec.clusterIP);
  const ips = serviceClusterIPs(spec);
  if (clusterIP !== '') {
    if (ips[0] !== clusterIP) errs.push(field.invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(field.invalid('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  arr(spec.ipFamilies).forEach((f, i) => {
    const fam = str(f);
    if (!ipFamilies.includes(fam)) errs.push(field.notSupported(index('spec.ipFamilies', i), fam, ipFamilies));
    if (seen.has(fam)) errs.push(field.duplicate(index('spec.ipFamilies', i), fam));
    seen.add(fam);
  });
  if (isSet(spec.ipFamilyPolicy) && !ipFamilyPolicies.includes(str(spec.ipFamilyPolicy))) {
    errs.push(field.notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, ipFamilyPolicies));
  }
  let invalidIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        invalidIPs = true;
        errs.push(field.invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      }
      return;
    }
    const bad = isValidIP(ip).map((m) => field.invalid(index('spec.clusterIPs', i), ip, m));
    if (bad.length) invalidIPs = true;
    errs.push(...bad);
  });
  if (ips.length > 2) errs.push(field.invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  if (invalidIPs) return errs;
  if (ips.length > 1) {
    const fams = ips.map((ip) => parseIP(ip)?.family);
    if (!(ips.length === 2 && fams[0] !== fams[1])) errs.push(field.invalid('spec.clusterIPs', ips, 'may specify no more than one IP for each IP family'));
  }
  const families = arr(spec.ipFamilies).map(str);
  if (!isHeadlessService(spec) && ips.length > 0 && families.length > 0) {
    ips.forEach((ip, i) => {
      if (i > families.length - 1) return;
      const isV6 = parseIP(ip)?.family === 6;
      if (families[i] === 'IPv4' && isV6) errs.push(field.invalid(index('spec.clusterIPs', i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && !isV6) errs.push(field.invalid(index('spec.clusterIPs', i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** Node ports outside the apiserver's range are refused when they are allocated. */
export function validateNodePortRange(spec: JsonObject, range: [number, number] = defaultNodePortRange): FieldError[] {
  const errs: FieldError[] = [];
  arr(spec.ports).forEach((p, i) => {
    const np = num(obj(p).nodePort);
    if (np !== 0 && (np < range[0] || np > range[1])) {
      errs.push(
        field.invalid(
          child(index('spec.ports', i), 'nodePort'),
          np,
          `provided port is not in the valid range. The range of valid ports is ${range[0]}-${range[1]}`,
        ),
      );
    }
  });
  return errs;
}

/** ValidateService minus ObjectMeta (checked by the registry). */
export function validateService(svc: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(svc.spec);
  const ann = obj(svc.metadata?.annotations);
  const hintsKey = 'service.kubernetes.io/topology-aware-hints';
  const modeKey = 'service.kubernetes.io/topology-mode';
  if (isSet(ann[modeKey]) && isSet(ann[hintsKey]) && ann[modeKey] !== ann[hintsKey]) {
    errs.push(field.invalid(key('metadata.annotations', modeKey), str(ann[modeKey]), `must match annotations[${hintsKey}] when both are specified`));
  }
  const type = str(spec.type);
  const ports = arr(spec.ports).map(obj);
  const headless = isHeadlessService(spec);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(field.required('spec.ports', ''));
  const ips = serviceClusterIPs(spec);
  switch (type) {
    case 'LoadBalancer':
      if (headless) errs.push(field.invalid('spec.clusterIPs[0]', ips[0], "may not be set to 'None' for LoadBalancer services"));
      break;
    case 'NodePort':
      if (headless) errs.push(field.invalid('spec.clusterIPs[0]', ips[0], "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (ips.length > 0) errs.push(field.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (arr(spec.ipFamilies).length > 0) errs.push(field.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (isSet(spec.ipFamilyPolicy)) errs.push(field.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const cname = str(spec.externalName).replace(/\.$/, '');
      if (cname.length > 0) errs.push(...isDNS1123Subdomain(cname).map((m) => field.invalid('spec.externalName', cname, m)));
      else errs.push(field.required('spec.externalName', ''));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, index('spec.ports', i))));
  if (isSet(spec.selector)) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (affinity === '') errs.push(field.required('spec.sessionAffinity', ''));
  else if (!sessionAffinities.includes(affinity)) errs.push(field.notSupported('spec.sessionAffinity', affinity, sessionAffinities));
  if (affinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    const condition = 'when session affinity type is ClientIP';
    if (!isSet(cfg)) errs.push(field.required('spec.sessionAffinityConfig', condition));
    else if (!isSet(obj(cfg).clientIP)) errs.push(field.required('spec.sessionAffinityConfig.clientIP', condition));
    else if (!isSet(obj(obj(cfg).clientIP).timeoutSeconds)) errs.push(field.required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', condition));
    else {
      const t = num(obj(obj(cfg).clientIP).timeoutSeconds);
      if (t <= 0 || t > maxClientIPServiceAffinitySeconds) {
        errs.push(field.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, `must be greater than 0 and less than ${maxClientIPServiceAffinitySeconds}`));
      }
    }
  } else if (affinity === 'None' && isSet(spec.sessionAffinityConfig)) {
    errs.push(field.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelatedFields(spec));
  arr(spec.externalIPs).forEach((raw, i) => {
    const ip = str(raw);
    const bad = isValidIP(ip).map((m) => field.invalid(index('spec.externalIPs', i), ip, m));
    errs.push(...(bad.length ? bad : validateNonSpecialIP(ip, index('spec.externalIPs', i))));
  });
  if (type === '') errs.push(field.required('spec.type', ''));
  else if (!serviceTypes.includes(type)) errs.push(field.notSupported('spec.type', type, serviceTypes));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (num(p.nodePort) !== 0) errs.push(field.forbidden(child(index('spec.ports', i), 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (num(p.nodePort) === 0) return;
    const k = `${str(p.protocol)}/${num(p.nodePort)}`;
    if (nodePorts.has(k)) errs.push(field.duplicate(child(index('spec.ports', i), 'nodePort'), num(p.nodePort)));
    nodePorts.add(k);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const k = `${str(p.protocol)}/${num(p.port)}`;
    if (portKeys.has(k)) errs.push(field.duplicate(index('spec.ports', i), { protocol: str(p.protocol), port: num(p.port) }));
    portKeys.add(k);
  });
  errs.push(...validateNodePortRange(spec));
  const ranges = arr(spec.loadBalancerSourceRanges);
  const rangesAnnotation = 'service.beta.kubernetes.io/load-balancer-source-ranges';
  if (ranges.length > 0) {
    if (type !== 'LoadBalancer') errs.push(field.forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => {
      const v = str(r).trim();
      errs.push(...isValidCIDR(v).map((m) => field.invalid(index('spec.LoadBalancerSourceRanges', i), v, m)));
    });
  } else if (Object.prototype.hasOwnProperty.call(ann, rangesAnnotation)) {
    const p = key('metadata.annotations', rangesAnnotation);
    if (type !== 'LoadBalancer') errs.push(field.forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    const val = str(ann[rangesAnnotation]).trim();
    if (val !== '') {
      for (const cidr of val.split(',')) errs.push(...isValidCIDR(cidr.trim()).map((m) => field.invalid(p, cidr.trim(), m)));
    }
  }
  if (isSet(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') {
    errs.push(field.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && !isSet(spec.allocateLoadBalancerNodePorts)) errs.push(field.required('allocateLoadBalancerNodePorts', ''));
  errs.push(...validateLoadBalancerClass(undefined, spec));
  // External traffic policy.
  const etp = str(spec.externalTrafficPolicy);
  if (!isExternallyAccessible(spec)) {
    if (etp !== '') errs.push(field.invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (etp === '') errs.push(field.required('spec.externalTrafficPolicy', ''));
  else if (etp !== 'Cluster' && etp !== 'Local') errs.push(field.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  const hcnp = num(spec.healthCheckNodePort);
  if (!needsHealthCheck(spec)) {
    if (hcnp !== 0) errs.push(field.invalid('spec.healthCheckNodePort', hcnp, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hcnp === 0) errs.push(field.required('spec.healthCheckNodePort', ''));
  else errs.push(...isValidPortNum(hcnp).map((m) => field.invalid('spec.healthCheckNodePort', hcnp, m)));
  // Internal traffic policy.
  if (!isSet(spec.internalTrafficPolicy)) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(field.required('spec.internalTrafficPolicy', ''));
  } else if (!['Cluster', 'Local'].includes(str(spec.internalTrafficPolicy))) {
    errs.push(field.notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (isSet(spec.trafficDistribution) && spec.trafficDistribution !== 'PreferClose') {
    errs.push(field.notSupported('spec.trafficDistribution', spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

function validateLoadBalancerClass(oldSpec: JsonObject | undefined, spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  if (oldSpec && oldSpec.type === 'LoadBalancer' && spec.type === 'LoadBalancer' && str(oldSpec.loadBalancerClass) !== str(spec.loadBalancerClass)) {
    errs.push(field.invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  if (spec.type === 'LoadBalancer') {
    if (isSet(spec.loadBalancerClass)) {
      const c = str(spec.loadBalancerClass);
      errs.push(...isQualifiedName(c).map((m) => field.invalid('spec.loadBalancerClass', c, m)));
    }
  } else if (isSet(spec.loadBalancerClass)) {
    errs.push(field.forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

function validateUpgradeDowngradeClusterIPs(oldSpec: JsonObject, spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return errs;
  // The seed behaviour: a cluster IP, once allocated, is reported as an immutable field.
  const oldIP = str(oldSpec.clusterIP);
  if (oldIP !== '' && str(spec.clusterIP) !== oldIP && !(isHeadlessService(oldSpec) && isHeadlessService(spec))) {
    return [field.invalid('spec.clusterIP', str(spec.clusterIP), fieldImmutableErrorMsg)];
  }
  if (isHeadlessService(oldSpec) && isHeadlessService(spec)) return errs;
  const oldIPs = serviceClusterIPs(oldSpec);
  const ips = serviceClusterIPs(spec);
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(field.invalid(index('spec.clusterIPs', i), ips, 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(field.invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(field.invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
    if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(field.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(field.invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
  }
  return errs;
}

function validateUpgradeDowngradeIPFamilies(oldSpec: JsonObject, spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return errs;
  if (isHeadlessService(spec) !== isHeadlessService(oldSpec) || isHeadlessService(spec)) return errs;
  const oldFams = arr(oldSpec.ipFamilies).map(str);
  const fams = arr(spec.ipFamilies).map(str);
  const ips = serviceClusterIPs(spec);
  if (oldFams.length === fams.length) {
    oldFams.forEach((f, i) => {
      if (f !== fams[i]) errs.push(field.invalid('spec.ipFamilies[0]', fams, 'may not change once set'));
    });
  } else if (oldFams.length > fams.length) {
    if (ips.length === 0) errs.push(field.invalid('spec.ipFamilies[0]', fams, 'primary ipFamily can not be unset'));
    if (fams.length > 0 && fams[0] !== oldFams[0]) errs.push(field.invalid('spec.ipFamilies[0]', ips, 'may not change once set'));
    if (fams.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(field.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldFams.length > 0 && fams.length > 0 && fams[0] !== oldFams[0]) {
    errs.push(field.invalid('spec.ipFamilies[0]', ips, 'may not change once set'));
  }
  return errs;
}

/** The update-only part of ValidateServiceUpdate (validateService runs on the new object too). */
export function validateServiceUpdate(svc: KubeObject, old: KubeObject): FieldError[] {
  const spec = obj(svc.spec);
  const oldSpec = obj(old.spec);
  const errs = [...validateUpgradeDowngradeClusterIPs(oldSpec, spec), ...validateUpgradeDowngradeIPFamilies(oldSpec, spec)];
  // The create-time loadBalancerClass checks come from validateService; only the change rule here.
  if (oldSpec.type === 'LoadBalancer' && spec.type === 'LoadBalancer' && str(oldSpec.loadBalancerClass) !== str(spec.loadBalancerClass)) {
    errs.push(field.invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && num(spec.healthCheckNodePort) !== num(oldSpec.healthCheckNodePort)) {
    errs.push(field.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  return errs;
}

export function validateLoadBalancerStatus(status: unknown, path: string, spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const ingress = arr(obj(status).ingress);
  const ingrPath = child(path, 'ingress');
  if (spec.type !== 'LoadBalancer' && ingress.length !== 0) return [field.forbidden(ingrPath, "may only be used when `spec.type` is 'LoadBalancer'")];
  ingress.forEach((raw, i) => {
    const ing = obj(raw);
    const p = index(ingrPath, i);
    const ip = str(ing.ip);
    if (ip !== '') errs.push(...isValidIP(ip).map((m) => field.invalid(child(p, 'ip'), ip, m)));
    if (!isSet(ing.ipMode)) {
      if (ip !== '') errs.push(field.required(child(p, 'ipMode'), 'must be specified when `ip` is set'));
    } else if (ip === '') errs.push(field.forbidden(child(p, 'ipMode'), 'may not be specified when `ip` is not set'));
    else if (!['Proxy', 'VIP'].includes(str(ing.ipMode))) errs.push(field.notSupported(child(p, 'ipMode'), ing.ipMode, ['Proxy', 'VIP']));
    const hostname = str(ing.hostname);
    if (hostname !== '') {
      errs.push(...isDNS1123Subdomain(hostname).map((m) => field.invalid(child(p, 'hostname'), hostname, m)));
      if (parseIP(hostname)) errs.push(field.invalid(child(p, 'hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

export const serviceValidation: KindValidation = {
  nameRule: 'dns1035',
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  validateStatusUpdate: (svc) => validateLoadBalancerStatus(obj(svc.status).loadBalancer, 'status.loadBalancer', obj(svc.spec)),
};
