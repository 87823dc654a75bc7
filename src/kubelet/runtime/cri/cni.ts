// Pod networking for a containerd node: a CNI bridge with host-local IPAM from the node's pod
// CIDR (the bridge is the gateway, .1; pods get .2, .3, …) and the portmap plugin for
// hostPorts. Each node agent gets its own bridge and network name, derived from its state
// directory, so several agents on one machine don't share a bridge or each other's rules.
// Cleanup helpers remove what the plugins leave behind when a node stops.

import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { formatCidr, parseCidr } from '../simulated/ipam.js';

const run = promisify(execFile);

export interface CniNetwork {
  /** The CNI network name (also in the portmap rules' comments). */
  name: string;
  /** Linux bridge device, at most 15 characters. */
  bridge: string;
}

/** A network and bridge name unique to one containerd instance (keyed by its directory). */
export function cniNetworkFor(instanceKey: string): CniNetwork {
  const hash = createHash('sha256').update(instanceKey).digest('hex').slice(0, 10);
  return { name: `kubelite-${hash}`, bridge: `kl-${hash}` };
}

export interface CniConfigOptions {
  network: CniNetwork;
  /** The node's pod CIDR, e.g. 198.19.0.0/24. */
  podCIDR: string;
  /** Where host-local keeps its allocations. */
  ipamDataDir: string;
  mtu?: number;
  /** Masquerade traffic from pods to addresses outside the pod CIDR (default false). */
  ipMasq?: boolean;
}

/** The conflist containerd's CRI plugin loads from its conf_dir. */
export function renderCniConfig(opts: CniConfigOptions): string {
  const cidr = parseCidr(opts.podCIDR);
  if (cidr.bits > 30) throw new Error(`pod CIDR ${opts.podCIDR} is too small for a bridge network`);
  const config = {
    cniVersion: '1.0.0',
    name: opts.network.name,
    plugins: [
      {
        type: 'bridge',
        bridge: opts.network.bridge,
        isGateway: true,
        ipMasq: opts.ipMasq ?? false,
        hairpinMode: true,
        ...(opts.mtu ? { mtu: opts.mtu } : {}),
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: formatCidr(cidr) }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: opts.ipamDataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return JSON.stringify(config, null, 2) + '\n';
}

async function tryRun(cmd: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { encoding: 'utf8' });
    return { ok: true, stdout, stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
  }
}

/** Deletes the node's bridge if it exists. */
export async function deleteBridge(bridge: string): Promise<boolean> {
  const shown = await tryRun('ip', ['link', 'show', 'dev', bridge]);
  if (!shown.ok) return false;
  const del = await tryRun('ip', ['link', 'delete', 'dev', bridge]);
  return del.ok;
}

/**
 * Removes the hostPort rules portmap left for this network (it removes them itself when a
 * sandbox is torn down; these are the ones a crash left behind), then the shared CNI-HOSTPORT
 * chains when no other network still uses them.
 */
export async function removePortmapRules(networkName: string): Promise<number> {
  const listed = await tryRun('iptables', ['-w', '-t', 'nat', '-S', 'CNI-HOSTPORT-DNAT']);
  if (!listed.ok) return 0;
  let removed = 0;
  const marker = `dnat name: \\"${networkName}\\"`;
  for (const line of listed.stdout.split('\n')) {
    if (!line.startsWith('-A CNI-HOSTPORT-DNAT ') || !line.includes(marker)) continue;
    const chain = /-j (CNI-DN-[0-9a-f]+)/.exec(line)?.[1];
    const args = splitRule(line.slice(3));
    if ((await tryRun('iptables', ['-w', '-t', 'nat', '-D', ...args])).ok) removed++;
    if (chain) {
      await tryRun('iptables', ['-w', '-t', 'nat', '-F', chain]);
      await tryRun('iptables', ['-w', '-t', 'nat', '-X', chain]);
    }
  }
  await removeSharedHostportChainsIfUnused();
  return removed;
}

/**
 * Removes the shared chains in one iptables-restore transaction, which fails as a whole when
 * another node's portmap put a rule in CNI-HOSTPORT-DNAT (or a CNI-DN chain that uses
 * CNI-HOSTPORT-SETMARK) since the check: a chain with rules, or one that is referenced, cannot
 * be deleted. Checking, then deleting rule by rule, would race with another node starting a
 * hostPort pod and take its rules away.
 */
async function removeSharedHostportChainsIfUnused(): Promise<void> {
  const all = await tryRun('iptables', ['-w', '-t', 'nat', '-S']);
  if (!all.ok) return;
  const lines = all.stdout.split('\n');
  if (lines.some((l) => l.startsWith('-A CNI-HOSTPORT-DNAT ') || /^-N CNI-DN-/.test(l))) return;
  const payload = sharedHostportCleanupPayload(lines);
  if (payload) await runWithInput('iptables-restore', ['-w', '--noflush'], payload);
}

const sharedHostportJumps = [
  '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
  '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
  '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
];

/**
 * From `iptables -t nat -S`, the transaction that removes the shared hostPort chains: the jumps
 * to them, the fixed rules of MASQ and SETMARK, then the chains. CNI-HOSTPORT-DNAT is not
 * flushed, so the transaction fails if a rule appeared in it.
 */
export function sharedHostportCleanupPayload(natRules: string[]): string | undefined {
  const present = new Set(natRules.map((l) => l.trim()));
  const chains = ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK'].filter((c) => present.has(`-N ${c}`));
  const jumps = sharedHostportJumps.filter((j) => present.has(j));
  if (!chains.length && !jumps.length) return undefined;
  return [
    '*nat',
    ...jumps.map((j) => `-D${j.slice(2)}`),
    ...chains.filter((c) => c !== 'CNI-HOSTPORT-DNAT').map((c) => `-F ${c}`),
    ...chains.map((c) => `-X ${c}`),
    'COMMIT',
    '',
  ].join('\n');
}

async function runWithInput(cmd: string, args: string[], input: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, (err) => resolve(!err));
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

/** Splits an `iptables -S` rule into arguments, honouring double quotes and \" inside them. */
export function splitRule(rule: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let inToken = false;
  for (let i = 0; i < rule.length; i++) {
    const c = rule[i]!;
    if (quoted) {
      if (c === '\\' && rule[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') {
      quoted = true;
      inToken = true;
    } else if (c === ' ') {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (inToken) out.push(cur);
  return out;
}
