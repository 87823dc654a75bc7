// `kubectl get` for custom resources: the apiextensions-apiserver's table convertor. NAME comes
// first, then each additionalPrinterColumn of the served version (or a lone AGE column when
// the version declares none), each cell evaluated from its JSONPath and shaped by the column
// type: strings print as kubectl's jsonpath prints them, integers, numbers and booleans stay
// typed, and dates become ages.

import { humanDuration } from '../../machinery/duration.js';
import { apiDoc } from '../printers/api-doc.js';
import { nameColumn } from '../printers/columns.js';
import type { ColumnDefinition, TablePrinter } from '../printers/types.js';
import type { PrinterColumn } from './definition.js';
import { goJson, goNumber } from './go-format.js';
import { evaluateJsonPath, parseJsonPath, type JsonPath } from './jsonpath.js';

/** The column a version without additionalPrinterColumns serves (serveDefaultColumnsIfEmpty). */
const defaultColumns: PrinterColumn[] = [
  { name: 'Age', type: 'date', description: apiDoc['metav1.ObjectMeta.creationTimestamp'], jsonPath: '.metadata.creationTimestamp' },
];

/** kubectl's jsonpath printing of one value: scalars as text, objects and lists as JSON. */
function printValue(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  return goJson(v);
}

/** metav1.Time from a query parameter: RFC 3339 with seconds precision. */
function parseRFC3339(s: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s)) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

function dateCell(value: string, now: number): string {
  if (value === '') return '<unknown>';
  const t = parseRFC3339(value);
  if (t === undefined) return '<invalid>';
  if (t === Date.parse('0001-01-01T00:00:00Z')) return '<unknown>';
  return humanDuration(now - t);
}

/** cellForJSONValue: the typed cell, or null (printed `<none>`) when the value does not fit. */
function typedCell(type: string, value: unknown, now: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' ? dateCell(value, now) : null;
    default:
      return null;
  }
}

interface CompiledColumn {
  definition: ColumnDefinition;
  path: JsonPath | undefined;
}

/** The table printer of one served version. */
export function customResourcePrinter(columns: PrinterColumn[]): TablePrinter {
  const declared = columns.length ? columns : defaultColumns;
  const compiled: CompiledColumn[] = declared.map((c) => {
    let path: JsonPath | undefined;
    try {
      path = parseJsonPath(c.jsonPath);
    } catch {
      path = undefined;
    }
    return {
      definition: {
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        priority: c.priority ?? 0,
      },
      path,
    };
  });
  return {
    columns: [nameColumn, ...compiled.map((c) => c.definition)],
    row(obj, ctx) {
      const cells: unknown[] = [obj.metadata?.name ?? ''];
      for (const c of compiled) {
        const results = c.path ? evaluateJsonPath(c.path, obj) : [];
        if (results.length === 0) {
          cells.push(null);
          continue;
        }
        const value = results[0];
        cells.push(c.definition.type === 'string' ? printValue(value) : typedCell(c.definition.type, value, ctx.now));
      }
      return cells;
    },
  };
}
