// The CRI container log format every runtime writes and the kubelet reads back:
// `<RFC3339Nano time> <stdout|stderr> <F|P> <text>\n`, one line per (part of a) line of output.
// P marks a partial line that continues in the next record; F ends it.

import { open } from 'node:fs/promises';

export type LogStream = 'stdout' | 'stderr';

/** Go's RFC3339Nano: UTC, nanoseconds with trailing zeros trimmed (and no point when zero). */
export function rfc3339Nano(ms: number, extraNanos = 0): string {
  const base = new Date(Math.floor(ms)).toISOString(); // 2026-01-01T00:00:00.123Z
  const whole = base.slice(0, 19);
  const nanos = BigInt(Math.floor(ms) % 1000) * 1_000_000n + BigInt(Math.floor(extraNanos));
  if (nanos === 0n) return `${whole}Z`;
  return `${whole}.${nanos.toString().padStart(9, '0').replace(/0+$/, '')}Z`;
}

/** CRI timestamps: nanoseconds since the epoch as a decimal string. */
export function nanosOf(ms: number): string {
  return (BigInt(Math.floor(ms)) * 1_000_000n).toString();
}

/** Milliseconds from a CRI nanosecond string ('0' or '' → 0). */
export function msOfNanos(nanos: string | undefined): number {
  if (!nanos || nanos === '0') return 0;
  return Number(BigInt(nanos) / 1_000_000n);
}

/** Encodes output into CRI log records; text without a final newline ends in a partial record. */
export function formatCriLines(ms: number, stream: LogStream, text: string): string {
  if (text === '') return '';
  const time = rfc3339Nano(ms);
  const parts = text.split('\n');
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    if (last && parts[i] === '') break;
    out += `${time} ${stream} ${last ? 'P' : 'F'} ${parts[i]}\n`;
  }
  return out;
}

export interface CriLogRecord {
  time: string;
  stream: LogStream;
  partial: boolean;
  text: string;
}

export function parseCriLine(line: string): CriLogRecord | undefined {
  const m = /^(\S+) (stdout|stderr) ([FP]) ?(.*)$/.exec(line);
  if (!m) return undefined;
  return { time: m[1], stream: m[2] as LogStream, partial: m[3] === 'P', text: m[4] };
}

/** Reassembles records into whole lines of output (with their newlines), in order. */
export function criLogText(content: string): string {
  let out = '';
  for (const line of content.split('\n')) {
    if (!line) continue;
    const r = parseCriLine(line);
    if (!r) continue;
    out += r.partial ? r.text : `${r.text}\n`;
  }
  return out;
}

/**
 * The last `maxLines` lines of a CRI log, at most `maxBytes` bytes (the end is kept), as the
 * kubelet reads them for FallbackToLogsOnError termination messages.
 */
export async function tailCriLog(path: string, maxLines: number, maxBytes: number): Promise<string> {
  const f = await open(path, 'r');
  try {
    const { size } = await f.stat();
    // Records carry ~40 bytes of prefix; read enough of the end for maxLines lines of maxBytes.
    const want = Math.min(size, maxBytes * 4 + maxLines * 64);
    const buf = Buffer.alloc(want);
    await f.read(buf, 0, want, size - want);
    let text = buf.toString('utf8');
    if (want < size) text = text.slice(text.indexOf('\n') + 1);
    const lines = criLogText(text).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const tail = lines.slice(-maxLines).map((l) => `${l}\n`).join('');
    const bytes = Buffer.from(tail);
    return bytes.length > maxBytes ? bytes.subarray(bytes.length - maxBytes).toString('utf8') : tail;
  } finally {
    await f.close();
  }
}
