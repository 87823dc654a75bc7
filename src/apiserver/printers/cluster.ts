// Cluster-level objects with small tables: ComponentStatus, Lease, PriorityClass,
// RuntimeClass and CertificateSigningRequest.

import { humanDuration } from '../../machinery/duration.js';
import { ageCell, ageColumn, column, nameCell, nameColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { bool, int, list, optInt, optStr, str } from './json.js';
import type { TablePrinter } from './types.js';

export const componentStatusPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Status of the component conditions'),
    column('Message', 'string', 'Message of the component conditions'),
    column('Error', 'string', 'Error of the component conditions'),
  ],
  row(cs) {
    const healthy = list(cs, 'conditions').find((c) => str(c, 'type') === 'Healthy');
    if (!healthy) return [nameCell(cs), 'Unknown', '', ''];
    return [nameCell(cs), str(healthy, 'status') === 'True' ? 'Healthy' : 'Unhealthy', str(healthy, 'message'), str(healthy, 'error')];
  },
};

export const leasePrinter: TablePrinter = {
  columns: [nameColumn, column('Holder', 'string', apiDoc['coordinationv1.LeaseSpec.holderIdentity']), ageColumn],
  row(lease, { now }) {
    return [nameCell(lease), optStr(lease, 'spec', 'holderIdentity') ?? '', ageCell(lease, now)];
  },
};

export const priorityClassPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Value', 'integer', apiDoc['schedulingv1.PriorityClass.value']),
    column('Global-Default', 'boolean', apiDoc['schedulingv1.PriorityClass.globalDefault']),
    ageColumn,
    // Priority 0 in Kubernetes too, so plain `kubectl get` shows it.
    column('PreemptionPolicy', 'string', apiDoc['schedulingv1.PriorityClass.preemptionPolicy']),
  ],
  row(pc, { now }) {
    return [nameCell(pc), int(pc, 'value'), bool(pc, 'globalDefault'), ageCell(pc, now), optStr(pc, 'preemptionPolicy') ?? ''];
  },
};

export const runtimeClassPrinter: TablePrinter = {
  // Kubernetes looks the HANDLER description up under the wrong type and gets "".
  columns: [nameColumn, column('Handler', 'string', ''), ageColumn],
  row(rc, { now }) {
    return [nameCell(rc), str(rc, 'handler'), ageCell(rc, now)];
  },
};

/** "Approved,Issued", "Denied", "Pending,Failed"… from the request's conditions. */
function csrCondition(csr: unknown): string {
  const types = new Set(list(csr, 'status', 'conditions').map((c) => str(c, 'type')));
  let status = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) status += ',Failed';
  if (str(csr, 'status', 'certificate') !== '') status += ',Issued';
  return status;
}

export const certificateSigningRequestPrinter: TablePrinter = {
  columns: [
    nameColumn,
    ageColumn,
    column('SignerName', 'string', apiDoc['certificatesv1beta1.CertificateSigningRequestSpec.signerName']),
    column('Requestor', 'string', apiDoc['certificatesv1beta1.CertificateSigningRequestSpec.request']),
    column('RequestedDuration', 'string', apiDoc['certificatesv1beta1.CertificateSigningRequestSpec.expirationSeconds']),
    column('Condition', 'string', apiDoc['certificatesv1beta1.CertificateSigningRequestStatus.conditions']),
  ],
  row(csr, { now }) {
    const expirationSeconds = optInt(csr, 'spec', 'expirationSeconds');
    return [
      nameCell(csr),
      ageCell(csr, now),
      str(csr, 'spec', 'signerName') || '<none>',
      str(csr, 'spec', 'username'),
      expirationSeconds === undefined ? '<none>' : humanDuration(expirationSeconds * 1000),
      csrCondition(csr),
    ];
  },
};
