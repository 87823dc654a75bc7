// Namespaces and the configuration objects that live in them: Namespace (STATUS),
// ConfigMap and Secret (DATA counts), ServiceAccount (SECRETS count).

import { ageCell, ageColumn, column, nameCell, nameColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { items, mapSize, str } from './json.js';
import type { TablePrinter } from './types.js';

export const namespacePrinter: TablePrinter = {
  columns: [nameColumn, column('Status', 'string', 'The status of the namespace'), ageColumn],
  row(ns, { now }) {
    return [nameCell(ns), str(ns, 'status', 'phase'), ageCell(ns, now)];
  },
};

export const configMapPrinter: TablePrinter = {
  columns: [nameColumn, column('Data', 'string', apiDoc['corev1.ConfigMap.data']), ageColumn],
  row(cm, { now }) {
    return [nameCell(cm), mapSize(cm, 'data') + mapSize(cm, 'binaryData'), ageCell(cm, now)];
  },
};

export const secretPrinter: TablePrinter = {
  columns: [nameColumn, column('Type', 'string', apiDoc['corev1.Secret.type']), column('Data', 'string', apiDoc['corev1.Secret.data']), ageColumn],
  row(secret, { now }) {
    return [nameCell(secret), str(secret, 'type'), mapSize(secret, 'data'), ageCell(secret, now)];
  },
};

export const serviceAccountPrinter: TablePrinter = {
  columns: [nameColumn, column('Secrets', 'string', apiDoc['corev1.ServiceAccount.secrets']), ageColumn],
  row(sa, { now }) {
    return [nameCell(sa), items(sa, 'secrets').length, ageCell(sa, now)];
  },
};
