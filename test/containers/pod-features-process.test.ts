// The rest of issue 4's pod features on the host-process runtime (`kubelite up --runtime
// process`, as root: each pod in its own namespaces and cgroups), driven by the real kubectl.
// See pod-features.case.ts. The process runtime uses no images (containers run the host's
// programs), so the node lists none, and gives pods no PID namespace of their own.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubelite } from '../e2e/harness.js';
import { podFeaturesSuite } from './pod-features.case.js';

/** Why pods cannot be isolated here (their own network, mounts, limits), if they can't. */
function whyNoIsolation(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root: without it, host processes share the node (no pod network, mounts or limits)';
  for (const tool of ['ip', 'nsenter', 'unshare', 'mount', 'pivot_root', 'setpriv', 'busybox', 'script']) {
    if (!['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, tool)))) return `${tool} is not installed (iproute2, util-linux, busybox-static)`;
  }
  return undefined;
}

const nodeName = 'feat-process';

podFeaturesSuite({
  runtime: 'process',
  nodeName,
  skip: whyNoIsolation(),
  lacks: {
    images: 'the process runtime uses no images: containers run the host programs',
    pidNamespace: 'the process runtime gives pods no PID namespace of their own',
    ipcNamespace: 'the process runtime gives pods no IPC namespace of their own',
  },
  runtimeVersion: /^process:\/\/\S+$/,
  async start() {
    const dataDir = mkdtempSync(join(tmpdir(), 'feat-process-'));
    const cluster = await startKubelite({
      dataDir,
      args: ['--runtime', 'process', '--node-name', nodeName, '--cluster-cidr', '198.19.224.0/20', '--service-cidr', '198.18.224.0/24'],
    });
    const stop = cluster.stop.bind(cluster);
    cluster.stop = async (signal) => {
      const code = await stop(signal);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    };
    return cluster;
  },
});
