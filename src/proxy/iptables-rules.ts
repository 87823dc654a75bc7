// The heart of the service proxy, with no I/O: service ports (and the caller's local services)
// in, the iptables-restore text of this proxy's own chains out, in kube-proxy's shape:
//
//   nat   PREROUTING/OUTPUT → <p>-SERVICES: cluster, external and load-balancer IPs → <p>-SVC-… or
//                                           <p>-EXT-…; last, local destinations → <p>-NODEPORTS
//         <p>-NODEPORTS  node port → <p>-EXT-… (mark for masquerade, then <p>-SVC-… or <p>-SVL-…)
//         <p>-SVC-…      mark traffic from outside the pod ranges; ClientIP affinity (recent);
//                        one rule per endpoint with `statistic --mode random --probability
//                        1/(n-i)`, so each of n endpoints gets 1/n of new connections
//         <p>-SEP-…      mark hairpin traffic (a pod reaching itself); DNAT to the endpoint
//         POSTROUTING → <p>-POSTROUTING: MASQUERADE what carries the mark
//   filter <p>-SERVICES / <p>-EXTERNAL-SERVICES: REJECT (or DROP, for Local external traffic)
//         a service port that has no endpoint, so clients fail at once;
//         <p>-FORWARD accepts marked and established traffic; <p>-FIREWALL drops packets from
//         outside to 127/8 (route_localnet lets them be routed; see localnet.ts)
//
// <p> is the instance prefix (chains.ts), so several nodes' proxies live side by side.

import type { ChainNames } from './chains.js';
import type { Protocol, ProxyEndpoint, ServicePortInfo } from './service-ports.js';

/**
 * A service answered on the node's loopback that pods reach at a virtual address, e.g. the
 * cluster DNS server: `{ ip: <kube-dns ClusterIP>, port: 53, protocol: 'UDP', to: '127.0.0.1:5353' }`.
 */
export interface LocalService {
  ip: string;
  port: number;
  protocol: Protocol;
  /** "127.0.0.1:N" (or any "ip:port"). */
  to: string;
  /** For the rule's comment. */
  name?: string;
}

export interface RulesetInput {
  chains: ChainNames;
  servicePorts: ServicePortInfo[];
  /** The cluster's pod ranges: traffic to a cluster IP from outside them is masqueraded. */
  podCIDRs?: string[];
  /** Where node ports answer (CIDRs); default every local address (`addrtype LOCAL`), as kube-proxy. */
  nodePortAddresses?: string[];
  localServices?: LocalService[];
  /** The packet mark asking for masquerade (kube-proxy's 0x4000). */
  masqueradeMark?: string;
}

export interface TableRules {
  /** Every chain of ours in this table (declared, so flushed, by the restore). */
  chains: string[];
  /** `-A …` lines. */
  rules: string[];
}

export interface Ruleset {
  filter: TableRules;
  nat: TableRules;
}

export const defaultMasqueradeMark = '0x4000';

/** `-m comment --comment "…"`, quoted as iptables-restore reads it. */
function comment(text: string): string {
  return `-m comment --comment "${text.replace(/["\\]/g, '')}"`;
}

function protoMatch(protocol: Protocol): string {
  const p = protocol.toLowerCase();
  return `-p ${p} -m ${p}`;
}

function host(ip: string): string {
  return ip.includes('/') ? ip : `${ip}/32`;
}

/** 1/(n-i) with ten decimals, as kube-proxy prints it. */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

class Table {
  readonly chains: string[] = [];
  readonly rules: string[] = [];
  private declared = new Set<string>();

  chain(name: string): this {
    if (!this.declared.has(name)) {
      this.declared.add(name);
      this.chains.push(name);
    }
    return this;
  }

  add(chain: string, rule: string): void {
    this.chain(chain);
    this.rules.push(`-A ${chain} ${rule}`);
  }

  done(): TableRules {
    return { chains: this.chains, rules: this.rules };
  }
}

