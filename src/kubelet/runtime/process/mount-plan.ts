// The file system a container sees when the runtime runs as root, planned as data (no I/O here
// but the lookups passed in), then mounted by one `mount -a` inside the container's own mount
// namespace before it pivots into the new root:
//
//   /              a copy-on-write overlay of the host's root file system: the container sees the
//                  host's files, and what it writes outside its volumes goes to its layer on the
//                  runtime's tmpfs and disappears with it (as an image's writable layer does)
//   /proc /sys     the host's
//   /dev           an overlay of the host's /dev (so /dev/termination-log can be made) with its
//                  pts, shm and mqueue mounts
//   /run, /tmp     overlays of the host's, without their sub-mounts (other pods' network
//                  namespace files stay out), when they are mounts of their own
//   other mounts   the host's disk file systems (/home, /boot, Docker's /etc/hosts ...) bound as they
//                  are, or as overlays when a mount point must be made inside them
//   volumes        bound at their containerPath (rbind; ro remounted), in order of depth
//
// Nothing is ever created on the host's file systems except inside volumes (where a missing
// mount point is made, as runc makes it). Every other mount point is made ahead of time, from the
// host, in the upper directory of the overlay that will show it, so the mounts need no mkdir.
// Target paths are resolved here, symlinks included, in the container's view, so mount(8) never
// follows a symlink out of the new root.

import { posix } from 'node:path';
import type { MountInfo } from './host.js';

export type PathKind = 'dir' | 'file' | 'symlink' | 'other';

export interface PlanMount {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  /** What hostPath is: a directory is bound on a directory, anything else on a file. */
  kind: 'dir' | 'file';
}


export interface MountPlanInput {
  /** The container's layer directory, on the runtime's tmpfs (overlay upper and work directories go here). */
  layer: string;
  hostMounts: MountInfo[];
  mounts: PlanMount[];
  readonlyRootfs?: boolean;
  /** lstat on the host: what is at a host path, if anything. */
  lookup: (hostPath: string) => PathKind | undefined;
  readlink: (hostPath: string) => string;
}

export interface MountPlan {
  /** The new root: `<layer>/r`. */
  root: string;
  /** Directories to make (host paths) before the launch: overlay directories and mount points in upper layers or volumes. */
  dirs: string[];
  /** Empty files to make (host paths) before the launch: file mount points. */
  files: string[];
  /** fstab(5) for `mount -a`: the overlays, the host mounts carried over, the volumes. */
  fstab: string;
  remountReadonly: boolean;
}

export class MountPlanError extends Error {
  override readonly name = 'MountPlanError';
}

/** fstab(5) escaping of a path field. */
export function fstabEscape(p: string): string {
  return p.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

function under(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

function rel(path: string, dir: string): string {
  if (path === dir) return '';
  return dir === '/' ? path.slice(1) : path.slice(dir.length + 1);
}

const diskFsTypes = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'zfs', 'f2fs', 'nfs', 'nfs4', 'cifs', 'smb3', '9p', 'virtiofs', 'vfat', 'exfat', 'ntfs', 'ntfs3', 'fuseblk', 'reiserfs', 'jfs', 'squashfs', 'erofs']);

function isDiskMount(m: MountInfo): boolean {
  return diskFsTypes.has(m.fsType) || m.source.startsWith('/dev/');
}

/** Overlay option values may not hold the separators overlayfs parses. */
function overlaySafe(p: string): boolean {
  return !/[,:\\\s]/.test(p);
}

interface Area {
  /** Where it shows in the container. */
  at: string;
  kind: 'overlay' | 'bind' | 'kernel' | 'volume';
  /** Host directory new mount points go in (overlays: the upper directory; volumes: the volume). */
  upper?: string;
  /** For overlays: the host directory it shows (lowerdir). */
  lower?: string;
  work?: string;
  readonly?: boolean;
  /** For volumes: the host directory or file bound. */
  hostPath?: string;
}

