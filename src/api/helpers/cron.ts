// CronJob schedules, parsed exactly as Kubernetes parses them (github.com/robfig/cron/v3,
// ParseStandard): five fields with ranges, steps, lists, month and weekday names, the
// `@hourly`…`@yearly` descriptors, `@every <duration>` and a `TZ=`/`CRON_TZ=` prefix. Errors
// carry robfig's wording, because the API server shows them verbatim
// (`spec.schedule: Invalid value: "…": <error>`). nextScheduleTime is robfig's Next for the
// CronJob controller, evaluated in an IANA time zone (or the process's local one).

/** One field of a spec: the values it matches, and whether it was written as `*` or `?`. */
export interface CronField {
  readonly values: ReadonlySet<number>;
  /** robfig's star bit: `*`, `?`, or `*` with step 1. It switches day matching from OR to AND. */
  readonly star: boolean;
}

export interface SpecSchedule {
  readonly kind: 'spec';
  readonly minute: CronField;
  readonly hour: CronField;
  readonly dayOfMonth: CronField;
  readonly month: CronField;
  readonly dayOfWeek: CronField;
  /** The zone of a `TZ=`/`CRON_TZ=` prefix. */
  readonly location?: string;
}

export interface EverySchedule {
  readonly kind: 'every';
  /** The constant delay in whole seconds (at least 1), as robfig rounds it. */
  readonly delaySeconds: number;
  readonly location?: string;
}

export type CronSchedule = SpecSchedule | EverySchedule;

export type CronParseResult = { ok: true; schedule: CronSchedule } | { ok: false; error: string };

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const minutes: Bounds = { min: 0, max: 59 };
const hours: Bounds = { min: 0, max: 23 };
const dom: Bounds = { min: 1, max: 31 };
const months: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const dow: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

class CronError extends Error {}

function range(min: number, max: number, step = 1): Set<number> {
  const s = new Set<number>();
  for (let v = min; v <= max; v += step) s.add(v);
  return s;
}

function all(b: Bounds): CronField {
  return { values: range(b.min, b.max), star: true };
}

function only(v: number): CronField {
  return { values: new Set([v]), star: false };
}

/** Go's strconv.Atoi, with its error text. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new CronError(`failed to parse int from ${s}: strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    throw new CronError(`failed to parse int from ${s}: strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  }
  return Number(n);
}

function mustParseInt(expr: string): number {
  const num = atoi(expr);
  if (num < 0) throw new CronError(`negative number (${num}) not allowed: ${expr}`);
  return num;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  if (names) {
    const named = names[expr.toLowerCase()];
    if (named !== undefined && Object.prototype.hasOwnProperty.call(names, expr.toLowerCase())) return named;
  }
  return mustParseInt(expr);
}

/** getRange: one `a`, `a-b`, `*`, `?`, optionally `/step`. */
function getRange(expr: string, r: Bounds, into: Set<number>): boolean {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], r.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step: number;
  if (rangeAndStep.length === 1) {
    step = 1;
  } else if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (singleDigit) end = r.max;
    if (step > 1) star = false;
  } else {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < r.min) throw new CronError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.add(v);
  return star;
}

function getField(text: string, r: Bounds): CronField {
  const values = new Set<number>();
  let star = false;
  // strings.FieldsFunc drops empty pieces, so "1,,2" is "1,2" and "," matches nothing.
  for (const expr of text.split(',').filter((e) => e !== '')) {
    if (getRange(expr, r, values)) star = true;
  }
  return { values, star };
}

