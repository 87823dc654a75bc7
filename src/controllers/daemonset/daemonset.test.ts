// The DaemonSet controller against the real API server on a fake clock, with the test as the
// nodes (Node objects with labels and taints) and as the scheduler and kubelet (pods bound to
// the node their affinity names, then Running and Ready): placement, node label and taint
// changes, rolling updates with maxUnavailable and maxSurge, OnDelete, history, adoption, and
// what kubectl shows.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { R } from '../../client/resources.js';
import { daemonTarget, imageOf, podIsReady, startApps, type Apps } from '../statefulset/testkit.js';

const ns = 'default';

function daemonSet(name: string, opts: { image?: string; spec?: Record<string, unknown>; podSpec?: Record<string, unknown>; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: opts.image ?? 'agent:1' }], ...(opts.podSpec ?? {}) } },
      ...(opts.spec ?? {}),
    },
  };
}

async function ds(a: Apps, name: string): Promise<KubeObject & { status?: Record<string, any> }> {
  return (await a.client.get(R.daemonsets, ns, name)) as never;
}

/** node → pod name of the live (not deleting) pods of a DaemonSet. */
async function placement(a: Apps, name: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const p of (await a.client.list(R.pods, ns, { labelSelector: `app=${name}` })).items) {
    if (p.metadata.deletionTimestamp) continue;
    const node = daemonTarget(p) ?? '?';
    (out[node] ??= []).push(p.metadata.name!);
  }
  return out;
}

async function podsOf(a: Apps, name: string): Promise<KubeObject[]> {
  return (await a.client.list(R.pods, ns, { labelSelector: `app=${name}` })).items.filter((p) => !p.metadata.deletionTimestamp);
}

