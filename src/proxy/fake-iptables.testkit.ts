// For tests: an in-memory iptables that applies restore payloads (--noflush semantics: a
// declared chain is created or flushed; -A, -I, -D, -X) and prints iptables-save text, so the
// proxy's runner is tested without root, including what it leaves behind.

import type { Iptables } from './iptables.js';

type Table = Map<string, string[]>;

const builtins: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};

export class FakeIptables implements Iptables {
  readonly tables: Record<string, Table> = {};
  readonly payloads: string[] = [];

  constructor() {
    for (const [name, chains] of Object.entries(builtins)) this.tables[name] = new Map(chains.map((c) => [c, []]));
  }

  async restore(payload: string): Promise<void> {
    this.payloads.push(payload);
    // Apply to a copy: a failing line fails the whole transaction, as iptables-restore does.
    const copy: Record<string, Table> = Object.fromEntries(Object.entries(this.tables).map(([k, t]) => [k, new Map([...t].map(([c, r]) => [c, [...r]]))]));
    let table: Table | undefined;
    for (const line of payload.split('\n')) {
      if (!line || line.startsWith('#') || line === 'COMMIT') continue;
      if (line.startsWith('*')) {
        table = copy[line.slice(1)];
        if (!table) throw new Error(`no table ${line}`);
        continue;
      }
      if (!table) throw new Error(`rule outside a table: ${line}`);
      const m = /^(:|-A |-I |-D |-X )(\S+)(?: (.*))?$/.exec(line);
      if (!m) throw new Error(`cannot parse ${line}`);
      const [, op, chain, rest = ''] = m as unknown as [string, string, string, string?];
      if (op === ':') {
        table.set(chain, []);
        continue;
      }
      const rules = table.get(chain);
      if (!rules) throw new Error(`no chain ${chain} (${line})`);
      if (op === '-A ') rules.push(rest);
      else if (op === '-I ') {
        const pos = /^(\d+) (.*)$/.exec(rest);
        rules.splice(pos ? Number(pos[1]) - 1 : 0, 0, pos ? pos[2]! : rest);
      } else if (op === '-D ') {
        const i = rules.indexOf(rest);
        if (i < 0) throw new Error(`no such rule: ${line}`);
        rules.splice(i, 1);
      } else {
        for (const [other, otherRules] of table) if (otherRules.some((r) => r.endsWith(`-j ${chain}`))) throw new Error(`chain ${chain} is referenced from ${other}`);
        table.delete(chain);
      }
    }
    // Every jump must lead to an existing chain (or a target).
    for (const t of Object.values(copy)) {
      for (const rules of t.values()) {
        for (const r of rules) {
          const target = /-j (\S+)/.exec(r)?.[1];
          if (target && /^KL-/.test(target) && !t.has(target)) throw new Error(`jump to missing chain ${target}`);
        }
      }
    }
    Object.assign(this.tables, copy);
  }

  async save(table: 'filter' | 'nat'): Promise<string> {
    const t = this.tables[table]!;
    const lines = [`*${table}`];
    for (const chain of t.keys()) lines.push(builtins[table]!.includes(chain) ? `:${chain} ACCEPT [0:0]` : `:${chain} - [0:0]`);
    for (const [chain, rules] of t) for (const r of rules) lines.push(`-A ${chain} ${r}`);
    lines.push('COMMIT');
    return lines.join('\n') + '\n';
  }

  /** Every line of both tables mentioning the text. */
  grep(text: string): string[] {
    const out: string[] = [];
    for (const [name, t] of Object.entries(this.tables)) {
      for (const [chain, rules] of t) {
        if (chain.includes(text)) out.push(`${name} :${chain}`);
        for (const r of rules) if (r.includes(text) || chain.includes(text)) out.push(`${name} -A ${chain} ${r}`);
      }
    }
    return out;
  }

  rules(table: string, chain: string): string[] {
    return this.tables[table]?.get(chain) ?? [];
  }
}
