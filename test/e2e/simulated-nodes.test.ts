// `kubelite up --runtime simulated --nodes 3` as a user drives it with kubectl: nodes that are
// Ready, pods that run (and complete, and crash-loop), deletion, cordon and drain.
//
// Enabled once `kubelite up` starts the NodeSimulator (and the node lifecycle, taint eviction
// and pod GC controllers): set `wired` to true.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubelite, eventually, type RunningCluster } from './harness.js';

const wired = true;

function pod(name: string, extra: { nodeName?: string; annotations?: Record<string, string>; restartPolicy?: string } = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
      ...(extra.restartPolicy ? { restartPolicy: extra.restartPolicy } : {}),
      containers: [{ name: 'app', image: 'nginx:1.27' }],
    },
  });
}

describe('simulated nodes', { skip: !wired && 'kubelite up does not start simulated nodes yet' }, () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite({ args: ['--runtime', 'simulated', '--nodes', '3'] });
    await eventually(() => c.k('get nodes --no-headers').trim().split('\n').filter((l) => /\sReady\s/.test(l)).length === 3, 30_000, 'three Ready nodes');
  });
  after(async () => {
    await c?.stop();
  });

  it('lists three Ready nodes with their version, addresses and runtime', () => {
    const lines = c.k('get nodes').trim().split('\n');
    assert.match(lines[0], /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/)[0]),
      ['kubelite-sim-0', 'kubelite-sim-1', 'kubelite-sim-2'],
    );
    for (const l of lines.slice(1)) assert.match(l, /^kubelite-sim-\d\s+Ready\s+<none>\s+\d+s\s+v1\.32\.\d+\+kubelite/);
    const wide = c.k('get node kubelite-sim-0 -o wide --no-headers');
    assert.match(wide, /\s198\.18\.128\.1\s+<none>\s+kubelite simulated node\s+6\.1\.0-kubelite-simulated\s+simulated:\/\/1\.32\.\d+/);
    assert.equal(c.k('get nodes -l kubelite.io/simulated=true -o name').trim().split('\n').length, 3);
  });

  it('describes a node: conditions, addresses, capacity, the lease and the pod CIDR', () => {
    const out = c.k('describe node kubelite-sim-1');
    assert.match(out, /^Name:\s+kubelite-sim-1$/m);
    assert.match(out, /^Taints:\s+<none>$/m);
    assert.match(out, /^Unschedulable:\s+false$/m);
    assert.match(out, /^Lease:\n\s+HolderIdentity:\s+kubelite-sim-1$/m);
    assert.match(out, /^\s+Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status$/m);
    assert.match(out, /^\s+MemoryPressure\s+False\s+.*KubeletHasSufficientMemory\s+kubelet has sufficient memory available$/m);
    assert.match(out, /^\s+InternalIP:\s+198\.18\.128\.2$/m);
    assert.match(out, /^Capacity:\n\s+cpu:\s+32\n/m);
    assert.match(out, /^PodCIDR:\s+198\.19\.1\.0\/24$/m);
  });

  it('runs a pod bound to a node about a second after it is created', async () => {
    c.k(['create', '-f', '-'], { input: pod('pinned', { nodeName: 'kubelite-sim-2' }) });
    c.k('wait --for=condition=Ready pod/pinned --timeout=30s');
    const wide = c.k('get pod pinned -o wide --no-headers').trimEnd();
    assert.match(wide, /^pinned\s+1\/1\s+Running\s+0\s+\d+s\s+198\.19\.2\.\d+\s+kubelite-sim-2\s+<none>\s+<none>$/);
    const describe = c.k('describe pod pinned');
    assert.match(describe, /Container ID:\s+simulated:\/\//);
    assert.match(describe, /Normal\s+Started\s+\S+\s+kubelet\s+Started container app/);
  });

  it('schedules and runs a pod made with kubectl run', async () => {
    c.k('run web --image=nginx:1.27');
    c.k('wait --for=condition=Ready pod/web --timeout=60s');
    assert.match(c.k('get pod web -o wide --no-headers'), /\sRunning\s.*\skubelite-sim-\d\s/);
  });

  it('completes a Job', async () => {
    c.k(['create', 'job', 'pi', '--image=perl:5.34', '--', 'perl', '-e', 'print 1']);
    c.k('wait --for=condition=complete job/pi --timeout=60s');
    assert.match(c.k('get pods -l job-name=pi --no-headers'), /\s0\/1\s+Completed\s+0\s/);
  });

  it('shows CrashLoopBackOff for a pod that keeps failing', async () => {
    c.k(['create', '-f', '-'], { input: pod('crash', { nodeName: 'kubelite-sim-0', annotations: { 'kubelite.io/simulate-crashloop': 'true' } }) });
    await eventually(() => /\sCrashLoopBackOff\s+1\s/.test(c.k('get pod crash --no-headers')), 30_000, 'CrashLoopBackOff');
    assert.match(c.k('describe pod crash'), /Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container app in pod crash_default/);
  });

  it('deletes a running pod within seconds', () => {
    const started = Date.now();
    c.k('delete pod pinned');
    assert.ok(Date.now() - started < 15_000);
    assert.match(c.kubectl('get pod pinned').stderr, /NotFound/);
  });

  it('cordons, drains and uncordons a node', async () => {
    c.k(['create', '-f', '-'], { input: pod('on-one', { nodeName: 'kubelite-sim-1' }) });
    c.k('wait --for=condition=Ready pod/on-one --timeout=30s');
    assert.equal(c.k('cordon kubelite-sim-1').trim(), 'node/kubelite-sim-1 cordoned');
    assert.match(c.k('get node kubelite-sim-1 --no-headers'), /\sReady,SchedulingDisabled\s/);
    const drain = c.k('drain kubelite-sim-1 --force --ignore-daemonsets --timeout=60s');
    assert.match(drain, /^evicting pod default\/on-one$/m);
    assert.match(drain, /^pod\/on-one evicted$/m);
    assert.match(drain, /node\/kubelite-sim-1 drained\n$/);
    assert.equal(c.k('uncordon kubelite-sim-1').trim(), 'node/kubelite-sim-1 uncordoned');
    await eventually(() => /\sReady\s/.test(c.k('get node kubelite-sim-1 --no-headers')), 10_000, 'schedulable again');
  });
});
