// What the host offers the process runtime: the tools it runs (util-linux, iproute2, busybox),
// its mount table, its cgroup hierarchies, and facts about processes read from /proc.

import { accessSync, constants, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface HostTools {
  sh: string;
  ip?: string;
  nsenter?: string;
  unshare?: string;
  mount?: string;
  umount?: string;
  pivotRoot?: string;
  setpriv?: string;
  mkdir?: string;
  /** util-linux script(1): a pseudo-terminal for tty containers and exec -t. */
  script?: string;
  stty?: string;
  busybox?: string;
  bash?: string;
}

const searchPath = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The first executable named `name` in the standard system directories. */
export function findTool(name: string, dirs: readonly string[] = searchPath): string | undefined {
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export function findHostTools(): HostTools {
  return {
    sh: findTool('sh') ?? '/bin/sh',
    ip: findTool('ip'),
    nsenter: findTool('nsenter'),
    unshare: findTool('unshare'),
    mount: findTool('mount'),
    umount: findTool('umount'),
    pivotRoot: findTool('pivot_root'),
    setpriv: findTool('setpriv'),
    mkdir: findTool('mkdir'),
    script: findTool('script'),
    stty: findTool('stty'),
    busybox: findTool('busybox'),
    bash: findTool('bash'),
  };
}

export interface MountInfo {
  id: number;
  parentId: number;
  /** The mount point, unescaped. */
  mountPoint: string;
  fsType: string;
  source: string;
  /** Per-mount options (rw, nosuid, ...). */
  options: string[];
  superOptions: string[];
}

/** Unescapes mountinfo's octal escapes (\040 for a space). */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Parses /proc/<pid>/mountinfo (proc(5)). */
export function parseMountInfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const sep = line.indexOf(' - ');
    if (sep === -1) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    if (left.length < 6 || right.length < 2) continue;
    out.push({
      id: Number(left[0]),
      parentId: Number(left[1]),
      mountPoint: unescapeMount(left[4]),
      options: left[5].split(','),
      fsType: right[0],
      source: unescapeMount(right[1]),
      superOptions: (right[2] ?? '').split(','),
    });
  }
  return out;
}

export function readMountInfo(): MountInfo[] {
  return parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}

export type CgroupVersion = 'v1' | 'v2';

export interface CgroupLayout {
  version: CgroupVersion;
  /** v1: controller → its hierarchy's mount point (cpu and cpuacct may share one). v2: '' → the unified mount. */
  mounts: Record<string, string>;
}

/** The cgroup hierarchies a runtime can use: v1 memory/cpu/cpuacct/pids, or a v2 unified tree with controllers. */
export function detectCgroups(mounts: MountInfo[]): CgroupLayout | undefined {
  const v1: Record<string, string> = {};
  for (const m of mounts) {
    if (m.fsType !== 'cgroup') continue;
    for (const opt of m.superOptions) {
      if (['memory', 'cpu', 'cpuacct', 'pids'].includes(opt) && !v1[opt]) v1[opt] = m.mountPoint;
    }
  }
  if (v1.memory) return { version: 'v1', mounts: v1 };
  const unified = mounts.find((m) => m.fsType === 'cgroup2' && m.mountPoint === '/sys/fs/cgroup') ?? mounts.find((m) => m.fsType === 'cgroup2');
  if (!unified) return undefined;
  try {
    const controllers = readFileSync(join(unified.mountPoint, 'cgroup.controllers'), 'utf8');
    if (!/\bmemory\b/.test(controllers)) return undefined;
  } catch {
    return undefined;
  }
  return { version: 'v2', mounts: { '': unified.mountPoint } };
}

export interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
  /** Clock ticks since boot. */
  startTime: number;
  utime: number;
  stime: number;
  rssPages: number;
}

/** Fields of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): field n is f[n - 3].
  return { pid, ppid: Number(f[1]), pgid: Number(f[2]), utime: Number(f[11]), stime: Number(f[12]), startTime: Number(f[19]), rssPages: Number(f[21]) };
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The terminal a process has on fd 0 (a /dev/pts/N path), if any. */
export function ttyOf(pid: number): string | undefined {
  try {
    const t = readlinkSync(`/proc/${pid}/fd/0`);
    return t.startsWith('/dev/pts/') ? t : undefined;
  } catch {
    return undefined;
  }
}
