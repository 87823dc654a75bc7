// A kubelet next to a test control plane, on the fake runtime: what the kubelet's
// integration tests (and other helpers' tests) start.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import type { Client } from '../client/interface.js';
import { R } from '../client/resources.js';
import type { Clock } from '../machinery/clock.js';
import { startTestControlPlane, until, type TestControlPlane } from '../testing/control-plane.js';
import { Kubelet, type KubeletOptions } from './kubelet.js';
import { FakeRuntime } from './runtime/fake/index.js';
import type { ContainerRuntime } from './runtime/interface.js';
import type { Pod } from './types.js';

export interface KubeletHarness {
  cp: TestControlPlane;
  kubelet: Kubelet;
  runtime: ContainerRuntime;
  dataDir: string;
  nodeName: string;
  createPod(name: string, spec: Partial<Pod['spec']>, meta?: Partial<Pod['metadata']>): Promise<Pod>;
  getPod(name: string): Promise<Pod | undefined>;
  waitPod(name: string, pred: (p: Pod) => unknown, what?: string, timeoutMs?: number): Promise<Pod>;
  events(name: string): Promise<{ type: string; reason: string; message: string; fieldPath?: string; count: number }[]>;
  stop(): Promise<void>;
}

export async function startKubeletHarness(o: {
  clock?: Clock;
  runtime?: ContainerRuntime;
  kubelet?: Partial<KubeletOptions>;
  nodeName?: string;
  /** Stands between the kubelet and the API server (to hold or record its writes). */
  kubeletClient?: (c: Client) => Client;
} = {}): Promise<KubeletHarness> {
  const cp = await startTestControlPlane({ controllers: false });
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelet-test-'));
  const runtime = o.runtime ?? new FakeRuntime({ clock: o.clock, images: ['busybox'], pull: (image) => (image.includes('missing') ? new Error(`rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`) : undefined) });
  const nodeName = o.nodeName ?? 'node-1';
  await cp.client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
  await cp.client.create(R.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': cp.caPem } });
  const ac = new AbortController();
  const kubelet = new Kubelet({
    client: o.kubeletClient ? o.kubeletClient(cp.client) : cp.client,
    runtime,
    nodeName,
    dataDir,
    nodeIP: '198.18.200.1',
    clock: o.clock,
    clusterDNS: ['198.18.0.10'],
    cgroups: false,
    tmpfs: false,
    probeViaPortForward: true,
    ...o.kubelet,
  });
  const done = kubelet.start(ac.signal);
  await kubelet.ready;
  const getPod = async (name: string) => (await cp.client.get(R.pods, 'default', name)) as Pod | undefined;
  return {
    cp,
    kubelet,
    runtime,
    dataDir,
    nodeName,
    async createPod(name, spec, meta = {}) {
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...meta }, spec: { nodeName, containers: [], ...spec } };
      return (await cp.client.create(R.pods, 'default', pod as KubeObject)) as Pod;
    },
    getPod,
    waitPod(name, pred, what = 'the pod', timeoutMs = 15_000) {
      return until(async () => {
        const p = await getPod(name);
        return p && pred(p) ? p : undefined;
      }, timeoutMs, `${name}: ${what}`);
    },
    async events(name) {
      await kubelet.recorder.flush();
      const list = await cp.client.list(R.events, 'default');
      return list.items
        .filter((e) => (e.involvedObject as { name?: string }).name === name)
        .map((e) => ({ type: e.type as string, reason: e.reason as string, message: e.message as string, fieldPath: (e.involvedObject as { fieldPath?: string }).fieldPath, count: e.count as number }));
    },
    async stop() {
      ac.abort();
      await done;
      await runtime.close();
      await cp.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
