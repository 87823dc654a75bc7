// The host-process runtime on this machine: the ContainerRuntime conformance suite as root (pod
// network namespaces on a bridge, mount namespaces, cgroups). What is particular to it is shown
// through kubectl by the seed-pods and pod-features suites. Skipped, with the reason, where root
// or the tools are missing.

import { after, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRuntimeSuite } from '../../src/kubelet/runtime/runtime.case.js';
import { ProcessRuntime } from '../../src/kubelet/runtime/process/index.js';

const busybox = 'docker.io/library/busybox:latest';

function toolMissing(names: string[]): string | undefined {
  for (const n of names) {
    if (!['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, n)))) return n;
  }
  return undefined;
}

const whyNoRoot = (() => {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, mounts, cgroups)';
  const missing = toolMissing(['ip', 'nsenter', 'unshare', 'mount', 'umount', 'pivot_root', 'setpriv', 'busybox']);
  if (missing) return `${missing} is not installed (iproute2, util-linux, busybox-static)`;
  return false;
})();

/** A /24 for pods in 198.19.64.0/18 that no route on this machine uses yet. */
function freePodCIDR(): string {
  const routes = execFileSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  for (let i = 0; i < 200; i++) {
    const octet = 64 + Math.floor(Math.random() * 64);
    if (!routes.includes(`198.19.${octet}.`)) return `198.19.${octet}.0/24`;
  }
  throw new Error('no free /24 in 198.19.64.0/18');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const workDir = mkdtempSync(join(tmpdir(), 'kubelite-process-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

// ---- the conformance suite ----

if (whyNoRoot) {
  describe('ContainerRuntime conformance: process (root)', () => {
    it('runs as root with util-linux, iproute2 and busybox', { skip: whyNoRoot }, () => {});
  });
} else {
  const hostPort = await freePort();
  runRuntimeSuite('process', () => ProcessRuntime.start({ stateDir: join(workDir, 'suite'), podCIDR: freePodCIDR(), isolation: 'root' }), {
    image: busybox,
    hostPort,
    cgroupParent: (uid) => `/kubepods/besteffort/pod${uid}`,
  });
}
