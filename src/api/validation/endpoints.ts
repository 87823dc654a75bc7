// Endpoints validation: every subset names at least one address; addresses are valid,
// non-special IPs; ports are named when there are several.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { supportedPortProtocols } from './container.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidPortNum } from './formats.js';
import { validateNonSpecialIP } from './service.js';
import { arr, child, index, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

function validateEndpointAddress(raw: unknown, path: string): FieldError[] {
  const a = obj(raw);
  const ip = str(a.ip);
  const errs = isValidIP(ip).map((m) => field.invalid(child(path, 'ip'), ip, m));
  const hostname = str(a.hostname);
  if (hostname !== '') errs.push(...isDNS1123Label(hostname).map((m) => field.invalid(child(path, 'hostname'), hostname, m)));
  if (isSet(a.nodeName)) errs.push(...isDNS1123Subdomain(str(a.nodeName)).map((m) => field.invalid(child(path, 'nodeName'), str(a.nodeName), m)));
  errs.push(...validateNonSpecialIP(ip, child(path, 'ip')));
  return errs;
}

function validateEndpointPort(raw: unknown, requireName: boolean, path: string): FieldError[] {
  const p = obj(raw);
  const errs: FieldError[] = [];
  const name = str(p.name);
  if (requireName && name === '') errs.push(field.required(child(path, 'name'), ''));
  else if (name !== '') errs.push(...isDNS1123Label(name).map((m) => field.invalid(child(path, 'name'), name, m)));
  const port = typeof p.port === 'number' ? p.port : 0;
  errs.push(...isValidPortNum(port).map((m) => field.invalid(child(path, 'port'), port, m)));
  const protocol = str(p.protocol);
  if (protocol === '') errs.push(field.required(child(path, 'protocol'), ''));
  else if (!supportedPortProtocols.includes(protocol)) errs.push(field.notSupported(child(path, 'protocol'), protocol, supportedPortProtocols));
  if (isSet(p.appProtocol)) errs.push(...isQualifiedName(str(p.appProtocol)).map((m) => field.invalid(child(path, 'appProtocol'), str(p.appProtocol), m)));
  return errs;
}

export function validateEndpoints(ep: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  arr(ep.subsets).forEach((raw, i) => {
    const ss = obj(raw);
    const p = index('subsets', i);
    const addresses = arr(ss.addresses);
    const notReady = arr(ss.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) errs.push(field.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) => errs.push(...validateEndpointAddress(a, index(child(p, 'addresses'), j))));
    notReady.forEach((a, j) => errs.push(...validateEndpointAddress(a, index(child(p, 'notReadyAddresses'), j))));
    const ports = arr(ss.ports);
    ports.forEach((port, j) => errs.push(...validateEndpointPort(port, ports.length > 1, index(child(p, 'ports'), j))));
  });
  return errs;
}

export const endpointsValidation: KindValidation = {
  nameRule: 'subdomain',
  validate: validateEndpoints,
};
