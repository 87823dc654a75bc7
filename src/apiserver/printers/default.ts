// The table of kinds without a printer of their own (LimitRange, Role, ClusterRole,
// CustomResourceDefinition…): NAME and CREATED AT, as the generic registry's default
// TableConvertor (k8s.io/apiserver/pkg/registry/rest/table.go) builds it.

import { parseTimestamp } from '../../machinery/duration.js';
import { nameCell, nameColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { at } from './json.js';
import type { TablePrinter } from './types.js';

/** Go's time.RFC3339 of a UTC time: no fractional seconds; the zero time when unset. */
export function rfc3339(timestamp: unknown): string {
  const t = parseTimestamp(timestamp);
  if (t === undefined) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const defaultPrinter: TablePrinter = {
  columns: [nameColumn, { name: 'Created At', type: 'date', format: '', description: apiDoc['metav1.ObjectMeta.creationTimestamp'], priority: 0 }],
  row(o) {
    return [nameCell(o), rfc3339(at(o, 'metadata', 'creationTimestamp'))];
  },
};
