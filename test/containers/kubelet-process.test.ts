// Issue 4's acceptance on the host-process runtime: `kubelite up --runtime process` runs the
// seed pods as host processes (isolated in their own namespaces and cgroups as root), driven by
// the real kubectl. See seed-pods.case.ts.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubelite } from '../e2e/harness.js';
import { seedPodsSuite } from './seed-pods.case.js';

/** Why pods cannot be isolated here (their own network, mounts, memory limits), if they can't. */
function whyNoIsolation(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root: without it, host processes share the node (no pod network, mounts or memory limits)';
  for (const tool of ['ip', 'nsenter', 'unshare', 'mount', 'pivot_root', 'setpriv', 'busybox']) {
    if (!['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, tool)))) return `${tool} is not installed (iproute2, util-linux, busybox-static)`;
  }
  return undefined;
}

seedPodsSuite({
  runtime: 'process',
  skip: whyNoIsolation(),
  async start() {
    const dataDir = mkdtempSync(join(tmpdir(), 'acc-process-'));
    const cluster = await startKubelite({
      dataDir,
      args: ['--runtime', 'process', '--node-name', 'acc-process', '--cluster-cidr', '198.19.64.0/20', '--service-cidr', '198.18.64.0/24'],
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