export function renderRuleset(input: RulesetInput): Ruleset {
  const c = input.chains;
  const mark = input.masqueradeMark ?? defaultMasqueradeMark;
  const podCIDRs = input.podCIDRs ?? [];
  const nat = new Table();
  const filter = new Table();

  // Fixed chains first, so they exist whatever the services.
  nat.chain(c.services).chain(c.nodePorts).chain(c.postrouting).chain(c.markMasq);
  filter.chain(c.filterServices).chain(c.filterExternalServices).chain(c.forward).chain(c.firewall);

  nat.add(c.postrouting, `-m mark ! --mark ${mark}/${mark} -j RETURN`);
  // Clear the mark so a re-routed packet (or another node's proxy) does not masquerade twice.
  nat.add(c.postrouting, `-j MARK --xor-mark ${mark}`);
  nat.add(c.postrouting, `${comment('kubelite service traffic requiring SNAT')} -j MASQUERADE --random-fully`);
  nat.add(c.markMasq, `-j MARK --or-mark ${mark}`);

  filter.add(c.forward, `-m conntrack --ctstate INVALID -j DROP`);
  filter.add(c.forward, `${comment('kubelite forwarding rules')} -m mark --mark ${mark}/${mark} -j ACCEPT`);
  filter.add(c.forward, `${comment('kubelite forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
  filter.add(c.firewall, `${comment('block incoming localnet connections')} ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`);

  // Traffic to a cluster IP from outside the pod ranges is masqueraded, so replies come back
  // through this node. One range: `! -s`; several: a chain that returns for each of them.
  let masqOutside: ((match: string, comment: string) => string) | undefined;
  if (podCIDRs.length === 1) {
    masqOutside = (match, text) => `${comment(text)} ${match} ! -s ${podCIDRs[0]} -j ${c.markMasq}`;
  } else if (podCIDRs.length > 1) {
    const chain = `${c.prefix}-MASQ-OUTSIDE`;
    for (const cidr of podCIDRs) nat.add(chain, `-s ${cidr} -j RETURN`);
    nat.add(chain, `-j ${c.markMasq}`);
    masqOutside = (match, text) => `${comment(text)} ${match} -j ${chain}`;
  }

  const localKeys = new Set<string>();
  for (const ls of input.localServices ?? []) {
    localKeys.add(`${ls.ip}:${ls.port}/${ls.protocol}`);
    nat.add(c.services, `${comment(`local service ${ls.name ?? `${ls.ip}:${ls.port}`}`)} ${protoMatch(ls.protocol)} -d ${host(ls.ip)} --dport ${ls.port} -j DNAT --to-destination ${ls.to}`);
  }

  const endpointChainsWritten = new Set<string>();
  for (const sp of input.servicePorts) {
    if (localKeys.has(`${sp.clusterIP}:${sp.port}/${sp.protocol}`)) continue;
    renderServicePort(sp);
  }

  // Node ports last: their match (any local address) would otherwise shadow cluster IPs that
  // happen to be local.
  const nodePortsComment = comment('kubelite service nodeports; NOTE: this must be the last rule in this chain');
  if (input.nodePortAddresses?.length) {
    for (const cidr of input.nodePortAddresses) nat.add(c.services, `${nodePortsComment} -d ${host(cidr)} -j ${c.nodePorts}`);
  } else {
    nat.add(c.services, `${nodePortsComment} -m addrtype --dst-type LOCAL -j ${c.nodePorts}`);
  }

  return { filter: filter.done(), nat: nat.done() };

  function renderServicePort(sp: ServicePortInfo): void {
    const spn = sp.servicePortName;
    const proto = protoMatch(sp.protocol);
    const svcChain = c.clusterChain(spn, sp.protocol);
    const svlChain = c.localChain(spn, sp.protocol);
    const extChain = c.externalChain(spn, sp.protocol);
    const hasExternal = sp.nodePort > 0 || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
    const internalEndpoints = sp.internalLocal ? sp.localEndpoints : sp.clusterEndpoints;
    const externalEndpoints = sp.externalLocal ? sp.localEndpoints : sp.clusterEndpoints;
    const internalChain = sp.internalLocal ? svlChain : svcChain;
    const externalPolicyChain = sp.externalLocal ? svlChain : svcChain;
    const clusterIPMatch = `${proto} -d ${host(sp.clusterIP)} --dport ${sp.port}`;

    const writeCluster = sp.clusterEndpoints.length > 0 && (!sp.internalLocal || (hasExternal && externalEndpoints.length > 0));
    const writeLocal = sp.localEndpoints.length > 0 && (sp.internalLocal || (hasExternal && sp.externalLocal));

    // Cluster IP.
    if (internalEndpoints.length > 0) {
      nat.add(c.services, `${comment(`${spn} cluster IP`)} ${clusterIPMatch} -j ${internalChain}`);
    } else {
      const why = sp.internalLocal ? 'has no local endpoints' : 'has no endpoints';
      filter.add(c.filterServices, `${comment(`${spn} ${why}`)} ${clusterIPMatch} -j REJECT --reject-with icmp-port-unreachable`);
    }

    // Node port, external IPs, load-balancer IPs.
    if (hasExternal) {
      if (externalEndpoints.length > 0) {
        for (const ip of sp.externalIPs) nat.add(c.services, `${comment(`${spn} external IP`)} ${proto} -d ${host(ip)} --dport ${sp.port} -j ${extChain}`);
        for (const ip of sp.loadBalancerIPs) nat.add(c.services, `${comment(`${spn} loadbalancer IP`)} ${proto} -d ${host(ip)} --dport ${sp.port} -j ${extChain}`);
        if (sp.nodePort > 0) nat.add(c.nodePorts, `${comment(spn)} ${proto} --dport ${sp.nodePort} -j ${extChain}`);
        if (sp.externalLocal) {
          // Pods and the node itself have no client IP worth keeping: they may use any endpoint.
          if (sp.clusterEndpoints.length > 0) {
            for (const cidr of podCIDRs) nat.add(extChain, `${comment(`pod traffic for ${spn} external destinations`)} -s ${cidr} -j ${svcChain}`);
            nat.add(extChain, `${comment(`masquerade LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j ${c.markMasq}`);
            nat.add(extChain, `${comment(`route LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j ${svcChain}`);
          }
        } else {
          nat.add(extChain, `${comment(`masquerade traffic for ${spn} external destinations`)} -j ${c.markMasq}`);
        }
        nat.add(extChain, `-j ${externalPolicyChain}`);
      } else {
        // kube-proxy drops (rather than rejects) Local external traffic without a local endpoint.
        const target = sp.externalLocal ? 'DROP' : 'REJECT --reject-with icmp-port-unreachable';
        const why = sp.externalLocal ? 'has no local endpoints' : 'has no endpoints';
        for (const ip of sp.externalIPs) filter.add(c.filterExternalServices, `${comment(`${spn} ${why}`)} ${proto} -d ${host(ip)} --dport ${sp.port} -j ${target}`);
        for (const ip of sp.loadBalancerIPs) filter.add(c.filterExternalServices, `${comment(`${spn} ${why}`)} ${proto} -d ${host(ip)} --dport ${sp.port} -j ${target}`);
        if (sp.nodePort > 0) filter.add(c.filterExternalServices, `${comment(`${spn} ${why}`)} -m addrtype --dst-type LOCAL ${proto} --dport ${sp.nodePort} -j ${target}`);
      }
    }

    if (writeCluster) {
      if (masqOutside) nat.add(svcChain, masqOutside(clusterIPMatch, `${spn} cluster IP`));
      spreadOver(svcChain, sp.clusterEndpoints);
    }
    if (writeLocal) spreadOver(svlChain, sp.localEndpoints);

    function spreadOver(chain: string, endpoints: ProxyEndpoint[]): void {
      const seps = endpoints.map((ep) => ({ ep, chain: c.endpointChain(spn, sp.protocol, `${ep.ip}:${ep.port}`) }));
      if (sp.affinitySeconds > 0) {
        for (const { ep, chain: sep } of seps) {
          nat.add(chain, `${comment(`${spn} -> ${ep.ip}:${ep.port}`)} -m recent --name ${sep} --mask 255.255.255.255 --rsource --rcheck --seconds ${sp.affinitySeconds} --reap -j ${sep}`);
        }
      }
      seps.forEach(({ ep, chain: sep }, i) => {
        const left = seps.length - i;
        const pick = left > 1 ? ` -m statistic --mode random --probability ${probability(left)}` : '';
        nat.add(chain, `${comment(`${spn} -> ${ep.ip}:${ep.port}`)}${pick} -j ${sep}`);
      });
      for (const { ep, chain: sep } of seps) {
        if (endpointChainsWritten.has(sep)) continue;
        endpointChainsWritten.add(sep);
        nat.add(sep, `${comment(spn)} -s ${host(ep.ip)} -j ${c.markMasq}`);
        const remember = sp.affinitySeconds > 0 ? ` -m recent --name ${sep} --mask 255.255.255.255 --rsource --set` : '';
        nat.add(sep, `${comment(spn)}${remember} ${proto} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
      }
    }
  }
}

