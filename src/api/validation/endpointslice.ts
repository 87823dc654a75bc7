// discovery.k8s.io/v1 EndpointSlice validation: an address type that never changes, endpoints
// whose addresses fit it (and are not loopback, link-local or unspecified), node names,
// hostnames, zone hints and deprecated topology, and uniquely named ports.

import { field, FieldErrorType, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { fullyQualifiedDomainNameProblem, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIPv4Address, isValidIPv6Address, isValidLabelValue } from './formats.js';
import { validateNonSpecialIP } from './groups-common.js';
import { validateImmutableField, validateLabels } from './meta.js';
import { arr, child, index, isObject, isSet, key, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];
const portProtocols = ['SCTP', 'TCP', 'UDP'];
const maxTopologyLabels = 16;
const maxAddresses = 100;
const maxPorts = 20000;
const maxEndpoints = 1000;
const maxZoneHints = 8;
const zoneLabel = 'topology.kubernetes.io/zone';

function validateAddress(address: string, addressType: string, path: string): FieldError[] {
  switch (addressType) {
    case 'IPv4': {
      const errs = isValidIPv4Address(address).map((msg) => field.invalid(path, address, msg));
      return errs.length ? errs : validateNonSpecialIP(address, path);
    }
    case 'IPv6': {
      const errs = isValidIPv6Address(address).map((msg) => field.invalid(path, address, msg));
      return errs.length ? errs : validateNonSpecialIP(address, path);
    }
    case 'FQDN': {
      const problem = fullyQualifiedDomainNameProblem(address);
      if (problem === 'required') return [field.required(path, '')];
      return problem ? [field.invalid(path, problem.value, problem.detail)] : [];
    }
    default:
      // Unknown address types are reported once, on addressType.
      return [];
  }
}

function validateHints(hintsRaw: unknown, path: string): FieldError[] {
  const zones = arr(obj(hintsRaw).forZones);
  const fzPath = child(path, 'forZones');
  if (zones.length > maxZoneHints) return [field.tooMany(fzPath, zones.length, maxZoneHints)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  zones.forEach((z, i) => {
    const name = str(obj(z).name);
    const p = child(index(fzPath, i), 'name');
    if (seen.has(name)) errs.push(field.duplicate(p, name));
    seen.add(name);
    for (const msg of isValidLabelValue(name)) errs.push(field.invalid(p, name, msg));
  });
  return errs;
}

function validateEndpoints(endpoints: unknown[], addressType: string, path: string): FieldError[] {
  if (endpoints.length > maxEndpoints) return [field.tooMany(path, endpoints.length, maxEndpoints)];
  const errs: FieldError[] = [];
  endpoints.forEach((raw, i) => {
    const ep = obj(raw);
    const p = index(path, i);
    const addrPath = child(p, 'addresses');
    const addresses = arr(ep.addresses);
    if (addresses.length === 0) errs.push(field.required(addrPath, 'must contain at least 1 address'));
    else if (addresses.length > maxAddresses) errs.push(field.tooMany(addrPath, addresses.length, maxAddresses));
    addresses.forEach((a, j) => errs.push(...validateAddress(str(a), addressType, index(addrPath, j))));
    if (isSet(ep.nodeName)) {
      const nodeName = str(ep.nodeName);
      for (const msg of isDNS1123Subdomain(nodeName)) errs.push(field.invalid(child(p, 'nodeName'), nodeName, msg));
    }
    const topoPath = child(p, 'deprecatedTopology');
    const topology = isObject(ep.deprecatedTopology) ? ep.deprecatedTopology : {};
    if (Object.keys(topology).length > maxTopologyLabels) errs.push(field.tooMany(topoPath, Object.keys(topology).length, maxTopologyLabels));
    errs.push(...validateLabels(ep.deprecatedTopology, topoPath));
    // v1 carries the zone in its own field; in the topology map it would be lost on conversion.
    if (zoneLabel in topology) {
      errs.push({ type: FieldErrorType.Internal, field: key(topoPath, zoneLabel), detail: 'reserved key was not removed in conversion' });
    }
    if (isSet(ep.hostname)) {
      const hostname = str(ep.hostname);
      for (const msg of isDNS1123Label(hostname)) errs.push(field.invalid(child(p, 'hostname'), hostname, msg));
    }
    if (isSet(ep.hints)) errs.push(...validateHints(ep.hints, child(p, 'hints')));
  });
  return errs;
}

function validatePorts(ports: unknown[], path: string): FieldError[] {
  if (ports.length > maxPorts) return [field.tooMany(path, ports.length, maxPorts)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const port = obj(raw);
    const p = index(path, i);
    const name = str(port.name);
    if (name !== '') for (const msg of isDNS1123Label(name)) errs.push(field.invalid(child(p, 'name'), name, msg));
    if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    names.add(name);
    if (!isSet(port.protocol)) errs.push(field.required(child(p, 'protocol'), ''));
    else if (!portProtocols.includes(str(port.protocol))) errs.push(field.notSupported(child(p, 'protocol'), port.protocol, portProtocols));
    if (isSet(port.appProtocol)) {
      const appProtocol = str(port.appProtocol);
      for (const msg of isQualifiedName(appProtocol)) errs.push(field.invalid(child(p, 'appProtocol'), appProtocol, msg));
    }
  });
  return errs;
}

function validateEndpointSliceWith(slice: KubeObject, validTypes: string[]): FieldError[] {
  const addressType = str(slice.addressType);
  const errs: FieldError[] = [];
  if (addressType === '') errs.push(field.required('addressType', ''));
  else if (!validTypes.includes(addressType)) errs.push(field.notSupported('addressType', addressType, validTypes));
  errs.push(...validateEndpoints(arr(slice.endpoints), addressType, 'endpoints'));
  errs.push(...validatePorts(arr(slice.ports), 'ports'));
  return errs;
}

export function validateEndpointSlice(slice: KubeObject): FieldError[] {
  return validateEndpointSliceWith(slice, addressTypes);
}

export function validateEndpointSliceUpdate(slice: KubeObject, old: KubeObject): FieldError[] {
  return validateImmutableField(slice.addressType, old.addressType, 'addressType');
}

export const endpointSliceValidation: KindValidation = {
  validate: validateEndpointSlice,
  validateUpdate: validateEndpointSliceUpdate,
  nameRule: 'subdomain',
};
