// The proxy's hands on the kernel: iptables-restore --noflush (so only our chains change, in
// one transaction per call) and iptables-save to find what an earlier instance left behind.
// An interface, so the runner is tested without root.

import { spawn } from 'node:child_process';
import type { ChainNames } from './chains.js';
import { cleanupPayload, jumpsPayload } from './iptables-rules.js';

export interface Iptables {
  /** Applies an iptables-restore payload without flushing other chains. */
  restore(payload: string): Promise<void>;
  /** iptables-save of one table. */
  save(table: 'filter' | 'nat'): Promise<string>;
}

function runWithInput(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
    if (child.stdin) {
      // A command that exits early (bad payload) closes its stdin: its exit status reports it.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

/** The iptables commands (nf_tables or legacy, whichever `iptables` is here). */
export class SystemIptables implements Iptables {
  constructor(private readonly commands = { restore: 'iptables-restore', save: 'iptables-save' }) {}

  async restore(payload: string): Promise<void> {
    await runWithInput(this.commands.restore, ['-w', '--noflush'], payload);
  }

  save(table: 'filter' | 'nat'): Promise<string> {
    return runWithInput(this.commands.save, ['-t', table]);
  }
}

/** Removes every chain of this instance and every jump to them; returns how many rules and chains went. */
export async function removeAll(ipt: Iptables, chains: ChainNames): Promise<number> {
  let removed = 0;
  for (const table of ['nat', 'filter'] as const) {
    const payload = cleanupPayload(table, await ipt.save(table), chains);
    if (!payload) continue;
    await ipt.restore(payload);
    removed += payload.split('\n').filter((l) => l.startsWith('-D ') || l.startsWith('-X ')).length;
  }
  return removed;
}

/** Creates our fixed chains and the jumps into them (call after removeAll: it does not check for duplicates). */
export async function installJumps(ipt: Iptables, chains: ChainNames): Promise<void> {
  await ipt.restore(jumpsPayload(chains));
}
