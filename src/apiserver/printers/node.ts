// `kubectl get nodes`: STATUS from the Ready condition (plus SchedulingDisabled when
// cordoned), ROLES from node-role labels, VERSION, and the wide INTERNAL-IP / EXTERNAL-IP /
// OS-IMAGE / KERNEL-VERSION / CONTAINER-RUNTIME columns.

import { ageCell, ageColumn, column, nameCell, nameColumn, wideColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { compareStrings } from './format.js';
import { bool, list, str, stringMap } from './json.js';
import type { TablePrinter } from './types.js';

const nodeRolePrefix = 'node-role.kubernetes.io/';
const legacyRoleLabel = 'kubernetes.io/role';

function statusCell(node: unknown): string {
  // The last condition of a type wins, as in the Go map the printer builds.
  let ready: string | undefined;
  for (const c of list(node, 'status', 'conditions')) {
    if (str(c, 'type') === 'Ready') ready = str(c, 'status');
  }
  const status = [ready === undefined ? 'Unknown' : ready === 'True' ? 'Ready' : 'NotReady'];
  if (bool(node, 'spec', 'unschedulable')) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` keys and the legacy `kubernetes.io/role` value. */
export function nodeRoles(labels: Record<string, string>): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith(nodeRolePrefix)) {
      const role = key.slice(nodeRolePrefix.length);
      if (role !== '') roles.add(role);
    } else if (key === legacyRoleLabel && value !== '') {
      roles.add(value);
    }
  }
  return [...roles].sort(compareStrings);
}

function addressOfType(node: unknown, type: string): string {
  const address = list(node, 'status', 'addresses').find((a) => str(a, 'type') === type);
  return address ? str(address, 'address') : '<none>';
}

export const nodePrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn,
    column('Version', 'string', apiDoc['corev1.NodeSystemInfo.kubeletVersion']),
    wideColumn('Internal-IP', 'string', apiDoc['corev1.NodeStatus.addresses']),
    wideColumn('External-IP', 'string', apiDoc['corev1.NodeStatus.addresses']),
    wideColumn('OS-Image', 'string', apiDoc['corev1.NodeSystemInfo.osImage']),
    wideColumn('Kernel-Version', 'string', apiDoc['corev1.NodeSystemInfo.kernelVersion']),
    wideColumn('Container-Runtime', 'string', apiDoc['corev1.NodeSystemInfo.containerRuntimeVersion']),
  ],
  row(node, { now }) {
    const roles = nodeRoles(stringMap(node, 'metadata', 'labels')).join(',');
    const info = (field: string) => str(node, 'status', 'nodeInfo', field);
    return [
      nameCell(node),
      statusCell(node),
      roles === '' ? '<none>' : roles,
      ageCell(node, now),
      info('kubeletVersion'),
      addressOfType(node, 'InternalIP'),
      addressOfType(node, 'ExternalIP'),
      info('osImage') || '<unknown>',
      info('kernelVersion') || '<unknown>',
      info('containerRuntimeVersion') || '<unknown>',
    ];
  },
};