/**
 * One iptables-restore payload (for `--noflush`): declares every chain of ours (which flushes
 * it), writes the rules, and deletes chains we wrote before and no longer need.
 */
export function restorePayload(ruleset: Ruleset, stale: { filter?: Iterable<string>; nat?: Iterable<string> } = {}): string {
  const out: string[] = [];
  for (const table of ['filter', 'nat'] as const) {
    const t = ruleset[table];
    const current = new Set(t.chains);
    const gone = [...(stale[table] ?? [])].filter((ch) => !current.has(ch));
    out.push(`*${table}`);
    for (const ch of [...t.chains, ...gone]) out.push(`:${ch} - [0:0]`);
    out.push(...t.rules);
    for (const ch of gone) out.push(`-X ${ch}`);
    out.push('COMMIT');
  }
  return out.join('\n') + '\n';
}

export interface JumpRule {
  table: 'filter' | 'nat';
  /** A built-in chain. */
  chain: string;
  /** The rule's arguments in iptables-restore syntax (without `-A chain`). */
  rule: string;
}

/** The rules in built-in chains that send traffic into ours (kube-proxy's iptablesJumpChains). */
export function jumpRules(c: ChainNames): JumpRule[] {
  const tag = c.prefix;
  return [
    { table: 'nat', chain: 'PREROUTING', rule: `${comment(`kubelite service portals ${tag}`)} -j ${c.services}` },
    { table: 'nat', chain: 'OUTPUT', rule: `${comment(`kubelite service portals ${tag}`)} -j ${c.services}` },
    { table: 'nat', chain: 'POSTROUTING', rule: `${comment(`kubelite postrouting rules ${tag}`)} -j ${c.postrouting}` },
    { table: 'filter', chain: 'INPUT', rule: `-m conntrack --ctstate NEW ${comment(`kubelite externally-visible service portals ${tag}`)} -j ${c.filterExternalServices}` },
    { table: 'filter', chain: 'INPUT', rule: `${comment(`kubelite localnet firewall ${tag}`)} -j ${c.firewall}` },
    { table: 'filter', chain: 'FORWARD', rule: `-m conntrack --ctstate NEW ${comment(`kubelite service portals ${tag}`)} -j ${c.filterServices}` },
    { table: 'filter', chain: 'FORWARD', rule: `-m conntrack --ctstate NEW ${comment(`kubelite externally-visible service portals ${tag}`)} -j ${c.filterExternalServices}` },
    { table: 'filter', chain: 'FORWARD', rule: `${comment(`kubelite forwarding rules ${tag}`)} -j ${c.forward}` },
    { table: 'filter', chain: 'OUTPUT', rule: `-m conntrack --ctstate NEW ${comment(`kubelite service portals ${tag}`)} -j ${c.filterServices}` },
  ];
}

