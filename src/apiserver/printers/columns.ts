// Building blocks for column definitions: the NAME and AGE columns (and cells) nearly every
// printer starts and ends with, the CONTAINERS/IMAGES pair of workloads, and terse constructors.

import { translateTimestampSince } from '../../machinery/duration.js';
import type { ColumnDefinition } from './types.js';
import { apiDoc } from './api-doc.js';
import { at, str } from './json.js';

type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

/** A column shown by plain `kubectl get`. */
export function column(name: string, type: ColumnType, description: string): ColumnDefinition {
  return { name, type, format: '', description, priority: 0 };
}

/** A column shown only by `kubectl get -o wide`. */
export function wideColumn(name: string, type: ColumnType, description: string): ColumnDefinition {
  return { name, type, format: '', description, priority: 1 };
}

export const nameColumn: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: apiDoc['metav1.ObjectMeta.name'],
  priority: 0,
};

export const ageColumn: ColumnDefinition = column('Age', 'string', apiDoc['metav1.ObjectMeta.creationTimestamp']);

export const containersColumn = wideColumn('Containers', 'string', 'Names of each container in the template.');
export const imagesColumn = wideColumn('Images', 'string', 'Images referenced by each container in the template.');

/** The NAME cell. */
export function nameCell(o: unknown): string {
  return str(o, 'metadata', 'name');
}

/** The AGE cell: time since creation, "<unknown>" when unset. */
export function ageCell(o: unknown, now: number): string {
  return translateTimestampSince(at(o, 'metadata', 'creationTimestamp'), now);
}
