// The atomic writer of configMap, secret, downwardAPI and projected volumes (pkg/volume/util's
// AtomicWriter): the files live in a timestamped directory, `..data` points at it, and every
// visible name is a symlink through `..data`, so an update swaps all files at once with one
// rename and readers never see a half-written set.

import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface FileProjection {
  data: Buffer;
  mode: number;
}

export type Payload = Map<string, FileProjection>;

const dataDirName = '..data';
const newDataDirName = '..data_tmp';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Checks a payload path as upstream does: relative, no `..` elements, not starting with `..`. */
export function validatePath(p: string): string | undefined {
  if (p === '') return 'invalid path: must not be empty';
  if (p.length > 4096) return `invalid path: must be less than or equal to 4096 characters`;
  if (p.startsWith('/')) return `invalid path: must be relative path: ${p}`;
  const parts = p.split('/');
  if (parts.some((x) => x === '..')) return `invalid path: must not contain '..': ${p}`;
  if (p.startsWith('..')) return `invalid path: must not start with '..': ${p}`;
  return undefined;
}

function sameContent(dir: string, payload: Payload): boolean {
  for (const [path, f] of payload) {
    const file = join(dir, path);
    try {
      const st = statSync(file);
      if ((st.mode & 0o777) !== (f.mode & 0o777)) return false;
      if (!readFileSync(file).equals(f.data)) return false;
    } catch {
      return false;
    }
  }
  // No stale files either.
  const count = (d: string): number => readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(join(d, e.name)) : 1), 0);
  return count(dir) === payload.size;
}

/** Writes the payload into `target`; returns whether anything changed. */
export function writeAtomically(target: string, payload: Payload, now = Date.now()): boolean {
  for (const p of payload.keys()) {
    const err = validatePath(p);
    if (err) throw new Error(err);
  }
  mkdirSync(target, { recursive: true });
  const dataLink = join(target, dataDirName);
  let oldTsDir: string | undefined;
  try {
    oldTsDir = readlinkSync(dataLink);
  } catch {
    oldTsDir = undefined;
  }
  if (oldTsDir && existsSync(join(target, oldTsDir)) && sameContent(join(target, oldTsDir), payload)) return false;

  const d = new Date(now);
  const prefix = `..${d.getUTCFullYear()}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}_${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}.`;
  const tsPath = mkdtempSync(join(target, prefix));
  chmodSync(tsPath, 0o755);
  for (const [path, f] of payload) {
    const file = join(tsPath, path);
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(file, f.data);
    chmodSync(file, f.mode & 0o7777);
  }
  const tsName = tsPath.slice(target.length + 1);
  const tmpLink = join(target, newDataDirName);
  rmSync(tmpLink, { force: true });
  symlinkSync(tsName, tmpLink);
  renameSync(tmpLink, dataLink);

  // Visible names: one symlink per top-level entry, through ..data.
  const wanted = new Set([...payload.keys()].map((p) => p.split('/')[0]));
  for (const name of wanted) {
    const link = join(target, name);
    let ok = false;
    try {
      ok = lstatSync(link).isSymbolicLink() && readlinkSync(link) === join(dataDirName, name);
    } catch {
      ok = false;
    }
    if (!ok) {
      rmSync(link, { force: true, recursive: true });
      symlinkSync(join(dataDirName, name), link);
    }
  }
  for (const entry of readdirSync(target)) {
    if (entry.startsWith('..')) continue;
    if (!wanted.has(entry)) {
      try {
        unlinkSync(join(target, entry));
      } catch {
        rmSync(join(target, entry), { force: true, recursive: true });
      }
    }
  }
  if (oldTsDir && oldTsDir !== tsName) rmSync(join(target, oldTsDir), { recursive: true, force: true });
  return true;
}

/** The files currently visible through ..data (for tests and inspection). */
export function readPayload(target: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), r);
      else out[r] = readFileSync(join(dir, e.name), 'utf8');
    }
  };
  const data = join(target, dataDirName);
  if (existsSync(data)) walk(data, '');
  return out;
}
