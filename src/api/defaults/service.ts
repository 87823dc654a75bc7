// Service defaulting: SetDefaults_Service (type, session affinity, port protocol and target
// port, traffic policies, load balancer node ports) plus the IP family fields the registry
// fills for a single-stack IPv4 cluster, and the clusterIP/clusterIPs normalisation it
// applies for clients that only know the singular field.

import type { KubeObject } from '../object.js';

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function absent(v: unknown): boolean {
  return v === undefined || v === null;
}

function objects(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

export const defaultClientIPServiceAffinitySeconds = 10800;

function externallyAccessible(spec: JsonObject): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && strings(spec.externalIPs).length > 0);
}

/** SetDefaults_Service. */
export function setDefaultsServiceSpec(svc: KubeObject): void {
  if (!isObject(svc.spec)) svc.spec = {};
  const spec = svc.spec as JsonObject;
  if (absent(spec.sessionAffinity) || spec.sessionAffinity === '') spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = isObject(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
    const clientIP = cfg && isObject(cfg.clientIP) ? cfg.clientIP : undefined;
    if (!clientIP || absent(clientIP.timeoutSeconds)) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: defaultClientIPServiceAffinitySeconds } };
  }
  if (absent(spec.type) || spec.type === '') spec.type = 'ClusterIP';
  for (const port of objects(spec.ports)) {
    if (absent(port.protocol) || port.protocol === '') port.protocol = 'TCP';
    if (absent(port.targetPort) || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (externallyAccessible(spec) && (absent(spec.externalTrafficPolicy) || spec.externalTrafficPolicy === '')) spec.externalTrafficPolicy = 'Cluster';
  if (absent(spec.internalTrafficPolicy) && (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP')) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer') {
    if (absent(spec.allocateLoadBalancerNodePorts)) spec.allocateLoadBalancerNodePorts = true;
    const status = isObject(svc.status) ? svc.status : undefined;
    const lb = status && isObject(status.loadBalancer) ? status.loadBalancer : undefined;
    for (const ing of objects(lb?.ingress)) if (typeof ing.ip === 'string' && ing.ip !== '' && absent(ing.ipMode)) ing.ipMode = 'VIP';
  }
}

/**
 * NormalizeClusterIPs: old clients send only spec.clusterIP; keep clusterIPs in step.
 * Pass the stored object on update.
 */
export function normalizeServiceClusterIPs(svc: KubeObject, old?: KubeObject): void {
  if (!isObject(svc.spec)) return;
  const spec = svc.spec as JsonObject;
  const clusterIP = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
  const ips = strings(spec.clusterIPs);
  if (!old) {
    if (clusterIP !== '' && ips.length === 0) spec.clusterIPs = [clusterIP];
    return;
  }
  const oldSpec = isObject(old.spec) ? old.spec : {};
  const oldIP = typeof oldSpec.clusterIP === 'string' ? oldSpec.clusterIP : '';
  const oldIPs = strings(oldSpec.clusterIPs);
  if (oldIPs.length > 0 && ips.length === 0 && oldIP === clusterIP) spec.clusterIPs = [...oldIPs];
  if (oldIP !== clusterIP) {
    if (oldIP !== '' && clusterIP === '') {
      delete spec.clusterIPs;
      return;
    }
    const current = strings(spec.clusterIPs);
    if (oldIPs.length > 0 && current.length > 0 && oldIPs.length === current.length && oldIPs.every((ip, i) => ip === current[i])) {
      spec.clusterIPs = [clusterIP, ...current.slice(1)];
    }
  }
}

/**
 * The IP family fields the service registry sets on a single-stack cluster: SingleStack and
 * the cluster's family, or RequireDualStack for headless services without a selector.
 */
export function setServiceIPFamilyDefaults(svc: KubeObject, clusterFamilies: string[] = ['IPv4']): void {
  if (!isObject(svc.spec)) return;
  const spec = svc.spec as JsonObject;
  if (spec.type === 'ExternalName') return;
  const ips = strings(spec.clusterIPs).length ? strings(spec.clusterIPs) : typeof spec.clusterIP === 'string' && spec.clusterIP ? [spec.clusterIP] : [];
  const headless = ips.length === 1 && ips[0] === 'None';
  const selectorless = !isObject(spec.selector) || Object.keys(spec.selector).length === 0;
  if (headless && selectorless) {
    if (absent(spec.ipFamilyPolicy)) spec.ipFamilyPolicy = 'RequireDualStack';
    if (strings(spec.ipFamilies).length === 0) spec.ipFamilies = [...clusterFamilies];
    return;
  }
  if (absent(spec.ipFamilyPolicy)) spec.ipFamilyPolicy = 'SingleStack';
  if (strings(spec.ipFamilies).length === 0) {
    const fromIP = ips.find((ip) => ip !== 'None');
    const family = fromIP ? (fromIP.includes(':') ? 'IPv6' : 'IPv4') : clusterFamilies[0];
    spec.ipFamilies = [family];
    if ((spec.ipFamilyPolicy === 'PreferDualStack' || spec.ipFamilyPolicy === 'RequireDualStack') && clusterFamilies.length > 1) {
      spec.ipFamilies = [family, ...clusterFamilies.filter((f) => f !== family)];
    }
  }
}

export function setDefaultsService(svc: KubeObject): void {
  setDefaultsServiceSpec(svc);
  normalizeServiceClusterIPs(svc);
  setServiceIPFamilyDefaults(svc);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * dropTypeDependentFields (the service strategy's PrepareForUpdate): when a service changes
 * to a type that no longer uses cluster IPs, node ports, a health check port, a load
 * balancer class or an external traffic policy, the values carried over unchanged from the
 * old object are wiped instead of failing validation.
 */
export function dropServiceTypeDependentFields(svc: KubeObject, old: KubeObject): void {
  if (!isObject(svc.spec) || !isObject(old.spec)) return;
  const spec = svc.spec as JsonObject;
  const oldSpec = old.spec;
  const needsClusterIP = (s: JsonObject) => s.type !== 'ExternalName';
  const needsNodePort = (s: JsonObject) => s.type === 'NodePort' || s.type === 'LoadBalancer';
  const needsHC = (s: JsonObject) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (same(spec.clusterIP, oldSpec.clusterIP) && same(spec.clusterIPs, oldSpec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, oldSpec.ipFamilies)) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, oldSpec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  const nodePorts = (s: JsonObject) => objects(s.ports).map((p) => p.nodePort ?? 0);
  if (needsNodePort(oldSpec) && !needsNodePort(spec) && same(nodePorts(spec), nodePorts(oldSpec))) {
    for (const p of objects(spec.ports)) delete p.nodePort;
  }
  if (needsHC(oldSpec) && !needsHC(spec) && same(spec.healthCheckNodePort, oldSpec.healthCheckNodePort)) delete spec.healthCheckNodePort;
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (!absent(spec.allocateLoadBalancerNodePorts) && same(spec.allocateLoadBalancerNodePorts, oldSpec.allocateLoadBalancerNodePorts)) {
      delete spec.allocateLoadBalancerNodePorts;
    }
    if (same(spec.loadBalancerClass, oldSpec.loadBalancerClass)) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(oldSpec) && !externallyAccessible(spec) && same(spec.externalTrafficPolicy, oldSpec.externalTrafficPolicy)) {
    delete spec.externalTrafficPolicy;
  }
}
