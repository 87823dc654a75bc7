// Container output into a CRI log file, as containerd writes it: one record per line,
// `<RFC3339Nano time> <stdout|stderr> <F|P> <text>\n`. A line is held until its newline (then F,
// without the newline and a trailing \r); a line longer than maxLineBytes is cut into P records
// of that size; output that ends without a newline is flushed as a final P record. Records are
// appended in order through one file descriptor; reopen() follows a rename by the kubelet's
// log rotation (CRI ReopenContainerLog).

import { closeSync, mkdirSync, openSync, write } from 'node:fs';
import { dirname } from 'node:path';

export type LogStream = 'stdout' | 'stderr';

/** containerd's default max_container_log_line_size. */
export const defaultMaxLineBytes = 16 * 1024;

const epochAnchorNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Nanoseconds since the epoch (monotonic between calls, anchored to the wall clock at load). */
export function nowNanos(): bigint {
  return epochAnchorNs + process.hrtime.bigint();
}

/** Go's time.RFC3339Nano in UTC: trailing zeros of the fraction trimmed, no point when zero. */
export function formatRfc3339Nano(nanos: bigint): string {
  const ms = Number(nanos / 1_000_000n);
  const whole = new Date(ms).toISOString().slice(0, 19);
  const frac = nanos % 1_000_000_000n;
  if (frac === 0n) return `${whole}Z`;
  return `${whole}.${frac.toString().padStart(9, '0').replace(/0+$/, '')}Z`;
}

/** Splits output into CRI records, holding an unfinished line per stream until more arrives. */
export class CriLineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    readonly stream: LogStream,
    private readonly emit: (stream: LogStream, partial: boolean, text: Buffer) => void,
    private readonly maxLineBytes = defaultMaxLineBytes,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      this.append(chunk.subarray(start, end));
      if (nl === -1) break;
      this.emitLine(false);
      start = nl + 1;
    }
  }

  /** End of the stream: what is left is a partial record. */
  end(): void {
    if (this.pendingBytes > 0) this.emitLine(true);
  }

  private append(part: Buffer): void {
    while (part.length > 0) {
      const room = this.maxLineBytes - this.pendingBytes;
      if (part.length <= room) {
        this.pending.push(part);
        this.pendingBytes += part.length;
        return;
      }
      this.pending.push(part.subarray(0, room));
      this.pendingBytes += room;
      part = part.subarray(room);
      // A full buffer is cut as containerd does; a \r at the cut stays for the next record.
      let line = Buffer.concat(this.pending);
      let carry: Buffer | undefined;
      if (line[line.length - 1] === 0x0d) {
        carry = line.subarray(line.length - 1);
        line = line.subarray(0, line.length - 1);
      }
      this.emit(this.stream, true, line);
      this.pending = carry ? [carry] : [];
      this.pendingBytes = carry ? 1 : 0;
    }
  }

  private emitLine(partial: boolean): void {
    let line = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    if (!partial && line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(this.stream, partial, line);
  }
}

/** Encodes one record. */
export function criRecord(nanos: bigint, stream: LogStream, partial: boolean, text: Buffer): Buffer {
  const head = Buffer.from(`${formatRfc3339Nano(nanos)} ${stream} ${partial ? 'P' : 'F'} `);
  return Buffer.concat([head, text, Buffer.from('\n')]);
}

/** One container's log file: two line splitters feeding an ordered append queue. */
export class CriLogWriter {
  private fd: number | undefined;
  private queue: Buffer[] = [];
  private writing = false;
  private drained: (() => void)[] = [];
  private readonly splitters: Record<LogStream, CriLineSplitter>;
  private closed = false;

  constructor(
    readonly path: string,
    opts: { maxLineBytes?: number; now?: () => bigint } = {},
  ) {
    const now = opts.now ?? nowNanos;
    const emit = (stream: LogStream, partial: boolean, text: Buffer) => this.enqueue(criRecord(now(), stream, partial, text));
    this.splitters = {
      stdout: new CriLineSplitter('stdout', emit, opts.maxLineBytes),
      stderr: new CriLineSplitter('stderr', emit, opts.maxLineBytes),
    };
    this.open();
  }

  write(stream: LogStream, chunk: Buffer): void {
    if (!this.closed) this.splitters[stream].push(chunk);
  }

  /** The stream ended (the process closed it): flush its unfinished line. */
  endStream(stream: LogStream): void {
    if (!this.closed) this.splitters[stream].end();
  }

  /** Starts a new file at the same path (after the old one was renamed away). */
  async reopen(): Promise<void> {
    await this.flush();
    if (this.closed) return;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.open();
  }

  /** Resolves once everything written so far is in the file. */
  flush(): Promise<void> {
    if (!this.writing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.splitters.stdout.end();
    this.splitters.stderr.end();
    await this.flush();
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    this.fd = openSync(this.path, 'a', 0o640);
  }

  private enqueue(record: Buffer): void {
    this.queue.push(record);
    if (!this.writing) this.pump();
  }

  private pump(): void {
    if (this.queue.length === 0 || this.fd === undefined) {
      this.writing = false;
      const waiters = this.drained;
      this.drained = [];
      for (const w of waiters) w();
      return;
    }
    this.writing = true;
    const batch = this.queue.length === 1 ? this.queue[0] : Buffer.concat(this.queue);
    this.queue = [];
    const writeAll = (offset: number) => {
      write(this.fd!, batch, offset, batch.length - offset, null, (err, n) => {
        if (!err && offset + n < batch.length) return writeAll(offset + n);
        // A failed write (disk full, file gone) drops the batch: the container must not block.
        this.pump();
      });
    };
    writeAll(0);
  }
}
