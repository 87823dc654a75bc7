// How Go prints the values that reach users through server-side apply: JSON the way
// encoding/json writes it (keys sorted, <, > and & escaped), strings the way %q quotes them,
// and strings compared the way Go compares them (by UTF-8 bytes). Field paths in conflict
// messages, manager identifiers and the last-applied annotation are all built from these.

/** Go's string order: byte-wise over UTF-8, which differs from UTF-16 order past U+D7FF. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // A surrogate half stands for a code point above U+FFFF, which UTF-8 orders after every
    // BMP code point; lifting it past 0xFFFF restores that order.
    if (ca >= 0xd800 && ca <= 0xdfff) ca += 0x10000;
    if (cb >= 0xd800 && cb <= 0xdfff) cb += 0x10000;
    return ca < cb ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

const jsonEscapes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** A JSON string literal as encoding/json writes it (HTML-safe). */
export function goJSONString(s: string): string {
  const plain = JSON.stringify(s);
  return /[<>&\u2028\u2029]/.test(plain) ? plain.replace(/[<>&\u2028\u2029]/g, (c) => jsonEscapes[c]) : plain;
}

/** JSON as Go's encoding/json writes a map[string]interface{}: compact, keys sorted, HTML-safe. */
export function goJSON(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return goJSONString(v);
    case 'number':
      return Number.isFinite(v) ? goNumber(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(v)) return '[' + v.map(goJSON).join(',') + ']';
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort(compareGoStrings);
      return '{' + keys.map((k) => goJSONString(k) + ':' + goJSON(obj[k])).join(',') + '}';
    }
    default:
      return 'null';
  }
}

// encoding/json writes floats in %f form between 1e-6 and 1e21 and in %e form outside it,
// trimming "e-07" to "e-7": exactly what JavaScript's String(number) produces.
function goNumber(n: number): string {
  return String(n);
}

/**
 * Go's %v of a number as structured-merge-diff prints values in field paths: integers in
 * decimal, other numbers as strconv's shortest 'g' form (%e once the exponent is below -4 or
 * at least 6: 1.2345675e+06).
 */
export function goFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) return String(n);
  if (n === 0 || !Number.isFinite(n)) return String(n);
  const [mantissa, exp] = n.toExponential().split('e');
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 6) {
    const digits = String(Math.abs(exponent));
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits.length < 2 ? '0' + digits : digits}`;
  }
  return String(n);
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const shortEscapes: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };

/** Go's %q of a string (strconv.Quote): printable runes kept, others escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const short = shortEscapes[cp];
    if (short) out += short;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (printable.test(ch)) out += ch;
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

// Every write in one second records the same time: its text is made once.
let lastSecond = NaN;
let lastText = '';

/** A time as metav1.Time serializes it: RFC 3339 in UTC, whole seconds. */
export function rfc3339(t: Date): string {
  const second = Math.floor(t.getTime() / 1000);
  if (second === lastSecond) return lastText;
  const text = t.toISOString().replace(/\.\d+Z$/, 'Z');
  lastSecond = second;
  lastText = text;
  return text;
}

/** Seconds since the epoch of an RFC 3339 time, or 0 when absent or unreadable (Go's zero Unix()). */
export function unixSeconds(t: string | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}
