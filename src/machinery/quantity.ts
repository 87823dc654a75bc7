// resource.Quantity: the fixed-point numbers of resource requests, limits, quotas and
// capacities ("100m", "1.5Gi", "2e3"). Values are exact (a bigint times a power of ten), so
// milli-units never suffer float rounding, and they print the way the API server serialises
// them: a parsed string that is already canonical is echoed as given, anything else is
// rewritten in its canonical form ("1000m" → "1", "1024Mi" → "1Gi", "0.5" → "500m").

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value is `unscaled × 10^scale`, exactly. */
  readonly unscaled: bigint;
  readonly scale: number;
  /** How the value prints: decimal SI suffixes, binary (Ki, Mi…), or an e-exponent. */
  readonly format: QuantityFormat;
  /** The text the value was parsed from, kept only when it is already canonical. */
  readonly text?: string;
}

export const quantityPattern = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
/** The parse errors, worded as resource.ParseQuantity words them (the decoder shows them). */
export const QuantityError = {
  FormatWrong: `quantities must match the regular expression '${quantityPattern}'`,
  Numeric: 'unable to parse numeric part of quantity',
  Suffix: "unable to parse quantity's suffix",
} as const;

const NANO = -9;
const MAX_INT64 = (1n << 63n) - 1n;

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binarySuffixByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