const descriptors: Record<string, () => Omit<SpecSchedule, 'kind' | 'location'>> = {
  '@yearly': () => ({ minute: only(0), hour: only(0), dayOfMonth: only(1), month: only(1), dayOfWeek: all(dow) }),
  '@annually': () => descriptors['@yearly'](),
  '@monthly': () => ({ minute: only(0), hour: only(0), dayOfMonth: only(1), month: all(months), dayOfWeek: all(dow) }),
  '@weekly': () => ({ minute: only(0), hour: only(0), dayOfMonth: all(dom), month: all(months), dayOfWeek: only(0) }),
  '@daily': () => ({ minute: only(0), hour: only(0), dayOfMonth: all(dom), month: all(months), dayOfWeek: all(dow) }),
  '@midnight': () => descriptors['@daily'](),
  '@hourly': () => ({ minute: only(0), hour: all(hours), dayOfMonth: all(dom), month: all(months), dayOfWeek: all(dow) }),
};

function parseDescriptor(spec: string, location: string | undefined): CronSchedule {
  if (Object.prototype.hasOwnProperty.call(descriptors, spec)) return { kind: 'spec', ...descriptors[spec](), location };
  const every = '@every ';
  if (spec.startsWith(every)) {
    const ns = parseGoDuration(spec.slice(every.length));
    if (typeof ns === 'string') throw new CronError(`failed to parse duration ${spec}: ${ns}`);
    // Every(): at least a second, truncated to whole seconds.
    const seconds = ns < 1_000_000_000n ? 1 : Number(ns / 1_000_000_000n);
    return { kind: 'every', delaySeconds: seconds, location };
  }
  throw new CronError(`unrecognized descriptor: ${spec}`);
}

/** Parses a schedule as Kubernetes' CronJob validation and controller do (cron.ParseStandard). */
export function parseCronSchedule(input: string): CronParseResult {
  try {
    return { ok: true, schedule: parseStandard(input) };
  } catch (e) {
    if (e instanceof CronError) return { ok: false, error: e.message };
    throw e;
  }
}

function parseStandard(input: string): CronSchedule {
  let spec = input;
  if (spec.length === 0) throw new CronError('empty spec string');
  let location: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    const name = space < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, space);
    const problem = loadLocationError(name);
    if (problem) throw new CronError(`provided bad location ${name}: ${problem}`);
    location = name;
    spec = space < 0 ? '' : spec.slice(space).trim();
  }
  if (spec.startsWith('@')) return parseDescriptor(spec, location);
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return {
    kind: 'spec',
    minute: getField(fields[0], minutes),
    hour: getField(fields[1], hours),
    dayOfMonth: getField(fields[2], dom),
    month: getField(fields[3], months),
    dayOfWeek: getField(fields[4], dow),
    location,
  };
}

// ---- Go's time.ParseDuration ----

const durationUnits: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5
  'μs': 1_000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's strconv-style quoting, as time.ParseDuration quotes its input in errors. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Nanoseconds, or Go's error text. */
export function parseGoDuration(input: string): bigint | string {
  const invalid = `time: invalid duration ${goQuote(input)}`;
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return invalid;
  let total = 0n;
  const limit = 1n << 63n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid;
    const intPart = /^\d*/.exec(s)![0];
    s = s.slice(intPart.length);
    let fracPart = '';
    if (s[0] === '.') {
      s = s.slice(1);
      fracPart = /^\d*/.exec(s)![0];
      s = s.slice(fracPart.length);
    }
    if (intPart === '' && fracPart === '') return invalid;
    let i = 0;
    while (i < s.length && s[i] !== '.' && !(s[i] >= '0' && s[i] <= '9')) i++;
    if (i === 0) return `time: missing unit in duration ${goQuote(input)}`;
    const unitText = s.slice(0, i);
    s = s.slice(i);
    const unit = durationUnits[unitText];
    if (unit === undefined || !Object.prototype.hasOwnProperty.call(durationUnits, unitText)) {
      return `time: unknown unit ${goQuote(unitText)} in duration ${goQuote(input)}`;
    }
    let v = intPart === '' ? 0n : BigInt(intPart);
    if (v > limit / unit) return invalid;
    v *= unit;
    if (fracPart !== '') {
      // Go converts the fraction through float64; that precision is kept here.
      v += BigInt(Math.floor(Number(`0.${fracPart}`) * Number(unit)));
      if (v > limit) return invalid;
    }
    total += v;
    if (total > limit) return invalid;
  }
  if (neg) return -total;
  if (total > limit - 1n) return invalid;
  return total;
}

