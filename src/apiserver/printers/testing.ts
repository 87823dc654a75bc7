// Test support for printer tests: a fixed clock, timestamps relative to it, and the cells
// kubectl shows with and without `-o wide`.

import type { KubeObject } from '../../api/object.js';
import type { TablePrinter } from './types.js';

export const NOW = Date.parse('2026-03-01T12:00:00Z');

const units = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, y: 365 * 86_400_000 } as const;

/** An RFC 3339 timestamp `amount` units before NOW, e.g. ago(5, 'm'). */
export function ago(amount: number, unit: keyof typeof units): string {
  return new Date(NOW - amount * units[unit]).toISOString().replace(/\.000Z$/, 'Z');
}

/** Every cell of the row, as the server sends it. */
export function cells(printer: TablePrinter, obj: unknown): unknown[] {
  return printer.row(obj as KubeObject, { now: NOW });
}

/** The cells plain `kubectl get` shows (priority-0 columns). */
export function shown(printer: TablePrinter, obj: unknown): unknown[] {
  const row = cells(printer, obj);
  return row.filter((_, i) => printer.columns[i]?.priority === 0);
}

/** Cells of the `-o wide`-only columns. */
export function wideOnly(printer: TablePrinter, obj: unknown): unknown[] {
  const row = cells(printer, obj);
  return row.filter((_, i) => (printer.columns[i]?.priority ?? 0) > 0);
}

/** Column headers as kubectl prints them (upper case), optionally with the wide ones. */
export function headers(printer: TablePrinter, wide = false): string[] {
  return printer.columns.filter((c) => wide || c.priority === 0).map((c) => c.name.toUpperCase());
}
