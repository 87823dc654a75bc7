// Limits on what a namespace or workload may use or lose: ResourceQuota (REQUEST and LIMIT
// as "cpu: 500m/2, memory: 1Gi/4Gi") and PodDisruptionBudget.

import { ageCell, ageColumn, column, nameCell, nameColumn } from './columns.js';
import { compareStrings, formatIntOrString } from './format.js';
import { at, int, obj } from './json.js';
import { quantityCell } from './quantity.js';
import type { TablePrinter } from './types.js';

function quotaCells(quota: unknown): { request: string; limit: string } {
  const hard = obj(quota, 'status', 'hard');
  const used = obj(quota, 'status', 'used');
  const request: string[] = [];
  const limit: string[] = [];
  for (const resource of Object.keys(hard).sort(compareStrings)) {
    const pieces = resource.split('.');
    const target = pieces.length > 1 && pieces[0] === 'limits' ? limit : request;
    target.push(`${resource}: ${quantityCell(used[resource])}/${quantityCell(hard[resource])}`);
  }
  return { request: request.join(', '), limit: limit.join(', ') };
}

export const resourceQuotaPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ageColumn,
  ],
  row(quota, { now }) {
    const { request, limit } = quotaCells(quota);
    return [nameCell(quota), request, limit, ageCell(quota, now)];
  },
};

function intOrStringOrNA(value: unknown): string {
  return value === undefined || value === null ? 'N/A' : formatIntOrString(value);
}

export const podDisruptionBudgetPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn,
  ],
  row(pdb, { now }) {
    return [
      nameCell(pdb),
      intOrStringOrNA(at(pdb, 'spec', 'minAvailable')),
      intOrStringOrNA(at(pdb, 'spec', 'maxUnavailable')),
      int(pdb, 'status', 'disruptionsAllowed'),
      ageCell(pdb, now),
    ];
  },
};