// ---- time zones ----

let zoneNamesByLowerCase: Map<string, string> | undefined;

/**
 * What Go's time.LoadLocation says about a zone name: undefined when it loads, its error
 * otherwise. The zone database is ICU's (Node's Intl), which Go's zoneinfo matches for real
 * zone names; like Go on Linux, names are case-sensitive.
 */
export function loadLocationError(name: string): string | undefined {
  if (name === '' || name === 'UTC' || name === 'Local') return undefined;
  if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) return 'time: invalid location name';
  if (/[:\s]/.test(name)) return `unknown time zone ${name}`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return `unknown time zone ${name}`;
  }
  zoneNamesByLowerCase ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  const canonical = zoneNamesByLowerCase.get(name.toLowerCase());
  // ICU ignores case; Go's zoneinfo files do not ("europe/paris" is unknown to Go).
  if (canonical !== undefined && canonical !== name) return `unknown time zone ${name}`;
  return undefined;
}

// ---- next activation ----

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function wallClock(ms: number, zone: string | undefined): WallClock {
  const d = new Date(ms);
  if (zone === undefined || zone === 'Local') {
    return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes(), weekday: d.getDay() };
  }
  if (zone === 'UTC' || zone === '') {
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay() };
  }
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(d)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: weekdays[parts.weekday] ?? 0,
  };
}

/** robfig's dayMatches: OR of day-of-month and day-of-week, AND when either is a star. */
function dayMatches(s: SpecSchedule, w: WallClock): boolean {
  const domMatch = s.dayOfMonth.values.has(w.day);
  const dowMatch = s.dayOfWeek.values.has(w.weekday);
  if (s.dayOfMonth.star || s.dayOfWeek.star) return domMatch && dowMatch;
  return domMatch || dowMatch;
}

const minuteMs = 60_000;

/**
 * The first activation strictly after `after`, or undefined when there is none within five
 * years (robfig returns the zero time then). A zone in the schedule (`TZ=`) wins over
 * `timeZone`; without either the process's local zone applies, as the controller's does.
 */
export function nextScheduleTime(schedule: string | CronSchedule, after: Date, timeZone?: string): Date | undefined {
  let s: CronSchedule;
  if (typeof schedule === 'string') {
    const parsed = parseCronSchedule(schedule);
    if (!parsed.ok) return undefined;
    s = parsed.schedule;
  } else {
    s = schedule;
  }
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) return undefined;
  if (s.kind === 'every') return new Date(Math.floor(afterMs / 1000) * 1000 + s.delaySeconds * 1000);
  const zone = s.location ?? timeZone;
  let t = Math.floor(afterMs / minuteMs) * minuteMs + minuteMs;
  const yearLimit = wallClock(t, zone).year + 5;
  for (;;) {
    const w = wallClock(t, zone);
    if (w.year > yearLimit) return undefined;
    if (!s.month.values.has(w.month)) {
      // To (about) midnight of the next month's first day; a DST shift is corrected next round.
      const daysLeft = new Date(Date.UTC(w.year, w.month, 0)).getUTCDate() - w.day;
      t += (daysLeft * 24 * 60 + (24 - w.hour) * 60 - w.minute) * minuteMs;
      continue;
    }
    if (!dayMatches(s, w)) {
      t += ((24 - w.hour) * 60 - w.minute) * minuteMs;
      continue;
    }
    if (!s.hour.values.has(w.hour)) {
      t += (60 - w.minute) * minuteMs;
      continue;
    }
    if (!s.minute.values.has(w.minute)) {
      t += minuteMs;
      continue;
    }
    return new Date(t);
  }
}
