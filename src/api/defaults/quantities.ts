// Quantities as the API server stores them: every resource list is rounded up to milli
// precision (SetDefaults_ResourceList) and every quantity is written back in canonical form,
// so "0.5" reads back as "500m" and "1024Mi" as "1Gi". Unparsable values are left for
// validation to report.

import { formatQuantity, tryParseQuantity, type Quantity } from '../../machinery/quantity.js';

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Quantity.RoundUp(-3): values finer than a thousandth grow to the next thousandth. */
export function roundUpToMilli(q: Quantity): Quantity {
  if (q.scale >= -3) return q;
  const divisor = 10n ** BigInt(-3 - q.scale);
  let unscaled = q.unscaled / divisor;
  if (q.unscaled % divisor !== 0n) unscaled += q.unscaled > 0n ? 1n : -1n;
  return { unscaled, scale: -3, format: q.format };
}

/** The canonical text of one quantity value, or the value untouched when it does not parse. */
export function canonicalQuantityValue(v: unknown, milli = false): unknown {
  const q = tryParseQuantity(v);
  if (!q) return v;
  return formatQuantity(milli ? roundUpToMilli(q) : q);
}

/** Canonicalises `holder[field]`, a resource list, in place. */
export function defaultResourceList(holder: unknown, fieldName: string): void {
  if (!isObject(holder)) return;
  const list = holder[fieldName];
  if (!isObject(list)) return;
  for (const [k, v] of Object.entries(list)) list[k] = canonicalQuantityValue(v, true);
}

/** Canonicalises `holder[field]`, a single quantity, in place. */
export function defaultQuantityField(holder: unknown, fieldName: string): void {
  if (!isObject(holder) || holder[fieldName] === undefined || holder[fieldName] === null) return;
  holder[fieldName] = canonicalQuantityValue(holder[fieldName]);
}
