// The rest of issue 4's pod features on containerd (`kubelite up --runtime containerd`), from
// the local busybox test image imported with `kubelite image import`, driven by the real
// kubectl. Skipped, with the reason, where containerd or root is missing. See
// pod-features.case.ts.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kubeliteEntry, startKubelite } from '../e2e/harness.js';
import { ensureTestImages, whyNoContainers } from '../../src/kubelet/runtime/cri/testing.js';
import { podFeaturesSuite } from './pod-features.case.js';

const run = promisify(execFile);
const nodeName = 'feat-containerd';

podFeaturesSuite({
  runtime: 'containerd',
  nodeName,
  skip: await whyNoContainers(),
  runtimeVersion: /^containerd:\/\/1\.\d+\.\d+/,
  async start() {
    const images = await ensureTestImages();
    const dataDir = mkdtempSync(join(tmpdir(), 'feat-containerd-'));
    const args = ['--runtime', 'containerd', '--node-name', nodeName, '--cluster-cidr', '198.19.240.0/20', '--service-cidr', '198.18.240.0/24'];
    const cluster = await startKubelite({ dataDir, args });
    const stop = cluster.stop.bind(cluster);
    cluster.stop = async (signal) => {
      const crashed = cluster.process.exitCode !== null || cluster.process.signalCode !== null;
      const code = await stop(signal);
      // A kubelite that died leaves its containerd, pods and bridge (with this pod range's
      // route) running: start it again on the same directory, which takes them back, and stop it.
      if (crashed) await startKubelite({ dataDir, args }).then((again) => again.stop(), () => undefined);
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
