// ResourceList arithmetic (corev1.ResourceList and k8s.io/apiserver's quota helpers): sums,
// differences, masks and comparisons of named quantities, exact to the nano unit, printed the
// way the API server prints them.

import { addQuantities, compareQuantities, formatQuantity, isZeroQuantity, quantitySign, subtractQuantities, tryParseQuantity, zeroQuantity, type Quantity } from '../../../machinery/quantity.js';

/** Resource name → amount. Insertion order carries no meaning; printers sort. */
export type ResourceList = Map<string, Quantity>;

/** Parses a JSON resource list; values that are not quantities are skipped (validation reports them). */
export function parseResourceList(v: unknown): ResourceList {
  const out: ResourceList = new Map();
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
  for (const [name, raw] of Object.entries(v)) {
    const q = tryParseQuantity(raw);
    if (q) out.set(name, q);
  }
  return out;
}

/** The JSON form, names sorted as Go's encoder sorts map keys. */
export function formatResourceList(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...list.keys()].sort()) out[name] = formatQuantity(list.get(name)!);
  return out;
}

export function resourceNames(list: ResourceList): string[] {
  return [...list.keys()];
}

/** a + b per name; names in only one side keep their amount. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of a) {
    const other = b.get(k);
    out.set(k, other ? addQuantities(v, other) : v);
  }
  for (const [k, v] of b) if (!out.has(k)) out.set(k, v);
  return out;
}

/** a − b per name of a (names only in b are not included). */
export function subtractLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of a) {
    const other = b.get(k);
    out.set(k, other ? subtractQuantities(v, other) : v);
  }
  return out;
}

/** quota.SubtractWithNonNegativeResult: a − b, floored at zero, over the names of both. */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of a) {
    const other = b.get(k);
    const d = other ? subtractQuantities(v, other) : v;
    out.set(k, quantitySign(d) > 0 ? d : zeroQuantity);
  }
  for (const k of b.keys()) if (!out.has(k)) out.set(k, zeroQuantity);
  return out;
}

/** Adds b into a in place (addResourceList). */
export function addInto(a: ResourceList, b: ResourceList): void {
  for (const [k, v] of b) {
    const cur = a.get(k);
    a.set(k, cur ? addQuantities(cur, v) : v);
  }
}

/** Raises a to b where b is greater, in place (maxResourceList). */
export function maxInto(a: ResourceList, b: ResourceList): void {
  for (const [k, v] of b) {
    const cur = a.get(k);
    if (!cur || compareQuantities(v, cur) > 0) a.set(k, v);
  }
}

/** Only the named entries. */
export function maskList(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = new Map();
  for (const n of names) {
    const v = list.get(n);
    if (v) out.set(n, v);
  }
  return out;
}

/** quota.Equals: the same names with equal amounts. */
export function listsEqual(a: ResourceList | undefined, b: ResourceList | undefined): boolean {
  const x = a ?? new Map<string, Quantity>();
  const y = b ?? new Map<string, Quantity>();
  if (x.size !== y.size) return false;
  for (const [k, v] of x) {
    const o = y.get(k);
    if (!o || compareQuantities(v, o) !== 0) return false;
  }
  return true;
}

/** quota.LessThanOrEqual: every name in `limit` that `used` has is within it; the names over it. */
export function exceededNames(used: ResourceList, limit: ResourceList): string[] {
  const over: string[] = [];
  for (const [k, hard] of limit) {
    const v = used.get(k);
    if (v && compareQuantities(v, hard) > 0) over.push(k);
  }
  return over;
}

/** The names with a negative amount. */
export function negativeNames(list: ResourceList): string[] {
  return [...list].filter(([, v]) => quantitySign(v) < 0).map(([k]) => k);
}

export function removeZeros(list: ResourceList): ResourceList {
  return new Map([...list].filter(([, v]) => !isZeroQuantity(v)));
}

/** `limits.cpu=1,pods=2`: names sorted, as quota errors print a list. */
export function prettyPrintList(list: ResourceList): string {
  return [...list.keys()]
    .sort()
    .map((k) => `${k}=${formatQuantity(list.get(k)!)}`)
    .join(',');
}
