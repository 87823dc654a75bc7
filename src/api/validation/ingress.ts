// networking.k8s.io/v1 Ingress validation: a default backend or rules; rule hosts (DNS names,
// `*.` wildcards, never IPs); HTTP paths with their pathType; backends naming a service port
// (by name or number) or a resource; TLS hosts and secret names; the class name and the legacy
// class annotation; and the load-balancer status a controller writes.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import {
  isDNS1035Label,
  isDNS1123Subdomain,
  isValidIP,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  parseIP,
} from './formats.js';
import { arr, child, index, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

export const ingressClassAnnotation = 'kubernetes.io/ingress.class';

const supportedPathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];

const invalidEach = (msgs: string[], path: string, value: unknown): FieldError[] => msgs.map((msg) => field.invalid(path, value, msg));

/** An apiGroup/kind/name reference (Ingress resource backends, IngressClass parameters). */
export function validateTypedLocalObjectReference(refRaw: unknown, path: string): FieldError[] {
  const ref = obj(refRaw);
  const errs: FieldError[] = [];
  if (isSet(ref.apiGroup)) errs.push(...invalidEach(isDNS1123Subdomain(str(ref.apiGroup)), child(path, 'apiGroup'), str(ref.apiGroup)));
  for (const f of ['kind', 'name']) {
    const v = str(ref[f]);
    if (v === '') errs.push(field.required(child(path, f), `${f} is required`));
    else errs.push(...invalidEach(isValidPathSegmentName(v), child(path, f), v));
  }
  return errs;
}

