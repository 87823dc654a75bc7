// Images on a containerd node, driven as a user does: `kubelite image import` puts an archive
// into the node's containerd and `kubelite image ls` lists it; a pod with imagePullPolicy
// Never runs from it; a missing image shows ErrImagePull, then ImagePullBackOff; with
// `--registry-config` (k3s's registries.yaml) a mirror on a local plain-HTTP registry serves
// an image asked for by its public name. Last, SIGINT stops `kubelite up`: its containerd,
// bridge, hostPort rules and mounts are gone.
// Skipped, with the reason, where containerd, runc, the CNI plugins or root are missing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/kubelet/runtime/cri/containerd.js';
import { ensureTestImages, startLocalRegistry, whyNoContainers, type LocalRegistry, type TestImages } from '../../src/kubelet/runtime/cri/testing.js';
import { eventually, kubeliteEntry, startKubelite, watchFromNow, type RunningCluster } from '../e2e/harness.js';
import { containerdPid, leftovers, natRulesFor, nodeNetwork } from './host-leftovers.js';

const noContainers = await whyNoContainers();
// This file's ranges (the agent test takes 198.19.96.0/21).
const clusterCIDR = '198.19.104.0/21';
const serviceCIDR = '198.18.96.0/24';

function kubeliteCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...kubeliteEntry(), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

