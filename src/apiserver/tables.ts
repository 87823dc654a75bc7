// Turning objects into the meta.k8s.io/v1 Table kubectl prints, and into
// PartialObjectMetadata(List) for metadata-only clients (the garbage collector, kubectl -L).

import type { KubeObject } from '../api/object.js';
import { badRequest } from '../machinery/errors.js';
import type { TablePrinter } from './printers/types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`);
}

export function partialObjectMetadata(obj: KubeObject, tableVersion = 'v1'): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${tableVersion}`, metadata: obj.metadata };
}

/**
 * The object of a Table row under includeObject=Metadata: PartialObjectMetadata without
 * managedFields. kubectl reads names, labels and the like from it, never managedFields, which
 * are about half of a typical object and most of what decoding a page of rows costs kubectl
 * (10,000 pods: 4.3 s of kubectl's CPU with them, see docs/benchmarks.md). `-o yaml` and
 * `-o json` do not ask for Tables.
 */
function rowMetadata(obj: KubeObject): KubeObject {
  const metadata = obj.metadata;
  if (metadata?.managedFields === undefined) return partialObjectMetadata(obj);
  const { managedFields: _mf, ...rest } = metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: rest };
}

export interface TableOptions {
  includeObject: IncludeObject;
  now: number;
  noHeaders?: boolean;
  resourceVersion?: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export function toTable(objects: KubeObject[], printer: TablePrinter, opts: TableOptions): Record<string, unknown> {
  const rows = objects.map((obj) => {
    let cells: unknown[];
    try {
      cells = printer.row(obj, { now: opts.now });
    } catch {
      // A printer must never take down a list; show what every kind has.
      cells = printer.columns.map((c, i) => (i === 0 ? obj.metadata?.name ?? '' : c.type === 'string' ? '<unknown>' : null));
    }
    const row: Record<string, unknown> = { cells };
    const conditions = printer.conditions?.(obj);
    if (conditions?.length) row.conditions = conditions;
    if (opts.includeObject === 'Metadata') row.object = rowMetadata(obj);
    else if (opts.includeObject === 'Object') row.object = obj;
    return row;
  });
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders ? null : printer.columns,
    rows,
  };
}
