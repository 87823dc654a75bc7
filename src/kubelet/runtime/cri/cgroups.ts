// Removal of pod cgroups. containerd creates the cgroup parent the kubelet names for a sandbox
// (in every cgroup v1 hierarchy, or the one v2 tree) but never removes it: runc removes the
// containers' own cgroups, and the pod level is the kubelet's to clean up.

import { readFileSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The cgroup mount points of this machine (v1 hierarchies and/or the v2 unified tree). */
export function cgroupMounts(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fields = line.slice(0, sep).split(' ');
    const fstype = line.slice(sep + 3).split(' ')[0];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const root = fields[3];
    const mountPoint = fields[4]?.replace(/\\040/g, ' ');
    // Only hierarchies mounted at their root map a cgroup path onto a directory.
    if (root === '/' && mountPoint) out.push(mountPoint);
  }
  return [...new Set(out)];
}

function removeTree(dir: string): boolean {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return true; // already gone
  }
  let all = true;
  for (const name of entries) {
    const child = join(dir, name);
    try {
      if (statSync(child).isDirectory()) all = removeTree(child) && all;
    } catch {
      /* raced with another removal */
    }
  }
  try {
    rmdirSync(dir);
    return all;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Removes the cgroup `path` (e.g. /kubepods/besteffort/pod1234) and everything under it from
 * every hierarchy. A cgroup that still holds processes stays; the result says whether all went.
 */
export function removeCgroup(path: string, mounts = cgroupMounts()): boolean {
  const rel = path.replace(/^\/+/, '').replace(/\/+$/, '');
  // Never the root of a hierarchy, and never a path climbing out of it.
  if (!rel || rel.split('/').includes('..')) return false;
  let all = true;
  for (const mount of mounts) all = removeTree(join(mount, rel)) && all;
  return all;
}