function validateIngressBackend(backendRaw: unknown, path: string): FieldError[] {
  const backend = obj(backendRaw);
  const hasResource = isSet(backend.resource);
  const hasService = isSet(backend.service);
  if (hasResource && hasService) return [field.invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) return validateTypedLocalObjectReference(backend.resource, child(path, 'resource'));
  if (!hasService) return [field.invalid(path, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const service = obj(backend.service);
  const name = str(service.name);
  if (name === '') errs.push(field.required(child(child(path, 'service'), 'name'), ''));
  else errs.push(...invalidEach(isDNS1035Label(name), child(child(path, 'service'), 'name'), name));
  const port = obj(service.port);
  const portName = str(port.name);
  const portNumber = typeof port.number === 'number' ? port.number : 0;
  const portPath = child(child(path, 'service'), 'port');
  if (portName !== '' && portNumber !== 0) errs.push(field.invalid(path, '', 'cannot set both port name & port number'));
  else if (portName !== '') errs.push(...invalidEach(isValidPortName(portName), child(portPath, 'name'), portName));
  else if (portNumber !== 0) errs.push(...invalidEach(isValidPortNum(portNumber), child(portPath, 'number'), portNumber));
  else errs.push(field.required(path, 'port name or number is required'));
  return errs;
}

function validateHTTPIngressPath(pRaw: unknown, path: string): FieldError[] {
  const p = obj(pRaw);
  if (!isSet(p.pathType)) return [field.required(child(path, 'pathType'), 'pathType must be specified')];
  const errs: FieldError[] = [];
  const value = str(p.path);
  const pathPath = child(path, 'path');
  switch (p.pathType) {
    case 'Exact':
    case 'Prefix':
      if (!value.startsWith('/')) errs.push(field.invalid(pathPath, value, 'must be an absolute path'));
      if (value.length > 0) {
        for (const seq of invalidPathSequences) if (value.includes(seq)) errs.push(field.invalid(pathPath, value, `must not contain '${seq}'`));
        for (const suffix of invalidPathSuffixes) if (value.endsWith(suffix)) errs.push(field.invalid(pathPath, value, `cannot end with '${suffix}'`));
      }
      break;
    case 'ImplementationSpecific':
      if (value.length > 0 && !value.startsWith('/')) errs.push(field.invalid(pathPath, value, 'must be an absolute path'));
      break;
    default:
      errs.push(field.notSupported(child(path, 'pathType'), p.pathType, supportedPathTypes));
  }
  errs.push(...validateIngressBackend(p.backend, child(path, 'backend')));
  return errs;
}

function validateIngressRuleValue(ruleRaw: unknown, path: string): FieldError[] {
  const rule = obj(ruleRaw);
  if (!isSet(rule.http)) return [];
  const httpPath = child(path, 'http');
  const paths = arr(obj(rule.http).paths);
  const errs: FieldError[] = [];
  if (paths.length === 0) errs.push(field.required(child(httpPath, 'paths'), ''));
  paths.forEach((p, i) => errs.push(...validateHTTPIngressPath(p, index(child(httpPath, 'paths'), i))));
  return errs;
}

function validateIngressRules(rules: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((ruleRaw, i) => {
    const rule = obj(ruleRaw);
    const host = str(rule.host);
    const hostPath = child(index(path, i), 'host');
    if (host.length > 0) {
      if (parseIP(host)) errs.push(field.invalid(hostPath, host, 'must be a DNS name, not an IP address'));
      if (host.includes('*')) errs.push(...invalidEach(isWildcardDNS1123Subdomain(host), hostPath, host));
      else errs.push(...invalidEach(isDNS1123Subdomain(host), hostPath, host));
    }
    errs.push(...validateIngressRuleValue(rule, index(path, i)));
  });
  return errs;
}

function validateIngressTLS(tls: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  tls.forEach((entryRaw, i) => {
    const entry = obj(entryRaw);
    arr(entry.hosts).forEach((h, j) => {
      const host = str(h);
      const hostPath = index(child(index(path, i), 'hosts'), j);
      if (host.includes('*')) errs.push(...invalidEach(isWildcardDNS1123Subdomain(host), hostPath, host));
      else errs.push(...invalidEach(isDNS1123Subdomain(host), hostPath, host));
    });
    const secretName = str(entry.secretName);
    if (secretName !== '') errs.push(...invalidEach(isDNS1123Subdomain(secretName), child(index(path, i), 'secretName'), secretName));
  });
  return errs;
}

export function validateIngressSpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  const errs: FieldError[] = [];
  const rules = arr(spec.rules);
  if (rules.length === 0 && !isSet(spec.defaultBackend)) {
    errs.push(field.invalid(path, spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isSet(spec.defaultBackend)) errs.push(...validateIngressBackend(spec.defaultBackend, child(path, 'defaultBackend')));
  if (rules.length > 0) errs.push(...validateIngressRules(rules, child(path, 'rules')));
  const tls = arr(spec.tls);
  if (tls.length > 0) errs.push(...validateIngressTLS(tls, child(path, 'tls')));
  if (isSet(spec.ingressClassName)) {
    const className = str(spec.ingressClassName);
    errs.push(...invalidEach(isDNS1123Subdomain(className), child(path, 'ingressClassName'), className));
  }
  return errs;
}

/** ValidateIngressCreate: the spec, and a legacy class annotation must agree with the class name. */
export function validateIngress(ing: KubeObject): FieldError[] {
  const errs = validateIngressSpec(ing.spec);
  const annotations = ing.metadata?.annotations ?? {};
  const className = obj(ing.spec).ingressClassName;
  if (Object.prototype.hasOwnProperty.call(annotations, ingressClassAnnotation) && isSet(className) && annotations[ingressClassAnnotation] !== className) {
    errs.push(field.invalid(`annotations.${ingressClassAnnotation}`, annotations[ingressClassAnnotation], 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

export function validateIngressLoadBalancerStatus(statusRaw: unknown, path = 'status.loadBalancer'): FieldError[] {
  const errs: FieldError[] = [];
  arr(obj(statusRaw).ingress).forEach((entryRaw, i) => {
    const entry = obj(entryRaw);
    const p = index(child(path, 'ingress'), i);
    const ip = str(entry.ip);
    if (ip !== '') errs.push(...invalidEach(isValidIP(ip), child(p, 'ip'), ip));
    const hostname = str(entry.hostname);
    if (hostname !== '') {
      errs.push(...invalidEach(isDNS1123Subdomain(hostname), child(p, 'hostname'), hostname));
      if (parseIP(hostname)) errs.push(field.invalid(child(p, 'hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

export const ingressValidation: KindValidation = {
  validate: validateIngress,
  validateStatusUpdate: (ing) => validateIngressLoadBalancerStatus(obj(ing.status).loadBalancer),
  nameRule: 'subdomain',
};
