// Where a server's time goes: reads a V8 .cpuprofile (from `node --cpu-prof`, e.g. the one
// `npm run bench -- --cpu-prof DIR` leaves) and ranks functions by self and by total time,
// and source folders by self time (through the bundle's source map, so dist/kubelite.js
// shows up as src/apiserver/apply, src/storage, ...). Total time undercounts async callers:
// after an await, a continuation runs with only the microtask queue below it.
//
//   node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top N] [--filter TEXT]

import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  /** Microseconds spent in the function itself. */
  selfUs: number;
  /** Microseconds with the function anywhere on the stack (counted once per sample). */
  totalUs: number;
}

export interface ProfileSummary {
  totalUs: number;
  /** Time with nothing to run: (idle) and (program) frames. */
  idleUs: number;
  functions: FunctionTime[];
  /** Self time by source folder (or by node's own areas: node:internal, GC, native). */
  areas: { area: string; selfUs: number }[];
}

const idleFrames = new Set(['(idle)', '(program)']);

/** Where a frame's code is: a source file relative to the root (or node:…), and its line. */
export interface SourceLocation {
  file: string;
  line?: number;
}

export type Locate = (url: string, line: number, column: number) => SourceLocation;

/** Locations relative to root; a bundle with a `.map` beside it is traced back to its sources. */
export function sourceLocator(root: string): Locate {
  const maps = new Map<string, SourceMap | undefined>();
  const mapFor = (path: string) => {
    if (!maps.has(path)) {
      const mapPath = `${path}.map`;
      maps.set(path, existsSync(mapPath) ? new SourceMap(JSON.parse(readFileSync(mapPath, 'utf8'))) : undefined);
    }
    return maps.get(path);
  };
  return (url, line, column) => {
    if (!url.startsWith('file://')) return { file: url, line: line + 1 };
    const path = url.slice('file://'.length);
    const entry = mapFor(path)?.findEntry(line, column) as { originalSource?: string; originalLine?: number } | undefined;
    if (entry?.originalSource) {
      const source = entry.originalSource.startsWith('file://') ? entry.originalSource.slice('file://'.length) : new URL(entry.originalSource, url).pathname;
      return { file: relative(root, source), line: (entry.originalLine ?? 0) + 1 };
    }
    return { file: relative(root, path), line: line + 1 };
  };
}

/** The folder self time is grouped under: a source folder, a package, or node's own areas. */
export function areaOf(functionName: string, location: SourceLocation | undefined): string {
  if (!location?.file) return functionName.startsWith('(') ? functionName : '(native)';
  const file = location.file;
  if (file.startsWith('node:')) return file.startsWith('node:internal/') ? `node:internal/${file.split('/')[1]}` : file;
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) return file.slice(nm).split('/').slice(0, 2).join('/');
  return dirname(file);
}

function frameName(functionName: string, location: SourceLocation | undefined): string {
  const fn = functionName || '(anonymous)';
  return location?.file ? `${fn} ${location.file}:${location.line}` : fn;
}

export function summarizeProfile(profile: CpuProfile, locate: Locate = sourceLocator(process.cwd())): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const names = new Map<number, string>();
  const areaOfNode = new Map<number, string>();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const location = f.url ? locate(f.url, f.lineNumber, f.columnNumber ?? 0) : undefined;
    names.set(n.id, frameName(f.functionName, location));
    areaOfNode.set(n.id, areaOf(f.functionName, location));
  }
  const areas = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    totalUs += us;
    const name = names.get(id)!;
    if (idleFrames.has(name)) idleUs += us;
    else areas.set(areaOfNode.get(id)!, (areas.get(areaOfNode.get(id)!) ?? 0) + us);
    self.set(name, (self.get(name) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = names.get(at)!;
      if (byId.get(at)!.callFrame.functionName === '(root)' || seen.has(n)) continue;
      seen.add(n);
      total.set(n, (total.get(n) ?? 0) + us);
    }
  });
  const functions = [...total].filter(([name]) => !idleFrames.has(name)).map(([name, totalTime]) => ({ name, selfUs: self.get(name) ?? 0, totalUs: totalTime }));
  return { totalUs, idleUs, functions, areas: [...areas].map(([area, selfUs]) => ({ area, selfUs })).sort((a, b) => b.selfUs - a.selfUs) };
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)}%`.padStart(6);
}

/** The top functions by self time and by total time, as percentages of busy (non-idle) time. */
export function renderProfileSummary(s: ProfileSummary, top = 25, filter?: string): string {
  const busy = s.totalUs - s.idleUs;
  const shown = s.functions.filter((f) => !filter || f.name.includes(filter));
  const lines = [`sampled ${(s.totalUs / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${pct(busy, s.totalUs).trim()}); percentages of busy time`];
  lines.push('', 'self time by source folder:');
  for (const a of s.areas.slice(0, top)) lines.push(`${pct(a.selfUs, busy)}  ${a.area}`);
  lines.push('', 'self time:');
  for (const f of [...shown].sort((a, b) => b.selfUs - a.selfUs).slice(0, top)) lines.push(`${pct(f.selfUs, busy)}  ${f.name}`);
  lines.push('', 'total time (function on the stack):');
  for (const f of [...shown].sort((a, b) => b.totalUs - a.totalUs).slice(0, top)) lines.push(`${pct(f.totalUs, busy)}  ${f.name}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    console.error('usage: profile-summary.ts FILE.cpuprofile [--top N] [--filter TEXT]');
    process.exit(2);
  }
  const opt = (flag: string) => {
    const i = rest.indexOf(flag);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(renderProfileSummary(summarizeProfile(profile), Number(opt('--top') ?? 25), opt('--filter')));
}
