// The `kubelite` command line.

import { Command, InvalidArgumentError, Option } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { gitVersion } from '../apiserver/version.js';
import { runUp } from './up.js';
import { runAgentCommand } from './agent.js';
import { imageImport, imageList } from './image.js';

function integer(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** 40s, 2m, 500ms, 1h, 1h30m (Go's form, as Kubernetes flags take); a bare number is seconds. */
function parseDuration(v: string): number {
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const parts = /^(?:\d+(?:ms|s|m|h))+$/.test(v) ? [...v.matchAll(/(\d+)(ms|s|m|h)/g)] : [];
  if (parts.length === 0) throw new InvalidArgumentError('a duration such as 40s, 2m, 500ms or 1h30m');
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * unitMs[unit], 0);
}

/** An option taking a duration, whose help shows its default as written (50s, not 50000). */
function durationOption(flags: string, description: string, defaultValue: string): Option {
  return new Option(flags, description).argParser(parseDuration).default(parseDuration(defaultValue), defaultValue);
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
  .option('--nodes <n>', 'number of nodes; with a real runtime the first runs pods here, the others are simulated', integer('--nodes', 0, 100000), 1)
  .option('--node-name <name>', 'name of the node on this machine (default: the host name)')
  .option('--service-cidr <cidr>', 'range for Service cluster IPs', '10.43.0.0/16')
  .option('--cluster-cidr <cidr>', 'range for pod IPs, a /24 per real node', '10.42.0.0/16')
  .option('--registry-config <file>', "k3s's registries.yaml for image pulls")
  .addOption(durationOption('--node-monitor-grace-period <duration>', 'how long a node may miss heartbeats before it is NotReady', '50s'))
  .addOption(durationOption('--event-ttl <duration>', 'how long Events are kept after their last write', '1h'))
  .action(async (opts) => {
    await runUp(opts);
  });

program
  .command('agent')
  .description('join this machine to a cluster as a node, in the foreground until SIGINT or SIGTERM')
  .requiredOption('--server <url>', 'the API server, https://HOST:PORT')
  .requiredOption('--token <token>', 'the join token (printed by kubelite up)')
  .option('--ca-cert-hash <sha256:hex>', "pin of the cluster CA's public key (printed by kubelite up); without it or --ca-file the CA is trusted unchecked")
  .option('--ca-file <file>', 'the cluster CA certificate, instead of a pin')
  .option('--name <name>', 'node name (default: the host name; each node on one machine needs its own)')
  .option('--runtime <runtime>', 'auto (containerd when it can run here, else host processes) | containerd | process', 'auto')
  .option('--data-dir <dir>', "where the node keeps its state and its containerd (default ~/.kubelite/agent-NAME)")
  .option('--port <port>', 'port of the kubelet API (default 10250, or a free one when taken)', integer('--port', 0, 65535))
  .option('--node-ip <address>', "the node's InternalIP (default: the host's first IPv4 address)")
  .option('--registry-config <file>', "k3s's registries.yaml for image pulls")
  .action(async (opts) => {
    if (!['auto', 'containerd', 'process'].includes(opts.runtime)) {
      console.error(`error: --runtime must be auto, containerd or process, not "${opts.runtime}"`);
      process.exit(2);
    }
    await runAgentCommand({ ...opts, nodeIP: opts.nodeIp });
  })
  .addHelpText(
    'after',
    `
\`kubelite up\` prints the command to run, with its server, token and CA pin:
  kubelite agent --server https://10.0.0.1:6443 --token abcdef.0123456789abcdef --ca-cert-hash sha256:… --name node-2
Several agents run on one machine when each has its own --name and --data-dir: each starts its
own containerd, bridge and pod range. SIGINT or SIGTERM stops the node's pods and its containerd.`,
  );

const image = program
  .command('image')
  .description("manage the images of a containerd node on this machine (kubelite up's, or an agent's with --data-dir)")
  .addHelpText(
    'after',
    `
Examples:
  kubelite image import busybox.tar --name busybox:1.36       an OCI archive that names only a tag
  kubelite image import app.tar                               a docker save archive (names its images)
  kubelite image ls --data-dir ~/.kubelite/agent-node-2       an agent's node
Pods use an imported image with imagePullPolicy: Never or IfNotPresent.`,
  );
image
  .command('import <file>')
  .description('import an image archive (docker save, or an OCI layout tar) into the node')
  .option('--data-dir <dir>', 'the data directory of kubelite up or kubelite agent', join(homedir(), '.kubelite'))
  .option('--node <name>', 'the node, when several run here')
  .option('--name <name>', 'name for an OCI archive that names only a tag, e.g. busybox or busybox:1.36 (a tag here replaces the archive\'s)')
  .action(async (file: string, opts) => {
    await imageImport(file, opts);
  });
image
  .command('ls')
  .description("list the node's images, as crictl images does")
  .option('--data-dir <dir>', 'the data directory of kubelite up or kubelite agent', join(homedir(), '.kubelite'))
  .option('--node <name>', 'the node, when several run here')
  .action(async (opts) => {
    await imageList(opts);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
