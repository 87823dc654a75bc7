// Reads a container's log for `kubectl logs`: the CRI-format file the runtime writes, and the
// files ContainerLogManager rotated out of it (`0.log.20240101-120000`, older ones gzipped),
// oldest first, so a log reads whole across rotations. With `follow`, it keeps reading the
// live file — reopening it when it is rotated — until the container stops or the client goes.

import { open, readdir, readFile, stat, type FileHandle } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LineAssembler, formatLogTime, parseCriLine, splitLines, type LogLine, type LogOptions } from './cri-log.js';

export interface ReadLogsParams {
  /** The live log file. */
  path: string;
  options: LogOptions;
  /** Sends output; resolves when the client has taken it. */
  write(chunk: Buffer): Promise<void>;
  /** For follow: whether the container still runs (checked when the file is idle). */
  isRunning?(): Promise<boolean>;
  signal?: AbortSignal;
  /** Include rotated files (default true). */
  readRotated?: boolean;
  /** How long follow waits between checks when no change is signalled (default 1 s, as the kubelet). */
  pollMs?: number;
}

/** Rotated files of a log, oldest first (their names end in a sortable timestamp). */
export async function rotatedLogFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const base = basename(path) + '.';
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(base) && /^\d{8}-\d{6}(\.\d+)?(\.gz)?$/.test(n.slice(base.length)) && !n.endsWith('.tmp'))
    .sort((a, b) => a.slice(base.length).replace(/\.gz$/, '').localeCompare(b.slice(base.length).replace(/\.gz$/, '')))
    .map((n) => join(dir, n));
}

async function readLogFile(path: string): Promise<Buffer> {
  const data = await readFile(path);
  return path.endsWith('.gz') ? gunzipSync(data) : data;
}

class Output {
  private remaining: number;
  done = false;

  constructor(
    private readonly opts: LogOptions,
    private readonly sink: (b: Buffer) => Promise<void>,
  ) {
    this.remaining = opts.limitBytes ?? Number.POSITIVE_INFINITY;
  }

  async line(l: LogLine): Promise<void> {
    if (this.done) return;
    if (this.opts.sinceMs !== undefined && l.time.ms < this.opts.sinceMs) return;
    if (this.opts.stream === 'Stdout' && l.stream !== 'stdout') return;
    if (this.opts.stream === 'Stderr' && l.stream !== 'stderr') return;
    let out = this.opts.timestamps ? Buffer.concat([Buffer.from(formatLogTime(l.time) + ' '), l.text]) : l.text;
    if (out.length >= this.remaining) {
      out = out.subarray(0, this.remaining);
      this.done = true;
    }
    this.remaining -= out.length;
    if (out.length) await this.sink(out);
  }
}

function parseAll(buf: Buffer, assembler: LineAssembler): LogLine[] {
  const { lines } = splitLines(buf);
  const out: LogLine[] = [];
  for (const raw of lines) {
    const e = parseCriLine(raw);
    if (!e) continue; // the kubelet skips lines it cannot parse
    const l = assembler.push(e);
    if (l) out.push(l);
  }
  return out;
}

