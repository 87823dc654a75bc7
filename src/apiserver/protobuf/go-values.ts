// Go's text forms of the apimachinery value types, for the JSON a decoded protobuf body becomes:
// metav1.Time (RFC 3339, whole seconds), metav1.MicroTime (six fraction digits),
// metav1.Duration (time.Duration.String()), resource.Quantity (checked, kept as written) and
// int64 (a JS number, exactly as JSON.parse would give for the same JSON body).

import type { Long } from 'protobufjs';

/** Raised for values Go would refuse to decode or to render; the caller turns it into a 400. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** The seconds of Go's zero time.Time (January 1, year 1, UTC) since the Unix epoch. */
export const goZeroTimeSeconds = -62135596800;

/** Largest magnitude a JS Date holds, in seconds. */
const maxDateSeconds = 8.64e12;

/** An int64 as protobufjs reads it: a Long (two int32 halves) or, without long.js, a number. */
export type Int64 = number | Long;

/** The nearest JS number, as JSON.parse would give for the same digits. */
export function int64ToNumber(v: Int64): number {
  return typeof v === 'number' ? v : v.high * 2 ** 32 + (v.low >>> 0);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Go's four-digit (or longer) year, with a sign for years before 1 BC like Go prints. */
function goYear(year: number): string {
  return year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
}

function dateParts(seconds: number): string {
  if (!Number.isFinite(seconds) || Math.abs(seconds) > maxDateSeconds) {
    throw new DecodeError(`time ${seconds}s since the epoch is out of range`);
  }
  const d = new Date(seconds * 1000);
  return (
    `${goYear(d.getUTCFullYear())}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`
  );
}

/** metav1.Time's JSON: null for Go's zero time, else UTC RFC 3339 in whole seconds. */
export function formatTime(seconds: number): string | null {
  if (seconds === goZeroTimeSeconds) return null;
  return `${dateParts(seconds)}Z`;
}

/** metav1.MicroTime's JSON: null for the zero time, else UTC with exactly six fraction digits. */
export function formatMicroTime(seconds: number, nanos: number): string | null {
  const micros = Math.trunc(nanos / 1000);
  // Nanos outside [0, 1e9) still denote a time; Go normalises them into the seconds.
  const carry = Math.floor(micros / 1e6);
  const s = seconds + carry;
  const us = micros - carry * 1e6;
  if (s === goZeroTimeSeconds && us === 0) return null;
  return `${dateParts(s)}.${pad(us, 6)}Z`;
}

/** The fraction digits of v / 10^prec with trailing zeros dropped, and the integer part. */
function fraction(v: bigint, prec: number): [string, bigint] {
  const scale = 10n ** BigInt(prec);
  const digits = (v % scale).toString().padStart(prec, '0').replace(/0+$/, '');
  return [digits ? `.${digits}` : '', v / scale];
}

/** time.Duration.String(): "1h2m3.5s", "250ms", "0s". */
export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const negative = nanoseconds < 0n;
  const u = negative ? -nanoseconds : nanoseconds;
  let text: string;
  if (u < 1_000_000_000n) {
    if (u < 1000n) text = `${u}ns`;
    else if (u < 1_000_000n) {
      const [frac, whole] = fraction(u, 3);
      text = `${whole}${frac}µs`;
    } else {
      const [frac, whole] = fraction(u, 6);
      text = `${whole}${frac}ms`;
    }
  } else {
    const [frac, secondsTotal] = fraction(u, 9);
    const seconds = secondsTotal % 60n;
    const minutesTotal = secondsTotal / 60n;
    text = `${seconds}${frac}s`;
    if (minutesTotal > 0n) {
      text = `${minutesTotal % 60n}m${text}`;
      const hours = minutesTotal / 60n;
      if (hours > 0n) text = `${hours}h${text}`;
    }
  }
  return negative ? `-${text}` : text;
}

/** Reads an int64 as a BigInt without passing through a double. */
export function int64ToBigInt(v: Int64): bigint {
  return typeof v === 'number' ? BigInt(v) : (BigInt(v.high) << 32n) + BigInt(v.low >>> 0);
}

const quantityShape = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const quantityNumber = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const quantitySuffix = /^(?:|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)$/;

/** Checks a resource.Quantity string as ParseQuantity does, with its error messages. */
export function checkQuantity(s: string): string {
  const m = s.match(quantityShape);
  if (!m) throw new DecodeError(`quantities must match the regular expression '${quantityShape.source}'`);
  if (!quantityNumber.test(m[1])) throw new DecodeError("unable to parse quantity's numeric part");
  if (!quantitySuffix.test(m[2])) throw new DecodeError("unable to parse quantity's suffix");
  return s;
}
