// Validation for every built-in kind, keyed by `group/Kind` ('' group for core/v1).

import type { KindValidation } from './types.js';
import { coreValidation } from './core-index.js';
import { groupValidation } from './groups-index.js';

const byKind = new Map<string, KindValidation>();
for (const [kind, v] of Object.entries(coreValidation)) byKind.set(`/${kind}`, v);
for (const [key, v] of Object.entries(groupValidation)) byKind.set(key, v);

export function validationFor(group: string, kind: string): KindValidation | undefined {
  return byKind.get(`${group}/${kind}`);
}

export type { KindValidation } from './types.js';