/** Writes a container's log to `write` according to the options. */
export async function readContainerLogs(p: ReadLogsParams): Promise<void> {
  const opts = p.options;
  const out = new Output(opts, p.write);
  const rotated = p.readRotated === false ? [] : await rotatedLogFiles(p.path);

  let fh: FileHandle | undefined;
  try {
    fh = await open(p.path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || rotated.length === 0) {
      throw new Error(`failed to open log file "${p.path}": ${(e as Error).message}`);
    }
  }
  try {
    // What the live file holds now; the follow phase continues from its end.
    let pos = 0;
    let current = Buffer.alloc(0);
    if (fh) {
      const size = (await fh.stat()).size;
      current = Buffer.alloc(size);
      let off = 0;
      while (off < size) {
        const { bytesRead } = await fh.read(current, off, size - off, off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      current = current.subarray(0, off);
    }
    const { rest } = splitLines(current);
    const complete = current.subarray(0, current.length - rest.length);
    pos = complete.length;

    if (opts.tailLines !== undefined) {
      // From the newest file back until enough whole lines are found.
      const buffers: Buffer[] = [complete];
      let lines = parseAll(complete, new LineAssembler());
      for (let i = rotated.length - 1; i >= 0 && lines.length <= opts.tailLines; i--) {
        buffers.unshift(await readLogFile(rotated[i]));
        lines = parseAll(Buffer.concat(buffers), new LineAssembler());
      }
      for (const l of lines.slice(Math.max(0, lines.length - opts.tailLines))) await out.line(l);
      if (opts.tailLines === 0 && !opts.follow) return;
    } else {
      const assembler = new LineAssembler();
      for (const f of rotated) {
        if (out.done) return;
        for (const l of parseAll(await readLogFile(f), assembler)) await out.line(l);
      }
      for (const l of parseAll(complete, assembler)) await out.line(l);
      if (!opts.follow) for (const l of assembler.flush()) await out.line(l);
    }
    if (!opts.follow || out.done) {
      // An unterminated last line is still shown, as the kubelet does.
      if (!opts.follow && rest.length && !out.done) {
        const e = parseCriLine(rest);
        if (e) await out.line({ time: e.time, stream: e.stream, text: e.content });
      }
      return;
    }
    await follow(p, fh, pos, out);
  } finally {
    await fh?.close().catch(() => {});
  }
}

async function follow(p: ReadLogsParams, first: FileHandle | undefined, startPos: number, out: Output): Promise<void> {
  const pollMs = p.pollMs ?? 1000;
  let fh = first;
  let pos = startPos;
  let pending = Buffer.alloc(0);
  const assembler = new LineAssembler();
  let watcher: FSWatcher | undefined;
  let wake: (() => void) | undefined;
  const notify = () => wake?.();
  const watchDir = () => {
    try {
      watcher = watch(dirname(p.path), { persistent: false }, notify);
      watcher.on('error', () => {});
    } catch {
      watcher = undefined;
    }
  };
  watchDir();
  p.signal?.addEventListener('abort', notify);
  const opened: FileHandle[] = [];
  try {
    for (;;) {
      if (p.signal?.aborted || out.done) return;
      // Read what was appended.
      let grew = false;
      if (fh) {
        const chunk = Buffer.alloc(64 * 1024);
        for (;;) {
          const { bytesRead } = await fh.read(chunk, 0, chunk.length, pos);
          if (bytesRead === 0) break;
          grew = true;
          pos += bytesRead;
          pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
          const { lines, rest } = splitLines(pending);
          pending = Buffer.from(rest);
          for (const raw of lines) {
            const e = parseCriLine(raw);
            if (!e) continue;
            const l = assembler.push(e);
            if (l) await out.line(l);
            if (out.done) return;
          }
        }
      }
      if (grew) continue;
      // Rotated (a new file at the path) or truncated (copytruncate): switch files.
      const cur = await stat(p.path).catch(() => undefined);
      if (cur && fh) {
        const mine = await fh.stat();
        if (cur.ino !== mine.ino) {
          fh = await open(p.path, 'r');
          opened.push(fh);
          pos = 0;
          pending = Buffer.alloc(0);
          continue;
        }
        if (cur.size < pos) {
          pos = 0;
          pending = Buffer.alloc(0);
          continue;
        }
      } else if (cur && !fh) {
        fh = await open(p.path, 'r');
        opened.push(fh);
        pos = 0;
        continue;
      }
      if (p.isRunning && !(await p.isRunning())) {
        // One last look for output written just before the exit.
        if (fh) {
          const { size } = await fh.stat();
          if (size > pos) continue;
        }
        return;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    watcher?.close();
    p.signal?.removeEventListener('abort', notify);
    for (const h of opened) await h.close().catch(() => {});
  }
}
