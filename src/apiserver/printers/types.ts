// Server-side printing: the columns `kubectl get` shows for a kind, as the real API server's
// TableConvertor produces them (pkg/printers/internalversion in Kubernetes).

import type { KubeObject } from '../../api/object.js';

/** metav1.TableColumnDefinition */
export interface ColumnDefinition {
  name: string;
  /** OpenAPI type: string, integer, number, boolean, date. */
  type: string;
  /** name, date, … */
  format: string;
  description: string;
  /** 0 = always shown; > 0 = only with `-o wide`. */
  priority: number;
}

export interface PrintContext {
  /** The current time in ms since the epoch (ages are relative to it). */
  now: number;
}

/** metav1.TableRowCondition: pods mark finished rows `Completed` this way. */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface TablePrinter {
  columns: ColumnDefinition[];
  /** One row of cells, in column order. Cells are strings, numbers or booleans. */
  row(obj: KubeObject, ctx: PrintContext): unknown[];
  /** The row's conditions (TableRow.conditions), for the kinds that set any. */
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}
