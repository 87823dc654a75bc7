// Validators the non-core API groups share and core/v1 does not need: int-or-percent fields
// (rolling updates, disruption budgets), label selectors as Kubernetes converts them
// (LabelSelectorAsSelector, which can fail), domain-prefixed paths, CIDR containment and
// metav1.Condition lists. Messages are apimachinery's, word for word.

import { field, FieldErrorType, type FieldError } from '../../machinery/errors.js';
import { Selector, type Requirement } from '../../machinery/labels.js';
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPercent, parseIP, regexError } from './formats.js';
import { validateLabelName } from './meta.js';
import { arr, byteLength, child, index, isInt, isObject, isSet, str } from './shape.js';

/** An Invalid error whose message shows no value (Go's field.OmitValueType{}). */
export function invalidOmitValue(path: string, detail: string): FieldError {
  return { type: FieldErrorType.Invalid, field: path, detail, hasValue: false };
}

/** field.TooLong where upstream passes an unused empty value. */
export function tooLong(path: string, max: number): FieldError {
  return field.tooLong(path, '', max);
}

// ---- int-or-string ----

/** Go's strconv.Atoi on the string form of an IntOrString, 0 when it does not parse. */
function atoiOrZero(s: string): number {
  return /^[+-]?\d+$/.test(s) ? Number(s) : 0;
}

/** The percentage in a valid "N%" string. */
export function percentValue(v: unknown): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length) return undefined;
  return Number(v.slice(0, -1));
}

/** getIntOrPercentValue: N for "N%", the int itself, or Atoi of any other string. */
export function intOrPercentValue(v: unknown): number {
  const pct = percentValue(v);
  if (pct !== undefined) return pct;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return atoiOrZero(v);
  return 0;
}

/** ValidatePositiveIntOrPercent: a non-negative integer or a "N%" string. */
export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((msg) => field.invalid(path, v, msg));
  if (isInt(v)) return v < 0 ? [field.invalid(path, v, 'must be greater than or equal to 0')] : [];
  return [field.invalid(path, v ?? null, "must be an integer or percentage (e.g '5%')")];
}

/** IsNotMoreThan100Percent: only percentages are bounded. */
export function isNotMoreThan100Percent(v: unknown, path: string): FieldError[] {
  const pct = percentValue(v);
  return pct !== undefined && pct > 100 ? [field.invalid(path, v, 'must not be greater than 100%')] : [];
}

// ---- label selectors ----

/** Reads an optional int32-ish field; a non-integer becomes an error and reads as absent. */
export function optInt(v: unknown, path: string, errs: FieldError[]): number | undefined {
  if (!isSet(v)) return undefined;
  if (isInt(v)) return v;
  errs.push(field.invalid(path, v, 'must be an integer'));
  return undefined;
}

/**
 * metav1.LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything;
 * undefined when the selector cannot be converted (bad operator, key or value), which is when
 * Kubernetes reports "invalid label selector".
 */
export function labelSelectorAsSelector(sel: unknown): Selector | undefined {
  if (!isSet(sel)) return Selector.nothing();
  if (!isObject(sel)) return undefined;
  const reqs: Requirement[] = [];
  const matchLabels = sel.matchLabels;
  if (isSet(matchLabels)) {
    if (!isObject(matchLabels)) return undefined;
    for (const k of Object.keys(matchLabels).sort()) {
      const v = matchLabels[k];
      if (typeof v !== 'string' || isQualifiedName(k).length || isValidLabelValue(v).length) return undefined;
      reqs.push({ key: k, operator: 'Equals', values: [v] });
    }
  }
  for (const raw of arr(sel.matchExpressions)) {
    if (!isObject(raw)) return undefined;
    const k = str(raw.key);
    const values = arr(raw.values);
    if (isQualifiedName(k).length) return undefined;
    if (!values.every((v) => typeof v === 'string' && isValidLabelValue(v).length === 0)) return undefined;
    const op = raw.operator;
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) return undefined;
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) return undefined;
    } else {
      return undefined;
    }
    reqs.push({ key: k, operator: op, values: values as string[] });
  }
  return new Selector(reqs);
}