/**
 * The payload that inserts the jumps to our fixed chains at the top of the built-in ones. The
 * chains must exist (apply a ruleset first); they are not declared here, since declaring a
 * chain in a restore flushes it.
 */
export function jumpsPayload(c: ChainNames): string {
  const jumps = jumpRules(c);
  const out: string[] = [];
  for (const table of ['filter', 'nat'] as const) {
    out.push(`*${table}`);
    // Inserted in reverse so they end up at the top in the listed order.
    for (const j of [...jumps].reverse()) if (j.table === table) out.push(`-I ${j.chain} 1 ${j.rule}`);
    out.push('COMMIT');
  }
  return out.join('\n') + '\n';
}

/**
 * From `iptables-save` output of one table, the payload that removes everything of ours: the
 * jumps in built-in (or anyone's) chains, then our chains. Empty when there is nothing.
 */
export function cleanupPayload(table: 'filter' | 'nat', saved: string, c: ChainNames): string {
  const ours: string[] = [];
  const jumps: string[] = [];
  for (const line of saved.split('\n')) {
    const declared = /^:(\S+) /.exec(line);
    if (declared && c.owns(declared[1]!)) ours.push(declared[1]!);
    const rule = /^-A (\S+) (.*)$/.exec(line);
    if (rule && !c.owns(rule[1]!) && new RegExp(`-[jg] ${c.prefix}-`).test(rule[2]!)) jumps.push(`-D ${rule[1]} ${rule[2]}`);
  }
  if (ours.length === 0 && jumps.length === 0) return '';
  return [`*${table}`, ...ours.map((ch) => `:${ch} - [0:0]`), ...jumps, ...ours.map((ch) => `-X ${ch}`), 'COMMIT'].join('\n') + '\n';
}
