// Issue 4's acceptance on containerd: `kubelite up --runtime containerd` runs the seed pods in
// containers, from the local busybox test image imported with `kubelite image import`, driven by
// the real kubectl. Skipped, with the reason, where containerd or root is missing. See
// seed-pods.case.ts.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kubeliteEntry, startKubelite } from '../e2e/harness.js';
import { ensureTestImages, whyNoContainers } from '../../src/kubelet/runtime/cri/testing.js';
import { seedPodsSuite } from './seed-pods.case.js';

const run = promisify(execFile);

seedPodsSuite({
  runtime: 'containerd',
  skip: await whyNoContainers(),
  async start() {
    const images = await ensureTestImages();
    const dataDir = mkdtempSync(join(tmpdir(), 'acc-containerd-'));
    const cluster = await startKubelite({
      dataDir,
      args: ['--runtime', 'containerd', '--node-name', 'acc-containerd', '--cluster-cidr', '198.19.80.0/20', '--service-cidr', '198.18.65.0/24'],
    });
    const stop = cluster.stop.bind(cluster);
    cluster.stop = async (signal) => {
      const code = await stop(signal);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    };
    try {
      // As a user does: import the image into the node's containerd (no registry is reachable).
      await run(process.execPath, [...kubeliteEntry(), 'image', 'import', images.busyboxTar, '--data-dir', dataDir, '--name', 'docker.io/library/busybox']);
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  },
});
