// Names of what a process runtime creates on the host, all derived from one tag (a hash of its
// state directory) so that two runtimes on one machine never collide and a later run, or the
// guardian, can find every leftover by prefix.

import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

export interface RuntimeNames {
  tag: string;
  /** The per-node bridge (at most 15 characters, as Linux allows). */
  bridge: string;
  /** Prefix of the runtime's network namespaces under /run/netns. */
  netnsPrefix: string;
  /** Prefix of host-side veth names. */
  vethPrefix: string;
  /** The runtime's directory in each cgroup hierarchy. */
  cgroupRoot: string;
  /** The environment marker of processes when no cgroup tracks them. */
  envMarker: string;
}

export function runtimeTag(stateDir: string): string {
  return createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 6);
}

export function runtimeNames(stateDir: string): RuntimeNames {
  const tag = runtimeTag(stateDir);
  return {
    tag,
    bridge: `kpbr${tag}`,
    netnsPrefix: `kubelite-${tag}-`,
    vethPrefix: `kp${tag}`,
    cgroupRoot: `kubelite-process-${tag}`,
    envMarker: `KUBELITE_PROCESS_RUNTIME`,
  };
}

/** A 64-hex-digit ID, like containerd's. */
export function newId(): string {
  return randomBytes(32).toString('hex');
}

export function netnsName(names: RuntimeNames, sandboxId: string): string {
  return `${names.netnsPrefix}${sandboxId.slice(0, 12)}`;
}

export function vethName(names: RuntimeNames, sandboxId: string): string {
  return `${names.vethPrefix}${sandboxId.slice(0, 15 - names.vethPrefix.length)}`;
}
