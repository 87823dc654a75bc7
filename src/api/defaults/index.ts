// Defaulting for every built-in kind, keyed by `group/Kind` ('' group for core/v1).

import type { KubeObject } from '../object.js';
import { coreDefaults } from './core-index.js';
import { groupDefaults } from './groups-index.js';

const byKind = new Map<string, (obj: KubeObject) => void>();
for (const [kind, fn] of Object.entries(coreDefaults)) byKind.set(`/${kind}`, fn);
for (const [key, fn] of Object.entries(groupDefaults)) byKind.set(key, fn);

export function defaulterFor(group: string, kind: string): ((obj: KubeObject) => void) | undefined {
  return byKind.get(`${group}/${kind}`);
}
