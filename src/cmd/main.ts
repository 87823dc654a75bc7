// The `kubelite` command line.

import { Command, InvalidArgumentError } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { gitVersion } from '../apiserver/version.js';
import { runUp } from './up.js';

function integer(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

function parseDuration(v: string): number {
  const m = /^(\d+)(ms|s|m)?$/.exec(v);
  if (!m) throw new InvalidArgumentError('a duration such as 40s, 2m or 500ms');
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

const program = new Command();
program.name('kubelite').description('A Kubernetes in TypeScript that the real kubectl drives').version(gitVersion);

program
  .command('up')
  .description('run a cluster in the foreground until SIGINT or SIGTERM')
  .option('--data-dir <dir>', 'where state, certificates and kubeconfig.yaml live', join(homedir(), '.kubelite'))
  .option('--port <port>', 'HTTPS port of the API server (0 picks a free one)', integer('--port', 0, 65535), 6443)
  .option('--host <address>', 'address the API server listens on', '127.0.0.1')
  .option('--runtime <runtime>', 'auto | containerd | process | simulated', 'auto')
  .option('--nodes <n>', 'number of nodes', integer('--nodes', 0, 100000), 1)
  .option('--service-cidr <cidr>', 'range for Service cluster IPs', '10.43.0.0/16')
  .option('--registry-config <file>', "k3s's registries.yaml for image pulls")
  .option('--node-monitor-grace-period <duration>', 'how long a node may miss heartbeats before it is NotReady (e.g. 50s)', parseDuration, 50_000)
  .action(async (opts) => {
    await runUp(opts);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