export function planMounts(input: MountPlanInput): MountPlan {
  const L = posix.normalize(input.layer);
  if (!overlaySafe(L)) throw new MountPlanError(`the state directory ${L} holds characters overlayfs cannot take`);
  const R = `${L}/r`;
  const at = (containerPath: string) => (containerPath === '/' ? R : `${R}${containerPath}`);
  const hostMounts = input.hostMounts;
  // The top mount at each path wins (stacked mounts appear later in mountinfo).
  const topAt = new Map<string, MountInfo>();
  for (const m of hostMounts) topAt.set(m.mountPoint, m);
  const rootMount = topAt.get('/');
  if (!rootMount) throw new MountPlanError('no root mount in the host mount table');

  const dirs: string[] = [R];
  const overlay = (name: string, containerAt: string, lower: string, readonly = false): Area => {
    const upper = `${L}/${name}-u`;
    const work = `${L}/${name}-w`;
    dirs.push(upper, work);
    return { at: containerAt, kind: 'overlay', upper, lower, work, readonly };
  };

  // Fixed areas, in mount order.
  const areas: Area[] = [overlay('root', '/', '/'), { at: '/proc', kind: 'kernel' }, { at: '/sys', kind: 'kernel' }, overlay('dev', '/dev', '/dev')];
  const devSeen = new Set<string>();
  for (const m of hostMounts) {
    if (m.mountPoint === '/dev' || !under(m.mountPoint, '/dev') || devSeen.has(m.mountPoint)) continue;
    devSeen.add(m.mountPoint);
    areas.push({ at: m.mountPoint, kind: 'bind', lower: m.mountPoint });
  }
  if (topAt.has('/run')) areas.push(overlay('run', '/run', '/run'));
  if (topAt.has('/tmp') && overlaySafe('/tmp')) areas.push(overlay('tmp', '/tmp', '/tmp'));

  // Host mounts carried into the container: disk file systems hanging (through carried mounts)
  // from the root, outside the trees above and the layer.
  const special = ['/proc', '/sys', '/dev', '/run', '/tmp'];
  const carriedIds = new Set<number>(hostMounts.filter((m) => m.mountPoint === '/').map((m) => m.id));
  const carried: MountInfo[] = [];
  const seen = new Set<string>();
  for (const m of hostMounts) {
    if (m.mountPoint === '/' || topAt.get(m.mountPoint) !== m || seen.has(m.mountPoint)) continue;
    if (special.some((s) => under(m.mountPoint, s)) || under(m.mountPoint, L)) continue;
    if (!carriedIds.has(m.parentId) || !isDiskMount(m)) continue;
    seen.add(m.mountPoint);
    carriedIds.add(m.id);
    carried.push(m);
  }
  const carriedAreas: Area[] = carried.map((m) => ({ at: m.mountPoint, kind: 'bind', lower: m.mountPoint, readonly: m.options.includes('ro') }));
  const volumes: Area[] = [];

  const areaOf = (p: string): Area => {
    let best: Area | undefined;
    for (const a of [...areas, ...carriedAreas, ...volumes]) {
      if (under(p, a.at) && (!best || a.at.length >= best.at.length)) best = a;
    }
    return best!;
  };
  /** The host path where the container path is (what lookups go to), given the areas. */
  const hostOf = (p: string): string => {
    const a = areaOf(p);
    const r = rel(p, a.at);
    if (a.kind === 'volume') return r ? posix.join(a.hostPath!, r) : a.hostPath!;
    const base = a.lower ?? a.at;
    return r ? posix.join(base, r) : base;
  };
  const kindIn = (p: string): PathKind | undefined => input.lookup(hostOf(p));

  /** The path with every symlink resolved in the container's view, and how much of it exists. */
  const resolve = (path: string): { resolved: string; existing: string; missing: boolean } => {
    let todo = posix.normalize(path).split('/').filter(Boolean);
    let cur = '/';
    for (let hops = 0; todo.length > 0; ) {
      const name = todo.shift()!;
      if (name === '.') continue;
      if (name === '..') {
        cur = posix.dirname(cur);
        continue;
      }
      const next = posix.join(cur, name);
      const kind = kindIn(next);
      if (kind === undefined) return { resolved: posix.join(next, ...todo), existing: cur, missing: true };
      if (kind === 'symlink') {
        if (++hops > 40) throw new MountPlanError(`too many levels of symbolic links in ${path}`);
        const target = input.readlink(hostOf(next));
        todo = [...target.split('/').filter(Boolean), ...todo];
        if (target.startsWith('/')) cur = '/';
        continue;
      }
      cur = next;
    }
    return { resolved: cur, existing: cur, missing: false };
  };

  const sorted = input.mounts
    .map((m, i) => ({ m, i, depth: posix.normalize(m.containerPath).split('/').filter(Boolean).length }))
    .sort((a, b) => a.depth - b.depth || a.i - b.i)
    .map((x) => x.m);

  const files: string[] = [];
  const binds: string[] = [];
  for (const m of sorted) {
    if (!m.containerPath.startsWith('/')) throw new MountPlanError(`mount path ${m.containerPath} is not absolute`);
    const { resolved, existing, missing } = resolve(m.containerPath);
    if (resolved === '/') throw new MountPlanError('a volume cannot be mounted at /');
    if (missing) {
      // The mount point is made where the nearest existing directory lives.
      let area = areaOf(existing);
      if (area.kind === 'bind') {
        const i = carriedAreas.indexOf(area);
        if (i === -1 || !overlaySafe(area.at)) throw new MountPlanError(`cannot create mount point ${m.containerPath} inside the host mount ${area.at}`);
        area = carriedAreas[i] = overlay(`c${i}`, area.at, area.lower!, area.readonly);
      }
      if (area.kind === 'kernel') throw new MountPlanError(`cannot create mount point ${m.containerPath} under ${area.at}`);
      const r = rel(resolved, area.at);
      const hostPoint = area.kind === 'volume' ? posix.join(area.hostPath!, r) : posix.join(area.upper!, r);
      if (m.kind === 'file') {
        dirs.push(posix.dirname(hostPoint));
        files.push(hostPoint);
      } else {
        dirs.push(hostPoint);
      }
    } else {
      const kind = kindIn(resolved);
      if (m.kind === 'file' && kind === 'dir') throw new MountPlanError(`cannot mount file ${m.hostPath} on directory ${m.containerPath}`);
      if (m.kind === 'dir' && kind !== 'dir') throw new MountPlanError(`cannot mount directory ${m.hostPath} on non-directory ${m.containerPath}`);
    }
    const opts = [m.kind === 'dir' ? 'rbind' : 'bind'];
    if (m.readonly) opts.push('ro');
    binds.push(`${fstabEscape(m.hostPath)} ${fstabEscape(at(resolved))} none ${opts.join(',')} 0 0`);
    volumes.push({ at: resolved, kind: 'volume', hostPath: m.hostPath });
  }

  const lines: string[] = [];
  for (const a of [...areas, ...carriedAreas]) {
    const ro = a.readonly ? ',ro' : '';
    if (a.kind === 'overlay') lines.push(`overlay ${fstabEscape(at(a.at))} overlay lowerdir=${a.lower},upperdir=${a.upper},workdir=${a.work}${ro} 0 0`);
    else if (a.kind === 'kernel') lines.push(`${a.at} ${fstabEscape(at(a.at))} none rbind 0 0`);
    else lines.push(`${fstabEscape(a.lower!)} ${fstabEscape(at(a.at))} none bind${ro} 0 0`);
  }
  lines.push(...binds);
  return {
    root: R,
    dirs: [...new Set(dirs)],
    files,
    fstab: lines.join('\n') + '\n',
    remountReadonly: !!input.readonlyRootfs,
  };
}
