// Cell formatting shared by several printers: label maps, label selectors, container lists,
// optional booleans and "a,b,c + N more..." lists, each written exactly as the Go helpers
// (labels.FormatLabels, metav1.FormatLabelSelector, layoutContainerCells…) write them.

import { at, list, str, stringMap } from './json.js';

/** labels.FormatLabels: "k=v,k2=v2" sorted as whole strings, or "<none>". */
export function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  pairs.sort(compareStrings);
  return pairs.length === 0 ? '<none>' : pairs.join(',');
}

/** Byte-wise string order, as Go's sort.Strings. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const qualifiedNamePart = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (name.length === 0 || name.length > 63 || !qualifiedNamePart.test(name)) return false;
  if (slash < 0) return true;
  const prefix = key.slice(0, slash);
  return prefix.length > 0 && prefix.length <= 253 && dnsSubdomain.test(prefix);
}

function isLabelValue(value: string): boolean {
  return value.length <= 63 && labelValue.test(value);
}

interface Requirement {
  key: string;
  text: string;
}

/**
 * metav1.LabelSelectorAsSelector(...).String(): undefined for a selector Kubernetes would
 * reject (the caller picks "<error>" or "<invalid>"), "" for a nil or empty selector.
 */
export function labelSelectorString(selector: unknown): string | undefined {
  if (typeof selector !== 'object' || selector === null) return '';
  const matchLabels = stringMap(selector, 'matchLabels');
  const expressions = list(selector, 'matchExpressions');
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(matchLabels)) {
    if (!isQualifiedName(key) || !isLabelValue(value)) return undefined;
    requirements.push({ key, text: `${key}=${value}` });
  }
  for (const expr of expressions) {
    const key = str(expr, 'key');
    const rawValues = at(expr, 'values');
    const values = Array.isArray(rawValues) ? rawValues.map((v) => (typeof v === 'string' ? v : String(v))) : [];
    if (!isQualifiedName(key) || !values.every(isLabelValue)) return undefined;
    const joined = values.length === 1 ? values[0] : [...values].sort(compareStrings).join(',');
    switch (str(expr, 'operator')) {
      case 'In':
        if (values.length === 0) return undefined;
        requirements.push({ key, text: `${key} in (${joined})` });
        break;
      case 'NotIn':
        if (values.length === 0) return undefined;
        requirements.push({ key, text: `${key} notin (${joined})` });
        break;
      case 'Exists':
        if (values.length !== 0) return undefined;
        requirements.push({ key, text: key });
        break;
      case 'DoesNotExist':
        if (values.length !== 0) return undefined;
        requirements.push({ key, text: `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  // The selector keeps its requirements sorted by key.
  requirements.sort((a, b) => compareStrings(a.key, b.key));
  return requirements.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: "<none>" for nil or empty, "<error>" for an invalid one. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** layoutContainerCells: container names and images, each joined with commas. */
export function containerCells(containers: unknown): { names: string; images: string } {
  const all = list(containers);
  return { names: all.map((c) => str(c, 'name')).join(','), images: all.map((c) => str(c, 'image')).join(',') };
}

/** printBoolPtr: "True", "False" or "<unset>". */
export function formatBoolPointer(value: boolean | undefined): string {
  if (value === undefined) return '<unset>';
  return value ? 'True' : 'False';
}

/** IntOrString.String(): the number in decimal, or the string as it is. */
export function formatIntOrString(value: unknown): string {
  if (typeof value === 'number') return String(Math.trunc(value));
  return typeof value === 'string' ? value : '';
}

/**
 * The first `max` entries, then " + N more..." for the rest (listWithMoreString); an empty
 * list is "<unset>".
 */
export function listWithMore(entries: string[], max: number): string {
  const shown = entries.slice(0, max).join(',');
  if (entries.length > max) return `${shown} + ${entries.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** net.JoinHostPort: IPv6 hosts are bracketed. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
