// Container resources through cgroups, v1 (memory, cpu, cpuacct, pids hierarchies) or v2 (one
// unified tree). Every cgroup of a runtime lives under one directory of its own in each
// hierarchy, `kubelite-process-<tag>`, so that a later run (or the guardian, when kubelite was
// killed) can find and remove everything: `<root>/<pod cgroup parent>/<container id>`.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerResources } from '../interface.js';
import type { CgroupLayout } from './host.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** cpu.shares (v1) → cpu.weight (v2), as runc converts them. */
export function sharesToWeight(shares: number): number {
  if (shares <= 0) return 100;
  return Math.max(1, Math.min(10000, Math.floor(1 + ((shares - 2) * 9999) / 262142)));
}

/** A relative cgroup path from the kubelet's cgroupParent (`/kubepods/burstable/pod<uid>`), made safe. */
export function cgroupRel(parent: string): string {
  return parent
    .split('/')
    .filter((p) => p && p !== '.' && p !== '..')
    .map((p) => p.replace(/[^A-Za-z0-9_.:@-]/g, '_'))
    .join('/');
}

export class Cgroups {
  /** Distinct hierarchy roots (v1: one per mount; v2: the unified one). */
  private readonly roots: string[];
  private readonly memoryRoot: string;
  private readonly cpuRoot: string | undefined;
  private readonly cpuacctRoot: string | undefined;

  constructor(
    readonly layout: CgroupLayout,
    /** The runtime's own directory name in each hierarchy. */
    readonly rootName: string,
  ) {
    if (layout.version === 'v2') {
      this.memoryRoot = join(layout.mounts[''], rootName);
      this.cpuRoot = this.memoryRoot;
      this.cpuacctRoot = this.memoryRoot;
      this.roots = [this.memoryRoot];
    } else {
      const m = layout.mounts;
      this.memoryRoot = join(m.memory, rootName);
      this.cpuRoot = m.cpu && join(m.cpu, rootName);
      this.cpuacctRoot = m.cpuacct && join(m.cpuacct, rootName);
      this.roots = [...new Set([m.memory, m.cpu, m.cpuacct, m.pids].filter((x): x is string => !!x).map((x) => join(x, rootName)))];
    }
  }

  get version(): CgroupLayout['version'] {
    return this.layout.version;
  }

  /** Every hierarchy's root directory of this runtime (for the cleanup script). */
  rootDirs(): string[] {
    return [...this.roots];
  }

  /** Makes the cgroup `rel` (and its parents) with these limits; returns the cgroup.procs files to join. */
  create(rel: string, resources: ContainerResources | undefined): string[] {
    if (this.layout.version === 'v2') this.enableControllers(rel);
    for (const root of this.roots) mkdirSync(join(root, rel), { recursive: true });
    if (resources) this.apply(rel, resources);
    return this.roots.map((root) => join(root, rel, 'cgroup.procs'));
  }

  private enableControllers(rel: string): void {
    const base = this.layout.mounts[''];
    const available = readFileSync(join(base, 'cgroup.controllers'), 'utf8').split(/\s+/).filter((c) => ['memory', 'cpu', 'pids'].includes(c));
    const parts = [this.rootName, ...rel.split('/').filter(Boolean)];
    let dir = base;
    // Every directory above the leaf delegates the controllers to its children.
    for (let i = 0; i < parts.length; i++) {
      try {
        writeFileSync(join(dir, 'cgroup.subtree_control'), available.map((c) => `+${c}`).join(' '));
      } catch {
        /* already delegated, or not allowed: limits then stay unenforced */
      }
      dir = join(dir, parts[i]);
      mkdirSync(dir, { recursive: true });
    }
  }

