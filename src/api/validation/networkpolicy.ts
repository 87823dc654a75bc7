// networking.k8s.io/v1 NetworkPolicy validation: the pod selector, each ingress and egress
// rule's ports (protocol, port or named port, endPort ranges) and peers (pod and namespace
// selectors, or an ipBlock whose exceptions lie strictly inside its CIDR), and policyTypes.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isValidCIDR, isValidPortName, isValidPortNum } from './formats.js';
import { cidrContains, parseCIDRBytes } from './groups-common.js';
import { validateLabelSelector } from './meta.js';
import { arr, child, index, isInt, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

const protocols = ['TCP', 'UDP', 'SCTP'];
const policyTypes = ['Ingress', 'Egress'];

export function validateNetworkPolicyPort(portRaw: unknown, path: string): FieldError[] {
  const port = obj(portRaw);
  const errs: FieldError[] = [];
  if (isSet(port.protocol) && !protocols.includes(str(port.protocol))) errs.push(field.notSupported(child(path, 'protocol'), port.protocol, protocols));
  const endPath = child(path, 'endPort');
  if (isSet(port.port)) {
    if (typeof port.port === 'number') {
      for (const msg of isValidPortNum(port.port)) errs.push(field.invalid(child(path, 'port'), port.port, msg));
      if (isSet(port.endPort)) {
        const end = isInt(port.endPort) ? port.endPort : 0;
        // Upstream reports the start port as the bad value here.
        if (end < port.port) errs.push(field.invalid(endPath, port.port, 'must be greater than or equal to `port`'));
        for (const msg of isValidPortNum(end)) errs.push(field.invalid(endPath, end, msg));
      }
    } else {
      if (isSet(port.endPort)) errs.push(field.invalid(endPath, port.endPort, 'may not be specified when `port` is non-numeric'));
      for (const msg of isValidPortName(str(port.port))) errs.push(field.invalid(child(path, 'port'), str(port.port), msg));
    }
  } else if (isSet(port.endPort)) {
    errs.push(field.invalid(endPath, port.endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

export function validateIPBlock(blockRaw: unknown, path: string): FieldError[] {
  const block = obj(blockRaw);
  const cidrText = str(block.cidr);
  if (cidrText === '') return [field.required(child(path, 'cidr'), '')];
  const errs = isValidCIDR(cidrText).map((msg) => field.invalid(child(path, 'cidr'), cidrText, msg));
  const cidr = parseCIDRBytes(cidrText);
  if (!cidr) return errs;
  arr(block.except).forEach((raw, i) => {
    const exceptText = str(raw);
    const p = index(child(path, 'except'), i);
    const bad = isValidCIDR(exceptText);
    errs.push(...bad.map((msg) => field.invalid(p, exceptText, msg)));
    const except = parseCIDRBytes(exceptText);
    if (bad.length || !except) return;
    if (!cidrContains(cidr, except.network) || cidr.prefix >= except.prefix) errs.push(field.invalid(p, exceptText, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

export function validateNetworkPolicyPeer(peerRaw: unknown, path: string): FieldError[] {
  const peer = obj(peerRaw);
  const errs: FieldError[] = [];
  let peers = 0;
  if (isSet(peer.podSelector)) {
    peers++;
    errs.push(...validateLabelSelector(peer.podSelector, child(path, 'podSelector')));
  }
  if (isSet(peer.namespaceSelector)) {
    peers++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, child(path, 'namespaceSelector')));
  }
  if (isSet(peer.ipBlock)) {
    peers++;
    errs.push(...validateIPBlock(peer.ipBlock, child(path, 'ipBlock')));
  }
  if (peers === 0) errs.push(field.required(path, 'must specify a peer'));
  else if (peers > 1 && isSet(peer.ipBlock)) errs.push(field.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

export function validateNetworkPolicySpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  const errs = validateLabelSelector(spec.podSelector ?? {}, child(path, 'podSelector'));
  for (const [direction, peersField] of [['ingress', 'from'], ['egress', 'to']] as const) {
    arr(spec[direction]).forEach((ruleRaw, i) => {
      const rule = obj(ruleRaw);
      const rulePath = index(child(path, direction), i);
      arr(rule.ports).forEach((p, j) => errs.push(...validateNetworkPolicyPort(p, index(child(rulePath, 'ports'), j))));
      arr(rule[peersField]).forEach((p, j) => errs.push(...validateNetworkPolicyPeer(p, index(child(rulePath, peersField), j))));
    });
  }
  const types = arr(spec.policyTypes);
  if (types.length > policyTypes.length) {
    errs.push(field.invalid(child(path, 'policyTypes'), types, 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (!policyTypes.includes(str(t))) errs.push(field.notSupported(index(child(path, 'policyTypes'), i), t, policyTypes));
  });
  return errs;
}

export function validateNetworkPolicy(np: KubeObject): FieldError[] {
  return validateNetworkPolicySpec(np.spec);
}

export const networkPolicyValidation: KindValidation = {
  validate: validateNetworkPolicy,
  nameRule: 'subdomain',
};
