// Services and what routes to them: Service (TYPE, CLUSTER-IP, EXTERNAL-IP with <none> /
// <pending>, PORT(S) like 80:30080/TCP), Endpoints, EndpointSlice, Ingress, IngressClass and
// NetworkPolicy. The server prints wide, so load-balancer addresses are never elided.

import { ageCell, ageColumn, column, nameCell, nameColumn, wideColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { compareStrings, formatLabels, formatLabelSelector, joinHostPort, listWithMore } from './format.js';
import { at, int, items, list, obj, optObj, optStr, str, stringMap } from './json.js';
import type { Json } from './json.js';
import type { TablePrinter } from './types.js';

function strings(value: unknown, ...path: string[]): string[] {
  return items(value, ...path).filter((v): v is string => typeof v === 'string');
}

/** Load-balancer ingress points (IP, else hostname), de-duplicated and sorted. */
function loadBalancerAddresses(status: unknown): string {
  const addresses = new Set<string>();
  for (const ingress of list(status, 'ingress')) {
    const ip = str(ingress, 'ip');
    const hostname = str(ingress, 'hostname');
    if (ip !== '') addresses.add(ip);
    else if (hostname !== '') addresses.add(hostname);
  }
  return [...addresses].sort(compareStrings).join(',');
}

function externalIPCell(svc: unknown): string {
  const externalIPs = strings(svc, 'spec', 'externalIPs');
  switch (str(svc, 'spec', 'type')) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(obj(svc, 'status', 'loadBalancer'));
      if (externalIPs.length > 0) return [...(lb === '' ? [] : lb.split(',')), ...externalIPs].join(',');
      return lb !== '' ? lb : '<pending>';
    }
    case 'ExternalName':
      return str(svc, 'spec', 'externalName');
    default:
      return '<unknown>';
  }
}

function clusterIPCell(svc: unknown): string {
  const clusterIPs = strings(svc, 'spec', 'clusterIPs');
  if (clusterIPs.length > 0) return clusterIPs[0];
  // Objects written before clusterIPs was mirrored carry only the singular field.
  return at(svc, 'spec', 'clusterIPs') === undefined && str(svc, 'spec', 'clusterIP') !== '' ? str(svc, 'spec', 'clusterIP') : '<none>';
}

function portsCell(svc: unknown): string {
  const ports = list(svc, 'spec', 'ports').map((p) => {
    const nodePort = int(p, 'nodePort');
    return nodePort > 0 ? `${int(p, 'port')}:${nodePort}/${str(p, 'protocol')}` : `${int(p, 'port')}/${str(p, 'protocol')}`;
  });
  return ports.length > 0 ? ports.join(',') : '<none>';
}

export const servicePrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Type', 'string', apiDoc['corev1.ServiceSpec.type']),
    column('Cluster-IP', 'string', apiDoc['corev1.ServiceSpec.clusterIP']),
    column('External-IP', 'string', apiDoc['corev1.ServiceSpec.externalIPs']),
    column('Port(s)', 'string', apiDoc['corev1.ServiceSpec.ports']),
    ageColumn,
    wideColumn('Selector', 'string', apiDoc['corev1.ServiceSpec.selector']),
  ],
  row(svc, { now }) {
    return [
      nameCell(svc),
      str(svc, 'spec', 'type'),
      clusterIPCell(svc),
      externalIPCell(svc),
      portsCell(svc),
      ageCell(svc, now),
      formatLabels(stringMap(svc, 'spec', 'selector')),
    ];
  },
};

const MAX_ENDPOINTS = 3;

/** "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...", counting every address of every port. */
function endpointsCell(ep: unknown): string {
  const subsets = list(ep, 'subsets');
  if (subsets.length === 0) return '<none>';
  const shownEntries: string[] = [];
  let more = false;
  let count = 0;
  const add = (entry: string): boolean => {
    if (shownEntries.length === MAX_ENDPOINTS) {
      more = true;
      return false;
    }
    shownEntries.push(entry);
    return true;
  };
  for (const subset of subsets) {
    const addresses = list(subset, 'addresses');
    const ports = list(subset, 'ports');
    if (ports.length === 0) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const address of addresses) if (!add(str(address, 'ip'))) break;
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const address of addresses) if (!add(joinHostPort(str(address, 'ip'), int(port, 'port')))) break;
    }
  }
  const joined = shownEntries.join(',');
  return more ? `${joined} + ${count - MAX_ENDPOINTS} more...` : joined;
}

export const endpointsPrinter: TablePrinter = {
  columns: [nameColumn, column('Endpoints', 'string', apiDoc['corev1.Endpoints.subsets']), ageColumn],
  row(ep, { now }) {
    return [nameCell(ep), endpointsCell(ep), ageCell(ep, now)];
  },
};

function slicePortsCell(slice: unknown): string {
  const ports = list(slice, 'ports').map((p: Json) => {
    if (typeof p.port === 'number') return String(int(p, 'port'));
    if (typeof p.name === 'string') return p.name;
    return '*';
  });
  return listWithMore(ports, 3);
}

function sliceEndpointsCell(slice: unknown): string {
  return listWithMore(
    list(slice, 'endpoints').flatMap((e) => strings(e, 'addresses')),
    3,
  );
}

export const endpointSlicePrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('AddressType', 'string', apiDoc['discoveryv1beta1.EndpointSlice.addressType']),
    column('Ports', 'string', apiDoc['discoveryv1beta1.EndpointSlice.ports']),
    column('Endpoints', 'string', apiDoc['discoveryv1beta1.EndpointSlice.endpoints']),
    ageColumn,
  ],
  row(slice, { now }) {
    return [nameCell(slice), str(slice, 'addressType'), slicePortsCell(slice), sliceEndpointsCell(slice), ageCell(slice, now)];
  },
};

/** Up to three rule hosts, "*" when no rule names one. */
function hostsCell(ing: unknown): string {
  const rules = list(ing, 'spec', 'rules');
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === max) more = true;
    const host = str(rule, 'host');
    if (!more && host !== '') hosts.push(host);
  }
  if (hosts.length === 0) return '*';
  const joined = hosts.join(',');
  return more ? `${joined} + ${rules.length - max} more...` : joined;
}

export const ingressPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn,
  ],
  row(ing, { now }) {
    return [
      nameCell(ing),
      optStr(ing, 'spec', 'ingressClassName') ?? '<none>',
      hostsCell(ing),
      loadBalancerAddresses(obj(ing, 'status', 'loadBalancer')),
      list(ing, 'spec', 'tls').length > 0 ? '80, 443' : '80',
      ageCell(ing, now),
    ];
  },
};

export const ingressClassPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn,
  ],
  row(ic, { now }) {
    const params = optObj(ic, 'spec', 'parameters');
    let parameters = '<none>';
    if (params) {
      const apiGroup = optStr(params, 'apiGroup');
      parameters = `${str(params, 'kind')}${apiGroup === undefined ? '' : `.${apiGroup}`}/${str(params, 'name')}`;
    }
    return [nameCell(ic), str(ic, 'spec', 'controller'), parameters, ageCell(ic, now)];
  },
};

export const networkPolicyPrinter: TablePrinter = {
  columns: [nameColumn, column('Pod-Selector', 'string', apiDoc['extensionsv1beta1.NetworkPolicySpec.podSelector']), ageColumn],
  row(np, { now }) {
    return [nameCell(np), formatLabelSelector(obj(np, 'spec', 'podSelector')), ageCell(np, now)];
  },
};
