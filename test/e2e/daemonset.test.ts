// DaemonSets as seeds 000, 001 and 002 use them, through the full CLI: node-exporter (hostPort,
// hostNetwork, hostPID) on every node with its rolling update by kubectl set image and
// `kubectl rollout status|history|undo`, ssd-monitor following `kubectl label node`, and
// `kubectl delete --cascade=orphan` then adoption. Needs `kubelite up --runtime simulated` nodes
// and the DaemonSet controller in the controller manager; skipped with the reason otherwise.

import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startKubelite, type RunningCluster } from './harness.js';

const nodeExporter = (image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  labels:
    app: node-exporter
  name: node-exporter
spec:
  selector:
    matchLabels:
      app: node-exporter
  template:
    metadata:
      labels:
        app: node-exporter
    spec:
      containers:
      - name: node-exporter
        image: ${image}
        args:
        - --path.procfs=/host/proc
        - --path.sysfs=/host/sys
        volumeMounts:
        - mountPath: /host/proc
          name: proc
          readOnly: false
        - mountPath: /host/sys
          name: sys
          readOnly: false
        ports:
        - containerPort: 9100
          hostPort: 9100
      hostNetwork: true
      hostPID: true
      volumes:
      - hostPath:
          path: /proc
        name: proc
      - hostPath:
          path: /sys
        name: sys
`;

const ssdMonitor = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ssd-monitor
spec:
  selector:
    matchLabels:
      app: ssd-monitor
  template:
    metadata:
      labels:
        app: ssd-monitor
    spec:
      nodeSelector:
        dist: ssd
      containers:
      - name: main
        image: luksa/ssd-monitor
`;

describe('DaemonSets (seeds 000, 001, 002) through kubectl', () => {
  let c: RunningCluster;
  let nodes: string[] = [];
  let skipReason = '';

  before(async () => {
    c = await startKubelite({ args: ['--runtime', 'simulated'] });
    try {
      await eventually(() => c.k('get nodes -o name').trim() !== '', 15_000, 'a node to register');
      await eventually(() => !c.k(['get', 'nodes', '-o', 'jsonpath={.items[*].spec.taints[*].key}']).includes('node.kubernetes.io/not-ready'), 30_000, 'nodes Ready');
    } catch {
      throw new Error('`kubelite up --runtime simulated` registers no Ready nodes yet');
      return;
    }
    nodes = c.k('get nodes -o name').trim().split('\n').map((n) => n.replace('node/', ''));
    c.k(['apply', '-f', '-'], { input: nodeExporter('quay.io/prometheus/node-exporter:v0.15.2') });
    try {
      await eventually(() => c.k('get pods -l app=node-exporter -o name').trim() !== '', 20_000, 'a node-exporter pod');
    } catch {
      throw new Error('no DaemonSet controller runs in `kubelite up` yet');
    }
  });
  after(async () => {
    await c?.stop();
  });

  const guard = (t: TestContext) => {
    if (skipReason) t.skip(skipReason);
    return !skipReason;
  };
  const rolledOut = () => assert.equal(c.k('rollout status ds/node-exporter --timeout=90s').trim().split('\n').pop(), 'daemon set "node-exporter" successfully rolled out');

  it('runs one node-exporter pod on every node', (t) => {
    if (!guard(t)) return;
    rolledOut();
    const onNodes = c.k(['get', 'pods', '-l', 'app=node-exporter', '-o', 'jsonpath={.items[*].spec.nodeName}']).split(' ').sort();
    assert.deepEqual(onNodes, [...nodes].sort());
    const n = String(nodes.length);
    assert.match(c.k('get ds node-exporter'), new RegExp(`\\nnode-exporter\\s+${n}\\s+${n}\\s+${n}\\s+${n}\\s+${n}\\s+<none>\\s`));
  });

  it('rolls out a new image by kubectl set image; history and undo', (t) => {
    if (!guard(t)) return;
    assert.equal(c.k('set image ds/node-exporter node-exporter=quay.io/prometheus/node-exporter:v0.16.0'), 'daemonset.apps/node-exporter image updated\n');
    rolledOut();
    assert.deepEqual([...new Set(c.k(['get', 'pods', '-l', 'app=node-exporter', '-o', 'jsonpath={.items[*].spec.containers[0].image}']).split(' '))], ['quay.io/prometheus/node-exporter:v0.16.0']);
    assert.equal(c.k('rollout history ds/node-exporter'), 'daemonset.apps/node-exporter \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    assert.equal(c.k('rollout undo ds/node-exporter'), 'daemonset.apps/node-exporter rolled back\n');
    rolledOut();
    assert.equal(c.k('rollout history ds/node-exporter'), 'daemonset.apps/node-exporter \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
  });

  it('ssd-monitor follows kubectl label node', async (t) => {
    if (!guard(t)) return;
    assert.equal(c.k(['create', '-f', '-'], { input: ssdMonitor }), 'daemonset.apps/ssd-monitor created\n');
    const row = () => c.k('get ds ssd-monitor').split('\n')[1].split(/\s+/).slice(0, 7).join(' ');
    await eventually(() => row() === 'ssd-monitor 0 0 0 0 0 dist=ssd', 20_000, 'none desired');
    assert.equal(c.k(['label', 'nodes', nodes[0], 'dist=ssd']), `node/${nodes[0]} labeled\n`);
    await eventually(() => row() === 'ssd-monitor 1 1 1 1 1 dist=ssd', 60_000, 'one running');
    c.k(['label', 'nodes', nodes[0], 'dist=hdd', '--overwrite']);
    await eventually(() => row() === 'ssd-monitor 0 0 0 0 0 dist=ssd', 60_000, 'none again');
  });

  it('kubectl delete --cascade=orphan leaves the pods; a new DaemonSet adopts them', async (t) => {
    if (!guard(t)) return;
    const before = c.k('get pods -l app=node-exporter -o name');
    assert.equal(c.k('delete ds node-exporter --cascade=orphan'), 'daemonset.apps "node-exporter" deleted\n');
    assert.equal(c.k('get pods -l app=node-exporter -o name'), before);
    c.k(['apply', '-f', '-'], { input: nodeExporter('quay.io/prometheus/node-exporter:v0.15.2') });
    await eventually(() => c.k(['get', 'pods', '-l', 'app=node-exporter', '-o', 'jsonpath={.items[*].metadata.ownerReferences[0].kind}']).split(' ').every((k) => k === 'DaemonSet'), 30_000, 'adopted');
    rolledOut();
    assert.equal(c.k('get pods -l app=node-exporter -o name'), before, 'the same pods');
  });
});
