// How a container process is started: the argument vector handed to spawn(), built as data.
//
// As root the chain is (each step exec()s the next, so the container keeps one PID throughout):
//
//   nsenter --net=/run/netns/<pod>          (not for hostNetwork pods)
//   unshare --mount --uts --propagation private
//   sh -c LAUNCH                            joins the container's cgroups, mounts its file system
//                                           (mount-plan.ts) with one `mount -a`, pivot_root into
//                                           it, sets the hostname, enters the working directory,
//                                           checks that the command exists
//   setpriv --reuid/--regid/--groups, --bounding-set, --no-new-privs
//   [script -qefc ...]                      a pseudo-terminal, for tty containers
//   the command
//
// Without root only `sh -c LAUNCH_ROOTLESS` runs before the command. Either way the launch
// script reports on file descriptor 3: `ok` right before the final exec (the container is
// running), or why it could not start; its own errors never reach the container's log.

import type { MountPlan } from './mount-plan.js';
import type { HostTools } from './host.js';
import { shellQuote } from './run.js';

/** Exit status of a launch script that failed before the command ran. */
export const launchFailedExit = 126;

const rootLaunch = String.raw`set -f
unset CDPATH ENV BASH_ENV
nl='
'
exec 4>&2 2>&3
fail() { printf '%s\n' "$*" >&3; exit ${launchFailedExit}; }
R=$1 FSTAB=$2 RO=$3 HN=$4 WD=$5 CG=$6 CMD=$7 MOUNT=$8 PIVOT=$9
UMOUNT=\${10} MKDIR=\${11}
shift 11
IFS=$nl
for p in $CG; do
  echo $$ > "$p" || fail "cannot join cgroup $p"
done
unset IFS
"$MOUNT" -a -T "$FSTAB" || fail "cannot mount the container's file system"
if [ -n "$RO" ]; then "$MOUNT" -o remount,bind,ro "$R" || fail "cannot make the root file system read-only"; fi
cd "$R" || fail "cannot enter $R"
"$PIVOT" . . || fail "pivot_root failed"
"$UMOUNT" -l . || fail "cannot detach the host's root"
cd / || fail "cannot enter the new root"
if [ -n "$HN" ]; then printf '%s' "$HN" > /proc/sys/kernel/hostname || fail "cannot set the hostname"; fi
if ! cd "$WD" 2>/dev/null; then
  "$MKDIR" -p -- "$WD" 2>/dev/null && cd "$WD" || fail "chdir to cwd (\"$WD\") set in config.json failed: no such file or directory"
fi
case $CMD in
  */*) [ -x "$CMD" ] || fail "exec: \"$CMD\": stat $CMD: no such file or directory" ;;
  *) command -v "$CMD" > /dev/null 2>&1 || fail "exec: \"$CMD\": executable file not found in \\$PATH" ;;
esac
printf 'ok\n' >&3
exec 2>&4 4>&- 3>&-
exec "$@"
`.replace(/\\\$/g, '$');

const rootlessLaunch = String.raw`set -f
unset CDPATH ENV BASH_ENV
exec 4>&2 2>&3
fail() { printf '%s\n' "$*" >&3; exit ${launchFailedExit}; }
WD=$1 CMD=$2
shift 2
cd "$WD" 2>/dev/null || fail "chdir to cwd (\"$WD\") set in config.json failed: no such file or directory"
case $CMD in
  */*) [ -x "$CMD" ] || fail "exec: \"$CMD\": stat $CMD: no such file or directory" ;;
  *) command -v "$CMD" > /dev/null 2>&1 || fail "exec: \"$CMD\": executable file not found in \\$PATH" ;;
esac
printf 'ok\n' >&3
exec 2>&4 4>&- 3>&-
exec "$@"
`.replace(/\\\$/g, '$');

/** Joins cgroups (arguments up to `--`), then execs the rest: exec sessions enter the container's cgroups this way. */
const joinThenExec = String.raw`while [ "$#" -gt 0 ] && [ "$1" != -- ]; do echo $$ > "$1" || exit ${launchFailedExit}; shift; done
shift
exec "$@"`;

/** containerd's default capabilities for a container that is not privileged. */
export const defaultCapabilities = ['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE'];

export interface Identity {
  privileged?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  capabilities?: { add: string[]; drop: string[] };
}

/** The bounding set a container gets: the defaults, with adds and drops (`ALL` understood). */
export function capabilitySet(caps: Identity['capabilities']): string[] {
  const norm = (c: string) => c.toUpperCase().replace(/^CAP_/, '');
  const add = (caps?.add ?? []).map(norm);
  const drop = (caps?.drop ?? []).map(norm);
  let set = new Set(defaultCapabilities);
  if (drop.includes('ALL')) set = new Set();
  for (const d of drop) set.delete(d);
  if (add.includes('ALL')) return ['ALL'];
  for (const a of add) set.add(a);
  return [...set];
}