describe('DaemonSet controller', () => {
  let a: Apps;
  before(async () => {
    a = await startApps({ statefulSets: false, garbageCollector: true });
    for (const n of ['node-1', 'node-2', 'node-3']) await a.addNode(n);
  });
  after(async () => {
    await a.stop();
  });

  it('runs one pod per node, pinned by node affinity, with the daemon tolerations', async () => {
    await a.client.create(R.daemonsets, ns, daemonSet('agent'));
    await a.until(async () => Object.keys(await placement(a, 'agent')).length === 3, 'a pod on each node');
    const pods = await podsOf(a, 'agent');
    const set = await ds(a, 'agent');
    const hash = pods[0].metadata.labels!['controller-revision-hash'];
    for (const p of pods) {
      assert.match(p.metadata.name!, /^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(p.metadata.generateName, 'agent-');
      assert.deepEqual(p.metadata.labels, { app: 'agent', 'controller-revision-hash': hash, 'pod-template-generation': '1' });
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.equal((p.spec as any).nodeName, undefined, 'placed by the scheduler, not the controller');
      assert.deepEqual((p.spec as any).affinity, {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [daemonTarget(p)] }] }] } },
      });
      assert.deepEqual((p.spec as any).tolerations, [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
      ]);
    }
    assert.deepEqual(
      pods.map((p) => daemonTarget(p)).sort(),
      ['node-1', 'node-2', 'node-3'],
    );
    await a.until(async () => (await ds(a, 'agent')).status?.updatedNumberScheduled === 3, 'desired 3, all updated');
    assert.deepEqual((await ds(a, 'agent')).status, { currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 0, observedGeneration: 1, updatedNumberScheduled: 3, numberUnavailable: 3 });
    for (const p of pods) await a.kubelet.markReady(p);
    await a.until(async () => (await ds(a, 'agent')).status?.numberAvailable === 3, 'all available');
    assert.deepEqual((await ds(a, 'agent')).status, {
      currentNumberScheduled: 3,
      numberMisscheduled: 0,
      desiredNumberScheduled: 3,
      numberReady: 3,
      observedGeneration: 1,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
    });
    const created = a.events.filter((e) => e.name === 'agent' && e.reason === 'SuccessfulCreate').map((e) => e.message).sort();
    assert.deepEqual(created, pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
    // The revision that names the pods' hash.
    const revs = (await a.client.list(R.controllerrevisions, ns, { labelSelector: 'app=agent' })).items;
    assert.deepEqual(revs.map((r) => [r.metadata.name, (r as any).revision, r.metadata.labels!['controller-revision-hash']]), [[`agent-${hash}`, 1, hash]]);
    assert.equal((revs[0] as any).data.spec.template.$patch, 'replace');
    await a.client.delete(R.daemonsets, ns, 'agent');
    await a.until(async () => (await podsOf(a, 'agent')).length === 0, 'pods collected with the DaemonSet');
  });

  it('tolerates the network-unavailable taint only for host-network pods', async () => {
    await a.patch(R.nodes, 'node-3', { spec: { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] } });
    await a.client.create(R.daemonsets, ns, daemonSet('netd', { podSpec: { hostNetwork: true } }));
    await a.client.create(R.daemonsets, ns, daemonSet('plain'));
    await a.until(async () => Object.keys(await placement(a, 'netd')).length === 3, 'netd on every node');
    await a.until(async () => Object.keys(await placement(a, 'plain')).length === 2, 'plain on two nodes');
    await a.quiesce();
    assert.deepEqual(Object.keys(await placement(a, 'plain')).sort(), ['node-1', 'node-2']);
    const tolerations = ((await podsOf(a, 'netd'))[0].spec as any).tolerations;
    assert.deepEqual(tolerations.at(-1), { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
    await a.patch(R.nodes, 'node-3', { spec: { taints: null } });
    await a.until(async () => Object.keys(await placement(a, 'plain')).length === 3, 'plain on node-3 once the taint goes');
    await a.client.delete(R.daemonsets, ns, 'netd');
    await a.client.delete(R.daemonsets, ns, 'plain');
  });

  it('follows taints: NoSchedule keeps running pods, NoExecute evicts them, tolerations admit them', async () => {
    await a.client.create(R.daemonsets, ns, daemonSet('taint'));
    await a.until(async () => Object.keys(await placement(a, 'taint')).length === 3, 'everywhere');
    a.kubelet.auto = (p) => p.metadata.labels?.app === 'taint';
    await a.until(async () => (await ds(a, 'taint')).status?.numberReady === 3, 'ready');
    // A NoSchedule taint: the pod stays, but no longer counts as desired (misscheduled).
    await a.patch(R.nodes, 'node-1', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    await a.until(async () => (await ds(a, 'taint')).status?.numberMisscheduled === 1, 'misscheduled 1');
    assert.equal((await placement(a, 'taint'))['node-1']?.length, 1);
    assert.equal((await ds(a, 'taint')).status?.desiredNumberScheduled, 2);
    // NoExecute: it goes.
    await a.patch(R.nodes, 'node-1', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] } });
    await a.until(async () => !(await placement(a, 'taint'))['node-1'], 'evicted from node-1');
    // A matching toleration in the template brings it back (and rolls the others).
    await a.patch(R.daemonsets, 'taint', { spec: { template: { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute' }] } } } });
    await a.until(async () => (await placement(a, 'taint'))['node-1']?.length === 1, 'back on node-1');
    await a.until(async () => {
      const s = (await ds(a, 'taint')).status!;
      return s.updatedNumberScheduled === 3 && s.numberAvailable === 3 && s.desiredNumberScheduled === 3;
    }, 'rolled out everywhere');
    a.kubelet.auto = () => false;
    await a.patch(R.nodes, 'node-1', { spec: { taints: null } });
    await a.client.delete(R.daemonsets, ns, 'taint');
  });

  it('places pods only where required node affinity and nodeSelector allow; a new node gets one', async () => {
    await a.patch(R.nodes, 'node-2', { metadata: { labels: { zone: 'b' } } });
    await a.client.create(
      R.daemonsets,
      ns,
      daemonSet('aff', {
        podSpec: {
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b', 'c'] }] }] } } },
        },
      }),
    );
    await a.until(async () => Object.keys(await placement(a, 'aff')).length === 1, 'on node-2');
    assert.deepEqual(Object.keys(await placement(a, 'aff')), ['node-2']);
    // The pod's own affinity term is replaced by the pinning one.
    const pod = (await podsOf(a, 'aff'))[0];
    assert.deepEqual((pod.spec as any).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] },
    ]);
    await a.addNode('node-4', { zone: 'c' });
    await a.until(async () => (await placement(a, 'aff'))['node-4']?.length === 1, 'a pod on the new node');
    await a.client.delete(R.daemonsets, ns, 'aff');
    await a.client.delete(R.nodes, '', 'node-4');
  });

  it('removes a pod still waiting for a node that was deleted', async () => {
    await a.addNode('node-9');
    await a.client.create(R.daemonsets, ns, daemonSet('gone'));
    await a.until(async () => (await placement(a, 'gone'))['node-9'], 'pod for node-9');
    const name = (await placement(a, 'gone'))['node-9'][0];
    await a.client.delete(R.nodes, '', 'node-9');
    await a.until(async () => !(await a.client.get(R.pods, ns, name)), 'unscheduled pod of node-9 deleted');
    await a.until(async () => (await ds(a, 'gone')).status?.desiredNumberScheduled === 3, 'desired back to 3');
    await a.client.delete(R.daemonsets, ns, 'gone');
  });

  it('rolls a new template node by node within maxUnavailable', async () => {
    await a.client.create(R.daemonsets, ns, daemonSet('roll'));
    a.kubelet.auto = (p) => p.metadata.labels?.app === 'roll' && imageOf(p) === 'agent:1';
    await a.until(async () => (await ds(a, 'roll')).status?.numberAvailable === 3, 'available');
    const before = (await podsOf(a, 'roll')).map((p) => p.metadata.name);
    await a.patch(R.daemonsets, 'roll', { spec: { template: { spec: { containers: [{ name: 'main', image: 'agent:2' }] } } } }, 'strategic');
    // One old pod goes and one new pod comes; no second one while the new pod is not Ready.
    await a.until(async () => (await podsOf(a, 'roll')).some((p) => imageOf(p) === 'agent:2'), 'first new pod');
    await a.quiesce();
    let pods = await podsOf(a, 'roll');
    assert.equal(pods.filter((p) => imageOf(p) === 'agent:2').length, 1);
    assert.equal(pods.filter((p) => imageOf(p) === 'agent:1').length, 2);
    assert.deepEqual(
      [(await ds(a, 'roll')).status!.updatedNumberScheduled, (await ds(a, 'roll')).status!.numberUnavailable],
      [1, 1],
    );
    a.kubelet.auto = (p) => p.metadata.labels?.app === 'roll';
    await a.until(async () => {
      const s = (await ds(a, 'roll')).status!;
      return s.updatedNumberScheduled === 3 && s.numberAvailable === 3;
    }, 'rolled out');
    pods = await podsOf(a, 'roll');
    assert.deepEqual(pods.map((p) => imageOf(p)), ['agent:2', 'agent:2', 'agent:2']);
    assert.ok(pods.every((p) => !before.includes(p.metadata.name)), 'every pod replaced');
    const revs = (await a.client.list(R.controllerrevisions, ns, { labelSelector: 'app=roll' })).items.map((r) => (r as any).revision).sort();
    assert.deepEqual(revs, [1, 2]);
    a.kubelet.auto = () => false;
    await a.client.delete(R.daemonsets, ns, 'roll');
  });

  it('surges with maxSurge: the new pod starts beside the old, which goes once the new is available', async () => {
    await a.client.create(R.daemonsets, ns, daemonSet('surge', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } }));
    a.kubelet.auto = (p) => p.metadata.labels?.app === 'surge' && imageOf(p) === 'agent:1';
    await a.until(async () => (await ds(a, 'surge')).status?.numberAvailable === 3, 'available');
    await a.patch(R.daemonsets, 'surge', { spec: { template: { spec: { containers: [{ name: 'main', image: 'agent:2' }] } } } }, 'strategic');
    await a.until(async () => (await podsOf(a, 'surge')).length === 4, 'one surge pod');
    await a.quiesce();
    const place = await placement(a, 'surge');
    const doubled = Object.entries(place).filter(([, pods]) => pods.length === 2);
    assert.equal(doubled.length, 1, 'two pods on one node only');
    assert.equal((await podsOf(a, 'surge')).length, 4);
    a.kubelet.auto = (p) => p.metadata.labels?.app === 'surge';
    await a.until(async () => {
      const s = (await ds(a, 'surge')).status!;
      return s.updatedNumberScheduled === 3 && s.numberAvailable === 3 && (await podsOf(a, 'surge')).length === 3;
    }, 'rolled out');
    assert.deepEqual((await podsOf(a, 'surge')).map((p) => imageOf(p)), ['agent:2', 'agent:2', 'agent:2']);
    a.kubelet.auto = () => false;
    await a.client.delete(R.daemonsets, ns, 'surge');
  });

  it('waits for users to delete pods under OnDelete', async () => {
    await a.client.create(R.daemonsets, ns, daemonSet('ond', { spec: { updateStrategy: { type: 'OnDelete' } } }));
    await a.until(async () => Object.keys(await placement(a, 'ond')).length === 3, 'everywhere');
    await a.patch(R.daemonsets, 'ond', { spec: { template: { spec: { containers: [{ name: 'main', image: 'agent:2' }] } } } }, 'strategic');
    await a.quiesce();
    assert.deepEqual((await podsOf(a, 'ond')).map((p) => imageOf(p)), ['agent:1', 'agent:1', 'agent:1']);
    assert.equal((await ds(a, 'ond')).status?.updatedNumberScheduled, undefined);
    const victim = (await placement(a, 'ond'))['node-2'][0];
    await a.client.delete(R.pods, ns, victim);
    await a.until(async () => {
      const p = (await placement(a, 'ond'))['node-2'];
      return p?.length === 1 && p[0] !== victim;
    }, 'replaced on node-2');
    const images = Object.fromEntries((await podsOf(a, 'ond')).map((p) => [daemonTarget(p), imageOf(p)]));
    assert.deepEqual(images, { 'node-1': 'agent:1', 'node-2': 'agent:2', 'node-3': 'agent:1' });
    await a.client.delete(R.daemonsets, ns, 'ond');
  });

  it('replaces a failed daemon pod, with a FailedDaemonPod event', async () => {
    await a.client.create(R.daemonsets, ns, daemonSet('crash'));
    await a.until(async () => Object.keys(await placement(a, 'crash')).length === 3, 'everywhere');
    const victim = (await placement(a, 'crash'))['node-1'][0];
    await a.kubelet.finish(victim, 'Failed');
    await a.until(async () => {
      const p = (await placement(a, 'crash'))['node-1'];
      return p?.length === 1 && p[0] !== victim;
    }, 'replaced');
    assert.ok(a.events.some((e) => e.reason === 'FailedDaemonPod' && e.type === 'Warning' && e.message === `Found failed daemon pod default/${victim} on node node-1, will try to kill it`));
    assert.ok(a.events.some((e) => e.reason === 'SuccessfulDelete' && e.message === `Deleted pod: ${victim}`));
    await a.client.delete(R.daemonsets, ns, 'crash');
  });

  it('adopts the pods of a DaemonSet deleted with --cascade=orphan', async () => {
    await a.client.create(R.daemonsets, ns, daemonSet('keep'));
    await a.until(async () => Object.keys(await placement(a, 'keep')).length === 3, 'everywhere');
    const names = (await podsOf(a, 'keep')).map((p) => p.metadata.name).sort();
    await a.client.delete(R.daemonsets, ns, 'keep', { propagationPolicy: 'Orphan' });
    await a.until(async () => !(await ds(a, 'keep')) && (await podsOf(a, 'keep')).every((p) => !p.metadata.ownerReferences), 'orphaned');
    await a.client.create(R.daemonsets, ns, daemonSet('keep'));
    const uid = (await ds(a, 'keep')).metadata.uid;
    await a.until(async () => (await podsOf(a, 'keep')).every((p) => p.metadata.ownerReferences?.[0]?.uid === uid), 'adopted');
    await a.quiesce();
    assert.deepEqual((await podsOf(a, 'keep')).map((p) => p.metadata.name).sort(), names, 'the same pods, none replaced');
    await a.client.delete(R.daemonsets, ns, 'keep');
  });

  it('labels pods with the template generation when the DaemonSet carries it', async () => {
    await a.client.create(R.daemonsets, ns, daemonSet('gen', { annotations: { 'deprecated.daemonset.template.generation': '1' } }));
    await a.until(async () => (await podsOf(a, 'gen')).length === 3, 'pods');
    for (const p of await podsOf(a, 'gen')) assert.equal(p.metadata.labels!['pod-template-generation'], '1');
    await a.client.delete(R.daemonsets, ns, 'gen');
  });

  it('counts pods available only minReadySeconds after they are Ready', async () => {
    await a.client.create(R.daemonsets, ns, daemonSet('slow', { spec: { minReadySeconds: 20 } }));
    a.kubelet.auto = (p) => p.metadata.labels?.app === 'slow';
    await a.until(async () => (await ds(a, 'slow')).status?.numberReady === 3, 'ready');
    assert.deepEqual([(await ds(a, 'slow')).status?.numberAvailable, (await ds(a, 'slow')).status?.numberUnavailable], [undefined, 3]);
    a.clock.advance(21_000);
    await a.until(async () => (await ds(a, 'slow')).status?.numberAvailable === 3, 'available after 20s');
    a.kubelet.auto = () => false;
    await a.client.delete(R.daemonsets, ns, 'slow');
  });

  it('keeps revisionHistoryLimit old revisions', async () => {
    await a.client.create(R.daemonsets, ns, daemonSet('hist', { spec: { revisionHistoryLimit: 1 } }));
    a.kubelet.auto = (p) => p.metadata.labels?.app === 'hist';
    for (let i = 2; i <= 4; i++) {
      await a.patch(R.daemonsets, 'hist', { spec: { template: { spec: { containers: [{ name: 'main', image: `agent:${i}` }] } } } }, 'strategic');
      await a.until(async () => {
        const s = (await ds(a, 'hist')).status!;
        return s.observedGeneration === i && s.updatedNumberScheduled === 3 && s.numberAvailable === 3 && (await podsOf(a, 'hist')).every((p) => imageOf(p) === `agent:${i}`);
      }, `agent:${i} everywhere`);
    }
    await a.quiesce();
    a.kubelet.auto = () => false;
    const revs = (await a.client.list(R.controllerrevisions, ns, { labelSelector: 'app=hist' })).items.map((r) => (r as any).revision).sort();
    assert.deepEqual(revs, [3, 4]);
    await a.client.delete(R.daemonsets, ns, 'hist');
  });
});