if (noContainers) {
  describe('images on a containerd node', () => {
    it('needs containerd', { skip: noContainers }, () => {});
  });
} else {
  describe('images on a containerd node: import, ls, pull policies, registries.yaml mirrors', { timeout: 300_000 }, () => {
    const dir = mkdtempSync('/tmp/ctrd-img-');
    const upDir = join(dir, 'up');
    const nodeName = 'ctrd-img';
    let images: TestImages;
    let registry: LocalRegistry;
    let cluster: RunningCluster;

    before(async () => {
      images = await ensureTestImages();
      registry = await startLocalRegistry();
      // Only the mirror has it: pulled by its public name, the image can come from nowhere else.
      await registry.push(images.busyboxLayout, 'library/kl-mirrored:v1');
      const registriesYaml = join(dir, 'registries.yaml');
      writeFileSync(registriesYaml, `mirrors:\n  docker.io:\n    endpoint:\n      - "http://${registry.host}"\n`);
      cluster = await startKubelite({
        dataDir: upDir,
        args: ['--runtime', 'containerd', '--node-name', nodeName, '--cluster-cidr', clusterCIDR, '--service-cidr', serviceCIDR, '--registry-config', registriesYaml],
      });
    });

    after(async () => {
      await cluster?.stop('SIGINT');
      await registry?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('kubelite image import puts an archive into the node, kubelite image ls lists it', () => {
      const unnamed = kubeliteCli(['image', 'import', images.busyboxTar, '--data-dir', upDir]);
      assert.equal(unnamed.code, 1);
      assert.match(unnamed.stderr, /names its image only by tag \(latest\): name it with --name/);
      const imported = kubeliteCli(['image', 'import', images.busyboxTar, '--name', 'kl-imported:v1', '--data-dir', upDir]);
      assert.equal(imported.code, 0, imported.stderr);
      assert.equal(imported.stdout.trim(), 'imported docker.io/library/kl-imported:v1');
      const ls = kubeliteCli(['image', 'ls', '--data-dir', upDir]);
      assert.equal(ls.code, 0, ls.stderr);
      assert.match(ls.stdout, /^IMAGE\s+TAG\s+IMAGE ID\s+SIZE$/m);
      assert.match(ls.stdout, /^docker\.io\/library\/kl-imported\s+v1\s+[0-9a-f]{13}\s+[\d.]+MB$/m);
      // Only the name asked for: the archive's own tag is not left beside it.
      assert.doesNotMatch(ls.stdout, /^docker\.io\/library\/kl-imported\s+latest\s/m);
      // A docker save archive names its images itself.
      const dockerArchive = join(dir, 'docker-save.tar');
      execFileSync('skopeo', ['copy', '--quiet', `oci:${images.busyboxLayout}:latest`, `docker-archive:${dockerArchive}:example.test/team/kl-saved:v2`]);
      const saved = kubeliteCli(['image', 'import', dockerArchive, '--data-dir', upDir]);
      assert.equal(saved.code, 0, saved.stderr);
      assert.equal(saved.stdout.trim(), 'imported example.test/team/kl-saved:v2');
      assert.match(kubeliteCli(['image', 'ls', '--data-dir', upDir]).stdout, /^example\.test\/team\/kl-saved\s+v2\s/m);
      const noDir = kubeliteCli(['image', 'ls', '--data-dir', join(dir, 'nothing-here')]);
      assert.equal(noDir.code, 1);
      assert.match(noDir.stderr, /no containerd is running under/);
    });

    it('a pod with imagePullPolicy Never runs from the imported image; an absent one shows ErrImageNeverPull', async () => {
      cluster.k(['run', 'imported', '--image', 'kl-imported:v1', '--image-pull-policy', 'Never', '--restart', 'Never', '--', 'sh', '-c', 'echo from the imported image']);
      await eventually(() => cluster.k(['get', 'pod', 'imported', '-o', 'jsonpath={.status.phase}']) === 'Succeeded', 30_000, 'the pod to succeed');
      assert.equal(cluster.k(['logs', 'imported']).trim(), 'from the imported image');
      cluster.k(['run', 'never-absent', '--image', 'kl-not-imported:v1', '--image-pull-policy', 'Never', '--restart', 'Never']);
      await eventually(() => /ErrImageNeverPull/.test(cluster.k(['get', 'pod', 'never-absent', '--no-headers'])), 30_000, 'ErrImageNeverPull');
    });

    it('a missing image shows ErrImagePull, then ImagePullBackOff, in kubectl get', async () => {
      const image = `${registry.host}/kl-missing:v1`;
      // Watch as a user does: every status the pod goes through is printed. The watch starts
      // before the pod exists, so a slow kubectl start cannot miss the first states.
      const watch = await watchFromNow(['--kubeconfig', cluster.kubeconfig, 'get', 'pods', '--field-selector', 'metadata.name=missing', '-w', '--no-headers']);
      let seen = '';
      try {
        cluster.k(['run', 'missing', '--image', image, '--restart', 'Never']);
        await eventually(() => /ImagePullBackOff/.test((seen = watch.rows())), 60_000, 'ImagePullBackOff');
      } finally {
        watch.child.kill();
      }
      const statuses = seen.split('\n').map((l) => l.split(/\s+/)[2]).filter(Boolean);
      const errAt = statuses.indexOf('ErrImagePull');
      assert.ok(errAt >= 0, `ErrImagePull shown: ${statuses.join(', ')}`);
      assert.ok(statuses.indexOf('ImagePullBackOff', errAt) > errAt, `then ImagePullBackOff: ${statuses.join(', ')}`);
      const events = cluster.k(['get', 'events', '--field-selector', 'involvedObject.name=missing', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']);
      assert.match(events, new RegExp(`Failed\\s+Failed to pull image "${image.replace(/[.]/g, '\\.')}"`));
      assert.match(events, /BackOff\s+Back-off pulling image/);
    });

    it('--registry-config: a docker.io mirror on a plain-HTTP local registry serves an image by its public name', async () => {
      cluster.k(['run', 'mirrored', '--image', 'kl-mirrored:v1', '--restart', 'Never', '--', 'sh', '-c', 'echo pulled through the mirror']);
      await eventually(() => cluster.k(['get', 'pod', 'mirrored', '-o', 'jsonpath={.status.phase}']) === 'Succeeded', 60_000, 'the mirrored pod to succeed');
      assert.equal(cluster.k(['logs', 'mirrored']).trim(), 'pulled through the mirror');
      const events = cluster.k(['get', 'events', '--field-selector', 'involvedObject.name=mirrored', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']);
      assert.match(events, /Pulled\s+Successfully pulled image "kl-mirrored:v1"/);
      assert.match(kubeliteCli(['image', 'ls', '--data-dir', upDir]).stdout, /^docker\.io\/library\/kl-mirrored\s+v1\s/m);
    });

    it('SIGINT stops kubelite up: containerd, the bridge, hostPort rules and mounts are gone', async () => {
      const hostPort = await freeLoopbackPort();
      cluster.k(['apply', '-f', '-'], {
        input: `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: kl-imported:v1
    imagePullPolicy: Never
    command: ["httpd", "-f", "-p", "8080"]
    ports: [{containerPort: 8080, hostPort: ${hostPort}}]
`,
      });
      cluster.k(['wait', '--for=condition=Ready', 'pod/web', '--timeout=30s']);
      const web = JSON.parse(cluster.k(['get', 'pod', 'web', '-o', 'json'])) as { metadata: { uid: string }; status: { podIP: string } };
      const net = nodeNetwork(upDir, nodeName);
      assert.ok(natRulesFor(net.name, [web.status.podIP]).length > 0, 'the hostPort made NAT rules');
      const pid = containerdPid(upDir, nodeName);
      const running = leftovers(upDir, nodeName, { podIPs: [web.status.podIP], podUIDs: [web.metadata.uid] }).join('\n');
      assert.match(running, /^bridge kl-/m);
      assert.match(running, /^mount /m);

      const code = await cluster.stop('SIGINT');
      assert.equal(code, 0, cluster.output());
      assert.match(cluster.output(), /SIGINT received: stopping\n[^]*kubelite stopped/);
      assert.throws(() => process.kill(pid, 0), 'containerd has exited');
      assert.deepEqual(leftovers(upDir, nodeName, { podIPs: [web.status.podIP], podUIDs: [web.metadata.uid] }), []);
    });
  });
}
