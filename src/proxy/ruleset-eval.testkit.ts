// For tests: walks a packet through an iptables-restore payload the way netfilter would, for
// the matches and targets the proxy writes, and returns every possible outcome with its
// probability (the statistic match branches). So tests can say "a connection from a pod to
// the cluster IP reaches each of the three endpoints a third of the time, unmasqueraded",
// instead of comparing rule text.

import { splitRule } from '../kubelet/runtime/cri/cni.js';
import { parseCidr, parseIPv4 } from '../kubelet/runtime/simulated/ipam.js';

export interface Packet {
  src: string;
  dst: string;
  dport: number;
  protocol?: 'tcp' | 'udp' | 'sctp';
  /** The host's own addresses (addrtype LOCAL). */
  localAddresses?: string[];
  /** recent-module lists holding the source (ClientIP affinity already seen). */
  recent?: string[];
}

export interface Outcome {
  probability: number;
  /** "ip:port" after DNAT, if any. */
  dnat?: string;
  /** The masquerade mark was set. */
  masquerade: boolean;
  /** A terminal verdict other than falling through. */
  verdict?: 'REJECT' | 'DROP' | 'ACCEPT';
  /** recent lists the DNAT rule would record the source in. */
  recentSet: string[];
}

export type Tables = Record<string, Record<string, string[][]>>;

/** Parses a payload (several *table … COMMIT sections) into rules per chain. */
export function parsePayload(payload: string): Tables {
  const tables: Tables = {};
  let table: Record<string, string[][]> | undefined;
  for (const line of payload.split('\n')) {
    if (line.startsWith('*')) table = tables[line.slice(1)] ??= {};
    else if (line.startsWith(':')) table![line.slice(1).split(' ')[0]!] ??= [];
    else if (line.startsWith('-A ')) {
      const args = splitRule(line);
      table![args[1]!]!.push(args.slice(2));
    }
  }
  return tables;
}

function inCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr.includes('/') ? cidr : `${cidr}/32`);
  const n = parseIPv4(ip)!;
  const mask = c.bits === 0 ? 0 : (~0 << (32 - c.bits)) >>> 0;
  return ((n & mask) >>> 0) === ((c.base & mask) >>> 0);
}

interface State {
  probability: number;
  masquerade: boolean;
}

/** Every outcome of sending the packet into `chain` of the nat (or filter) table. */
export function evaluate(tables: Tables, table: string, chain: string, packet: Packet): Outcome[] {
  const rules = tables[table] ?? {};
  const protocol = packet.protocol ?? 'tcp';
  const local = new Set(['127.0.0.1', ...(packet.localAddresses ?? [])]);
  const isLocal = (ip: string) => local.has(ip) || inCidr(ip, '127.0.0.0/8');
  const outcomes: Outcome[] = [];

  // Returns the states that fell through the chain (RETURN or end), having recorded terminal ones.
  function walk(name: string, state: State): State[] {
    const chainRules = rules[name];
    if (!chainRules) throw new Error(`no chain ${name}`);
    let live: State[] = [state];
    for (const args of chainRules) {
      const next: State[] = [];
      for (const s of live) {
        let p = 1;
        let matches = true;
        let target = '';
        let targetArgs: string[] = [];
        let recentSet: string[] = [];
        for (let i = 0; i < args.length && matches; i++) {
          const neg = args[i] === '!';
          if (neg) i++;
          const a = args[i]!;
          const v = args[i + 1]!;
          const check = (ok: boolean) => {
            if (ok === neg) matches = false;
          };
          switch (a) {
            case '-p':
              check(v === protocol);
              i++;
              break;
            case '-m':
              if (v === 'recent') {
                const name = args[args.indexOf('--name', i) + 1]!;
                if (args.includes('--rcheck')) check((packet.recent ?? []).includes(name));
                if (args.includes('--set')) recentSet = [name];
              }
              i++;
              break;
            case '-s':
              check(inCidr(packet.src, v));
              i++;
              break;
            case '-d':
              check(inCidr(packet.dst, v));
              i++;
              break;
            case '--dport':
              check(Number(v) === packet.dport);
              i++;
              break;
            case '--dst-type':
              check(v === 'LOCAL' && isLocal(packet.dst));
              i++;
              break;
            case '--src-type':
              check(v === 'LOCAL' && isLocal(packet.src));
              i++;
              break;
            case '--probability':
              p = Number(v);
              i++;
              break;
            case '--mark':
              check(s.masquerade);
              i++;
              break;
            case '-j':
              target = v;
              targetArgs = args.slice(i + 2);
              i = args.length;
              break;
            default:
              // --comment, --mode, --name, --seconds, --ctstate…: values we don't match on.
              if (a.startsWith('--') && args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) i++;
          }
        }
        if (!matches) {
          next.push(s);
          continue;
        }
        if (p < 1) next.push({ ...s, probability: s.probability * (1 - p) });
        const taken: State = { ...s, probability: s.probability * p };
        switch (target) {
          case 'RETURN':
            // Returns to the caller: treated as falling through this chain.
            outcomesFallThrough.push(taken);
            break;
          case 'MARK':
            next.push({ ...taken, masquerade: targetArgs[0] === '--or-mark' ? true : targetArgs[0] === '--xor-mark' ? !taken.masquerade : taken.masquerade });
            break;
          case 'DNAT':
            outcomes.push({ probability: taken.probability, masquerade: taken.masquerade, dnat: targetArgs[targetArgs.indexOf('--to-destination') + 1], recentSet });
            break;
          case 'REJECT':
          case 'DROP':
          case 'ACCEPT':
            outcomes.push({ probability: taken.probability, masquerade: taken.masquerade, verdict: target, recentSet });
            break;
          case 'MASQUERADE':
            outcomes.push({ probability: taken.probability, masquerade: true, recentSet });
            break;
          default: {
            const saved = outcomesFallThrough;
            outcomesFallThrough = [];
            const back = walk(target, taken);
            const returned = outcomesFallThrough;
            outcomesFallThrough = saved;
            next.push(...back, ...returned);
          }
        }
      }
      live = next.filter((s) => s.probability > 1e-12);
    }
    return live;
  }
  let outcomesFallThrough: State[] = [];
  const rest = walk(chain, { probability: 1, masquerade: false });
  for (const s of [...rest, ...outcomesFallThrough]) outcomes.push({ probability: s.probability, masquerade: s.masquerade, recentSet: [] });
  return merge(outcomes);
}

/** Sums outcomes that are the same apart from the path taken. */
function merge(outcomes: Outcome[]): Outcome[] {
  const byKey = new Map<string, Outcome>();
  for (const o of outcomes) {
    const key = JSON.stringify([o.dnat, o.masquerade, o.verdict, o.recentSet]);
    const prior = byKey.get(key);
    if (prior) prior.probability += o.probability;
    else byKey.set(key, { ...o });
  }
  return [...byKey.values()].sort((a, b) => (a.dnat ?? '').localeCompare(b.dnat ?? ''));
}
