// The CRI container log format and the options of `kubectl logs`, as pure functions.
//
//   2016-10-06T00:17:09.669794202Z stdout P log content 1
//   2016-10-06T00:17:09.669794203Z stderr F log content 2
//
// A `P` (partial) entry is a piece of a line the runtime split; the pieces up to the next `F`
// of the same stream make one line. Unlike the kubelet (which prints each piece as it
// comes), the reader here joins them, so `--tail` counts and `--timestamps` prefixes whole lines.

export type LogStream = 'stdout' | 'stderr';

/** A point in time with the file's nanosecond precision. */
export interface LogTime {
  /** Milliseconds since the epoch (fraction included). */
  ms: number;
  /** The fraction of the second as 9 digits, for printing. */
  nanos: string;
  /** The zone as written: `Z` or `+02:00`. */
  zone: string;
  /** `2006-01-02T15:04:05` in that zone. */
  wall: string;
}

export interface LogEntry {
  time: LogTime;
  stream: LogStream;
  partial: boolean;
  /** The content, without the newline. */
  content: Buffer;
}

export interface LogLine {
  time: LogTime;
  stream: LogStream;
  /** The whole line including its newline. */
  text: Buffer;
}

const timeRe = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

export function parseLogTime(s: string): LogTime | undefined {
  const m = timeRe.exec(s);
  if (!m) return undefined;
  const nanos = (m[2] ?? '').padEnd(9, '0');
  const base = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(base)) return undefined;
  return { ms: base + Number(nanos) / 1e6, nanos, zone: m[3], wall: m[1] };
}

/** RFC3339 with a fixed 9-digit fraction, as the kubelet prints `--timestamps`. */
export function formatLogTime(t: LogTime): string {
  return `${t.wall}.${t.nanos}${t.zone}`;
}

export function logTimeFromMs(ms: number): LogTime {
  const d = new Date(Math.floor(ms));
  const wall = d.toISOString().slice(0, 19);
  const nanos = String(Math.round((ms - Math.floor(ms / 1000) * 1000) * 1e6)).padStart(9, '0').slice(0, 9);
  return { ms, nanos, zone: 'Z', wall };
}

/** Parses one line of a CRI log file (without its newline); undefined if it is not one. */
export function parseCriLine(line: Buffer): LogEntry | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const time = parseLogTime(line.subarray(0, s1).toString('latin1'));
  if (!time) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const stream = line.subarray(s1 + 1, s2).toString('latin1');
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  let s3 = line.indexOf(0x20, s2 + 1);
  // An empty full line may be written as `... stdout F` with nothing after the tag.
  if (s3 < 0) s3 = line.length;
  const tags = line.subarray(s2 + 1, s3).toString('latin1').split(':');
  return { time, stream, partial: tags[0] === 'P', content: line.subarray(Math.min(s3 + 1, line.length)) };
}

/** Formats entries as a CRI runtime writes them (tests, and runtimes that write logs themselves). */
export function formatCriLine(time: LogTime, stream: LogStream, content: string | Buffer, partial = false): string {
  return `${formatLogTime(time)} ${stream} ${partial ? 'P' : 'F'} ${content.toString()}\n`;
}

/** Joins partial entries into whole lines, per stream; the time of a line is its first piece's. */
export class LineAssembler {
  private pending: Record<LogStream, { time: LogTime; parts: Buffer[] } | undefined> = { stdout: undefined, stderr: undefined };

  push(e: LogEntry): LogLine | undefined {
    const p = this.pending[e.stream];
    if (e.partial) {
      if (p) p.parts.push(e.content);
      else this.pending[e.stream] = { time: e.time, parts: [e.content] };
      return undefined;
    }
    this.pending[e.stream] = undefined;
    const parts = p ? [...p.parts, e.content] : [e.content];
    return { time: p?.time ?? e.time, stream: e.stream, text: Buffer.concat([...parts, Buffer.from('\n')]) };
  }

  /** Lines still incomplete at the end of a log (a container that died mid-line). */
  flush(): LogLine[] {
    const out: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const p = this.pending[stream];
      if (p) out.push({ time: p.time, stream, text: Buffer.concat(p.parts) });
      this.pending[stream] = undefined;
    }
    return out;
  }
}

/** Splits a buffer into complete lines (without newlines); returns the incomplete rest. */
export function splitLines(buf: Buffer): { lines: Buffer[]; rest: Buffer } {
  const lines: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break;
    lines.push(buf.subarray(start, nl));
    start = nl + 1;
  }
  return { lines, rest: buf.subarray(start) };
}

/** The log options of PodLogOptions, as the kubelet reads them from its query string. */
export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** Lines from the end; undefined for all. */
  tailLines?: number;
  /** Bytes to send at most; undefined for no limit. */
  limitBytes?: number;
  /** Lines older than this (ms since the epoch) are skipped. */
  sinceMs?: number;
  stream: 'All' | 'Stdout' | 'Stderr';
}

/** Parses `follow`, `previous`, `timestamps`, `tailLines` (or legacy `tail`), `limitBytes`, `sinceSeconds`, `sinceTime`, `stream`. */
export function parseLogOptions(query: URLSearchParams, now: number): LogOptions | { error: string } {
  const flag = (k: string) => ['true', '1'].includes((query.get(k) ?? '').toLowerCase());
  const opts: LogOptions = { follow: flag('follow'), previous: flag('previous'), timestamps: flag('timestamps'), stream: 'All' };
  const int = (k: string): number | undefined | null => {
    const v = query.get(k);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) return null;
    return Number(v);
  };
  let tail = int('tailLines');
  const legacy = query.get('tail');
  if (tail === undefined && legacy && legacy !== 'all') tail = /^\d+$/.test(legacy) ? Number(legacy) : null;
  const limit = int('limitBytes');
  const sinceSeconds = int('sinceSeconds');
  if (tail === null || limit === null || sinceSeconds === null) return { error: '{"message": "Unable to decode query."}' };
  const sinceTime = query.get('sinceTime');
  let sinceTimeMs: number | undefined;
  if (sinceTime) {
    sinceTimeMs = Date.parse(sinceTime);
    if (Number.isNaN(sinceTimeMs)) return { error: '{"message": "Unable to decode query."}' };
  }
  // ValidatePodLogOptions: non-negative tail, positive limit and since, not both since forms.
  if ((tail !== undefined && tail < 0) || (limit !== undefined && limit < 1) || (sinceSeconds !== undefined && sinceSeconds < 1) || (sinceSeconds !== undefined && sinceTime)) {
    return { error: '{"message": "Invalid request."}' };
  }
  const stream = query.get('stream');
  if (stream) {
    if (stream !== 'All' && stream !== 'Stdout' && stream !== 'Stderr') return { error: `invalid stream type "${stream}"` };
    opts.stream = stream;
  }
  opts.tailLines = tail;
  opts.limitBytes = limit;
  if (sinceSeconds !== undefined) opts.sinceMs = now - sinceSeconds * 1000;
  if (sinceTimeMs !== undefined && (opts.sinceMs === undefined || sinceTimeMs > opts.sinceMs)) opts.sinceMs = sinceTimeMs;
  return opts;
}
