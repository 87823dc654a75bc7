// The 409 an apply gets when it would change fields other managers own, worded as
// Kubernetes words it:
//   Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas
//   Apply failed with 2 conflicts: conflicts with "a" using v1:
//   - .data.x
//   conflicts with "b" with subresource "status":
//   - .status.y
// with one FieldManagerConflict cause per field.

import { Reason, StatusError } from '../../machinery/errors.js';
import { compareGoStrings, goQuote } from './go-format.js';
import { parseManagerIdentifier } from './managed-fields.js';
import { pathString } from './path-element.js';
import type { Conflict } from './updater.js';

export function conflictError(conflicts: Conflict[]): StatusError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  return new StatusError(409, Reason.Conflict, conflictMessage(conflicts), { causes });
}

function conflictMessage(conflicts: Conflict[]): string {
  if (conflicts.length === 1) {
    const [c] = conflicts;
    return `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const paths = byManager.get(c.manager) ?? [];
    paths.push(pathString(c.path));
    byManager.set(c.manager, paths);
  }
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort(compareGoStrings)) {
    lines.push(`conflicts with ${printManager(manager)}:`);
    for (const p of byManager.get(manager)!) lines.push(`- ${p}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** `"name"`, plus `with subresource "x"`, plus `using v1` for managers that updated. */
export function printManager(id: string): string {
  const m = parseManagerIdentifier(id);
  if (!m) return goQuote(id);
  let out = goQuote(m.manager ?? '');
  if (m.subresource) out += ` with subresource ${goQuote(m.subresource)}`;
  if (m.operation === 'Update') out += ` using ${m.apiVersion ?? ''}`;
  return out;
}
