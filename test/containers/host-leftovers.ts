// What a stopped kubelite node may have left on this machine: processes started from its data
// directory (containerd, shims, pods' processes whose command line names it), mounts under it,
// its CNI bridge, its hostPort NAT rules and its pods' cgroups. Tests of `kubelite up` and
// `kubelite agent` assert that none is left after SIGINT/SIGTERM.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cniNetworkFor } from '../../src/kubelet/runtime/cri/cni.js';
import { containerdDirFor, containerdPaths, mountsUnder } from '../../src/kubelet/runtime/cri/containerd.js';

/** The CNI network (and bridge) of the containerd that node `nodeName` runs under `dataDir`. */
export function nodeNetwork(dataDir: string, nodeName: string): { name: string; bridge: string } {
  return cniNetworkFor(containerdPaths(containerdDirFor(dataDir, nodeName)).dir);
}

/** The pid of the node's containerd, from the pid file kubelite writes while it runs. */
export function containerdPid(dataDir: string, nodeName: string): number {
  return Number(readFileSync(containerdPaths(containerdDirFor(dataDir, nodeName)).pidFile, 'utf8').trim());
}

/** Processes whose command line mentions `text` (this test's own process excluded). */
export function processesMentioning(text: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cmd.includes(text)) out.push(`${pid} ${cmd}`);
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

export function bridgeExists(bridge: string): boolean {
  return existsSync(`/sys/class/net/${bridge}`);
}

/** NAT rules that name the network or DNAT to one of `podIPs`. */
export function natRulesFor(networkName: string, podIPs: string[] = []): string[] {
  const rules = execFileSync('iptables', ['-w', '-t', 'nat', '-S'], { encoding: 'utf8' }).split('\n');
  return rules.filter((r) => r.includes(networkName) || podIPs.some((ip) => r.includes(`--to-destination ${ip}:`)));
}

/** Pod cgroups (cgroup v1 memory controller, or v2) of these pod UIDs that still exist. */
export function podCgroups(uids: string[]): string[] {
  const roots = ['/sys/fs/cgroup/memory/kubepods', '/sys/fs/cgroup/kubepods'];
  const out: string[] = [];
  for (const root of roots) {
    for (const qos of ['', '/besteffort', '/burstable']) {
      for (const uid of uids) if (existsSync(`${root}${qos}/pod${uid}`)) out.push(`${root}${qos}/pod${uid}`);
    }
  }
  return out;
}

/** Everything a node under `dataDir` left behind, in words (empty when clean). */
export function leftovers(dataDir: string, nodeName: string, opts: { podIPs?: string[]; podUIDs?: string[] } = {}): string[] {
  const net = nodeNetwork(dataDir, nodeName);
  return [
    ...processesMentioning(dataDir).map((p) => `process ${p}`),
    ...mountsUnder(dataDir).map((m) => `mount ${m}`),
    ...(bridgeExists(net.bridge) ? [`bridge ${net.bridge}`] : []),
    ...natRulesFor(net.name, opts.podIPs).map((r) => `iptables ${r}`),
    ...podCgroups(opts.podUIDs ?? []).map((c) => `cgroup ${c}`),
  ];
}