/** setpriv's arguments for the container's user, groups and capabilities ([] when nothing changes). */
export function setprivArgs(setpriv: string, id: Identity): string[] {
  const args: string[] = [];
  if (id.runAsUser !== undefined) args.push(`--reuid=${id.runAsUser}`);
  if (id.runAsGroup !== undefined || id.runAsUser !== undefined) args.push(`--regid=${id.runAsGroup ?? 0}`);
  if (id.runAsUser !== undefined || id.runAsGroup !== undefined || id.supplementalGroups?.length) {
    if (id.supplementalGroups?.length) args.push(`--groups=${id.supplementalGroups.join(',')}`);
    else args.push('--clear-groups');
  }
  if (id.noNewPrivs) args.push('--no-new-privs');
  if (!id.privileged) {
    const caps = capabilitySet(id.capabilities);
    if (!caps.includes('ALL')) {
      const list = ['-all', ...caps.map((c) => `+${c.toLowerCase()}`)].join(',');
      args.push(`--bounding-set=${list}`);
    }
  }
  return args.length ? [setpriv, ...args, '--'] : [];
}

/** The command wrapped in a pseudo-terminal (util-linux script), for tty containers and exec -t. */
export function withTty(script: string, argv: string[]): string[] {
  return [script, '-q', '-e', '-f', '-c', argv.map(shellQuote).join(' '), '/dev/null'];
}

export interface RootLaunch {
  tools: HostTools;
  plan: MountPlan;
  fstabPath: string;
  /** /run/netns/<name>, or undefined for the node's network. */
  netnsPath?: string;
  /** Set in a UTS namespace of the container's own ('' keeps the node's). */
  hostname: string;
  workingDir: string;
  cgroupProcs: string[];
  /** The user's command (for the existence check). */
  command: string;
  /** What runs after the launch script: setpriv prefix, tty wrapper and the command. */
  exec: string[];
}

function noNewline(list: string[], what: string): string {
  for (const p of list) if (p.includes('\n')) throw new Error(`${what} ${JSON.stringify(p)} holds a newline`);
  return list.join('\n');
}

export function rootLaunchArgv(l: RootLaunch): string[] {
  const t = l.tools;
  if (!t.unshare || !t.mount || !t.umount || !t.pivotRoot || !t.mkdir) throw new Error('util-linux (unshare, mount, umount, pivot_root) and mkdir are needed to run containers as root');
  const argv: string[] = [];
  if (l.netnsPath) {
    if (!t.nsenter) throw new Error('nsenter is needed to run containers in pod networks');
    argv.push(t.nsenter, `--net=${l.netnsPath}`, '--');
  }
  argv.push(t.unshare, '--mount', ...(l.hostname ? ['--uts'] : []), '--propagation', 'private', '--');
  argv.push(
    t.sh,
    '-c',
    rootLaunch,
    'kubelite-launch',
    l.plan.root,
    l.fstabPath,
    l.plan.remountReadonly ? '1' : '',
    l.hostname,
    l.workingDir,
    noNewline(l.cgroupProcs, 'cgroup'),
    l.command,
    t.mount,
    t.pivotRoot,
    t.umount,
    t.mkdir,
    ...l.exec,
  );
  return argv;
}

export function rootlessLaunchArgv(tools: HostTools, workingDir: string, command: string, exec: string[]): string[] {
  return [tools.sh, '-c', rootlessLaunch, 'kubelite-launch', workingDir, command, ...exec];
}

/** An exec session's argv: into the container's cgroups and namespaces, as the container's user. */
export function execArgv(o: { tools: HostTools; pid: number; cgroupProcs: string[]; netns: boolean; uts: boolean; workingDir: string; exec: string[] }): string[] {
  const t = o.tools;
  if (!t.nsenter) throw new Error('nsenter is needed to exec in containers');
  // The container's root and working directory, as runc exec gives them: entering the mount
  // namespace alone leaves the process at that namespace's original root, outside the pivoted
  // one (getcwd fails, `pwd` errors). The directory is opened through /proc/PID/root before
  // nsenter enters anything, so it names the container's directory, not the host's.
  const wd = `/proc/${o.pid}/root${o.workingDir.startsWith('/') ? '' : '/'}${o.workingDir}`;
  const enter = [t.nsenter, '-t', String(o.pid), '-m', ...(o.netns ? ['-n'] : []), ...(o.uts ? ['-u'] : []), '--root', `--wd=${wd}`, '--', ...o.exec];
  if (o.cgroupProcs.length === 0) return enter;
  return [t.sh, '-c', joinThenExec, 'kubelite-exec', ...o.cgroupProcs, '--', ...enter];
}