describe('DaemonSet through kubectl', () => {
  let a: Apps;
  before(async () => {
    a = await startApps({ statefulSets: false, garbageCollector: true });
    a.kubelet.auto = () => true;
    await a.addNode('minikube');
    await a.addNode('node-2');
  });
  after(async () => {
    await a.stop();
  });

  async function kubectl(args: string[], input?: string) {
    let done = false;
    const run = a.kubectl(args, input).finally(() => (done = true));
    await a.until(() => done, `kubectl ${args.join(' ')}`, 60_000);
    return run;
  }

  const getDs = async () => (await kubectl(['get', 'ds', 'ssd-monitor'])).stdout.split('\n')[1].split(/\s+/).slice(0, 7);

  it('seed 002 ssd-monitor: nodeSelector, kubectl label node, relabel', async () => {
    const created = await kubectl(
      ['create', '-f', '-'],
      `apiVersion: apps/v1
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
`,
    );
    assert.equal(created.stdout, 'daemonset.apps/ssd-monitor created\n', created.stderr);
    await a.quiesce();
    assert.match((await kubectl(['get', 'ds'])).stdout, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\n/);
    assert.deepEqual(await getDs(), ['ssd-monitor', '0', '0', '0', '0', '0', 'dist=ssd']);
    assert.equal((await kubectl(['label', 'nodes', 'minikube', 'dist=ssd'])).stdout, 'node/minikube labeled\n');
    await a.until(async () => (await getDs()).join(' ') === 'ssd-monitor 1 1 1 1 1 dist=ssd', 'one ssd-monitor pod running');
    const wide = (await kubectl(['get', 'pods', '-o', 'wide'])).stdout.split('\n')[1].split(/\s+/);
    assert.match(wide[0], /^ssd-monitor-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual([wide[1], wide[2], wide[6]], ['1/1', 'Running', 'minikube']);
    assert.equal((await kubectl(['label', 'nodes', 'minikube', 'dist=hdd', '--overwrite'])).stdout, 'node/minikube labeled\n');
    await a.until(async () => (await getDs()).join(' ') === 'ssd-monitor 0 0 0 0 0 dist=ssd', 'back to none');
    await a.until(async () => (await a.podNames({ deleting: true })).length === 0, 'the pod deleted');
  });

  it('seed 000 node-exporter: rolling update by kubectl set image, rollout status, history and undo', async () => {
    const yaml = `apiVersion: apps/v1
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
        image: quay.io/prometheus/node-exporter:v0.15.2
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
    assert.equal((await kubectl(['apply', '-f', '-'], yaml)).stdout, 'daemonset.apps/node-exporter created\n');
    const first = await kubectl(['rollout', 'status', 'ds/node-exporter', '--timeout=60s']);
    assert.equal(first.stdout.trim().split('\n').pop(), 'daemon set "node-exporter" successfully rolled out', first.stderr);
    const pods = (await a.client.list(R.pods, ns, { labelSelector: 'app=node-exporter' })).items;
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => (p.spec as any).hostNetwork === true && (p.spec as any).tolerations.some((t: any) => t.key === 'node.kubernetes.io/network-unavailable')));
    const set = await kubectl(['set', 'image', 'ds/node-exporter', 'node-exporter=quay.io/prometheus/node-exporter:v0.16.0']);
    assert.equal(set.stdout, 'daemonset.apps/node-exporter image updated\n');
    const status = await kubectl(['rollout', 'status', 'ds/node-exporter', '--timeout=60s']);
    assert.equal(status.stdout.trim().split('\n').pop(), 'daemon set "node-exporter" successfully rolled out');
    const history = await kubectl(['rollout', 'history', 'daemonset/node-exporter']);
    assert.equal(history.stdout, 'daemonset.apps/node-exporter \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    const rev2 = await kubectl(['rollout', 'history', 'daemonset/node-exporter', '--revision=2']);
    assert.match(rev2.stdout, /Image:\tquay.io\/prometheus\/node-exporter:v0.16.0/);
    const undo = await kubectl(['rollout', 'undo', 'daemonset/node-exporter']);
    assert.equal(undo.stdout, 'daemonset.apps/node-exporter rolled back\n', undo.stderr);
    await kubectl(['rollout', 'status', 'ds/node-exporter', '--timeout=60s']);
    await a.until(async () => (await a.client.list(R.pods, ns, { labelSelector: 'app=node-exporter' })).items.every((p) => imageOf(p) === 'quay.io/prometheus/node-exporter:v0.15.2' && !p.metadata.deletionTimestamp), 'back on v0.15.2');
    const after = await kubectl(['rollout', 'history', 'daemonset/node-exporter']);
    assert.equal(after.stdout, 'daemonset.apps/node-exporter \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
    const describe = await kubectl(['describe', 'ds', 'node-exporter']);
    assert.match(describe.stdout, /Desired Number of Nodes Scheduled: 2\nCurrent Number of Nodes Scheduled: 2\nNumber of Nodes Scheduled with Up-to-date Pods: 2\nNumber of Nodes Scheduled with Available Pods: 2\nNumber of Nodes Misscheduled: 0\n/);
    assert.match(describe.stdout, /Normal\s+SuccessfulCreate\s+.*daemonset-controller\s+Created pod: node-exporter-/);
    assert.match(describe.stdout, /Normal\s+SuccessfulDelete\s+.*daemonset-controller\s+Deleted pod: node-exporter-/);
  });

  it('kubectl delete --cascade=orphan keeps the pods; a new DaemonSet adopts them', async () => {
    const names = (await podsNamed(a, 'node-exporter')).sort();
    const del = await kubectl(['delete', 'ds', 'node-exporter', '--cascade=orphan']);
    assert.equal(del.stdout, 'daemonset.apps "node-exporter" deleted\n');
    await a.until(async () => !(await a.client.get(R.daemonsets, ns, 'node-exporter')), 'gone');
    assert.deepEqual((await podsNamed(a, 'node-exporter')).sort(), names);
    await kubectl(['create', '-f', '-'], `apiVersion: apps/v1
kind: DaemonSet
metadata:
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
      hostNetwork: true
      containers:
      - name: node-exporter
        image: quay.io/prometheus/node-exporter:v0.15.2
`);
    await a.until(async () => (await a.client.list(R.pods, ns, { labelSelector: 'app=node-exporter' })).items.every((p) => p.metadata.ownerReferences?.[0]?.name === 'node-exporter'), 'adopted');
    assert.ok(podIsReady((await a.client.list(R.pods, ns, { labelSelector: 'app=node-exporter' })).items[0]));
  });
});

async function podsNamed(a: Apps, app: string): Promise<string[]> {
  return (await a.client.list(R.pods, ns, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name!);
}