interface Suffix {
  base: 10 | 2;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(s: string): Suffix | undefined {
  if (Object.prototype.hasOwnProperty.call(decimalSuffixes, s)) return { base: 10, exponent: decimalSuffixes[s], format: 'DecimalSI' };
  if (Object.prototype.hasOwnProperty.call(binarySuffixes, s)) return { base: 2, exponent: binarySuffixes[s], format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E')) {
    const rest = s.slice(1);
    if (!/^[+-]?\d+$/.test(rest)) return undefined;
    const exponent = Number(rest);
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 2 ** 31 - 1) return undefined;
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

interface SplitQuantity {
  positive: boolean;
  /** The number as written (sign, digits and point), without the suffix. */
  value: string;
  /** Integer digits with leading zeros removed ("0" when none). */
  num: string;
  /** Fraction digits. */
  denom: string;
  suffix: string;
}

/** Splits "-1.5Gi" the way parseQuantityString does; undefined when it is malformed. */
function splitQuantity(str: string): SplitQuantity | undefined {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end && (str[0] === '-' || str[0] === '+')) {
    positive = str[0] !== '-';
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num: num || '0', denom: '', suffix: '' };
  pos = i;
  if (num.length === 0) num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  return undefined;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Parses a quantity as resource.ParseQuantity does; throws an Error with its message on bad input. */
export function parseQuantity(input: string | number): Quantity {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new Error(QuantityError.FormatWrong);
    input = numberText(input);
  }
  if (typeof input !== 'string') throw new Error(QuantityError.FormatWrong);
  const str = input.trim();
  if (str.length === 0) throw new Error(QuantityError.FormatWrong);
  if (str === '0') return { unscaled: 0n, scale: 0, format: 'DecimalSI', text: '0' };

  const split = splitQuantity(str);
  if (!split) throw new Error(QuantityError.FormatWrong);
  const suffix = interpretSuffix(split.suffix);
  if (!suffix) throw new Error(QuantityError.Suffix);
  const { positive, num, denom } = split;
  let format = suffix.format;

  // The exact value as digits × 10^scale (× 2^exponent for binary suffixes).
  let magnitude = BigInt(num + denom);
  let scale = -denom.length;
  if (suffix.base === 10) scale += suffix.exponent;
  else magnitude <<= BigInt(suffix.exponent);

  // Short inputs take upstream's int64 fast path, which remembers the text when it is
  // already canonical; everything else is rounded up to nano precision.
  const fits = fastPathFits(split, suffix);
  if (fits && scale >= NANO) {
    const unscaled = positive ? magnitude : -magnitude;
    if (magnitude <= MAX_INT64) {
      const shifted = num + denom;
      let keep: boolean;
      if (format === 'BinarySI') keep = suffix.exponent % 10 === 0 && (BigInt(shifted) & 7n) !== 0n;
      else keep = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
      return keep ? { unscaled, scale, format, text: str } : { unscaled, scale, format };
    }
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(split.value)) throw new Error(QuantityError.Numeric);

  if (scale < NANO) {
    magnitude = divideRoundingUp(magnitude, 10n ** BigInt(NANO - scale));
    scale = NANO;
  }
  if (format === 'BinarySI' && compareScaled(magnitude, scale, MAX_INT64, 0) > 0) {
    magnitude = MAX_INT64;
    scale = 0;
  }
  // Binary fractions below one print in decimal ("0.5Ki" → "512", "0.1Ki" → "102400m").
  if (format === 'BinarySI' && magnitude > 0n && compareScaled(magnitude, scale, 1n, 0) < 0) format = 'DecimalSI';
  return { unscaled: positive ? magnitude : -magnitude, scale, format };
}

/** Mirrors the precision test of ParseQuantity's int64 path. */
function fastPathFits(s: SplitQuantity, suffix: Suffix): boolean {
  if (suffix.format !== 'BinarySI') return 18 - (s.num.length + s.denom.length) >= 0;
  if (suffix.exponent < 0 || s.denom.length > 0) return false;
  return 15 - s.num.length - Math.trunc((suffix.exponent * 3) / 10) - 1 >= 0;
}

function numberText(n: number): string {
  // JSON numbers reach us as JS numbers; print them without exponent noise when exact.
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(n).replace('e+', 'e');
}

function divideRoundingUp(magnitude: bigint, divisor: bigint): bigint {
  const q = magnitude / divisor;
  return magnitude % divisor === 0n ? q : q + 1n;
}

/** Compares a×10^as with b×10^bs exactly. */
function compareScaled(a: bigint, as: number, b: bigint, bs: number): number {
  const s = Math.min(as, bs);
  const x = a * 10n ** BigInt(as - s);
  const y = b * 10n ** BigInt(bs - s);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function tryParseQuantity(s: unknown): Quantity | undefined {
  if (typeof s !== 'string' && typeof s !== 'number') return undefined;
  try {
    return parseQuantity(s);
  } catch {
    return undefined;
  }
}

/** The text the API server stores and returns for a quantity: "1000m" → "1", "1024Mi" → "1Gi". */
export function canonicalQuantity(s: string | number): string {
  return formatQuantity(parseQuantity(s));
}

export function formatQuantity(q: Quantity): string {
  if (q.text !== undefined) return q.text;
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const inSmallRange = compareScaled(q.unscaled, q.scale, -1024n, 0) > 0 && compareScaled(q.unscaled, q.scale, 1024n, 0) < 0;
    if (inSmallRange || !isInteger(q)) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let amount = integerValue(q);
    let exponent = 0;
    const negative = amount < 0n;
    if (negative) amount = -amount;
    while (amount >= 1024n && amount % 1024n === 0n) {
      amount /= 1024n;
      exponent += 10;
    }
    return `${negative ? -amount : amount}${binarySuffixByExponent.get(exponent) ?? ''}`;
  }
  let amount = q.unscaled;
  let exponent = q.scale;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  while (((exponent % 3) + 3) % 3 !== 0) {
    amount *= 10n;
    exponent--;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  // Decimal SI stops at E: larger values keep their trailing zeros instead of a suffix.
  while (exponent > 18) {
    amount *= 1000n;
    exponent -= 3;
  }
  return `${amount}${decimalSuffixByExponent.get(exponent) ?? ''}`;
}

function isInteger(q: Quantity): boolean {
  return q.scale >= 0 || q.unscaled % 10n ** BigInt(-q.scale) === 0n;
}

function integerValue(q: Quantity): bigint {
  return q.scale >= 0 ? q.unscaled * 10n ** BigInt(q.scale) : q.unscaled / 10n ** BigInt(-q.scale);
}

export function compareQuantities(a: Quantity, b: Quantity): number {
  return compareScaled(a.unscaled, a.scale, b.unscaled, b.scale);
}

export function quantityEquals(a: Quantity, b: Quantity): boolean {
  return compareQuantities(a, b) === 0;
}

export function quantitySign(q: Quantity): number {
  return q.unscaled > 0n ? 1 : q.unscaled < 0n ? -1 : 0;
}

export function isZeroQuantity(q: Quantity): boolean {
  return q.unscaled === 0n;
}

/** The value in units of 10^scale, rounded away from zero as ScaledValue rounds. */
export function quantityScaledValue(q: Quantity, scale: number): bigint {
  const diff = q.scale - scale;
  if (diff >= 0) return q.unscaled * 10n ** BigInt(diff);
  const divisor = 10n ** BigInt(-diff);
  const whole = q.unscaled / divisor;
  if (q.unscaled % divisor === 0n) return whole;
  return q.unscaled > 0n ? whole + 1n : whole - 1n;
}

/** Value in thousandths, rounded up: "100m" → 100, "1" → 1000, "1n" → 1. */
export function quantityMilliValue(q: Quantity): number {
  return Number(quantityScaledValue(q, -3));
}

/** Value in whole units, rounded up: "1Gi" → 1073741824, "500m" → 1. */
export function quantityValue(q: Quantity): number {
  return Number(quantityScaledValue(q, 0));
}

/** An approximation for arithmetic that tolerates it (scheduling scores, utilisation percentages). */
export function quantityToNumber(q: Quantity): number {
  return Number(q.unscaled) * 10 ** q.scale;
}

export function addQuantities(a: Quantity, b: Quantity): Quantity {
  if (b.unscaled === 0n) return { unscaled: a.unscaled, scale: a.scale, format: a.format };
  const scale = Math.min(a.scale, b.scale);
  const unscaled = a.unscaled * 10n ** BigInt(a.scale - scale) + b.unscaled * 10n ** BigInt(b.scale - scale);
  return { unscaled, scale, format: a.unscaled === 0n ? b.format : a.format };
}

export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  const negated: Quantity = { unscaled: -b.unscaled, scale: b.scale, format: b.format };
  return addQuantities(a, negated);
}

export function negateQuantity(q: Quantity): Quantity {
  return { unscaled: -q.unscaled, scale: q.scale, format: q.format };
}

export function maxQuantity(a: Quantity, b: Quantity): Quantity {
  return compareQuantities(a, b) >= 0 ? a : b;
}

export function minQuantity(a: Quantity, b: Quantity): Quantity {
  return compareQuantities(a, b) <= 0 ? a : b;
}

/** A quantity of whole units, as resource.NewQuantity makes. */
export function quantityFromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { unscaled: BigInt(value), scale: 0, format };
}

/** A quantity of thousandths, as resource.NewMilliQuantity makes. */
export function quantityFromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { unscaled: BigInt(milli), scale: -3, format };
}

export const zeroQuantity: Quantity = { unscaled: 0n, scale: 0, format: 'DecimalSI' };
