// Nothing a process runtime starts may outlive it for long. Three lines of defence, one script:
//
// 1. close() stops every container (SIGTERM, then SIGKILL) and tears down every network.
// 2. A guardian: a small detached shell that blocks reading a pipe whose other end only this
//    Node process holds. When kubelite dies in any way (kill -9 included) the pipe reaches EOF and
//    the guardian runs the cleanup below at once; close() tells it `stop` instead.
// 3. start() runs the same cleanup first, for whatever an earlier run left when even the guardian
//    could not finish (a reboot mid-way, a kill of the guardian itself).
//
// The cleanup finds everything by the runtime's names: process groups recorded in pid files
// (checked against their start time, so a reused PID is never hit), every process in the
// runtime's cgroups, processes carrying its environment marker (rootless mode), its tmpfs of
// container layers, network namespaces and veths with its prefix, and its bridge.

import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { run } from './run.js';

export interface CleanupTargets {
  sh: string;
  /** Directory of pid files: `<pid> <start time in clock ticks>` of each process group leader. */
  pidsDir: string;
  ip?: string;
  netnsPrefix: string;
  vethPrefix: string;
  bridge: string;
  /** `NAME=prefix`: processes with an environment entry starting so are the runtime's (an ERE-safe string). */
  envMarker?: string;
  /** The tmpfs of container layers, unmounted. */
  layersDir?: string;
  cgroupRoots: string[];
}

const cleanupBody = String.raw`
set +e
pids=$1 ipt=$2 nsp=$3 vp=$4 br=$5 marker=$6 layers=$7
shift 7
starttime() {
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=\${s##*) }
  set -- $s
  echo "\${20}"
}
for f in "$pids"/*; do
  [ -f "$f" ] || continue
  pid= start=
  read -r pid start < "$f"
  case $pid in ''|*[!0-9]*) rm -f "$f"; continue;; esac
  if [ "$(starttime "$pid")" = "$start" ]; then
    kill -KILL -- "-$pid" 2>/dev/null
    kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$f"
done
if [ -n "$marker" ]; then
  for e in $(grep -lzE -- "^$marker" /proc/[0-9]*/environ 2>/dev/null); do
    p=\${e#/proc/}
    p=\${p%/environ}
    [ "$p" = "$$" ] || kill -KILL "$p" 2>/dev/null
  done
fi
for root in "$@"; do
  [ -d "$root" ] || continue
  for i in 1 2 3 4 5 6 7 8 9 10; do
    found=
    for procs in $(find "$root" -name cgroup.procs 2>/dev/null); do
      while read -r p; do
        found=1
        kill -KILL "$p" 2>/dev/null
      done < "$procs"
    done
    [ -z "$found" ] && break
    sleep 0.1
  done
  find "$root" -depth -type d -exec rmdir {} + 2>/dev/null
done
if [ -n "$layers" ]; then
  n=0
  while [ $n -lt 10 ] && umount -l "$layers" 2>/dev/null; do n=$((n + 1)); done
fi
if [ -n "$ipt" ]; then
  for n in /run/netns/"$nsp"*; do
    [ -e "$n" ] && "$ipt" netns del "\${n##*/}" 2>/dev/null
  done
  for l in /sys/class/net/"$vp"*; do
    [ -e "$l" ] && "$ipt" link del dev "\${l##*/}" 2>/dev/null
  done
  [ -e "/sys/class/net/$br" ] && "$ipt" link del dev "$br" 2>/dev/null
fi
exit 0
`.replace(/\\\$/g, '$');

/** The cleanup as a shell script taking the targets as arguments (`sh -c SCRIPT sh ARGS`). */
export function cleanupScript(): string {
  return cleanupBody;
}

export function cleanupArgs(t: CleanupTargets): string[] {
  return [t.pidsDir, t.ip ?? '', t.netnsPrefix, t.vethPrefix, t.bridge, t.envMarker ?? '', t.layersDir ?? '', ...t.cgroupRoots];
}

/** Runs the cleanup now and waits for it. */
export async function cleanupNow(t: CleanupTargets): Promise<void> {
  await run(t.sh, ['-c', cleanupBody, 'kubelite-cleanup', ...cleanupArgs(t)], { timeoutMs: 30_000 });
}

const guardianBody = `trap '' HUP INT
read -r line
[ "$line" = stop ] && exit 0
` + cleanupBody;

/** The guardian of a runtime; stop() dismisses it (after close() cleaned up itself). */
export class Guardian {
  private child: ChildProcess | undefined;

  constructor(private readonly targets: CleanupTargets, private readonly logFile?: string) {}

  start(): void {
    let logFd: number | 'ignore' = 'ignore';
    if (this.logFile) {
      try {
        logFd = openSync(this.logFile, 'a');
      } catch {
        logFd = 'ignore';
      }
    }
    this.child = spawn(this.targets.sh, ['-c', guardianBody, 'kubelite-guardian', ...cleanupArgs(this.targets)], {
      stdio: ['pipe', logFd, logFd],
      detached: true,
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
    });
    if (typeof logFd === 'number') closeSync(logFd);
    this.child.on('error', () => {});
    this.child.stdin?.on('error', () => {});
    // Neither the guardian nor its pipe keeps the event loop alive: when Node exits, the pipe closes.
    this.child.unref();
    (this.child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Dismisses the guardian without a cleanup. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end('stop\n');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
  }
}