  private apply(rel: string, r: ContainerResources): void {
    const write = (dir: string | undefined, file: string, value: string | number) => {
      if (!dir) return;
      try {
        writeFileSync(join(dir, rel, file), String(value));
      } catch {
        /* a controller file this kernel lacks */
      }
    };
    if (this.layout.version === 'v1') {
      if (r.memoryLimitInBytes && r.memoryLimitInBytes > 0) write(this.memoryRoot, 'memory.limit_in_bytes', r.memoryLimitInBytes);
      if (r.cpuShares && r.cpuShares > 0) write(this.cpuRoot, 'cpu.shares', Math.max(2, r.cpuShares));
      if (r.cpuPeriod && r.cpuPeriod > 0) write(this.cpuRoot, 'cpu.cfs_period_us', r.cpuPeriod);
      if (r.cpuQuota && r.cpuQuota > 0) write(this.cpuRoot, 'cpu.cfs_quota_us', r.cpuQuota);
    } else {
      if (r.memoryLimitInBytes && r.memoryLimitInBytes > 0) {
        write(this.memoryRoot, 'memory.max', r.memoryLimitInBytes);
        write(this.memoryRoot, 'memory.swap.max', 0);
      }
      if (r.cpuShares && r.cpuShares > 0) write(this.cpuRoot, 'cpu.weight', sharesToWeight(r.cpuShares));
      if (r.cpuQuota && r.cpuQuota > 0) write(this.cpuRoot, 'cpu.max', `${r.cpuQuota} ${r.cpuPeriod && r.cpuPeriod > 0 ? r.cpuPeriod : 100000}`);
    }
  }

  /** The processes in `rel` and below. */
  pids(rel: string): number[] {
    const out: number[] = [];
    const walk = (dir: string) => {
      try {
        for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line) out.push(Number(line));
        for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
      } catch {
        /* gone */
      }
    };
    walk(join(this.memoryRoot, rel));
    return out;
  }

  /** SIGKILLs every process in `rel` until none is left (or a second has passed). */
  async killAll(rel: string): Promise<void> {
    const kill2 = join(this.memoryRoot, rel, 'cgroup.kill');
    for (let i = 0; i < 100; i++) {
      const pids = this.pids(rel);
      if (pids.length === 0) return;
      if (this.layout.version === 'v2' && existsSync(kill2)) {
        try {
          writeFileSync(kill2, '1');
        } catch {
          /* fall back to signals */
        }
      }
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* exited */
        }
      }
      await sleep(10);
    }
  }

  /** How many times the kernel's OOM killer struck in `rel`. */
  oomKills(rel: string): number {
    const file = this.layout.version === 'v1' ? 'memory.oom_control' : 'memory.events';
    try {
      const m = /^oom_kill (\d+)$/m.exec(readFileSync(join(this.memoryRoot, rel, file), 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }

  stats(rel: string): { cpuNs: bigint; workingSetBytes: number } | undefined {
    try {
      let cpuNs: bigint;
      let usage: number;
      let inactive = 0;
      const memStat = readFileSync(join(this.memoryRoot, rel, 'memory.stat'), 'utf8');
      if (this.layout.version === 'v1') {
        cpuNs = this.cpuacctRoot ? BigInt(readFileSync(join(this.cpuacctRoot, rel, 'cpuacct.usage'), 'utf8').trim()) : 0n;
        usage = Number(readFileSync(join(this.memoryRoot, rel, 'memory.usage_in_bytes'), 'utf8').trim());
        const m = /^total_inactive_file (\d+)$/m.exec(memStat);
        if (m) inactive = Number(m[1]);
      } else {
        const m = /^usage_usec (\d+)$/m.exec(readFileSync(join(this.memoryRoot, rel, 'cpu.stat'), 'utf8'));
        cpuNs = m ? BigInt(m[1]) * 1000n : 0n;
        usage = Number(readFileSync(join(this.memoryRoot, rel, 'memory.current'), 'utf8').trim());
        const i = /^inactive_file (\d+)$/m.exec(memStat);
        if (i) inactive = Number(i[1]);
      }
      return { cpuNs, workingSetBytes: Math.max(0, usage - inactive) };
    } catch {
      return undefined;
    }
  }

  /** Removes `rel` (and what is below it) from every hierarchy; processes must be gone. */
  remove(rel: string): void {
    for (const root of this.roots) removeTree(join(root, rel));
  }

  /** Removes the runtime's whole tree. */
  removeAll(): void {
    for (const root of this.roots) removeTree(root);
  }
}

/** rmdir of a cgroup directory tree, deepest first (cgroup files cannot be unlinked, only directories removed). */
function removeTree(dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) removeTree(join(dir, e.name));
  try {
    rmdirSync(dir);
  } catch {
    /* busy: processes still inside */
  }
}