/** Number of requirements a LabelSelector spells out (len(matchLabels)+len(matchExpressions)). */
export function selectorTermCount(sel: unknown): number {
  if (!isObject(sel)) return 0;
  return (isObject(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0) + arr(sel.matchExpressions).length;
}

/** The string-valued entries of a labels map (what labels.Set sees). */
export function labelSet(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

// ---- paths and names ----

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRegexp = new RegExp(`^${httpPathFmt}$`);

/** IsDomainPrefixedPath: `acme.io/foo`, the form of controller and manager names. */
export function isDomainPrefixedPath(path: string, value: string): FieldError[] {
  if (value.length === 0) return [field.required(path, '')];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host.length === 0 || rest.length === 0) {
    return [field.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  const errs = isDNS1123Subdomain(host).map((msg) => field.invalid(path, host, msg));
  if (!httpPathRegexp.test(rest)) errs.push(field.invalid(path, rest, regexError('Invalid path', httpPathFmt)));
  return errs;
}

/** ValidateQualifiedName as a list of field errors on one path. */
export function validateQualifiedName(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((msg) => field.invalid(path, value, msg));
}

/** ValidateDNS1123Label as field errors. */
export function validateDNS1123LabelField(value: string, path: string, check: (v: string) => string[]): FieldError[] {
  return check(value).map((msg) => field.invalid(path, value, msg));
}

// ---- IP addresses ----

/** The 16 bytes of an IP address (IPv4 as IPv4-mapped IPv6), or undefined. */
export function ipBytes(s: string): number[] | undefined {
  if (!parseIP(s)) return undefined;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4.slice(1).map(Number)];
  let head = s;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    // An embedded IPv4 tail ("::ffff:1.2.3.4") fills the last two groups.
    tail = s.slice(lastColon + 1).split('.').map(Number);
    head = s.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const hex = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const want = 8 - tail.length / 2;
  let groups: number[];
  if (head.includes('::')) {
    const [l, r] = head.split('::');
    const left = hex(l);
    const right = hex(r);
    groups = [...left, ...Array<number>(Math.max(0, want - left.length - right.length)).fill(0), ...right];
  } else {
    groups = hex(head);
  }
  if (groups.length !== want) return undefined;
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  bytes.push(...tail);
  return bytes.length === 16 ? bytes : undefined;
}

function isV4Mapped(b: number[]): boolean {
  return b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
}

/** A parsed CIDR: the network bytes (host bits cleared) and the prefix length in 16-byte terms. */
export function parseCIDRBytes(value: string): { network: number[]; prefix: number } | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return undefined;
  const addr = value.slice(0, slash);
  const bitsText = value.slice(slash + 1);
  const bytes = ipBytes(addr);
  if (!bytes || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const v4 = !addr.includes(':');
  const bits = Number(bitsText);
  if (bits > (v4 ? 32 : 128)) return undefined;
  const prefix = v4 ? bits + 96 : bits;
  const network = bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  return { network, prefix };
}

/** Whether an IP (bytes) lies in a CIDR. */
export function cidrContains(cidr: { network: number[]; prefix: number }, ip: number[]): boolean {
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, cidr.prefix - i * 8));
    const mask = (0xff << (8 - keep)) & 0xff;
    if ((ip[i] & mask) !== cidr.network[i]) return false;
  }
  return true;
}

/** ValidateNonSpecialIP: endpoints may not be unspecified, loopback or link-local. */
export function validateNonSpecialIP(address: string, path: string): FieldError[] {
  const b = ipBytes(address);
  if (!b) return [field.invalid(path, address, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const mapped = isV4Mapped(b);
  const v4 = mapped ? b.slice(12) : undefined;
  const unspecified = v4 ? v4.every((x) => x === 0) : b.every((x) => x === 0);
  const loopback = v4 ? v4[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  const linkLocalUnicast = v4 ? v4[0] === 169 && v4[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 0x02;
  if (unspecified) errs.push(field.invalid(path, address, `may not be unspecified (${address})`));
  if (loopback) errs.push(field.invalid(path, address, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocalUnicast) errs.push(field.invalid(path, address, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast) errs.push(field.invalid(path, address, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

// ---- metav1.Condition ----

const conditionReasonFmt = '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?';
const conditionReasonErrMsg =
  "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'";
const conditionStatuses = ['False', 'True', 'Unknown'];

/** metav1validation.ValidateConditions, as PodDisruptionBudget status uses it. */
export function validateConditions(conditions: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(conditions).forEach((raw, i) => {
    const c = isObject(raw) ? raw : {};
    const p = index(path, i);
    const type = str(c.type);
    if (seen.has(type)) errs.push(field.duplicate(child(p, 'type'), type));
    seen.add(type);
    errs.push(...validateLabelName(type, child(p, 'type')));
    if (!conditionStatuses.includes(str(c.status))) errs.push(field.notSupported(child(p, 'status'), str(c.status), conditionStatuses));
    if (isInt(c.observedGeneration) && c.observedGeneration < 0) {
      errs.push(field.invalid(child(p, 'observedGeneration'), c.observedGeneration, 'must be greater than or equal to zero'));
    }
    if (!str(c.lastTransitionTime)) errs.push(field.required(child(p, 'lastTransitionTime'), 'must be set'));
    const reason = str(c.reason);
    if (!reason) {
      errs.push(field.required(child(p, 'reason'), 'must be set'));
    } else {
      if (!new RegExp(`^${conditionReasonFmt}$`).test(reason)) {
        errs.push(
          field.invalid(
            child(p, 'reason'),
            reason,
            regexError(conditionReasonErrMsg, conditionReasonFmt, 'my_name', 'MY_NAME', 'MyName', 'ReasonA,ReasonB', 'ReasonA:ReasonB'),
          ),
        );
      }
      if (byteLength(reason) > 1024) errs.push(field.tooLong(child(p, 'reason'), reason, 1024));
    }
    if (byteLength(str(c.message)) > 32768) errs.push(field.tooLong(child(p, 'message'), str(c.message), 32768));
  });
  return errs;
}

// ---- workload status ----

/** IsDecremented on status.collisionCount: it may grow, never shrink or disappear. */
export function validateCollisionCountNotDecremented(status: unknown, oldStatus: unknown, path = 'status'): FieldError[] {
  const now = isObject(status) ? status.collisionCount : undefined;
  const before = isObject(oldStatus) ? oldStatus.collisionCount : undefined;
  if (!isInt(before)) return [];
  if (isInt(now) && now >= before) return [];
  if (isSet(now) && !isInt(now)) return [];
  return [field.invalid(child(path, 'collisionCount'), isInt(now) ? now : 0, 'cannot be decremented')];
}
