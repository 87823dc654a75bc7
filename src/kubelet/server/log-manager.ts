// Container log rotation, as the kubelet's containerLogManager does it: every 10 s, each
// running container whose log is over maxSize (10 MiB) has it renamed to
// `<log>.<YYYYMMDD-hhmmss>` and the runtime reopens a fresh file; older rotated files are
// gzipped and the oldest removed so at most maxFiles (5) files remain per container.
// Runtimes that cannot reopen a log get copy-and-truncate instead.

import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, readdir, rename, stat, truncate, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sleep } from '../../machinery/abort.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import type { Runnable } from '../../controllers/controller.js';
import type { ContainerRuntime } from '../runtime/interface.js';

export interface ContainerLogManagerOptions {
  runtime: ContainerRuntime;
  /** Rotate above this size (bytes); default 10 MiB (containerLogMaxSize). */
  maxSize?: number;
  /** Files kept per container, the live one included; default 5 (containerLogMaxFiles). */
  maxFiles?: number;
  /** How often logs are checked; default 10 s. */
  intervalMs?: number;
  clock?: Clock;
  log?: (msg: string) => void;
}

const defaults = { maxSize: 10 * 1024 * 1024, maxFiles: 5, intervalMs: 10_000 } satisfies Partial<ContainerLogManagerOptions>;

/** `20060102-150405` in UTC, the rotated-file suffix. */
export function rotationStamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

export class ContainerLogManager implements Runnable {
  private readonly opts: Required<Omit<ContainerLogManagerOptions, 'log' | 'clock'>> & { clock: Clock; log: (m: string) => void };

  constructor(options: ContainerLogManagerOptions) {
    this.opts = { ...defaults, clock: realClock, log: () => {}, ...options } as typeof this.opts;
    if (this.opts.maxFiles < 2) throw new Error(`invalid MaxFiles ${this.opts.maxFiles}, must be > 1`);
  }

  async start(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.rotateAll().catch((e) => this.opts.log(`log rotation failed: ${(e as Error).message}`));
      await sleep(this.opts.intervalMs, signal, this.opts.clock);
    }
  }

  /** One pass over the running containers. */
  async rotateAll(): Promise<void> {
    const containers = await this.opts.runtime.listContainers();
    for (const c of containers) {
      if (c.state !== 'running') continue;
      const status = await this.opts.runtime.containerStatus(c.id).catch(() => undefined);
      if (!status?.logPath) continue;
      const st = await stat(status.logPath).catch(() => undefined);
      if (!st || st.size < this.opts.maxSize) continue;
      await this.rotate(c.id, status.logPath).catch((e) => this.opts.log(`failed to rotate log ${status.logPath} of container ${c.id}: ${(e as Error).message}`));
    }
  }

  /** Rotates one container's log now. */
  async rotate(containerId: string, path: string): Promise<void> {
    const dir = dirname(path);
    const prefix = basename(path) + '.';
    let names = (await readdir(dir)).filter((n) => n.startsWith(prefix)).sort();
    // Half-written compressions of an earlier, interrupted pass.
    for (const n of names.filter((n) => n.endsWith('.tmp'))) await unlink(join(dir, n)).catch(() => {});
    names = names.filter((n) => !n.endsWith('.tmp'));
    // Keep maxFiles-2 old files: with the one rotated now and the live one, maxFiles in all.
    const keep = this.opts.maxFiles - 2;
    while (names.length > keep) {
      await unlink(join(dir, names.shift()!)).catch(() => {});
    }
    for (const n of names) {
      if (!n.endsWith('.gz')) await compress(join(dir, n));
    }
    let rotated = `${path}.${rotationStamp(this.opts.clock.now())}`;
    if (await stat(rotated).catch(() => undefined)) rotated += `.${Date.now() % 1000}`;
    const runtime = this.opts.runtime;
    if (runtime.reopenContainerLog) {
      await rename(path, rotated);
      try {
        await runtime.reopenContainerLog(containerId);
      } catch (e) {
        await rename(rotated, path).catch(() => {});
        throw new Error(`failed to reopen container log: ${(e as Error).message}`);
      }
    } else {
      // The writer keeps its descriptor: copy what it wrote, then cut the file back to empty.
      await copyFile(path, rotated);
      await truncate(path, 0);
    }
  }
}

async function compress(path: string): Promise<void> {
  const tmp = `${path}.gz.tmp`;
  await pipeline(createReadStream(path), createGzip(), createWriteStream(tmp));
  await rename(tmp, `${path}.gz`);
  await unlink(path);
}
